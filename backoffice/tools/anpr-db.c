// SPDX-License-Identifier: MIT
/*
 * anpr-db - the back office's database: applies the migrations and keeps
 * the camera register (cameras, their minisign keys, their client
 * certificates). man/anpr-db.8.
 *
 * Certificates are read with GnuTLS, the TLS library anpr-ingest runs on
 * (libmicrohttpd): the fingerprint registered here and the one anpr-ingest
 * computes of a client's certificate come from the same DER encoding by
 * the same library, and the back office links one TLS library, not two.
 */
#include "store/anprstore.h"
#include "ingest/imagestore.h"
#include "evidence/evidence.h"
#include "evidence/readfile.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <getopt.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef ANPR_SQLDIR
#define ANPR_SQLDIR "/usr/local/share/anpr/sql"
#endif

static const char usage_text[] =
	"usage: anpr-db --db CONNINFO COMMAND ...\n"
	"  migrate [--sql DIR]                       apply backoffice/sql migrations\n"
	"  camera add ID --fixed --site SITE --lat LAT --lon LON [--bearing DEG]\n"
	"  camera add ID --mobile\n"
	"  camera key ID PUBKEYFILE                  register a minisign public key\n"
	"  camera revoke-key ID KEYID\n"
	"  camera cert ID CERT.pem                   register a client certificate\n"
	"  camera revoke-cert FINGERPRINT\n"
	"  camera retire ID\n"
	"  camera show ID\n"
	"  purge [--images DIR|s3://BUCKET] [--now UNIX-SECONDS]\n"
	"                                            delete reads past the last\n"
	"                                            access tier (24 months) not\n"
	"                                            under a legal hold; audited\n"
	"  accuracy [--days N] [--json]              each camera's read accuracy (Wilson\n"
	"                                            95 % interval) and hits marked\n"
	"                                            misread; status 1: needs attention\n"
	"  accuracy draw [YYYY-MM-DD]                draw a day's sample (default:\n"
	"                                            yesterday, UTC)\n"
	"CONNINFO may also come from ANPR_DB (a libpq connection string).\n";

static int usage(void)
{
	fputs(usage_text, stderr);
	return 2;
}

static int fail(const char *what, const char *err)
{
	fprintf(stderr, "anpr-db: %s: %s\n", what, err);
	return 1;
}

static int parse_double(const char *s, double lo, double hi, double *out)
{
	char *end;

	errno = 0;
	*out = strtod(s, &end);
	return errno || end == s || *end || isnan(*out) || *out < lo || *out > hi
		       ? -1 : 0;
}

static int cmd_migrate(struct anpr_store *st, int argc, char **argv)
{
	const char *dir = ANPR_SQLDIR;
	char err[512];
	int applied = 0;

	if (argc == 3 && strcmp(argv[1], "--sql") == 0)
		dir = argv[2];
	else if (argc != 1)
		return usage();
	if (anpr_store_migrate(st, dir, &applied, err, sizeof err))
		return fail("migrate", err);
	printf("anpr-db: %d migration%s applied\n", applied, applied == 1 ? "" : "s");
	return 0;
}

