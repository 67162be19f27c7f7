/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of libanprcap through its public API with the file backend:
 * frames identical to what was written, monotonic sequences and synthetic
 * timestamps, drops when the consumer is slow (injected clock), bad URIs
 * and corrupt files, state errors. Test inputs are generated here.
 */
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "anpr_image.h"
#include "anprcap.h"

#define MS 1000000ull
#define W 64
#define H 48

static char tmpdir[64];

/* ---- a fake clock: sleeping advances time ---- */
struct fake_clock { uint64_t t; unsigned sleeps; };

static uint64_t fake_now(void *ctx)
{
	return ((struct fake_clock *)ctx)->t;
}

static void fake_sleep(void *ctx, uint64_t t)
{
	struct fake_clock *c = ctx;

	c->sleeps++;
	if (t > c->t)
		c->t = t;
}

/* ---- inputs ---- */

static uint8_t pix(unsigned frame, unsigned x, unsigned y)
{
	return (uint8_t)(frame * 37 + x * 3 + y * 7);
}

static char *path_in(const char *name)
{
	static char p[4][256];
	static int k;

	k = (k + 1) % 4;
	snprintf(p[k], sizeof(p[k]), "%s/%s", tmpdir, name);
	return p[k];
}

static void write_file(const char *path, const void *buf, size_t len)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(buf, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

/* A y4m file: nframes of pix() luma; chroma filled with 0x80. */
static void write_y4m(const char *path, const char *cs, unsigned nframes, int truncate_last)
{
	FILE *f = fopen(path, "wb");
	size_t chroma = !strcmp(cs, "mono") ? 0 : 2 * (W / 2) * (H / 2);

	assert_non_null(f);
	fprintf(f, "YUV4MPEG2 W%d H%d F10:1 Ip A1:1 C%s\n", W, H, cs);
	for (unsigned i = 0; i < nframes; i++) {
		fprintf(f, i % 2 ? "FRAME Ixyz\n" : "FRAME\n");
		for (unsigned y = 0; y < H; y++)
			for (unsigned x = 0; x < W; x++)
				fputc(pix(i, x, y), f);
		for (size_t c = 0; c < chroma; c++)
			fputc(0x80, f);
	}
	if (truncate_last)
		fprintf(f, "FRAME\nshort");
	assert_int_equal(fclose(f), 0);
}

static void check_frame(const struct anprcap_frame *fr, unsigned content)
{
	assert_int_equal(fr->format, ANPRCAP_FMT_GREY);
	assert_int_equal(fr->width, W);
	assert_int_equal(fr->height, H);
	assert_true(fr->stride >= W);
	for (unsigned y = 0; y < H; y++)
		for (unsigned x = 0; x < W; x++)
			if (fr->data[y * fr->stride + x] != pix(content, x, y))
				fail_msg("frame %u pixel (%u,%u) = %u, want %u", content, x, y,
					 fr->data[y * fr->stride + x], pix(content, x, y));
}

static int setup(void **state)
{
	(void)state;
	strcpy(tmpdir, "/tmp/anprcap-test-XXXXXX");
	assert_non_null(mkdtemp(tmpdir));
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	return system(cmd);
}

static anprcap_source *open_ok(const char *uri)
{
	anprcap_source *s = NULL;
	int rc = anprcap_open(uri, &s);

	if (rc)
		fail_msg("open %s: %d %s", uri, rc, anprcap_last_error());
	return s;
}

static char *uri_of(const char *path)
{
	static char u[2][300];
	static int k;

	k ^= 1;
	snprintf(u[k], sizeof(u[k]), "file:%s", path);
	return u[k];
}

/* ---- tests ---- */

static void bad_uris(void **state)
{
	static const struct { const char *uri; int code; const char *msg; } cases[] = {
		{ "", ANPRCAP_E_INVAL, "empty URI" },
		{ "/dev/video0", ANPRCAP_E_INVAL, "/dev/video0: not a source URI" },
		{ "ftp://cam", ANPRCAP_E_INVAL, "unknown URI scheme 'ftp'" },
		{ "ftp://user:secret@cam/x", ANPRCAP_E_INVAL, "ftp://***@cam/x: unknown URI scheme" },
		{ "rtsp:cam", ANPRCAP_E_INVAL, "rtsp:cam: expected rtsp://HOST[:PORT]/PATH" },
		{ "rtsp://user:secret@cam/x", ANPRCAP_E_INVAL,
		  "rtsp://***@cam/x: user name or password in the URI: give them in a file" },
		{ "rtsps://secret@cam/x", ANPRCAP_E_INVAL, "rtsps://***@cam/x: user name" },
		{ "rtsp://cam/x#latency=abc", ANPRCAP_E_INVAL,
		  "rtsp://cam/x: latency 'abc': milliseconds, 0 to 10000" },
		{ "rtsp://cam/x#colour=red", ANPRCAP_E_INVAL, "rtsp://cam/x: unknown option 'colour'" },
		{ "rtsp://cam/x#credentials=/nonexistent/cam.cred", ANPRCAP_E_ACCESS,
		  "rtsp://cam/x: /nonexistent/cam.cred: cannot open the credentials file: No such file" },
		{ "file:", ANPRCAP_E_INVAL, "nothing after 'file:'" },
		{ "file:/nonexistent/anprcap/x.y4m", ANPRCAP_E_NOENT,
		  "/nonexistent/anprcap/x.y4m: No such file or directory" },
		{ "v4l2:/nonexistent/video0", ANPRCAP_E_NOENT,
		  "/nonexistent/video0: cannot open: No such file or directory" },
		{ "v4l2:/dev/null", ANPRCAP_E_UNSUPPORTED, "/dev/null: not a V4L2 device" },
		{ "usb:1d6b", ANPRCAP_E_INVAL, "usb:1d6b: expected usb:VID:PID[:SERIAL]" },
		{ "usb:1d6b:01045", ANPRCAP_E_INVAL, "expected usb:VID:PID[:SERIAL]" },
		{ "usb:1d6b:0104:", ANPRCAP_E_INVAL, "expected usb:VID:PID[:SERIAL]" },
	};
	anprcap_source *s = (void *)1;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int rc = anprcap_open(cases[i].uri, &s);

		/* never a password in a message */
		assert_null(strstr(anprcap_last_error(), "secret"));
		/* a build without libusb or GStreamer names the backend instead */
		if (rc == ANPRCAP_E_NOTBUILT && (!strncmp(cases[i].uri, "usb:", 4) ||
						 !strncmp(cases[i].uri, "rtsp", 4))) {
			assert_non_null(strstr(anprcap_last_error(), "backend is not built"));
			continue;
		}
		assert_int_equal(rc, cases[i].code);
		assert_null(s);
		if (!strstr(anprcap_last_error(), cases[i].msg))
			fail_msg("%s: message '%s' lacks '%s'", cases[i].uri, anprcap_last_error(),
				 cases[i].msg);
	}
	assert_int_equal(anprcap_open(NULL, &s), ANPRCAP_E_INVAL);
	assert_int_equal(anprcap_open("file:/", NULL), ANPRCAP_E_INVAL);
	assert_string_equal(anprcap_strerror(ANPRCAP_E_NODEV), "device gone");
	assert_string_equal(anprcap_strerror(12345), "unknown error");
}

