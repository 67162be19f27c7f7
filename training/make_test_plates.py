#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Render the few synthetic plate images committed under tests/reader/data
for the end-to-end tests (anpr-read suite). Deterministic; fonts from Debian
packages (DejaVu, Liberation: free licences). Not photos of real vehicles.

usage: make_test_plates.py OUTDIR
"""
import os
import sys

from PIL import Image, ImageDraw, ImageFilter, ImageFont

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSansCondensed-Bold.ttf"


def plate(text, groups_gap, char_h, fg, bg, surround, size, pos, angle=0.0, blur=0.6):
    font = ImageFont.truetype(FONT, int(char_h * 1.35))
    glyphs = []
    for ch in text:
        if ch == " ":
            glyphs.append(None)
            continue
        bb = font.getbbox(ch)
        g = Image.new("L", (bb[2] - bb[0] + 4, bb[3] - bb[1] + 4), 0)
        ImageDraw.Draw(g).text((2 - bb[0], 2 - bb[1]), ch, font=font, fill=255)
        g = g.crop(g.getbbox())
        g = g.resize((max(1, int(g.width * char_h / g.height)), char_h), Image.BILINEAR)
        glyphs.append(g)
    track = int(0.14 * char_h)
    w = sum((g.width + track) if g else int(groups_gap * char_h) for g in glyphs)
    pw, ph = w + char_h, int(char_h * 1.6)
    p = Image.new("L", (pw, ph), bg)
    x = char_h // 2
    for g in glyphs:
        if g is None:
            x += int(groups_gap * char_h)
            continue
        p.paste(fg, (x, (ph - char_h) // 2), g)
        x += g.width + track
    p = p.convert("LA").rotate(angle, resample=Image.BILINEAR, expand=True)
    img = Image.new("L", size, surround)
    img.paste(p.convert("L"), pos, p.getchannel("A"))
    return img.filter(ImageFilter.GaussianBlur(blur))


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    # IR: bright retroreflective plate, dark characters, dark surround.
    plate("AB12 CDE", 0.45, 40, 25, 230, 30, (480, 220), (60, 70)).save(
        os.path.join(out, "gb-ir-AB12CDE.png"))
    # Visible light, yellow rear plate (grey ~190), slight rotation.
    plate("YK07 XSR", 0.45, 30, 20, 190, 110, (400, 200), (50, 60), angle=3.0).save(
        os.path.join(out, "gb-rot-YK07XSR.png"))
    # Brazil, dark on light.
    plate("ABC 1234", 0.3, 36, 30, 215, 90, (440, 200), (40, 50)).save(
        os.path.join(out, "br-ABC1234.png"))


if __name__ == "__main__":
    main()