static int cmd_add(struct anpr_store *st, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "fixed", no_argument, NULL, 'f' },
		{ "mobile", no_argument, NULL, 'm' },
		{ "site", required_argument, NULL, 's' },
		{ "lat", required_argument, NULL, 'a' },
		{ "lon", required_argument, NULL, 'o' },
		{ "bearing", required_argument, NULL, 'b' },
		{ NULL, 0, NULL, 0 },
	};
	struct anpr_camera c = { .site_lat = NAN, .site_lon = NAN,
				 .site_bearing_deg = -1 };
	int kind = 0, o;
	double v;
	char err[512];

	if (argc < 2 || strlen(argv[1]) >= sizeof c.camera_id) {
		fprintf(stderr, "anpr-db: camera add: camera id missing or longer than 32\n");
		return 2;
	}
	snprintf(c.camera_id, sizeof c.camera_id, "%s", argv[1]);
	optind = 2;
	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (o) {
		case 'f':
		case 'm':
			if (kind && kind != o) {
				fprintf(stderr, "anpr-db: camera add: --fixed or --mobile, not both\n");
				return 2;
			}
			kind = o;
			break;
		case 's':
			if (strlen(optarg) >= sizeof c.site_id || !*optarg) {
				fprintf(stderr, "anpr-db: camera add: --site: 1-64 characters\n");
				return 2;
			}
			snprintf(c.site_id, sizeof c.site_id, "%s", optarg);
			break;
		case 'a':
			if (parse_double(optarg, -90, 90, &c.site_lat)) {
				fprintf(stderr, "anpr-db: camera add: --lat: a number -90..90\n");
				return 2;
			}
			break;
		case 'o':
			if (parse_double(optarg, -180, 180, &c.site_lon)) {
				fprintf(stderr, "anpr-db: camera add: --lon: a number -180..180\n");
				return 2;
			}
			break;
		case 'b':
			if (parse_double(optarg, 0, 359, &v) || v != floor(v)) {
				fprintf(stderr, "anpr-db: camera add: --bearing: whole degrees 0..359\n");
				return 2;
			}
			c.site_bearing_deg = (int)v;
			break;
		default:
			return usage();
		}
	}
	if (optind != argc || !kind) {
		fprintf(stderr, "anpr-db: camera add: say --fixed or --mobile\n");
		return 2;
	}
	c.mobile = kind == 'm';
	if (!c.mobile && !c.site_id[0]) {
		fprintf(stderr, "anpr-db: camera add: a fixed camera needs --site, --lat, --lon\n");
		return 2;
	}
	if (c.site_id[0] && (isnan(c.site_lat) || isnan(c.site_lon))) {
		fprintf(stderr, "anpr-db: camera add: --site needs --lat and --lon\n");
		return 2;
	}
	if (!c.site_id[0] && (!isnan(c.site_lat) || !isnan(c.site_lon) ||
			      c.site_bearing_deg >= 0)) {
		fprintf(stderr, "anpr-db: camera add: --lat, --lon, --bearing need --site\n");
		return 2;
	}
	if (anpr_store_camera_add(st, &c, err, sizeof err))
		return fail("camera add", err);
	printf("anpr-db: camera %s added (%s)\n", c.camera_id, c.mobile ? "mobile" : "fixed");
	return 0;
}

static int cmd_key(struct anpr_store *st, int argc, char **argv)
{
	struct ev_key k;
	char err[512], b64[64], id[17];

	if (argc != 3)
		return usage();
	if (ev_key_load_public(argv[2], &k, err, sizeof err))
		return fail("camera key", err);
	ev_pubkey_b64(&k, b64, sizeof b64);
	ev_key_id(k.keynum, id);
	if (anpr_store_camera_key_add(st, argv[1], b64, NULL, err, sizeof err))
		return fail("camera key", err);
	printf("anpr-db: camera %s: key %s added\n", argv[1], id);
	return 0;
}

/* The certificate's fingerprint (SHA-256 of its DER), subject and
 * notAfter, from a PEM file. */
static int read_cert(const char *path, char fpr[65], char *subject,
		     size_t subjcap, int64_t *not_after, char *err, size_t errlen)
{
	char *pem = NULL;
	size_t len = 0;
	gnutls_x509_crt_t crt = NULL;
	gnutls_datum_t in, der = { NULL, 0 }, dn = { NULL, 0 };
	uint8_t h[32];
	int rc = -1, g;
	time_t t;

	if (read_file_limited(path, 1u << 20, &pem, &len, err, errlen))
		return -1;
	in.data = (unsigned char *)pem;
	in.size = (unsigned int)len;
	if ((g = gnutls_x509_crt_init(&crt)) < 0 ||
	    (g = gnutls_x509_crt_import(crt, &in, GNUTLS_X509_FMT_PEM)) < 0) {
		snprintf(err, errlen, "%s: not a PEM X.509 certificate (%s)", path,
			 gnutls_strerror(g));
		goto out;
	}
	if ((g = gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_DER, &der)) < 0 ||
	    (g = gnutls_x509_crt_get_dn3(crt, &dn, 0)) < 0) {
		snprintf(err, errlen, "%s: %s", path, gnutls_strerror(g));
		goto out;
	}
	t = gnutls_x509_crt_get_expiration_time(crt);
	if (t == (time_t)-1) {
		snprintf(err, errlen, "%s: no readable notAfter", path);
		goto out;
	}
	ev_sha256(der.data, der.size, h);
	ev_hex(h, 32, fpr);
	snprintf(subject, subjcap, "%.*s", (int)dn.size, (const char *)dn.data);
	*not_after = (int64_t)t;
	rc = 0;
