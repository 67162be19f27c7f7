#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Render a synthetic set of UK infrared ANPR frames for `make bench`.

The development photos (../shared/data/plates/dev) hold no UK scene and no
IR frame, yet UK IR frames are what the camera reads. This set fills the
gap: frames as an IR ANPR camera sees them (dark scene, retroreflective
plate bright, characters dark, headlights blooming), with every UK format
still on the road (current, prefix, suffix, dateless, Northern Ireland),
two-line motorcycle plates, and the known trouble of the domain notes:
small plates, rotation, perspective, blur, noise, blooming, screw caps.

Geometry follows the UK standard (BS AU 145e): characters 79 mm high and
50 mm wide (1 narrower), 11 mm apart, 33 mm between groups, on a 520 x
111 mm plate; motorcycle plates 229 x 178 mm with two lines of 64 x 44 mm
characters 13 mm apart. The font is DejaVu
Sans Condensed Bold squeezed to that box: close to, not the same as,
Charles Wright 2001 (not packaged in Debian).

Everything follows from --seed. Writes DIR/NNNN.pgm and DIR/truth.tsv
(file, plate, format, lines, char_h, tags, box: x,y,w,h of the plate
and the margin its rotation adds).

With --livery (its own seed, 2121, and 300 frames in `make bench`), the
vehicles are vans and lorries whose bodies carry painted lettering (trade
words, company names, phone numbers, fleet numbers) in several fonts and
sizes, with shop signs and road signs behind and the camera's date stamp
burnt into a corner: text that is not a plate, for counting the readings
that are not the frame's plate (score.py). Paint under IR is mid-grey, not
plate-bright; road signs are retroreflective too (bright, dark text on
some), as on the road. Needs the fonts of training/deps.list.

With --foreign F, a share F of the plates are foreign or UK test marks
(make_foreign): the calibration's sets (make calibrate-reader), so that its
fit sees true plates of no UK format, and the reader-gb-synth-foreign
bench's.

