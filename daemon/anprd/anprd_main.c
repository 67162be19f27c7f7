// SPDX-License-Identifier: MIT
/*
 * anprd - the ANPR camera daemon: capture, read, track, check hotlists,
 * alert, and write every vehicle as a signed, chained record.
 *
 *   anprd --config /etc/anpr/anprd.conf [--workers N]
 *   anprd --config FILE --check-config
 * For recordings (file: sources), in tests, demos and benchmarks:
 *   --exit-at-eof   stop when every source has played out
 *   --replay-fast   as fast as the readers go, losslessly
 *   --replay-loop   restart recordings at their end
 *   --run-for SECS  stop after SECS seconds
 *   --log-reads     print each vehicle read and alert on stdout; off by
 *                   default: registrations are personal data and belong in
 *                   the signed records and the alert outputs, not the journal
 *
 * Signals: SIGTERM/SIGINT stop cleanly (open vehicles are recorded, the
 * spool is checkpointed); SIGHUP reloads the hotlists (a bad file is
 * rejected and the old lists kept). Under systemd: Type=notify, READY=1
 * once capturing, WATCHDOG=1 while the pipeline is alive.
 */
#include <stdarg.h>
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

#include <systemd/sd-daemon.h>
#include <systemd/sd-journal.h>

#ifndef ANPR_READER_MODEL_SHA256
#error "build with -DANPR_READER_MODEL_SHA256 (daemon/anprd/build.mk hashes the weights)"
#endif

#include "core/capture_state.h"
#include "core/alert_dispatch.h"
#include "anprd/anprd_log.h"
#include "core/config.h"
#include "core/config_map.h"
#include "core/hotlist.h"
#include "anprd/pipeline.h"
#include "anprd/preflight.h"
#include "evidence/readfile.h"

/*
 * The policy numbers of the daemon, named in one place (the rest comes
 * from the configuration through anprd_config and pipeline_config_from).
 */
enum {
	/* a signed checkpoint (a Merkle root) every this many records: what
	 * anpr-upload may delete trails the newest one (docs/spool.md) */
	ANPRD_CHECKPOINT_EVERY = 100,
	/* records waiting for the writer before the newest is refused and
	 * counted (docs/architecture.md, "When a queue is full"): minutes of
	 * a busy road's reads while the disk stalls */
	ANPRD_WRITER_QUEUE = 4096,
	/* records signed and committed per group (one fsync set for all) */
	ANPRD_WRITER_BATCH = 64,
	/* the main loop's tick: signals, the watchdog, the status file */
	ANPRD_TICK_MS = 200,
	/* gpsd: retry a lost connection after this long */
	ANPRD_GPSD_RETRY_MS = 1000,
};

/* The command line (what the configuration file does not say). */
struct options {
	const char *config_path;
	const char *status_path;	/* NULL: $RUNTIME_DIRECTORY/status.json */
	const char *passphrase_file;
	int check_only, exit_at_eof, replay_fast, replay_loop, log_reads;
	int workers;			/* -1: the configuration's */
	double run_for_s;		/* 0: until a signal */
};

/* What the running daemon holds, step by step. */
struct daemon_state {
	struct anprd_config cfg;
	const char *config_path;
	char *config_text;		/* the bytes parsed, hashed into records */
	size_t config_len;
	struct hotlist_holder hotlists;
	struct alert_dispatch *alerts;
	struct ev_writer *writer;
	struct pipeline *pipeline;
	struct anpr_loc_tracker gps_tracker;
	struct anpr_gpsd *gpsd;		/* in-vehicle cameras only */
	sigset_t sigs;			/* handled by the main thread alone */
	struct timespec started;
	char status_buf[512];
	const char *status_path;
	int journal;
	FILE *log;
};

/* anprd's own lines: structured journal entries under systemd */
static struct anprd_log logger;

