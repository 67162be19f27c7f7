// SPDX-License-Identifier: MIT
/*
 * ingest_commit.c - group commit: anpr-ingest's request threads hand their
 * checked records to a few committer threads, each of which puts whatever
 * has queued up meanwhile in one transaction (anpr_store_records_put) and
 * then answers every waiting thread (docs/backoffice.md, "What limits
 * ingest").
 *
 * Why: one transaction per record cost a commit, a WAL flush and the
 * chain's row lock held across both, per record; with several records of
 * one camera in flight at once (anpr-upload's [upload] connections) their
 * puts queued on that lock one flush at a time. A committer takes the
 * lock once per group and flushes once per group. Nothing is answered
 * before its group committed: the acknowledgement still follows the
 * durable commit.
 *
 * A chain always goes to the same committer (by a hash of its id), so two
 * committers never wait for each other's chain locks.
 *
 * The images: put by the request threads without a sync of their own
 * (IMAGESTORE_DEFER_SYNC, anpr-ingest --image-sync group), made durable by
 * the committer's one imagestore_sync before the group's transaction.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/anprstore.h"
#include "ingest/ingest_commit.h"

#define GROUP_MAX	64	/* records per transaction, at most */

struct job {
	const struct anpr_stored_record *r;
	bool sync;			/* its images wait for the group's sync */
	int rc;
	char err[INGEST_COMMIT_ERR];
	int done;
	struct job *next;
};

struct committer {
	pthread_mutex_t mu;		/* guards the queue, the jobs' done and
					   results, stop */
	pthread_cond_t queued;		/* a job queued, or stop */
	pthread_cond_t answered;	/* a group's jobs are done */
	struct job *head, *tail;
	int stop;
	pthread_t thread;
	struct anpr_store *st;		/* the committer's own connection;
					   only its thread uses it */
};

static struct {
	char *conninfo;
	unsigned standbys;	/* anpr_store_require_standbys on each connection */
	ingest_before_commit before;
	void *before_ctx;
	unsigned n;
	struct committer *c;
} g;

static unsigned shard(const char *chain_id)
{
	uint32_t h = 2166136261u;	/* FNV-1a */

	for (const unsigned char *p = (const unsigned char *)chain_id; *p; p++)
		h = (h ^ *p) * 16777619u;
	return h % g.n;
}

static int open_store(struct anpr_store **st, char *err, size_t errlen)
{
	if (anpr_store_open(st, g.conninfo, err, errlen) != 0)
		return -1;
	anpr_store_require_standbys(*st, g.standbys);
	return 0;
}

/* After a group committed and was answered: its new reads compared with
 * the other reads of their marks (a cloned plate, 0017). A failure here
 * loses nothing (the records are stored) and is said, not retried: the
 * flag is a lead for the control room, not evidence. */
static void check_clones(struct committer *c, char (*ids)[65], size_t n)
{
	const char *p[GROUP_MAX];
	char err[INGEST_COMMIT_ERR];
	size_t flagged;

	if (n == 0 || !c->st)
		return;
	for (size_t i = 0; i < n; i++)
		p[i] = ids[i];
	if (anpr_store_cloned_plates_check(c->st, p, n, &flagged, err, sizeof err) != 0)
		fprintf(stderr, "anpr-ingest: cloned-plate check of %zu reads: %s\n", n, err);
	else if (flagged)
		fprintf(stderr, "anpr-ingest: %zu cloned-plate flag%s raised (anpr.cloned_plates)\n",
			flagged, flagged == 1 ? "" : "s");
}

static void put_group(struct committer *c, struct job **jobs, size_t n)
{
	const struct anpr_stored_record *r[GROUP_MAX];
	int rc[GROUP_MAX];
	char err[GROUP_MAX][INGEST_COMMIT_ERR];
	char oerr[INGEST_COMMIT_ERR];
	char fresh[GROUP_MAX][65];
	size_t nfresh = 0;
	bool sync = false;

	for (size_t i = 0; i < n; i++) {
		r[i] = jobs[i]->r;
		sync |= jobs[i]->sync;
	}
	/* the group's images durable before any of its records commits (a
	 * group of heartbeats and checkpoints has none to sync) */
	if ((sync && g.before && g.before(g.before_ctx, oerr, sizeof oerr) != 0) ||
	    (!c->st && open_store(&c->st, oerr, sizeof oerr) != 0)) {
		for (size_t i = 0; i < n; i++) {
			rc[i] = ANPR_STORE_EIO;
			snprintf(err[i], sizeof err[i], "%s", oerr);
		}
	} else if (anpr_store_records_put(c->st, r, n, rc, &err[0][0], sizeof err[0]) ==
		   ANPR_STORE_EIO) {
		/* made again for the next group (PostgreSQL restarted) */
		anpr_store_close(c->st);
		c->st = NULL;
	}
	/* the group's new reads, for the cloned-plate check after the
	 * answers (the jobs' records are their threads' once answered) */
	for (size_t i = 0; i < n; i++)
		if (rc[i] == 0 && r[i]->vrm && r[i]->vrm[0] &&
		    nfresh < GROUP_MAX)
			snprintf(fresh[nfresh++], sizeof fresh[0], "%s", r[i]->record_id);
	pthread_mutex_lock(&c->mu);
	for (size_t i = 0; i < n; i++) {
		jobs[i]->rc = rc[i];
		memcpy(jobs[i]->err, err[i], sizeof jobs[i]->err);
		jobs[i]->done = 1;
	}
	pthread_cond_broadcast(&c->answered);
	pthread_mutex_unlock(&c->mu);
	check_clones(c, fresh, nfresh);
}

