#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Render synthetic number-plate scenes for training the character classifier.

Each scene is a grey PGM: a plate (UK, EU, US or Brazilian style text in a
font from Debian's font packages, dark on bright or bright on dark, with a
border, screws and noise) pasted on a cluttered background with random
rotation, perspective, scale, blur, noise and contrast; some scenes look like
IR frames (bright plate, dark surround). With --degraded N, N more scenes
follow (their own random stream, so the first --count scenes do not change
with N): small and degraded plates as a camera sees them far away or in
motion, characters mostly 9..18 px high (the reader searches 8..44 px on a
pyramid level), with IR bloom, horizontal or vertical motion blur, a
gaussian blur in pixels (the optics do not scale with the plate) and a
resolution loss (downscaled, then upscaled). A list file gets one line per scene:
path TAB text TAB x TAB y TAB w TAB h (the plate's bounding box), the input
of anpr-train-dump. Everything follows from --seed.

usage: render_plates.py --out DIR --count N --seed S [--degraded N]
"""
import argparse
import os
import random

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

FONTS = [
    "/usr/share/fonts/truetype/dejavu/DejaVuSansCondensed-Bold.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSansCondensed.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSansMono-Bold.ttf",
    "/usr/share/fonts/truetype/liberation2/LiberationMono-Bold.ttf",
    "/usr/share/fonts/truetype/freefont/FreeSansBold.ttf",
    "/usr/share/fonts/truetype/freefont/FreeSans.ttf",
    "/usr/share/fonts/truetype/freefont/FreeMonoBold.ttf",
    "/usr/share/fonts/opentype/urw-base35/NimbusSansNarrow-Bold.otf",
    "/usr/share/fonts/opentype/urw-base35/NimbusSansNarrow-Regular.otf",
    "/usr/share/fonts/opentype/urw-base35/NimbusSans-Bold.otf",
    "/usr/share/fonts/opentype/urw-base35/URWGothic-Demi.otf",
    "/usr/share/fonts/opentype/urw-base35/URWGothic-Book.otf",
    "/usr/share/fonts/opentype/urw-base35/NimbusMonoPS-Bold.otf",
]
# Sign and plate-like faces: Highway Gothic (roadgeek, most US plates),
# DIN 1451 (opendin, German and many EU plates), routed lettering (US
# embossed and engraved plates); fonts-roadgeek, fonts-opendin,
# fonts-routed-gothic.
PLATE_FONTS = [
    "/usr/share/fonts/truetype/roadgeek/RG2014B.ttf",
    "/usr/share/fonts/truetype/roadgeek/RG2014C.ttf",
    "/usr/share/fonts/truetype/roadgeek/RG2014D.ttf",
    "/usr/share/fonts/truetype/roadgeek/RG2014E.ttf",
    "/usr/share/fonts/truetype/roadgeek/RG2014EM.ttf",
    "/usr/share/fonts/truetype/opendin/OSP-DIN.ttf",
    "/usr/share/fonts/truetype/routed-gothic/routed-gothic.ttf",
    "/usr/share/fonts/truetype/routed-gothic/routed-gothic-narrow.ttf",
]

L = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
D = "0123456789"
UK = "ABCDEFGHJKLMNOPRSTUVWXYZ"        # no I, Q
UK_AREA = "ABCDEFGHJKLMNOPRSTUVWXY"    # no I, Q, Z
# Northern Ireland codes (the two letters after the first of an NI mark,
# `LIG 4589`, `ABZ 123`): the only UK marks with an I.
NI_CODES = ["IA", "IB", "IG", "IJ", "IL", "IW", "JI", "OI", "UI", "XI", "NI", "EI",
            "AZ", "BZ", "CZ", "DZ", "EZ", "FZ", "GZ", "HZ", "JZ", "KZ", "LZ",
            "MZ", "NZ", "OZ", "PZ", "RZ", "SZ", "TZ", "UZ", "WZ", "XZ", "YZ"]


def pick(rng, s, n):
    return "".join(rng.choice(s) for _ in range(n))


def plate_text(rng, xrng):
    """(text, groups, kind): groups is how the text is spaced on the plate.
    xrng decides which UK marks of the older formats are Northern Irish."""
    kind = rng.choice(["gb", "gb", "gb", "gbold", "eu", "eu", "us", "us", "br", "br", "any"])
    if kind == "gb":
        a, b = pick(rng, UK_AREA, 2) + pick(rng, D, 2), pick(rng, UK, 3)
        return a + b, [a, b], kind
    if kind == "gbold":
        n = rng.randint(1, 3)
        if rng.random() < 0.5:
            a, b = pick(rng, UK, 1) + pick(rng, D, n), pick(rng, UK, 3)
        else:
            a, b = pick(rng, UK, 3), pick(rng, D, n) + pick(rng, UK, 1)
        if xrng.random() < 0.5:
            # Northern Ireland, same length: `L` + code, then the digits.
            n = len(a + b) - 3              # 2..4 digits
            a, b = xrng.choice(UK) + xrng.choice(NI_CODES), pick(xrng, D, n)
        return a + b, [a, b], kind
    if kind == "eu":
        a, b, c = pick(rng, L, 2), pick(rng, D, 3), pick(rng, L, 2)
        return a + b + c, ([a, "-", b + c] if rng.random() < 0.5 else [a, b + c]), kind
    if kind == "us":
        shape = rng.choice(["DLLLDDD", "LLLDDDD", "LLLDDD", "DLLDDD", "DDDLLL",
                            "LLDDDDD", "AAAAAAA", "AAAAAA"])
        t = "".join(rng.choice(D if c == "D" else L if c == "L" else L + D)
                    for c in shape)
        if rng.random() < 0.4:
            cut = rng.randint(2, len(t) - 2)
            return t, [t[:cut], t[cut:]], kind
        return t, [t], kind
    if kind == "br":
        a = pick(rng, L, 3)
        b = pick(rng, D, 4) if rng.random() < 0.6 else (
            pick(rng, D, 1) + pick(rng, L, 1) + pick(rng, D, 2))
        return a + b, ([a, "-", b] if rng.random() < 0.5 else [a, b]), kind
    t = pick(rng, L + D, rng.randint(4, 8))
    return t, [t], kind


def uk_one(xrng, char_h):
    """The UK plate font's 1: a stem with a flag down to the left from its
    top, no foot (most fonts draw a foot, and a plain bar is the I)."""
    h = int(char_h)
    s = max(1, round(char_h * xrng.uniform(0.12, 0.2)))
    flag = max(2, round(char_h * xrng.uniform(0.18, 0.3)))
    img = Image.new("L", (flag + s, h), 0)
    d = ImageDraw.Draw(img)
    d.rectangle([flag, 0, flag + s - 1, h - 1], fill=255)
    d.polygon([(flag, 0), (flag + s - 1, 0), (0, round(flag * 0.8)),
               (0, round(flag * 0.8) + s - 1), (flag, s - 1)], fill=255)
    return img


def render_plate(rng, xrng, groups, char_h, kind):
    faces = PLATE_FONTS if rng.random() < (0.6 if kind == "us" else 0.35) else FONTS
    font = ImageFont.truetype(rng.choice(faces), int(char_h * 1.35))
    # UK plates (Charles Wright) and many others: every character but 1
    # fills the same width, whatever the font's own proportions.
    fixed_w = rng.uniform(0.5, 0.64) if kind.startswith("gb") and rng.random() < 0.6 else 0
    # Brazil's older plates (grey, LLL DDDD) have a 1 that is a plain bar,
    # as the dev photos show: the same shape as the UK I below.
    bar_one = kind == "br" and xrng.random() < 0.6
    # Half the UK plates draw their 1 as the UK font does (uk_one).
    flag_one = kind.startswith("gb") and xrng.random() < 0.5
    # Stroke weight: some plates are bolder or lighter than the font.
    weight = rng.choice([0, 0, 0, 0, 1, -1])
    track = rng.uniform(0.02, 0.25) * char_h
    gap = rng.uniform(0.3, 0.9) * char_h
    pieces, x = [], 0.0
    for gi, g in enumerate(groups):
        if gi:
            x += gap
        for ch in g:
            bb = font.getbbox(ch)
            pieces.append((x - bb[0], ch, bb))
            x += (bb[2] - bb[0]) + track
    text_w = x - track
    pad_x = rng.uniform(0.25, 0.8) * char_h
    pad_y = rng.uniform(0.15, 0.45) * char_h
    W, H = int(text_w + 2 * pad_x), int(char_h + 2 * pad_y)
    dark_text = rng.random() < 0.85
    bg = rng.randint(150, 255) if dark_text else rng.randint(0, 90)
    fg = rng.randint(0, max(1, bg - 70)) if dark_text else rng.randint(bg + 70, 255)
    img = Image.new("L", (W, H), bg)
    d = ImageDraw.Draw(img)
    for px, ch, bb in pieces:
        if ch == "-":
            # A separator: a short bar at mid height, not a character.
            ox, cy = int(pad_x + px), int(pad_y + char_h / 2)
            d.rectangle([ox, cy - max(1, int(0.06 * char_h)),
                         ox + int(0.3 * char_h), cy + max(1, int(0.06 * char_h))], fill=fg)
            continue
        # Scale each glyph's ink box to the character height (plate fonts
        # have equal-height characters).
        gw, gh = bb[2] - bb[0], bb[3] - bb[1]
        glyph = Image.new("L", (gw + 4, gh + 4), 0)
        ImageDraw.Draw(glyph).text((2 - bb[0], 2 - bb[1]), ch, font=font, fill=255)
        glyph = glyph.crop(glyph.getbbox() or (0, 0, gw + 4, gh + 4))
        if weight and glyph.height >= 24:
            size = 3 if glyph.height < 60 else 5
            glyph = glyph.filter(ImageFilter.MaxFilter(size) if weight > 0
                                 else ImageFilter.MinFilter(size))
            glyph = glyph.crop(glyph.getbbox() or (0, 0, glyph.width, glyph.height))
        sx = rng.uniform(0.85, 1.1)
        nw = max(1, int(glyph.width * char_h / max(1, glyph.height) * sx))
        if fixed_w and ch != "1":
            nw = max(1, int(char_h * fixed_w * rng.uniform(0.97, 1.03)))
        glyph = glyph.resize((nw, int(char_h)), Image.BILINEAR)
        if (ch == "I" and kind.startswith("gb")) or (ch == "1" and bar_one):
            # The UK plate font's I is a plain vertical bar (a 1 without
            # its flag), as wide as the strokes, never the fixed width.
            bar = max(1, round(char_h * xrng.uniform(0.12, 0.2)))
            glyph = Image.new("L", (bar, int(char_h)), 255)
        elif ch == "1" and flag_one:
            glyph = uk_one(xrng, char_h)
        ox = int(pad_x + px)
        oy = int(pad_y + rng.uniform(-0.03, 0.03) * char_h)
        img.paste(fg, (ox, oy), glyph)
    # Border, screws, a small badge.
    if rng.random() < 0.6:
        bw = max(1, int(rng.uniform(0.02, 0.08) * H))
        d.rectangle([bw // 2, bw // 2, W - 1 - bw // 2, H - 1 - bw // 2], outline=fg, width=bw)
    if rng.random() < 0.4:
        r = max(1, int(0.06 * H))
        for cx in (int(W * 0.25), int(W * 0.75)):
            cy = int(rng.choice([pad_y * 0.5, H - pad_y * 0.5]))
            r = max(1, min(r, int(pad_y * 0.4)))
            d.ellipse([cx - r, cy - r, cx + r, cy + r], fill=rng.randint(0, 255))
    if rng.random() < 0.3:
        d.rectangle([2, 2, int(pad_x * 0.7), H - 3], fill=rng.randint(0, 255))
    if rng.random() < 0.3:
        # Small text above the characters (a state or dealer name).
        small = ImageFont.truetype(rng.choice(FONTS), max(6, int(pad_y * 0.8)))
        d.text((W * rng.uniform(0.2, 0.4), 0), pick(rng, L, rng.randint(4, 9)),
               font=small, fill=fg if rng.random() < 0.7 else bg // 2)
    if rng.random() < 0.25:
        # A dealer frame across the bottom (or top) touching the characters,
        # sometimes with its own lettering.
        overlap = rng.uniform(-0.02, 0.08) * char_h
        band = rng.uniform(0.25, 0.6) * char_h
        if rng.random() < 0.7:
            y0 = pad_y + char_h - overlap
            box = [0, int(y0), W, int(y0 + band)]
        else:
            y1 = pad_y + overlap
            box = [0, int(y1 - band), W, int(y1)]
        frame = rng.randint(0, 60) if dark_text else rng.randint(200, 255)
        d.rectangle(box, fill=frame)
        if rng.random() < 0.5 and band > 8:
            small = ImageFont.truetype(rng.choice(FONTS), max(6, int(band * 0.7)))
            d.text((W * 0.3, box[1]), pick(rng, L, rng.randint(4, 8)), font=small,
                   fill=bg)
        H = max(H, box[3])
    return img, dark_text


def background(rng, W, H, ir):
    if ir:
        base = Image.effect_noise((W, H), rng.uniform(5, 20)).point(lambda v: v * 0.25)
    else:
        base = Image.effect_noise((W, H), rng.uniform(20, 80))
        base = base.filter(ImageFilter.GaussianBlur(rng.uniform(0, 3)))
    d = ImageDraw.Draw(base)
    for _ in range(rng.randint(3, 25)):
        x0, y0 = rng.randint(0, W), rng.randint(0, H)
        x1, y1 = x0 + rng.randint(5, W // 2 + 6), y0 + rng.randint(3, H // 3 + 4)
        c = rng.randint(0, 80 if ir else 255)
        if rng.random() < 0.5:
            d.rectangle([x0, y0, x1, y1], outline=c, width=rng.randint(1, 4))
        else:
            d.line([x0, y0, x1, y1], fill=c, width=rng.randint(1, 5))
    return base


def motion_blur(img, length, vertical):
    """A straight motion blur of `length` px (fractional: the end taps are
    weighted), along the rows or the columns."""
    a = np.asarray(img, dtype=np.float32)
    if vertical:
        a = a.T
    n = int(length)
    taps = [1.0] * (n + 1)
    taps[0] = taps[-1] = 0.5 + 0.5 * (length - n)
    out = np.zeros_like(a)
    pad = np.pad(a, ((0, 0), (n, n)), mode="edge")
    for k, wt in enumerate(taps):
        out += wt * pad[:, k + n // 2:k + n // 2 + a.shape[1]]
    out /= sum(taps)
    if vertical:
        out = out.T
    return Image.fromarray(np.clip(out + 0.5, 0, 255).astype(np.uint8))


def degrade(rng, img, ir):
    """What a camera does to a far or moving plate, in frame pixels: IR
    bloom (the retroreflective plate saturates and its light spreads into
    the strokes, lifting the ink), motion blur along the rows or columns,
    a gaussian blur (optics, focus), and a resolution loss (a smaller
    sensor image scaled up again)."""
    if ir and rng.random() < 0.5:
        a = np.asarray(img, dtype=np.float32)
        glow = np.asarray(img.filter(ImageFilter.GaussianBlur(rng.uniform(1.0, 4.0))),
                          dtype=np.float32)
        a = a * rng.uniform(1.0, 1.8) + glow * rng.uniform(0.2, 0.9)
        img = Image.fromarray(np.clip(a, 0, 255).astype(np.uint8))
    if rng.random() < 0.5:
        img = motion_blur(img, rng.uniform(1.5, 6.0), rng.random() < 0.4)
    if rng.random() < 0.85:
        img = img.filter(ImageFilter.GaussianBlur(rng.uniform(0.4, 1.5)))
    if rng.random() < 0.5:
        f = rng.uniform(1.3, 2.5)
        w, h = img.size
        small = img.resize((max(1, int(w / f)), max(1, int(h / f))), Image.BOX)
        img = small.resize((w, h), Image.BILINEAR)
    return img


def scene(rng, idx, out_dir, xrng, degraded=False):
    text, groups, kind = plate_text(rng, xrng)
    # Separators are drawn as bars; the label has characters only.
    groups = [g for g in groups]
    char_h = rng.choice([rng.uniform(12, 24), rng.uniform(20, 45), rng.uniform(40, 90)])
    if degraded:
        # Mostly the small characters far plates give; some larger ones
        # whose detail the resolution loss takes.
        char_h = rng.uniform(9, 18) if rng.random() < 0.7 else rng.uniform(18, 36)
    plate, dark_text = render_plate(rng, xrng, groups, char_h, kind)
    ir = dark_text and rng.random() < (0.5 if degraded else 0.25)
    angle = rng.uniform(-6, 6)
    plate = plate.convert("LA")
    plate = plate.rotate(angle, resample=Image.BILINEAR, expand=True)
    # Mild perspective: shear horizontally.
    shear = rng.uniform(-0.15, 0.15)
    pw, ph = plate.size
    plate = plate.transform((pw + int(abs(shear) * ph), ph), Image.AFFINE,
                            (1, shear, -abs(shear) * ph if shear > 0 else 0, 0, 1, 0),
                            resample=Image.BILINEAR)
    pw, ph = plate.size
    W = int(pw * rng.uniform(1.3, 3.0)) + 20
    H = int(ph * rng.uniform(1.8, 5.0)) + 20
    bg = background(rng, W, H, ir)
    x, y = rng.randint(0, W - pw), rng.randint(0, H - ph)
    bg.paste(plate.convert("L"), (x, y), plate.getchannel("A"))
    if degraded:
        bg = degrade(rng, bg, ir)
    elif rng.random() < 0.7:
        bg = bg.filter(ImageFilter.GaussianBlur(rng.uniform(0.2, 1.2) * char_h / 30))
    lo, hi = rng.uniform(0, 60), rng.uniform(170, 255)
    noise = Image.effect_noise((W, H), rng.uniform(2, 14))
    bg = Image.blend(bg, noise, rng.uniform(0.0, 0.12))
    bg = bg.point(lambda v: lo + v * (hi - lo) / 255)
    path = os.path.join(out_dir, "s%06d.pgm" % idx)
    bg.save(path)
    return "%s\t%s\t%d\t%d\t%d\t%d" % (path, text, x, y, pw, ph)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--count", type=int, default=4000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--degraded", type=int, default=0)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    # Later additions draw from streams of their own (string seeds are
    # hashed with SHA-512: the same on every run and machine); the
    # degraded scenes come last, so --degraded does not change the others.
    xrng = random.Random("ni-%d" % a.seed)
    drng = random.Random("degraded-%d" % a.seed)
    os.makedirs(a.out, exist_ok=True)
    with open(os.path.join(a.out, "list.tsv"), "w") as f:
        for i in range(a.count):
            f.write(scene(rng, i, a.out, xrng) + "\n")
        for i in range(a.count, a.count + a.degraded):
            f.write(scene(drng, i, a.out, drng, degraded=True) + "\n")


if __name__ == "__main__":
    main()
