/* SPDX-License-Identifier: MIT */
/*
 * anpr-verify - the court-prep verifier: checks a spool, an evidence
 * bundle (.tar or unpacked) or single records against trusted public keys,
 * prints a human report or --json, and exits 0 only if everything
 * verifies. With --export it writes an evidence bundle. man/anpr-verify.1.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evidence/evidence_verify.h"

int anpr_verify_export(const char *spool, const char *out, uint64_t from,
		       uint64_t to, const struct ev_key *keys, size_t nkeys);
int anpr_verify_disclose(const char *spool, const char *out,
			 const char *list, const char *vrm, uint64_t from,
			 uint64_t to, const struct ev_key *keys, size_t nkeys);

/* An error message names files the examiner did not choose the names of:
 * printed as safe text (ev_safe_text). */
static void say_err2(const char *what, const char *err)
{
	char safe[4096];

	ev_safe_text(safe, sizeof safe, err);
	fprintf(stderr, "anpr-verify: %s%s\n", what, safe);
}

static void say_err(const char *err)
{
	say_err2("", err);
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: anpr-verify [--json] [--uploaded LEDGER] [--anchor FILE] "
		"--key PUBKEY\n                   [--key PUBKEY...] PATH...\n"
		"       anpr-verify --export OUT.tar [--from SEQ] [--to SEQ] "
		"--key PUBKEY SPOOL\n"
		"       anpr-verify --export OUT.tar --disclose SEQ[,SEQ...] "
		"--key PUBKEY SPOOL\n"
		"       anpr-verify --export OUT.tar --disclose-vrm MARK [--from "
		"SEQ] [--to SEQ]\n                   --key PUBKEY SPOOL\n"
		"PATH is a spool directory, an evidence bundle (.tar or "
		"unpacked) or a\nrecord file (NNNNNNNNNNNN.rec). Exit status: "
		"0 everything verifies,\n1 a problem was found, 2 the check "
		"could not run.\n"
		"--uploaded LEDGER: records anpr-upload handed over and deleted "
		"(its uploaded.log)\nstand in by their hashes, checked against "
		"the signed chain.\n"
		"--anchor FILE: a signed record or head of the chain kept outside "
		"the camera\n(FILE.minisig beside it): the chain must reach it "
		"unchanged.\n"
		"--disclose, --disclose-vrm: a disclosure (anpr-disclosure/1): "
		"only those records\n(or the reads of that exact mark), each "
		"with its inclusion proof against the\nsigned checkpoint "
		"covering it; no other record of the chain.\n");
}

static void json_str(const char *s)
{
	putchar('"');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			printf("\\%c", *p);
		else if (*p < 0x20 || *p >= 0x7f)
			printf("\\u%04x", *p);
		else
			putchar(*p);
	}
	putchar('"');
}

