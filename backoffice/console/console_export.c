// SPDX-License-Identifier: MIT
/*
 * console_export.c - the evidence export from the analysts' search page
 * (issue 23 item 2, docs/console.md "Search"): POST /v1/export with the
 * search's question. The database's anpr.export_reads decides by the
 * search's own policy, audits it ('export') and gives the reads allowed
 * with the checkpoints that cover them; disclosure.c, the code of
 * anpr-query --export, writes one anpr-disclosure/1 bundle per chain
 * into a private directory. The answer is that bundle, or, when the reads
 * are in several chains, a tar holding each chain's bundle
 * (evidence-CHAIN.tar). Nothing stays on disk: the directory is removed
 * before the answer is sent (from the open file).
 */
#include "console/console.h"

#include "evidence/evidence_verify.h"
#include "ingest/imagestore.h"
#include "tools/disclosure.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libpq-fe.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define BUNDLES_MAX	64	/* chains in one export; more: narrow it */

static int by_name(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* DIR's bundles (*.tar, as disclosure_export names them), sorted, into
 * names; their count, or -1 (unreadable, or more than max). */
static int bundles_in(const char *dir, char (*names)[256], int max)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int k = 0;

	if (!d)
		return -1;
	while ((e = readdir(d))) {
		size_t l = strlen(e->d_name);

		if (l < 5 || l > 255 || strcmp(e->d_name + l - 4, ".tar") != 0)
			continue;
		if (k == max) {
			k = -1;
			break;
		}
		snprintf(names[k++], sizeof names[0], "%s", e->d_name);
	}
	closedir(d);
	if (k > 0)
		qsort(names, (size_t)k, sizeof names[0], by_name);
	return k;
}

/* DIR and what is in it (files only: disclosure_export makes no more). */
static void remove_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (d) {
		int fd = dirfd(d);

		while ((e = readdir(d)))
			if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
				unlinkat(fd, e->d_name, 0);
		closedir(d);
	}
	rmdir(dir);
}

/* The bundles of DIR as one file to send: the bundle itself, or a tar of
 * them (DIR/all.out). Its path in path; the count of bundles, or -1 with
 * err. */
static int one_file(const char *dir, char *path, size_t pathlen, char *err, size_t errlen)
{
	char names[BUNDLES_MAX][256], src[600];
	struct ev_tar *t = NULL;
	int k = bundles_in(dir, names, BUNDLES_MAX);

	if (k < 1) {
		snprintf(err, errlen, k < 0 ? "more than %d chains: narrow the search" :
			 "no bundle was written", BUNDLES_MAX);
		return -1;
	}
	if (k == 1) {
		snprintf(path, pathlen, "%s/%.255s", dir, names[0]);
		return 1;
	}
	snprintf(path, pathlen, "%s/all.out", dir);
	if (ev_tar_open(&t, path, err, errlen) != 0)
		return -1;
	for (int i = 0; i < k; i++) {
		snprintf(src, sizeof src, "%s/%.255s", dir, names[i]);
		if (ev_tar_add_file(t, names[i], src, err, errlen) != 0) {
			ev_tar_close(t, err, errlen);
			return -1;
		}
	}
	return ev_tar_close(t, err, errlen) == 0 ? k : -1;
}

/* path sent as an attachment, opened before the directory goes. */
static enum MHD_Result send_bundle(struct MHD_Connection *c, const char *path, size_t nsel,
				   int k)
{
	struct MHD_Response *resp;
	enum MHD_Result ret;
	struct stat sb;
	char said[80];
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || fstat(fd, &sb) != 0) {
		if (fd >= 0)
			close(fd);
		return console_error(c, 500, "export-failed", "the bundle could not be read back");
	}
	resp = MHD_create_response_from_fd((uint64_t)sb.st_size, fd);	/* fd is its */
	if (!resp) {
		close(fd);
		return MHD_NO;
	}
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, "application/x-tar");
	MHD_add_response_header(resp, "Content-Disposition",
				"attachment; filename=\"anpr-evidence.tar\"");
	snprintf(said, sizeof said, "reads=%zu bundles=%d", nsel, k);
	MHD_add_response_header(resp, "X-ANPR-Export", said);
	console_people_headers(resp);
	ret = MHD_queue_response(c, 200, resp);
	MHD_destroy_response(resp);
	return ret;
}

