// SPDX-License-Identifier: MIT
/*
 * anpr-upload - send the spool's signed records to the back office,
 * hotlist hits first, then oldest first; delete a record only after the
 * back office acknowledged it (docs/upload-protocol.md).
 *
 *   anpr-upload --config /etc/anpr/anprd.conf [--state DIR] [--once]
 *               [--give-up-after DURATION] [--poll-ms N]
 *               [--max-backoff-ms N] [--batch N]
 *
 * --batch N: acknowledged records are committed (ledger fsync, deletion,
 * directory fsync) in groups of up to N (default 64; 1: one by one), and
 * always before a back-off, a rescan or the exit.
 *
 * --once: send until nothing is left, then exit (0; 1 if the back office
 * rejected a record, which stays in the spool); and give up (75,
 * EX_TEMPFAIL: try again later) when no record has been acknowledged for
 * --give-up-after (default 5 minutes) because the back office cannot be
 * reached or keeps failing: a run from a timer must end.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>
#include <systemd/sd-daemon.h>

#include "common/timeutil.h"
#include "core/config.h"
#include "upload/upload.h"

static volatile sig_atomic_t stop;

/*
 * The uploader's status for operators (anpr-status reads it): written
 * whole after every pass. Schema anpr-upload-status/1.
 */
static void write_status(const char *path, uint64_t acked, long pending, double oldest_age_s,
			 unsigned failures, const char *last_error)
{
	char tmp[600];
	FILE *f;

	if (!path)
		return;
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "w");
	if (!f)
		return;
	fprintf(f, "{\"schema\":\"anpr-upload-status/1\",\"time\":%lld,\"acked\":%llu,"
		   "\"pending\":%ld,\"oldest_pending_age_s\":%.0f,\"consecutive_failures\":%u,"
		   "\"last_error\":\"",
		(long long)time(NULL), (unsigned long long)acked, pending, oldest_age_s, failures);
	for (const char *p = last_error; p && *p; p++)	/* JSON string escaping */
		if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if ((unsigned char)*p >= 0x20)
			fputc(*p, f);
	fputs("\"}\n", f);
	if (fclose(f) == 0)
		rename(tmp, path);
	else
		unlink(tmp);
}

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static const char *credential(const char *configured, const char *name, char *buf, size_t cap)
{
	const char *dir = getenv("CREDENTIALS_DIRECTORY");

	if (configured && configured[0])
		return configured;
	if (dir) {
		snprintf(buf, cap, "%s/%s", dir, name);
		if (access(buf, R_OK) == 0)
			return buf;	/* systemd LoadCredential= */
	}
	return NULL;
}

/* Rejected records stay in the spool and are not retried by this process;
 * acknowledged ones the writer still needs (since the last checkpoint)
 * wait, without being sent again, until a newer checkpoint frees them. */
struct skip {
	uint64_t *seq;
	size_t n, cap;
};

static int skipped(const struct skip *s, uint64_t seq)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->seq[i] == seq)
			return 1;
	return 0;
}

static void skip_del(struct skip *s, uint64_t seq)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->seq[i] == seq) {
			s->seq[i] = s->seq[--s->n];
			return;
		}
}

static void skip_add(struct skip *s, uint64_t seq)
{
	if (s->n == s->cap) {
		uint64_t *v = realloc(s->seq, (s->cap ? s->cap * 2 : 16) * sizeof(*v));

		if (!v)
			return;
		s->seq = v;
		s->cap = s->cap ? s->cap * 2 : 16;
	}
	s->seq[s->n++] = seq;
}