static void die_ev(enum anprd_event ev, const char *fmt, ...)
	__attribute__((format(printf, 2, 3), noreturn));
static void die_ev(enum anprd_event ev, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	anprd_log(&logger, 3, ev, NULL, NULL, "anprd: %s", msg);
	exit(2);
}
#define die(...) die_ev(ANPRD_EV_NONE, __VA_ARGS__)

/* Messages of the alert outputs (a webhook down, a client dropped). */
static void alert_log(void *ctx, int prio, const char *msg)
{
	(void)ctx;
	anprd_log(&logger, prio, ANPRD_EV_NONE, NULL, NULL, "anprd: alerts: %s", msg);
}

static uint64_t to_dispatch(void *ctx, const struct alert *a)
{
	return alert_dispatch_push(ctx, a);
}

static void site_from_config(const struct anprd_config *cfg, const char *config_text,
			     size_t config_len, struct ev_site *site)
{
	uint8_t h[EV_HASH_LEN];

	memset(site, 0, sizeof(*site));
	snprintf(site->camera_id, sizeof(site->camera_id), "%s", cfg->camera_id);
	snprintf(site->site_id, sizeof(site->site_id), "%s", cfg->site_id);
	site->lat_e6 = (int64_t)(cfg->location.latitude * 1e6);
	site->lon_e6 = (int64_t)(cfg->location.longitude * 1e6);
	/* in-vehicle cameras have no fixed site: the site fields stay 0 and
	 * every read's `position` field says where it was made */
	site->bearing_deg = cfg->location.mode == ANPRD_LOC_FIXED && cfg->location.direction >= 0 ?
			    (unsigned)cfg->location.direction : 0;
	snprintf(site->sw_version, sizeof(site->sw_version), "anpr-%s", ANPR_VERSION);
	ev_sha256(config_text, config_len, h);
	ev_hex(h, sizeof(h), site->config_sha256);
	/* the reader's built-in weights identify the model (hashed at build) */
	snprintf(site->model_sha256, sizeof(site->model_sha256), "%s", ANPR_READER_MODEL_SHA256);
}

static void on_writer_error(void *ctx, int rc, const char *msg)
{
	char code[32];
	const char *extra[] = { code, NULL };

	(void)ctx;
	snprintf(code, sizeof(code), "ANPR_ERROR_CODE=%d", rc);
	anprd_log(&logger, 2, ANPRD_EV_INTAKE_STOPPED, NULL, extra,
		  "anprd: RECORD INTAKE STOPPED (%d): %s", rc, msg);
}

/*
 * The status an operator reads at 3 a.m. (cat /run/anpr/status.json, or
 * systemctl status anprd): counts, drops, spool, clock, camera health. It
 * carries no location. Written whole (temporary file, rename).
 */
