// SPDX-License-Identifier: MIT
/*
 * anpr-query - search the back office's store for the reads of a vehicle
 * (exact mark, or its look-alike fold as the camera's hotlist matching),
 * list its movements, and export the reads as disclosure bundles (each
 * read with its Merkle inclusion proof under the checkpoint that covers
 * it, and no other vehicle's read: docs/record-format.md, "Disclosure
 * bundle"), from the bytes exactly as stored. Every question
 * goes through the database's policy functions (anpr.search_reads,
 * anpr.export_reads) as the person connected, with a purpose and a case:
 * the database decides what comes back and audits it. docs/backoffice.md
 * ("Search and export") and docs/access.md are the design;
 * man/anpr-query.1 the usage.
 */
#include "store/anprstore.h"
#include "tools/disclosure.h"
#include "evidence/evidence.h"
#include "evidence/evidence_format.h"
#include "evidence/evidence_spool.h"
#include "evidence/evidence_verify.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_LIMIT 1000

static const char usage_text[] =
	"usage: anpr-query --db CONNINFO --purpose PURPOSE --case REF [--authorisation ID]\n"
	"                  --vrm MARK [--fuzzy] [--from TIME] [--to TIME] [--camera ID]\n"
	"                  [--movements] [--json] [--limit N]\n"
	"       anpr-query ... (as above) --images DIR|s3://BUCKET --export OUT.tar\n"
	"Every search and export goes through the access policy (docs/access.md) as\n"
	"the person connected, and is audited; an export needs anpr_exporter.\n"
	"PURPOSE: role-relevant, serious-crime, major-crime or counter-terrorism.\n"
	"TIME: UTC ISO 8601, YYYY-MM-DDTHH:MM:SS[.ffffff]Z or YYYY-MM-DD.\n"
	"CONNINFO may also come from ANPR_DB (a libpq connection string).\n";

static int usage_err(const char *fmt, const char *arg)
{
	fputs("anpr-query: ", stderr);
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
	fputs(usage_text, stderr);
	return 2;
}

/* UTC ISO 8601: a date, or a date and time with an optional fraction
 * (up to microseconds) and Z (or +00:00). A date alone is its first
 * microsecond, or with end set its last (--to 2026-12-06 takes in the
 * whole day). */
static int parse_time(const char *s, bool end, int64_t *us)
{
	struct tm tm;
	unsigned y, mo, d, h = 0, mi = 0, sec = 0;
	long frac = 0;
	int n = 0, fd = 0;
	const char *p;
	time_t t;

	memset(&tm, 0, sizeof tm);
	if (sscanf(s, "%4u-%2u-%2u%n", &y, &mo, &d, &n) != 3 || n != 10)
		return -1;
	p = s + n;
	if (!*p && end) {
		h = 23;
		mi = 59;
		sec = 59;
		frac = 999999;
	} else if (*p) {
		if (*p != 'T' || sscanf(p + 1, "%2u:%2u:%2u%n", &h, &mi, &sec, &n) != 3 ||
		    n != 8)
			return -1;
		p += 1 + n;
		if (*p == '.') {
			p++;
			while (*p >= '0' && *p <= '9') {
				if (fd == 6)
					return -1;
				frac = frac * 10 + (*p++ - '0');
				fd++;
			}
			if (!fd)
				return -1;
			for (; fd < 6; fd++)
				frac *= 10;
		}
		if (strcmp(p, "Z") != 0 && strcmp(p, "+00:00") != 0)
			return -1;
	}
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 ||
	    mi > 59 || sec > 60)
		return -1;
	tm.tm_year = (int)y - 1900;
	tm.tm_mon = (int)mo - 1;
	tm.tm_mday = (int)d;
	tm.tm_hour = (int)h;
	tm.tm_min = (int)mi;
	tm.tm_sec = (int)sec;
	t = timegm(&tm);
	if (t == (time_t)-1 || tm.tm_mday != (int)d)	/* 31 April */
		return -1;
	*us = (int64_t)t * 1000000 + frac;
	return 0;
}