static void y4m_frames_identical_fast(void **state)
{
	const char *p = path_in("mono.y4m");
	const struct anprcap_frame *fr;
	struct fake_clock clk = { .t = 5 * MS };
	struct anprcap_clock c = { fake_now, fake_sleep, &clk };
	uint32_t fmt, w, h, fn, fd;
	anprcap_source *s;

	(void)state;
	write_y4m(p, "mono", 5, 0);
	s = open_ok(uri_of(p));
	assert_string_equal(anprcap_backend(s), "file");
	assert_int_equal(anprcap_get_format(s, &fmt, &w, &h, &fn, &fd), 0);
	assert_int_equal(fmt, ANPRCAP_FMT_GREY);
	assert_int_equal(w, W);
	assert_int_equal(h, H);
	assert_int_equal(fn, 10);
	assert_int_equal(fd, 1);
	assert_int_equal(anprcap_set_clock(s, &c), 0);
	assert_int_equal(anprcap_set_option(s, ANPRCAP_OPT_REPLAY, ANPRCAP_REPLAY_FAST), 0);
	assert_int_equal(anprcap_start(s), 0);
	for (unsigned i = 0; i < 5; i++) {
		assert_int_equal(anprcap_next_frame(s, 0, &fr), 0);
		check_frame(fr, i);
		assert_int_equal(fr->sequence, i);
		assert_int_equal(fr->timestamp_ns, 5 * MS + i * 100 * MS);
		assert_int_equal(fr->ts_source, ANPRCAP_TS_SYNTHETIC);
		assert_int_equal(fr->drops, 0);
		assert_int_equal(fr->bytes, (size_t)W * H);
		assert_null(fr->meta);
		assert_int_equal(fr->dmabuf_fd, -1);
		anprcap_release_frame(s, fr);
	}
	assert_int_equal(clk.sleeps, 0);
	assert_int_equal(anprcap_next_frame(s, 0, &fr), ANPRCAP_E_EOF);
	assert_null(fr);
	assert_non_null(strstr(anprcap_last_error(), "end of recording (5 frames)"));
	assert_int_equal(anprcap_next_frame(s, 0, &fr), ANPRCAP_E_EOF);
	anprcap_close(s);
}

