/* SPDX-License-Identifier: MIT */
/*
 * anpr-capture - list capture sources, or capture frames from one with
 * libanprcap and print one line per frame; optionally save the frames.
 *
 *   anpr-capture --list
 *   anpr-capture SOURCE [--frames N] [--out DIR] [options]
 *
 * See man/anpr-capture.1.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "anpr_image.h"
#include "anprcap.h"

static volatile sig_atomic_t stop_now;

static void on_signal(int sig)
{
	(void)sig;
	stop_now = 1;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: anpr-capture --list\n"
		"       anpr-capture SOURCE [--frames N] [--out DIR] [options]\n"
		"SOURCE: v4l2:/dev/videoN | usb:VID:PID[:SERIAL] | libcamera:ID | file:PATH |\n"
		"        rtsp://HOST[:PORT]/PATH[#credentials=FILE]\n"
		"options:\n"
		"  -n, --frames N      stop after N frames (default: until the end)\n"
		"  -o, --out DIR       save frames there (GREY as PGM, others raw)\n"
		"  -f, --format FOURCC ask for a pixel format (GREY, Y16, YUYV, NV12)\n"
		"  -s, --size WxH      ask for a size (required for raw files)\n"
		"  -r, --fps N[/D]     ask for a frame rate (file: replay rate)\n"
		"  -b, --buffers N     buffers in flight (2..32, default 4)\n"
		"  -t, --timeout MS    give up waiting for a frame after MS (default 5000)\n"
		"      --fast          file: replay as fast as possible\n"
		"      --loop          file: start again at the end\n"
		"      --dmabuf        export buffers as DMABUF (V4L2)\n"
		"      --hold MS       keep each frame MS before releasing (simulate a slow consumer)\n"
		"      --keep-going    a live source that reconnects (rtsp): report a timeout or a\n"
		"                      refusal and wait on (exit status 5 at the end)\n"
		"  -q, --quiet         no per-frame lines\n"
		"  -l, --list          list the sources present\n");
}

static int parse_u32(const char *s, uint32_t *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || v > 0xffffffffUL)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

static int do_list(void)
{
	struct anprcap_source_info *l;
	size_t n;

	if (anprcap_list(&l, &n) < 0) {
		fprintf(stderr, "anpr-capture: %s\n", anprcap_last_error());
		return 1;
	}
	for (size_t i = 0; i < n; i++)
		printf("%-32s %-10s %s\n", l[i].uri, l[i].backend, l[i].name);
	if (!n)
		printf("no capture sources found\n");
	anprcap_free_list(l, n);
	return 0;
}

static const char *ts_name(enum anprcap_ts_source s)
{
	switch (s) {
	case ANPRCAP_TS_SOE: return "soe";
	case ANPRCAP_TS_EOF: return "eof";
	case ANPRCAP_TS_HOST: return "host";
	case ANPRCAP_TS_SYNTHETIC: return "synthetic";
	default: return "unknown";
	}
}

/* An RTSP frame's capture time, its quality and the outages so far. */
static void rtsp_meta_str(const struct anprcap_rtsp_meta *m, char *out, size_t len)
{
	static const char *const clock[] = { "?", "synchronised", "estimated", "receive-time" };

	snprintf(out, len, " clock=%s camera_utc=%" PRId64 ".%09" PRId64 " receive_utc=%" PRId64
		 ".%09" PRId64 "%s%s%s reconnects=%" PRIu32 " gap_ms=%" PRIu64 " lost_ms=%" PRIu64,
		 m->clock < 4 ? clock[m->clock] : "?", m->camera_utc_ns / 1000000000,
		 m->camera_utc_ns % 1000000000, m->receive_utc_ns / 1000000000,
		 m->receive_utc_ns % 1000000000,
		 m->flags & ANPRCAP_RTSP_FL_ONVIF ? " onvif" : "",
		 m->flags & ANPRCAP_RTSP_FL_CLOCKS_DISAGREE ? " clocks-disagree" : "",
		 m->flags & ANPRCAP_RTSP_FL_RECONNECTED ? " reconnected" : "", m->reconnects,
		 m->gap_ns / 1000000, m->lost_ns / 1000000);
}

