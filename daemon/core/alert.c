// SPDX-License-Identifier: MIT
/* alert.c - alert JSON lines and the alert priority queue; see alert.h. */
#include "core/alert.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/utf8.h"

const char *alert_kind_name(int kind)
{
	switch (kind) {
	case ALERT_HIT: return "hit";
	case ALERT_HIT_SEARCHBACK: return "hit-searchback";
	case ALERT_HEALTH: return "health";
	case ALERT_INFO: return "info";
	case ALERT_HIT_RECORD: return "hit-record";
	case ALERT_UNREADABLE: return "unreadable";
	default: return "unknown";
	}
}

const char *alert_action_name(int action)
{
	switch (action) {
	case HOTLIST_ACT_INTERCEPT: return "intercept";
	case HOTLIST_ACT_INFORM: return "inform";
	case HOTLIST_ACT_SILENT: return "silent";
	default: return "unknown";
	}
}

struct buf {
	char *p;
	size_t len, off;
	int over;
};

static void put(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->over)
		return;
	va_start(ap, fmt);
	n = vsnprintf(b->p + b->off, b->len - b->off, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= b->len - b->off)
		b->over = 1;
	else
		b->off += (size_t)n;
}

/*
 * A JSON string (RFC 8259, section 7) from whatever bytes s holds: quotes
 * and backslashes escaped, control characters (C0, DEL, C1) and U+2028/9
 * as \uXXXX, valid UTF-8 copied, and every byte that does not begin a
 * valid UTF-8 sequence written as \ufffd. The line is thus valid JSON
 * and valid UTF-8 whatever a hotlist or a caller put in the alert.
 */
static void put_str(struct buf *b, const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t n = strlen(s), i = 0;

	put(b, "\"");
	while (i < n && !b->over) {
		uint32_t cp;
		int len = utf8_decode(u + i, n - i, &cp);

		if (len == 0)
			put(b, "\\u%04x", UTF8_REPLACEMENT);
		else if (cp == '"' || cp == '\\')
			put(b, "\\%c", (char)cp);
		else if (cp == '\n')
			put(b, "\\n");
		else if (utf8_is_control(cp) || cp == 0x2028 || cp == 0x2029)
			put(b, "\\u%04x", cp);
		else
			put(b, "%.*s", len, s + i);
		i += len ? (size_t)len : 1;
	}
	put(b, "\"");
}

static void put_time(struct buf *b, int64_t us)
{
	time_t s = (time_t)(us / 1000000);
	long frac = (long)(us % 1000000);
	struct tm tm;

	if (frac < 0) {
		frac += 1000000;
		s--;
	}
	gmtime_r(&s, &tm);
	put(b, "\"%04d-%02d-%02dT%02d:%02d:%02d.%06ldZ\"", tm.tm_year + 1900,
	    tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, frac);
}

int alert_format_json(const struct alert *a, char *out, size_t len)
{
	struct buf b = {out, len, 0, len == 0};

	put(&b, "{\"schema\":\"%s\",\"seq\":%llu,\"kind\":\"%s\",\"time\":",
	    ALERT_SCHEMA, (unsigned long long)a->seq, alert_kind_name(a->kind));
	put_time(&b, a->time_us);
	put(&b, ",\"camera\":");
	put_str(&b, a->camera);
	put(&b, ",\"source\":");
	put_str(&b, a->source);
	if (ALERT_IS_HIT(a->kind)) {
		put(&b, ",\"vrm\":");
		put_str(&b, a->vrm);
		put(&b, ",\"match\":{\"vrm\":");
		put_str(&b, a->entry_vrm);
		put(&b, ",\"list\":");
		put_str(&b, a->list);
		put(&b, ",\"reason\":");
		put_str(&b, a->reason);
		put(&b, ",\"priority\":%d,\"action\":\"%s\",\"distance\":%d,"
		    "\"fuzzy\":%s,\"wildcard\":%s},\"vehicle\":%llu,\"record\":",
		    a->priority, alert_action_name(a->action), a->distance,
		    a->distance ? "true" : "false",
		    a->wildcard ? "true" : "false",
		    (unsigned long long)a->vehicle);
		if (a->record[0])
			put_str(&b, a->record);
		else
			put(&b, "null");
		put(&b, ",\"record_pending\":%s,\"confidence\":%.3f",
		    a->record_pending && !a->record[0] ? "true" : "false",
		    (double)a->confidence);
		if (a->kind == ALERT_HIT_RECORD) {
			put(&b, ",\"hit_seq\":%llu,\"detail\":",
			    (unsigned long long)a->hit_seq);
			put_str(&b, a->detail);
		}
	} else if (a->kind == ALERT_UNREADABLE) {
		/* no mark, no match: why it was not read, how strongly it
		 * was a plate (0..1), the vehicle, its record (written when
		 * the alert is sent: null if there is none) */
		put(&b, ",\"vehicle\":%llu,\"why\":", (unsigned long long)a->vehicle);
		put_str(&b, a->state);
		put(&b, ",\"evidence\":%.3f,\"detail\":", (double)a->confidence);
		put_str(&b, a->detail);
	} else {
		if (a->kind == ALERT_HEALTH) {
			put(&b, ",\"state\":");
			put_str(&b, a->state);
			put(&b, ",\"active\":%s", a->active ? "true" : "false");
		}
		put(&b, ",\"detail\":");
		put_str(&b, a->detail);
	}
	put(&b, "}\n");
	return b.over ? -1 : (int)b.off;
}

