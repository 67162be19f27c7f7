// SPDX-License-Identifier: MIT
/*
 * bench_reader.c - the reader's figures for `make bench`, each next to its
 * target (issue 4):
 *   - exact and O/0-I/1-folded top-1 read rate per set of the dev photos
 *     (DEV/labels.tsv), each in two forms: on the photos the weights were
 *     NOT trained on (the headline, judged against issue 21's targets) and
 *     on those they were; and images that failed to decode;
 *   - UK character accuracy on DEV/gb_chars (O and 0 one class, as the UK
 *     font draws them; exact too), unseen and trained-on;
 *   - median and p95 CPU ms per image per set, one core, for each SIMD
 *     level this CPU has (ANPR_SIMD levels), and for a synthetic 1920x1080
 *     IR frame built from gb_chars glyphs.
 *
 *   anpr-reader-bench [--dev DIR] [--misses] [--unseen N] [--weights F]
 *                     [--line-weights F] [--accuracy-only]
 *
 * The unseen part: dev photos whose plate text's FNV-1a hash % 10 < N, and
 * gb_chars crops whose source photo's hash % 10 < N (N = 1 by default: the
 * tenth the committed weights' recipe holds out, training/train_chars.py).
 * `make bench-reader-unseen` trains weights without the photos of N = 3
 * (training/train.sh, ANPR_TRAIN_UNSEEN) and passes them with --weights
 * and --line-weights; nothing here is tuned on the unseen part.
 * --accuracy-only skips the timing runs.
 * --misses lists each dev photo and gb_chars crop read wrong (folded) on
 * stderr: file, label, reading (for a crop, its probability and the
 * label's).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "anpr_image.h"
#include "reader/reader_int.h"

#define MAX_IMAGES 4096

struct item {
	char path[1024];
	char label[64];
	char set[8];
	struct anpr_image img;
	int ok;		/* decoded */
	int held_out;	/* in the unseen part: never trained on */
	int box[4];	/* the labelled plate: x, y, w, h; w = 0: none */
};

static struct item items[MAX_IMAGES];
static int nitems;
static int list_misses;
static int unseen_n = 1;	/* unseen: FNV-1a % 10 < unseen_n */
static const char *weights_path, *line_weights_path;

static uint32_t fnv(const char *s)
{
	uint32_t h = 2166136261u;

	while (*s)
		h = (h ^ (uint8_t)*s++) * 16777619u;
	return h;
}