usage: render.py --out DIR [--count N] [--seed S] [--livery] [--foreign F]
       render.py --one AB12CDE [--two-line] --file OUT.png
         (one plate on a small frame: the reader's test images)
"""
import argparse
import os
import random
import sys

from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "demo"))
from render_frames import glyph as uk_glyph  # noqa: E402  (one squeeze for both)

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSansCondensed-Bold.ttf"
LETTERS = "ABCDEFGHJKLMNOPRSTUVWXYZ"          # no I, Q
AREA = "ABCDEFGHJKLMNOPRSTUVWXY"              # no I, Q, Z
PREFIX_AGE = "ABCDEFGHJKLMNPRSTVWXY"          # no I, O, Q, U, Z
NI_CODES = ["IA", "IB", "IG", "IJ", "IL", "IW", "JI", "KZ", "LZ", "MZ", "NZ",
            "OI", "PZ", "RZ", "SZ", "UI", "UZ", "XI", "YZ"]


def digits(rng, lo, hi):
    return str(rng.randint(10 ** (lo - 1) if lo > 1 else 1, 10 ** hi - 1))


def make_plate(rng):
    """(text, format, groups): groups are the printed groups, in order."""
    r = rng.random()
    if r < 0.55:
        age = rng.choice(["%02d" % a for a in list(range(2, 26)) + list(range(51, 75))])
        a, b = "".join(rng.choice(AREA) for _ in range(2)), "".join(rng.choice(LETTERS) for _ in range(3))
        return a + age + b, "gb-current", [a + age, b]
    if r < 0.70:
        n = digits(rng, 1, 3)
        a, b = rng.choice(PREFIX_AGE), "".join(rng.choice(LETTERS) for _ in range(3))
        return a + n + b, "gb-prefix", [a + n, b]
    if r < 0.82:
        n = digits(rng, 1, 3)
        a, b = "".join(rng.choice(LETTERS) for _ in range(3)), rng.choice(PREFIX_AGE)
        return a + n + b, "gb-suffix", [a, n + b]
    if r < 0.91:                        # Northern Ireland: a letter, the code, 1..9999
        a, n = rng.choice(LETTERS) + rng.choice(NI_CODES), digits(rng, 1, 4)
        return a + n, "gb-ni", [a, n]
    # dateless: 1-2 letters with 1-4 digits, or 3 letters with 1-3; either order
    nl = rng.randint(1, 3)
    a = "".join(rng.choice(LETTERS) for _ in range(nl))
    n = digits(rng, 1, 4 if nl < 3 else 3)
    if rng.random() < 0.5:
        return a + n, "gb-dateless", [a, n]
    return n + a, "gb-dateless", [n, a]


def make_foreign(rng):
    """(text, format, groups) of a plate a UK camera sees that is no DVLA
    format (read as gb-free in region gb): French (and Italian) SIV,
    German, Dutch, Irish, Spanish, Belgian, Polish and Swiss marks, the
    UK's test marks in the current shape with letters never issued
    (ZZ99TST, the commissioning vehicle's), and marks of no listed shape
    (a foreign plate the reader has no format for).  Drawn in the UK font
    on the UK plate: the reader is asked to read their characters, not
    their country's typeface."""
    L = "ABCDEFGHJKLMNPRSTVWXYZ"

    def ls(n):
        return "".join(rng.choice(L) for _ in range(n))

    def ds(n):
        return "".join(rng.choice("0123456789") for _ in range(n))
    kind = rng.choice(["fr", "fr", "de", "de", "nl", "ie", "es", "be", "pl",
                       "ch", "gb-test", "gb-test", "other"])
    if kind == "fr":
        g = [ls(2), ds(3), ls(2)]
    elif kind == "de":
        g = [ls(rng.randint(1, 3)), ls(rng.randint(1, 2)) + str(rng.randint(1, 9999))]
    elif kind == "nl":
        g = rng.choice([[ls(2), ds(2), ls(2)], [ds(2), ls(3), ds(1)],
                        [ls(1), ds(3), ls(2)], [ds(1), ls(2), ds(3)], [ls(2), ds(3), ls(1)]])
    elif kind == "ie":
        g = [str(rng.randint(12, 25)) + rng.choice(["", "1", "2"]),
             rng.choice(["D", "C", "G", "KY", "L", "MH", "WW", "T"]), str(rng.randint(1, 9999))]
    elif kind == "es":
        g = [ds(4), ls(3)]
    elif kind == "be":
        g = [ds(1), ls(3), ds(3)]
    elif kind == "pl":
        g = [ls(rng.randint(2, 3)), ds(8 - 3 - rng.randint(0, 1))[:rng.randint(4, 5)]]
    elif kind == "ch":
        g = [ls(2), str(rng.randint(1, 999999))]
    elif kind == "gb-test":
        g = [rng.choice(["ZZ", "QQ", "ZX", "QZ"]) + "%02d" % rng.randint(0, 99), ls(3)]
    else:                               # of no listed shape: letters and digits mixed
        g = [ls(1) + ds(1) + ls(1), ds(1) + ls(1) + ds(rng.randint(1, 2))]
    text = "".join(g)
    if len(text) > 8:                   # a UK plate's width holds 8 at most
        g[-1] = g[-1][:len(g[-1]) - (len(text) - 8)]
        text = "".join(g)
    return text, "foreign-" + kind, g


_glyphs = {}


def glyph(ch, char_h, font, aspect=50 / 79):
    """The demo renderer's UK-geometry character, kept per size."""
    key = (ch, char_h, aspect)
    if key not in _glyphs:
        _glyphs[key] = uk_glyph(ch, char_h, font, aspect)
    return _glyphs[key]


def draw_line(img, groups, char_h, x0, y0, ink, font, aspect=50 / 79):
    """Draws groups left to right from (x0, y0); returns the end x."""
    gap, group_gap = round(char_h * 11 / 79), round(char_h * 33 / 79)
    x = x0
    ink_img = Image.new("L", img.size, ink)
    for gi, grp in enumerate(groups):
        for ci, ch in enumerate(grp):
            g = glyph(ch, char_h, font, aspect)
            img.paste(ink_img.crop((0, 0, g.width, g.height)), (x, y0), g)
            x += g.width + (gap if ci + 1 < len(grp) else 0)
        if gi + 1 < len(groups):
            x += group_gap
    return x


def line_width(groups, char_h, font, aspect=50 / 79):
    gap, group_gap = round(char_h * 11 / 79), round(char_h * 33 / 79)
    w = 0
    for gi, grp in enumerate(groups):
        w += sum(glyph(c, char_h, font, aspect).width for c in grp) + gap * (len(grp) - 1)
        if gi + 1 < len(groups):
            w += group_gap
    return w


def plate_image(rng, groups, char_h, two_line, tags):
    """The plate alone, upright: bright background, dark characters."""
    font = ImageFont.truetype(FONT, int(char_h * 1.45))
    bg = rng.randint(175, 245)
    ink = rng.randint(8, 70)
    if rng.random() < 0.12:             # blooming: the plate saturates, ink lifts
        bg, ink = 255, rng.randint(60, 110)
        tags.append("bloom")
    if two_line:
        # motorcycle: 229 x 178 mm, characters 64 x 44 mm, lines 13 mm apart
        top, bottom, asp = [groups[0]], [groups[1]], 44 / 64
        w = max(line_width(top, char_h, font, asp), line_width(bottom, char_h, font, asp))
        pw, ph = max(round(char_h * 229 / 64), w + char_h // 2), round(char_h * 178 / 64)
        img = Image.new("L", (pw, ph), bg)
        ys = [round(char_h * 18 / 64), round(char_h * (18 + 64 + 13) / 64)]
        for line, y in zip((top, bottom), ys):
            lw = line_width(line, char_h, font, asp)
            draw_line(img, line, char_h, (pw - lw) // 2, y, ink, font, asp)
    else:                               # 520 x 111 mm
        w = line_width(groups, char_h, font)
        pw, ph = max(round(char_h * 520 / 79), w + char_h), round(char_h * 111 / 79)
        img = Image.new("L", (pw, ph), bg)
        draw_line(img, groups, char_h, (pw - w) // 2, (ph - char_h) // 2, ink, font)
        if rng.random() < 0.25:         # screw caps in the group gap, under IR dark
            tags.append("screws")
            d = ImageDraw.Draw(img)
            cx = (pw - w) // 2 + line_width(groups[:1], char_h, font) + round(char_h * 16 / 79)
            r = max(1, char_h // 12)
            for cy in (ph // 2 - char_h // 3, ph // 2 + char_h // 3):
                d.ellipse([cx - r, cy - r, cx + r, cy + r], fill=ink + 30)
    d = ImageDraw.Draw(img)
    d.rectangle([0, 0, img.width - 1, img.height - 1], outline=max(0, bg - 90),
                width=max(1, char_h // 16))
    return img


def scene(rng, w, h):
    """A dark IR road scene with a vehicle front in it."""
    base = rng.randint(10, 60)
    img = Image.new("L", (w, h), base)
    d = ImageDraw.Draw(img)
    cx = w // 2
    for side in (-1, 1):
        d.line([(cx + side * w // 10, h // 4), (cx + side * w // 2, h)], fill=base + 30, width=4)
    for y in range(h // 4, h, 60):
        d.line([(cx, y), (cx, y + 25)], fill=base + 25, width=3)
    return img


# Livery: the words and more; phone numbers of Ofcom's drama ranges.
TRADES = ["PLUMBING", "COURIER", "ELECTRICAL", "CATERING", "DELIVERIES",
          "HEATING", "ROOFING", "BUILDERS", "REMOVALS", "LOGISTICS",
          "SCAFFOLDING", "JOINERY", "GLAZING", "BAKERY", "TRANSPORT",
          "PARCELS", "EXPRESS", "FRESH FOOD", "GAS SAFE", "PLANT HIRE",
          "LANDSCAPES", "FLOORING", "SECURITY", "KITCHENS", "TILING",
          "24HR", "WASTE", "MOTORS", "TYRES", "FENCING"]
NAMES = ["J SMITH & SON", "HARGREAVES", "PATEL BROS", "A1 SERVICES",
         "KWIK FIX", "NORTHERN", "WESSEX", "OKAFOR LTD", "MCKENZIE",
         "ACE", "BRIGHT SPARKS", "EVANS & CO", "TOP NOTCH", "247 CARS",
         "RAPID", "CITY LINK", "BLUE SKY", "PRO CLEAN"]
SHOPS = ["PHARMACY", "OPEN 7 DAYS", "NEWSAGENT", "TAKEAWAY", "BARBERS",
         "CAR WASH", "OFF LICENCE", "LAUNDERETTE", "PIZZA", "CAFE",
         "TO LET", "SALE", "KEBAB HOUSE", "HAIR & BEAUTY", "TESCO EXPRESS"]
PLACES = ["BIRMINGHAM", "COVENTRY", "LEEDS", "CITY CENTRE", "THE NORTH",
          "AIRPORT", "HOSPITAL", "RING ROAD", "BRISTOL", "SLOW", "STOP",
          "GIVE WAY", "NO ENTRY", "BUS LANE", "CAMERAS"]
LIVERY_FONTS = [
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSerif-Bold.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSansMono-Bold.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSansCondensed-Bold.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-BoldOblique.ttf",
    "/usr/share/fonts/truetype/liberation2/LiberationSans-Bold.ttf",
    "/usr/share/fonts/truetype/liberation2/LiberationSerif-Bold.ttf",
    "/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf",
    "/usr/share/fonts/truetype/freefont/FreeSansBold.ttf",
    "/usr/share/fonts/truetype/freefont/FreeMonoBold.ttf",
    "/usr/share/fonts/truetype/roadgeek/RG2014D.ttf",
]


def phone(rng):
    return rng.choice(["01632 960%03d" % rng.randint(0, 999),
                       "0113 496 0%03d" % rng.randint(0, 999),
                       "07700 900%03d" % rng.randint(0, 999),
                       "0808 157 0%03d" % rng.randint(0, 999)])


def fleet(rng):
    n = rng.randint(1, 9999)
    return rng.choice(["FLEET NO %d" % n, "%d" % n, "V%d" % n, "UNIT %d" % n,
                       "%s%d" % (rng.choice("ABCDEFGHJKLMNPRSTVWXY"), n)])


def text_at(img, rng, text, char_h, x, y, fill, box_fill=None, pad=0.3):
    """Draws @text with its capitals @char_h px high at (x, y); returns its
    box (x0, y0, x1, y1), the board's if @box_fill."""
    font = ImageFont.truetype(rng.choice(LIVERY_FONTS), max(6, round(char_h * 1.38)))
    d = ImageDraw.Draw(img)
    bb = d.textbbox((x, y), text, font=font)
    p = round(char_h * pad)
    if box_fill is not None:
        d.rectangle([bb[0] - p, bb[1] - p, bb[2] + p, bb[3] + p], fill=box_fill)
    d.text((x, y), text, font=font, fill=fill)
    return (bb[0] - p, bb[1] - p, bb[2] + p, bb[3] + p)


def free(boxes, b):
    return all(b[2] < o[0] or b[0] > o[2] or b[3] < o[1] or b[1] > o[3] for o in boxes)


def livery(img, rng, plate_box, body, tags):
    """Text that is not a plate around the vehicle whose plate fills
    @plate_box (x0, y0, x1, y1): painted on the van's or lorry's body,
    on shop signs and road signs behind; never over the plate."""
    w, h = img.size
    pw = plate_box[2] - plate_box[0]
    ph = plate_box[3] - plate_box[1]
    keep = [(plate_box[0] - ph, plate_box[1] - ph, plate_box[2] + ph, plate_box[3] + ph)]
    d = ImageDraw.Draw(img)
    # the van's or lorry's front and sides, up to the top of the frame
    vx0, vx1 = max(0, plate_box[0] - 3 * pw), min(w, plate_box[2] + 3 * pw)
    vy0 = max(0, plate_box[1] - rng.randint(4, 9) * ph)
    d.rectangle([vx0, vy0, vx1, plate_box[3] + 2 * ph], fill=body)
    kinds = ["trade", "name", "phone", "fleet", "trade", "name"]
    rng.shuffle(kinds)
    for kind in kinds[:rng.randint(2, 5)]:
        t = {"trade": lambda: rng.choice(TRADES),
             "name": lambda: rng.choice(NAMES) + rng.choice(["", " " + rng.choice(TRADES)]),
             "phone": lambda: phone(rng),
             "fleet": lambda: fleet(rng)}[kind]()
        ch = rng.randint(12, 60) if kind != "fleet" else rng.randint(12, 40)
        # paint: darker or lighter than the body, never plate-bright
        paint = max(0, min(175, body + rng.choice([-1, 1]) * rng.randint(35, 90)))
        for _ in range(20):
            x = rng.randint(vx0, max(vx0, vx1 - ch * len(t) // 2))
            y = rng.randint(vy0, max(vy0, plate_box[3] + ph))
            font = ImageFont.truetype(LIVERY_FONTS[0], max(6, round(ch * 1.38)))
            bb = d.textbbox((x, y), t, font=font)
            if bb[2] < w and bb[3] < h and free(keep, bb):
                keep.append(text_at(img, rng, t, ch, x, y, paint))
                tags.append("livery-" + kind)
                break
    # shop signs and road signs behind, in the top of the frame
    for _ in range(rng.randint(0, 3)):
        road = rng.random() < 0.5
        if road:
            t = rng.choice([rng.choice(PLACES), "%s%d" % (rng.choice("ABM"), rng.randint(1, 4999)),
                            rng.choice(PLACES) + " " + "(%s%d)" % (rng.choice("AB"), rng.randint(1, 999))])
            # retroreflective: bright ground; light text on blue/green
            # sheeting, or dark text on white
            if rng.random() < 0.5:
                ground, ink = rng.randint(110, 170), rng.randint(215, 255)
            else:
                ground, ink = rng.randint(190, 245), rng.randint(10, 60)
        else:
            t = rng.choice(SHOPS)
            ground = rng.randint(30, 150)
            ink = max(0, min(190, ground + rng.choice([-1, 1]) * rng.randint(40, 100)))
        ch = rng.randint(12, 50)
        for _ in range(20):
            x, y = rng.randint(0, w - 100), rng.randint(0, h // 3)
            font = ImageFont.truetype(LIVERY_FONTS[0], max(6, round(ch * 1.38)))
            bb = d.textbbox((x, y), t, font=font)
            bb = (bb[0] - ch, bb[1] - ch, bb[2] + ch, bb[3] + ch)
            if bb[2] < w and bb[3] < h and free(keep, bb):
                keep.append(text_at(img, rng, t, ch, x, y, ink, ground, pad=0.5))
                tags.append("road-sign" if road else "shop-sign")
                break


def date_stamp(img, rng, tags):
    """The camera's date, time and place burnt into a corner (after the
    sensor: sharp, white, on a black strip or not)."""
    w, h = img.size
    t = rng.choice(["%02d/%02d/2026 %02d:%02d:%02d" % (rng.randint(1, 28), rng.randint(1, 12),
                                                     rng.randint(0, 23), rng.randint(0, 59),
                                                     rng.randint(0, 59)),
                    "2026-%02d-%02d %02d:%02d:%02d.%03d" % (rng.randint(1, 12), rng.randint(1, 28),
                                                           rng.randint(0, 23), rng.randint(0, 59),
                                                           rng.randint(0, 59), rng.randint(0, 999)),
                    "CAM%02d M6 J10 NB" % rng.randint(1, 40),
                    "LANE %d 30MPH %d" % (rng.randint(1, 3), rng.randint(100, 9999))])
    ch = rng.randint(12, 22)
    font = ImageFont.truetype(LIVERY_FONTS[2], max(6, round(ch * 1.38)))
    tw = ImageDraw.Draw(img).textbbox((0, 0), t, font=font)[2]
    x = rng.choice([4, w - tw - 8])
    y = rng.choice([4, h - ch * 2 - 4])
    d = ImageDraw.Draw(img)
    bb = d.textbbox((max(0, x), y), t, font=font)
    if rng.random() < 0.6:
        d.rectangle([bb[0] - 3, bb[1] - 3, bb[2] + 3, bb[3] + 3], fill=0)
    d.text((max(0, x), y), t, font=font, fill=255)
    tags.append("stamp")


def render_one(text, two_line, path):
    """A current-format mark alone on a 320 x 240 IR frame, mildly posed."""
    groups = [text[:4], text[4:]]
    char_h = 30 if two_line else 26
    plate = plate_image(random.Random(1), groups, char_h, two_line, [])
    img = Image.new("L", (320, 240), 30)
    d = ImageDraw.Draw(img)
    pw, ph = plate.size
    px, py = (320 - pw) // 2, (240 - ph) // 2
    d.rectangle([px - pw // 2, py - ph, px + pw + pw // 2, py + 2 * ph], fill=70)
    big = plate.rotate(3, Image.BICUBIC, expand=True, fillcolor=70)
    mask = Image.new("L", plate.size, 255).rotate(3, Image.BICUBIC, expand=True, fillcolor=0)
    img.paste(big, (px, py), mask)
    img = img.filter(ImageFilter.GaussianBlur(0.6))
    img = ImageChops.add(img, Image.effect_noise(img.size, 4), 1.0, -128)
    img.save(path)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--one", default="")
    ap.add_argument("--two-line", action="store_true")
    ap.add_argument("--file", default="")
    ap.add_argument("--out", default="")
    ap.add_argument("--count", type=int, default=400)
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--livery", action="store_true")
    ap.add_argument("--foreign", type=float, default=0.0,
                    help="share of foreign and test plates (make_foreign); "
                    "0, the benches' sets, draws nothing more from the seed")
    ap.add_argument("--width", type=int, default=1280)
    ap.add_argument("--height", type=int, default=720)
    a = ap.parse_args()
    if a.one:
        render_one(a.one, a.two_line, a.file)
        return
    if not a.out:
        ap.error("--out DIR (or --one TEXT --file OUT.png) is required")
    if a.seed is None:
        a.seed = 2121 if a.livery else 4145
    rng = random.Random(a.seed)
    os.makedirs(a.out, exist_ok=True)
    rows = []
    for i in range(a.count):
        if a.foreign and rng.random() < a.foreign:
            text, fmt, groups = make_foreign(rng)
        else:
            text, fmt, groups = make_plate(rng)
        two_line = fmt == "gb-current" and rng.random() < 0.18
        tags = []
        char_h = rng.choice([rng.randint(11, 17), rng.randint(18, 30), rng.randint(30, 46)])
        plate = plate_image(rng, groups, char_h, two_line, tags)
        # vehicle front: a bumper darker or lighter than the scene, headlights
        img = scene(rng, a.width, a.height)
        pw, ph = plate.size
        px = rng.randint(pw, a.width - 2 * pw)
        py = rng.randint(a.height // 3, a.height - 3 * ph)
        d = ImageDraw.Draw(img)
        body = rng.randint(20, 120)
        d.rectangle([px - pw, py - 2 * ph, px + 2 * pw, py + 2 * ph], fill=body)
        if a.livery:
            livery(img, rng, (px, py, px + pw + ph, py + ph * 2), body, tags)
            d = ImageDraw.Draw(img)
        if rng.random() < 0.6:
            tags.append("headlights")
            for hx in (px - pw // 2, px + pw + pw // 2):
                rr = max(6, ph // 2)
                d.ellipse([hx - rr, py - ph - rr, hx + rr, py - ph + rr], fill=255)
        # pose: rotation and horizontal perspective
        angle = rng.uniform(-7, 7)
        shear = rng.uniform(-0.18, 0.18)
        big = plate.transform((pw + ph, ph), Image.AFFINE,
                              (1, shear, -shear * ph / 2, 0, 1, 0),
                              Image.BICUBIC, fillcolor=body)
        big = big.rotate(angle, Image.BICUBIC, expand=True, fillcolor=body)
        mask = Image.new("L", (pw + ph, ph), 255).transform(
            (pw + ph, ph), Image.AFFINE, (1, shear, -shear * ph / 2, 0, 1, 0), Image.BICUBIC, fillcolor=0)
        mask = mask.rotate(angle, Image.BICUBIC, expand=True, fillcolor=0)
        img.paste(big, (px, py), mask)
        # optics and sensor
        sigma = rng.choice([0.0, 0.5, 0.9, 1.3])
        if sigma:
            img = img.filter(ImageFilter.GaussianBlur(sigma))
        if rng.random() < 0.2:
            # motion blur: the vehicle comes towards the camera, so the plate
            # moves down the frame (a vertical smear of k rows)
            tags.append("motion")
            k = rng.choice([3, 5])
            img = img.filter(ImageFilter.Kernel((k, k), [1 if c == k // 2 else 0
                                                          for _ in range(k) for c in range(k)], k))
        noise = rng.choice([2, 5, 9])     # sensor noise, additive, sigma in grey levels
        img = ImageChops.add(img, Image.effect_noise((a.width, a.height), noise), 1.0, -128)
        if a.livery and rng.random() < 0.7:
            date_stamp(img, rng, tags)
        name = "%04d.pgm" % i
        img.save(os.path.join(a.out, name))
        bx, by, bw, bh = px, py, big.width, big.height
        rows.append("\t".join([name, text, fmt, "2" if two_line else "1", str(char_h),
                               ",".join(dict.fromkeys(tags)) or "-", "%d,%d,%d,%d" % (bx, by, bw, bh)]))
    with open(os.path.join(a.out, "truth.tsv"), "w") as f:
        f.write("file\tplate\tformat\tlines\tchar_h\ttags\tbox\n")
        f.write("\n".join(rows) + "\n")


if __name__ == "__main__":
    main()