static void format_time(int64_t us, char out[32])
{
	time_t t = (time_t)(us / 1000000);
	struct tm tm;
	char s[24];

	gmtime_r(&t, &tm);
	strftime(s, sizeof s, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out, 32, "%.19s.%06ldZ", s, (long)(us % 1000000));
}

/* ------------------------------------------------------------ search */

static void print_human(const struct anpr_read *r, size_t n, bool movements)
{
	for (size_t i = 0; i < n; i++) {
		char when[32], site[200];

		format_time(r[i].time_utc_us, when);
		ev_safe_text(site, sizeof site, r[i].site_id[0] ? r[i].site_id : "-");
		if (movements) {
			if (i == 0)
				printf("%4zu %12s  ", i + 1, "first");
			else
				printf("%4zu %+11.0fs  ", i + 1,
				       (double)(r[i].time_utc_us - r[i - 1].time_utc_us) / 1e6);
		}
		printf("%s  %s  %s  %s  %.3f  %s  signature=%s link=%s covered=%s\n",
		       when, r[i].camera_id, site, r[i].vrm, r[i].confidence,
		       r[i].record_id, r[i].sig_ok ? "ok" : "BAD",
		       r[i].link_verified ? "verified" : "pending",
		       r[i].covered ? "yes" : "no");
	}
}