static void fold(char *s)
{
	for (; *s; s++) {
		if (*s == 'O')
			*s = '0';
		if (*s == 'I')
			*s = '1';
	}
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

static const char *okmiss(int ok)
{
	return ok ? "OK" : "MISS";
}

/* The CPU targets are for the best SIMD level this CPU runs (issue 4);
 * the other levels' figures are printed against them for the record. */
static const char *okmiss_level(int ok, const struct anpr_kern_ops *k)
{
	if (k == anpr_kern_best())
		return okmiss(ok);
	return ok ? "(within it; not the best level, not judged)" :
		    "(over; not the best level, not judged)";
}

static void load_set(const char *dev)
{
	char path[1200], line[2048];
	FILE *f;

	snprintf(path, sizeof(path), "%s/labels.tsv", dev);
	f = fopen(path, "r");
	if (!f) {
		perror(path);
		exit(1);
	}
	if (!fgets(line, sizeof(line), f)) {
		fprintf(stderr, "%s: empty\n", path);
		exit(1);
	}
	while (fgets(line, sizeof(line), f) && nitems < MAX_IMAGES) {
		char *fields[6] = { 0 }, *p = line, *file, *plate;
		struct item *it = &items[nitems];
		char err[512];

		/* file, plate, x, y, w, h (the box may be empty) */
		for (int i = 0; i < 6 && p; i++) {
			fields[i] = p;
			p = strpbrk(p, "\t\n");
			if (p)
				*p++ = '\0';
		}
		file = fields[0];
		plate = fields[1];
		if (!file || !plate || !*file || !*plate)
			continue;
		memset(it->box, 0, sizeof(it->box));
		if (fields[5] && *fields[4])
			for (int i = 0; i < 4; i++)
				it->box[i] = atoi(fields[2 + i]);
		snprintf(it->path, sizeof(it->path), "%s/%s", dev, file);
		snprintf(it->label, sizeof(it->label), "%s", plate);
		snprintf(it->set, sizeof(it->set), "%.*s", (int)strcspn(file, "/"), file);
		it->held_out = fnv(plate) % 10 < (uint32_t)unseen_n;
		if (anpr_image_load(it->path, &it->img, err, sizeof(err)) == 0)
			it->ok = 1;
		else
			fprintf(stderr, "bench: %s\n", err);
		nitems++;
	}
	fclose(f);
}

struct target {
	const char *set;
	double folded, exact, ms;
};

/* OpenALPR's exact rate and a tenth of its median ms (domain.md). */
static const struct target targets[] = {
	{ "eu", 95.0, 63.5, 3.4 },
	{ "us", 85.0, 51.4, 22.5 },
	{ "br", 90.0, 40.4, 11.6 },
};

/*
 * Issue 21's targets for photos the reader has not seen (on the unseen
 * part, the proxy for the photos the project does not have): eu exact
 * >= 90 %, us folded >= 85 %, br >= 93 % (exact, so folded too). A set
 * without one of these keeps its whole-set target above.
 */
static void unseen_targets(const char *set, double *folded, double *exact)
{
	*folded = 0;
	*exact = 0;
	if (!strcmp(set, "eu")) {
		*folded = 95.0;
		*exact = 90.0;
	} else if (!strcmp(set, "us")) {
		*folded = 85.0;
	} else if (!strcmp(set, "br")) {
		*folded = 93.0;
		*exact = 93.0;
	}
}

static double pct(int k, int n)
{
	return n ? 100.0 * k / n : 0.0;
}

/* The Wilson 95 % interval of k in n, in per cent: the sets are small. */
static void wilson(int k, int n, double *lo, double *hi)
{
	const double z = 1.96;
	double p = n ? (double)k / n : 0, d = 1 + z * z / (n ? n : 1);
	double c = (p + z * z / (2.0 * (n ? n : 1))) / d;
	double h = n ? z * sqrt(p * (1 - p) / n + z * z / (4.0 * n * n)) / d : 0.5;

	*lo = 100 * (c - h > 0 ? c - h : 0);
	*hi = 100 * (c + h < 1 ? c + h : 1);
}

/* One figure in the bench format; no target when tgt <= 0. */
static void figure(const char *set, const char *part, const char *what,
		   int k, int n, double tgt)
{
	double v = pct(k, n), lo, hi;

	wilson(k, n, &lo, &hi);
	if (tgt > 0)
		printf("%s %s read rate (%s): %.1f %%  (target >= %.0f %%)  %s  "
		       "[%d/%d; 95 %% interval %.0f..%.0f %%]\n", set, part, what,
		       v, tgt, okmiss(n && v >= tgt), k, n, lo, hi);
	else
		printf("%s %s read rate (%s): %.1f %%  [%d/%d; 95 %% interval "
		       "%.0f..%.0f %%]\n", set, part, what, v, k, n, lo, hi);
}

/*
 * Readings of a frame at confidence >= 0.5 (what anprd records) whose
 * centre lies outside the labelled plate's box widened by its own size on
 * every side: text that is not the plate (or another vehicle's plate).
 */
static int readings_elsewhere(const struct anpr_read *rd, const int *box)
{
	int n = 0;

	for (int i = 0; i < rd->nplates; i++) {
		const struct anpr_plate *p = &rd->plates[i];
		double cx = p->box[0] + p->box[2] / 2.0, cy = p->box[1] + p->box[3] / 2.0;

		if (p->confidence < 0.5f)
			continue;
		n += cx < box[0] - box[2] || cx > box[0] + 2 * box[2] ||
		     cy < box[1] - box[3] || cy > box[1] + 2 * box[3];
	}
	return n;
}

static void run_sets(const struct anpr_kern_ops *k, int accuracy)
{
	static uint64_t ns[MAX_IMAGES];
	struct anpr_reader_config cfg;
	char err[512];

	for (size_t t = 0; t < sizeof(targets) / sizeof(targets[0]); t++) {
		const struct target *tg = &targets[t];
		int n = 0, exact = 0, folded = 0, nf = 0, hn = 0, hf = 0, bad = 0;
		int he = 0, halone = 0;
		int elsewhere = 0, boxed = 0, line_read = 0, alone = 0;
		struct anpr_reader *r, *r0 = NULL;

		anpr_reader_config_default(&cfg);
		cfg.region = (enum anpr_region)anpr_region_parse(tg->set);
		cfg.simd = k->level;
		cfg.weights_path = weights_path;
		cfg.line_weights_path = line_weights_path;
		r = anpr_reader_create(&cfg, err, sizeof(err));
		/* For the record: what the character reader reads alone. */
		cfg.line_reread = 0;
		if (r && accuracy)
			r0 = anpr_reader_create(&cfg, err, sizeof(err));
		if (!r || (accuracy && !r0)) {
			fprintf(stderr, "bench: %s\n", err);
			exit(1);
		}
		for (int i = 0; i < nitems; i++) {
			struct item *it = &items[i];
			struct anpr_read rd;
			char got[64] = "", want[64];
			int right;	/* folded */

			if (strcmp(it->set, tg->set))
				continue;
			n++;
			hn += it->held_out;
			if (!it->ok) {
				bad++;
				continue;
			}
			anpr_reader_read(r, it->img.data, it->img.width, it->img.height,
					 it->img.stride, &rd);
			ns[nf++] = rd.ns;
			if (rd.nplates)
				snprintf(got, sizeof(got), "%s", rd.plates[0].text);
			exact += !strcmp(got, it->label);
			he += it->held_out && !strcmp(got, it->label);
			snprintf(want, sizeof(want), "%s", it->label);
			fold(want);
			fold(got);
			right = !strcmp(got, want);
			folded += right;
			if (list_misses && accuracy && !right)
				fprintf(stderr, "miss %s: %s read \"%s\"\n", it->path,
					it->label, rd.nplates ? rd.plates[0].text : "");
			hf += it->held_out && right;
			line_read += rd.nplates && rd.plates[0].line_read;
			if (r0) {
				static struct anpr_read rd0;

				anpr_reader_read(r0, it->img.data, it->img.width,
						 it->img.height, it->img.stride, &rd0);
				snprintf(got, sizeof(got), "%s",
					 rd0.nplates ? rd0.plates[0].text : "");
				fold(got);
				alone += !strcmp(got, want);
				halone += it->held_out && !strcmp(got, want);
			}
			if (it->box[2] > 0) {
				boxed++;
				elsewhere += readings_elsewhere(&rd, it->box);
			}
		}
		anpr_reader_destroy(r);
		anpr_reader_destroy(r0);
		if (!n)
			continue;
		qsort(ns, (size_t)nf, sizeof(ns[0]), cmp_u64);
		double med = nf ? (double)ns[nf / 2] / 1e6 : 0;
		double p95 = nf ? (double)ns[(nf * 95) / 100 < nf ? (nf * 95) / 100 : nf - 1] / 1e6 : 0;

		if (accuracy) {
			double fr = 100.0 * folded / n, er = 100.0 * exact / n;
			double uf, ue;
			int tn = n - hn;

			unseen_targets(tg->set, &uf, &ue);
			figure(tg->set, "unseen", "exact", he, hn, ue);
			figure(tg->set, "unseen", "folded", hf, hn, uf);
			figure(tg->set, "trained-on", "exact", exact - he, tn, 0);
			figure(tg->set, "trained-on", "folded", folded - hf, tn, 0);
			printf("%s unseen part: plate text FNV-1a %% 10 < %d, %d of %d "
			       "images; the character reader alone (folded): unseen "
			       "%.1f %%, trained-on %.1f %%\n", tg->set, unseen_n, hn, n,
			       pct(halone, hn), pct(alone - halone, tn));
			printf("%s read rate, all images (folded): %.1f %%  (target >= %.0f %%)  %s\n",
			       tg->set, fr, tg->folded, okmiss(fr >= tg->folded));
			printf("%s read rate, all images (exact): %.1f %%  (target > %.1f %%, OpenALPR)  %s\n",
			       tg->set, er, tg->exact, okmiss(er > tg->exact));
			printf("%s images: %d, undecodable: %d (counted as misses)\n",
			       tg->set, n, bad);
			printf("%s read by the line recognizer (overruling the "
			       "character reader): %d images; the character reader "
			       "alone reads %.1f %% (folded)\n", tg->set, line_read,
			       100.0 * alone / n);
			printf("%s readings away from the labelled plate, confidence "
			       ">= 0.5 (anprd's floor): %.2f per image (%d in %d "
			       "images; other vehicles and signs count too)\n",
			       tg->set, boxed ? (double)elsewhere / boxed : 0.0,
			       elsewhere, boxed);
		}
		printf("%s ms per image [%s] median: %.2f ms  (target <= %.1f ms)  %s\n",
		       tg->set, k->name, med, tg->ms,
		       okmiss_level(med <= tg->ms, k));
		printf("%s ms per image [%s] p95: %.2f ms\n", tg->set, k->name, p95);
	}
}

static void run_gb_chars(const char *dev)
{
	char path[1200], line[2048], err[512];
	struct rd_ccl ccl = { 0 };
	struct rd_buf mask = { 0 };
	struct rd_net *net;
	const struct anpr_kern_ops *k = anpr_kern_best();
	int n = 0, ok = 0, hn = 0, hok = 0, hex = 0, bad = 0, ok_folded = 0;
	FILE *f;

	if (weights_path) {
		static unsigned char buf[4 << 20];
		size_t len = 0;
		FILE *w = fopen(weights_path, "rb");

		if (w) {
			len = fread(buf, 1, sizeof(buf), w);
			fclose(w);
		}
		net = rd_net_parse(buf, len, weights_path, err, sizeof(err));
	} else {
		net = rd_net_parse(anpr_reader_weights,
				   (size_t)anpr_reader_weights_len,
				   "<built-in>", err, sizeof(err));
	}
	snprintf(path, sizeof(path), "%s/gb_chars/labels.tsv", dev);
	f = fopen(path, "r");
	if (!f || !net) {
		fprintf(stderr, "bench: %s: %s\n", path, net ? "cannot open" : err);
		exit(1);
	}
	if (!fgets(line, sizeof(line), f))
		exit(1);
	while (fgets(line, sizeof(line), f)) {
		char *file = strtok(line, "\t\n"), *ch = strtok(NULL, "\t\n");
		struct anpr_image img = { 0 };
		struct rd_comp c;
		float patch[RD_CH_H * RD_CH_W], prob[RD_CLASSES];
		int dark, best = -1;
		const char *p;

		if (!file || !ch)
			continue;
		snprintf(path, sizeof(path), "%s/gb_chars/%s", dev, file);
		n++;
		p = strchr(file, '-');
		p = p ? strchr(p + 1, '-') : NULL;
		int held = fnv(p ? p + 1 : file) % 10 < (uint32_t)unseen_n;

		hn += held;
		if (anpr_image_load(path, &img, err, sizeof(err))) {
			bad++;
			continue;
		}
		/* UK characters are darker than the plate. */
		if (!rd_single_char_box(anpr_kern_best(), &ccl, &mask, img.data, img.stride, img.width,
					img.height, 1, &c, &dark)) {
			rd_norm_char(img.data, img.stride, img.width, img.height, &c,
				     dark, patch);
			rd_net_run(net, k, patch, prob);
			/* As the reader weighs a line's components. */
			rd_bar_prior((float)(c.x1 - c.x0), (float)(c.y1 - c.y0), prob);
			/* The UK alphabet: no I or Q. */
			for (int i = 0; i < 36; i++) {
				char cc = rd_class_char(i);

				if (cc == 'I' || cc == 'Q')
					continue;
				if (best < 0 || prob[i] > prob[best])
					best = i;
			}
			char got = rd_class_char(best);
			int right = got == ch[0] || (ch[0] == 'O' && got == '0') ||
				    (ch[0] == '0' && got == 'O');

			ok += got == ch[0];
			ok_folded += right;
			hok += held && right;
			hex += held && got == ch[0];
			if (list_misses && !right)
				fprintf(stderr, "miss %s: %c read %c (%.2f, %c %.2f)\n",
					file, ch[0], got, prob[best],
					ch[0], prob[rd_char_class(ch[0])]);
		}
		anpr_image_free(&img);
	}
	fclose(f);
	double acc = n ? 100.0 * ok_folded / n : 0;

	/* Judged with O and 0 as one class: in the UK font's crops they are
	 * one glyph (docs/reader.md: a classifier of the two trained on them
	 * does worse than always answering 0), and on a plate the format
	 * tells them apart (syntax.c). */
	double uacc = pct(hok, hn), lo, hi;

	wilson(hok, hn, &lo, &hi);
	printf("gb_chars unseen UK character accuracy (O and 0 one class): "
	       "%.2f %%  (target >= 99.5 %%)  %s  [%d/%d; 95 %% interval "
	       "%.1f..%.1f %%]\n", uacc, okmiss(uacc >= 99.5), hok, hn, lo, hi);
	printf("gb_chars unseen UK character accuracy, exact: %.2f %%  [%d/%d]\n",
	       pct(hex, hn), hex, hn);
	printf("gb_chars trained-on UK character accuracy (O and 0 one class): "
	       "%.2f %%  [%d/%d]\n", pct(ok_folded - hok, n - hn),
	       ok_folded - hok, n - hn);
	printf("gb_chars trained-on UK character accuracy, exact: %.2f %%  [%d/%d]\n",
	       pct(ok - hex, n - hn), ok - hex, n - hn);
	printf("gb_chars UK character accuracy, all crops (O and 0 one class): %.2f %%  "
	       "(target >= 99.5 %%)  %s\n", acc, okmiss(acc >= 99.5));
	printf("gb_chars UK character accuracy, exact (O told from 0, which "
	       "these crops draw alike): %.2f %%\n", n ? 100.0 * ok / n : 0);
	printf("gb_chars crops: %d, undecodable: %d; unseen part: source photo "
	       "FNV-1a %% 10 < %d, %d crops\n", n, bad, unseen_n, hn);
	rd_net_free(net);
	rd_ccl_free(&ccl);
	rd_buf_free(&mask);
}

/*
 * A 1920x1080 IR-like frame: dark, noisy surround; a bright plate with the
 * dark gb_chars glyphs of "AB12CDE" (first crop of each character).
 */
static int make_ir_frame(const char *dev, struct anpr_image *frame)
{
	static const char text[] = "AB12CDE";
	const int ch_h = 44, px0 = 860, py0 = 700;
	uint32_t seed = 12345;
	int x = px0 + 20;

	if (anpr_image_alloc(frame, 1920, 1080))
		return -1;
	for (int y = 0; y < 1080; y++)
		for (int i = 0; i < 1920; i++) {
			seed = seed * 1103515245u + 12345u;
			frame->data[y * frame->stride + i] = (uint8_t)(20 + (seed >> 27));
		}
	for (int y = py0; y < py0 + ch_h + 24; y++)
		for (int i = px0; i < px0 + 300; i++)
			frame->data[y * frame->stride + i] = 225;
	for (const char *t = text; *t; t++) {
		char path[4096], line[1024], err[512];
		struct anpr_image g = { 0 };
		FILE *f;

		snprintf(path, sizeof(path), "%s/gb_chars/labels.tsv", dev);
		f = fopen(path, "r");
		if (!f)
			return -1;
		while (fgets(line, sizeof(line), f))
			if (line[0] == *t && line[1] == '-')
				break;
		fclose(f);
		line[strcspn(line, "\t")] = 0;
		snprintf(path, sizeof(path), "%s/gb_chars/%s", dev, line);
		if (anpr_image_load(path, &g, err, sizeof(err))) {
			fprintf(stderr, "bench: %s\n", err);
			return -1;
		}
		int gw = g.width * ch_h / g.height;

		for (int y = 0; y < ch_h; y++)
			for (int i = 0; i < gw; i++) {
				int v = g.data[(y * g.height / ch_h) * g.stride + i * g.width / gw];

				if (v < 128)
					frame->data[(py0 + 12 + y) * frame->stride + x + i] = 30;
			}
		x += gw + (t == text + 3 ? 22 : 6);
		anpr_image_free(&g);
	}
	return 0;
}

static void run_ir(const struct anpr_image *frame, const struct anpr_kern_ops *k)
{
	static uint64_t ns[64];
	struct anpr_reader_config cfg;
	struct anpr_reader *r;
	struct anpr_read rd;
	char err[512];
	const int reps = 21;

	anpr_reader_config_default(&cfg);
	cfg.region = ANPR_REGION_GB;
	cfg.simd = k->level;
	r = anpr_reader_create(&cfg, err, sizeof(err));
	if (!r)
		exit(1);
	for (int i = 0; i < reps; i++) {
		anpr_reader_read(r, frame->data, frame->width, frame->height,
				 frame->stride, &rd);
		ns[i] = rd.ns;
	}
	qsort(ns, reps, sizeof(ns[0]), cmp_u64);
	printf("ir 1920x1080 ms per frame [%s] median: %.2f ms  (target <= 5 ms)  %s\n",
	       k->name, (double)ns[reps / 2] / 1e6, okmiss_level(ns[reps / 2] <= 5000000, k));
	printf("ir 1920x1080 ms per frame [%s] p95: %.2f ms; read \"%s\" (truth AB12CDE)\n",
	       k->name, (double)ns[(reps * 95) / 100] / 1e6,
	       rd.nplates ? rd.plates[0].text : "");
	anpr_reader_destroy(r);
}

int main(int argc, char **argv)
{
	const char *dev = "../shared/data/plates/dev";
	struct anpr_image ir = { 0 };
	int have_ir, accuracy_only = 0;

	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--dev") && i + 1 < argc)
			dev = argv[++i];
		else if (!strcmp(argv[i], "--misses"))
			list_misses = 1;
		else if (!strcmp(argv[i], "--unseen") && i + 1 < argc)
			unseen_n = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--weights") && i + 1 < argc)
			weights_path = argv[++i];
		else if (!strcmp(argv[i], "--line-weights") && i + 1 < argc)
			line_weights_path = argv[++i];
		else if (!strcmp(argv[i], "--accuracy-only"))
			accuracy_only = 1;
		else {
			fprintf(stderr, "usage: anpr-reader-bench [--dev DIR] [--misses] "
				"[--unseen N] [--weights F] [--line-weights F] "
				"[--accuracy-only]\n");
			return 2;
		}
	if (unseen_n < 1 || unseen_n > 9) {
		fprintf(stderr, "bench: --unseen takes 1..9\n");
		return 2;
	}
	load_set(dev);
	printf("reader weights: %s, %s; unseen: FNV-1a %% 10 < %d\n",
	       weights_path ? weights_path : "built in",
	       line_weights_path ? line_weights_path : "built in", unseen_n);
	run_sets(anpr_kern_best(), 1);
	run_gb_chars(dev);
	if (accuracy_only) {
		for (int i = 0; i < nitems; i++)
			anpr_image_free(&items[i].img);
		return 0;
	}
	have_ir = make_ir_frame(dev, &ir) == 0;
	for (int l = 0; l < ANPR_SIMD_COUNT; l++) {
		const struct anpr_kern_ops *k = anpr_kern_get((enum anpr_simd)l);

		if (!k)
			continue;
		if (k != anpr_kern_best())
			run_sets(k, 0);
		if (have_ir)
			run_ir(&ir, k);
	}
	for (int i = 0; i < nitems; i++)
		anpr_image_free(&items[i].img);
	anpr_image_free(&ir);
	return have_ir ? 0 : 1;
}