out:
	gnutls_free(der.data);
	gnutls_free(dn.data);
	if (crt)
		gnutls_x509_crt_deinit(crt);
	free(pem);
	return rc;
}

static int cmd_cert(struct anpr_store *st, int argc, char **argv)
{
	char err[512], fpr[65], subject[512], when[32];
	int64_t not_after = 0;
	time_t t;
	struct tm tm;

	if (argc != 3)
		return usage();
	if (read_cert(argv[2], fpr, subject, sizeof subject, &not_after, err, sizeof err))
		return fail("camera cert", err);
	if (not_after <= (int64_t)time(NULL)) {
		fprintf(stderr, "anpr-db: camera cert: %s: expired already\n", argv[2]);
		return 1;
	}
	if (anpr_store_cert_add(st, argv[1], fpr, subject, not_after, err, sizeof err))
		return fail("camera cert", err);
	t = (time_t)not_after;
	gmtime_r(&t, &tm);
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
	printf("anpr-db: camera %s: certificate %s added (%s, until %s)\n", argv[1],
	       fpr, subject, when);
	return 0;
}

static int cmd_show(struct anpr_store *st, int argc, char **argv)
{
	struct anpr_camera c;
	struct anpr_camera_key keys[64];
	struct anpr_camera_cert certs[64];
	size_t nk = 0, nc = 0;
	char err[512], when[32];

	if (argc != 2)
		return usage();
	if (anpr_store_camera_get(st, argv[1], &c, err, sizeof err) ||
	    anpr_store_camera_keys(st, argv[1], keys, 64, &nk, err, sizeof err) ||
	    anpr_store_camera_certs(st, argv[1], certs, 64, &nc, err, sizeof err))
		return fail("camera show", err);
	printf("camera %s\nkind %s\nstatus %s\n", c.camera_id,
	       c.mobile ? "mobile" : "fixed", c.retired ? "retired" : "active");
	if (c.site_id[0]) {
		printf("site %s\nposition %.6f %.6f\n", c.site_id, c.site_lat, c.site_lon);
		if (c.site_bearing_deg >= 0)
			printf("bearing %d\n", c.site_bearing_deg);
	}
	for (size_t i = 0; i < nk; i++)
		printf("key %s %s%s\n", keys[i].key_id, keys[i].public_key_b64,
		       keys[i].revoked ? " revoked" : "");
	for (size_t i = 0; i < nc; i++) {
		time_t t = (time_t)certs[i].not_after_unix;
		struct tm tm;

		gmtime_r(&t, &tm);
		strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
		printf("cert %s until %s%s%s subject %s\n", certs[i].fingerprint, when,
		       certs[i].revoked ? " revoked" : "",
		       certs[i].not_after_unix <= (int64_t)time(NULL) ? " expired" : "",
		       certs[i].subject);
	}
	return 0;
}

