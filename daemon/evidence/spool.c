/* SPDX-License-Identifier: MIT */
/*
 * spool.c - the crash-safe record spool (docs/spool.md).
 *
 * Group commit: every file of a batch is written under tmp/, then
 *   phase 1: the files' data is made durable (syncfs, or fsync each),
 *   renames: into records/SHARD/ in chain order (images, signatures, the
 *            record last),
 *   phase 2: the directories are made durable (syncfs, or fsync each),
 *   head:    the signed head-SEQ pair is renamed into the root.
 * Only then is the batch acknowledged. A crash leaves a prefix of the
 * batch visible, each visible file whole; ev_spool_open removes the
 * unacknowledged rest and rebuilds the chain state from the last record.
 * A write or sync error (disk full) stops intake for good, loudly; what is
 * on disk stays as it was.
 *
 * Long file: the writer's crash-safety protocol (stage, sync, rename, sync,
 * head) is one state machine over one struct, easier to check whole;
 * what opening a spool does first is recover.c.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "evidence/spool_int.h"

#define ROOT_SHARD UINT64_MAX	/* staged file goes into the spool root */

struct staged {
	char name[40];		/* in tmp/ and at its final place */
	uint64_t shard;
	int fd;			/* EV_SYNC_FSYNC: open until synced */
};

#define SYNC_THREADS 8		/* concurrent fsyncs share journal commits */
#define MAX_OPEN 256		/* staged files kept open before an early sync */

/* The files of one batch, in rename order. */
struct batch {
	struct staged *st;
	size_t n, cap, nopen;
	uint64_t last_seq;	/* chain_seq of its last record */
};

struct ev_spool {
	char *dir;
	int dfd, rfd, tfd;
	struct ev_io io;
	enum ev_sync_policy sync;
	unsigned checkpoint_every;
	struct ev_chain chain;		/* the staging (caller's) thread's */
	uint64_t recovered, head_seq, prev_head_seq;
	uint64_t staged_head;		/* the newest head staged (staging
					   thread): the next head names it */
	_Atomic uint64_t committed;
	struct batch cur;		/* being staged */
	struct batch fly;		/* being committed (committer thread) */
	struct ev_chain_mark mark;
	bool marked;
	/* group commit overlapped with the staging of the next batch */
	pthread_t cth;
	pthread_mutex_t mu;		/* guards the fields below, failmsg */
	pthread_cond_t cv;
	bool thread, busy, quit;
	void (*on_commit)(void *ctx, uint64_t last_seq);
	void (*on_fail)(void *ctx, int rc, const char *msg);
	void *cb_ctx;
	_Atomic int failed;
	char failmsg[512];
};

static ssize_t real_write(void *ctx, int fd, const void *b, size_t n)
{
	(void)ctx;
	return write(fd, b, n);
}

static int real_sync(void *ctx, int fd, int whole_fs)
{
	(void)ctx;
	return whole_fs ? syncfs(fd) : fsync(fd);
}