/* Commit the acknowledged records gathered in batch; empties it. */
static int commit(const char *state, const struct upload_item **batch, size_t *n)
{
	char err[1024];
	int rc = upload_commit_batch(state, batch, *n, err, sizeof(err));

	if (rc)
		fprintf(stderr, "anpr-upload: %s\n", err);
	*n = 0;
	return rc;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "state", required_argument, NULL, 's' },
		{ "once", no_argument, NULL, 'o' },
		{ "poll-ms", required_argument, NULL, 'p' },
		{ "max-backoff-ms", required_argument, NULL, 'b' },
		{ "status-file", required_argument, NULL, 'S' },
		{ "batch", required_argument, NULL, 'B' },
		{ "give-up-after", required_argument, NULL, 'G' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *config_path = NULL, *state = "/var/lib/anpr/upload";
	struct anprd_config cfg;
	struct upload_http_cfg hc;
	struct upload_window *window;
	struct skip skips = { 0 }, waiting = { 0 };
	char err[1024], certbuf[512], keybuf[512];
	long poll_ms = 2000, max_backoff_ms = 60000, batch_max = 64;
	const struct upload_item **batch;
	size_t nbatch = 0;
	char *end;
	unsigned failures = 0;
	uint64_t acked = 0;
	int64_t give_up_ms = 300000, progress_at;
	int once = 0, rejected = 0, gave_up = 0, c;
	const char *status_path = NULL;
	char status_buf[512], last_error[1024] = "";
	struct sigaction sa;

	/*
	 * No core dumps, and no ptrace by other processes of our user: the
	 * TLS client key that proves this camera to the back office is in
	 * this process's memory (libcurl's TLS library), and a core (the
	 * watchdog's SIGABRT, a crash) would carry it to wherever cores go.
	 * The unit sets LimitCORE=0 too.
	 */
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0)
		fprintf(stderr, "anpr-upload: cannot turn core dumps off: %s\n", strerror(errno));

	while ((c = getopt_long(argc, argv, "c:h", opts, NULL)) != -1) {
		switch (c) {
		case 'c': config_path = optarg; break;
		case 's': state = optarg; break;
		case 'o': once = 1; break;
		case 'p': poll_ms = atol(optarg); break;
		case 'b': max_backoff_ms = atol(optarg); break;
		case 'S': status_path = optarg; break;
		case 'B':
			batch_max = strtol(optarg, &end, 10);
			if (*optarg == '\0' || *end || batch_max < 1 || batch_max > 4096) {
				fprintf(stderr, "anpr-upload: --batch '%s': not a number of records "
					"from 1 to 4096\n", optarg);
				return 2;
			}
			break;
		case 'G':
			if (anpr_parse_duration_ms(optarg, &give_up_ms, 0) || give_up_ms < 1000) {
				fprintf(stderr, "anpr-upload: --give-up-after '%s': not a duration "
					"of 1s or more (a number and a unit: s, m, h or d, "
					"e.g. 5m)\n", optarg);
				return 2;
			}
			break;
		case 'V':
			printf("anpr-upload %s\n", ANPR_VERSION);
			return 0;
		case 'h':
		default:
			fprintf(c == 'h' ? stdout : stderr,
				"usage: anpr-upload --config FILE [--state DIR] [--once] "
				"[--give-up-after DURATION] [--poll-ms N] [--max-backoff-ms N] "
				"[--status-file PATH] [--batch N] [--version]\n");
			return c == 'h' ? 0 : 2;
		}
	}
	if (!config_path) {
		fprintf(stderr, "anpr-upload: --config FILE is required\n");
		return 2;
	}
	if (sodium_init() < 0) {
		fprintf(stderr, "anpr-upload: libsodium cannot be initialised\n");
		return 2;
	}
	if (anprd_config_load(config_path, &cfg, err, sizeof(err))) {
		fprintf(stderr, "anpr-upload: %s\n", err);
		return 2;
	}
	if (!cfg.upload.url[0]) {
		fprintf(stderr, "anpr-upload: %s: [upload] url is not set; records stay in %s\n",
			config_path, cfg.spool.dir);
		return 2;
	}
	if (mkdir(state, 0750) && errno != EEXIST) {
		fprintf(stderr, "anpr-upload: %s: cannot create state directory: %s\n", state,
			strerror(errno));
		return 2;
	}
	if (upload_recover(state, err, sizeof(err))) {
		fprintf(stderr, "anpr-upload: %s\n", err);
		return 2;
	}
	memset(&hc, 0, sizeof(hc));
	hc.url = cfg.upload.url;
	hc.client_cert = credential(cfg.upload.client_cert, "client.crt", certbuf, sizeof(certbuf));
	hc.client_key = credential(cfg.upload.client_key, "client.key", keybuf, sizeof(keybuf));
	hc.ca_file = cfg.upload.ca_file[0] ? cfg.upload.ca_file : NULL;
	hc.camera_id = cfg.camera_id;
	hc.timeout_ms = (long)cfg.upload.timeout_ms;
	window = upload_window_new(&hc, (unsigned)cfg.upload.connections,
				   (unsigned)cfg.upload.records_per_request, err, sizeof(err));
	if (!window) {
		fprintf(stderr, "anpr-upload: %s: %s\n", config_path, err);
		return 2;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	srand((unsigned)time(NULL) ^ (unsigned)getpid());
	if (!status_path && getenv("RUNTIME_DIRECTORY")) {
		snprintf(status_buf, sizeof(status_buf), "%s/upload-status.json",
			 getenv("RUNTIME_DIRECTORY"));
		status_path = status_buf;
	}
	batch = calloc((size_t)batch_max, sizeof(const struct upload_item *));
	if (!batch) {
		fprintf(stderr, "anpr-upload: out of memory\n");
		return 2;
	}
	sd_notify(0, "READY=1");

	progress_at = mono_ms();
	while (!stop) {
		struct upload_item *items;
		unsigned char *sendable = NULL;
		uint64_t head;
		long n = upload_scan(cfg.spool.dir, &items, &head, err, sizeof(err));
		uint64_t keep_from = n > 0 ? upload_keep_from(items, (size_t)n, head) : 1;
		long pending = 0;
		int progressed = 0, failed = 0;
		double oldest = 0;
		struct stat st;

		sd_notify(0, "WATCHDOG=1");
		if (n < 0) {
			fprintf(stderr, "anpr-upload: %s\n", err);
			anpr_sleep_ms(poll_ms, &stop);
			continue;
		}
		/* the backlog, for the status: records not yet handed over */
		for (long i = 0; i < n; i++) {
			if (skipped(&skips, items[i].seq) || skipped(&waiting, items[i].seq))
				continue;
			pending++;
			if (stat(items[i].files[0], &st) == 0 &&
			    difftime(time(NULL), st.st_mtime) > oldest)
				oldest = difftime(time(NULL), st.st_mtime);
		}
		/* what this pass sends: the window's senders run ahead of the
		 * loop below, which takes their answers in this order */
		sendable = calloc((size_t)n + 1, 1);
		for (long i = 0; sendable && i < n; i++)
			sendable[i] = !skipped(&skips, items[i].seq) &&
				      !skipped(&waiting, items[i].seq);
		if (!sendable || upload_window_begin(window, items, sendable, n, err,
						     sizeof(err)) != 0) {
			fprintf(stderr, "anpr-upload: %s\n", sendable ? err : "out of memory");
			free(sendable);
			free(items);
			anpr_sleep_ms(poll_ms, &stop);
			continue;
		}
		for (long i = 0; i < n && !stop; i++) {
			const struct upload_item *it = &items[i];
			enum upload_result r;

			if (skipped(&skips, it->seq))
				continue;
			if (skipped(&waiting, it->seq)) {
				if (it->seq >= keep_from)
					continue;	/* still needed by the writer */
				skip_del(&waiting, it->seq);
				r = UPLOAD_ACKED;	/* acknowledged before: commit */
			} else {
				r = upload_window_result(window, i, err, sizeof(err));
				if (r == UPLOAD_ACKED) {
					failures = 0;
					acked++;
					progressed = 1;
					progress_at = mono_ms();
				}
			}
			if (r == UPLOAD_ACKED) {
				if (it->seq >= keep_from) {
					/* the writer resumes its chain from the
					 * records since the last checkpoint and the
					 * head: they stay until a newer one */
					skip_add(&waiting, it->seq);
					continue;
				}
				batch[nbatch++] = it;	/* group commit */
				if (nbatch == (size_t)batch_max && commit(state, batch, &nbatch))
					failed = 1;
				if (failed)
					break;
				continue;
			}
			if (r == UPLOAD_REJECTED) {
				fprintf(stderr, "anpr-upload: REJECTED, kept in the spool: %s\n", err);
				skip_add(&skips, it->seq);
				rejected = 1;
				continue;
			}
			fprintf(stderr, "anpr-upload: will retry: %s\n", err);
			snprintf(last_error, sizeof(last_error), "%s", err);
			failed = 1;
			break;	/* back off, then rescan: new hits go first */
		}
		/* answers still in flight are dropped: sent again next pass */
		upload_window_end(window);
		free(sendable);
		/* the rest of the group, before back-off, rescan or exit (items
		 * are freed next) */
		if (commit(state, batch, &nbatch))
			failed = 1;
		free(items);
		write_status(status_path, acked, pending, oldest, failures, last_error);
		sd_notifyf(0, "STATUS=%llu records acknowledged, %ld pending, %u consecutive failures",
			   (unsigned long long)acked, pending, failures);
		if (failed) {
			long wait = upload_backoff_ms(failures++, max_backoff_ms,
						      (double)rand() / RAND_MAX);
			int64_t left = progress_at + give_up_ms - mono_ms();

			if (once && left <= 0) {
				gave_up = 1;
				break;
			}
			anpr_sleep_ms(once && wait > left ? (long)left : wait, &stop);
			continue;
		}
		if (once && !progressed)
			break;	/* nothing was left to send */
		if (!progressed)
			anpr_sleep_ms(poll_ms, &stop);
	}
	printf("anpr-upload: %llu records acknowledged%s\n", (unsigned long long)acked,
	       rejected ? ", some REJECTED (kept in the spool)" : "");
	if (gave_up)
		fprintf(stderr, "anpr-upload: giving up: no record acknowledged for %.0f s "
			"(--give-up-after); last error: %s. Nothing unacknowledged was "
			"deleted; run again later\n", give_up_ms / 1000.0, last_error);
	upload_window_free(window);
	free(skips.seq);
	free(waiting.seq);
	free(batch);
	if (gave_up)
		return EX_TEMPFAIL;
	return rejected ? 1 : 0;
}