static void y4m_420_delivers_luma(void **state)
{
	const char *p = path_in("c420.y4m");
	const struct anprcap_frame *fr;
	anprcap_source *s;

	(void)state;
	write_y4m(p, "420jpeg", 3, 0);
	s = open_ok(uri_of(p));
	assert_int_equal(anprcap_set_option(s, ANPRCAP_OPT_REPLAY, ANPRCAP_REPLAY_FAST), 0);
	assert_int_equal(anprcap_start(s), 0);
	for (unsigned i = 0; i < 3; i++) {
		assert_int_equal(anprcap_next_frame(s, 1000, &fr), 0);
		check_frame(fr, i);
		anprcap_release_frame(s, fr);
	}
	assert_int_equal(anprcap_next_frame(s, 1000, &fr), ANPRCAP_E_EOF);
	anprcap_close(s);
}

static void y4m_truncated_tail_is_corrupt(void **state)
{
	const char *p = path_in("trunc.y4m");
	const struct anprcap_frame *fr;
	anprcap_source *s;

	(void)state;
	write_y4m(p, "mono", 2, 1);
	s = open_ok(uri_of(p));
	anprcap_set_option(s, ANPRCAP_OPT_REPLAY, ANPRCAP_REPLAY_FAST);
	assert_int_equal(anprcap_start(s), 0);
	for (unsigned i = 0; i < 2; i++) {
		assert_int_equal(anprcap_next_frame(s, 0, &fr), 0);
		check_frame(fr, i);
		anprcap_release_frame(s, fr);
	}
	assert_int_equal(anprcap_next_frame(s, 0, &fr), ANPRCAP_E_CORRUPT);
	assert_non_null(strstr(anprcap_last_error(), p));
	assert_non_null(strstr(anprcap_last_error(), "frame 2"));
	assert_non_null(strstr(anprcap_last_error(), "truncated: 5 of 3072 bytes"));
	assert_int_equal(anprcap_next_frame(s, 0, &fr), ANPRCAP_E_EOF);
	anprcap_close(s);
}

static void y4m_bad_header_names_file(void **state)
{
	const char *p = path_in("bad.y4m");
	const char *q = path_in("bad2.y4m");
	anprcap_source *s = NULL;

	(void)state;
	write_file(p, "YUV4MPEG2 W64 Hxx\nFRAME\n", 24);
	assert_int_equal(anprcap_open(uri_of(p), &s), ANPRCAP_E_CORRUPT);
	assert_null(s);
	assert_non_null(strstr(anprcap_last_error(), p));
	assert_non_null(strstr(anprcap_last_error(), "bad height 'Hxx'"));
	write_file(q, "YUV4MPEG2 W64 H48 C420p10\n", 26);
	assert_int_equal(anprcap_open(uri_of(q), &s), ANPRCAP_E_CORRUPT);
	assert_non_null(strstr(anprcap_last_error(), "colour space '420p10' not supported"));
	/* not a frame header where one should be */
	write_file(q, "YUV4MPEG2 W2 H2 Cmono\nFRAME\nabcdJUNK\n", 37);
	s = open_ok(uri_of(q));
	anprcap_set_option(s, ANPRCAP_OPT_REPLAY, ANPRCAP_REPLAY_FAST);
	assert_int_equal(anprcap_start(s), 0);
	{
		const struct anprcap_frame *fr;

		assert_int_equal(anprcap_next_frame(s, 0, &fr), 0);
		assert_memory_equal(fr->data, "abcd", 4);
		anprcap_release_frame(s, fr);
		assert_int_equal(anprcap_next_frame(s, 0, &fr), ANPRCAP_E_CORRUPT);
		assert_non_null(strstr(anprcap_last_error(), "frame 1 at byte 32: frame header missing"));
	}
	anprcap_close(s);
}

static void write_raw(const char *path, unsigned nframes, size_t extra)
{
	size_t n = (size_t)W * H * nframes + extra;
	uint8_t *buf = malloc(n);

	assert_non_null(buf);
	for (unsigned i = 0; i < nframes; i++)
		for (unsigned y = 0; y < H; y++)
			for (unsigned x = 0; x < W; x++)
				buf[(size_t)i * W * H + y * W + x] = pix(i, x, y);
	memset(buf + (size_t)W * H * nframes, 1, extra);
	write_file(path, buf, n);
	free(buf);
}

