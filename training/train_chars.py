#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Train the reader's character classifier and write its weights file.

Input: record files from anpr-train-dump (label byte, u32 group, 24x16 ink
bytes; docs/reader.md). Each --data argument is NAME=PATH[:REPEAT]; REPEAT
oversamples a small real set against a large synthetic one. Records whose
group id falls in the validation tenth (group % 10 == 0) of a set named
with --val are held out and scored per set at the end, so the printed
accuracy is on source photos (or plates) the net never saw.

The network matches daemon/reader/charnet.c exactly:
  conv3x3(1->C1)+ReLU, maxpool2, conv3x3(C1->C2)+ReLU, maxpool2,
  fc(C2*6*4->F)+ReLU, fc(F->37).
Augmentation: 1 px shifts, stubs of ink beside the character (add_stubs),
contrast, noise. Training is deterministic for a seed on one thread (torch.manual_seed,
numpy and random seeded, torch.use_deterministic_algorithms).

usage: train_chars.py --out W.bin --seed 1 --data synth=/tmp/s.bin \
       --data dev=/tmp/d.bin:4 --val dev [--init-only]
"""
import argparse
import random
import struct
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

CLASSES = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ?"
H, W = 24, 16
REC = np.dtype([("label", "u1"), ("group", "<u4"), ("pix", "u1", (H * W,))])


class Net(nn.Module):
    def __init__(self, c1, c2, f):
        super().__init__()
        self.c1 = nn.Conv2d(1, c1, 3, padding=1)
        self.c2 = nn.Conv2d(c1, c2, 3, padding=1)
        self.f1 = nn.Linear(c2 * (H // 4) * (W // 4), f)
        self.f2 = nn.Linear(f, len(CLASSES))

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.c1(x)), 2)
        x = F.max_pool2d(F.relu(self.c2(x)), 2)
        x = F.relu(self.f1(x.flatten(1)))
        return self.f2(x)


def export(net, path, c1, c2, f):
    with open(path, "wb") as out:
        out.write(b"ANPRCHR1")
        out.write(struct.pack("<8I", 1, H, W, c1, c2, f, len(CLASSES), 0))
        hdr = CLASSES.encode()
        hdr += b"\0" * ((-(8 + 32 + len(hdr))) % 4)
        out.write(hdr)
        for t in (net.c1.weight, net.c1.bias, net.c2.weight, net.c2.bias,
                  net.f1.weight, net.f1.bias, net.f2.weight, net.f2.bias):
            out.write(t.detach().cpu().numpy().astype("<f4").tobytes())


def load(spec):
    name, rest = spec.split("=", 1)
    path, rep = (rest.rsplit(":", 1) + ["1"])[:2] if ":" in rest else (rest, "1")
    recs = np.fromfile(path, dtype=REC)
    lab = np.array([CLASSES.index(chr(c)) if chr(c) in CLASSES else -1
                    for c in recs["label"]], dtype=np.int64)
    keep = lab >= 0
    return name, recs["pix"][keep], lab[keep], recs["group"][keep], int(rep)


def augment(x, g):
    # x: N x 1 x H x W floats in 0..1
    n = x.shape[0]
    dx = torch.randint(-1, 2, (n,), generator=g)
    dy = torch.randint(-1, 2, (n,), generator=g)
    out = torch.zeros_like(x)
    for sx in (-1, 0, 1):
        for sy in (-1, 0, 1):
            m = (dx == sx) & (dy == sy)
            if m.any():
                out[m] = torch.roll(x[m], shifts=(sy, sx), dims=(2, 3))
    add_stubs(out, g)
    scale = 0.6 + 0.4 * torch.rand((n, 1, 1, 1), generator=g)
    out = out * scale + 0.06 * torch.randn(out.shape, generator=g)
    return out.clamp(0, 1)


def add_stubs(x, g, p=0.1):
    """In place: on a share p of the patches, one to three short ink bars
    stuck to the left or right of the character, as the remains of a
    neighbour or of the plate edge leave them in real crops (the UK 1 with
    such stubs was read as T, H or 4)."""
    n = x.shape[0]
    pick = torch.nonzero(torch.rand(n, generator=g) < p).flatten()
    ink = x[:, 0].amax(1) > 0.5                           # N x W columns
    for i in pick.tolist():
        cols = torch.nonzero(ink[i]).flatten()
        if len(cols) == 0:
            continue
        for _ in range(int(torch.randint(1, 4, (1,), generator=g))):
            ln = int(torch.randint(1, 4, (1,), generator=g))
            th = int(torch.randint(1, 3, (1,), generator=g))
            y = int(torch.randint(2, H - 2 - th, (1,), generator=g))
            if torch.rand(1, generator=g) < 0.5:
                x0 = max(0, int(cols[0]) - ln)
                x1 = int(cols[0]) + 1
            else:
                x0 = int(cols[-1])
                x1 = min(W, int(cols[-1]) + 1 + ln)
            x[i, 0, y:y + th, x0:x1] = 1.0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--data", action="append", default=[])
    ap.add_argument("--val", action="append", default=[])
    ap.add_argument("--epochs", type=int, default=14)
    ap.add_argument("--c1", type=int, default=16)
    ap.add_argument("--c2", type=int, default=32)
    ap.add_argument("--f", type=int, default=128)
    ap.add_argument("--init-only", action="store_true")
    a = ap.parse_args()

    torch.manual_seed(a.seed)
    np.random.seed(a.seed)
    random.seed(a.seed)
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    net = Net(a.c1, a.c2, a.f)
    if a.init_only:
        export(net, a.out, a.c1, a.c2, a.f)
        return

    tx, ty, vals = [], [], []
    for spec in a.data:
        name, pix, lab, grp, rep = load(spec)
        isval = (grp % 10 == 0) if name in a.val else np.zeros(len(lab), bool)
        print("%s: %d records (%d held out), repeat %d" % (name, len(lab), isval.sum(), rep))
        for _ in range(rep):
            tx.append(pix[~isval])
            ty.append(lab[~isval])
        if isval.any():
            vals.append((name, pix[isval], lab[isval]))
    X = torch.from_numpy(np.concatenate(tx)).float().div(255).view(-1, 1, H, W)
    Y = torch.from_numpy(np.concatenate(ty))
    print("training on %d patches; classes %s" % (len(Y), np.bincount(Y.numpy(), minlength=37)))
    g = torch.Generator().manual_seed(a.seed)
    opt = torch.optim.Adam(net.parameters(), lr=2e-3, weight_decay=1e-5)
    steps = a.epochs * ((len(Y) + 255) // 256)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=3e-3, total_steps=steps)
    for ep in range(a.epochs):
        perm = torch.randperm(len(Y), generator=g)
        net.train()
        tot, correct, loss_sum = 0, 0, 0.0
        for i in range(0, len(Y), 256):
            idx = perm[i:i + 256]
            xb, yb = augment(X[idx], g), Y[idx]
            out = net(xb)
            loss = F.cross_entropy(out, yb, label_smoothing=0.05)
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            loss_sum += loss.item() * len(idx)
            correct += (out.argmax(1) == yb).sum().item()
            tot += len(idx)
        msg = "epoch %d: loss %.4f train acc %.4f" % (ep + 1, loss_sum / tot, correct / tot)
        net.eval()
        with torch.no_grad():
            for name, pix, lab in vals:
                xv = torch.from_numpy(pix).float().div(255).view(-1, 1, H, W)
                pred = net(xv).argmax(1).numpy()
                msg += "  %s held-out acc %.4f (%d)" % (name, (pred == lab).mean(), len(lab))
        print(msg)
        sys.stdout.flush()
    export(net, a.out, a.c1, a.c2, a.f)
    print("wrote", a.out)


if __name__ == "__main__":
    main()
