// SPDX-License-Identifier: MIT
/* tracker.c - multi-frame vehicle tracking and voting; see tracker.h. */
#include "core/tracker.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/vrm.h"

struct track {
	int used;
	uint64_t id;
	int source;
	int nreads;		/* all readings joined */
	int nunread;		/* frames found but not read */
	struct trk_read best_unread;	/* the strongest of them */
	struct trk_read last_text;	/* the last reading (text "": none) */
	int nstored;		/* kept in reads[] for the vote */
	int has_prev;
	int64_t first_us;
	struct trk_read last, prev;
	struct trk_read reads[TRK_MAX_READS];
};

struct tracker {
	struct tracker_params p;
	trk_emit_fn emit;
	trk_drop_fn drop;
	void *ctx;
	uint64_t dropped;
	uint64_t dropped_unread;
	uint64_t last_id;
	struct track tracks[TRK_MAX_TRACKS];
};

void tracker_params_default(struct tracker_params *p)
{
	p->max_gap_us = 1000000;
	p->timeout_us = 2000000;
	p->leave_grace_us = 300000;
	p->gate = 2.0;
	p->min_reads = 1;
	p->edge_margin = 0.05;
	p->unread_min = 3;
}

struct tracker *tracker_new(const struct tracker_params *p, trk_emit_fn emit,
			    void *ctx)
{
	struct tracker *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->p = *p;
	t->emit = emit;
	t->ctx = ctx;
	return t;
}

void tracker_on_drop(struct tracker *t, trk_drop_fn drop)
{
	t->drop = drop;
}

void tracker_free(struct tracker *t)
{
	free(t);
}

int tracker_open(const struct tracker *t)
{
	int n = 0;

	for (int i = 0; i < TRK_MAX_TRACKS; i++)
		n += t->tracks[i].used;
	return n;
}

uint64_t tracker_dropped(const struct tracker *t)
{
	return t->dropped;
}

uint64_t tracker_dropped_unread(const struct tracker *t)
{
	return t->dropped_unread;
}

int trk_text_distance(const char *a, const char *b)
{
	int la = (int)strlen(a), lb = (int)strlen(b);
	int d[TRK_TEXT_MAX + 1][TRK_TEXT_MAX + 1];

	if (la > TRK_TEXT_MAX)
		la = TRK_TEXT_MAX;
	if (lb > TRK_TEXT_MAX)
		lb = TRK_TEXT_MAX;
	for (int i = 0; i <= la; i++)
		d[i][0] = 2 * i;
	for (int j = 0; j <= lb; j++)
		d[0][j] = 2 * j;
	for (int i = 1; i <= la; i++)
		for (int j = 1; j <= lb; j++) {
			int sub = a[i - 1] == b[j - 1] ? 0 :
				  vrm_fold_char(a[i - 1]) ==
				  vrm_fold_char(b[j - 1]) ? 1 : 2;
			int v = d[i - 1][j - 1] + sub;
			if (d[i - 1][j] + 2 < v)
				v = d[i - 1][j] + 2;
			if (d[i][j - 1] + 2 < v)
				v = d[i][j - 1] + 2;
			d[i][j] = v;
		}
	return d[la][lb];
}

static int char_slot(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'Z')
		return 10 + c - 'A';
	return -1;
}

