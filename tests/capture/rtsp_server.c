/* SPDX-License-Identifier: MIT */
/*
 * rtsp_server.c - anpr-rtsp-testsrv: a real RTSP server (gst-rtsp-server)
 * on loopback for the rtsp: backend's tests (tests/capture/rtsp.sh): it
 * streams a directory of rendered IR frames (demo/render_frames.py,
 * frame-NNNN.pgm) in a loop as H.264 (x264enc) or MJPEG (jpegenc), with
 * RTCP sender reports whose NTP times are this host's wall clock, or that
 * clock shifted by --clock-offset-ms (a camera whose clock is not the
 * host's: the client must take the camera's time from the reports).
 *
 * usage: anpr-rtsp-testsrv --port N --frames DIR [--codec h264|mjpeg]
 *            [--mount /cam] [--fps N] [--credentials FILE]
 *            [--clock-offset-ms MS] [--once] [--onvif] [--tls CERT KEY]
 * --onvif adds the ONVIF replay extension header (0xABAC, the frame's
 * NTP time by the media's clock) to the RTP packets. --once plays the frames once, then ends the stream (as a recording
 * does): the default loops them for ever. --tls serves RTSP over TLS
 * (rtsps://) with that certificate and key (PEM). --credentials FILE holds "USER:PASSWORD" (one line): clients must give
 * them (RTSP basic authentication). --preencoded (H.264 only) encodes
 * the frames once at start, into a directory of access units that the
 * stream then sends: a camera encodes in its own hardware, so a bench
 * (tests/capture/rtsp-bench.sh) must not charge x264 on the client's
 * CPUs to the client's capture-to-decision time. Prints "ready PORT" on stdout once it
 * listens; runs until SIGTERM/SIGINT.
 */
#include <glib-unix.h>
#include <glib/gstdio.h>
#include <gst/gst.h>
#include <gst/rtp/gstrtpbuffer.h>
#include <gst/rtsp-server/rtsp-server.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* 1900 -> 1970 in seconds: NTP's epoch to Unix's. */
#define NTP_UNIX_OFFSET_S 2208988800LL

static gint64 clock_offset_ns;
static int onvif;
static char *preencoded_dir;	/* --preencoded: the access units, removed at exit */

/* --preencoded: the frames through the same encoder as the live stream,
 * one access unit a file (au-NNNN.h264), 0 or -1 (said on stderr). */