static int cmd_camera(struct anpr_store *st, int argc, char **argv)
{
	char err[512];

	if (argc < 2)
		return usage();
	if (strcmp(argv[1], "add") == 0)
		return cmd_add(st, argc - 1, argv + 1);
	if (strcmp(argv[1], "key") == 0)
		return cmd_key(st, argc - 1, argv + 1);
	if (strcmp(argv[1], "cert") == 0)
		return cmd_cert(st, argc - 1, argv + 1);
	if (strcmp(argv[1], "show") == 0)
		return cmd_show(st, argc - 1, argv + 1);
	if (strcmp(argv[1], "revoke-cert") == 0 && argc == 3) {
		if (anpr_store_cert_revoke(st, argv[2], err, sizeof err))
			return fail("camera revoke-cert", err);
		printf("anpr-db: certificate %s revoked\n", argv[2]);
		return 0;
	}
	if (strcmp(argv[1], "revoke-key") == 0 && argc == 4) {
		if (anpr_store_camera_key_revoke(st, argv[2], argv[3], err, sizeof err))
			return fail("camera revoke-key", err);
		printf("anpr-db: camera %s: key %s revoked\n", argv[2], argv[3]);
		return 0;
	}
	if (strcmp(argv[1], "retire") == 0 && argc == 3) {
		if (anpr_store_camera_retire(st, argv[2], err, sizeof err))
			return fail("camera retire", err);
		printf("anpr-db: camera %s retired\n", argv[2]);
		return 0;
	}
	return usage();
}

static int cmd_purge(struct anpr_store *st, int argc, char **argv)
{
	const char *images = NULL;
	long long now_s = -1;
	struct anpr_purged_day *days;
	struct imagestore is;
	char err[768], **paths;
	size_t n, np;
	int bad = 0;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--images") == 0 && i + 1 < argc) {
			images = argv[++i];
		} else if (strcmp(argv[i], "--now") == 0 && i + 1 < argc) {
			char *end;

			now_s = strtoll(argv[++i], &end, 10);
			if (*end || now_s < 0)
				return fail("purge --now", "not a number of seconds since 1970");
		} else {
			return usage();
		}
	}
	/* opened first: a wrong root would have every listed path "already
	 * gone" (imagestore_open checks the directory is there, or that the
	 * bucket answers to the keys) */
	if (images && imagestore_open(&is, images, err, sizeof err) != 0)
		return fail("purge --images", err);
	if (anpr_store_purge(st, now_s >= 0 ? now_s * 1000000LL : -1, &days, &n, err,
			     sizeof err)) {
		if (images)
			imagestore_close(&is);
		return fail("purge", err);
	}
	for (size_t i = 0; i < n; i++)
		printf("anpr-db: purged %s: %lld records deleted, %lld kept (held, or "
		       "proving what is held); list SHA-256 %s\n", days[i].day,
		       (long long)days[i].deleted, (long long)days[i].kept,
		       days[i].list_sha256);
	if (n == 0)
		printf("anpr-db: nothing due for deletion\n");
	free(days);
	/* a cloned-plate flag goes with its reads (0017) */
	{
		size_t gone;

		if (anpr_store_cloned_plates_forget_purged(st, &gone, err, sizeof err))
			return fail("purge", err);
		if (gone)
			printf("anpr-db: %zu cloned-plate flags of purged reads deleted\n", gone);
	}
	/* and a sampled read of read accuracy, with its verdict (0018) */
	{
		size_t ns, nv;

		if (anpr_store_accuracy_forget_purged(st, &ns, &nv, err, sizeof err))
			return fail("purge", err);
		if (ns || nv)
			printf("anpr-db: %zu sampled reads of purged reads deleted, with %zu "
			       "verdicts\n", ns, nv);
	}
	/* the image files: listed by the purge, removed here, unlisted once
	 * gone (a crash in between: the next run removes them) */
	if (anpr_store_retention_files(st, &paths, &np, err, sizeof err)) {
		if (images)
			imagestore_close(&is);
		return fail("purge", err);
	}
	if (np && !images) {
		fprintf(stderr, "anpr-db: purge: %zu image paths of purged reads wait for "
			"--images DIR (the image store's root)\n", np);
		bad = 1;
	}
	for (size_t i = 0; images && i < np; i++) {
		if (imagestore_remove(&is, paths[i], err, sizeof err) != 0 ||
		    anpr_store_retention_file_done(st, paths[i], err, sizeof err) != 0) {
			fprintf(stderr, "anpr-db: purge: %s\n", err);
			bad = 1;
		}
	}
	if (images && np)
		printf("anpr-db: %zu image paths of purged reads removed\n", np);
	if (images)
		imagestore_close(&is);
	anpr_store_strings_free(paths, np);
	return bad;
}