static int save_frame(const char *dir, const struct anprcap_frame *fr)
{
	char path[4096], err[512];

	if (fr->format == ANPRCAP_FMT_GREY) {
		struct anpr_image img = {
			.data = (uint8_t *)fr->data, .width = (int)fr->width,
			.height = (int)fr->height, .stride = fr->stride,
		};

		snprintf(path, sizeof(path), "%s/frame-%06" PRIu64 ".pgm", dir, fr->sequence);
		if (anpr_image_save_pgm(&img, path, err, sizeof(err)) < 0) {
			fprintf(stderr, "anpr-capture: %s\n", err);
			return -1;
		}
		return 0;
	}
	snprintf(path, sizeof(path), "%s/frame-%06" PRIu64 ".raw", dir, fr->sequence);
	FILE *f = fopen(path, "wb");

	if (!f || fwrite(fr->data, 1, fr->bytes, f) != fr->bytes) {
		fprintf(stderr, "anpr-capture: %s: cannot write: %s\n", path, strerror(errno));
		if (f)
			fclose(f);
		return -1;
	}
	if (fclose(f)) {
		fprintf(stderr, "anpr-capture: %s: cannot write: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	enum { O_FAST = 256, O_LOOP, O_DMABUF, O_HOLD, O_KEEP_GOING };
	static const struct option opts[] = {
		{ "list", no_argument, NULL, 'l' },
		{ "frames", required_argument, NULL, 'n' },
		{ "out", required_argument, NULL, 'o' },
		{ "format", required_argument, NULL, 'f' },
		{ "size", required_argument, NULL, 's' },
		{ "fps", required_argument, NULL, 'r' },
		{ "buffers", required_argument, NULL, 'b' },
		{ "timeout", required_argument, NULL, 't' },
		{ "fast", no_argument, NULL, O_FAST },
		{ "loop", no_argument, NULL, O_LOOP },
		{ "dmabuf", no_argument, NULL, O_DMABUF },
		{ "hold", required_argument, NULL, O_HOLD },
		{ "keep-going", no_argument, NULL, O_KEEP_GOING },
		{ "quiet", no_argument, NULL, 'q' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	uint32_t frames = 0, fmt = 0, w = 0, h = 0, fn = 0, fd = 0, buffers = 0;
	uint32_t timeout = 5000, hold = 0;
	int list = 0, fast = 0, loop = 0, dmabuf = 0, quiet = 0, keep_going = 0, c, rc, status = 0;
	const char *out = NULL, *uri;
	anprcap_source *src;
	uint64_t got = 0;

	while ((c = getopt_long(argc, argv, "ln:o:f:s:r:b:t:qh", opts, NULL)) != -1) {
		switch (c) {
		case 'l': list = 1; break;
		case O_KEEP_GOING: keep_going = 1; break;
		case 'n':
			if (parse_u32(optarg, &frames) || !frames) {
				fprintf(stderr, "anpr-capture: --frames %s: want a positive number\n", optarg);
				return 2;
			}
			break;
		case 'o': out = optarg; break;
		case 'f':
			if (strlen(optarg) < 1 || strlen(optarg) > 4) {
				fprintf(stderr, "anpr-capture: --format %s: want a FourCC such as GREY\n", optarg);
				return 2;
			} else {
				char cc[4] = { ' ', ' ', ' ', ' ' };

				for (size_t i = 0; optarg[i]; i++)
					cc[i] = optarg[i];
				fmt = ANPRCAP_FOURCC(cc[0], cc[1], cc[2], cc[3]);
			}
			break;
		case 's':
			if (sscanf(optarg, "%ux%u", &w, &h) != 2 || !w || !h) {
				fprintf(stderr, "anpr-capture: --size %s: want WIDTHxHEIGHT\n", optarg);
				return 2;
			}
			break;
		case 'r': {
			char *slash = strchr(optarg, '/');

			fd = 1;
			if (slash)
				*slash = 0;
			if (parse_u32(optarg, &fn) || !fn || (slash && (parse_u32(slash + 1, &fd) || !fd))) {
				fprintf(stderr, "anpr-capture: --fps: want N or N/D\n");
				return 2;
			}
			break;
		}
		case 'b':
			if (parse_u32(optarg, &buffers)) {
				fprintf(stderr, "anpr-capture: --buffers %s: want a number\n", optarg);
				return 2;
			}
			break;
		case 't':
			if (parse_u32(optarg, &timeout) || timeout > 3600000) {
				fprintf(stderr, "anpr-capture: --timeout %s: want milliseconds\n", optarg);
				return 2;
			}
			break;
		case O_HOLD:
			if (parse_u32(optarg, &hold) || hold > 60000) {
				fprintf(stderr, "anpr-capture: --hold %s: want milliseconds\n", optarg);
				return 2;
			}
			break;
		case O_FAST: fast = 1; break;
		case O_LOOP: loop = 1; break;
		case O_DMABUF: dmabuf = 1; break;
		case 'q': quiet = 1; break;
		case 'V':
			printf("%s %s\n", "anpr-capture", ANPR_VERSION);
			return 0;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (list)
		return do_list();
	if (optind != argc - 1) {
		usage(stderr);
		return 2;
	}
	uri = argv[optind];
	if (out && mkdir(out, 0755) < 0 && errno != EEXIST) {
		fprintf(stderr, "anpr-capture: %s: cannot create: %s\n", out, strerror(errno));
		return 1;
	}

	if (anprcap_open(uri, &src) < 0) {
		fprintf(stderr, "anpr-capture: %s\n", anprcap_last_error());
		return 1;
	}
	if ((fmt || w || fn) && anprcap_configure(src, fmt, w, h, fn, fd) < 0)
		goto fail;
	if (buffers && anprcap_set_option(src, ANPRCAP_OPT_BUFFERS, buffers) < 0)
		goto fail;
	if (fast && anprcap_set_option(src, ANPRCAP_OPT_REPLAY, ANPRCAP_REPLAY_FAST) < 0)
		goto fail;
	if (loop && anprcap_set_option(src, ANPRCAP_OPT_LOOP, 1) < 0)
		goto fail;
	if (dmabuf && anprcap_set_option(src, ANPRCAP_OPT_DMABUF, 1) < 0)
		goto fail;
	if (anprcap_start(src) < 0)
		goto fail;
	{
		uint32_t f, fw, fh, rn, rd;
		char cc[5];

		anprcap_get_format(src, &f, &fw, &fh, &rn, &rd);
		if (f)
			fprintf(stderr, "anpr-capture: %s (%s): %s %ux%u at %u/%u fps\n", uri,
				anprcap_backend(src), anprcap_fourcc_str(f, cc), fw, fh, rn, rd);
		else
			fprintf(stderr, "anpr-capture: %s (%s): format chosen by the device\n", uri,
				anprcap_backend(src));
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	while (!stop_now && (!frames || got < frames)) {
		const struct anprcap_frame *fr;
		char cc[5];

		rc = anprcap_next_frame(src, (int)timeout, &fr);
		if (rc == ANPRCAP_E_EOF) {
			if (frames) {
				fprintf(stderr, "anpr-capture: %s: ended after %" PRIu64 " of %u frames\n",
					uri, got, frames);
				status = 3;
			}
			break;
		}
		if (keep_going && (rc == ANPRCAP_E_TIMEOUT || rc == ANPRCAP_E_ACCESS)) {
			/* a live source that reconnects: report and wait on */
			fprintf(stderr, "anpr-capture: %s\n", anprcap_last_error());
			status = 5;
			continue;
		}
		if (rc == ANPRCAP_E_CORRUPT) {
			/* one bad frame in a recording: report it and go on */
			fprintf(stderr, "anpr-capture: %s\n", anprcap_last_error());
			status = 4;
			continue;
		}
		if (rc < 0)
			goto fail;
		got++;
		if (!quiet)
		{
			char mc[5], extra[256] = "";

			if (fr->dmabuf_fd >= 0)
				snprintf(extra, sizeof(extra), " dmabuf=%d", fr->dmabuf_fd);
			if (fr->meta_format == ANPRCAP_META_RTSP &&
			    fr->meta_bytes >= sizeof(struct anprcap_rtsp_meta))
				rtsp_meta_str(fr->meta, extra, sizeof(extra));
			printf("seq=%" PRIu64 " ts=%" PRIu64 ".%09" PRIu64 " ts_src=%s size=%ux%u fmt=%s stride=%zu bytes=%zu drops=%u%s%s%s\n",
			       fr->sequence, fr->timestamp_ns / 1000000000u,
			       fr->timestamp_ns % 1000000000u, ts_name(fr->ts_source), fr->width,
			       fr->height, anprcap_fourcc_str(fr->format, cc), fr->stride,
			       fr->bytes, fr->drops, fr->meta ? " meta=" : "",
			       fr->meta ? anprcap_fourcc_str(fr->meta_format, mc) : "", extra);
		}
		fflush(stdout);
		if (out && save_frame(out, fr) < 0) {
			anprcap_release_frame(src, fr);
			anprcap_close(src);
			return 1;
		}
		if (hold) {
			struct timespec ts = { hold / 1000, (long)(hold % 1000) * 1000000L };

			nanosleep(&ts, NULL);
		}
		anprcap_release_frame(src, fr);
	}
	anprcap_close(src);
	return status;
fail:
	fprintf(stderr, "anpr-capture: %s\n", anprcap_last_error());
	anprcap_close(src);
	return 1;
}
