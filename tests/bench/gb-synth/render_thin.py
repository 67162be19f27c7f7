#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Render UK IR frames whose plates each hold a thin 1 (issue 21, item 4).

The UK font (Charles Wright 2001) draws 1 and I as bars 14 mm wide of the
79 mm height, the 1 with a short flag at its top left; render.py's glyphs
(DejaVu) give the 1 a foot and a wider box. Here the 1 and the I are drawn
as the UK font's bars (--stroke mm), and every plate holds a 1: current
marks with a 1 in the age identifier, prefix and suffix marks with a 1 in
the number; the issue's HK10NYY, NTP561M and V147JAR are the first 12
frames (four each). --margin is the plate's ground beyond the first and
last characters, in character heights (a UK plate's is about 0.5; 0.08:
the end characters near the plate's border, as on tight plates). Frames
are 640x360, characters 12..40 px high, rotated up to 4 degrees, blurred
0.4..1.4 px, sensor noise 5 grey levels. Writes truth.tsv as render.py
does, for score.py.

usage: render_thin.py --out DIR [--count N] [--seed S] [--margin M] [--stroke MM]
"""
import argparse
import os
import random
import sys

from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import render  # noqa: E402

LETTERS = "ABCDEFGHJKLMNPRSTUVWXY"      # no I, O, Q, Z: no look-alike doubt
AGE = "ABCDEFGHJKLMNPRSTVWXY"           # prefix and suffix age letters
ISSUE = ["HK10NYY", "NTP561M", "V147JAR"]


def bar_glyph(stroke):
    """render.glyph's stand-in: 1 and I as the UK font's bars."""
    dejavu = render.uk_glyph

    def glyph(ch, char_h, font, aspect=50 / 79):
        if ch not in "1I":
            return dejavu(ch, char_h, font, aspect)
        sw = max(2, round(char_h * stroke / 79))
        fl = round(char_h * 12 / 79) if ch == "1" else 0
        g = Image.new("L", (sw + fl, char_h), 0)
        d = ImageDraw.Draw(g)
        d.rectangle([fl, 0, fl + sw - 1, char_h - 1], fill=255)
        if fl:
            d.polygon([(fl, 0), (0, round(char_h * 14 / 79)),
                       (0, round(char_h * 22 / 79)), (fl, round(char_h * 10 / 79))], fill=255)
        return g
    return glyph


def number(rng):
    while True:
        v = str(rng.randint(1, 999))
        if "1" in v:
            return v


def make_text(rng, i):
    """(text, format, groups) with a 1 in it."""
    if i < 4 * len(ISSUE):
        t = ISSUE[i % len(ISSUE)]
    else:
        k = rng.randint(0, 2)
        if k == 0:
            age = rng.choice(["1" + str(rng.randint(0, 9)), str(rng.randint(1, 9)) + "1"])
            t = rng.choice(LETTERS) + rng.choice(LETTERS) + age + "".join(
                rng.choice(LETTERS) for _ in range(3))
        elif k == 1:
            t = rng.choice(AGE) + number(rng) + "".join(rng.choice(LETTERS) for _ in range(3))
        else:
            t = "".join(rng.choice(LETTERS) for _ in range(3)) + number(rng) + rng.choice(AGE)
    if t[2].isdigit() and t[3].isdigit() and t[:2].isalpha() and len(t) == 7:
        return t, "gb-current", [t[:4], t[4:]]
    if t[0].isalpha() and t[1].isdigit():         # prefix: A123 BCD
        j = len(t) - 3
        return t, "gb-prefix", [t[:j], t[j:]]
    return t, "gb-suffix", [t[:3], t[3:]]          # suffix: ABC 123D


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--count", type=int, default=300)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--margin", type=float, default=0.5)
    ap.add_argument("--stroke", type=float, default=14.0)
    a = ap.parse_args()
    render.uk_glyph = bar_glyph(a.stroke)
    rng = random.Random(a.seed)
    os.makedirs(a.out, exist_ok=True)
    rows = []
    for i in range(a.count):
        text, fmt, groups = make_text(rng, i)
        char_h = rng.randint(12, 40)
        font = ImageFont.truetype(render.FONT, int(char_h * 1.45))
        bg, ink = rng.randint(175, 245), rng.randint(8, 70)
        w = render.line_width(groups, char_h, font)
        pad = round(char_h * a.margin)
        pw, ph = w + 2 * pad, round(char_h * 111 / 79)
        plate = Image.new("L", (pw, ph), bg)
        render.draw_line(plate, groups, char_h, pad, (ph - char_h) // 2, ink, font)
        ImageDraw.Draw(plate).rectangle([0, 0, pw - 1, ph - 1], outline=max(0, bg - 90),
                                        width=max(1, char_h // 16))
        fw, fh = 640, 360
        img = Image.new("L", (fw, fh), rng.randint(20, 50))
        px, py = rng.randint(20, fw - pw - 20), rng.randint(20, fh - ph - 20)
        ImageDraw.Draw(img).rectangle([px - pw // 2, py - ph, px + pw + pw // 2, py + 2 * ph],
                                      fill=rng.randint(50, 90))
        angle = rng.uniform(-4, 4)
        big = plate.rotate(angle, Image.BICUBIC, expand=True, fillcolor=0)
        mask = Image.new("L", plate.size, 255).rotate(angle, Image.BICUBIC, expand=True, fillcolor=0)
        img.paste(big, (px, py), mask)
        img = img.filter(ImageFilter.GaussianBlur(rng.uniform(0.4, 1.4)))
        img = ImageChops.add(img, Image.effect_noise(img.size, 5), 1.0, -128)
        name = "%04d.png" % i
        img.save(os.path.join(a.out, name))
        rows.append("\t".join([name, text, fmt, "1", str(char_h), "-",
                               "%d,%d,%d,%d" % (px, py, big.width, big.height)]))
    with open(os.path.join(a.out, "truth.tsv"), "w") as f:
        f.write("file\tplate\tformat\tlines\tchar_h\ttags\tbox\n")
        f.write("\n".join(rows) + "\n")


if __name__ == "__main__":
    main()
