/* SPDX-License-Identifier: MIT */
/*
 * ev_fill - test and benchmark driver for the evidence writer: submits N
 * reads (with synthetic JPEG-framed image bytes) through ev_writer, prints
 * "ack SEQ" after every durable group commit (stdout, flushed), and stops
 * cleanly. The crash suite SIGKILLs it at random moments; the benchmark
 * uses --bench.
 *   ev_fill --spool DIR --key SECKEY [--n N] [--camera ID] [--images]
 *           [--sync syncfs|fsync] [--checkpoint K] [--batch B]
 *           [--heartbeat-every M] [--rotate-to SECKEY --rotate-at I]
 *           [--plate-bytes N] [--overview-bytes N] [--image-salt S]
 *           [--site LAT,LON] [--age-s S] [--distinct-marks]
 *           [--plate-jpeg FILE] [--overview-jpeg FILE] [--bench] [--no-stop]
 * --plate-jpeg, --overview-jpeg: every read's image is that file's bytes
 * (a real JPEG, for a browser to show), implying --images.
 * --image-salt: image bytes differ with S (several spools whose images
 * must not be the same files in a content-addressed store).
 * --site: the fixed camera's position (default 51.507351,-0.127758);
 * --age-s: the reads' capture times S seconds before now (cloned-plate
 * tests: the same marks read elsewhere earlier).
 * Marks: AB00 CDE to AB99 CDE in turn (the same 100 vehicles on every
 * camera), or with --distinct-marks a different vehicle each read, as on
 * a road (the ingest bench: a mark's other reads are what the back
 * office's cloned-plate check compares).
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "common/readfile.h"
#include "evidence/evidence_spool.h"

static bool quiet_acks;

static void on_commit(void *ctx, uint64_t seq)
{
	(void)ctx;
	if (!quiet_acks) {
		printf("ack %" PRIu64 "\n", seq);
		fflush(stdout);
	}
}

static void on_error(void *ctx, int rc, const char *msg)
{
	(void)ctx;
	fprintf(stderr, "ev_fill: INTAKE STOPPED (%d): %s\n", rc, msg);
}

static void *fake_jpeg(size_t n, uint64_t salt)
{
	uint8_t *p = malloc(n < 4 ? 4 : n);

	if (!p)
		return NULL;
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)((i * 131 + salt * 7) ^ (salt >> 3));
	p[0] = 0xFF; p[1] = 0xD8;		/* SOI */
	p[n - 2] = 0xFF; p[n - 1] = 0xD9;	/* EOI */
	return p;
}

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "spool", 1, NULL, 's' }, { "key", 1, NULL, 'k' },
		{ "n", 1, NULL, 'n' }, { "camera", 1, NULL, 'c' },
		{ "images", 0, NULL, 'i' }, { "sync", 1, NULL, 'y' },
		{ "checkpoint", 1, NULL, 'p' }, { "batch", 1, NULL, 'b' },
		{ "heartbeat-every", 1, NULL, 'H' },
		{ "rotate-to", 1, NULL, 'r' }, { "rotate-at", 1, NULL, 'a' },
		{ "plate-bytes", 1, NULL, 'P' },
		{ "overview-bytes", 1, NULL, 'O' },
		{ "image-salt", 1, NULL, 'X' },
		{ "site", 1, NULL, 'L' }, { "age-s", 1, NULL, 'A' },
		{ "distinct-marks", 0, NULL, 'D' },
		{ "plate-jpeg", 1, NULL, 'J' }, { "overview-jpeg", 1, NULL, 'K' },
		{ "bench", 0, NULL, 'B' }, { "no-stop", 0, NULL, 'S' },
		{ NULL, 0, NULL, 0 }
	};
	struct ev_writer_config cfg;
	struct ev_writer *w;
	struct ev_key key, key2;
	const char *keyp = NULL, *rot = NULL;
	unsigned long n = 100, hb_every = 0, rot_at = 0, salt = 0, age_s = 0;
	double lat, lon;
	size_t plate_b = 3000, over_b = 30000;
	bool images = false, bench = false, nostop = false, distinct = false;
	char *real[2] = { NULL, NULL };	/* --plate-jpeg, --overview-jpeg bytes */
	size_t real_len[2] = { 0, 0 };
	char err[1024];
	double t0, t1;
	int c;

	memset(&cfg, 0, sizeof cfg);
	snprintf(cfg.spool.site.camera_id, sizeof cfg.spool.site.camera_id,
		 "CAM-TEST-01");
	snprintf(cfg.spool.site.site_id, sizeof cfg.spool.site.site_id,
		 "SITE-A1-J12");
	cfg.spool.site.lat_e6 = 51507351;
	cfg.spool.site.lon_e6 = -127758;
	cfg.spool.site.bearing_deg = 270;
	snprintf(cfg.spool.site.sw_version, sizeof cfg.spool.site.sw_version,
		 "anpr-%s", ANPR_VERSION);
	memset(cfg.spool.site.model_sha256, 'a', EV_HASH_HEX);
	memset(cfg.spool.site.config_sha256, 'c', EV_HASH_HEX);
	cfg.spool.checkpoint_every = 100;
	cfg.batch_max = 64;
	cfg.heartbeat_interval_s = 60;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 's': cfg.spool.dir = optarg; break;
		case 'k': keyp = optarg; break;
		case 'n': n = strtoul(optarg, NULL, 10); break;
		case 'c':
			snprintf(cfg.spool.site.camera_id,
				 sizeof cfg.spool.site.camera_id, "%s", optarg);
			break;
		case 'i': images = true; break;
		case 'y':
			cfg.spool.sync = strcmp(optarg, "fsync") == 0
					 ? EV_SYNC_FSYNC : EV_SYNC_SYNCFS;
			break;
		case 'p': cfg.spool.checkpoint_every = (unsigned)atoi(optarg);
			  break;
		case 'b': cfg.batch_max = (unsigned)atoi(optarg); break;
		case 'H': hb_every = strtoul(optarg, NULL, 10); break;
		case 'r': rot = optarg; break;
		case 'a': rot_at = strtoul(optarg, NULL, 10); break;
		case 'P': plate_b = strtoul(optarg, NULL, 10); break;
		case 'J':
		case 'K':
			if (read_file_limited(optarg, 1u << 24, &real[c == 'K'], &real_len[c == 'K'],
					      err, sizeof err) != 0) {
				fprintf(stderr, "ev_fill: %s\n", err);
				return 2;
			}
			images = true;
			break;
		case 'O': over_b = strtoul(optarg, NULL, 10); break;
		case 'X': salt = strtoul(optarg, NULL, 10) * 1000003UL; break;
		case 'L':
			if (sscanf(optarg, "%lf,%lf", &lat, &lon) != 2 || lat < -90 ||
			    lat > 90 || lon < -180 || lon > 180) {
				fprintf(stderr, "ev_fill: --site LAT,LON\n");
				return 2;
			}
			cfg.spool.site.lat_e6 = (int64_t)(lat * 1e6 + (lat < 0 ? -0.5 : 0.5));
			cfg.spool.site.lon_e6 = (int64_t)(lon * 1e6 + (lon < 0 ? -0.5 : 0.5));
			break;
		case 'A': age_s = strtoul(optarg, NULL, 10); break;
		case 'D': distinct = true; break;
		case 'B': bench = true; quiet_acks = true; break;
		case 'S': nostop = true; break;
		default: return 2;
		}
	}
	if (!cfg.spool.dir || !keyp || ev_init() != 0) {
		fprintf(stderr, "ev_fill: --spool and --key are required\n");
		return 2;
	}
	if (ev_key_load_secret(keyp, NULL, &key, err, sizeof err) != 0 ||
	    (rot && ev_key_load_secret(rot, NULL, &key2, err,
				       sizeof err) != 0)) {
		fprintf(stderr, "ev_fill: %s\n", err);
		return 1;
	}
	cfg.spool.key = &key;
	cfg.queue_len = 8192;
	cfg.on_commit = on_commit;
	cfg.on_error = on_error;
	if (ev_writer_start(&w, &cfg, err, sizeof err) != 0) {
		fprintf(stderr, "ev_fill: %s\n", err);
		return 1;
	}
	t0 = now_s();
	for (unsigned long i = 0; i < n; i++) {
		struct ev_read_in in;
		int rc;

		memset(&in, 0, sizeof in);
		ev_now_system(NULL, &in.when);
		in.when.utc.tv_sec -= (time_t)age_s;
		/* every capture clock in turn, and now and then clocks that
		 * disagree (anpr-record/3) */
		in.when.capclk = (enum ev_capclk)(1 + i % (EV_CAPCLK_COUNT - 1));
		in.when.clocks_disagree = i % 7 == 3;
		in.lane = 1 + i % 3;
		snprintf(in.source, sizeof in.source, "front");
		snprintf(in.hotlist_set_sha256, sizeof in.hotlist_set_sha256,
			 "%s", EV_HOTLIST_SET_NONE);
		in.frame_seq = 1000 + i * 3;
		if (distinct) {
			/* the camera's id and i, in a UK shape: 2 letters, 2
			 * digits, 3 letters (26^5 * 100 marks) */
			uint64_t v = i;

			for (const char *p = cfg.spool.site.camera_id; *p; p++)
				v = v * 131 + (unsigned char)*p;
			v = v * 2654435761u + i;
			snprintf(in.vrm, sizeof in.vrm, "%c%c%02u %c%c%c",
				 'A' + (int)(v % 26), 'A' + (int)(v / 26 % 26),
				 (unsigned)(v / 676 % 100), 'A' + (int)(v / 67600 % 26),
				 'A' + (int)(v / 1757600 % 26), 'A' + (int)(v / 45697600 % 26));
		} else {
			snprintf(in.vrm, sizeof in.vrm, "AB%02lu CDE", i % 100);
		}
		snprintf(in.region, sizeof in.region, "GB");
		in.confidence_permille = 900 + (unsigned)(i % 100);
		if (i % 17 == 0) {
			snprintf(in.hotlist, sizeof in.hotlist, "PNC-STOLEN");
			snprintf(in.hotlist_entry, sizeof in.hotlist_entry,
				 "E%lu", i);
		}
		if (images) {
			in.plate_jpg = fake_jpeg(plate_b, i + salt);
			in.plate_len = plate_b;
			in.overview_jpg = fake_jpeg(over_b, i + salt + 7);
			in.overview_len = over_b;
			/* the pattern repeats every 2048 values of its salt:
			 * with --image-salt, the record's own number and the
			 * salt make each image unique */
			if (salt && in.plate_jpg && in.overview_jpg &&
			    plate_b >= 24 && over_b >= 24) {
				uint64_t u[2] = { i, salt };

				memcpy((uint8_t *)in.plate_jpg + 4, u, sizeof u);
				memcpy((uint8_t *)in.overview_jpg + 4, u, sizeof u);
			}
			for (int k = 0; k < 2; k++) {
				void **img = k ? &in.overview_jpg : &in.plate_jpg;
				size_t *len = k ? &in.overview_len : &in.plate_len;

				if (real[k] && *img) {
					free(*img);
					*img = malloc(real_len[k]);
					if (*img)
						memcpy(*img, real[k], real_len[k]);
					*len = real_len[k];
				}
			}
		}
		while ((rc = ev_writer_submit_read(w, &in)) == EV_EFULL)
			usleep(200);
		if (rc) {
			free(in.plate_jpg);
			free(in.overview_jpg);
			fprintf(stderr, "ev_fill: submit %lu: error %d\n", i,
				rc);
			break;
		}
		if (hb_every && (i + 1) % hb_every == 0) {
			struct ev_heartbeat_in hb = { i * 3, i + 1, 0 };
			while (ev_writer_submit_heartbeat(w, &hb) == EV_EFULL)
				usleep(200);
		}
		if (rot && i + 1 == rot_at &&
		    ev_writer_rotate_key(w, &key2) != 0)
			fprintf(stderr, "ev_fill: rotation refused\n");
	}
	if (nostop) {
		while (ev_writer_acked(w) < n)
			usleep(1000);
		_exit(0);	/* like a crash after the last ack */
	}
	if (ev_writer_stop(w, err, sizeof err) != 0) {
		fprintf(stderr, "ev_fill: %s\n", err);
		return 1;
	}
	t1 = now_s();
	if (bench) {
		double rate = (double)n / (t1 - t0);
		struct rusage ru;
		double cpu;

		getrusage(RUSAGE_SELF, &ru);
		cpu = (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
		      (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
		printf("durable signed records/s (%s, batch %u%s): %.0f /s  "
		       "(target >= 5000 /s)  %s\n",
		       cfg.spool.sync == EV_SYNC_FSYNC ? "fsync policy"
		       : "syncfs policy", cfg.batch_max,
		       images ? ", with 2 images" : ", no images", rate,
		       rate >= 5000 ? "OK" : "MISS");
		/* what the work costs, whatever else the machine runs */
		printf("  CPU (user+sys, all threads) per durable record: %.0f us"
		       "  (target <= 200 us, i.e. 5000 /s on one core)  %s\n",
		       cpu * 1e6 / (double)n, cpu * 1e6 / (double)n <= 200
		       ? "OK" : "MISS");
	}
	free(real[0]);
	free(real[1]);
	return 0;
}
