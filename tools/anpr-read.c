// SPDX-License-Identifier: MIT
/*
 * anpr-read - read number plates from image files.
 *
 *   anpr-read [--json] [--region gb|eu|us|br|auto] [--simd LEVEL]
 *             [--weights FILE] [--line-weights FILE] [--line-reread N] [--rank]
 *             [--min-confidence C] IMAGE|DIR|-...
 *
 * An argument may be an image file, a directory (its images, by name
 * order: files ending .jpg, .jpeg, .png, .pgm, .ppm or .pnm, in any case;
 * not its subdirectories) or "-" (one image on standard input, named "-"
 * in the output).
 * Plain output: one line per image, "FILE: TEXT (confidence, region) ...",
 * best plate first: by confidence, which the reader calibrates from its
 * rank (docs/reader.md), so that 0.9 means about 9 in 10 right; readings
 * below --min-confidence (default 0.25; anprd's floor is 0.5) are left
 * out. With --json, one object per image per line:
 *   {"file":..., "ms":..., "plates":[{"text":..., "confidence":...,
 *    "region":..., "format":..., "reader":"chars"|"line",
 *    "box":[x,y,w,h]}]}
 * and with --rank each plate also "rank" (what the confidence is
 * calibrated from), "not_plate" (1: no plate evidence, plate.c) and
 * "family" (0 a format of the region, 1 a foreign or test mark read in
 * region gb, 2 other text of no UK format: calibrated apart).
 * ("reader" says which reader's text stands: the character reader's, or
 * the line recognizer's where it overruled it; docs/reader.md.)
 * ("ms" is the reader's CPU time for the frame, decoding excluded.) An image
 * that cannot be read gets a message on stderr naming it and the reason;
 * the others are still read, and the exit status is 1 at the end.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "anpr_image.h"
#include "reader/anpr_kern.h"
#include "reader/anpr_reader.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: anpr-read [--json] [--region gb|eu|us|br|auto] "
		"[--simd scalar|sse4.1|avx2|neon] [--weights FILE]\n"
		"                 [--line-weights FILE] [--line-reread N] [--rank]\n"
		"                 [--min-confidence C] IMAGE|DIR|-...\n");
}

static void json_str(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

static int show_rank;	/* --rank: each plate's rank too */

static void print_json(const char *file, const struct anpr_read *rd)
{
	printf("{\"file\":");
	json_str(file);
	printf(",\"ms\":%.3f,\"plates\":[", (double)rd->ns / 1e6);
	for (int i = 0; i < rd->nplates; i++) {
		const struct anpr_plate *p = &rd->plates[i];

		printf("%s{\"text\":", i ? "," : "");
		json_str(p->text);
		printf(",\"confidence\":%.3f,\"region\":\"%s\",\"format\":\"%s\","
		       "\"reader\":\"%s\",\"box\":[%d,%d,%d,%d]",
		       (double)p->confidence, anpr_region_name(p->region),
		       p->format, p->line_read ? "line" : "chars", p->box[0],
		       p->box[1], p->box[2], p->box[3]);
		if (show_rank)
			printf(",\"rank\":%.4f,\"not_plate\":%d,\"family\":%d",
			       (double)p->rank, p->not_plate, p->family);
		putchar('}');
	}
	putchar(']');
	/* Plates found but not read (docs/reader.md), only if any. */
	if (rd->nunread) {
		printf(",\"unread\":[");
		for (int i = 0; i < rd->nunread; i++) {
			const struct anpr_unread *u = &rd->unread[i];

			printf("%s{\"why\":\"%s\",\"evidence\":%.3f,"
			       "\"box\":[%d,%d,%d,%d]}", i ? "," : "",
			       anpr_unread_why_name(u->why), (double)u->evidence,
			       u->box[0], u->box[1], u->box[2], u->box[3]);
		}
		putchar(']');
	}
	printf("}\n");
}

static void print_plain(const char *file, const struct anpr_read *rd)
{
	printf("%s:", file);
	if (!rd->nplates)
		printf(" (no plate)");
	for (int i = 0; i < rd->nplates; i++)
		printf(" %s (%.2f, %s)", rd->plates[i].text,
		       (double)rd->plates[i].confidence,
		       anpr_region_name(rd->plates[i].region));
	for (int i = 0; i < rd->nunread; i++)
		printf(" [unread: %s]", anpr_unread_why_name(rd->unread[i].why));
	printf("  [%.1f ms]\n", (double)rd->ns / 1e6);
}

/* The largest image read from standard input. */
#define STDIN_MAX	(64u << 20)

/* One image into img: a file, or "-" for standard input. 0, or -1 with
 * err naming it and the reason. */
static int load_image(const char *path, struct anpr_image *img, char *err,
		      size_t errlen)
{
	size_t len = 0, cap = 1 << 16;
	unsigned char *buf;
	int rc;

	if (strcmp(path, "-") != 0)
		return anpr_image_load(path, img, err, errlen);
	buf = malloc(cap);
	while (buf) {
		size_t n = fread(buf + len, 1, cap - len, stdin);

		len += n;
		if (len < cap) {
			if (ferror(stdin)) {
				snprintf(err, errlen, "-: standard input: %s",
					 strerror(errno));
				free(buf);
				return -1;
			}
			break;
		}
		if (cap >= STDIN_MAX) {
			snprintf(err, errlen, "-: standard input: more than %u "
				 "bytes, not one image", STDIN_MAX);
			free(buf);
			return -1;
		}
		{
			unsigned char *nb = realloc(buf, cap * 2);

			if (!nb) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = nb;
			cap *= 2;
		}
	}
	if (!buf) {
		snprintf(err, errlen, "-: standard input: out of memory");
		return -1;
	}
	rc = anpr_image_decode(buf, len, "-", img, err, errlen);
	free(buf);
	return rc;
}