static int fail(struct ev_spool *s, int rc, char *err, size_t errlen,
		const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static int fail(struct ev_spool *s, int rc, char *err, size_t errlen,
		const char *fmt, ...)
{
	va_list ap;
	char msg[512];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	pthread_mutex_lock(&s->mu);
	if (!s->failed) {	/* the first error is the one reported */
		snprintf(s->failmsg, sizeof s->failmsg, "%s", msg);
		atomic_store(&s->failed, rc);
	}
	pthread_mutex_unlock(&s->mu);
	snprintf(err, errlen, "%s", msg);
	return rc;
}

static int errno_rc(int e)
{
	return (e == ENOSPC || e == EDQUOT || e == EFBIG) ? EV_ENOSPC : EV_EIO;
}

static void shard_name(uint64_t shard, char *out, size_t cap)
{
	snprintf(out, cap, "%0*" PRIu64, EV_SHARD_DIGITS, shard);
}

/*
 * Open one of the spool's directories (the root, records/, tmp/, a
 * shard): path names it in messages; with create, it is made first (mode
 * 0750). Start-up empties tmp/ and deletes leftovers in the shards, and
 * the writer creates and renames files in them: a link planted in their
 * place (tmp -> the key directory) would turn that onto someone else's
 * files, so a link is refused, never followed. And a directory another
 * user may write, or owns, could have such links planted at any time, so
 * it is refused too. Returns the fd, or -1 with err set and *rc (EV_EPERM:
 * a link, a loose mode or another owner; EV_EIO: anything else).
 */
static int dir_check(int fd, const char *path, char *err, size_t errlen);

int spool_dir_open(int at, const char *name, const char *path, bool create,
		   int *rc, char *err, size_t errlen)
{
	struct stat st;
	int fd, e;

	if (create && mkdirat(at, name, 0750) != 0 && errno != EEXIST) {
		snprintf(err, errlen, "%s: cannot create spool directory: %s",
			 path, strerror(errno));
		*rc = EV_EIO;
		return -1;
	}
	fd = openat(at, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		e = errno;
		*rc = EV_EIO;
		if ((e == ENOTDIR || e == ELOOP) &&
		    fstatat(at, name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
			if (S_ISLNK(st.st_mode)) {
				*rc = EV_EPERM;
				snprintf(err, errlen, "%s: is a symbolic link, "
					 "not a directory; refusing it (links "
					 "in the spool are never followed: "
					 "someone may have planted it)", path);
			} else {
				snprintf(err, errlen, "%s: not a directory; "
					 "refusing it", path);
			}
		} else {
			snprintf(err, errlen, "%s: cannot open spool "
				 "directory: %s", path, strerror(e));
		}
		return -1;
	}
	*rc = dir_check(fd, path, err, errlen);
	if (*rc) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Refuse a spool directory that anyone but this process's user may
 * write (group or others), or that another user owns: either could plant
 * links or files in it. Root is held to the same rule: a root process
 * writing into the service's spool would leave files the service cannot
 * remove, and a spool root does not own is not root's to trust. */
static int dir_check(int fd, const char *path, char *err, size_t errlen)
{
	struct stat st;

	if (fstat(fd, &st) != 0) {
		snprintf(err, errlen, "%s: cannot stat: %s", path,
			 strerror(errno));
		return EV_EIO;
	}
	if (st.st_mode & 022) {
		snprintf(err, errlen, "%s: spool directory permissions %04o "
			 "are too open (group/other may write to it, and so "
			 "plant links or files among the evidence); refusing "
			 "it: run chmod 750 %s", path,
			 (unsigned)(st.st_mode & 07777), path);
		return EV_EPERM;
	}
	if (st.st_uid != geteuid()) {
		snprintf(err, errlen, "%s: spool directory is owned by uid %u, "
			 "not by this process's user (uid %u); refusing it",
			 path, (unsigned)st.st_uid, (unsigned)geteuid());
		return EV_EPERM;
	}
	return 0;
}

static int add_staged(struct batch *b, const char *name, uint64_t shard)
{
	if (b->n == b->cap) {
		size_t n = b->cap ? 2 * b->cap : 64;
		void *p = realloc(b->st, n * sizeof *b->st);
		if (!p)
			return EV_ENOMEM;
		b->st = p;
		b->cap = n;
	}
	snprintf(b->st[b->n].name, sizeof b->st[b->n].name, "%s", name);
	b->st[b->n].fd = -1;
	b->st[b->n++].shard = shard;
	return 0;
}

/* EV_SYNC_FSYNC phase 1: fsync every staged file still open, from
 * SYNC_THREADS threads at once (ext4 then commits its journal once for
 * many files instead of once per file), and close them. */
struct psync {
	struct ev_spool *s;
	struct batch *b;
	size_t next;
	pthread_mutex_t mu;
	int err;
	char bad[40];
};

static void *psync_main(void *arg)
{
	struct psync *p = arg;
	struct ev_spool *s = p->s;
	struct batch *b = p->b;

	for (;;) {
		size_t i;

		pthread_mutex_lock(&p->mu);
		while (p->next < b->n && b->st[p->next].fd < 0)
			p->next++;
		i = p->next++;
		pthread_mutex_unlock(&p->mu);
		if (i >= b->n)
			return NULL;
		if (s->io.sync(s->io.ctx, b->st[i].fd, 0) != 0) {
			int e = errno;
			pthread_mutex_lock(&p->mu);
			if (!p->err) {
				p->err = e ? e : EIO;
				snprintf(p->bad, sizeof p->bad, "%s",
					 b->st[i].name);
			}
			pthread_mutex_unlock(&p->mu);
		}
	}
}

static int close_open(struct batch *b)
{
	int e = 0;

	for (size_t i = 0; i < b->n; i++)
		if (b->st[i].fd >= 0) {
			if (close(b->st[i].fd) != 0 && !e)
				e = errno;
			b->st[i].fd = -1;
		}
	b->nopen = 0;
	return e;
}

static int sync_open(struct ev_spool *s, struct batch *b, char *err,
		     size_t errlen)
{
	struct psync p;
	pthread_t th[SYNC_THREADS];
	size_t nth = b->nopen < SYNC_THREADS ? b->nopen : SYNC_THREADS, i;
	int e;

	if (!b->nopen)
		return 0;
	/* start every file's writeback first: the block allocations then all
	 * land in the same journal transaction, and the fsyncs below mostly
	 * wait for one commit instead of queueing one commit each */
	for (i = 0; i < b->n; i++)
		if (b->st[i].fd >= 0)
			sync_file_range(b->st[i].fd, 0, 0,
					SYNC_FILE_RANGE_WRITE);
	memset(&p, 0, sizeof p);
	p.s = s;
	p.b = b;
	pthread_mutex_init(&p.mu, NULL);
	for (i = 1; i < nth; i++)
		if (pthread_create(&th[i], NULL, psync_main, &p) != 0)
			break;
	nth = i;
	psync_main(&p);		/* this thread is worker 0 */
	for (i = 1; i < nth; i++)
		pthread_join(th[i], NULL);
	pthread_mutex_destroy(&p.mu);
	e = close_open(b);
	if (p.err)
		return fail(s, errno_rc(p.err), err, errlen,
			    "%s/%s/%s: fsync failed: %s: intake stopped",
			    s->dir, EV_SPOOL_TMP, p.bad, strerror(p.err));
	if (e)
		return fail(s, errno_rc(e), err, errlen, "%s/%s: close "
			    "failed: %s: intake stopped", s->dir, EV_SPOOL_TMP,
			    strerror(e));
	return 0;
}

/* Write one file under tmp/ (data durable only after phase 1). */
static int write_tmp(struct ev_spool *s, const char *name, const void *data,
		     size_t len, uint64_t shard, char *err, size_t errlen)
{
	const uint8_t *p = data;
	size_t off = 0;
	int fd, e;

	if (add_staged(&s->cur, name, shard) != 0)
		return fail(s, EV_ENOMEM, err, errlen, "%s: out of memory",
			    s->dir);
	/* O_NOFOLLOW: never write through a link, should one appear */
	fd = openat(s->tfd, name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC |
		    O_NOFOLLOW, 0640);
	if (fd < 0) {
		e = errno;
		return fail(s, errno_rc(e), err, errlen,
			    "%s/%s/%s: cannot create: %s: intake stopped",
			    s->dir, EV_SPOOL_TMP, name, strerror(e));
	}
	while (off < len) {
		ssize_t w = s->io.write(s->io.ctx, fd, p + off, len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			e = w < 0 ? errno : ENOSPC;
			close(fd);
			return fail(s, errno_rc(e), err, errlen,
				    "%s/%s/%s: write failed: %s: intake "
				    "stopped", s->dir, EV_SPOOL_TMP, name,
				    strerror(e));
		}
		off += (size_t)w;
	}
	if (s->sync == EV_SYNC_FSYNC) {
		s->cur.st[s->cur.n - 1].fd = fd;	/* synced in phase 1 */
		if (++s->cur.nopen >= MAX_OPEN)
			return sync_open(s, &s->cur, err, errlen);
		return 0;
	}
	if (close(fd) != 0) {
		e = errno;
		return fail(s, errno_rc(e), err, errlen,
			    "%s/%s/%s: close failed: %s: intake stopped",
			    s->dir, EV_SPOOL_TMP, name, strerror(e));
	}
	return 0;
}

/* Undo everything staged since the last commit (nothing was renamed). */
static void unlink_batch(struct ev_spool *s, struct batch *b)
{
	close_open(b);
	for (size_t i = 0; i < b->n; i++)
		unlinkat(s->tfd, b->st[i].name, 0);
	b->n = 0;
}

static void unstage(struct ev_spool *s)
{
	unlink_batch(s, &s->cur);
	if (s->marked) {
		ev_chain_rollback(&s->chain, &s->mark);
		s->marked = false;
	}
}

static int check_state(struct ev_spool *s, char *err, size_t errlen)
{
	if (atomic_load(&s->failed)) {
		pthread_mutex_lock(&s->mu);
		snprintf(err, errlen, "%s: intake stopped after an earlier "
			 "error: %s", s->dir, s->failmsg);
		pthread_mutex_unlock(&s->mu);
		return EV_ESTATE;
	}
	if (!s->marked) {
		if (ev_chain_mark(&s->chain, &s->mark) != 0)
			return fail(s, EV_ENOMEM, err, errlen,
				    "%s: out of memory", s->dir);
		s->marked = true;
	}
	return 0;
}

static int stage_sealed(struct ev_spool *s, const struct ev_sealed *sd,
			char *err, size_t errlen)
{
	uint64_t shard = sd->seq / EV_SHARD_SIZE;
	char name[40];
	int rc;

	ev_rec_name(sd->seq, EV_SUFFIX_REC EV_SUFFIX_SIG, name, sizeof name);
	rc = write_tmp(s, name, sd->sig, sd->sig_len, shard, err, errlen);
	if (!rc && sd->sig2_len) {
		ev_rec_name(sd->seq, EV_SUFFIX_REC EV_SUFFIX_NEWSIG, name,
			    sizeof name);
		rc = write_tmp(s, name, sd->sig2, sd->sig2_len, shard, err,
			       errlen);
	}
	if (!rc) {
		ev_rec_name(sd->seq, EV_SUFFIX_REC, name, sizeof name);
		rc = write_tmp(s, name, sd->rec, sd->rec_len, shard, err,
			       errlen);
	}
	return rc;
}

static int stage_image(struct ev_spool *s, uint64_t seq, const char *suffix,
		       const struct ev_image *img, struct ev_record *r,
		       enum ev_field ff, enum ev_field fh, char *err,
		       size_t errlen)
{
	uint8_t h[EV_HASH_LEN];
	char name[40], hex[EV_HASH_HEX + 1];

	if (!img || !img->data) {
		ev_record_set(r, ff, EV_NONE);
		ev_record_set(r, fh, EV_NONE);
		return 0;
	}
	ev_rec_name(seq, suffix, name, sizeof name);
	ev_sha256(img->data, img->len, h);
	ev_hex(h, EV_HASH_LEN, hex);
	ev_record_set(r, ff, "%s", name);
	ev_record_set(r, fh, "%s", hex);
	return write_tmp(s, name, img->data, img->len, seq / EV_SHARD_SIZE,
			 err, errlen);
}

int ev_spool_stage(struct ev_spool *s, struct ev_record *r,
		   const struct ev_when *when, const struct ev_image *plate,
		   const struct ev_image *overview, uint64_t *seq,
		   char *err, size_t errlen)
{
	struct ev_sealed *sd;
	uint64_t next = s->chain.last_seq + 1;
	size_t nst0 = s->cur.n;
	int rc = check_state(s, err, errlen);

	if (rc)
		return rc;
	if (r->type == EV_KEY_ROTATION || (r->type == EV_CHECKPOINT &&
					   s->chain.nleaves == 0)) {
		snprintf(err, errlen, "%s: use ev_spool_stage_rotation / a "
			 "checkpoint needs records to cover", s->dir);
		return EV_EINVAL;
	}
	if (r->type == EV_READ) {
		rc = stage_image(s, next, EV_SUFFIX_PLATE, plate, r,
				 EV_F_PLATE_FILE, EV_F_PLATE_HASH, err, errlen);
		if (!rc)
			rc = stage_image(s, next, EV_SUFFIX_OVERVIEW, overview,
					 r, EV_F_OVERVIEW_FILE,
					 EV_F_OVERVIEW_HASH, err, errlen);
		if (rc) {
			unstage(s);
			return rc;
		}
	}
	sd = malloc(sizeof *sd);
	if (!sd) {
		unstage(s);
		return fail(s, EV_ENOMEM, err, errlen, "%s: out of memory",
			    s->dir);
	}
	rc = ev_chain_seal(&s->chain, r, when, NULL, sd, err, errlen);
	if (rc) {
		/* a caller's bad field: refuse the record, keep going */
		free(sd);
		while (s->cur.n > nst0) {
			struct staged *f = &s->cur.st[--s->cur.n];
			if (f->fd >= 0) {
				close(f->fd);
				s->cur.nopen--;
			}
			unlinkat(s->tfd, f->name, 0);
		}
		return rc;
	}
	rc = stage_sealed(s, sd, err, errlen);
	free(sd);
	if (rc) {
		unstage(s);
		return rc;
	}
	if (seq)
		*seq = next;
	return 0;
}

int ev_spool_stage_checkpoint(struct ev_spool *s, const struct ev_when *when,
			      char *err, size_t errlen)
{
	struct ev_record r;

	if (s->chain.nleaves == 0)
		return 0;
	ev_record_init(&r, EV_CHECKPOINT);
	return ev_spool_stage(s, &r, when, NULL, NULL, NULL, err, errlen);
}

int ev_spool_stage_rotation(struct ev_spool *s, const struct ev_key *new_key,
			    const struct ev_when *when, char *err,
			    size_t errlen)
{
	struct ev_record r;
	struct ev_sealed *sd;
	int rc = check_state(s, err, errlen);

	if (rc)
		return rc;
	if (!ev_key_has_secret(new_key) ||
	    memcmp(new_key->keynum, s->chain.key.keynum, EV_KEYNUM_LEN) == 0) {
		snprintf(err, errlen, "%s: key rotation needs a new secret "
			 "key (with another key id)", s->dir);
		return EV_EINVAL;
	}
	sd = malloc(sizeof *sd);
	if (!sd)
		return fail(s, EV_ENOMEM, err, errlen, "%s: out of memory",
			    s->dir);
	ev_record_init(&r, EV_KEY_ROTATION);
	rc = ev_chain_seal(&s->chain, &r, when, new_key, sd, err, errlen);
	if (!rc)
		rc = stage_sealed(s, sd, err, errlen);
	if (!rc) {
		/* the new public key goes beside the old ones, and becomes
		 * public.key, in the same commit */
		char text[256], id[17], name[40];
		size_t tl;

		ev_pubkey_encode(new_key, text, sizeof text, &tl);
		ev_key_id(new_key->keynum, id);
		snprintf(name, sizeof name, "public-%s.key", id);
		rc = write_tmp(s, name, text, tl, ROOT_SHARD, err, errlen);
		if (!rc)
			rc = write_tmp(s, EV_SPOOL_PUBKEY, text, tl, ROOT_SHARD,
				       err, errlen);
	}
	free(sd);
	if (rc)
		unstage(s);
	return rc;
}

bool ev_spool_checkpoint_due(const struct ev_spool *s)
{
	return s->checkpoint_every &&
	       s->chain.nleaves >= s->checkpoint_every;
}

static int stage_head(struct ev_spool *s, char *err, size_t errlen)
{
	char text[512], sig[1024], name[48], hex[EV_HASH_HEX + 1], id[17];
	char tc[512];
	size_t sl;
	int n;

	ev_hex(s->chain.last_hash, EV_HASH_LEN, hex);
	ev_key_id(s->chain.key.keynum, id);
	/* prev_head_seq: batches are renamed in order, so the head staged
	 * before this one is the one published just before it */
	n = snprintf(text, sizeof text, "format=%s\nchain_id=%s\n"
		     "chain_seq=%" PRIu64 "\nrecord_hash=%s\nkey_id=%s\n"
		     "prev_head_seq=%" PRIu64 "\n", EV_HEAD_FORMAT,
		     s->chain.chain_id, s->chain.last_seq, hex, id,
		     s->staged_head);
	snprintf(name, sizeof name, "%s%0*" PRIu64, EV_SPOOL_HEAD,
		 EV_SEQ_DIGITS, s->chain.last_seq);
	snprintf(tc, sizeof tc, "%s file:%s chain_seq:%" PRIu64
		 " record_hash:%s", EV_HEAD_FORMAT, name, s->chain.last_seq,
		 hex);
	if (ev_sign(&s->chain.key, text, (size_t)n, tc, sig, sizeof sig,
		    &sl) != 0)
		return fail(s, EV_EIO, err, errlen, "%s: signing the head "
			    "failed", s->dir);
	snprintf(name + strlen(name), sizeof name - strlen(name), "%s",
		 EV_SUFFIX_SIG);
	if (write_tmp(s, name, sig, sl, ROOT_SHARD, err, errlen) != 0)
		return atomic_load(&s->failed);
	name[strlen(name) - strlen(EV_SUFFIX_SIG)] = '\0';
	if (write_tmp(s, name, text, (size_t)n, ROOT_SHARD, err, errlen) != 0)
		return atomic_load(&s->failed);
	s->staged_head = s->chain.last_seq;
	return 0;
}

/* The shard's directory (made if needed, *created then true); -1 with
 * the reason in err, *rc the code. */
static int shard_fd(struct ev_spool *s, uint64_t shard, bool *created,
		    int *rc, char *err, size_t errlen)
{
	char sn[24], path[4096];

	shard_name(shard, sn, sizeof sn);
	snprintf(path, sizeof path, "%s/%s/%s", s->dir, EV_SPOOL_RECORDS, sn);
	if (mkdirat(s->rfd, sn, 0750) == 0)
		*created = true;
	else if (errno != EEXIST) {
		*rc = errno_rc(errno);
		snprintf(err, errlen, "%s/%s/%s: cannot make shard directory: "
			 "%s", s->dir, EV_SPOOL_RECORDS, sn, strerror(errno));
		return -1;
	}
	return spool_dir_open(s->rfd, sn, path, false, rc, err, errlen);
}

/* Phases 1 and 2 and the renames of one batch whose files are all in
 * tmp/ (the head pair last). Runs on the committer thread. On an error
 * before the renames the batch's files are removed; after, they stay
 * (whole and signed, unacknowledged). Either way intake stops. */
static int commit_batch(struct ev_spool *s, struct batch *b, char *err,
			size_t errlen)
{
	uint64_t cur = ROOT_SHARD, touched[4];
	size_t ntouched = 0;
	bool created = false;
	int sfd = -1, rc, e;

	/* phase 1: file data */
	if (s->sync == EV_SYNC_FSYNC && sync_open(s, b, err, errlen) != 0) {
		rc = atomic_load(&s->failed);
		unlink_batch(s, b);
		return rc;
	}
	if (s->sync == EV_SYNC_SYNCFS && s->io.sync(s->io.ctx, s->tfd, 1)) {
		e = errno;
		unlink_batch(s, b);
		return fail(s, errno_rc(e), err, errlen, "%s: syncfs failed: "
			    "%s: intake stopped", s->dir, strerror(e));
	}
	/* renames, in chain order; the spool root's files (the head pair,
	 * published keys) only after phase 2, so that a head never names a
	 * record that is not durable (uploaders trust it) */
	for (size_t i = 0; i < b->n; i++) {
		struct staged *f = &b->st[i];
		int to;

		if (f->shard == ROOT_SHARD)
			continue;
		{
			if (f->shard != cur) {
				if (sfd >= 0)
					close(sfd);
				sfd = shard_fd(s, f->shard, &created, &rc,
					       err, errlen);
				if (sfd < 0) {
					char why[512];

					b->n = 0;
					snprintf(why, sizeof why, "%s", err);
					return fail(s, rc, err, errlen,
						    "%s: intake stopped", why);
				}
				cur = f->shard;
				if (ntouched < 4)
					touched[ntouched++] = cur;
			}
			to = sfd;
		}
		if (renameat(s->tfd, f->name, to, f->name) != 0) {
			e = errno;
			if (sfd >= 0)
				close(sfd);
			b->n = 0;
			return fail(s, errno_rc(e), err, errlen,
				    "%s: rename of %s failed: %s: intake "
				    "stopped", s->dir, f->name, strerror(e));
		}
	}
	if (sfd >= 0)
		close(sfd);
	/* phase 2: directories */
	if (s->sync == EV_SYNC_SYNCFS) {
		rc = s->io.sync(s->io.ctx, s->dfd, 1);
	} else {
		rc = s->io.sync(s->io.ctx, s->dfd, 0);
		if (!rc && created)
			rc = s->io.sync(s->io.ctx, s->rfd, 0);
		for (size_t i = 0; !rc && i < ntouched; i++) {
			char sn[24];
			int fd;

			shard_name(touched[i], sn, sizeof sn);
			fd = openat(s->rfd, sn, O_RDONLY | O_DIRECTORY |
				    O_NOFOLLOW | O_CLOEXEC);
			rc = fd < 0 ? -1 : s->io.sync(s->io.ctx, fd, 0);
			if (fd >= 0)
				close(fd);
		}
	}
	if (rc) {
		e = errno;
		return fail(s, errno_rc(e), err, errlen, "%s: directory sync "
			    "failed: %s: intake stopped", s->dir, strerror(e));
	}
	/* the batch is durable: publish the new head (its signature first) */
	for (size_t i = 0; i < b->n; i++) {
		struct staged *f = &b->st[i];

		if (f->shard != ROOT_SHARD)
			continue;
		if (renameat(s->tfd, f->name, s->dfd, f->name) != 0) {
			e = errno;
			b->n = 0;
			return fail(s, errno_rc(e), err, errlen,
				    "%s: rename of %s failed: %s: intake "
				    "stopped", s->dir, f->name, strerror(e));
		}
	}
	b->n = 0;
	/* the head before the previous one is superseded; the previous one
	 * stays until this one is durable too (the next phase 2). The head
	 * goes before its signature: a crash between leaves a signature
	 * alone, never an unsigned head, which anpr-verify takes for
	 * tampering */
	if (s->prev_head_seq && s->prev_head_seq != s->head_seq &&
	    s->prev_head_seq != b->last_seq) {
		char name[48];

		snprintf(name, sizeof name, "%s%0*" PRIu64, EV_SPOOL_HEAD,
			 EV_SEQ_DIGITS, s->prev_head_seq);
		unlinkat(s->dfd, name, 0);
		strcat(name, EV_SUFFIX_SIG);
		unlinkat(s->dfd, name, 0);
	}
	if (s->head_seq != b->last_seq)
		s->prev_head_seq = s->head_seq;
	s->head_seq = b->last_seq;
	atomic_store(&s->committed, b->last_seq);
	return 0;
}


static void *committer_main(void *arg)
{
	struct ev_spool *s = arg;
	char err[512];

	pthread_mutex_lock(&s->mu);
	for (;;) {
		while (!s->busy && !s->quit)
			pthread_cond_wait(&s->cv, &s->mu);
		if (!s->busy)
			break;
		pthread_mutex_unlock(&s->mu);
		if (commit_batch(s, &s->fly, err, sizeof err) == 0) {
			if (s->on_commit)
				s->on_commit(s->cb_ctx, s->fly.last_seq);
		} else if (s->on_fail) {
			s->on_fail(s->cb_ctx, atomic_load(&s->failed), err);
		}
		pthread_mutex_lock(&s->mu);
		s->busy = false;
		pthread_cond_broadcast(&s->cv);
	}
	pthread_mutex_unlock(&s->mu);
	return NULL;
}

/* Wait until no batch is being committed; then the sticky error, if any. */
static int wait_idle(struct ev_spool *s, char *err, size_t errlen)
{
	int rc;

	pthread_mutex_lock(&s->mu);
	while (s->busy)
		pthread_cond_wait(&s->cv, &s->mu);
	rc = atomic_load(&s->failed);
	if (rc)
		snprintf(err, errlen, "%s", s->failmsg);
	pthread_mutex_unlock(&s->mu);
	return rc;
}

int ev_spool_commit_async(struct ev_spool *s, char *err, size_t errlen)
{
	struct batch t;
	int rc;

	if (atomic_load(&s->failed))
		return check_state(s, err, errlen);
	if (s->cur.n == 0)
		return 0;
	rc = stage_head(s, err, errlen);
	if (rc) {
		unstage(s);
		return rc;
	}
	/* the previous batch must be renamed before this one */
	rc = wait_idle(s, err, errlen);
	if (rc) {
		unstage(s);	/* never renamed: nothing visible changes */
		return rc;
	}
	if (!s->thread) {
		if (pthread_create(&s->cth, NULL, committer_main, s) != 0) {
			unstage(s);
			return fail(s, EV_ENOMEM, err, errlen, "%s: cannot "
				    "start the committer thread", s->dir);
		}
		s->thread = true;
	}
	/* hand the batch over: from here on it is not rolled back */
	if (s->marked) {
		ev_chain_mark_free(&s->mark);
		s->marked = false;
	}
	s->cur.last_seq = s->chain.last_seq;
	pthread_mutex_lock(&s->mu);
	t = s->fly;
	s->fly = s->cur;
	s->cur = t;
	s->cur.n = s->cur.nopen = 0;
	s->busy = true;
	pthread_cond_broadcast(&s->cv);
	pthread_mutex_unlock(&s->mu);
	return 0;
}

int ev_spool_commit(struct ev_spool *s, char *err, size_t errlen)
{
	int rc = ev_spool_commit_async(s, err, errlen);

	return rc ? rc : wait_idle(s, err, errlen);
}

int ev_spool_flush(struct ev_spool *s, char *err, size_t errlen)
{
	return wait_idle(s, err, errlen);
}

void ev_spool_set_callbacks(struct ev_spool *s,
			    void (*on_commit)(void *, uint64_t),
			    void (*on_fail)(void *, int, const char *),
			    void *ctx)
{
	s->on_commit = on_commit;
	s->on_fail = on_fail;
	s->cb_ctx = ctx;
}

uint64_t ev_spool_committed(const struct ev_spool *s)
{
	return atomic_load(&((struct ev_spool *)s)->committed);
}
uint64_t ev_spool_recovered(const struct ev_spool *s) { return s->recovered; }
const char *ev_spool_chain_id(const struct ev_spool *s)
{
	return s->chain.chain_id;
}

int ev_spool_error(const struct ev_spool *s, const char **msg)
{
	if (msg)
		*msg = s->failmsg;
	return atomic_load(&((struct ev_spool *)s)->failed);
}

void ev_spool_close(struct ev_spool *s)
{
	char err[8];

	if (!s)
		return;
	if (s->thread) {
		wait_idle(s, err, sizeof err);
		pthread_mutex_lock(&s->mu);
		s->quit = true;
		pthread_cond_broadcast(&s->cv);
		pthread_mutex_unlock(&s->mu);
		pthread_join(s->cth, NULL);
	}
	if (s->cur.n)
		unstage(s);
	if (s->marked)
		ev_chain_mark_free(&s->mark);
	ev_chain_free(&s->chain);
	free(s->cur.st);
	free(s->fly.st);
	pthread_mutex_destroy(&s->mu);
	pthread_cond_destroy(&s->cv);
	if (s->dfd >= 0)
		close(s->dfd);
	if (s->rfd >= 0)
		close(s->rfd);
	if (s->tfd >= 0)
		close(s->tfd);
	free(s->dir);
	free(s);
}

/* The root, records/ and tmp/, made if missing, each checked (links,
 * modes, owner: spool_dir_open). */
static int open_dirs(struct ev_spool *s, char *err, size_t errlen)
{
	char path[4096];
	int rc;

	s->dfd = spool_dir_open(AT_FDCWD, s->dir, s->dir, true, &rc, err,
				    errlen);
	if (s->dfd < 0)
		return rc;
	snprintf(path, sizeof path, "%s/%s", s->dir, EV_SPOOL_RECORDS);
	s->rfd = spool_dir_open(s->dfd, EV_SPOOL_RECORDS, path, true, &rc,
				    err, errlen);
	if (s->rfd < 0)
		return rc;
	snprintf(path, sizeof path, "%s/%s", s->dir, EV_SPOOL_TMP);
	s->tfd = spool_dir_open(s->dfd, EV_SPOOL_TMP, path, true, &rc, err,
				    errlen);
	return s->tfd < 0 ? rc : 0;
}

int ev_spool_open(struct ev_spool **sp, const struct ev_spool_config *cfg,
		  char *err, size_t errlen)
{
	static const struct ev_io real = { real_write, real_sync, NULL };
	struct ev_spool *s;
	int rc;

	*sp = NULL;
	if (!cfg->dir || !cfg->key || !ev_key_has_secret(cfg->key) ||
	    ev_value_check(EV_K_TOKEN, cfg->site.camera_id) ||
	    strlen(cfg->site.camera_id) > EV_CAMERA_ID_MAX) {
		snprintf(err, errlen, "spool: needs a directory, a secret key "
			 "and a camera id of [A-Za-z0-9_.:+-]{1,32}");
		return EV_EINVAL;
	}
	{	/* what every record will say: refuse it now, not per record */
		const struct ev_site *t = &cfg->site;
		const char *bad = ev_value_check(EV_K_TOKEN, t->site_id)
				  ? "site_id" :
				  ev_value_check(EV_K_TOKEN, t->sw_version)
				  ? "sw_version" :
				  ev_value_check(EV_K_HASH, t->model_sha256)
				  ? "model_sha256 (64 lower-case hex)" :
				  ev_value_check(EV_K_HASH, t->config_sha256)
				  ? "config_sha256 (64 lower-case hex)" :
				  t->bearing_deg > 359 ? "bearing_deg (0-359)" :
				  t->lat_e6 < -90000000 || t->lat_e6 > 90000000
				  ? "lat (-90..90)" :
				  t->lon_e6 < -180000000 || t->lon_e6 > 180000000
				  ? "lon (-180..180)" : NULL;
		if (bad) {
			snprintf(err, errlen, "spool %s: site setting %s is "
				 "not valid for a record", cfg->dir, bad);
			return EV_EINVAL;
		}
	}
	s = calloc(1, sizeof *s);
	if (!s || !(s->dir = strdup(cfg->dir))) {
		free(s);
		snprintf(err, errlen, "%s: out of memory", cfg->dir);
		return EV_ENOMEM;
	}
	/* "spool/" would make open() follow a link at spool (O_NOFOLLOW
	 * only holds for a last component without a trailing slash) */
	for (size_t n = strlen(s->dir); n > 1 && s->dir[n - 1] == '/'; n--)
		s->dir[n - 1] = '\0';
	s->dfd = s->rfd = s->tfd = -1;
	pthread_mutex_init(&s->mu, NULL);
	pthread_cond_init(&s->cv, NULL);
	s->io = cfg->io ? *cfg->io : real;
	s->sync = cfg->sync;
	s->checkpoint_every = cfg->checkpoint_every;
	rc = open_dirs(s, err, errlen);
	if (!rc)
		rc = ev_chain_init(&s->chain, &cfg->site, cfg->key, NULL);
	if (!rc)
		rc = spool_recover(s, s->dfd, s->rfd, s->tfd, err, errlen);
	if (rc) {
		ev_spool_close(s);
		return rc;
	}
	*sp = s;
	return 0;
}

/* For recover.c (spool_int.h). */
struct ev_chain *spool_chain(struct ev_spool *s) { return &s->chain; }
void spool_set_recovered(struct ev_spool *s, uint64_t seq, uint64_t head_seq,
			 uint64_t prev_head_seq)
{
	s->prev_head_seq = prev_head_seq;
	s->recovered = seq;
	atomic_store(&s->committed, seq);
	s->head_seq = head_seq;
	s->staged_head = head_seq;
}
const char *spool_dir(const struct ev_spool *s) { return s->dir; }