/* ------------------------------------------------------- read accuracy */

/* "90.0 %" or "-" for a figure not measured. */
static const char *pct(char *buf, size_t len, double x)
{
	if (isnan(x))
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%.1f %%", 100.0 * x);
	return buf;
}

static json_t *num_or_null(double x)
{
	return isnan(x) ? json_null() : json_real(x);
}

/* anpr-db accuracy draw [DAY]: the day's sample (anpr.accuracy_draw). */
static int cmd_accuracy_draw(struct anpr_store *st, int argc, char **argv)
{
	char day[16], err[512];
	int64_t drawn;

	if (argc > 2)
		return usage();
	if (argc == 2) {
		struct tm tm;
		const char *end;

		memset(&tm, 0, sizeof tm);
		end = strptime(argv[1], "%Y-%m-%d", &tm);
		if (strlen(argv[1]) != 10 || !end || *end) {
			fprintf(stderr, "anpr-db: accuracy draw: '%s' is not a day (YYYY-MM-DD)\n",
				argv[1]);
			return 2;
		}
		snprintf(day, sizeof day, "%s", argv[1]);
	} else {
		time_t y = time(NULL) - 86400;
		struct tm tm;

		gmtime_r(&y, &tm);
		strftime(day, sizeof day, "%Y-%m-%d", &tm);
	}
	if (anpr_store_accuracy_draw(st, day, &drawn, err, sizeof err))
		return fail("accuracy draw", err);
	if (drawn)
		printf("anpr-db: %s: %lld reads drawn for review\n", day, (long long)drawn);
	else
		printf("anpr-db: %s: drawn before (or no reads that day); nothing drawn now\n", day);
	return 0;
}

/* anpr-db accuracy [--days N] [--json]: in the manner of anpr-status, one
 * line a camera, then what needs attention; status 0 all well, 1 something
 * needs attention, 2 usage, 3 the database. */