static void print_json(const struct ev_vreport *r, bool first)
{
	const struct ev_problem *fb = ev_vreport_first(r);

	printf("%s\n  {\"path\": ", first ? "" : ",");
	json_str(r->path);
	printf(", \"kind\": \"%s\", \"ok\": %s, \"camera_id\": ", r->kind,
	       r->nproblems ? "false" : "true");
	json_str(r->camera_id);
	printf(", \"chain_id\": ");
	json_str(r->chain_id);
	printf(", \"first_seq\": %" PRIu64 ", \"last_seq\": %" PRIu64
	       ", \"records\": %zu, \"reads\": %zu, \"heartbeats\": %zu, "
	       "\"checkpoints\": %zu, \"key_rotations\": %zu, \"images\": %zu"
	       ", \"checkpointed_to\": %" PRIu64 ", \"head_seq\": %" PRIu64
	       ", \"clock_unsynced\": %zu, \"clock_max_error_us\": %" PRIu64
	       ", \"time_backwards\": %zu, \"uploaded\": %zu"
	       ", \"uploaded_ledger_only\": %zu, \"anchor_seq\": %" PRIu64
	       ",",
	       r->first_seq, r->last_seq, r->records,
	       r->reads, r->heartbeats, r->checkpoints, r->rotations,
	       r->images, r->covered_to, r->head_seq, r->clock_unsynced,
	       r->clock_max_error_us, r->time_backwards, r->uploaded,
	       r->uploaded_unconfirmed, r->anchor_seq);
	/* how the reads' capture times were obtained (anpr-record/3) */
	printf("\n   \"capture_clock\": {");
	for (int k = 0; k < EV_CAPCLK_COUNT; k++)
		printf("%s\"%s\": %zu", k ? ", " : "", ev_capclk_names[k],
		       r->capclk[k]);
	printf("}, \"clocks_disagree\": %zu, \"capture_clock_unstated\": %zu,"
	       "\n   \"keys\": [", r->clocks_disagree, r->capclk_unstated);
	for (size_t i = 0; i < r->nkeys; i++)
		printf("%s{\"key_id\": \"%s\", \"fingerprint\": \"sha256:%s\", "
		       "\"first_seq\": %" PRIu64 ", \"last_seq\": %" PRIu64 "}",
		       i ? ", " : "", r->keys[i].id, r->keys[i].fingerprint,
		       r->keys[i].first_seq, r->keys[i].last_seq);
	printf("],\n   \"first_bad\": ");
	if (fb) {
		printf("{\"seq\": %" PRIu64 ", \"code\": \"%s\", \"file\": ",
		       fb->seq, fb->code);
		json_str(fb->file);
		printf(", \"message\": ");
		json_str(fb->msg);
		printf("}");
	} else {
		printf("null");
	}
	printf(",\n   \"problems\": [");
	for (size_t i = 0; i < r->nproblems; i++) {
		const struct ev_problem *p = &r->problems[i];
		printf("%s\n     {\"seq\": %" PRIu64 ", \"code\": \"%s\", "
		       "\"file\": ", i ? "," : "", p->seq, p->code);
		json_str(p->file);
		printf(", \"message\": ");
		json_str(p->msg);
		printf("}");
	}
	printf("],\n   \"disclosed\": [");
	for (size_t i = 0; i < r->ndisc; i++) {
		const struct ev_vdisc *d = &r->disc[i];

		printf("%s\n     {\"seq\": %" PRIu64 ", \"ok\": %s, \"type\": ",
		       i ? "," : "", d->seq, d->ok ? "true" : "false");
		json_str(d->type);
		printf(", \"record_id\": ");
		json_str(d->record_id);
		printf(", \"time_utc\": ");
		json_str(d->time_utc);
		printf(", \"vrm\": ");
		json_str(d->vrm);
		printf(", \"capture_clock\": ");
		if (d->capture_clock[0])
			json_str(d->capture_clock);
		else
			printf("null");
		printf(", \"clocks_disagree\": %s", d->clocks_disagree ? "true" : "false");
		printf(", \"key_id\": ");
		json_str(d->key_id);
		printf(", \"checkpoint_seq\": %" PRIu64 ", \"checkpoint_first_seq\": %"
		       PRIu64 ", \"checkpoint_last_seq\": %" PRIu64
		       ", \"leaf_index\": %" PRIu64 ", \"tree_size\": %" PRIu64
		       ", \"merkle_root\": \"%s\", \"checkpoint_key_id\": ",
		       d->cp_seq, d->cp_first, d->cp_last, d->index, d->size,
		       d->root);
		json_str(d->cp_key_id);
		printf("}");
	}
	printf("],\n   \"notes\": [");
	for (size_t i = 0; i < r->nnotes; i++) {
		printf("%s", i ? ", " : "");
		json_str(r->notes[i]);
	}
	printf("]}");
}

/* the plural's s, for counts in sentences */
#define S(n) ((n) == 1 ? "" : "s")

/* How the reads' capture times were obtained (a read's capture_clock,
 * anpr-record/3): the kinds seen, and the reads whose camera and host
 * clocks disagreed. Reads of older formats do not say. */
static void print_capture_clocks(const struct ev_vreport *r)
{
	const char *sep = "";

	if (!r->reads)
		return;
	printf("  capture clock of the %zu read%s:", r->reads, S(r->reads));
	for (int k = 0; k < EV_CAPCLK_COUNT; k++)
		if (r->capclk[k]) {
			printf("%s %zu %s", sep, r->capclk[k], ev_capclk_names[k]);
			sep = ",";
		}
	if (r->capclk_unstated)
		printf("%s %zu not stated (anpr-record/2 and older)", sep,
		       r->capclk_unstated);
	printf("; %zu with the camera's and the host's clocks disagreeing\n",
	       r->clocks_disagree);
}