static void write_status(const char *path, const struct daemon_state *d, struct pipeline *p,
			 struct ev_writer *w, const struct timespec *started, char *line,
			 size_t linecap)
{
	struct pl_totals t;
	struct ev_clock clk = { 0 };
	struct timespec now;
	uint64_t now_ns;
	char tmp[4096 + 8];
	FILE *f;
	int len;

	pipeline_totals(p, &t);
	ev_clock_sample(&clk);
	clock_gettime(CLOCK_MONOTONIC, &now);
	now_ns = (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec;
	snprintf(line, linecap, "%llu frames, %llu dropped, %llu vehicles, %llu hits, spool at %llu%s",
		 (unsigned long long)t.frames,
		 (unsigned long long)t.drops_source + (unsigned long long)t.drops_queue,
		 (unsigned long long)t.vehicles, (unsigned long long)t.hits,
		 (unsigned long long)ev_writer_acked(w), clk.synced ? "" : ", clock NOT synchronised");
	/* a lost IP camera first thing in systemctl status: the line is cut
	 * to its buffer, and this is what the operator must see */
	for (int i = 0; i < d->cfg.nsources; i++) {
		struct stream_state st;
		char desc[300], pre[400];
		size_t pl, ll;

		if (pipeline_stream(p, i, &st) || !st.down)
			continue;
		snprintf(pre, sizeof(pre), "source %s: %s; ", d->cfg.sources[i].name,
			 stream_state_describe(&st, now_ns, desc, sizeof(desc)));
		/* in front of the line; what no longer fits is cut at its end */
		pl = strlen(pre);
		if (pl + 1 >= linecap)
			continue;
		ll = strlen(line);
		if (ll > linecap - 1 - pl)
			ll = linecap - 1 - pl;
		memmove(line + pl, line, ll);
		line[pl + ll] = '\0';
		memcpy(line, pre, pl);
	}
	if (!path)
		return;
	len = snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	if (len < 0 || (size_t)len >= sizeof(tmp) || !(f = fopen(tmp, "w")))
		return;
	fprintf(f, "{\"schema\":\"anpr-status/1\",\"camera\":\"%s\",\"uptime_s\":%lld,"
		   "\"frames\":%llu,\"drops\":{\"source\":%llu,\"queue\":%llu},"
		   "\"reads\":%llu,\"vehicles\":%llu,\"hits\":%llu,"
		   "\"spool\":{\"acked_seq\":%llu,\"refused\":%llu,\"writer_dropped\":%llu},"
		   "\"clock\":{\"synced\":%s,\"esterror_us\":%llu,\"maxerror_us\":%llu},"
		   "\"sources\":[",
		d->cfg.camera_id, (long long)(now.tv_sec - started->tv_sec),
		(unsigned long long)t.frames, (unsigned long long)t.drops_source,
		(unsigned long long)t.drops_queue, (unsigned long long)t.reads,
		(unsigned long long)t.vehicles, (unsigned long long)t.hits,
		(unsigned long long)ev_writer_acked(w), (unsigned long long)t.writer_refused,
		(unsigned long long)ev_writer_dropped(w), clk.synced ? "true" : "false",
		(unsigned long long)clk.esterror_us, (unsigned long long)clk.maxerror_us);
	for (int i = 0; i < d->cfg.nsources; i++) {
		unsigned h = pipeline_health(p, i);
		struct stream_state st;
		char js[512];

		fprintf(f, "%s{\"name\":\"%s\",\"health\":[", i ? "," : "", d->cfg.sources[i].name);
		for (unsigned c = 1, k = 0; c <= HEALTH_UNREADABLE; c <<= 1)
			if (h & c)
				fprintf(f, "%s\"%s\"", k++ ? "," : "", health_cond_name(c));
		fputs("]", f);
		/* an IP camera's stream: lost since when and why, reconnects,
		 * the stream time lost */
		if (pipeline_stream(p, i, &st) == 0 && st.rtsp)
			fprintf(f, ",\"stream\":%s", stream_state_json(&st, now_ns, js, sizeof(js)));
		fputs("}", f);
	}
	fputs("]}\n", f);
	if (fclose(f) == 0)
		rename(tmp, path);
	else
		unlink(tmp);
}

/* The secret key (and its passphrase) in secure memory; exits naming the
 * key file when it cannot be loaded. */
static void load_signing_key(const struct daemon_state *d, const char *passphrase_file,
			     struct ev_key *key)
{
	char err[1024];

	if (anprd_load_signing_key(d->cfg.keys.signing_key, passphrase_file, key, err,
				   sizeof(err)))
		die_ev(ANPRD_EV_KEY_PROBLEM, "%s", err);
}

static void usage(FILE *f)
{
	fprintf(f, "usage: anprd --config FILE [--workers N]\n"
		   "       anprd --config FILE --check-config\n"
		   "  recordings: [--exit-at-eof] [--replay-fast] [--replay-loop] [--run-for SECS]\n"
		   "  status: [--status-file PATH] (default $RUNTIME_DIRECTORY/status.json)\n"
		   "  [--log-reads] print each vehicle and alert (personal data: demos, tests)\n"
		   "  [--key-passphrase-file FILE] (or the credential signing-key.passphrase)\n");
}

/* No core dumps, and no ptrace by other processes of our user: this
 * process holds the camera's signing key, and a core (the watchdog's
 * SIGABRT, a crash) would carry it to wherever cores go. The key also
 * sits in memory marked MADV_DONTDUMP (anprevidence's secmem.c), and the
 * unit sets LimitCORE=0; each of the three holds alone. */
static void no_core_dumps(void)
{
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0)
		fprintf(stderr, "anprd: cannot turn core dumps off: %s\n", strerror(errno));
}

