#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Score anpr-read on the synthetic UK IR set (render.py): exact top-1 read
rate over all frames and per format, line count, plate size and trouble
tag, printed as `make bench` figures. Each miss is put down to a stage by
what anpr-read returned over the plate's box: nothing there (detection),
a reading of another length (segmentation), the right length but other
characters (recognition), or the right text only below another plate
(ranking).

usage: score.py ANPR_READ DIR
"""
import json
import subprocess
import sys
from collections import defaultdict

TARGET = 95.0   # our own target for UK IR frames; the issue gives none


def overlaps(a, b):
    """Does box b = [x, y, w, h] have its centre inside box a?"""
    cx, cy = b[0] + b[2] / 2, b[1] + b[3] / 2
    return a[0] <= cx <= a[0] + a[2] and a[1] <= cy <= a[1] + a[3]


def miss_stage(plate, box, found):
    here = [p["text"] for p in found if overlaps(box, p["box"])]
    if plate in here:
        return "ranking"
    if not here:
        return "detection"
    if any(len(t) == len(plate) for t in here):
        return "recognition"
    return "segmentation"


def main():
    reader, d = sys.argv[1], sys.argv[2]
    truth = []
    with open(d + "/truth.tsv") as f:
        next(f)
        for line in f:
            name, plate, fmt, lines, char_h, tags, box = line.rstrip("\n").split("\t")
            truth.append((name, plate, fmt, int(lines), int(char_h), tags.split(","),
                          [int(v) for v in box.split(",")]))
    files = [d + "/" + t[0] for t in truth]
    out = subprocess.run([reader, "--json", "--region", "gb"] + files,
                         capture_output=True, text=True, check=False)
    if out.returncode != 0:
        sys.stderr.write(out.stderr)
        sys.exit("score.py: anpr-read failed (status %d)" % out.returncode)
    got, plates = {}, {}
    ms = []
    for line in out.stdout.splitlines():
        o = json.loads(line)
        got[o["file"]] = o["plates"][0]["text"] if o["plates"] else ""
        plates[o["file"]] = o["plates"]
        ms.append(o["ms"])
    groups = defaultdict(lambda: [0, 0])
    misses = []
    stages = defaultdict(int)
    for name, plate, fmt, lines, char_h, tags, box in truth:
        ok = got.get(d + "/" + name) == plate
        if not ok:
            stages[miss_stage(plate, box, plates.get(d + "/" + name, []))] += 1
        keys = ["all", fmt, "two-line" if lines == 2 else "one-line",
                "chars < 18 px" if char_h < 18 else "chars >= 18 px"]
        keys += ["tag " + t for t in tags if t != "-"]
        for k in keys:
            groups[k][0] += ok
            groups[k][1] += 1
        if not ok:
            misses.append("%s %s -> %s" % (name, plate, got.get(d + "/" + name) or "(none)"))
    n_ok, n = groups["all"]
    rate = 100.0 * n_ok / n
    print("gb-synth IR read rate (exact, top-1): %.1f %%  (target >= %.0f %%, our own)  %s"
          % (rate, TARGET, "OK" if rate >= TARGET else "MISS"))
    for k in sorted(groups):
        if k != "all":
            a, b = groups[k]
            print("# gb-synth %-16s %3d/%-3d %5.1f %%" % (k, a, b, 100.0 * a / b))
    print("# gb-synth misses by stage: " + ", ".join(
        "%s %d" % (k, stages[k]) for k in ("detection", "segmentation", "recognition", "ranking")))
    ms.sort()
    print("# gb-synth ms per 1280x720 frame median %.2f, p95 %.2f (best SIMD level)"
          % (ms[len(ms) // 2], ms[int(len(ms) * 0.95)]))
    for m in misses[:12]:
        print("# miss " + m)


if __name__ == "__main__":
    main()