/* A disclosure: per record what is proven, then what is not. */
static void print_disclosure(const struct ev_vreport *r)
{
	for (size_t i = 0; i < r->ndisc; i++) {
		const struct ev_vdisc *d = &r->disc[i];

		if (!d->ok) {
			printf("  record %" PRIu64 ": NOT PROVEN (see the "
			       "problems below)\n", d->seq);
			continue;
		}
		printf("  record %" PRIu64 " (%s%s%s%s, %s%s%s%s): signed by key %s; "
		       "position %" PRIu64 " of camera %s chain %s, proven as "
		       "leaf %" PRIu64 " of %" PRIu64 " under checkpoint %" PRIu64
		       " (records %" PRIu64 "..%" PRIu64 ", merkle_root %.16s...) "
		       "signed by key %s\n", d->seq, d->type,
		       d->vrm[0] ? " " : "", d->vrm,
		       d->vrm[0] ? "" : "", d->time_utc,
		       d->capture_clock[0] ? ", capture clock " : "", d->capture_clock,
		       d->clocks_disagree ? ", the camera's and the host's clocks "
		       "disagreeing" : "", d->key_id, d->seq,
		       r->camera_id, r->chain_id, d->index, d->size, d->cp_seq,
		       d->cp_first, d->cp_last, d->root, d->cp_key_id);
	}
	printf("  not proven here: the other records of those spans (not "
	       "disclosed), the chain's continuity between the disclosed "
	       "records, anything after the checkpoints\n");
}