static void raw_file_needs_format_then_replays(void **state)
{
	const char *p = path_in("cam.raw");
	const struct anprcap_frame *fr;
	anprcap_source *s;

	(void)state;
	write_raw(p, 4, 100);
	s = open_ok(uri_of(p));
	assert_int_equal(anprcap_start(s), ANPRCAP_E_INVAL);
	assert_non_null(strstr(anprcap_last_error(), "raw stream needs its format and size"));
	assert_int_equal(anprcap_configure(s, ANPRCAP_FOURCC('B', 'G', 'R', '3'), W, H, 0, 0),
			 ANPRCAP_E_UNSUPPORTED);
	assert_non_null(strstr(anprcap_last_error(), "raw format BGR3 not supported"));
	assert_int_equal(anprcap_configure(s, ANPRCAP_FMT_GREY, W, H, 30, 1), 0);
	assert_int_equal(anprcap_set_option(s, ANPRCAP_OPT_REPLAY, ANPRCAP_REPLAY_FAST), 0);
	assert_int_equal(anprcap_start(s), 0);
	assert_int_equal(anprcap_start(s), ANPRCAP_E_STATE);
	for (unsigned i = 0; i < 4; i++) {
		assert_int_equal(anprcap_next_frame(s, -1, &fr), 0);
		check_frame(fr, i);
		assert_int_equal(fr->sequence, i);
		anprcap_release_frame(s, fr);
	}
	assert_int_equal(anprcap_next_frame(s, -1, &fr), ANPRCAP_E_CORRUPT);
	assert_non_null(strstr(anprcap_last_error(), "frame 4 truncated: 100 of 3072 bytes"));
	anprcap_close(s);
}

static void raw_pipe_reads_sequentially(void **state)
{
	const struct anprcap_frame *fr;
	char uri[64];
	anprcap_source *s;
	int fds[2];
	pid_t pid;
	int st;

	(void)state;
	write_raw(path_in("pipe.raw"), 3, 0);
	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		FILE *f = fopen(path_in("pipe.raw"), "rb");
		char b[4096];
		size_t n;

		close(fds[0]);
		while (f && (n = fread(b, 1, 1000, f)) > 0)	/* small writes */
			if (write(fds[1], b, n) != (ssize_t)n)
				_exit(1);
		_exit(0);
	}
	close(fds[1]);
	snprintf(uri, sizeof(uri), "file:/dev/fd/%d", fds[0]);
	s = open_ok(uri);
	assert_int_equal(anprcap_configure(s, ANPRCAP_FMT_GREY, W, H, 0, 0), 0);
	assert_int_equal(anprcap_set_option(s, ANPRCAP_OPT_LOOP, 1), 0);
	assert_int_equal(anprcap_start(s), ANPRCAP_E_UNSUPPORTED);
	assert_non_null(strstr(anprcap_last_error(), "cannot loop over a pipe"));
	assert_int_equal(anprcap_set_option(s, ANPRCAP_OPT_LOOP, 0), 0);
	assert_int_equal(anprcap_set_option(s, ANPRCAP_OPT_REPLAY, ANPRCAP_REPLAY_FAST), 0);
	assert_int_equal(anprcap_start(s), 0);
	for (unsigned i = 0; i < 3; i++) {
		assert_int_equal(anprcap_next_frame(s, -1, &fr), 0);
		check_frame(fr, i);
		anprcap_release_frame(s, fr);
	}
	assert_int_equal(anprcap_next_frame(s, -1, &fr), ANPRCAP_E_EOF);
	anprcap_close(s);
	close(fds[0]);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_int_equal(st, 0);
}

static void y4m_pipe_truncated(void **state)
{
	const struct anprcap_frame *fr;
	char uri[64];
	anprcap_source *s;
	int fds[2];
	static const char data[] = "YUV4MPEG2 W2 H2 Cmono\nFRAME\nabcdFRAME\nab";

	(void)state;
	assert_int_equal(pipe(fds), 0);
	assert_int_equal(write(fds[1], data, sizeof(data) - 1), (ssize_t)sizeof(data) - 1);
	close(fds[1]);
	snprintf(uri, sizeof(uri), "file:/dev/fd/%d", fds[0]);
	s = open_ok(uri);
	anprcap_set_option(s, ANPRCAP_OPT_REPLAY, ANPRCAP_REPLAY_FAST);
	assert_int_equal(anprcap_start(s), 0);
	assert_int_equal(anprcap_next_frame(s, -1, &fr), 0);
	assert_memory_equal(fr->data, "abcd", 4);
	anprcap_release_frame(s, fr);
	assert_int_equal(anprcap_next_frame(s, -1, &fr), ANPRCAP_E_CORRUPT);
	assert_non_null(strstr(anprcap_last_error(), "frame 1 truncated: 2 of 4 bytes"));
	assert_int_equal(anprcap_next_frame(s, -1, &fr), ANPRCAP_E_EOF);
	anprcap_close(s);
	close(fds[0]);
}

