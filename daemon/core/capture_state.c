// SPDX-License-Identifier: MIT
/*
 * capture_state.c - a frame's capture clock, and an IP camera stream's
 * outage state (capture_state.h). Pure: no I/O, no clock.
 */
#include <stdio.h>
#include <string.h>

#include "core/capture_state.h"

enum ev_capclk capture_clock_of(const struct anprcap_frame *f, bool *disagree)
{
	*disagree = false;
	/* an IP camera's frame says how its time was found; its ts_source
	 * alone cannot tell the camera's clock from an estimate */
	if (f->meta_format == ANPRCAP_META_RTSP && f->meta &&
	    f->meta_bytes >= sizeof(struct anprcap_rtsp_meta)) {
		const struct anprcap_rtsp_meta *m = f->meta;

		*disagree = (m->flags & ANPRCAP_RTSP_FL_CLOCKS_DISAGREE) != 0;
		switch (m->clock) {
		case ANPRCAP_RTSP_CLOCK_SYNCHRONISED: return EV_CAPCLK_CAMERA_SYNCHRONISED;
		case ANPRCAP_RTSP_CLOCK_ESTIMATED: return EV_CAPCLK_CAMERA_ESTIMATED;
		case ANPRCAP_RTSP_CLOCK_RECEIVE_TIME: return EV_CAPCLK_RECEIVE_TIME;
		default: return EV_CAPCLK_UNKNOWN;
		}
	}
	switch (f->ts_source) {
	case ANPRCAP_TS_SOE: return EV_CAPCLK_SENSOR_EXPOSURE;
	case ANPRCAP_TS_EOF: return EV_CAPCLK_DRIVER_FRAME_END;
	case ANPRCAP_TS_HOST: return EV_CAPCLK_RECEIVE_TIME;
	case ANPRCAP_TS_SYNTHETIC: return EV_CAPCLK_SYNTHETIC;
	case ANPRCAP_TS_UNKNOWN:
	default: return EV_CAPCLK_UNKNOWN;
	}
}

void stream_state_frame(struct stream_state *s, const struct anprcap_rtsp_meta *m,
			uint64_t mono_ns, int64_t utc_us)
{
	s->last_frame_ns = mono_ns;
	s->last_frame_utc_us = utc_us;
	s->down = false;
	if (m) {
		s->rtsp = true;
		s->reconnects = m->reconnects;
		s->lost_ns = m->lost_ns;
	}
}

/* The reason in the library's outage messages (rtsp.c):
 *   "<uri>: stream lost (<reason>) <x> s ago; reconnect attempt ..."
 *   "<uri>: <reason>; retrying in <x> s"        (credentials refused)
 * The URI is never copied (the library leaves credentials out of it, but
 * the reason is what an operator needs). 0: not an outage message. */
static int outage_reason(const char *msg, char *out, size_t cap)
{
	const char *lost = strstr(msg, ": stream lost (");
	const char *start, *end;

	if (lost) {
		start = lost + strlen(": stream lost (");
		end = strstr(start, " s ago;");
		while (end && end > start && *end != ')')
			end--;
		if (!end || end <= start)
			return 0;
	} else {
		end = strstr(msg, "; retrying in ");
		start = strstr(msg, ": ");
		if (!end || !start || start > end)
			return 0;
		start += 2;
	}
	snprintf(out, cap, "%.*s", (int)(end - start), start);
	return 1;
}

bool stream_state_lost(struct stream_state *s, const char *msg, uint64_t mono_ns,
		       int64_t utc_us)
{
	char why[sizeof s->reason];
	bool began;

	if (!outage_reason(msg, why, sizeof why))
		return false;
	s->rtsp = true;
	/* the reason may change while it lasts (a refusal after a timeout):
	 * the newest is the one to act on */
	memcpy(s->reason, why, sizeof s->reason);
	began = !s->down;
	if (began) {
		s->down = true;
		/* lost from the last frame on, as the library counts it */
		if (s->last_frame_ns && s->last_frame_ns <= mono_ns) {
			s->down_since_ns = s->last_frame_ns;
			s->down_since_utc_us = s->last_frame_utc_us;
		} else {
			s->down_since_ns = mono_ns;
			s->down_since_utc_us = utc_us;
		}
	}
	return began;
}