static void print_human(const struct ev_vreport *r)
{
	const struct ev_problem *fb = ev_vreport_first(r);

	char path[sizeof r->path * 4];

	ev_safe_text(path, sizeof path, r->path);
	printf("anpr-verify: %s %s\n", r->kind, path);
	if (r->camera_id[0])
		printf("  camera %s, chain %s\n", r->camera_id, r->chain_id);
	if (strcmp(r->kind, "disclosure") == 0) {
		for (size_t i = 0; i < r->nkeys; i++)
			printf("  key %s (fingerprint sha256:%s)\n", r->keys[i].id,
			       r->keys[i].fingerprint);
		print_disclosure(r);
		for (size_t i = 0; i < r->nnotes; i++)
			printf("  note: %s\n", r->notes[i]);
		if (!fb) {
			printf("RESULT: OK - %zu disclosed record%s: every "
			       "signature, image hash, inclusion proof and "
			       "checkpoint verify (a disclosure: the records "
			       "between are not shown)\n", r->ndisc, S(r->ndisc));
			return;
		}
		goto failed;
	}
	printf("  records %" PRIu64 "..%" PRIu64 ": %zu record%s read: %zu read%s, "
	       "%zu heartbeat%s, %zu checkpoint%s, %zu key rotation%s; %zu "
	       "image%s hashed\n", r->first_seq, r->last_seq,
	       r->records, S(r->records), r->reads, S(r->reads),
	       r->heartbeats, S(r->heartbeats), r->checkpoints,
	       S(r->checkpoints), r->rotations, S(r->rotations), r->images,
	       S(r->images));
	if (r->uploaded)
		printf("  %zu record%s uploaded and deleted (%" PRIu64 "..%" PRIu64 "): "
		       "their ledger hashes rebuild the signed checkpoints\n",
		       r->uploaded, S(r->uploaded), r->uploaded_first, r->uploaded_last);
	if (r->uploaded_unconfirmed)
		printf("  %zu deleted records known from the upload ledger alone "
		       "(no checkpoint present covers them)\n",
		       r->uploaded_unconfirmed);
	for (size_t i = 0; i < r->nkeys; i++)
		printf("  key %s (fingerprint sha256:%s) signed records %"
		       PRIu64 "..%" PRIu64 "\n", r->keys[i].id,
		       r->keys[i].fingerprint, r->keys[i].first_seq,
		       r->keys[i].last_seq);
	printf("  checkpoints cover the chain up to record %" PRIu64 "; ",
	       r->covered_to);
	if (r->head_seq)
		printf("signed head at record %" PRIu64 "\n", r->head_seq);
	else
		printf("no signed head\n");
	if (r->anchor_seq)
		printf("  anchored at record %" PRIu64 " (a signed copy kept "
		       "outside the camera)\n", r->anchor_seq);
	printf("  clock: %zu of %zu records made unsynchronised; largest "
	       "maximum error %" PRIu64 " us\n", r->clock_unsynced,
	       r->records, r->clock_max_error_us);
	print_capture_clocks(r);
	for (size_t i = 0; i < r->nnotes; i++)
		printf("  note: %s\n", r->notes[i]);
	if (!fb) {
		/* say what was verified, no more: a bundle may have no head */
		printf("RESULT: OK - every signature, chain link, checkpoint%s "
		       "and image hash verify%s\n",
		       r->head_seq ? ", the signed head" : "",
		       r->head_seq ? "" : " (no signed head: the chain's end "
		       "is not shown)");
		return;
	}
failed:
	printf("RESULT: FAILED - %zu problem%s; first bad record: %" PRIu64
	       " (%s): %s\n", r->nproblems, r->nproblems == 1 ? "" : "s",
	       fb->seq, fb->code, fb->msg);
	for (size_t i = 0; i < r->nproblems; i++) {
		const struct ev_problem *p = &r->problems[i];
		printf("  record %" PRIu64 ": %s: %s\n      file: %s\n",
		       p->seq, p->code, p->msg, p->file);
	}
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "key", required_argument, NULL, 'k' },
		{ "export", required_argument, NULL, 'e' },
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 't' },
		{ "uploaded", required_argument, NULL, 'u' },
		{ "anchor", required_argument, NULL, 'a' },
		{ "disclose", required_argument, NULL, 'd' },
		{ "disclose-vrm", required_argument, NULL, 'D' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct ev_key keys[16];
	size_t nkeys = 0;
	const char *export = NULL, *ledger = NULL, *anchor = NULL;
	const char *disclose = NULL, *disclose_vrm = NULL;
	uint64_t from = 0, to = 0;
	bool json = false, all_ok = true, ran_all = true;
	char err[1024], *end;
	int c;

	if (ev_init() != 0) {
		fprintf(stderr, "anpr-verify: libsodium failed to "
			"initialise\n");
		return 2;
	}
	while ((c = getopt_long(argc, argv, "jk:h", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'k':
			if (nkeys == 16) {
				fprintf(stderr, "anpr-verify: at most 16 "
					"keys\n");
				return 2;
			}
			if (ev_key_load_public(optarg, &keys[nkeys], err,
					       sizeof err) != 0) {
				say_err(err);
				return 2;
			}
			nkeys++;
			break;
		case 'e':
			export = optarg;
			break;
		case 'u':
			ledger = optarg;
			break;
		case 'a':
			anchor = optarg;
			break;
		case 'd':
			disclose = optarg;
			break;
		case 'D':
			if (ev_value_check(EV_K_VRM, optarg) != 0) {
				fprintf(stderr, "anpr-verify: --disclose-vrm "
					"%s: not a mark as read (A-Z, 0-9, "
					"single spaces, 1..%d characters)\n",
					optarg, EV_VRM_MAX);
				return 2;
			}
			disclose_vrm = optarg;
			break;
		case 'f':
		case 't':
			errno = 0;
			*(c == 'f' ? &from : &to) = strtoull(optarg, &end, 10);
			if (!*optarg || *end) {
				fprintf(stderr, "anpr-verify: --%s %s: not a "
					"record number\n",
					c == 'f' ? "from" : "to", optarg);
				return 2;
			}
			break;
		case 'V':
			printf("%s %s\n", "anpr-verify", ANPR_VERSION);
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (nkeys == 0 || optind == argc) {
		fprintf(stderr, "anpr-verify: %s\n", nkeys == 0
			? "--key PUBKEY is required: the trusted public key of "
			  "the camera (from the key register, not from the "
			  "spool)" : "no PATH given");
		usage(stderr);
		return 2;
	}
	if (export) {
		if (argc - optind != 1) {
			fprintf(stderr, "anpr-verify: --export takes exactly "
				"one spool\n");
			return 2;
		}
		if (disclose && disclose_vrm) {
			fprintf(stderr, "anpr-verify: --disclose and "
				"--disclose-vrm: one or the other\n");
			return 2;
		}
		if (disclose && (from || to)) {
			fprintf(stderr, "anpr-verify: --disclose names the "
				"records: no --from or --to with it\n");
			return 2;
		}
		if (disclose || disclose_vrm)
			return anpr_verify_disclose(argv[optind], export,
						    disclose, disclose_vrm,
						    from, to, keys, nkeys);
		return anpr_verify_export(argv[optind], export, from, to, keys,
					  nkeys);
	}
	if (disclose || disclose_vrm) {
		fprintf(stderr, "anpr-verify: --disclose and --disclose-vrm "
			"go with --export\n");
		return 2;
	}
	if (json)
		printf("{\"results\": [");
	for (int i = optind; i < argc; i++) {
		struct ev_vreport rep;
		struct ev_vopts o = { .ledger = ledger, .anchor = anchor };
		int rc = ev_verify_path_opts(argv[i], keys, nkeys, &o, &rep, err,
					     sizeof err);

		if (rc) {
			char safe[sizeof err * 4];

			ev_safe_text(safe, sizeof safe, err);
			fprintf(stderr, "anpr-verify: %s\n", safe);
			ran_all = false;
			all_ok = false;
			ev_vreport_free(&rep);
			continue;
		}
		if (rep.nproblems)
			all_ok = false;
		if (json)
			print_json(&rep, i == optind);
		else
			print_human(&rep);
		ev_vreport_free(&rep);
	}
	if (json)
		printf("],\n \"ok\": %s}\n", all_ok ? "true" : "false");
	return !ran_all ? 2 : all_ok ? 0 : 1;
}