/* -1 to go on, or the exit status (--version, --help, a usage error). */
static int parse_options(int argc, char **argv, struct options *o)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "check-config", no_argument, NULL, 'C' },
		{ "exit-at-eof", no_argument, NULL, 'e' },
		{ "replay-fast", no_argument, NULL, 'f' },
		{ "workers", required_argument, NULL, 'w' },
		{ "replay-loop", no_argument, NULL, 'l' },
		{ "run-for", required_argument, NULL, 'r' },
		{ "status-file", required_argument, NULL, 's' },
		{ "log-reads", no_argument, NULL, 'L' },
		{ "key-passphrase-file", required_argument, NULL, 'P' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int c;

	memset(o, 0, sizeof(*o));
	o->workers = -1;
	while ((c = getopt_long(argc, argv, "c:h", opts, NULL)) != -1) {
		switch (c) {
		case 'c': o->config_path = optarg; break;
		case 'C': o->check_only = 1; break;
		case 'e': o->exit_at_eof = 1; break;
		case 'f': o->replay_fast = 1; break;
		case 'w': o->workers = atoi(optarg); break;
		case 'l': o->replay_loop = 1; break;
		case 'r': o->run_for_s = atof(optarg); break;
		case 's': o->status_path = optarg; break;
		case 'L': o->log_reads = 1; break;
		case 'P': o->passphrase_file = optarg; break;
		case 'V':
			printf("%s %s\n", "anprd", ANPR_VERSION);
			return 0;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (!o->config_path || optind != argc) {
		usage(stderr);
		return 2;
	}
	return -1;
}

/* Read once: the records carry the hash of the very bytes parsed. */
static void read_config(struct daemon_state *d)
{
	char err[1024];

	if (read_file_limited(d->config_path, ANPRD_CONF_MAX_SIZE, &d->config_text,
			    &d->config_len, err, sizeof(err)) ||
	    anprd_config_parse(d->config_path, d->config_text, d->config_len, &d->cfg, err,
			       sizeof(err)))
		die("%s", err);
}

/* --check-config: the checks anprd-checkconf makes too (preflight.c). */
static int check_config(struct daemon_state *d, const struct options *o)
{
	int fails;

	printf("%s:\n", d->config_path);
	fails = anprd_preflight(&d->cfg, o->passphrase_file, stdout);
	printf("%s: %s\n", d->config_path, fails ? "anprd would NOT start" : "ok");
	free(d->config_text);
	return fails ? 2 : 0;
}

/* The hotlists, libsodium and the signing key; then the start line. */
static void load_hotlists_and_key(struct daemon_state *d, const struct options *o,
				  struct ev_key *key)
{
	struct hotlist *hl = NULL;
	char err[1024];

	if (anprd_load_hotlists(&d->cfg, &hl, err, sizeof(err)))
		die("%s", err);
	if (ev_init())
		die("libsodium cannot be initialised");
	load_signing_key(d, o->passphrase_file, key);
	logger.camera = d->cfg.camera_id;
	/* what it runs, never where: a fixed site's location stays in the records */
	anprd_log(&logger, 6, ANPRD_EV_START, NULL, NULL,
		  "anprd %s starting: camera %s, %d source%s, %zu hotlist entries "
		  "(set sha256:%s, as read records name it)", ANPR_VERSION,
		  d->cfg.camera_id, d->cfg.nsources, d->cfg.nsources == 1 ? "" : "s",
		  hotlist_count(hl), hotlist_set_sha256(hl));
	d->journal = d->cfg.alerts.journal && getenv("JOURNAL_STREAM") != NULL;
	hotlist_holder_init(&d->hotlists, hl);
}

/* Signals go to the main thread only: blocked before any thread starts. */
static void block_signals(struct daemon_state *d)
{
	sigemptyset(&d->sigs);
	sigaddset(&d->sigs, SIGTERM);
	sigaddset(&d->sigs, SIGINT);
	sigaddset(&d->sigs, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &d->sigs, NULL);
}

static void start_alerts(struct daemon_state *d)
{
	struct alert_dispatch_cfg ac;
	char err[1024];

	anprd_alert_cfg(&d->cfg, &ac);
	ac.journal = d->journal;	/* only under systemd */
	d->alerts = alert_dispatch_start(&ac, alert_log, d, err, sizeof(err));
	if (!d->alerts)
		die("%s", err);
}

/* The evidence writer: the spool, the key, the policy numbers above. */
static void start_writer(struct daemon_state *d, struct ev_key *key)
{
	struct ev_writer_config wc;
	char err[1024];

	memset(&wc, 0, sizeof(wc));
	wc.spool.dir = d->cfg.spool.dir;
	site_from_config(&d->cfg, d->config_text, d->config_len, &wc.spool.site);
	wc.spool.key = key;
	wc.spool.sync = EV_SYNC_FSYNC;
	wc.spool.checkpoint_every = ANPRD_CHECKPOINT_EVERY;
	wc.queue_len = ANPRD_WRITER_QUEUE;
	wc.batch_max = ANPRD_WRITER_BATCH;
	wc.heartbeat_interval_s = (unsigned)(d->cfg.health.heartbeat_ms / 1000);
	wc.on_error = on_writer_error;
	wc.cb_ctx = d;
	if (ev_writer_start(&d->writer, &wc, err, sizeof(err)))
		die("%s", err);
	ev_key_free(key);	/* the writer's chain holds its own reference */
}

/* The pipeline's parameters: the configuration's one mapping
 * (pipeline_config_from), then what the command line and this process
 * add; in-vehicle cameras start following gpsd here. */
static void start_pipeline(struct daemon_state *d, const struct options *o)
{
	struct pl_config pc;
	char err[1024];

	pipeline_config_from(&d->cfg, &pc);
	for (int i = 0; i < pc.nsources; i++) {
		pc.sources[i].replay_fast = o->replay_fast;
		pc.sources[i].replay_loop = o->replay_loop;
	}
	if (o->workers >= 0)
		pc.workers = o->workers;
	pc.exit_at_eof = o->exit_at_eof;
	if (d->cfg.location.mode == ANPRD_LOC_GPSD) {
		char port[16];

		/* in-vehicle: every read records the fix at its capture */
		anpr_loc_tracker_init(&d->gps_tracker, (uint64_t)d->cfg.location.max_fix_age_ms);
		snprintf(port, sizeof(port), "%d", d->cfg.location.gpsd_port);
		if (anpr_gpsd_start(&d->gpsd, d->cfg.location.gpsd_host, port, &d->gps_tracker,
				    ANPRD_GPSD_RETRY_MS, NULL, err, sizeof(err)))
			die("%s", err);
		pc.gps = &d->gps_tracker;
	}
	pc.logger = &logger;
	pc.log = d->log;
	pc.log_reads = o->log_reads;
	/* under systemd stdout is the journal's stream: say each line's priority */
	pc.syslog_prefix = getenv("JOURNAL_STREAM") != NULL;
	pc.alert = to_dispatch;
	pc.alert_ctx = d->alerts;
	if (pipeline_start(&d->pipeline, &pc, &d->hotlists, d->writer, err, sizeof(err)))
		die("%s", err);
	sd_notify(0, "READY=1\nSTATUS=capturing");
	anprd_log(&logger, 6, ANPRD_EV_READY, NULL, NULL, "anprd: capturing");
	clock_gettime(CLOCK_MONOTONIC, &d->started);
	d->status_path = o->status_path;
	if (!d->status_path && getenv("RUNTIME_DIRECTORY")) {
		/* systemd's RuntimeDirectory=anpr: /run/anpr/status.json */
		snprintf(d->status_buf, sizeof(d->status_buf), "%s/status.json",
			 getenv("RUNTIME_DIRECTORY"));
		d->status_path = d->status_buf;
	}
}

/* SIGHUP: the hotlist files named by the configuration file as it is now,
 * swapped in whole or not at all; the new entries searched back. */
static void reload_hotlists(struct daemon_state *d)
{
	struct anprd_config fresh;
	struct hotlist *added = NULL;
	const char *paths[ANPRD_MAX_HOTLISTS];
	char err[1024];
	long n = -1;

	if (anprd_config_load(d->config_path, &fresh, err, sizeof(err)) == 0) {
		for (int i = 0; i < fresh.hotlists.nfiles; i++)
			paths[i] = fresh.hotlists.files[i];
		n = hotlist_holder_reload(&d->hotlists, paths, fresh.hotlists.nfiles, &added,
					  err, sizeof(err));
	}
	if (n < 0) {
		anprd_log(&logger, 3, ANPRD_EV_RELOAD_REJECTED, NULL, NULL,
			  "anprd: reload rejected, hotlists in force kept: %s", err);
		return;
	}
	{
		char entries[48], fresh_n[48], set[96];
		const char *extra[] = { entries, fresh_n, set, NULL };
		size_t nadded = added ? hotlist_count(added) : 0;
		/* the set now in force: only this thread swaps it, so
		 * it stays valid here without a read section */
		const char *digest = hotlist_set_sha256(atomic_load(&d->hotlists.cur));

		snprintf(entries, sizeof(entries), "ANPR_HOTLIST_ENTRIES=%ld", n);
		snprintf(fresh_n, sizeof(fresh_n), "ANPR_HOTLIST_NEW=%zu", nadded);
		snprintf(set, sizeof(set), "ANPR_HOTLIST_SET_SHA256=%s", digest);
		anprd_log(&logger, 5, ANPRD_EV_RELOAD_OK, NULL, extra,
			  "hotlists reloaded: %ld entries, %zu new, set sha256:%s",
			  n, nadded, digest);
	}
	pipeline_search_back(d->pipeline, added);
	hotlist_free(added);
}

static double seconds_since(const struct timespec *t0)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t0->tv_sec) + (double)(now.tv_nsec - t0->tv_nsec) / 1e9;
}

