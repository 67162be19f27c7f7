#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Train the reader's line recognizer and write its weights file.

Input: line records from `anpr-train-dump lines` (the plate text NUL-padded
to 16 bytes, u32 group, 32x128 ink bytes; docs/reader.md): the band of a
line the reader itself found over a labelled plate, cut as inference cuts
it. Each --data argument is NAME=PATH[:REPEAT]. Records of a set named with
--val whose group (FNV-1a of the plate text) is held out are scored per
set at the end and never trained on: group % 10 == 0 (--held tenth, as
the bench's held-out tenth) or group % 2 == 1 (--held half).

The network matches daemon/reader/linenet.c exactly:
  32x128 ink - 0.5 -> 4 x (conv3x3 + batch norm + ReLU), max-pooled 2x2,
  2x2, 2x1 after the first three -> max over the 4 rows left -> C4 x 32
  columns -> conv1d(3) -> 37 scores per column (36 characters, blank 36);
  CTC loss. Batch norm is folded into the convolutions on export.
Augmentation: shifts of up to 3 px across and 1 px down, contrast, noise.
Deterministic for a seed on one thread.

usage: train_lines.py --out L.bin --seed 1 --data synth=/tmp/s.lines \
       --data dev=/tmp/d.lines:3 --val dev [--held tenth|half] [--dump F]
       [--check F]  (one input and its output, for the C inference's test)
"""
import argparse
import random
import struct
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

CL = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
BLANK = len(CL)
H, W = 32, 128
LABEL = 16
REC = np.dtype([("label", "S%d" % LABEL), ("group", "<u4"), ("pix", "u1", (H * W,))])
FOLD = str.maketrans("O0I1", "0011")
POOLS = ((2, 2), (2, 2), (2, 1), None)


class Net(nn.Module):
    def __init__(self, ch):
        super().__init__()
        ch = (1,) + tuple(ch)
        self.conv = nn.ModuleList(nn.Conv2d(ch[i], ch[i + 1], 3, padding=1) for i in range(4))
        self.bn = nn.ModuleList(nn.BatchNorm2d(ch[i + 1]) for i in range(4))
        self.fc = nn.Conv1d(ch[4], BLANK + 1, 3, padding=1)

    def forward(self, x):
        x = x - 0.5
        for i, pool in enumerate(POOLS):
            x = F.relu(self.bn[i](self.conv[i](x)))
            if pool:
                x = F.max_pool2d(x, pool)
        return self.fc(x.amax(2))


def export(net, path, ch):
    with open(path, "wb") as out:
        out.write(b"ANPRLIN1")
        out.write(struct.pack("<8I", 1, H, W, *ch, BLANK + 1))
        out.write(CL.encode())
        for conv, bn in zip(net.conv, net.bn):
            scale = bn.weight / torch.sqrt(bn.running_var + bn.eps)
            w = conv.weight * scale[:, None, None, None]
            b = (conv.bias - bn.running_mean) * scale + bn.bias
            for t in (w, b):
                out.write(t.detach().cpu().numpy().astype("<f4").tobytes())
        for t in (net.fc.weight, net.fc.bias):
            out.write(t.detach().cpu().numpy().astype("<f4").tobytes())


def load(spec):
    name, rest = spec.split("=", 1)
    path, rep = rest.rsplit(":", 1) if ":" in rest else (rest, "1")
    recs = np.fromfile(path, dtype=REC)
    text = [t.decode() for t in recs["label"]]
    keep = [i for i, t in enumerate(text) if 0 < len(t) <= 10 and all(c in CL for c in t)]
    return (name, recs["pix"][keep].reshape(-1, H, W), [text[i] for i in keep],
            recs["group"][keep], int(rep))


def decode(logits):
    out = []
    for seq in logits.argmax(1).numpy():
        s, prev = "", -1
        for k in seq:
            if k != prev and k != BLANK:
                s += CL[k]
            prev = k
        out.append(s)
    return out


def augment(xb, rnd, nrnd):
    out = np.zeros_like(xb)
    for k in range(len(xb)):
        dx, dy = rnd.randint(-3, 3), rnd.randint(-1, 1)
        src = xb[k][max(0, -dy):H - max(0, dy), max(0, -dx):W - max(0, dx)]
        out[k][max(0, dy):max(0, dy) + src.shape[0], max(0, dx):max(0, dx) + src.shape[1]] = src
        out[k] = np.clip(out[k] * rnd.uniform(0.6, 1.0) + rnd.uniform(0, 0.2) +
                         nrnd.normal(0, rnd.uniform(0, 0.06), (H, W)), 0, 1)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--epochs", type=int, default=10)
    ap.add_argument("--ch", default="16,32,64,96")
    ap.add_argument("--data", action="append", required=True)
    ap.add_argument("--val", action="append", default=[])
    ap.add_argument("--held", choices=("tenth", "half"), default="tenth")
    ap.add_argument("--dump")
    ap.add_argument("--check")
    a = ap.parse_args()
    ch = tuple(int(c) for c in a.ch.split(","))
    torch.manual_seed(a.seed)
    rnd = random.Random(a.seed)
    nrnd = np.random.RandomState(a.seed)
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)

    def held(g):
        return g % 10 == 0 if a.held == "tenth" else g % 2 == 1
    X, T, V = [], [], []
    for spec in a.data:
        name, x, t, g, rep = load(spec)
        ho = np.array([name in a.val and held(int(v)) for v in g], dtype=bool)
        tr = np.nonzero(~ho)[0]
        print("%s: %d lines, %d held out" % (name, len(t), int(ho.sum())), flush=True)
        for _ in range(rep):
            X.append(x[tr])
            T += [t[i] for i in tr]
        if ho.any():
            V.append((name, x[ho], [t[i] for i in np.nonzero(ho)[0]]))
    X = np.concatenate(X)
    net = Net(ch)
    opt = torch.optim.Adam(net.parameters(), 1e-3)
    steps = a.epochs * ((len(X) + 63) // 64)
    sch = torch.optim.lr_scheduler.OneCycleLR(opt, 3e-3, pct_start=0.15, total_steps=steps)
    ctc = nn.CTCLoss(blank=BLANK, zero_infinity=True)
    tgt = [torch.tensor([CL.index(c) for c in t]) for t in T]

    def score():
        net.eval()
        res = []
        with torch.no_grad():
            for name, x, t in V:
                got = decode(net(torch.tensor(x, dtype=torch.float32)[:, None] / 255))
                ok = sum(g.translate(FOLD) == s.translate(FOLD) for g, s in zip(got, t))
                res.append("%s %d/%d" % (name, ok, len(t)))
        net.train()
        return ", ".join(res)

    for ep in range(a.epochs):
        t0, tot = time.time(), 0.0
        perm = np.array(rnd.sample(range(len(X)), len(X)))
        for b in range(0, len(X), 64):
            ii = perm[b:b + 64]
            xb = augment(X[ii].astype(np.float32) / 255, rnd, nrnd)
            tg = [tgt[i] for i in ii]
            lp = net(torch.tensor(xb)[:, None]).permute(2, 0, 1).log_softmax(2)
            loss = ctc(lp, torch.cat(tg), torch.full((len(ii),), lp.shape[0], dtype=torch.long),
                       torch.tensor([len(t) for t in tg]))
            opt.zero_grad()
            loss.backward()
            opt.step()
            sch.step()
            tot += loss.item() * len(ii)
        print("epoch %d loss %.3f held-out lines read %s (%.0f s)" %
              (ep + 1, tot / len(X), score(), time.time() - t0), flush=True)
    net.eval()
    export(net, a.out, ch)
    if a.check:
        # One line and what the net gives for it, for the C inference's
        # test (tests/reader/test_linenet.c): the first record trained on.
        x = torch.tensor(X[:1].astype(np.float32) / 255)
        with torch.no_grad():
            lp = net(x[:, None]).log_softmax(1)[0].T
        with open(a.check, "wb") as out:
            out.write(b"ANPRLCK1")
            out.write(x.numpy().astype("<f4").tobytes())
            out.write(lp.numpy().astype("<f4").tobytes())
    if a.dump:
        with open(a.dump, "w") as out, torch.no_grad():
            for name, x, t in V:
                got = decode(net(torch.tensor(x, dtype=torch.float32)[:, None] / 255))
                for g, s in zip(got, t):
                    out.write("%s\t%s\t%s\n" % (name, s, g))


if __name__ == "__main__":
    main()
