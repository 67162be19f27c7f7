/* SPDX-License-Identifier: MIT */
/*
 * rtsp.c - the rtsp: and rtsps: backends: IP cameras over RTSP through
 * GStreamer (no RTP or codec code of ours):
 *
 *   uridecodebin (rtspsrc: RTSP, RTP, RTCP, jitter buffer; decodebin: the
 *   depayloader and decoder for the stream, H.264, H.265, MJPEG...)
 *     ! videoconvert (passthrough for the formats below) ! appsink
 *
 * The appsink takes grey or planar/semi-planar YUV and a frame is plane 0
 * of the decoder's own buffer, mapped, not copied (the luma plane is the
 * grey image). The capture time comes from the stream: rtspsrc's jitter
 * buffer maps each frame's RTP timestamp to the camera's wall clock
 * through the session's last RTCP sender report and attaches it as a
 * GstReferenceTimestampMeta (timestamp/x-ntp), which depayloader, decoder
 * and videoconvert carry along; rtsp_url.c turns it and the arrival time
 * into the frame's stamp and the quality in struct anprcap_rtsp_meta.
 * Where the camera sends the ONVIF replay extension, the decoded frame
 * takes the time its packets carried instead (rtsp_onvif.c), flagged
 * ANPRCAP_RTSP_FL_ONVIF.
 *
 * Outages: an error on the bus (camera gone, connection reset) or no frame
 * for the timeout option ends the session; next() tears the pipeline down
 * and reconnects with back-off (rtsp_url.c), returning ANPRCAP_E_TIMEOUT
 * (with the reason and the next attempt) meanwhile, ANPRCAP_E_ACCESS when
 * the camera refuses the credentials. The first frame after it carries the
 * outage (gap_ns, lost_ns, reconnects, and in drops the frames the nominal
 * rate says were lost). No thread of ours: the bus is polled from next().
 */
#include <gio/gio.h>
#include <gst/app/gstappsink.h>
#include <gst/gst.h>
#include <gst/video/video.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backend.h"
#include "rtsp_onvif.h"
#include "rtsp_url.h"

#define NTP_UNIX_OFFSET_NS (2208988800ull * 1000000000ull)
#define SLICE_NS (20 * 1000000ull)	/* bus checks while waiting */
#define START_TIMEOUT_MS 10000		/* first frame after start */

struct rslot {
	struct anprcap_slot s;		/* first: the core casts frames to slots */
	GstSample *sample;
	GstVideoFrame vf;
	int mapped;
	struct anprcap_rtsp_meta meta;
};

struct rsrc {
	struct rtsp_url url;
	char user[RTSP_CRED_MAX], pass[RTSP_CRED_MAX];
	int have_cred;
	GstElement *pipe, *sink;
	GstBus *bus;
	GstCaps *ntp_caps;
	GTlsDatabase *tlsdb;		/* #ca=FILE, else NULL */
	gint tls_refused;		/* GTlsCertificateFlags of a certificate
					   refused in this session (atomic) */
	struct rslot *slots;
	int nslots;
	GstSample *pending;		/* the first frame, pulled by start() */
	gint probe_seq;			/* frames that reached the appsink (atomic) */
	/* session state */
	int up;				/* a pipeline exists */
	int got_frame;			/* this session delivered a frame */
	int ended;			/* #end=eof and the camera ended the stream */
	unsigned attempt;		/* reconnect attempts since the last frame */
	uint64_t retry_at;		/* next attempt (monotonic), when !up */
	uint64_t down_since;		/* last frame before the outage, 0: none */
	uint64_t last_frame_mono;
	uint64_t session_start;		/* when the pipeline was built */
	int clock_mono;			/* its clock is CLOCK_MONOTONIC */
	uint64_t base_time;		/* its base time on that clock */
	int64_t last_pts;		/* of the last frame, -1: none */
	uint64_t frame_ns;		/* nominal interval, 0: unknown */
	char reason[RTSP_URL_MAX + 256];	/* why the last session ended */
	/* totals */
	uint64_t next_seq;
	int64_t last_probe_seq;
	uint64_t lost_ns;
	uint32_t reconnects;
	uint64_t pending_gap_ns;
	uint64_t pending_drops;
	struct rtsp_clock clock;
	/* ONVIF times: noted by the streaming thread, read by fill() */
	struct rtsp_onvif onvif;
};