static int is_image_name(const struct dirent *e)
{
	static const char *const ext[] = { ".jpg", ".jpeg", ".png", ".pgm",
					   ".ppm", ".pnm" };
	const char *dot = strrchr(e->d_name, '.');

	if (e->d_name[0] == '.' || !dot)
		return 0;
	for (size_t i = 0; i < sizeof ext / sizeof ext[0]; i++)
		if (strcasecmp(dot, ext[i]) == 0)
			return 1;
	return 0;
}

struct reading {
	struct anpr_reader *r;
	int json;
	int failed;
};

static void read_one(struct reading *rg, const char *path)
{
	struct anpr_image img = { 0 };
	struct anpr_read rd;
	char err[512];

	if (load_image(path, &img, err, sizeof(err))) {
		fprintf(stderr, "anpr-read: %s\n", err);
		rg->failed = 1;
		return;
	}
	if (anpr_reader_read(rg->r, img.data, img.width, img.height, img.stride,
			     &rd)) {
		fprintf(stderr, "anpr-read: %s: the reader failed (out of "
			"memory)\n", path);
		rg->failed = 1;
	} else if (rg->json) {
		print_json(path, &rd);
	} else {
		print_plain(path, &rd);
	}
	anpr_image_free(&img);
	fflush(stdout);
}

/* An argument: a directory's images in name order, or one image. */
static void read_arg(struct reading *rg, const char *arg)
{
	struct dirent **names;
	struct stat st;
	int n;

	if (strcmp(arg, "-") == 0 || stat(arg, &st) != 0 || !S_ISDIR(st.st_mode)) {
		read_one(rg, arg);	/* a missing file is named there */
		return;
	}
	n = scandir(arg, &names, is_image_name, alphasort);
	if (n < 0) {
		fprintf(stderr, "anpr-read: %s: cannot list the directory: %s\n",
			arg, strerror(errno));
		rg->failed = 1;
		return;
	}
	if (n == 0) {
		fprintf(stderr, "anpr-read: %s: no image files (.jpg, .jpeg, "
			".png, .pgm, .ppm, .pnm) in the directory\n", arg);
		rg->failed = 1;
	}
	for (int i = 0; i < n; i++) {
		char path[4096];
		struct stat fst;

		snprintf(path, sizeof path, "%s%s%s", arg,
			 arg[strlen(arg) - 1] == '/' ? "" : "/", names[i]->d_name);
		/* a subdirectory named like an image is not read into */
		if (stat(path, &fst) == 0 && S_ISREG(fst.st_mode))
			read_one(rg, path);
		free(names[i]);
	}
	free(names);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "region", required_argument, NULL, 'r' },
		{ "simd", required_argument, NULL, 's' },
		{ "weights", required_argument, NULL, 'w' },
		{ "line-weights", required_argument, NULL, 'l' },
		{ "line-reread", required_argument, NULL, 'n' },
		{ "rank", no_argument, NULL, 'k' },
		{ "min-confidence", required_argument, NULL, 'm' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct anpr_reader_config cfg;
	struct anpr_reader *r;
	int json = 0, failed = 0, c;
	char err[512];

	anpr_reader_config_default(&cfg);
	while ((c = getopt_long(argc, argv, "jr:s:w:l:n:h", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = 1;
			break;
		case 'k':
			show_rank = 1;
			break;
		case 'm': {
			char *end;
			double v = strtod(optarg, &end);

			if (end == optarg || *end || !(v >= 0 && v <= 1)) {
				fprintf(stderr, "anpr-read: --min-confidence takes "
					"0..1, not '%s'\n", optarg);
				return 2;
			}
			cfg.min_confidence = (float)v;
			break;
		}
		case 'r':
			if (anpr_region_parse(optarg) < 0) {
				fprintf(stderr, "anpr-read: unknown region '%s' (gb, eu, "
					"us, br or auto)\n", optarg);
				return 2;
			}
			cfg.region = (enum anpr_region)anpr_region_parse(optarg);
			break;
		case 's':
			cfg.simd = anpr_kern_parse(optarg);
			if (cfg.simd < 0) {
				fprintf(stderr, "anpr-read: unknown SIMD level '%s' "
					"(scalar, sse4.1, avx2, neon)\n", optarg);
				return 2;
			}
			break;
		case 'w':
			cfg.weights_path = optarg;
			break;
		case 'l':
			cfg.line_weights_path = optarg;
			break;
		case 'n': {
			char *end;
			long n = strtol(optarg, &end, 10);

			if (end == optarg || *end || n < 0 || n > ANPR_READER_MAX_PLATES) {
				fprintf(stderr, "anpr-read: --line-reread takes 0..%d, "
					"not '%s'\n", ANPR_READER_MAX_PLATES, optarg);
				return 2;
			}
			cfg.line_reread = (int)n;
			break;
		}
		case 'V':
			printf("%s %s\n", "anpr-read", ANPR_VERSION);
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return 2;
	}
	r = anpr_reader_create(&cfg, err, sizeof(err));
	if (!r) {
		fprintf(stderr, "anpr-read: %s\n", err);
		return 1;
	}
	{
		struct reading rg = { r, json, 0 };

		for (int i = optind; i < argc; i++)
			read_arg(&rg, argv[i]);
		failed = rg.failed;
	}
	anpr_reader_destroy(r);
	return failed;
}