/* Until SIGTERM or SIGINT (or the recordings' end, or --run-for): the
 * watchdog every tick, the status once a second, SIGHUP's reload. */
static void run_until_stopped(struct daemon_state *d, const struct options *o)
{
	struct timespec last_status = { 0, 0 };
	char status_line[512];

	for (;;) {
		struct timespec tick = { 0, ANPRD_TICK_MS * 1000000L }, now;
		siginfo_t si;
		int sig = sigtimedwait(&d->sigs, &si, &tick);

		sd_notify(0, "WATCHDOG=1");
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec != last_status.tv_sec) {
			last_status = now;
			write_status(d->status_path, d, d->pipeline, d->writer, &d->started,
				     status_line, sizeof(status_line));
			sd_notifyf(0, "STATUS=%s", status_line);
		}
		if (sig == SIGTERM || sig == SIGINT)
			return;
		if (sig == SIGHUP) {
			reload_hotlists(d);
			continue;
		}
		if (o->exit_at_eof && pipeline_eof(d->pipeline))
			return;
		if (o->run_for_s > 0 && seconds_since(&d->started) >= o->run_for_s)
			return;
	}
}

static void log_totals(const struct pl_totals *tot)
{
	char fr[48], dr[48], ve[48];
	const char *extra[] = { fr, dr, ve, NULL };

	snprintf(fr, sizeof(fr), "ANPR_FRAMES=%llu", (unsigned long long)tot->frames);
	snprintf(dr, sizeof(dr), "ANPR_DROPPED=%llu",
		 (unsigned long long)tot->drops_source + (unsigned long long)tot->drops_queue);
	snprintf(ve, sizeof(ve), "ANPR_VEHICLES=%llu", (unsigned long long)tot->vehicles);
	anprd_log(&logger, 6, ANPRD_EV_STOPPED, NULL, extra,
		  "anprd: %llu frames, %llu dropped (source %llu, queue %llu), "
		  "%llu plate read%s, %llu vehicle%s recorded, %llu hotlist alert%s%s",
		  (unsigned long long)tot->frames,
		  (unsigned long long)tot->drops_source + (unsigned long long)tot->drops_queue,
		  (unsigned long long)tot->drops_source, (unsigned long long)tot->drops_queue,
		  (unsigned long long)tot->reads, tot->reads == 1 ? "" : "s",
		  (unsigned long long)tot->vehicles, tot->vehicles == 1 ? "" : "s",
		  (unsigned long long)tot->hits, tot->hits == 1 ? "" : "s",
		  tot->writer_refused ? ", RECORDS REFUSED BY THE SPOOL" : "");
	if (tot->latency_n)
		anprd_log(&logger, 6, ANPRD_EV_NONE, NULL, NULL,
			  "anprd: capture to hotlist decision over %llu reads: "
			  "p50 %u ms, p99 %u ms, max %u ms", (unsigned long long)tot->latency_n,
			  tot->latency_p50_ms, tot->latency_p99_ms, tot->latency_max_ms);
}

