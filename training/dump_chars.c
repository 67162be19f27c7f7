// SPDX-License-Identifier: MIT
/*
 * dump_chars.c - cut labelled classifier patches with the reader's own
 * pipeline, for training/train_chars.py.
 *
 *   anpr-train-dump scenes LIST OUT   scene images: every text line the
 *       reader finds over the labelled plate box, when it has as many
 *       components as the label has characters and is at least 0.3 of the
 *       box high (smaller text there is not the plate), gives one patch per
 *       character; lines elsewhere give "junk" patches (at most 6 per image)
 *   anpr-train-dump chars LIST OUT    single-character crops (gb_chars)
 *   anpr-train-dump lines LIST OUT    scene images: every one-row line the
 *       reader finds over the labelled plate box, at least 0.3 of the box
 *       high and 0.6 of it wide (not a part of the text, the digits
 *       alone), whatever its number of components, gives its whole band
 *       (rd_quad_band of its quadrilateral), labelled with the plate text:
 *       for a recognizer that reads the line at once
 *   Of the lines over the plate, only those of the polarity most of them
 *   have are kept (dark on a tie): the others are the plate's ground
 *   between its characters (ground.c, segment.c), not its text.
 *
 * LIST lines: path TAB label [TAB x TAB y TAB w TAB h]; a scene without a
 * box gives nothing (its plate line cannot be told from other text).
 * OUT records (docs/reader.md): label byte ('?' junk), u32 LE group id
 * (FNV-1a of the plate text for scenes, of the source photo's name after
 * "<char>-<variant>-" for crops: grouped validation splits), then 24 x 16
 * bytes of ink (0..255). Line records: the text, NUL-padded to
 * LINE_LABEL bytes, the u32 LE group id, RD_BAND_H x RD_BAND_W bytes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "anpr_image.h"
#include "reader/reader_hook.h"

#define LINE_LABEL	16

struct scene {
	FILE *out;
	FILE *plate[2];		/* the plate's records, light / dark lines */
	char *plate_buf[2];
	size_t plate_len[2];
	int plate_lines[2];
	int lines_mode;
	const struct anpr_image *img;	/* the frame, for lines_mode */
	const char *label;
	int box[4];		/* label box, frame px; w = 0: none */
	uint32_t group;
	int matched, junk, lines;
};

static uint32_t hash(const char *s)
{
	uint32_t h = 2166136261u;

	while (*s)
		h = (h ^ (uint8_t)*s++) * 16777619u;
	return h;
}

/* gb_chars names are <char>-<variant>-<source photo>: group by photo. */
static uint32_t rd_crop_group(const char *path)
{
	const char *base = strrchr(path, '/'), *p;

	base = base ? base + 1 : path;
	p = strchr(base, '-');
	p = p ? strchr(p + 1, '-') : NULL;
	return hash(p ? p + 1 : base);
}

static void put(FILE *out, char label, uint32_t group, const float *patch)
{
	unsigned char rec[1 + 4 + RD_CH_H * RD_CH_W];

	rec[0] = (unsigned char)label;
	for (int i = 0; i < 4; i++)
		rec[1 + i] = (unsigned char)(group >> (8 * i));
	for (int i = 0; i < RD_CH_H * RD_CH_W; i++)
		rec[5 + i] = (unsigned char)(patch[i] * 255.0f + 0.5f);
	fwrite(rec, sizeof(rec), 1, out);
}

static void put_line(struct scene *sc, const struct rd_line *l, int s,
		     int dark)
{
	static float band[RD_BAND_H * RD_BAND_W];
	unsigned char rec[LINE_LABEL + 4 + RD_BAND_H * RD_BAND_W] = { 0 };
	struct anpr_plate p;

	rd_line_geometry(l, s, &p);
	rd_quad_band(sc->img->data, sc->img->stride, sc->img->width,
		     sc->img->height, p.quad, dark, band);
	strncpy((char *)rec, sc->label, LINE_LABEL - 1);
	for (int i = 0; i < 4; i++)
		rec[LINE_LABEL + i] = (unsigned char)(sc->group >> (8 * i));
	for (int i = 0; i < RD_BAND_H * RD_BAND_W; i++)
		rec[LINE_LABEL + 4 + i] = (unsigned char)(band[i] * 255.0f + 0.5f);
	fwrite(rec, sizeof(rec), 1, sc->plate[dark != 0]);
	sc->plate_lines[dark != 0]++;
}

