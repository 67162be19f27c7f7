/* SPDX-License-Identifier: MIT */
/*
 * rtsp_onvif.c - each RTSP frame's own time from the ONVIF replay
 * extension (ONVIF Streaming Specification, "RTP header extension":
 * profile 0xABAC, 3 words: the NTP time of the frame, 64 bits; flags C,
 * E, D, T; CSeq; padding), which recorders and many cameras write in the
 * packets of each frame. GStreamer's rtponvifparse reads only the
 * header's flags, so a probe on rtspsrc's output pads reads the time with
 * GStreamer's RTP buffer API (no RTP parsing of ours) and notes it by the
 * packets' timestamp, which the depayloader and decoder carry to the
 * frame. The sender reports map a frame's RTP time to the camera's clock
 * only once a report has come (often seconds into a stream); the header
 * is that very frame's time from the first frame on.
 */
#include "rtsp_onvif.h"

#include <gst/rtp/gstrtpbuffer.h>
#include <string.h>

#define ONVIF_EXT_ID 0xABAC		/* the extension's profile */
#define ONVIF_EXT_WORDS 3		/* and length in 32-bit words */
#define NTP_UNIX_OFFSET_S 2208988800ull	/* 1900 -> 1970 */

void anprcap__rtsp_onvif_init(struct rtsp_onvif *o)
{
	memset(o, 0, sizeof(*o));
	pthread_mutex_init(&o->lock, NULL);
}

void anprcap__rtsp_onvif_destroy(struct rtsp_onvif *o)
{
	pthread_mutex_destroy(&o->lock);
}

void anprcap__rtsp_onvif_reset(struct rtsp_onvif *o)
{
	pthread_mutex_lock(&o->lock);
	memset(o->marks, 0, sizeof(o->marks));
	o->next = 0;
	pthread_mutex_unlock(&o->lock);
}

/* One RTP packet leaving rtspsrc: its ONVIF time, if it has one, noted by
 * its timestamp (all packets of a frame share both). */
static gboolean note(GstBuffer **buf, guint idx, gpointer data)
{
	struct rtsp_onvif *o = data;
	GstRTPBuffer rtp = GST_RTP_BUFFER_INIT;
	guint16 bits;
	gpointer ext;
	guint words;
	uint64_t ntp = 0, pts;
	int64_t utc;
	unsigned last;

	(void)idx;
	if (!GST_BUFFER_PTS_IS_VALID(*buf) || !gst_rtp_buffer_map(*buf, GST_MAP_READ, &rtp))
		return TRUE;
	if (gst_rtp_buffer_get_extension_data(&rtp, &bits, &ext, &words) &&
	    bits == ONVIF_EXT_ID && words == ONVIF_EXT_WORDS)
		ntp = GST_READ_UINT64_BE(ext);
	gst_rtp_buffer_unmap(&rtp);
	/* NTP seconds since 1900 and a 32-bit fraction, to ns since 1970; a
	 * time before 1970 is no camera's */
	if ((ntp >> 32) <= NTP_UNIX_OFFSET_S)
		return TRUE;
	utc = (int64_t)((ntp >> 32) - NTP_UNIX_OFFSET_S) * (int64_t)GST_SECOND +
	      (int64_t)gst_util_uint64_scale(ntp & 0xffffffffu, GST_SECOND, 1ull << 32);
	pts = GST_BUFFER_PTS(*buf);
	pthread_mutex_lock(&o->lock);
	last = (o->next + RTSP_ONVIF_MARKS - 1) % RTSP_ONVIF_MARKS;
	if (o->marks[last].utc_ns == 0 || o->marks[last].pts != pts) {
		o->marks[o->next] = (struct rtsp_onvif_mark){ pts, utc };
		o->next = (o->next + 1) % RTSP_ONVIF_MARKS;
	}
	pthread_mutex_unlock(&o->lock);
	return TRUE;
}

static GstPadProbeReturn probe(GstPad *pad, GstPadProbeInfo *info, gpointer data)
{
	(void)pad;
	if (info->type & GST_PAD_PROBE_TYPE_BUFFER) {
		GstBuffer *b = GST_PAD_PROBE_INFO_BUFFER(info);

		note(&b, 0, data);
	} else if (info->type & GST_PAD_PROBE_TYPE_BUFFER_LIST) {
		gst_buffer_list_foreach(GST_PAD_PROBE_INFO_BUFFER_LIST(info), note, data);
	}
	return GST_PAD_PROBE_OK;
}

/* rtspsrc's output pads carry RTP packets (after its jitter buffer) */
static void on_pad(GstElement *rtspsrc, GstPad *pad, gpointer data)
{
	(void)rtspsrc;
	if (GST_PAD_IS_SRC(pad))
		gst_pad_add_probe(pad, GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_BUFFER_LIST,
				  probe, data, NULL);
}

void anprcap__rtsp_onvif_watch(struct rtsp_onvif *o, GstElement *rtspsrc)
{
	g_signal_connect(rtspsrc, "pad-added", G_CALLBACK(on_pad), o);
}

int64_t anprcap__rtsp_onvif_time(struct rtsp_onvif *o, uint64_t pts, uint64_t frame_ns)
{
	uint64_t tol = frame_ns ? frame_ns / 4 : 10 * 1000000ull, best = UINT64_MAX;
	int64_t utc = 0;

	pthread_mutex_lock(&o->lock);
	for (int i = 0; i < RTSP_ONVIF_MARKS; i++) {
		const struct rtsp_onvif_mark *m = &o->marks[i];
		uint64_t d = m->pts > pts ? m->pts - pts : pts - m->pts;

		if (m->utc_ns && d <= tol && d < best) {
			best = d;
			utc = m->utc_ns;
		}
	}
	pthread_mutex_unlock(&o->lock);
	return utc;
}