static void image_dir_frames_and_corrupt_file(void **state)
{
	const char *d = path_in("imgs");
	struct anpr_image img = { 0 }, ref = { 0 };
	const struct anprcap_frame *fr;
	char err[256], p[300];
	anprcap_source *s;

	(void)state;
	assert_int_equal(mkdir(d, 0755), 0);
	assert_int_equal(anpr_image_alloc(&img, W, H), 0);
	for (unsigned i = 0; i < 4; i++) {
		for (unsigned y = 0; y < H; y++)
			for (unsigned x = 0; x < W; x++)
				img.data[y * img.stride + x] = pix(i, x, y);
		snprintf(p, sizeof(p), "%s/%u.pgm", d, i == 3 ? 10 : i);	/* 10 sorts after 2 */
		if (i != 2)
			assert_int_equal(anpr_image_save_pgm(&img, p, err, sizeof(err)), 0);
		else	/* frame 2: a JPEG, compared with its own decode */
			assert_int_equal(anpr_image_save_jpeg(&img, 90, p, err, sizeof(err)), 0);
	}
	snprintf(p, sizeof(p), "%s/3.pgm", d);	/* corrupt: header promises more */
	write_file(p, "P5\n64 48\n255\nxx", 15);
	snprintf(p, sizeof(p), "%s/.hidden", d);
	write_file(p, "x", 1);
	anpr_image_free(&img);

	s = open_ok(uri_of(d));
	anprcap_set_option(s, ANPRCAP_OPT_REPLAY, ANPRCAP_REPLAY_FAST);
	assert_int_equal(anprcap_start(s), 0);
	for (unsigned i = 0; i < 2; i++) {
		assert_int_equal(anprcap_next_frame(s, 0, &fr), 0);
		check_frame(fr, i);
		anprcap_release_frame(s, fr);
	}
	assert_int_equal(anprcap_next_frame(s, 0, &fr), 0);	/* 2.pgm, a JPEG */
	snprintf(p, sizeof(p), "%s/2.pgm", d);
	assert_int_equal(anpr_image_load(p, &ref, err, sizeof(err)), 0);
	for (int y = 0; y < H; y++)
		assert_memory_equal(fr->data + y * fr->stride, ref.data + y * ref.stride, W);
	anpr_image_free(&ref);
	anprcap_release_frame(s, fr);
	assert_int_equal(anprcap_next_frame(s, 0, &fr), ANPRCAP_E_CORRUPT);
	snprintf(p, sizeof(p), "%s/3.pgm", d);
	if (!strstr(anprcap_last_error(), p))
		fail_msg("message '%s' does not name %s", anprcap_last_error(), p);
	assert_int_equal(anprcap_next_frame(s, 0, &fr), 0);	/* 10.pgm */
	check_frame(fr, 3);
	assert_int_equal(fr->sequence, 4);
	assert_int_equal(fr->drops, 1);		/* the corrupt one */
	anprcap_release_frame(s, fr);
	assert_int_equal(anprcap_next_frame(s, 0, &fr), ANPRCAP_E_EOF);
	anprcap_close(s);

	/* one image file is a one-frame source */
	snprintf(p, sizeof(p), "file:%s/10.pgm", d);
	s = open_ok(p);
	assert_int_equal(anprcap_start(s), 0);
	assert_int_equal(anprcap_next_frame(s, -1, &fr), 0);
	check_frame(fr, 3);
	anprcap_release_frame(s, fr);
	assert_int_equal(anprcap_next_frame(s, -1, &fr), ANPRCAP_E_EOF);
	anprcap_close(s);
}

static void empty_and_bad_dirs(void **state)
{
	const char *d = path_in("empty");
	anprcap_source *s = NULL;
	char p[300];

	(void)state;
	assert_int_equal(mkdir(d, 0755), 0);
	assert_int_equal(anprcap_open(uri_of(d), &s), ANPRCAP_E_NOENT);
	assert_non_null(strstr(anprcap_last_error(), "directory holds no image files"));
	snprintf(p, sizeof(p), "%s/a.png", d);
	write_file(p, "\x89PNG\r\n\x1a\nnot really", 18);
	assert_int_equal(anprcap_open(uri_of(d), &s), ANPRCAP_E_CORRUPT);
	assert_non_null(strstr(anprcap_last_error(), p));
	assert_null(s);
}