/* One export at a time: each writes a whole bundle of images to disk. */
static pthread_mutex_t console_export_lock = PTHREAD_MUTEX_INITIALIZER;

enum MHD_Result console_export(struct MHD_Connection *c, PGconn *pg, const char *user,
			       const char *body, size_t len)
{
	struct console_question x;
	struct anpr_export_rec *recs = NULL;
	struct anpr_withheld *wh = NULL;
	struct anpr_store *st = NULL;
	struct imagestore is;
	size_t n = 0, nw = 0, nsel = 0;
	char err[600], dir[] = "/tmp/anpr-console-export-XXXXXX", out[300], path[600];
	const char *refused = NULL;
	enum MHD_Result ret;
	int rc, k;

	ret = console_question(c, pg, user, body, len, "export", &x);
	if (!x.o)
		return ret;
	if (!console_cfg.images) {
		console_question_free(&x);
		return console_error(c, 503, "unavailable", "this console has no image store "
				     "(--images): it cannot export");
	}
	if (imagestore_open(&is, console_cfg.images, err, sizeof err) != 0) {
		console_question_free(&x);
		clog_line("export of %s: the image store: %s", user, err);
		return console_error(c, 503, "unavailable", "the image store cannot be opened");
	}
	pthread_mutex_lock(&console_export_lock);
	rc = anpr_store_adopt(&st, pg, err, sizeof err);
	if (!rc)
		rc = anpr_store_export_policy(st, &x.q, x.purpose, x.case_ref, x.auth, false, &recs,
					      &n, &wh, &nw, err, sizeof err);
	if (rc) {
		ret = console_policy_failed(c, user, "export", rc, err,
					    "this user may not export (anpr_exporter)");
		goto out;
	}
	for (size_t i = 0; i < nw; i++)
		if (strcmp(wh[i].reason, "refused") == 0)
			refused = wh[i].needs;
	for (size_t i = 0; i < n; i++)
		nsel += recs[i].selected;
	if (refused) {
		ret = console_error(c, 403, "refused", refused);
		goto out;
	}
	if (!nsel) {
		ret = console_error(c, 404, "no-reads", "no reads the policy allows match: "
				    "nothing exported (the export is in the audit)");
		goto out;
	}
	if (!mkdtemp(dir)) {
		clog_line("export of %s: %s: %s", user, dir, strerror(errno));
		ret = console_error(c, 500, "export-failed", "no room to write the bundle");
		goto out;
	}
	snprintf(out, sizeof out, "%s/evidence.tar", dir);
	rc = disclosure_export(st, &is, out, recs, n, "anpr-console", NULL);
	k = rc ? -1 : one_file(dir, path, sizeof path, err, sizeof err);
	if (rc == 3) {
		ret = console_error(c, 409, "not-yet-disclosable",
				    "a read is not yet under a checkpoint the store holds (a camera's "
				    "next checkpoint, and the records it covers, not yet received): "
				    "export it once they are");
	} else if (rc || k < 0) {
		if (!rc)
			clog_line("export of %s: %s", user, err);
		ret = console_error(c, 500, "export-failed", "the bundle could not be written");
	} else {
		clog_line("export of %s (%s): %zu reads in %d bundle%s (audited)", user, x.purpose,
			  nsel, k, k == 1 ? "" : "s");
		ret = send_bundle(c, path, nsel, k);
	}
	remove_dir(dir);
out:
	pthread_mutex_unlock(&console_export_lock);
	if (st)
		anpr_store_disown(st);	/* pg stays the session's */
	anpr_store_export_free(recs, n);
	free(wh);
	imagestore_close(&is);
	console_question_free(&x);
	return ret;
}