static void *committer_main(void *p)
{
	struct committer *c = p;
	struct job *jobs[GROUP_MAX];

	pthread_mutex_lock(&c->mu);
	for (;;) {
		size_t n = 0;

		while (!c->stop && !c->head)
			pthread_cond_wait(&c->queued, &c->mu);
		if (!c->head)
			break;		/* stopping, and nothing is waiting */
		while (c->head && n < GROUP_MAX) {
			jobs[n++] = c->head;
			c->head = c->head->next;
		}
		if (!c->head)
			c->tail = NULL;
		pthread_mutex_unlock(&c->mu);
		put_group(c, jobs, n);
		pthread_mutex_lock(&c->mu);
	}
	pthread_mutex_unlock(&c->mu);
	anpr_store_close(c->st);
	c->st = NULL;
	return NULL;
}

int ingest_commit_start(const char *conninfo, unsigned n, unsigned standbys,
			ingest_before_commit before, void *before_ctx, char *err,
			size_t errlen)
{
	if (n < 1 || n > 16) {
		snprintf(err, errlen, "committers: %u is not 1 to 16", n);
		return -1;
	}
	g.before = before;
	g.before_ctx = before_ctx;
	g.standbys = standbys;
	g.conninfo = strdup(conninfo);
	g.c = calloc(n, sizeof(*g.c));
	if (!g.conninfo || !g.c) {
		snprintf(err, errlen, "out of memory");
		free(g.conninfo);
		free(g.c);
		return -1;
	}
	for (unsigned i = 0; i < n; i++) {
		struct committer *c = &g.c[i];

		pthread_mutex_init(&c->mu, NULL);
		pthread_cond_init(&c->queued, NULL);
		pthread_cond_init(&c->answered, NULL);
		if (pthread_create(&c->thread, NULL, committer_main, c) != 0) {
			snprintf(err, errlen, "cannot start a committer thread");
			g.n = i;
			ingest_commit_stop();
			return -1;
		}
		g.n = i + 1;
	}
	return 0;
}

int ingest_commit_put(const struct anpr_stored_record *r, bool images_to_sync, char *err,
		      size_t errlen)
{
	int rc;

	ingest_commit_put_many(&r, 1, images_to_sync, &rc, &err, errlen);
	return rc;
}

void ingest_commit_put_many(const struct anpr_stored_record *const *r, size_t n,
			    bool images_to_sync, int *rc, char **err, size_t errlen)
{
	struct job *jobs = calloc(n ? n : 1, sizeof *jobs);

	if (!jobs) {
		for (size_t i = 0; i < n; i++) {
			rc[i] = ANPR_STORE_EIO;
			snprintf(err[i], errlen, "out of memory");
		}
		return;
	}
	/* queued all at once, each on its chain's committer, so that a
	 * request's records go in the same groups (one sync, one flush) */
	for (size_t i = 0; i < n; i++) {
		struct committer *c = &g.c[shard(r[i]->chain_id)];

		jobs[i].r = r[i];
		jobs[i].sync = images_to_sync;
		pthread_mutex_lock(&c->mu);
		if (c->tail)
			c->tail->next = &jobs[i];
		else
			c->head = &jobs[i];
		c->tail = &jobs[i];
		pthread_cond_signal(&c->queued);
		pthread_mutex_unlock(&c->mu);
	}
	for (size_t i = 0; i < n; i++) {
		struct committer *c = &g.c[shard(r[i]->chain_id)];

		pthread_mutex_lock(&c->mu);
		while (!jobs[i].done)
			pthread_cond_wait(&c->answered, &c->mu);
		pthread_mutex_unlock(&c->mu);
		rc[i] = jobs[i].rc;
		snprintf(err[i], errlen, "%s", jobs[i].err);
	}
	free(jobs);
}

void ingest_commit_stop(void)
{
	for (unsigned i = 0; i < g.n; i++) {
		struct committer *c = &g.c[i];

		pthread_mutex_lock(&c->mu);
		c->stop = 1;
		pthread_cond_signal(&c->queued);
		pthread_mutex_unlock(&c->mu);
		pthread_join(c->thread, NULL);
		pthread_mutex_destroy(&c->mu);
		pthread_cond_destroy(&c->queued);
		pthread_cond_destroy(&c->answered);
	}
	free(g.c);
	free(g.conninfo);
	memset(&g, 0, sizeof g);
}
