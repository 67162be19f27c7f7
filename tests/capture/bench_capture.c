/* SPDX-License-Identifier: MIT */
/*
 * anprcap-bench - per-frame overhead of libanprcap over raw access, for
 * 1920x1080 GREY frames, and proof that frames are not copied.
 *
 *   anprcap-bench file [FRAMES]        raw file: mmap + pointer walk vs the
 *                                      file backend (fast replay, loop)
 *   anprcap-bench v4l2 DEV [FRAMES]    raw V4L2 mmap streaming vs the V4L2
 *                                      backend: time to take a ready frame
 *                                      and give it back (waiting excluded)
 *
 * "No copy" is checked, not assumed: the frame's pixels must lie in a
 * mapping of the file or device node (from /proc/self/maps).
 * Output: "<figure>: <value> <unit>  (target < 20 us)  OK|MISS".
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include <linux/videodev2.h>

#include "anprcap.h"

#define W 1920
#define H 1080
#define TARGET_US 20.0

static double wall_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* Does addr lie in a mapping whose path contains `what`? */
static int mapped_from(const void *addr, const char *what)
{
	FILE *f = fopen("/proc/self/maps", "r");
	char line[1024];
	int ok = 0;

	if (!f)
		return 0;
	while (!ok && fgets(line, sizeof(line), f)) {
		unsigned long lo, hi;

		if (sscanf(line, "%lx-%lx", &lo, &hi) == 2 && (unsigned long)addr >= lo &&
		    (unsigned long)addr < hi && strstr(line, what))
			ok = 1;
	}
	fclose(f);
	return ok;
}

static void report(const char *what, double us, int nocopy)
{
	printf("per-frame overhead (%s, 1920x1080 GREY): %.3f us  (target < %.0f us)  %s\n", what,
	       us, TARGET_US, us < TARGET_US && nocopy ? "OK" : "MISS");
	printf("frames not copied (%s): %s  (target yes)  %s\n", what, nocopy ? "yes" : "no",
	       nocopy ? "OK" : "MISS");
}

static int bench_file(long frames)
{
	const size_t fs = (size_t)W * H;
	const int nfile = 8;
	char path[] = "/tmp/anprcap-bench-XXXXXX";
	const struct anprcap_frame *fr;
	volatile unsigned sink = 0;
	anprcap_source *src;
	double t0, raw, lib;
	uint8_t *map, *buf;
	char uri[64];
	int fd, nocopy;

	fd = mkstemp(path);
	if (fd < 0) {
		perror("anprcap-bench: mkstemp");
		return 1;
	}
	buf = malloc(fs);
	if (!buf)
		return 1;
	for (int i = 0; i < nfile; i++) {
		memset(buf, i * 20, fs);
		if (write(fd, buf, fs) != (ssize_t)fs) {
			perror("anprcap-bench: write");
			return 1;
		}
	}
	free(buf);
	/* raw access: map the file and walk frame pointers, touching a byte each */
	map = mmap(NULL, fs * nfile, PROT_READ, MAP_PRIVATE, fd, 0);
	if (map == MAP_FAILED)
		return 1;
	for (int i = 0; i < nfile; i++)
		sink += map[(size_t)i * fs];	/* fault the pages in, like the library will */
	t0 = wall_s();
	for (long i = 0; i < frames; i++)
		sink += map[(size_t)(i % nfile) * fs + ((size_t)i & 4095)];
	raw = wall_s() - t0;

	snprintf(uri, sizeof(uri), "file:%s", path);
	if (anprcap_open(uri, &src) || anprcap_configure(src, ANPRCAP_FMT_GREY, W, H, 0, 0) ||
	    anprcap_set_option(src, ANPRCAP_OPT_REPLAY, ANPRCAP_REPLAY_FAST) ||
	    anprcap_set_option(src, ANPRCAP_OPT_LOOP, 1) || anprcap_start(src)) {
		fprintf(stderr, "anprcap-bench: %s\n", anprcap_last_error());
		return 1;
	}
	for (int i = 0; i < nfile; i++) {	/* warm up, same as above */
		anprcap_next_frame(src, 0, &fr);
		sink += fr->data[0];
		anprcap_release_frame(src, fr);
	}
	anprcap_next_frame(src, 0, &fr);
	nocopy = mapped_from(fr->data, path) && fr->bytes == fs;
	anprcap_release_frame(src, fr);
	t0 = wall_s();
	for (long i = 0; i < frames; i++) {
		if (anprcap_next_frame(src, 0, &fr)) {
			fprintf(stderr, "anprcap-bench: %s\n", anprcap_last_error());
			return 1;
		}
		sink += fr->data[(size_t)i & 4095];
		anprcap_release_frame(src, fr);
	}
	lib = wall_s() - t0;
	anprcap_close(src);
	munmap(map, fs * nfile);
	close(fd);
	unlink(path);
	printf("file backend: %ld frames, raw pointer walk %.1f ns/frame, library %.1f ns/frame\n",
	       frames, raw * 1e9 / frames, lib * 1e9 / frames);
	report("file/raw backend", (lib - raw) * 1e6 / frames, nocopy);
	return 0;
}