static void realtime_pacing_and_drops(void **state)
{
	const char *p = path_in("rt.y4m");
	struct fake_clock clk = { .t = 1000 * MS };
	struct anprcap_clock c = { fake_now, fake_sleep, &clk };
	const struct anprcap_frame *fr;
	anprcap_source *s;

	(void)state;
	write_y4m(p, "mono", 30, 0);
	s = open_ok(uri_of(p));
	assert_int_equal(anprcap_configure(s, 0, 0, 0, 25, 1), 0);	/* 40 ms per frame */
	assert_int_equal(anprcap_set_clock(s, &c), 0);
	assert_int_equal(anprcap_set_option(s, ANPRCAP_OPT_BUFFERS, 4), 0);
	assert_int_equal(anprcap_start(s), 0);
	assert_int_equal(anprcap_set_clock(s, NULL), ANPRCAP_E_STATE);
	/* a prompt consumer gets every frame, sleeping until each is due */
	for (unsigned i = 0; i < 3; i++) {
		assert_int_equal(anprcap_next_frame(s, -1, &fr), 0);
		assert_int_equal(fr->sequence, i);
		assert_int_equal(fr->drops, 0);
		assert_int_equal(fr->timestamp_ns, 1000 * MS + i * 40 * MS);
		assert_int_equal(clk.t, 1000 * MS + i * 40 * MS);
		check_frame(fr, i);
		anprcap_release_frame(s, fr);
	}
	/* nothing due: poll and short timeouts time out */
	assert_int_equal(anprcap_next_frame(s, 0, &fr), ANPRCAP_E_TIMEOUT);
	assert_int_equal(anprcap_next_frame(s, 10, &fr), ANPRCAP_E_TIMEOUT);
	assert_int_equal(clk.t, 1090 * MS);
	assert_non_null(strstr(anprcap_last_error(), "no frame within 10 ms"));
	/* a slow consumer: 500 ms later frames 3..15 exist, the newest 4 kept */
	clk.t = 1600 * MS;
	assert_int_equal(anprcap_next_frame(s, 0, &fr), 0);
	assert_int_equal(fr->sequence, 12);
	assert_int_equal(fr->drops, 9);
	assert_int_equal(fr->timestamp_ns, 1000 * MS + 12 * 40 * MS);
	check_frame(fr, 12);
	{
		const struct anprcap_frame *f2;

		/* hold it and take the next: sequences and timestamps increase */
		assert_int_equal(anprcap_next_frame(s, 0, &f2), 0);
		assert_int_equal(f2->sequence, 13);
		assert_int_equal(f2->drops, 0);
		assert_true(f2->timestamp_ns > fr->timestamp_ns);
		assert_ptr_not_equal(f2->data, fr->data);
		anprcap_release_frame(s, f2);
	}
	anprcap_release_frame(s, fr);
	anprcap_release_frame(s, fr);	/* double release is harmless */
	assert_int_equal(anprcap_stop(s), 0);
	assert_int_equal(anprcap_next_frame(s, 0, &fr), ANPRCAP_E_STATE);
	assert_non_null(strstr(anprcap_last_error(), "not started"));
	anprcap_close(s);
}

static void busy_when_all_buffers_held(void **state)
{
	const char *p = path_in("busy.y4m");
	const struct anprcap_frame *fr[3];
	anprcap_source *s;

	(void)state;
	write_y4m(p, "mono", 5, 0);
	s = open_ok(uri_of(p));
	assert_int_equal(anprcap_set_option(s, ANPRCAP_OPT_BUFFERS, 1), ANPRCAP_E_INVAL);
	assert_non_null(strstr(anprcap_last_error(), "1 buffers: must be 2..32"));
	assert_int_equal(anprcap_set_option(s, ANPRCAP_OPT_BUFFERS, 2), 0);
	assert_int_equal(anprcap_set_option(s, ANPRCAP_OPT_REPLAY, 7), ANPRCAP_E_INVAL);
	assert_int_equal(anprcap_set_option(s, ANPRCAP_OPT_REPLAY, ANPRCAP_REPLAY_FAST), 0);
	assert_int_equal(anprcap_start(s), 0);
	assert_int_equal(anprcap_set_option(s, ANPRCAP_OPT_LOOP, 1), ANPRCAP_E_STATE);
	assert_int_equal(anprcap_next_frame(s, 0, &fr[0]), 0);
	assert_int_equal(anprcap_next_frame(s, 0, &fr[1]), 0);
	assert_int_equal(anprcap_next_frame(s, 0, &fr[2]), ANPRCAP_E_BUSY);
	assert_non_null(strstr(anprcap_last_error(), "all 2 buffers are held"));
	anprcap_release_frame(s, fr[0]);
	assert_int_equal(anprcap_next_frame(s, 0, &fr[2]), 0);
	assert_int_equal(fr[2]->sequence, 2);
	check_frame(fr[1], 1);	/* still valid while held */
	anprcap_release_frame(s, fr[1]);
	anprcap_release_frame(s, fr[2]);
	anprcap_close(s);	/* closes while streaming */
}

