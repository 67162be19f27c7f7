#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Render demo frames (demo/render_frames.py) in which some plates cannot
be read: issue 23, item 4's tests (docs/console.md, "Design: plates found
but not read").

Same arguments as render_frames.py; an entry of --plates may be
MODE:TEXT, where MODE is
  blackout   the characters covered by a black bar (defaced),
  ghost      no characters under IR (a "ghost" plate: bright, no marks),
  lowerhalf  the plate's lower half covered (dark, as the bumper).
The truth file lists such a vehicle as MODE:TEXT, as given.
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "demo"))
import render_frames as rf  # noqa: E402
from PIL import ImageDraw  # noqa: E402

MODES = {}
_plate_image = rf.plate_image


def plate_image(text, char_h):
    mode = MODES.get(text)
    img = _plate_image(text, char_h)
    if not mode:
        return img
    w, h = img.size
    d = ImageDraw.Draw(img)
    pad = int(char_h * 0.35)
    cy0 = (h - char_h) // 2
    if mode == "blackout":
        d.rectangle([pad - 2, cy0 - 2, w - pad + 1, cy0 + char_h + 1], fill=28)
    elif mode == "ghost":
        d.rectangle([2, 2, w - 3, h - 3], fill=236)
    elif mode == "lowerhalf":
        d.rectangle([0, h // 2, w - 1, h - 1], fill=40)
    else:
        raise SystemExit("render_unreadable: unknown mode %s" % mode)
    return img


def main():
    argv = sys.argv[1:]
    for i, a in enumerate(argv):
        if a == "--plates" and i + 1 < len(argv):
            out = []
            for p in argv[i + 1].split(","):
                if ":" in p:
                    mode, p = p.split(":", 1)
                    MODES[p] = mode
                out.append(p)
            argv[i + 1] = ",".join(out)
    rf.plate_image = plate_image
    sys.argv = [sys.argv[0]] + argv
    rf.main()
    truth = None
    for i, a in enumerate(argv):
        if a == "--truth":
            truth = argv[i + 1]
        if a == "--out" and truth is None:
            out_dir = argv[i + 1]
    truth = truth or out_dir.rstrip("/") + ".truth.tsv"
    with open(truth) as f:
        lines = [ln.rstrip("\n").split("\t") for ln in f if ln.strip()]
    with open(truth, "w") as f:
        for t in lines:
            if t[0] in MODES:
                t[0] = MODES[t[0]] + ":" + t[0]
            f.write("\t".join(t) + "\n")


if __name__ == "__main__":
    main()