/* ---- priority queue -------------------------------------------------- */

static int kind_rank(int kind)
{
	switch (kind) {
	case ALERT_HIT: return 0;
	case ALERT_HIT_RECORD: return 1;
	case ALERT_HIT_SEARCHBACK: return 2;
	case ALERT_HEALTH: return 3;
	case ALERT_UNREADABLE: return 3;
	default: return 4;
	}
}

int alert_rank_cmp(const struct alert *a, const struct alert *b)
{
	int ka = kind_rank(a->kind), kb = kind_rank(b->kind);

	if (ka != kb)
		return ka - kb;
	if (ALERT_IS_HIT(a->kind) && a->priority != b->priority)
		return a->priority - b->priority;
	return (a->seq > b->seq) - (a->seq < b->seq);
}

int alert_queue_init(struct alert_queue *q, size_t cap)
{
	pthread_condattr_t ca;

	memset(q, 0, sizeof(*q));
	q->heap = calloc(cap, sizeof(struct alert));
	if (!q->heap)
		return -1;
	q->cap = cap;
	q->next_seq = 1;
	pthread_mutex_init(&q->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&q->cv, &ca);
	pthread_condattr_destroy(&ca);
	return 0;
}

void alert_queue_destroy(struct alert_queue *q)
{
	free(q->heap);
	q->heap = NULL;
	pthread_mutex_destroy(&q->mu);
	pthread_cond_destroy(&q->cv);
}

static void swap(struct alert *h, size_t i, size_t j)
{
	struct alert t = h[i];
	h[i] = h[j];
	h[j] = t;
}

static void sift_up(struct alert *h, size_t i)
{
	while (i > 0) {
		size_t p = (i - 1) / 2;
		if (alert_rank_cmp(&h[i], &h[p]) >= 0)
			break;
		swap(h, i, p);
		i = p;
	}
}

static void sift_down(struct alert *h, size_t n, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;
		if (l < n && alert_rank_cmp(&h[l], &h[m]) < 0)
			m = l;
		if (r < n && alert_rank_cmp(&h[r], &h[m]) < 0)
			m = r;
		if (m == i)
			return;
		swap(h, i, m);
		i = m;
	}
}

int alert_queue_push(struct alert_queue *q, const struct alert *a)
{
	int rc = 0;

	pthread_mutex_lock(&q->mu);
	struct alert in = *a;
	if (in.seq == 0)
		in.seq = q->next_seq++;
	if (q->n == q->cap) {
		/* The lowest-ranked is among the leaves. */
		size_t worst = q->n / 2;
		for (size_t i = q->n / 2; i < q->n; i++)
			if (alert_rank_cmp(&q->heap[i], &q->heap[worst]) > 0)
				worst = i;
		q->dropped++;
		rc = -1;
		if (alert_rank_cmp(&in, &q->heap[worst]) < 0) {
			q->heap[worst] = in;
			sift_up(q->heap, worst);
		}
	} else {
		q->heap[q->n] = in;
		sift_up(q->heap, q->n);
		q->n++;
	}
	pthread_cond_signal(&q->cv);
	pthread_mutex_unlock(&q->mu);
	return rc;
}

int alert_queue_pop(struct alert_queue *q, struct alert *out, int timeout_ms)
{
	struct timespec dl;
	int rc;

	clock_gettime(CLOCK_MONOTONIC, &dl);
	if (timeout_ms > 0) {
		dl.tv_sec += timeout_ms / 1000;
		dl.tv_nsec += (long)(timeout_ms % 1000) * 1000000;
		if (dl.tv_nsec >= 1000000000) {
			dl.tv_sec++;
			dl.tv_nsec -= 1000000000;
		}
	}
	pthread_mutex_lock(&q->mu);
	while (q->n == 0 && !q->closed && timeout_ms != 0) {
		if (timeout_ms < 0) {
			pthread_cond_wait(&q->cv, &q->mu);
		} else if (pthread_cond_timedwait(&q->cv, &q->mu, &dl) ==
			   ETIMEDOUT) {
			break;
		}
	}
	if (q->n) {
		*out = q->heap[0];
		q->heap[0] = q->heap[--q->n];
		sift_down(q->heap, q->n, 0);
		rc = 1;
	} else {
		rc = q->closed ? -1 : 0;
	}
	pthread_mutex_unlock(&q->mu);
	return rc;
}

void alert_queue_close(struct alert_queue *q)
{
	pthread_mutex_lock(&q->mu);
	q->closed = 1;
	pthread_cond_broadcast(&q->cv);
	pthread_mutex_unlock(&q->mu);
}

size_t alert_queue_len(struct alert_queue *q)
{
	size_t n;

	pthread_mutex_lock(&q->mu);
	n = q->n;
	pthread_mutex_unlock(&q->mu);
	return n;
}

uint64_t alert_queue_dropped(struct alert_queue *q)
{
	uint64_t n;

	pthread_mutex_lock(&q->mu);
	n = q->dropped;
	pthread_mutex_unlock(&q->mu);
	return n;
}
