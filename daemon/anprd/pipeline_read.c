// SPDX-License-Identifier: MIT
/*
 * pipeline_read.c - anprd's reader workers: each takes a frame off the queue,
 * reads its plates (daemon/reader) and hands the result, with the plates'
 * images, to the decision thread.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "anprd/pipeline_int.h"

void *pl_worker_thread(void *arg)
{
	struct pipeline *p = arg;
	struct anpr_reader *reader;
	struct snapshot_scratch scratch = { 0 };
	struct anpr_read out;
	char err[256];

	reader = anpr_reader_create(&p->cfg.reader, err, sizeof(err));
	if (!reader && p->cfg.logger)
		anprd_log(p->cfg.logger, 2, ANPRD_EV_NONE, NULL, NULL, "reader: %s", err);
	for (;;) {
		struct pl_job *j;
		struct pl_done *d;

		pthread_mutex_lock(&p->job_lock);
		while (!p->jobs_n && !p->job_closed)
			pthread_cond_wait(&p->job_cond, &p->job_lock);
		if (!p->jobs_n) {
			pthread_mutex_unlock(&p->job_lock);
			break;
		}
		j = p->jobs[p->jobs_head];
		p->jobs_head = (p->jobs_head + 1) % p->jobs_cap;
		p->jobs_n--;
		pthread_cond_signal(&p->space_cond);
		pthread_mutex_unlock(&p->job_lock);

		d = pl_done_for(j, 0);
		if (d && reader &&
		    anpr_reader_read(reader, j->px, j->width, j->height, j->stride, &out) == 0) {
			d->nplates = out.nplates;
			for (int i = 0; i < out.nplates; i++) {
				d->plates[i] = out.plates[i];
				snapshot_take(&d->snaps[i], &scratch, j->px, j->width, j->height,
					      j->stride, out.plates[i].box, p->cfg.jpeg_quality);
			}
			atomic_fetch_add(&p->stats.reads, (uint64_t)out.nplates);
			/* plates found but not read: their images too, for
			 * the record of an unreadable plate (tracker.h) */
			d->nunread = out.nunread;
			for (int i = 0; i < out.nunread; i++) {
				d->unread[i] = out.unread[i];
				snapshot_take(&d->usnaps[i], &scratch, j->px, j->width,
					      j->height, j->stride, out.unread[i].box,
					      p->cfg.jpeg_quality);
			}
		}
		if (d)
			pl_done_push(p, d);
		pl_pool_put(p, j);
	}
	snapshot_scratch_free(&scratch);
	anpr_reader_destroy(reader);
	return NULL;
}