/* The null backend (the template of a new one): grey frames of the size
 * asked, paced, every op's contract kept (busy, stop, configure). */
static void null_backend_keeps_the_contract(void **state)
{
	const struct anprcap_frame *fr[3];
	anprcap_source *s = NULL;
	uint32_t fmt, w, h;

	(void)state;
	assert_int_equal(anprcap_open("null:0x5", &s), ANPRCAP_E_INVAL);
	assert_non_null(strstr(anprcap_last_error(), "expected null:WIDTHxHEIGHT"));
	s = open_ok("null:64x48");
	assert_string_equal(anprcap_backend(s), "null");
	assert_int_equal(anprcap_get_format(s, &fmt, &w, &h, NULL, NULL), 0);
	assert_int_equal(fmt, ANPRCAP_FMT_GREY);
	assert_int_equal(w, 64);
	assert_int_equal(h, 48);
	assert_int_equal(anprcap_configure(s, ANPRCAP_FMT_Y16, 0, 0, 0, 0),
			 ANPRCAP_E_UNSUPPORTED);
	assert_int_equal(anprcap_configure(s, 0, 33, 7, 10, 1), 0);
	assert_int_equal(anprcap_set_option(s, ANPRCAP_OPT_BUFFERS, 2), 0);
	assert_int_equal(anprcap_set_option(s, ANPRCAP_OPT_REPLAY, ANPRCAP_REPLAY_FAST), 0);
	assert_int_equal(anprcap_start(s), 0);
	assert_int_equal(anprcap_get_fd(s), -1);
	assert_int_equal(anprcap_next_frame(s, 0, &fr[0]), 0);
	assert_int_equal(anprcap_next_frame(s, 0, &fr[1]), 0);
	assert_int_equal(anprcap_next_frame(s, 0, &fr[2]), ANPRCAP_E_BUSY);
	assert_non_null(strstr(anprcap_last_error(), "all 2 buffers are held"));
	assert_int_equal(fr[0]->width, 33);
	assert_int_equal(fr[0]->height, 7);
	assert_int_equal(fr[0]->bytes, 33 * 7);
	assert_int_equal(fr[1]->sequence, 1);
	assert_int_equal(fr[1]->ts_source, ANPRCAP_TS_SYNTHETIC);
	assert_true(fr[1]->timestamp_ns > fr[0]->timestamp_ns);
	for (size_t i = 0; i < fr[0]->bytes; i++)
		assert_int_equal(fr[0]->data[i], 128);
	anprcap_release_frame(s, fr[0]);
	assert_int_equal(anprcap_next_frame(s, 0, &fr[2]), 0);
	assert_int_equal(fr[2]->sequence, 2);
	anprcap_release_frame(s, fr[1]);
	anprcap_release_frame(s, fr[2]);
	assert_int_equal(anprcap_stop(s), 0);
	assert_int_equal(anprcap_configure(s, 0, 16, 16, 0, 0), 0);	/* stopped: allowed */
	assert_int_equal(anprcap_start(s), 0);
	assert_int_equal(anprcap_next_frame(s, 0, &fr[0]), 0);
	assert_int_equal(fr[0]->width, 16);
	anprcap_close(s);	/* closes while streaming, a frame held */
}

static void loop_restarts_and_keeps_counting(void **state)
{
	const char *p = path_in("loop.y4m");
	const struct anprcap_frame *fr;
	anprcap_source *s;

	(void)state;
	write_y4m(p, "mono", 3, 0);
	s = open_ok(uri_of(p));
	anprcap_set_option(s, ANPRCAP_OPT_REPLAY, ANPRCAP_REPLAY_FAST);
	assert_int_equal(anprcap_set_option(s, ANPRCAP_OPT_LOOP, 1), 0);
	assert_int_equal(anprcap_start(s), 0);
	for (unsigned i = 0; i < 8; i++) {
		assert_int_equal(anprcap_next_frame(s, 0, &fr), 0);
		assert_int_equal(fr->sequence, i);
		check_frame(fr, i % 3);
		anprcap_release_frame(s, fr);
	}
	anprcap_close(s);
}