/* Stop in the order that loses nothing: the pipeline (open vehicles are
 * recorded), gpsd, the writer (the spool checkpointed), the alerts.
 * The exit status: 1 if the spool refused or failed records. */
static int shut_down(struct daemon_state *d)
{
	struct pl_totals tot;
	char err[1024];
	int rc = 0;

	sd_notify(0, "STOPPING=1");
	pipeline_stop(d->pipeline, &tot);
	if (d->gpsd) {
		anpr_gpsd_stop(d->gpsd);
		anpr_loc_tracker_destroy(&d->gps_tracker);
	}
	if (ev_writer_stop(d->writer, err, sizeof(err))) {
		anprd_log(&logger, 2, ANPRD_EV_INTAKE_STOPPED, NULL, NULL, "anprd: %s", err);
		rc = 1;
	}
	alert_dispatch_stop(d->alerts);
	log_totals(&tot);
	if (tot.writer_refused)
		rc = 1;
	hotlist_holder_destroy(&d->hotlists);
	free(d->config_text);
	return rc;
}

int main(int argc, char **argv)
{
	struct daemon_state d;
	struct options o;
	struct ev_key key;
	int rc;

	no_core_dumps();
	memset(&d, 0, sizeof(d));
	d.log = stdout;
	anprd_log_init(&logger, stdout, stderr, getenv("JOURNAL_STREAM"), STDERR_FILENO);
	rc = parse_options(argc, argv, &o);
	if (rc >= 0)
		return rc;
	d.config_path = o.config_path;
	read_config(&d);
	if (o.check_only)
		return check_config(&d, &o);
	load_hotlists_and_key(&d, &o, &key);
	block_signals(&d);
	start_alerts(&d);
	start_writer(&d, &key);
	start_pipeline(&d, &o);
	run_until_stopped(&d, &o);
	return shut_down(&d);
}