static int preencode(const char *frames, int fps)
{
	GError *e = NULL;
	GstElement *pl;
	GstBus *bus;
	GstMessage *m;
	char *desc;
	int rc = -1;

	preencoded_dir = g_dir_make_tmp("anpr-rtsp-testsrv-XXXXXX", &e);
	if (!preencoded_dir) {
		fprintf(stderr, "anpr-rtsp-testsrv: --preencoded: %s\n", e->message);
		g_error_free(e);
		return -1;
	}
	desc = g_strdup_printf("multifilesrc location=%s/frame-%%04d.pgm loop=false "
			       "caps=image/x-portable-graymap,framerate=%d/1 ! pnmdec ! videoconvert "
			       "! video/x-raw,format=I420 ! x264enc tune=zerolatency "
			       "speed-preset=ultrafast key-int-max=25 ! video/x-h264,profile=baseline "
			       "! h264parse ! video/x-h264,stream-format=byte-stream,alignment=au "
			       "! multifilesink location=%s/au-%%04d.h264",
			       frames, fps, preencoded_dir);
	pl = gst_parse_launch(desc, &e);
	g_free(desc);
	if (!pl) {
		fprintf(stderr, "anpr-rtsp-testsrv: --preencoded: %s\n", e->message);
		g_error_free(e);
		return -1;
	}
	gst_element_set_state(pl, GST_STATE_PLAYING);
	bus = gst_element_get_bus(pl);
	m = gst_bus_timed_pop_filtered(bus, GST_CLOCK_TIME_NONE, GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
	if (m && GST_MESSAGE_TYPE(m) == GST_MESSAGE_EOS) {
		rc = 0;
	} else if (m) {
		gst_message_parse_error(m, &e, NULL);
		fprintf(stderr, "anpr-rtsp-testsrv: --preencoded: %s: %s\n", frames, e->message);
		g_error_free(e);
	}
	if (m)
		gst_message_unref(m);
	gst_object_unref(bus);
	gst_element_set_state(pl, GST_STATE_NULL);
	gst_object_unref(pl);
	return rc;
}

static void preencoded_remove(void)
{
	GDir *d;
	const char *n;

	if (!preencoded_dir || !(d = g_dir_open(preencoded_dir, 0, NULL)))
		return;
	while ((n = g_dir_read_name(d))) {
		char *f = g_build_filename(preencoded_dir, n, NULL);

		g_unlink(f);
		g_free(f);
	}
	g_dir_close(d);
	g_rmdir(preencoded_dir);
}

/* --preencoded: h264parse times the access units from the frame rate as
 * decoding times only; baseline has no reordering, so the presentation
 * time is the same, and the payloader and the sinks need it. */
static GstPadProbeReturn pts_from_dts(GstPad *pad, GstPadProbeInfo *info, gpointer unused)
{
	GstBuffer *b = GST_PAD_PROBE_INFO_BUFFER(info);

	(void)pad;
	(void)unused;
	if (!GST_BUFFER_PTS_IS_VALID(b) && GST_BUFFER_DTS_IS_VALID(b)) {
		b = gst_buffer_make_writable(b);
		GST_BUFFER_PTS(b) = GST_BUFFER_DTS(b);
		GST_PAD_PROBE_INFO_DATA(info) = b;
	}
	return GST_PAD_PROBE_OK;
}

/*
 * --onvif: the ONVIF replay extension (ONVIF Streaming Specification,
 * "RTP header extension": profile 0xABAC, 3 words: the NTP time of the
 * frame, 64 bits; flags C (clean point), E, D (discontinuity), T; CSeq;
 * two bytes of padding) on every packet of each frame, as a recorder
 * sends it. GStreamer's rtponviftimestamp writes it, but cannot stand as
 * gst-rtsp-server's payloader (the server asks pay0 for "pt" and the
 * like), so this probe after pay0 writes it with GStreamer's RTP buffer
 * API: the time is the media clock's (the camera's: NTP epoch, plus
 * --clock-offset-ms) at the frame's running time.
 */
/* what onvif_stamp needs: the payloader (its base time) and the pad's
 * segment (encoders shift timestamps, e.g. x264enc by 1000 hours, and say
 * so in the segment: the running time is the frame's) */
struct onvif_ctx {
	GstElement *pay;
	GstSegment seg;
};

static gboolean onvif_stamp(GstBuffer **buf, guint idx, gpointer data)
{
	struct onvif_ctx *c = data;
	GstRTPBuffer rtp = GST_RTP_BUFFER_INIT;
	GstClockTime rt, t;
	guint8 ext[12] = { 0 };
	guint64 ntp;

	(void)idx;
	if (!GST_BUFFER_PTS_IS_VALID(*buf))
		return TRUE;
	rt = gst_segment_to_running_time(&c->seg, GST_FORMAT_TIME, GST_BUFFER_PTS(*buf));
	if (!GST_CLOCK_TIME_IS_VALID(rt))
		return TRUE;
	t = gst_element_get_base_time(c->pay) + rt;
	ntp = ((t / GST_SECOND) << 32) | gst_util_uint64_scale(t % GST_SECOND, 1ULL << 32, GST_SECOND);
	*buf = gst_buffer_make_writable(*buf);
	if (!gst_rtp_buffer_map(*buf, GST_MAP_READWRITE, &rtp))
		return TRUE;
	GST_WRITE_UINT64_BE(ext, ntp);
	ext[8] = (GST_BUFFER_FLAG_IS_SET(*buf, GST_BUFFER_FLAG_DELTA_UNIT) ? 0 : 0x80) |
		 (GST_BUFFER_FLAG_IS_SET(*buf, GST_BUFFER_FLAG_DISCONT) ? 0x20 : 0);
	if (gst_rtp_buffer_set_extension_data(&rtp, 0xABAC, 3)) {
		gpointer ed;
		guint16 bits;
		guint words;

		if (gst_rtp_buffer_get_extension_data(&rtp, &bits, &ed, &words) && words == 3)
			memcpy(ed, ext, sizeof ext);
	}
	gst_rtp_buffer_unmap(&rtp);
	return TRUE;
}

static GstPadProbeReturn onvif_probe(GstPad *pad, GstPadProbeInfo *info, gpointer pay)
{
	struct onvif_ctx c = { .pay = pay };
	GstEvent *ev = gst_pad_get_sticky_event(pad, GST_EVENT_SEGMENT, 0);
	const GstSegment *seg = NULL;

	if (!ev)
		return GST_PAD_PROBE_OK;
	gst_event_parse_segment(ev, &seg);
	gst_segment_copy_into(seg, &c.seg);
	gst_event_unref(ev);
	if (info->type & GST_PAD_PROBE_TYPE_BUFFER) {
		GstBuffer *b = GST_PAD_PROBE_INFO_BUFFER(info);

		onvif_stamp(&b, 0, &c);
		GST_PAD_PROBE_INFO_DATA(info) = b;
	} else if (info->type & GST_PAD_PROBE_TYPE_BUFFER_LIST) {
		GstBufferList *l = gst_buffer_list_make_writable(GST_PAD_PROBE_INFO_BUFFER_LIST(info));

		gst_buffer_list_foreach(l, onvif_stamp, &c);
		GST_PAD_PROBE_INFO_DATA(info) = l;
	}
	return GST_PAD_PROBE_OK;
}

/* A media whose rtpbin writes sender reports from the media's clock (set
 * below to the wall clock in NTP's epoch plus the offset), not from
 * g_get_real_time(), so that the offset reaches the reports. */
typedef struct { GstRTSPMedia parent; } TestMedia;
typedef struct { GstRTSPMediaClass parent_class; } TestMediaClass;
G_DEFINE_TYPE(TestMedia, test_media, GST_TYPE_RTSP_MEDIA)

static gboolean test_media_setup_rtpbin(GstRTSPMedia *media, GstElement *rtpbin)
{
	GstElement *bin, *pay;
	GstPad *pad;

	/* 3 = GST_RTP_NTP_TIME_SOURCE_CLOCK_TIME; capture time, not send time */
	gst_util_set_object_arg(G_OBJECT(rtpbin), "ntp-time-source", "clock-time");
	g_object_set(rtpbin, "rtcp-sync-send-time", FALSE, NULL);
	bin = gst_rtsp_media_get_element(media);
	pay = gst_bin_get_by_name(GST_BIN(bin), "pay0");
	gst_object_unref(bin);
	if (!pay)
		return TRUE;
	if (preencoded_dir && (pad = gst_element_get_static_pad(pay, "sink"))) {
		gst_pad_add_probe(pad, GST_PAD_PROBE_TYPE_BUFFER, pts_from_dts, NULL, NULL);
		gst_object_unref(pad);
	}
	if (onvif && (pad = gst_element_get_static_pad(pay, "src"))) {
		gst_pad_add_probe(pad, GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_BUFFER_LIST,
				  onvif_probe, gst_object_ref(pay), gst_object_unref);
		gst_object_unref(pad);
	}
	gst_object_unref(pay);
	return TRUE;
}

static void test_media_class_init(TestMediaClass *klass)
{
	GST_RTSP_MEDIA_CLASS(klass)->setup_rtpbin = test_media_setup_rtpbin;
}

static void test_media_init(TestMedia *m)
{
	(void)m;
}

/* The wall clock in NTP's epoch, shifted: a system clock of type
 * REALTIME, calibrated so that its time is internal + offset. */
static GstClock *camera_clock(void)
{
	GstClock *c = g_object_new(GST_TYPE_SYSTEM_CLOCK, "clock-type",
				   GST_CLOCK_TYPE_REALTIME, NULL);
	GstClockTime internal = gst_clock_get_internal_time(c);

	gst_clock_set_calibration(c, internal,
				  internal + (GstClockTime)(NTP_UNIX_OFFSET_S * GST_SECOND) +
				  (GstClockTime)clock_offset_ns, 1, 1);
	return c;
}

/* Every client connection without Nagle's algorithm, as a camera's RTSP
 * stack sets it: frames interleaved on the RTSP connection (RTP over
 * TCP, the client's default) otherwise stall a delayed ACK (about 40 ms)
 * behind each small RTCP packet (measured: capture-to-decision p99
 * 63-78 ms over TCP against 28-35 ms over UDP, 2026-12-07). */
static void on_client(GstRTSPServer *server, GstRTSPClient *client, gpointer unused)
{
	GstRTSPConnection *conn = gst_rtsp_client_get_connection(client);
	GSocket *sock = conn ? gst_rtsp_connection_get_write_socket(conn) : NULL;

	(void)server;
	(void)unused;
	if (sock)
		g_socket_set_option(sock, IPPROTO_TCP, TCP_NODELAY, 1, NULL);
}

static gboolean on_signal(gpointer loop)
{
	g_main_loop_quit(loop);
	return G_SOURCE_REMOVE;
}

static void usage(void)
{
	fprintf(stderr, "usage: anpr-rtsp-testsrv --port N --frames DIR [--codec h264|mjpeg] "
		"[--mount /cam] [--fps N] [--credentials FILE] [--clock-offset-ms MS] [--once] [--onvif] "
		"[--tls CERT KEY] [--preencoded]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *port = NULL, *frames = NULL, *codec = "h264", *mount = "/cam";
	const char *credfile = NULL, *tls_cert = NULL, *tls_key = NULL;
	int fps = 25, once = 0, want_preencoded = 0;
	char *launch, *enc;
	GstRTSPServer *server;
	GstRTSPMountPoints *mounts;
	GstRTSPMediaFactory *factory;
	GMainLoop *loop;
	GstClock *clock;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "--once")) {
			once = 1;
			continue;
		}
		if (!strcmp(a, "--onvif")) {
			onvif = 1;
			continue;
		}
		if (!strcmp(a, "--preencoded")) {
			want_preencoded = 1;
			continue;
		}
		if (!v)
			usage();
		if (!strcmp(a, "--tls")) {
			if (i + 2 >= argc)
				usage();
			tls_cert = argv[++i];
			tls_key = argv[++i];
			continue;
		}
		if (!strcmp(a, "--port")) port = v;
		else if (!strcmp(a, "--frames")) frames = v;
		else if (!strcmp(a, "--codec")) codec = v;
		else if (!strcmp(a, "--mount")) mount = v;
		else if (!strcmp(a, "--fps")) fps = atoi(v);
		else if (!strcmp(a, "--credentials")) credfile = v;
		else if (!strcmp(a, "--clock-offset-ms")) clock_offset_ns = atoll(v) * 1000000LL;
		else usage();
		i++;
	}
	if (!port || !frames || fps < 1)
		usage();
	gst_init(&argc, &argv);

	if (want_preencoded && strcmp(codec, "h264"))
		usage();
	if (want_preencoded && preencode(frames, fps) < 0)
		return 1;
	if (want_preencoded)
		enc = NULL;
	else if (!strcmp(codec, "h264"))
		enc = g_strdup("x264enc tune=zerolatency speed-preset=ultrafast key-int-max=25 "
			       "! video/x-h264,profile=baseline ! rtph264pay name=pay0 pt=96 config-interval=1");
	else if (!strcmp(codec, "mjpeg"))
		enc = g_strdup("jpegenc quality=90 ! rtpjpegpay name=pay0 pt=26");
	else
		usage();
	/* The frames paced at the rate by the encoder's input timestamps
	 * (videorate) and the server's synchronised sinks. */
	if (preencoded_dir)
		launch = g_strdup_printf("( multifilesrc location=%s/au-%%04d.h264 loop=%s "
					 "caps=video/x-h264,stream-format=byte-stream,alignment=au,"
					 "framerate=%d/1 ! h264parse "
					 "! rtph264pay name=pay0 pt=96 config-interval=1 )",
					 preencoded_dir, once ? "false" : "true", fps);
	else
		launch = g_strdup_printf("( multifilesrc location=%s/frame-%%04d.pgm loop=%s "
					 "caps=image/x-portable-graymap,framerate=%d/1 ! pnmdec "
					 "! videoconvert ! video/x-raw,format=I420 ! %s )",
					 frames, once ? "false" : "true", fps, enc);
	g_free(enc);

	server = gst_rtsp_server_new();
	gst_rtsp_server_set_address(server, "127.0.0.1");
	gst_rtsp_server_set_service(server, port);
	factory = gst_rtsp_media_factory_new();
	gst_rtsp_media_factory_set_launch(factory, launch);
	gst_rtsp_media_factory_set_shared(factory, TRUE);
	gst_rtsp_media_factory_set_media_gtype(factory, test_media_get_type());
	clock = camera_clock();
	gst_rtsp_media_factory_set_clock(factory, clock);
	g_free(launch);

	if (credfile) {
		gchar *text = NULL, *colon, *basic;
		GstRTSPAuth *auth = gst_rtsp_auth_new();
		GstRTSPToken *token;

		if (!g_file_get_contents(credfile, &text, NULL, NULL) ||
		    !(colon = strchr(text, ':'))) {
			fprintf(stderr, "anpr-rtsp-testsrv: %s: expected USER:PASSWORD\n", credfile);
			return 1;
		}
		*colon = 0;
		g_strchomp(colon + 1);
		token = gst_rtsp_token_new(GST_RTSP_TOKEN_MEDIA_FACTORY_ROLE, G_TYPE_STRING,
					   "camera-user", NULL);
		basic = gst_rtsp_auth_make_basic(text, colon + 1);
		gst_rtsp_auth_add_basic(auth, basic, token);
		g_free(basic);
		gst_rtsp_token_unref(token);
		gst_rtsp_server_set_auth(server, auth);
		g_object_unref(auth);
		gst_rtsp_media_factory_add_role(factory, "camera-user",
						GST_RTSP_PERM_MEDIA_FACTORY_ACCESS, G_TYPE_BOOLEAN, TRUE,
						GST_RTSP_PERM_MEDIA_FACTORY_CONSTRUCT, G_TYPE_BOOLEAN, TRUE,
						NULL);
		g_free(text);
	}
	if (tls_cert) {
		GError *e = NULL;
		GTlsCertificate *cert = g_tls_certificate_new_from_files(tls_cert, tls_key, &e);
		GstRTSPAuth *auth = gst_rtsp_server_get_auth(server);

		if (!cert) {
			fprintf(stderr, "anpr-rtsp-testsrv: %s: %s\n", tls_cert, e->message);
			return 1;
		}
		if (!auth) {
			/* no credentials: anyone may play, over TLS */
			GstRTSPToken *token = gst_rtsp_token_new(GST_RTSP_TOKEN_MEDIA_FACTORY_ROLE,
								 G_TYPE_STRING, "anyone", NULL);

			auth = gst_rtsp_auth_new();
			gst_rtsp_auth_set_default_token(auth, token);
			gst_rtsp_token_unref(token);
			gst_rtsp_media_factory_add_role(factory, "anyone",
							GST_RTSP_PERM_MEDIA_FACTORY_ACCESS, G_TYPE_BOOLEAN, TRUE,
							GST_RTSP_PERM_MEDIA_FACTORY_CONSTRUCT, G_TYPE_BOOLEAN, TRUE,
							NULL);
			gst_rtsp_server_set_auth(server, auth);
		}
		gst_rtsp_auth_set_tls_certificate(auth, cert);
		g_object_unref(cert);
		g_object_unref(auth);
	}
	mounts = gst_rtsp_server_get_mount_points(server);
	gst_rtsp_mount_points_add_factory(mounts, mount, factory);
	g_object_unref(mounts);

	g_signal_connect(server, "client-connected", G_CALLBACK(on_client), NULL);
	loop = g_main_loop_new(NULL, FALSE);
	if (gst_rtsp_server_attach(server, NULL) == 0) {
		fprintf(stderr, "anpr-rtsp-testsrv: cannot listen on 127.0.0.1:%s\n", port);
		return 1;
	}
	g_unix_signal_add(SIGTERM, on_signal, loop);
	g_unix_signal_add(SIGINT, on_signal, loop);
	printf("ready %s\n", port);
	fflush(stdout);
	g_main_loop_run(loop);
	g_main_loop_unref(loop);
	g_object_unref(server);
	gst_object_unref(clock);
	preencoded_remove();
	return 0;
}