static void configure_cannot_convert_files(void **state)
{
	const char *p = path_in("conf.y4m");
	anprcap_source *s;

	(void)state;
	write_y4m(p, "mono", 1, 0);
	s = open_ok(uri_of(p));
	assert_int_equal(anprcap_configure(s, ANPRCAP_FMT_GREY, 32, 32, 0, 0), ANPRCAP_E_UNSUPPORTED);
	assert_non_null(strstr(anprcap_last_error(), "recorded as GREY 64x48"));
	assert_int_equal(anprcap_configure(s, ANPRCAP_FMT_GREY, W, H, 5, 0), ANPRCAP_E_INVAL);
	assert_int_equal(anprcap_configure(s, ANPRCAP_FMT_GREY, W, H, 5, 1), 0);
	anprcap_close(s);
	anprcap_close(NULL);
}

static void list_does_not_fail(void **state)
{
	struct anprcap_source_info *l = NULL;
	size_t n = 99;

	(void)state;
	assert_int_equal(anprcap_list(&l, &n), 0);
	for (size_t i = 0; i < n; i++) {
		assert_non_null(l[i].uri);
		assert_non_null(strchr(l[i].uri, ':'));
	}
	anprcap_free_list(l, n);
	assert_int_equal(anprcap_list(NULL, &n), ANPRCAP_E_INVAL);
}

/* Thread safety as documented: separate sources in separate threads, and
 * anprcap_last_error() per thread. */
struct thr { const char *path; int frames_ok; int own_error; };

static void *reader(void *arg)
{
	struct thr *t = arg;
	const struct anprcap_frame *fr;
	anprcap_source *s;
	char uri[300];

	snprintf(uri, sizeof(uri), "file:%s", t->path);
	if (anprcap_open(uri, &s))
		return NULL;
	anprcap_set_option(s, ANPRCAP_OPT_REPLAY, ANPRCAP_REPLAY_FAST);
	anprcap_set_option(s, ANPRCAP_OPT_LOOP, 1);
	anprcap_start(s);
	t->frames_ok = 1;
	for (unsigned i = 0; i < 300; i++) {
		if (anprcap_next_frame(s, 0, &fr)) {
			t->frames_ok = 0;
			break;
		}
		for (unsigned y = 0; y < H && t->frames_ok; y++)
			for (unsigned x = 0; x < W; x++)
				if (fr->data[y * fr->stride + x] != pix(i % 3, x, y))
					t->frames_ok = 0;
		anprcap_release_frame(s, fr);
		/* an error in this thread must not show in another */
		if (i == 150)
			anprcap_open("file:/nonexistent/thread", &(anprcap_source *){ NULL });
	}
	t->own_error = strstr(anprcap_last_error(), "/nonexistent/thread") != NULL;
	anprcap_close(s);
	return NULL;
}

static void threads_use_separate_sources(void **state)
{
	const char *p = path_in("thr.y4m");
	struct thr t[4];
	pthread_t id[4];

	(void)state;
	write_y4m(p, "mono", 3, 0);
	anprcap_open("file:/nonexistent/main-thread", &(anprcap_source *){ NULL });
	for (int i = 0; i < 4; i++) {
		t[i] = (struct thr){ p, 0, 0 };
		assert_int_equal(pthread_create(&id[i], NULL, reader, &t[i]), 0);
	}
	for (int i = 0; i < 4; i++) {
		assert_int_equal(pthread_join(id[i], NULL), 0);
		assert_true(t[i].frames_ok);
		assert_true(t[i].own_error);
	}
	assert_non_null(strstr(anprcap_last_error(), "/nonexistent/main-thread"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(bad_uris),
		cmocka_unit_test(y4m_frames_identical_fast),
		cmocka_unit_test(y4m_420_delivers_luma),
		cmocka_unit_test(y4m_truncated_tail_is_corrupt),
		cmocka_unit_test(y4m_bad_header_names_file),
		cmocka_unit_test(raw_file_needs_format_then_replays),
		cmocka_unit_test(raw_pipe_reads_sequentially),
		cmocka_unit_test(y4m_pipe_truncated),
		cmocka_unit_test(image_dir_frames_and_corrupt_file),
		cmocka_unit_test(empty_and_bad_dirs),
		cmocka_unit_test(realtime_pacing_and_drops),
		cmocka_unit_test(busy_when_all_buffers_held),
		cmocka_unit_test(null_backend_keeps_the_contract),
		cmocka_unit_test(loop_restarts_and_keeps_counting),
		cmocka_unit_test(configure_cannot_convert_files),
		cmocka_unit_test(list_does_not_fail),
		cmocka_unit_test(threads_use_separate_sources),
	};

	return cmocka_run_group_tests_name("capture_file", tests, setup, teardown);
}