uint64_t stream_state_lost_total(const struct stream_state *s, uint64_t now_ns)
{
	uint64_t t = s->lost_ns;

	if (s->down && now_ns > s->down_since_ns)
		t += now_ns - s->down_since_ns;
	return t;
}

const char *stream_state_describe(const struct stream_state *s, uint64_t now_ns,
				  char *out, size_t cap)
{
	double total = (double)stream_state_lost_total(s, now_ns) / 1e9;

	if (!s->rtsp)
		snprintf(out, cap, "%s", "");
	else if (s->down)
		snprintf(out, cap, "camera stream lost %.0f s (%s), reconnecting; "
			 "%u reconnect%s, %.0f s lost since start",
			 (double)(now_ns > s->down_since_ns ? now_ns - s->down_since_ns : 0) / 1e9,
			 s->reason, s->reconnects, s->reconnects == 1 ? "" : "s", total);
	else
		snprintf(out, cap, "camera stream up; %u reconnect%s, %.0f s lost since start",
			 s->reconnects, s->reconnects == 1 ? "" : "s", total);
	return out;
}

/* s as a JSON string's content: '"' and '\\' escaped, anything but
 * printable ASCII as '?' (a reason is for reading, not for round trips) */
static void json_text(char *out, size_t cap, const char *s)
{
	size_t o = 0;

	for (; *s && o + 3 < cap; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			out[o++] = '\\';
		out[o++] = c >= 0x20 && c < 0x7f ? (char)c : '?';
	}
	out[o] = '\0';
}

/* UTC microseconds as "YYYY-MM-DDTHH:MM:SSZ" */
static void utc_text(char *out, size_t cap, int64_t us)
{
	/* civil from days (Howard Hinnant's algorithm): no gmtime, no TZ */
	int64_t secs = us / 1000000, days = secs / 86400, sod = secs % 86400;
	int64_t z, era, doe, yoe, y, doy, mp, d, m;

	if (sod < 0) {
		sod += 86400;
		days--;
	}
	z = days + 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp < 10 ? mp + 3 : mp - 9;
	y += m <= 2;
	snprintf(out, cap, "%04lld-%02lld-%02lldT%02lld:%02lld:%02lldZ", (long long)y,
		 (long long)m, (long long)d, (long long)(sod / 3600),
		 (long long)(sod / 60 % 60), (long long)(sod % 60));
}

const char *stream_state_json(const struct stream_state *s, uint64_t now_ns,
			      char *out, size_t cap)
{
	char why[2 * sizeof s->reason], since[96];

	if (!s->rtsp) {
		snprintf(out, cap, "%s", "");
		return out;
	}
	json_text(why, sizeof why, s->reason);
	utc_text(since, sizeof since, s->down_since_utc_us);
	if (s->down)
		snprintf(out, cap, "{\"up\":false,\"down_since\":\"%s\",\"down_s\":%.1f,"
			 "\"reason\":\"%s\",\"reconnects\":%u,\"lost_s\":%.1f}", since,
			 (double)(now_ns > s->down_since_ns ? now_ns - s->down_since_ns : 0) / 1e9,
			 why, s->reconnects, (double)stream_state_lost_total(s, now_ns) / 1e9);
	else
		snprintf(out, cap, "{\"up\":true,\"down_since\":null,\"down_s\":0.0,"
			 "\"reason\":null,\"reconnects\":%u,\"lost_s\":%.1f}", s->reconnects,
			 (double)stream_state_lost_total(s, now_ns) / 1e9);
	return out;
}