static int cmd_accuracy(struct anpr_store *st, int argc, char **argv)
{
	struct anpr_accuracy_settings set;
	struct anpr_accuracy_row *rows;
	size_t n, nwarn = 0;
	char err[512], a[16], lo[16], hi[16], ml[16], mh[16];
	bool json = false;
	double v;
	int days = 0;

	if (argc >= 2 && strcmp(argv[1], "draw") == 0)
		return cmd_accuracy_draw(st, argc - 1, argv + 1);
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0) {
			json = true;
		} else if (strcmp(argv[i], "--days") == 0 && i + 1 < argc) {
			if (parse_double(argv[++i], 1, 90, &v) || v != floor(v)) {
				fprintf(stderr, "anpr-db: accuracy: --days: a whole number 1..90\n");
				return 2;
			}
			days = (int)v;
		} else {
			return usage();
		}
	}
	if (anpr_store_accuracy(st, days, &set, &rows, &n, err, sizeof err)) {
		fprintf(stderr, "anpr-db: accuracy: %s\n", err);
		return 3;
	}
	if (!days)
		days = set.window_days;
	for (size_t i = 0; i < n; i++)
		nwarn += rows[i].attention[0] != '\0';
	if (json) {
		json_t *cams = json_array(), *o;
		char *text;

		for (size_t i = 0; i < n; i++) {
			const struct anpr_accuracy_row *r = &rows[i];

			json_array_append_new(cams, json_pack(
				"{s:s,s:I,s:I,s:I,s:I,s:I,s:I,s:o,s:o,s:o,s:I,s:I,s:o,s:o,s:o}",
				"camera", r->camera_id, "sampled", (json_int_t)r->sampled,
				"unreviewed", (json_int_t)r->unreviewed,
				"confirmed", (json_int_t)r->confirmed,
				"corrected", (json_int_t)r->corrected,
				"not_a_plate", (json_int_t)r->not_a_plate,
				"cannot_tell", (json_int_t)r->cannot_tell,
				"accuracy", num_or_null(r->accuracy), "lower", num_or_null(r->lower),
				"upper", num_or_null(r->upper),
				"hits_acted", (json_int_t)r->hits_acted,
				"misread", (json_int_t)r->misread,
				"misread_lower", num_or_null(r->misread_lower),
				"misread_upper", num_or_null(r->misread_upper),
				"attention", r->attention[0] ? json_string(r->attention) : json_null()));
		}
		o = json_pack("{s:i,s:i,s:f,s:o,s:I}", "window_days", days, "per_camera_day",
			      set.per_camera_day, "attention_below", set.attention_below,
			      "cameras", cams, "needs_attention", (json_int_t)nwarn);
		text = o ? json_dumps(o, JSON_COMPACT) : NULL;
		json_decref(o);
		free(rows);
		if (!text) {
			fprintf(stderr, "anpr-db: accuracy: out of memory\n");
			return 3;
		}
		printf("%s\n", text);
		free(text);
		return nwarn ? 1 : 0;
	}
	printf("anpr read accuracy: last %d days, %d reads a camera a day sampled; "
	       "attention below %.1f %%\n", days, set.per_camera_day, 100.0 * set.attention_below);
	for (size_t i = 0; i < n; i++) {
		const struct anpr_accuracy_row *r = &rows[i];
		int64_t m = r->confirmed + r->corrected + r->not_a_plate;

		if (m)
			printf("  %-16s %s (%lld of %lld; 95 %% CI %s to %s)", r->camera_id,
			       pct(a, sizeof a, r->accuracy), (long long)r->confirmed, (long long)m,
			       pct(lo, sizeof lo, r->lower), pct(hi, sizeof hi, r->upper));
		else
			printf("  %-16s not measured", r->camera_id);
		printf("; corrected %lld, not a plate %lld, cannot tell %lld, unreviewed %lld",
		       (long long)r->corrected, (long long)r->not_a_plate,
		       (long long)r->cannot_tell, (long long)r->unreviewed);
		if (r->hits_acted)
			printf("; hits: %lld misread of %lld acted on (%s to %s)\n",
			       (long long)r->misread, (long long)r->hits_acted,
			       pct(ml, sizeof ml, r->misread_lower), pct(mh, sizeof mh, r->misread_upper));
		else
			printf("; hits: none acted on\n");
	}
	if (n == 0)
		printf("  no cameras\n");
	if (nwarn) {
		printf("needs attention:\n");
		for (size_t i = 0; i < n; i++)
			if (rows[i].attention[0])
				printf("  ! %s: %s\n", rows[i].camera_id, rows[i].attention);
	}
	free(rows);
	return nwarn ? 1 : 0;
}

int main(int argc, char **argv)
{
	const char *db = getenv("ANPR_DB");
	struct anpr_store *st = NULL;
	char err[512];
	int i = 1, rc;

	if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		fputs(usage_text, stdout);
		return 0;
	}
	if (argc > 1 && strcmp(argv[1], "--version") == 0) {
		printf("anpr-db %s\n", ANPR_VERSION);
		return 0;
	}
	if (argc > 2 && strcmp(argv[1], "--db") == 0) {
		db = argv[2];
		i = 3;
	}
	if (!db || i >= argc)
		return usage();
	if (gnutls_global_init() < 0) {
		fprintf(stderr, "anpr-db: GnuTLS failed to initialise\n");
		return 1;
	}
	if (anpr_store_open(&st, db, err, sizeof err)) {
		gnutls_global_deinit();
		return fail("database", err);
	}
	if (strcmp(argv[i], "migrate") == 0)
		rc = cmd_migrate(st, argc - i, argv + i);
	else if (strcmp(argv[i], "camera") == 0)
		rc = cmd_camera(st, argc - i, argv + i);
	else if (strcmp(argv[i], "purge") == 0)
		rc = cmd_purge(st, argc - i, argv + i);
	else if (strcmp(argv[i], "accuracy") == 0)
		rc = cmd_accuracy(st, argc - i, argv + i);
	else
		rc = usage();
	anpr_store_close(st);
	gnutls_global_deinit();
	return rc;
}