static pthread_once_t gst_once = PTHREAD_ONCE_INIT;
static int gst_ok;
static char gst_err[256];

static void init_gst(void)
{
	GError *e = NULL;

	gst_ok = gst_init_check(NULL, NULL, &e);
	if (!gst_ok) {
		snprintf(gst_err, sizeof(gst_err), "%s", e ? e->message : "unknown error");
		g_clear_error(&e);
	}
}

static uint64_t ns_of(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int rtsp_open_common(struct anprcap_source *src, const char *scheme, const char *rest)
{
	struct rsrc *r;
	char err[ANPRCAP_ERRLEN];

	r = calloc(1, sizeof(*r));
	if (!r)
		return anprcap__err(ANPRCAP_E_NOMEM, "%s: out of memory", scheme);
	if (anprcap__rtsp_parse(scheme, rest, &r->url, err, sizeof(err)) < 0) {
		free(r);
		return anprcap__err(ANPRCAP_E_INVAL, "%s", err);
	}
	if (r->url.credfile[0]) {
		if (anprcap__rtsp_read_credentials(r->url.credfile, r->user, r->pass, err,
						   sizeof(err)) < 0) {
			anprcap__err(ANPRCAP_E_ACCESS, "%s: %s", r->url.location, err);
			free(r);
			return ANPRCAP_E_ACCESS;
		}
		r->have_cred = 1;
	}
	r->last_pts = -1;
	r->last_probe_seq = -1;
	anprcap__rtsp_onvif_init(&r->onvif);
	src->cfg = (struct anprcap_config){ ANPRCAP_FMT_GREY, 0, 0, 0, 0 };
	src->priv = r;
	return 0;
}

static int rtsp_open(struct anprcap_source *src, const char *rest)
{
	return rtsp_open_common(src, "rtsp", rest);
}

static int rtsps_open(struct anprcap_source *src, const char *rest)
{
	return rtsp_open_common(src, "rtsps", rest);
}

static void rtsp_close(struct anprcap_source *src)
{
	struct rsrc *r = src->priv;

	if (r->ntp_caps)
		gst_caps_unref(r->ntp_caps);
	if (r->tlsdb)
		g_object_unref(r->tlsdb);
	explicit_bzero(r->pass, sizeof(r->pass));
	anprcap__rtsp_onvif_destroy(&r->onvif);
	free(r);
	src->priv = NULL;
}

/* The camera sets the size and rate: what is asked is noted, what the
 * stream has is what frames carry (read back after start). */
static int rtsp_configure(struct anprcap_source *src, struct anprcap_config *cfg)
{
	if (cfg->format != ANPRCAP_FMT_GREY)
		return anprcap__err(ANPRCAP_E_UNSUPPORTED, "%s: rtsp sources deliver grey "
				    "frames only", src->uri);
	cfg->width = src->cfg.width;
	cfg->height = src->cfg.height;
	cfg->fps_num = src->cfg.fps_num;
	cfg->fps_den = src->cfg.fps_den;
	return 0;
}

/* ---- the pipeline ---- */

static gboolean on_select_stream(GstElement *rtspsrc, guint num, GstCaps *caps, gpointer data)
{
	const GstStructure *st = gst_caps_get_structure(caps, 0);
	const char *media = gst_structure_get_string(st, "media");

	(void)rtspsrc;
	(void)num;
	(void)data;
	return media && !strcmp(media, "video");
}

/* A camera's certificate that did not validate: noted for the message
 * (rtspsrc only says "Failed to connect"), and refused. */
static gboolean on_bad_certificate(GstElement *rtspsrc, GTlsConnection *conn,
				   GTlsCertificate *cert, GTlsCertificateFlags errors, gpointer data)
{
	struct rsrc *r = data;

	(void)rtspsrc;
	(void)conn;
	(void)cert;
	g_atomic_int_set(&r->tls_refused, (gint)(errors ? errors : G_TLS_CERTIFICATE_GENERIC_ERROR));
	return FALSE;
}

static void on_source_setup(GstElement *bin, GstElement *source, gpointer data)
{
	struct rsrc *r = data;
	const char *proto = r->url.transport == RTSP_TCP ? "tcp" :
			    r->url.transport == RTSP_UDP ? "udp" : "tcp+udp";

	(void)bin;
	gst_util_set_object_arg(G_OBJECT(source), "protocols", proto);
	g_object_set(source, "latency", (guint)r->url.latency_ms,
		     "add-reference-timestamp-meta", TRUE,
		     "tcp-timeout", (guint64)r->url.timeout_ms * 1000,
		     "timeout", (guint64)r->url.timeout_ms * 1000, NULL);
	if (r->have_cred)
		g_object_set(source, "user-id", r->user, "user-pw", r->pass, NULL);
	if (r->tlsdb)
		g_object_set(source, "tls-database", r->tlsdb, NULL);
	g_signal_connect(source, "accept-certificate", G_CALLBACK(on_bad_certificate), r);
	g_signal_connect(source, "select-stream", G_CALLBACK(on_select_stream), r);
	anprcap__rtsp_onvif_watch(&r->onvif, source);
}

static void on_pad_added(GstElement *dec, GstPad *pad, gpointer data)
{
	GstElement *conv = data;
	GstPad *sinkpad = gst_element_get_static_pad(conv, "sink");
	GstCaps *caps = gst_pad_get_current_caps(pad);
	const char *name = caps ? gst_structure_get_name(gst_caps_get_structure(caps, 0)) : "";

	(void)dec;
	if (!gst_pad_is_linked(sinkpad) && g_str_has_prefix(name, "video/"))
		gst_pad_link(pad, sinkpad);
	if (caps)
		gst_caps_unref(caps);
	gst_object_unref(sinkpad);
}

/* Number every frame that reaches the appsink (GST_BUFFER_OFFSET, which
 * no element upstream sets for raw video here), so that frames the appsink
 * drops because the caller is slow show as sequence gaps. The buffer is
 * made writable: a new header at most, the pixels are shared. */
static GstPadProbeReturn on_frame(GstPad *pad, GstPadProbeInfo *info, gpointer data)
{
	struct rsrc *r = data;
	GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER(info);

	(void)pad;
	buf = gst_buffer_make_writable(buf);
	GST_BUFFER_OFFSET(buf) = (guint64)g_atomic_int_add(&r->probe_seq, 1);
	GST_BUFFER_OFFSET_END(buf) = ns_of(CLOCK_MONOTONIC);	/* arrival */
	GST_PAD_PROBE_INFO_DATA(info) = buf;
	return GST_PAD_PROBE_OK;
}

static void teardown(struct rsrc *r)
{
	if (!r->pipe)
		return;
	gst_element_set_state(r->pipe, GST_STATE_NULL);
	if (r->pending) {
		gst_sample_unref(r->pending);
		r->pending = NULL;
	}
	gst_object_unref(r->bus);
	gst_object_unref(r->sink);
	gst_object_unref(r->pipe);
	/* the streaming threads are gone: a new session's times start anew */
	anprcap__rtsp_onvif_reset(&r->onvif);
	r->pipe = r->sink = NULL;
	r->bus = NULL;
	r->up = 0;
}

static int build(struct anprcap_source *src)
{
	struct rsrc *r = src->priv;
	GstElement *dec = gst_element_factory_make("uridecodebin", NULL);
	GstElement *conv = gst_element_factory_make("videoconvert", NULL);
	GstElement *sink = gst_element_factory_make("appsink", NULL);
	GstCaps *caps;
	GstPad *pad;

	if (!dec || !conv || !sink) {
		if (dec) gst_object_unref(dec);
		if (conv) gst_object_unref(conv);
		if (sink) gst_object_unref(sink);
		return anprcap__err(ANPRCAP_E_UNSUPPORTED, "%s: GStreamer element %s missing "
				    "(scripts/packages/rtsp.list)", r->url.location,
				    !dec ? "uridecodebin" : !conv ? "videoconvert" : "appsink");
	}
	r->pipe = gst_pipeline_new(NULL);
	gst_bin_add_many(GST_BIN(r->pipe), dec, conv, sink, NULL);
	caps = gst_caps_from_string("video/x-raw,format={GRAY8,I420,YV12,NV12,NV21,Y42B,Y444,Y41B}");
	g_object_set(sink, "caps", caps, "sync", FALSE, "max-buffers", (guint)src->opt.buffers,
		     "drop", TRUE, "emit-signals", FALSE, NULL);
	gst_caps_unref(caps);
	gst_element_link(conv, sink);
	g_object_set(dec, "uri", r->url.location, NULL);
	g_signal_connect(dec, "source-setup", G_CALLBACK(on_source_setup), r);
	g_signal_connect(dec, "pad-added", G_CALLBACK(on_pad_added), conv);
	pad = gst_element_get_static_pad(sink, "sink");
	gst_pad_add_probe(pad, GST_PAD_PROBE_TYPE_BUFFER, on_frame, r, NULL);
	gst_object_unref(pad);
	r->sink = gst_object_ref(sink);
	r->bus = gst_element_get_bus(r->pipe);
	r->got_frame = 0;
	r->last_pts = -1;
	g_atomic_int_set(&r->tls_refused, 0);
	r->session_start = ns_of(CLOCK_MONOTONIC);
	if (gst_element_set_state(r->pipe, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE) {
		teardown(r);
		return anprcap__err(ANPRCAP_E_IO, "%s: the pipeline would not start",
				    r->url.location);
	}
	r->up = 1;
	return 0;
}

/* An error on the bus: its code for us, the reason in r->reason. 0: none. */
static int bus_error(struct rsrc *r)
{
	GstMessage *m;
	GError *e = NULL;
	int code = ANPRCAP_E_IO;

	while ((m = gst_bus_pop_filtered(r->bus, GST_MESSAGE_ERROR | GST_MESSAGE_EOS))) {
		if (GST_MESSAGE_TYPE(m) == GST_MESSAGE_EOS) {
			snprintf(r->reason, sizeof(r->reason), "the camera ended the stream");
			gst_message_unref(m);
			return ANPRCAP_E_EOF;
		}
		gst_message_parse_error(m, &e, NULL);
		gst_message_unref(m);
		if (e->domain == GST_RESOURCE_ERROR && e->code == GST_RESOURCE_ERROR_NOT_AUTHORIZED) {
			code = ANPRCAP_E_ACCESS;
			snprintf(r->reason, sizeof(r->reason), "the camera refused the credentials%s%s",
				 r->have_cred ? " from " : " (none given: #credentials=FILE)",
				 r->have_cred ? r->url.credfile : "");
		} else if (e->domain == GST_RESOURCE_ERROR && e->code == GST_RESOURCE_ERROR_NOT_FOUND) {
			code = ANPRCAP_E_NOENT;
			snprintf(r->reason, sizeof(r->reason), "no such stream: %s", e->message);
		} else if (e->domain == GST_STREAM_ERROR || e->domain == GST_CORE_ERROR) {
			code = e->domain == GST_CORE_ERROR && e->code == GST_CORE_ERROR_MISSING_PLUGIN ?
			       ANPRCAP_E_UNSUPPORTED : ANPRCAP_E_CORRUPT;
			snprintf(r->reason, sizeof(r->reason), "%s", e->message);
		} else if (g_atomic_int_get(&r->tls_refused)) {
			int f = g_atomic_int_get(&r->tls_refused);
			char why[128];
			size_t n;

			snprintf(why, sizeof(why), "%s%s%s%s%s",
				 f & G_TLS_CERTIFICATE_UNKNOWN_CA ? "not from a trusted CA, " : "",
				 f & G_TLS_CERTIFICATE_BAD_IDENTITY ? "not for this host, " : "",
				 f & G_TLS_CERTIFICATE_EXPIRED ? "expired, " : "",
				 f & G_TLS_CERTIFICATE_NOT_ACTIVATED ? "not yet valid, " : "",
				 f & G_TLS_CERTIFICATE_REVOKED ? "revoked, " : "");
			n = strlen(why);
			if (n >= 2)
				why[n - 2] = 0;
			code = ANPRCAP_E_ACCESS;
			snprintf(r->reason, sizeof(r->reason), "the camera's TLS certificate was "
				 "refused (%s)%s", n >= 2 ? why : "invalid",
				 r->url.cafile[0] ? "" : ": give the camera's CA with #ca=FILE");
		} else {
			snprintf(r->reason, sizeof(r->reason), "%s", e->message);
		}
		g_clear_error(&e);
		return code;
	}
	return 0;
}

/* Wait until deadline (monotonic ns) for a sample of the running session.
 * 1: *out is one; 0: deadline passed; < 0: the session ended (r->reason). */
static int wait_sample(struct rsrc *r, uint64_t deadline, GstSample **out)
{
	for (;;) {
		uint64_t now = ns_of(CLOCK_MONOTONIC);
		uint64_t slice = deadline > now ? deadline - now : 0;
		int rc = bus_error(r);

		if (rc < 0)
			return rc;
		if (slice > SLICE_NS)
			slice = SLICE_NS;
		*out = gst_app_sink_try_pull_sample(GST_APP_SINK(r->sink), slice);
		if (*out)
			return 1;
		if (gst_app_sink_is_eos(GST_APP_SINK(r->sink))) {
			snprintf(r->reason, sizeof(r->reason), "the camera ended the stream");
			return ANPRCAP_E_EOF;
		}
		if (ns_of(CLOCK_MONOTONIC) >= deadline)
			return 0;
	}
}

static int rtsp_start(struct anprcap_source *src)
{
	struct rsrc *r = src->priv;
	GstSample *s = NULL;
	int rc;

	/* GStreamer starts at the first start(), not at open(): opening
	 * only checks the URI and reads the credentials. */
	pthread_once(&gst_once, init_gst);
	if (!gst_ok)
		return anprcap__err(ANPRCAP_E_UNSUPPORTED, "%s: GStreamer would not start: %s",
				    r->url.location, gst_err);
	if (!r->ntp_caps)
		r->ntp_caps = gst_caps_new_empty_simple("timestamp/x-ntp");
	if (r->url.cafile[0] && !r->tlsdb) {
		GError *e = NULL;

		r->tlsdb = g_tls_file_database_new(r->url.cafile, &e);
		if (!r->tlsdb) {
			rc = anprcap__err(ANPRCAP_E_INVAL, "%s: CA file %s: %s", r->url.location,
					  r->url.cafile, e ? e->message : "unreadable");
			g_clear_error(&e);
			return rc;
		}
	}
	r->slots = calloc((size_t)src->opt.buffers, sizeof(*r->slots));
	if (!r->slots)
		return anprcap__err(ANPRCAP_E_NOMEM, "%s: out of memory", r->url.location);
	r->nslots = src->opt.buffers;
	for (int i = 0; i < r->nslots; i++)
		r->slots[i].s.index = i;
	rc = build(src);
	if (rc == 0) {
		rc = wait_sample(r, ns_of(CLOCK_MONOTONIC) + START_TIMEOUT_MS * 1000000ull, &s);
		if (rc == 0)
			rc = anprcap__err(ANPRCAP_E_TIMEOUT, "%s: no frame within %d ms of "
					  "connecting", r->url.location, START_TIMEOUT_MS);
		else if (rc < 0)
			rc = anprcap__err(rc, "%s: %s", r->url.location, r->reason);
	}
	if (rc < 0) {
		teardown(r);
		free(r->slots);
		r->slots = NULL;
		r->nslots = 0;
		return rc;
	}
	r->pending = s;
	r->ended = 0;
	{
		/* the format frames will carry, for anprcap_get_format() */
		GstVideoInfo info;
		GstCaps *caps = gst_sample_get_caps(s);

		if (caps && gst_video_info_from_caps(&info, caps)) {
			src->cfg.width = (uint32_t)GST_VIDEO_INFO_WIDTH(&info);
			src->cfg.height = (uint32_t)GST_VIDEO_INFO_HEIGHT(&info);
			src->cfg.fps_num = (uint32_t)GST_VIDEO_INFO_FPS_N(&info);
			src->cfg.fps_den = (uint32_t)GST_VIDEO_INFO_FPS_D(&info);
		}
	}
	r->attempt = 0;
	r->next_seq = 0;
	r->lost_ns = 0;
	r->reconnects = 0;
	r->down_since = 0;
	return 0;
}

static void unmap_slot(struct rslot *sl)
{
	if (sl->mapped) {
		gst_video_frame_unmap(&sl->vf);
		sl->mapped = 0;
	}
	if (sl->sample) {
		gst_sample_unref(sl->sample);
		sl->sample = NULL;
	}
}

static int rtsp_stop(struct anprcap_source *src)
{
	struct rsrc *r = src->priv;

	for (int i = 0; i < r->nslots; i++)
		unmap_slot(&r->slots[i]);
	teardown(r);
	free(r->slots);
	r->slots = NULL;
	r->nslots = 0;
	return 0;
}

/* The session ended: count the outage from the last frame, schedule the
 * next attempt. */
static void session_lost(struct rsrc *r, uint64_t now)
{
	teardown(r);
	if (!r->down_since)
		r->down_since = r->last_frame_mono ? r->last_frame_mono : now;
	r->attempt++;
	r->retry_at = now + anprcap__rtsp_backoff_ns(r->attempt);
}

/* Fill a slot from a sample: plane 0, stamps, metadata. */
static int fill(struct anprcap_source *src, struct rslot *sl, GstSample *s)
{
	struct rsrc *r = src->priv;
	GstBuffer *buf = gst_sample_get_buffer(s);
	GstCaps *caps = gst_sample_get_caps(s);
	GstVideoInfo info;
	GstReferenceTimestampMeta *ref;
	struct rtsp_stamp st;
	struct anprcap_frame *f = &sl->s.pub;
	uint64_t recv_mono, now_mono = ns_of(CLOCK_MONOTONIC);
	int64_t recv_utc, probe_seq, onvif_utc;
	uint64_t drops = 0;

	if (!r->got_frame && r->pipe) {
		/* a new session: is its clock ours? */
		GstClock *c = gst_pipeline_get_clock(GST_PIPELINE(r->pipe));
		GstClockType type = GST_CLOCK_TYPE_REALTIME;

		if (c && GST_IS_SYSTEM_CLOCK(c))
			g_object_get(c, "clock-type", &type, NULL);
		r->clock_mono = type == GST_CLOCK_TYPE_MONOTONIC;
		r->base_time = gst_element_get_base_time(r->pipe);
		if (c)
			gst_object_unref(c);
	}
	if (!buf || !caps || !gst_video_info_from_caps(&info, caps) ||
	    !gst_video_frame_map(&sl->vf, &info, buf, GST_MAP_READ)) {
		gst_sample_unref(s);
		return anprcap__err(ANPRCAP_E_CORRUPT, "%s: a decoded frame could not be mapped",
				    r->url.location);
	}
	sl->sample = s;
	sl->mapped = 1;
	/* arrival at the appsink, on both host clocks */
	recv_mono = GST_BUFFER_OFFSET_END(buf);
	if (recv_mono == GST_BUFFER_OFFSET_NONE || recv_mono > now_mono)
		recv_mono = now_mono;
	/* better: the jitter buffer's time of the frame's packets (their
	 * arrival, smoothed by the RTP timestamps: frames stay spaced as the
	 * camera took them, however they come out of the buffer and the
	 * decoder), when the pipeline's clock is CLOCK_MONOTONIC */
	if (r->clock_mono && GST_BUFFER_PTS_IS_VALID(buf)) {
		guint64 rt = gst_segment_to_running_time(gst_sample_get_segment(s), GST_FORMAT_TIME,
							 GST_BUFFER_PTS(buf));

		if (GST_CLOCK_TIME_IS_VALID(rt) && r->base_time + rt <= recv_mono &&
		    recv_mono - (r->base_time + rt) < 10 * GST_SECOND)
			recv_mono = r->base_time + rt;
	}
	recv_utc = (int64_t)ns_of(CLOCK_REALTIME) - (int64_t)(now_mono - recv_mono);
	/* the camera's time: the frame's own ONVIF time where it sent one,
	 * else its RTP time through the last sender report */
	onvif_utc = GST_BUFFER_PTS_IS_VALID(buf) ?
		    anprcap__rtsp_onvif_time(&r->onvif, GST_BUFFER_PTS(buf), r->frame_ns) : 0;
	ref = gst_buffer_get_reference_timestamp_meta(buf, r->ntp_caps);
	if (onvif_utc)
		anprcap__rtsp_stamp(&r->clock, 1, onvif_utc, recv_utc, recv_mono, &st);
	else
		anprcap__rtsp_stamp(&r->clock, ref && ref->timestamp >= NTP_UNIX_OFFSET_NS,
				    ref ? (int64_t)(ref->timestamp - NTP_UNIX_OFFSET_NS) : 0,
				    recv_utc, recv_mono, &st);
	if (onvif_utc)
		st.flags |= ANPRCAP_RTSP_FL_ONVIF;

	if (GST_VIDEO_INFO_FPS_N(&info) > 0 && GST_VIDEO_INFO_FPS_D(&info) > 0) {
		r->frame_ns = gst_util_uint64_scale(GST_SECOND, (guint64)GST_VIDEO_INFO_FPS_D(&info),
						    (guint64)GST_VIDEO_INFO_FPS_N(&info));
		src->cfg.fps_num = (uint32_t)GST_VIDEO_INFO_FPS_N(&info);
		src->cfg.fps_den = (uint32_t)GST_VIDEO_INFO_FPS_D(&info);
	}
	src->cfg.width = (uint32_t)GST_VIDEO_INFO_WIDTH(&info);
	src->cfg.height = (uint32_t)GST_VIDEO_INFO_HEIGHT(&info);
	/* frames the appsink dropped (the caller was slow) or that were
	 * thrown away at a teardown */
	probe_seq = (int64_t)GST_BUFFER_OFFSET(buf);
	if (r->last_probe_seq >= 0 && probe_seq > r->last_probe_seq + 1)
		drops += (uint64_t)(probe_seq - r->last_probe_seq - 1);
	r->last_probe_seq = probe_seq;
	/* frames the camera sent that never decoded (lost packets): gaps in
	 * the stream's own timestamps */
	if (r->got_frame && r->frame_ns && GST_BUFFER_PTS_IS_VALID(buf) && r->last_pts >= 0 &&
	    (int64_t)GST_BUFFER_PTS(buf) > r->last_pts) {
		uint64_t d = (GST_BUFFER_PTS(buf) - (uint64_t)r->last_pts + r->frame_ns / 2) / r->frame_ns;

		if (d > 1)
			drops += d - 1;
	}
	r->last_pts = GST_BUFFER_PTS_IS_VALID(buf) ? (int64_t)GST_BUFFER_PTS(buf) : -1;

	memset(&sl->meta, 0, sizeof(sl->meta));
	if (!r->got_frame && r->down_since) {
		/* the first frame after an outage */
		uint64_t gap = recv_mono > r->down_since ? recv_mono - r->down_since : 0;

		if (r->frame_ns && gap > r->frame_ns) {
			gap -= r->frame_ns;	/* one interval is not lost */
			drops += gap / r->frame_ns;
		}
		r->lost_ns += gap;
		sl->meta.gap_ns = gap;
		sl->meta.flags |= ANPRCAP_RTSP_FL_RECONNECTED;
		r->reconnects++;
		r->down_since = 0;
	}
	r->got_frame = 1;
	r->attempt = 0;
	r->last_frame_mono = recv_mono;

	sl->meta.magic = ANPRCAP_META_RTSP;
	sl->meta.version = 1;
	sl->meta.size = sizeof(sl->meta);
	sl->meta.clock = st.clock;
	sl->meta.flags |= st.flags;
	sl->meta.camera_utc_ns = st.camera_utc_ns;
	sl->meta.receive_utc_ns = recv_utc;
	sl->meta.receive_mono_ns = recv_mono;
	sl->meta.lost_ns = r->lost_ns;
	sl->meta.reconnects = r->reconnects;

	f->data = GST_VIDEO_FRAME_PLANE_DATA(&sl->vf, 0);
	f->stride = (size_t)GST_VIDEO_FRAME_PLANE_STRIDE(&sl->vf, 0);
	f->width = (uint32_t)GST_VIDEO_FRAME_WIDTH(&sl->vf);
	f->height = (uint32_t)GST_VIDEO_FRAME_HEIGHT(&sl->vf);
	f->bytes = f->stride * f->height;
	f->format = ANPRCAP_FMT_GREY;
	f->drops = drops > UINT32_MAX ? UINT32_MAX : (uint32_t)drops;
	f->sequence = r->next_seq + drops;
	r->next_seq = f->sequence + 1;
	f->timestamp_ns = st.mono_ns;
	f->ts_source = st.ts_host ? ANPRCAP_TS_HOST : ANPRCAP_TS_SOE;
	f->meta_format = ANPRCAP_META_RTSP;
	f->meta = &sl->meta;
	f->meta_bytes = sizeof(sl->meta);
	f->dmabuf_fd = -1;
	return 0;
}

static int rtsp_next(struct anprcap_source *src, int timeout_ms, struct anprcap_slot **out)
{
	struct rsrc *r = src->priv;
	struct rslot *sl = NULL;
	GstSample *s = NULL;
	uint64_t now = ns_of(CLOCK_MONOTONIC);
	uint64_t deadline = timeout_ms < 0 ? UINT64_MAX : now + (uint64_t)timeout_ms * 1000000ull;
	int rc;

	for (int i = 0; i < r->nslots; i++)
		if (!r->slots[i].s.held) {
			sl = &r->slots[i];
			break;
		}
	if (!sl)
		return anprcap__err(ANPRCAP_E_BUSY,
				    "%s: all %d buffers are held by the caller; release a frame",
				    r->url.location, r->nslots);
	unmap_slot(sl);
	if (r->ended)
		return anprcap__err(ANPRCAP_E_EOF, "%s: the camera ended the stream",
				    r->url.location);
	if (r->pending) {
		s = r->pending;
		r->pending = NULL;
		rc = fill(src, sl, s);
		if (rc == 0)
			*out = &sl->s;
		return rc;
	}
	for (;;) {
		now = ns_of(CLOCK_MONOTONIC);
		if (!r->up) {
			if (now < r->retry_at) {
				uint64_t until = r->retry_at < deadline ? r->retry_at : deadline;
				struct timespec ts = { (time_t)(until / 1000000000ull),
						       (long)(until % 1000000000ull) };

				if (until > now)
					clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
				/* anprd's status reads the reason from this form
				 * (daemon/core/capture_state.c): keep it */
				if (ns_of(CLOCK_MONOTONIC) >= deadline && ns_of(CLOCK_MONOTONIC) < r->retry_at)
					return anprcap__err(ANPRCAP_E_TIMEOUT,
							    "%s: stream lost (%s) %.1f s ago; reconnect "
							    "attempt %u in %.1f s", r->url.location,
							    r->reason,
							    (double)(ns_of(CLOCK_MONOTONIC) - r->down_since) / 1e9,
							    r->attempt + 1,
							    (double)(r->retry_at - ns_of(CLOCK_MONOTONIC)) / 1e9);
				continue;
			}
			rc = build(src);
			if (rc < 0)
				return rc;
		}
		{
			/* the silence limit after the session's last frame, or
			 * after its start (plus a second to connect) */
			uint64_t silence = (uint64_t)r->url.timeout_ms * 1000000ull;
			uint64_t stall_at = r->got_frame ? r->last_frame_mono + silence :
					    r->session_start + silence + 1000000000ull;

			rc = wait_sample(r, deadline < stall_at ? deadline : stall_at, &s);
		}
		if (rc == 1)
			break;
		now = ns_of(CLOCK_MONOTONIC);
		if (rc == 0 && now < deadline)
			snprintf(r->reason, sizeof(r->reason), "no frame for %u ms", r->url.timeout_ms);
		if (rc == ANPRCAP_E_EOF && r->url.end_eof) {
			/* #end=eof: a recording served over RTSP has ended */
			teardown(r);
			r->ended = 1;
			return anprcap__err(ANPRCAP_E_EOF, "%s: the camera ended the stream",
					    r->url.location);
		}
		if (rc < 0 || now < deadline) {
			int auth = rc == ANPRCAP_E_ACCESS;

			session_lost(r, now);
			if (auth)
				return anprcap__err(ANPRCAP_E_ACCESS, "%s: %s; retrying in %.1f s",
						    r->url.location, r->reason,
						    (double)(r->retry_at - now) / 1e9);
			continue;
		}
		if (!r->got_frame && r->down_since)
			/* a reconnect is connecting: still an outage, say so
			 * with its cause rather than as a quiet wait */
			return anprcap__err(ANPRCAP_E_TIMEOUT,
					    "%s: stream lost (%s) %.1f s ago; reconnect "
					    "attempt %u under way", r->url.location, r->reason,
					    (double)(now - r->down_since) / 1e9, r->attempt);
		return anprcap__err(ANPRCAP_E_TIMEOUT, "%s: no frame within %d ms",
				    r->url.location, timeout_ms);
	}
	rc = fill(src, sl, s);
	if (rc == 0)
		*out = &sl->s;
	return rc;
}

static void rtsp_release(struct anprcap_source *src, struct anprcap_slot *slot)
{
	(void)src;
	unmap_slot((struct rslot *)(void *)slot);
}

const struct anprcap_backend_ops anprcap__rtsp_ops = {
	.scheme = "rtsp",
	.list = NULL,		/* cameras on a network are configured, not found */
	.open = rtsp_open,
	.close = rtsp_close,
	.configure = rtsp_configure,
	.start = rtsp_start,
	.stop = rtsp_stop,
	.next = rtsp_next,
	.release = rtsp_release,
	.get_fd = NULL,		/* frames come from GStreamer's threads */
};

const struct anprcap_backend_ops anprcap__rtsps_ops = {
	.scheme = "rtsps",
	.list = NULL,
	.open = rtsps_open,
	.close = rtsp_close,
	.configure = rtsp_configure,
	.start = rtsp_start,
	.stop = rtsp_stop,
	.next = rtsp_next,
	.release = rtsp_release,
	.get_fd = NULL,
};