/*
 * A plate's records wait for the end of its scene: only the lines of the
 * polarity most lines over the plate have are its characters (dark on
 * a tie). The others are the plate's ground between them (ground.c, and
 * the gaps segment.c cuts for characters), which the label does not name.
 */
static int scene_begin(struct scene *sc)
{
	for (int d = 0; d < 2; d++) {
		sc->plate_lines[d] = 0;
		sc->plate[d] = open_memstream(&sc->plate_buf[d], &sc->plate_len[d]);
		if (!sc->plate[d])
			return -1;
	}
	return 0;
}

static int scene_end(struct scene *sc)
{
	int d = sc->plate_lines[1] >= sc->plate_lines[0], rc = 0;

	for (int i = 0; i < 2; i++)
		rc |= fclose(sc->plate[i]);
	if (!rc && sc->plate_len[d] &&
	    fwrite(sc->plate_buf[d], sc->plate_len[d], 1, sc->out) != 1)
		rc = -1;
	sc->matched = sc->plate_lines[d];
	for (int i = 0; i < 2; i++)
		free(sc->plate_buf[i]);
	return rc;
}

static void on_line(void *ctx, const struct rd_line *l, int s, int dark,
		    const float *patches)
{
	struct scene *sc = ctx;
	int x0 = l->c[0].x0 * s, x1 = l->c[l->n - 1].x1 * s;
	int y0 = 1 << 30, y1 = -1;
	int in, tall;

	sc->lines++;
	for (int i = 0; i < l->n; i++) {
		y0 = l->c[i].y0 * s < y0 ? l->c[i].y0 * s : y0;
		y1 = l->c[i].y1 * s > y1 ? l->c[i].y1 * s : y1;
	}
	/* Inside the label box (centre of the line within it). */
	in = sc->box[2] > 0 && (x0 + x1) / 2 >= sc->box[0] &&
	     (x0 + x1) / 2 <= sc->box[0] + sc->box[2] &&
	     (y0 + y1) / 2 >= sc->box[1] && (y0 + y1) / 2 <= sc->box[1] + sc->box[3];
	/* Small text inside the plate box (a state name, a slogan, a dealer's
	 * line) is not the plate. */
	tall = (float)(y1 - y0) >= 0.3f * (float)sc->box[3];
	if (sc->lines_mode) {
		/* Not a part of the plate's text (its digits alone): the
		 * label would not be what the band shows. */
		if (in && tall && l->rows == 1 &&
		    (float)(x1 - x0) >= 0.6f * (float)sc->box[2])
			put_line(sc, l, s, dark);
		return;
	}
	if (in && tall && l->n == (int)strlen(sc->label)) {
		for (int i = 0; i < l->n; i++)
			put(sc->plate[dark != 0], sc->label[i], sc->group,
			    patches + (size_t)i * RD_CH_H * RD_CH_W);
		sc->plate_lines[dark != 0]++;
		return;
	}
	if (in || sc->box[2] <= 0)
		return;	/* plate line of the wrong length: unknown alignment */
	/* Elsewhere: a few junk samples (some may be real text). */
	for (int i = 0; i < l->n && sc->junk < 6; i++, sc->junk++)
		put(sc->out, '?', sc->group, patches + (size_t)i * RD_CH_H * RD_CH_W);
}