static const char slot_char[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

static float read_conf(const struct trk_read *r)
{
	return r->conf > 0.01f ? r->conf : 0.01f;
}

void trk_vote(const struct trk_read *reads, int n, struct trk_vehicle *v)
{
	float len_score[TRK_TEXT_MAX + 1] = {0};
	int len_count[TRK_TEXT_MAX + 1] = {0};
	int L = 0, best = -1;
	float conf_sum = 0;

	v->vrm[0] = '\0';
	v->nreads = n;
	v->nvoting = 0;
	v->agreement = 0;
	v->conf = 0;
	for (int i = 0; i < n; i++) {
		size_t l = strlen(reads[i].text);
		if (l == 0 || l > TRK_TEXT_MAX)
			continue;
		len_score[l] += read_conf(&reads[i]);
		len_count[l]++;
	}
	for (int l = 1; l <= TRK_TEXT_MAX; l++)
		if (len_count[l] &&
		    (L == 0 || len_score[l] > len_score[L] ||
		     (len_score[l] == len_score[L] && len_count[l] > len_count[L])))
			L = l;
	if (L == 0)
		return;
	v->agreement = 1.0f;
	for (int pos = 0; pos < L; pos++) {
		float score[36] = {0}, total = 0;
		int win = 0;
		for (int i = 0; i < n; i++) {
			const struct trk_read *r = &reads[i];
			int s;
			float w;
			if (strlen(r->text) != (size_t)L)
				continue;
			s = char_slot(r->text[pos]);
			if (s < 0)
				continue;
			w = r->char_conf[pos] > 0 ? r->char_conf[pos]
						  : read_conf(r);
			score[s] += w;
			total += w;
		}
		for (int s = 1; s < 36; s++)
			if (score[s] > score[win])
				win = s;
		v->vrm[pos] = slot_char[win];
		if (total > 0 && score[win] / total < v->agreement)
			v->agreement = score[win] / total;
	}
	v->vrm[L] = '\0';
	for (int i = 0; i < n; i++) {
		if (strlen(reads[i].text) != (size_t)L)
			continue;
		v->nvoting++;
		conf_sum += reads[i].conf;
		if (best < 0)
			best = i;
		int eq = strcmp(reads[i].text, v->vrm) == 0;
		int beq = strcmp(reads[best].text, v->vrm) == 0;
		if ((eq && !beq) || (eq == beq && reads[i].conf > reads[best].conf))
			best = i;
	}
	v->conf = conf_sum / (float)v->nvoting;
	v->best = reads[best];
}

static void finish(struct tracker *t, struct track *tr, enum trk_end end)
{
	struct trk_vehicle v;

	tr->used = 0;
	if (tr->nreads == 0) {
		/* Found, never read: an unreadable plate, or nothing. */
		if (t->p.unread_min <= 0 || tr->nunread < t->p.unread_min) {
			t->dropped_unread++;
			return;
		}
		memset(&v, 0, sizeof(v));
		v.id = tr->id;
		v.source = tr->source;
		v.first_us = tr->first_us;
		v.last_us = tr->last.t_us;
		v.end = end;
		v.best = tr->best_unread;
		v.nunread = tr->nunread;
		v.unread = tr->best_unread.unread;
		v.conf = tr->best_unread.evidence;
		t->emit(t->ctx, &v);
		return;
	}
	if (tr->nreads < t->p.min_reads) {
		t->dropped++;
		if (t->drop)
			t->drop(t->ctx, tr->id);
		return;
	}
	memset(&v, 0, sizeof(v));
	v.id = tr->id;
	trk_vote(tr->reads, tr->nstored, &v);
	v.nreads = tr->nreads;
	v.source = tr->source;
	v.first_us = tr->first_us;
	v.last_us = tr->last.t_us;
	v.end = end;
	v.nunread = tr->nunread;
	if (tr->has_prev) {
		float dy = (tr->last.y + tr->last.h / 2) -
			   (tr->reads[0].y + tr->reads[0].h / 2);
		float tol = tr->last.h > 0 ? tr->last.h / 4 : 1;
		v.direction = dy > tol ? 1 : dy < -tol ? -1 : 0;
	}
	t->emit(t->ctx, &v);
}

/* Centre of a read's box, and the centre the track predicts at t_us. */
static void centre(const struct trk_read *r, double *x, double *y)
{
	*x = r->x + r->w / 2.0;
	*y = r->y + r->h / 2.0;
}

static void velocity(const struct track *tr, double *vx, double *vy)
{
	double x0, y0, x1, y1, dt;

	*vx = *vy = 0;
	if (!tr->has_prev)
		return;
	dt = (double)(tr->last.t_us - tr->prev.t_us);
	if (dt <= 0)
		return;
	centre(&tr->prev, &x0, &y0);
	centre(&tr->last, &x1, &y1);
	*vx = (x1 - x0) / dt;
	*vy = (y1 - y0) / dt;
}

/* Cost of r joining tr, or a negative value if it cannot. */
static double join_cost(const struct tracker *t, const struct track *tr,
			const struct trk_read *r)
{
	const struct trk_read *l = &tr->last;
	int64_t dt = r->t_us - l->t_us;
	double lx, ly, rx, ry, vx, vy, px, py, draw, dpred, d, w, allowed;
	int td, tmax;
	size_t la, lb;

	if (tr->source != r->source || dt < 0 || dt > t->p.max_gap_us ||
	    r->frame_seq == l->frame_seq)
		return -1;
	centre(l, &lx, &ly);
	centre(r, &rx, &ry);
	velocity(tr, &vx, &vy);
	px = lx + vx * (double)dt;
	py = ly + vy * (double)dt;
	draw = hypot(rx - lx, ry - ly);
	dpred = hypot(rx - px, ry - py);
	/* A track that has moved is held to where its motion leads (a plate
	 * does not jump back against its travel); a single read only has
	 * its position. */
	d = tr->has_prev ? dpred : draw;
	w = l->w > r->w ? l->w : r->w;
	if (w < 1)
		w = 1;
	/* The gate widens with the time since the last read (missed
	 * frames), but no further than 300 ms' worth. */
	allowed = t->p.gate * w *
		  fmin(fmax((double)dt / 100000.0, 0.5), 3.0);
	if (d > allowed)
		return -1;
	if (r->unread || !tr->last_text.text[0]) {
		/* By position alone: the boxes overlap where the track's
		 * motion puts its last one. */
		double ox = fmin(l->x + vx * (double)dt + l->w, r->x + r->w) -
			    fmax(l->x + vx * (double)dt, r->x);
		double oy = fmin(l->y + vy * (double)dt + l->h, r->y + r->h) -
			    fmax(l->y + vy * (double)dt, r->y);
		if (ox <= 0 || oy <= 0)
			return -1;
		return d / w + 1.0;
	}
	l = &tr->last_text;
	td = trk_text_distance(r->text, l->text);
	la = strlen(r->text);
	lb = strlen(l->text);
	tmax = (int)(la > lb ? la : lb);
	if (tmax < 4)
		tmax = 4;
	if (td > tmax)
		return -1;
	return d / w + td * 0.5;
}

static void store_read(struct track *tr, const struct trk_read *r)
{
	if (tr->nstored < TRK_MAX_READS) {
		tr->reads[tr->nstored++] = *r;
		return;
	}
	int lo = 0;
	for (int i = 1; i < TRK_MAX_READS; i++)
		if (tr->reads[i].conf < tr->reads[lo].conf)
			lo = i;
	if (r->conf > tr->reads[lo].conf)
		tr->reads[lo] = *r;
}

/* Count @r into @tr: a reading votes, a plate not read is counted. */
static void take(struct track *tr, const struct trk_read *r)
{
	if (r->unread) {
		if (!tr->nunread || r->evidence > tr->best_unread.evidence)
			tr->best_unread = *r;
		tr->nunread++;
		return;
	}
	tr->nreads++;
	tr->last_text = *r;
	store_read(tr, r);
}

uint64_t tracker_add(struct tracker *t, const struct trk_read *r)
{
	struct track *best = NULL, *tr;
	double best_cost = 0;

	for (int i = 0; i < TRK_MAX_TRACKS; i++) {
		double c;
		tr = &t->tracks[i];
		if (!tr->used)
			continue;
		c = join_cost(t, tr, r);
		if (c >= 0 && (!best || c < best_cost)) {
			best = tr;
			best_cost = c;
		}
	}
	if (best) {
		best->prev = best->last;
		best->has_prev = 1;
		best->last = *r;
		take(best, r);
		return best->id;
	}
	tr = NULL;
	for (int i = 0; i < TRK_MAX_TRACKS && !tr; i++)
		if (!t->tracks[i].used)
			tr = &t->tracks[i];
	if (!tr) {
		tr = &t->tracks[0];
		for (int i = 1; i < TRK_MAX_TRACKS; i++)
			if (t->tracks[i].last.t_us < tr->last.t_us)
				tr = &t->tracks[i];
		finish(t, tr, TRK_END_EVICTED);
	}
	memset(tr, 0, offsetof(struct track, reads));
	tr->used = 1;
	tr->id = ++t->last_id;
	tr->source = r->source;
	tr->first_us = r->t_us;
	tr->last = *r;
	take(tr, r);
	return tr->id;
}

/* The plate was last seen at an edge of the view, moving out of it. */
static int has_left(const struct tracker *t, const struct track *tr)
{
	const struct trk_read *l = &tr->last;
	double vx, vy, mx, my;

	if (!tr->has_prev || l->frame_w <= 0 || l->frame_h <= 0)
		return 0;
	velocity(tr, &vx, &vy);
	mx = t->p.edge_margin * l->frame_w;
	my = t->p.edge_margin * l->frame_h;
	return (vy > 0 && l->y + l->h >= l->frame_h - my) ||
	       (vy < 0 && l->y <= my) ||
	       (vx > 0 && l->x + l->w >= l->frame_w - mx) ||
	       (vx < 0 && l->x <= mx);
}

void tracker_tick(struct tracker *t, int64_t now_us)
{
	for (int i = 0; i < TRK_MAX_TRACKS; i++) {
		struct track *tr = &t->tracks[i];
		int64_t age;
		if (!tr->used)
			continue;
		age = now_us - tr->last.t_us;
		if (has_left(t, tr) && age >= t->p.leave_grace_us)
			finish(t, tr, TRK_END_LEFT);
		else if (age >= t->p.timeout_us)
			finish(t, tr, TRK_END_TIMEOUT);
	}
}

void tracker_flush(struct tracker *t)
{
	for (int i = 0; i < TRK_MAX_TRACKS; i++)
		if (t->tracks[i].used)
			finish(t, &t->tracks[i], TRK_END_FLUSH);
}