/* The reads as a JSON array (NULL if out of memory). */
static json_t *json_reads(const struct anpr_read *r, size_t n, bool movements)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < n; i++) {
		char when[32];
		json_t *o;

		format_time(r[i].time_utc_us, when);
		o = json_pack("{s:s, s:s, s:s, s:s, s:f, s:s, s:s, s:I, s:b, s:s, s:b}",
			      "time_utc", when, "camera_id", r[i].camera_id,
			      "site_id", r[i].site_id, "vrm", r[i].vrm,
			      "confidence", r[i].confidence,
			      "record_id", r[i].record_id, "chain_id", r[i].chain_id,
			      "chain_seq", (json_int_t)r[i].chain_seq,
			      "signature_ok", (int)r[i].sig_ok,
			      "link", r[i].link_verified ? "verified" : "pending",
			      "covered", (int)r[i].covered);
		if (o && movements && i > 0)
			json_object_set_new(o, "since_previous_s",
					    json_real((double)(r[i].time_utc_us -
							       r[i - 1].time_utc_us) / 1e6));
		if (!o || json_array_append_new(a, o)) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

/* -------------------------------------------------------------- main */

/* What was withheld and what would allow it; a refusal, on stderr. 1 if
 * the question was refused (it is audited like any other). */
static int print_withheld(const struct anpr_withheld *w, size_t nw, const char *asked)
{
	int refused = 0;

	for (size_t i = 0; i < nw; i++) {
		if (strcmp(w[i].reason, "refused") == 0) {
			fprintf(stderr, "anpr-query: %s refused: %s\n", asked, w[i].needs);
			refused = 1;
		} else {
			printf("withheld: %lld read%s (%s%s%.0d): needs %s\n", (long long)w[i].count,
			       w[i].count == 1 ? "" : "s", w[i].reason, w[i].tier ? ", tier " : "",
			       w[i].tier, w[i].needs);
		}
	}
	return refused;
}

/* The search's answer: the reads (at most shown of them), then what was
 * withheld. --json: one document, {"reads": [...], "withheld": [...]}. 0,
 * 1 if the question was refused. */
static int print_policy(const struct anpr_read *r, size_t n, size_t shown,
			const struct anpr_withheld *w, size_t nw, bool json, bool movements)
{
	int refused = nw == 1 && strcmp(w[0].reason, "refused") == 0;

	if (json) {
		json_t *o = json_object(), *b = json_array();
		json_t *a = json_reads(r, shown, movements);

		for (size_t i = 0; b && i < nw; i++)
			json_array_append_new(b, json_pack("{s:s, s:i, s:I, s:s}",
				"reason", w[i].reason, "tier", w[i].tier,
				"count", (json_int_t)w[i].count, "needs", w[i].needs));
		if (!o || !a || !b || json_object_set_new(o, "reads", a) ||
		    json_object_set_new(o, "withheld", b) ||
		    json_dumpf(o, stdout, JSON_INDENT(1) | JSON_REAL_PRECISION(6)) != 0) {
			fprintf(stderr, "anpr-query: --json: out of memory\n");
			json_decref(o);
			return 1;
		}
		putchar('\n');
		json_decref(o);
		if (refused)
			print_withheld(w, nw, "search");
		return refused;
	}
	print_human(r, shown, movements);
	print_withheld(w, nw, "search");
	if (!n && !refused)
		fprintf(stderr, "anpr-query: no reads match (that the policy allows)\n");
	if (shown < n)
		fprintf(stderr, "anpr-query: the first %zu of %zu reads shown: "
			"narrow the search or give --limit\n", shown, n);
	return refused;
}

/* The export under the policy: the reads it allows, each with the
 * verified checkpoint covering it and that checkpoint's leaf hashes (no
 * neighbour's bytes: with_span false), written as disclosure bundles;
 * what was withheld said as the search says it. */
static int export_policy(struct anpr_store *st, const struct anpr_query *q,
			 const char *purpose, const char *case_ref, int64_t auth,
			 const char *images, const char *out)
{
	struct anpr_export_rec *recs = NULL;
	struct anpr_withheld *w = NULL;
	struct imagestore is;
	size_t n = 0, nw = 0, nsel = 0;
	char err[1024], safe[1100];
	int rc;

	/* the store first: a wrong --images (or S3 configuration) is named
	 * before the database is asked, and audits, anything */
	if (imagestore_open(&is, images, err, sizeof err) != 0) {
		ev_safe_text(safe, sizeof safe, err);
		fprintf(stderr, "anpr-query: --images: %s\n", safe);
		return 1;
	}
	rc = anpr_store_export_policy(st, q, purpose, case_ref, auth, false, &recs, &n, &w,
				      &nw, err, sizeof err);
	if (rc) {
		ev_safe_text(safe, sizeof safe, err);
		fprintf(stderr, "anpr-query: export: %s\n", safe);
		imagestore_close(&is);
		return rc == ANPR_STORE_EINVAL ? 2 : 1;
	}
	if (print_withheld(w, nw, "export")) {
		rc = 1;
	} else {
		for (size_t i = 0; i < n; i++)
			nsel += recs[i].selected;
		if (!nsel) {
			fprintf(stderr, "anpr-query: no reads the policy allows match: "
				"nothing exported\n");
			rc = 3;
		} else {
			rc = disclosure_export(st, &is, out, recs, n, "anpr-query", stdout);
		}
	}
	imagestore_close(&is);
	anpr_store_export_free(recs, n);
	free(w);
	return rc;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "vrm", required_argument, NULL, 'v' },
		{ "fuzzy", no_argument, NULL, 'f' },
		{ "from", required_argument, NULL, 'F' },
		{ "to", required_argument, NULL, 'T' },
		{ "camera", required_argument, NULL, 'c' },
		{ "movements", no_argument, NULL, 'm' },
		{ "json", no_argument, NULL, 'j' },
		{ "limit", required_argument, NULL, 'l' },
		{ "images", required_argument, NULL, 'i' },
		{ "export", required_argument, NULL, 'e' },
		{ "purpose", required_argument, NULL, 'p' },
		{ "case", required_argument, NULL, 'k' },
		{ "authorisation", required_argument, NULL, 'a' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct anpr_query q = { 0 };
	const char *db = getenv("ANPR_DB"), *images = NULL, *out = NULL, *purpose = NULL;
	const char *case_ref = NULL;
	long long auth = 0;
	bool json = false, movements = false, has_limit = false;
	struct anpr_store *st = NULL;
	struct anpr_read *reads = NULL;
	struct anpr_withheld *w = NULL;
	char err[1024], safe[1100];
	size_t n = 0, nw = 0;
	int o, rc;

	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		char *end;

		switch (o) {
		case 'd': db = optarg; break;
		case 'v': q.vrm = optarg; break;
		case 'f': q.fuzzy = true; break;
		case 'F':
			if (parse_time(optarg, false, &q.from_us))
				return usage_err("--from %s: not a UTC ISO 8601 time "
						 "(2026-12-06T13:00:00Z)", optarg);
			q.has_from = true;
			break;
		case 'T':
			if (parse_time(optarg, true, &q.to_us))
				return usage_err("--to %s: not a UTC ISO 8601 time "
						 "(2026-12-06T13:00:00Z)", optarg);
			q.has_to = true;
			break;
		case 'c': q.camera_id = optarg; break;
		case 'm': movements = true; break;
		case 'j': json = true; break;
		case 'l':
			errno = 0;
			q.limit = strtoul(optarg, &end, 10);
			if (errno || end == optarg || *end || !q.limit ||
			    q.limit > 10000000 || optarg[0] == '-')
				return usage_err("--limit %s: a whole number 1..10000000",
						 optarg);
			has_limit = true;
			break;
		case 'i': images = optarg; break;
		case 'e': out = optarg; break;
		case 'p': purpose = optarg; break;
		case 'k': case_ref = optarg; break;
		case 'a':
			errno = 0;
			auth = strtoll(optarg, &end, 10);
			if (errno || end == optarg || *end || auth < 1)
				return usage_err("--authorisation %s: an authorisation's number",
						 optarg);
			break;
		case 'V':
			printf("%s %s\n", "anpr-query", ANPR_VERSION);
			return 0;
		case 'h':
			fputs(usage_text, stdout);
			return 0;
		default:
			fputs(usage_text, stderr);
			return 2;
		}
	}
	if (optind != argc)
		return usage_err("unexpected argument %s", argv[optind]);
	if (!db || !*db)
		return usage_err("%sno database: give --db CONNINFO or set ANPR_DB", "");
	if (!q.vrm)
		return usage_err("%s--vrm MARK is required", "");
	if (q.has_from && q.has_to && q.from_us > q.to_us)
		return usage_err("%s--from is after --to", "");
	if (out && !images)
		return usage_err("%s--export needs --images DIR or s3://BUCKET (the image store)", "");
	if (!out && images)
		return usage_err("%s--images is for --export", "");
	if (out && json)
		return usage_err("%s--json is for a search, not --export", "");
	if (!has_limit)
		q.limit = movements || out ? 0 : DEFAULT_LIMIT;

	if ((case_ref || auth) && !purpose)
		return usage_err("%s--case and --authorisation go with --purpose", "");
	/* Every question goes through the database's policy functions, which
	 * check the purpose and case and audit the call: there is no
	 * unchecked search any more (anpr_reader lost its table grants in
	 * 0012), so say what is needed rather than let the database refuse. */
	if (!purpose || !case_ref)
		return usage_err("%sa search or export needs --purpose PURPOSE and --case REF "
				 "(every question is checked against the access policy and "
				 "audited: docs/access.md)", "");
	/* before the database is asked (and the export audited): an existing
	 * OUT is never overwritten (disclosure_export checks every name again, and
	 * the per-chain names it makes) */
	if (out && access(out, F_OK) == 0) {
		fprintf(stderr, "anpr-query: %s: already exists, not overwritten; nothing "
			"exported\n", out);
		return 2;
	}
	if (anpr_store_open(&st, db, err, sizeof err) != 0) {
		ev_safe_text(safe, sizeof safe, err);
		fprintf(stderr, "anpr-query: database: %s\n", safe);
		return 1;
	}
	if (out) {
		rc = export_policy(st, &q, purpose, case_ref, auth, images, out);
		anpr_store_close(st);
		return rc;
	}
	rc = anpr_store_search_policy(st, &q, purpose, case_ref, auth, &reads, &n, &w, &nw,
				      err, sizeof err);
	if (rc) {
		ev_safe_text(safe, sizeof safe, err);
		fprintf(stderr, "anpr-query: search: %s\n", safe);
		rc = rc == ANPR_STORE_EINVAL ? 2 : 1;
	} else {
		rc = print_policy(reads, n, q.limit && q.limit < n ? q.limit : n, w, nw, json,
				  movements);
	}
	free(w);
	free(reads);
	anpr_store_close(st);
	return rc;
}