int main(int argc, char **argv)
{
	char line[4096], err[512];
	FILE *list, *out;
	int chars, lines_mode, nimg = 0, nmatch = 0, nsamples = 0, nrec = 0, bad = 0;
	struct anpr_reader_config cfg;
	struct anpr_reader *r = NULL;
	struct rd_ccl ccl = { 0 };
	struct rd_buf mask = { 0 };

	if (argc != 4 || (strcmp(argv[1], "scenes") != 0 && strcmp(argv[1], "chars") != 0 &&
			  strcmp(argv[1], "lines") != 0)) {
		fprintf(stderr, "usage: %s scenes|chars|lines LIST OUT\n", argv[0]);
		return 2;
	}
	chars = !strcmp(argv[1], "chars");
	lines_mode = !strcmp(argv[1], "lines");
	list = fopen(argv[2], "r");
	if (!list) {
		perror(argv[2]);
		return 1;
	}
	out = fopen(argv[3], "wb");
	if (!out) {
		perror(argv[3]);
		fclose(list);
		return 1;
	}
	anpr_reader_config_default(&cfg);
	cfg.region = ANPR_REGION_AUTO;
	struct scene sc = { .out = out, .lines_mode = lines_mode };

	if (!chars) {
		r = rd_reader_create_hooked(&cfg, 0, on_line, &sc, err, sizeof(err));
		if (!r) {
			fprintf(stderr, "%s\n", err);
			fclose(list);
			fclose(out);
			return 1;
		}
	}
	while (fgets(line, sizeof(line), list)) {
		char *path = strtok(line, "\t\n"), *label = strtok(NULL, "\t\n");
		char *f[4];
		struct anpr_image img = { 0 };

		if (!path || !label)
			continue;
		for (int i = 0; i < 4; i++)
			f[i] = strtok(NULL, "\t\n");
		if (anpr_image_load(path, &img, err, sizeof(err))) {
			fprintf(stderr, "%s\n", err);
			bad++;
			continue;
		}
		nimg++;
		if (chars) {
			struct rd_comp c;
			int dark;
			float patch[RD_CH_H * RD_CH_W];

			/* UK plates: dark characters on a light ground,
			 * by day and under IR. */
			if (!rd_single_char_box(anpr_kern_best(), &ccl, &mask, img.data, img.stride,
						img.width, img.height, 1, &c, &dark)) {
				rd_norm_char(img.data, img.stride, img.width,
					     img.height, &c, dark, patch);
				put(out, label[0], rd_crop_group(path), patch);
				nsamples++;
			}
		} else {
			struct anpr_read rd;

			sc.label = label;
			sc.group = hash(label);
			sc.matched = sc.junk = sc.lines = 0;
			sc.img = &img;
			memset(sc.box, 0, sizeof(sc.box));
			if (f[3]) {
				for (int i = 0; i < 4; i++)
					sc.box[i] = atoi(f[i]);
				if (sc.box[0] < 0) {
					sc.box[2] += sc.box[0];
					sc.box[0] = 0;
				}
			}
			if (scene_begin(&sc)) {
				perror("open_memstream");
				anpr_image_free(&img);
				bad++;
				break;
			}
			anpr_reader_read(r, img.data, img.width, img.height,
					 img.stride, &rd);
			if (scene_end(&sc)) {
				perror(argv[3]);
				anpr_image_free(&img);
				bad++;
				break;
			}
			nmatch += sc.matched > 0;
			nrec += sc.matched;
		}
		anpr_image_free(&img);
	}
	fclose(list);
	if (fclose(out)) {
		perror(argv[3]);
		return 1;
	}
	if (chars)
		fprintf(stderr, "%s: %d crops, %d patches\n", argv[2], nimg, nsamples);
	else if (lines_mode)
		fprintf(stderr, "%s: %d images, %d with a line over the plate, "
			"%d line records\n", argv[2], nimg, nmatch, nrec);
	else
		fprintf(stderr, "%s: %d images, %d with the plate line matched\n",
			argv[2], nimg, nmatch);
	anpr_reader_destroy(r);
	rd_ccl_free(&ccl);
	rd_buf_free(&mask);
	return bad ? 1 : 0;
}
