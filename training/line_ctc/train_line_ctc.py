#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Experiment (docs/reader.md, "A line recognizer: first measurement"): a
CTC line recognizer on the crops of prep_lines.py. Not part of the
product, the build or the tests.

usage: train_line_ctc.py --data DIR --epochs 12 --threads 1 [--no-dev]
       [--dump FILE]   (label and reading of each held-out photo, at the end)
Net: 32x128 -> 4 x (conv3x3 + batch norm + ReLU) with 2x2, 2x2, 2x1
pooling and a max over the 4 rows left -> 128 x 32 columns -> conv1d(3)
-> 37 classes (blank 36) per column; CTC loss, Adam with a one-cycle
schedule, random polarity, contrast and noise. Each epoch prints the
O/0-I/1-folded exact read rate per set of the held-out photos' exact
crops and of all photos' (most trained on).
"""
import argparse
import random
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

CL = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
BLANK = 36
FOLD = str.maketrans("O0I1", "0011")


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        ch = (1, 32, 64, 96, 128)
        self.conv = nn.ModuleList(nn.Conv2d(ch[i], ch[i + 1], 3, padding=1) for i in range(4))
        self.bn = nn.ModuleList(nn.BatchNorm2d(ch[i + 1]) for i in range(4))
        self.fc = nn.Conv1d(128, 37, 3, padding=1)

    def forward(self, x):
        x = x - 0.5
        for i, pool in enumerate(((2, 2), (2, 2), (2, 1), None)):
            x = F.relu(self.bn[i](self.conv[i](x)))
            if pool:
                x = F.max_pool2d(x, pool)
        return self.fc(x.amax(2))


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


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--epochs", type=int, default=12)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--no-dev", action="store_true")
    ap.add_argument("--dump")
    a = ap.parse_args()
    torch.manual_seed(1)
    np.random.seed(1)
    random.seed(1)
    torch.set_num_threads(a.threads)
    s = np.load(a.data + "/synth.npz")
    d = np.load(a.data + "/dev.npz")
    Xd, Td, Sd, HOd = d["X"], list(d["T"]), d["S"], d["HO"]
    tr = [i for i in range(len(Td)) if not HOd[i]]
    held = [i for i in range(0, len(Td), 9) if HOd[i]]
    every = list(range(0, len(Td), 9))
    X, T = s["X"], list(s["T"])
    if not a.no_dev:
        X = np.concatenate([X] + [Xd[tr]] * 3)
        T = T + [Td[i] for i in tr] * 3
    keep = [i for i, t in enumerate(T) if 0 < len(t) <= 10 and all(c in CL for c in t)]
    X, T = X[keep], [T[i] for i in keep]
    print("train", len(X), "held-out photos", len(held), flush=True)
    net = Net()
    opt = torch.optim.Adam(net.parameters(), 1e-3)
    sch = torch.optim.lr_scheduler.OneCycleLR(opt, 2e-3, pct_start=0.15,
                                              total_steps=a.epochs * ((len(X) + 63) // 64))
    ctc = nn.CTCLoss(blank=BLANK, zero_infinity=True)

    def rate(idx):
        net.eval()
        with torch.no_grad():
            got = decode(net(torch.tensor(Xd[idx])[:, None]))
        net.train()
        per = {}
        for i, t in zip(idx, got):
            per.setdefault(Sd[i], [0, 0])
            per[Sd[i]][1] += 1
            per[Sd[i]][0] += t.translate(FOLD) == Td[i].translate(FOLD)
        return per

    for ep in range(a.epochs):
        t0, tot = time.time(), 0.0
        perm = np.random.permutation(len(X))
        for b in range(0, len(X), 64):
            ii = perm[b:b + 64]
            xb = X[ii].copy()
            for k in range(len(xb)):
                if random.random() < 0.5:
                    xb[k] = 1 - xb[k]
                xb[k] = np.clip(xb[k] * random.uniform(0.6, 1.0) + random.uniform(0, 0.3) +
                                np.random.normal(0, random.uniform(0, 0.08), xb[k].shape), 0, 1)
            tg = [torch.tensor([CL.index(c) for c in T[i]]) for i in ii]
            lp = net(torch.tensor(xb)[:, None]).permute(2, 0, 1).log_softmax(2)
            loss = ctc(lp, torch.cat(tg), torch.full((len(ii),), lp.shape[0], dtype=torch.long),
                       torch.tensor([len(t) for t in tg]))
            opt.zero_grad()
            loss.backward()
            opt.step()
            sch.step()
            tot += loss.item() * len(ii)
        print("epoch %d loss %.3f held-out %s all %s %.0fs" %
              (ep + 1, tot / len(X), rate(held), rate(every), time.time() - t0), flush=True)
    if a.dump:
        net.eval()
        with torch.no_grad():
            got = decode(net(torch.tensor(Xd[held])[:, None]))
        with open(a.dump, "w") as out:
            for i, t in zip(held, got):
                out.write("%s\t%s\t%s\n" % (Sd[i], Td[i], t))


if __name__ == "__main__":
    main()