/* ---- raw V4L2 for comparison ---- */
static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Median of n samples (sorts them): robust against emulator hiccups. */
static double median(double *v, long n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static int raw_v4l2(const char *dev, long frames, double *cpu)
/* cpu: median seconds spent taking and returning one frame */
{
	struct v4l2_format f = { .type = V4L2_BUF_TYPE_VIDEO_CAPTURE };
	struct v4l2_requestbuffers req = { .count = 4, .type = V4L2_BUF_TYPE_VIDEO_CAPTURE,
					   .memory = V4L2_MEMORY_MMAP };
	int type = V4L2_BUF_TYPE_VIDEO_CAPTURE, fd = open(dev, O_RDWR | O_NONBLOCK);
	void *ptr[4];
	size_t len[4];
	volatile unsigned sink = 0;
	double t0;

	if (fd < 0 || ioctl(fd, VIDIOC_G_FMT, &f))
		return -1;
	f.fmt.pix.pixelformat = V4L2_PIX_FMT_GREY;
	f.fmt.pix.width = W;
	f.fmt.pix.height = H;
	if (ioctl(fd, VIDIOC_S_FMT, &f) || ioctl(fd, VIDIOC_REQBUFS, &req) || req.count > 4)
		return -1;
	for (unsigned i = 0; i < req.count; i++) {
		struct v4l2_buffer b = { .type = req.type, .memory = req.memory, .index = i };

		if (ioctl(fd, VIDIOC_QUERYBUF, &b))
			return -1;
		len[i] = b.length;
		ptr[i] = mmap(NULL, b.length, PROT_READ | PROT_WRITE, MAP_SHARED, fd, b.m.offset);
		if (ptr[i] == MAP_FAILED || ioctl(fd, VIDIOC_QBUF, &b))
			return -1;
	}
	if (ioctl(fd, VIDIOC_STREAMON, &type))
		return -1;
	double *t = calloc((size_t)frames, sizeof(*t));

	if (!t)
		return -1;
	for (long n = 0; n < frames;) {
		struct v4l2_buffer b = { .type = req.type, .memory = req.memory };
		struct pollfd p = { fd, POLLIN, 0 };

		/* wait outside the measurement: time only taking a ready frame */
		if (poll(&p, 1, 2000) != 1)
			return -1;
		t0 = wall_s();
		if (ioctl(fd, VIDIOC_DQBUF, &b) == 0) {
			sink += ((uint8_t *)ptr[b.index])[n & 4095];
			ioctl(fd, VIDIOC_QBUF, &b);
			t[n] = wall_s() - t0;
			n++;
		} else if (errno != EAGAIN) {
			return -1;
		}
	}
	*cpu = median(t, frames);
	free(t);
	ioctl(fd, VIDIOC_STREAMOFF, &type);
	for (unsigned i = 0; i < req.count; i++)
		munmap(ptr[i], len[i]);
	close(fd);
	return 0;
}

static int bench_v4l2(const char *dev, long frames)
{
	const struct anprcap_frame *fr;
	volatile unsigned sink = 0;
	anprcap_source *src;
	double raw, t0, lib;
	char uri[300], real[300];
	int nocopy = 1;
	ssize_t rl;

	if (raw_v4l2(dev, frames, &raw)) {
		fprintf(stderr, "anprcap-bench: %s: raw V4L2 1920x1080 GREY streaming failed: %s\n",
			dev, strerror(errno));
		return 1;
	}
	snprintf(uri, sizeof(uri), "v4l2:%s", dev);
	if (anprcap_open(uri, &src) || anprcap_configure(src, ANPRCAP_FMT_GREY, W, H, 0, 0) ||
	    anprcap_set_option(src, ANPRCAP_OPT_META, 0) ||
	    anprcap_set_option(src, ANPRCAP_OPT_DMABUF, 1) || anprcap_start(src)) {
		fprintf(stderr, "anprcap-bench: %s\n", anprcap_last_error());
		return 1;
	}
	rl = readlink(dev, real, sizeof(real) - 1);
	if (rl > 0)
		real[rl] = 0;
	else
		snprintf(real, sizeof(real), "%s", dev);
	if (anprcap_next_frame(src, 2000, &fr)) {
		fprintf(stderr, "anprcap-bench: %s\n", anprcap_last_error());
		return 1;
	}
	nocopy = mapped_from(fr->data, strrchr(real, '/') ? strrchr(real, '/') + 1 : real) &&
		 fr->width == W && fr->height == H;
	{
		/* the exported DMABUF is the same memory: map it and compare */
		void *d = fr->dmabuf_fd >= 0
			? mmap(NULL, fr->bytes, PROT_READ, MAP_SHARED, fr->dmabuf_fd, 0) : MAP_FAILED;
		int same = d != MAP_FAILED && memcmp(d, fr->data, fr->bytes) == 0;

		printf("dmabuf export of a frame holds its pixels: %s  (target yes)  %s\n",
		       same ? "yes" : "no", same ? "OK" : "MISS");
		if (d != MAP_FAILED)
			munmap(d, fr->bytes);
	}
	anprcap_release_frame(src, fr);
	double *t = calloc((size_t)frames, sizeof(*t));

	if (!t)
		return 1;
	for (long n = 0; n < frames; n++) {
		struct pollfd p = { anprcap_get_fd(src), POLLIN, 0 };

		if (poll(&p, 1, 2000) != 1) {
			fprintf(stderr, "anprcap-bench: %s: no frame within 2 s\n", dev);
			return 1;
		}
		t0 = wall_s();
		if (anprcap_next_frame(src, 0, &fr)) {
			fprintf(stderr, "anprcap-bench: %s\n", anprcap_last_error());
			return 1;
		}
		sink += fr->data[n & 4095];
		anprcap_release_frame(src, fr);
		t[n] = wall_s() - t0;
	}
	lib = median(t, frames);
	free(t);
	anprcap_close(src);
	printf("v4l2 %s: %ld ready frames taken and returned, median: raw ioctls %.1f us, library %.1f us\n",
	       dev, frames, raw * 1e6, lib * 1e6);
	report("v4l2 backend", (lib - raw) * 1e6, nocopy);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "file"))
		return bench_file(argc > 2 ? atol(argv[2]) : 2000000);
	if (argc >= 3 && !strcmp(argv[1], "v4l2"))
		return bench_v4l2(argv[2], argc > 3 ? atol(argv[3]) : 100);
	fprintf(stderr, "usage: anprcap-bench file [FRAMES] | v4l2 DEV [FRAMES]\n");
	return 2;
}
