#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Render the demo's IR camera frames: UK vehicles passing a fixed camera.

Night-time infrared view of one lane: a dark road, and vehicles driving
towards the camera whose retroreflective plates show bright with dark
characters (as ANPR IR frames do). Each vehicle is seen in a run of
consecutive frames while its plate grows; empty frames separate vehicles.
Everything follows from --seed, so the frames are the same on every
machine with the same Pillow and DejaVu fonts (Debian packages python3-pil
and fonts-dejavu-core).

Writes DIR/frame-NNNN.pgm (nothing else, so DIR is a clean file: source)
and TRUTH (default DIR.truth.tsv): one line per vehicle,
"plate<TAB>first_frame<TAB>last_frame".

usage: render_frames.py --out DIR [--truth FILE] [--seed S] [--width W]
                        [--height H] [--plates AB12CDE,...]
"""
import argparse
import os
import random

from PIL import Image, ImageDraw, ImageFilter, ImageFont

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSansCondensed-Bold.ttf"
UK = "ABCDEFGHJKLMNOPRSTUVWXYZ"        # no I, Q
UK_AREA = "ABCDEFGHJKLMNOPRSTUVWXY"    # no I, Q, Z
DIGITS = "0123456789"


def uk_plate(rng):
    age = rng.choice(["12", "15", "18", "21", "24", "62", "65", "68", "71", "74"])
    return "".join(rng.choice(UK_AREA) for _ in range(2)) + age + \
        "".join(rng.choice(UK) for _ in range(3))


def glyph(ch, char_h, font, aspect=50 / 79):
    """A character at UK plate geometry: the 50 x 79 mm box of the Charles
    Wright 2001 font (aspect: width / height; 1 and I keep their own width:
    in that font they are bars, not 50 mm wide), from DejaVu. Also used by
    the reader's UK bench (tests/bench/gb-synth)."""
    bb = font.getbbox(ch)
    g = Image.new("L", (bb[2] - bb[0] + 8, bb[3] - bb[1] + 8), 0)
    ImageDraw.Draw(g).text((4 - bb[0], 4 - bb[1]), ch, font=font, fill=255)
    g = g.crop(g.getbbox())
    w = round(char_h * aspect) if ch not in "1I" else round(g.width * char_h / g.height)
    return g.resize((max(2, w), char_h), Image.LANCZOS)


def plate_image(text, char_h):
    """A front plate under IR: bright, dark characters, 'AB12 CDE' at UK
    spacing (characters 11 mm apart, 33 mm between the groups)."""
    font = ImageFont.truetype(FONT, int(char_h * 1.45))
    groups = [text[:4], text[4:]]
    pad = int(char_h * 0.35)
    gap, group_gap = round(char_h * 11 / 79), round(char_h * 33 / 79)
    glyphs = [[glyph(c, char_h, font) for c in g] for g in groups]
    widths = [sum(x.width for x in gl) + gap * (len(gl) - 1) for gl in glyphs]
    w = sum(widths) + group_gap + 2 * pad
    h = int(char_h * 1.6)
    img = Image.new("L", (w, h), 236)
    d = ImageDraw.Draw(img)
    d.rectangle([0, 0, w - 1, h - 1], outline=150, width=max(1, char_h // 20))
    ink = Image.new("L", (w, h), 28)
    x = pad
    for gl in glyphs:
        for gi, g in enumerate(gl):
            img.paste(ink.crop((0, 0, g.width, g.height)), (x, (h - char_h) // 2), g)
            x += g.width + (gap if gi + 1 < len(gl) else 0)
        x += group_gap
    return img


def background(rng, w, h):
    img = Image.new("L", (w, h), 18)
    d = ImageDraw.Draw(img)
    # road edges and a dashed centre line converging to the horizon
    cx = w // 2
    for side in (-1, 1):
        d.line([(cx + side * w // 10, h // 4), (cx + side * w // 2, h)], fill=45, width=4)
    for y in range(h // 4, h, 60):
        d.line([(cx, y), (cx, y + 25)], fill=40, width=3)
    return img.filter(ImageFilter.GaussianBlur(1.2))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--truth", default="")
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--width", type=int, default=1280)
    ap.add_argument("--height", type=int, default=720)
    ap.add_argument("--plates", default="")
    ap.add_argument("--vehicles", type=int, default=5)
    ap.add_argument("--frames-per-vehicle", type=int, default=12)
    ap.add_argument("--gap", type=int, default=6)
    a = ap.parse_args()

    rng = random.Random(a.seed)
    plates = [p for p in a.plates.split(",") if p] or \
        [uk_plate(rng) for _ in range(a.vehicles)]
    os.makedirs(a.out, exist_ok=True)
    bg = background(rng, a.width, a.height)
    n = 0
    truth = []

    def emit(img):
        nonlocal n
        noisy = img.point(lambda v: v)  # copy
        px = noisy.load()
        for _ in range(a.width * a.height // 200):     # sensor speckle
            x, y = rng.randrange(a.width), rng.randrange(a.height)
            px[x, y] = min(255, px[x, y] + rng.randint(10, 40))
        noisy.save(os.path.join(a.out, "frame-%04d.pgm" % n))
        n += 1

    for _ in range(a.gap):
        emit(bg)
    for text in plates:
        first = n
        lane_x = a.width // 2 + rng.randint(-a.width // 10, a.width // 10)
        for k in range(a.frames_per_vehicle):
            t = k / max(1, a.frames_per_vehicle - 1)
            char_h = int(22 + 30 * t)              # plate grows as it nears
            body_w = int(char_h * 11)
            body_h = int(char_h * 7)
            cy = int(a.height * (0.30 + 0.45 * t))
            frame = bg.copy()
            d = ImageDraw.Draw(frame)
            x0, y0 = lane_x - body_w // 2, cy - body_h // 2
            d.rounded_rectangle([x0, y0, x0 + body_w, y0 + body_h], radius=char_h,
                                fill=62)
            d.rectangle([x0 + body_w // 8, y0 + body_h // 10, x0 + body_w * 7 // 8,
                         y0 + body_h * 4 // 10], fill=30)          # windscreen
            for lx in (x0 + body_w // 10, x0 + body_w * 8 // 10):  # lamps
                d.ellipse([lx, y0 + body_h // 2, lx + body_w // 10,
                           y0 + body_h // 2 + body_h // 8], fill=200)
            plate = plate_image(text, char_h)
            plate = plate.rotate(rng.uniform(-2.0, 2.0), resample=Image.BICUBIC,
                                 expand=True, fillcolor=62)
            px0 = lane_x - plate.width // 2
            py0 = y0 + body_h * 7 // 10 - plate.height // 2
            frame.paste(plate, (px0, py0))
            frame = frame.filter(ImageFilter.GaussianBlur(0.6))   # focus, motion
            emit(frame)
        truth.append((text, first, n - 1))
        for _ in range(a.gap):
            emit(bg)
    with open(a.truth or a.out.rstrip("/") + ".truth.tsv", "w") as f:
        for text, first, last in truth:
            f.write("%s\t%d\t%d\n" % (text, first, last))
    print("render_frames: %d frames, %d vehicles in %s" % (n, len(plates), a.out))


if __name__ == "__main__":
    main()
