/* SPDX-License-Identifier: MIT */
/*
 * verify_ledger.c - anpr-verify --uploaded: anpr-upload's ledger of the
 * records it handed to the back office and deleted, checked against what
 * the spool itself can prove.
 *
 * The ledger is not signed: anyone who can write the upload state can
 * write any line. So a line is believed only as far as signed data in the
 * spool confirms it (docs/upload-protocol.md, docs/threat-model.md):
 *   - a deleted record counts as uploaded only where a signed checkpoint
 *     that is still present covers it and the ledger's hashes rebuild that
 *     checkpoint's Merkle root (verify.c marks them "confirmed");
 *   - anpr-upload never deletes from the newest checkpoint on (the writer
 *     needs that span to resume), nor anything after the signed head, so a
 *     ledger line for a missing record there is itself a finding;
 *   - a ledger line for a record that is present must carry its hash.
 * Deleted records before the first present checkpoint's span are reported
 * as known from the ledger alone: the checkpoint that covered them went to
 * the back office with them.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evidence/verify_int.h"

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wformat-truncation"
#endif

#define LEDGER_LINE_MAX 512

static bool all_digits(const char *s, size_t n)
{
	if (!n || (n > 1 && s[0] == '0') || n > 20)
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

static uint64_t to_u64(const char *s, size_t n, bool *ok)
{
	uint64_t v = 0;

	for (size_t i = 0; i < n; i++) {
		uint64_t d = (uint64_t)(s[i] - '0');

		if (v > (UINT64_MAX - d) / 10) {
			*ok = false;
			return 0;
		}
		v = v * 10 + d;
	}
	return v;
}

int ev_ledger_parse_line(const char *line, size_t len,
			 struct ev_ledger_line *out, char *why, size_t whylen)
{
	const char *f[4];
	size_t fl[4], nf = 0, i = 0;
	bool ok = true;
	const char *dash, *cdash;
	char hex[EV_HASH_HEX + 1] = "";

	memset(out, 0, sizeof *out);
	if (len && line[len - 1] == '\n')
		len--;
	while (i <= len && nf < 4) {
		size_t s = i;

		while (i < len && line[i] != ' ')
			i++;
		f[nf] = line + s;
		fl[nf++] = i - s;
		i++;
	}
	if (nf != 4 || i <= len) {
		snprintf(why, whylen, "not four fields separated by single "
			 "spaces (seq record_id sha256 unix_time)");
		return EV_EFORMAT;
	}
	if (!all_digits(f[0], fl[0]) || !all_digits(f[3], fl[3])) {
		snprintf(why, whylen, "seq and unix_time must be decimal "
			 "numbers");
		return EV_EFORMAT;
	}
	out->seq = to_u64(f[0], fl[0], &ok);
	out->time = to_u64(f[3], fl[3], &ok);
	if (!ok || out->seq == 0) {
		snprintf(why, whylen, "seq out of range");
		return EV_EFORMAT;
	}
	if (fl[2] == EV_HASH_HEX) {
		memcpy(hex, f[2], EV_HASH_HEX);
		hex[EV_HASH_HEX] = '\0';
	}
	if (fl[2] != EV_HASH_HEX || ev_unhex(hex, out->hash, EV_HASH_LEN) ||
	    strspn(hex, "0123456789abcdef") != EV_HASH_HEX) {
		snprintf(why, whylen, "the SHA-256 must be 64 lower-case hex "
			 "digits");
		return EV_EFORMAT;
	}
	/* record_id = CAMERA-CHAINID-SEQ (record-format.md); the camera id
	 * may itself hold '-', so take it apart from the end */
	if (fl[1] == 0 || fl[1] >= sizeof out->record_id) {
		snprintf(why, whylen, "record_id missing or too long");
		return EV_EFORMAT;
	}
	memcpy(out->record_id, f[1], fl[1]);
	out->record_id[fl[1]] = '\0';
	if (ev_value_check(EV_K_TOKEN, out->record_id) != 0) {
		snprintf(why, whylen, "record_id is not a record id");
		return EV_EFORMAT;
	}
	dash = strrchr(out->record_id, '-');
	if (!dash || dash - out->record_id < 18 ||
	    !all_digits(dash + 1, strlen(dash + 1)) ||
	    to_u64(dash + 1, strlen(dash + 1), &ok) != out->seq || !ok) {
		snprintf(why, whylen, "record_id does not end in -SEQ with "
			 "this line's seq");
		return EV_EFORMAT;
	}
	cdash = dash - 17;
	if (*cdash != '-') {
		snprintf(why, whylen, "record_id has no -CHAINID- part");
		return EV_EFORMAT;
	}
	memcpy(out->chain_id, cdash + 1, 16);
	out->chain_id[16] = '\0';
	if (ev_value_check(EV_K_HEX16, out->chain_id) != 0) {
		snprintf(why, whylen, "record_id's chain id is not 16 "
			 "upper-case hex digits");
		return EV_EFORMAT;
	}
	return 0;
}

static int cmp_line(const void *a, const void *b)
{
	const struct ev_ledger_line *x = a, *y = b;

	if (x->seq != y->seq)
		return x->seq < y->seq ? -1 : 1;
	return x->lineno < y->lineno ? -1 : x->lineno > y->lineno;
}

/* Every well-formed line of the ledger; malformed lines are problems (the
 * report goes on: one damaged line must not hide the rest). */
static int read_lines(struct vctx *c, struct ev_ledger_line **out, size_t *n,
		      char *err, size_t errlen)
{
	FILE *f = fopen(c->ledger, "re");
	struct ev_ledger_line *v = NULL;
	size_t nv = 0, cap = 0, lineno = 0, bad = 0, sz = 0;
	char *line = NULL, why[160];
	ssize_t got;

	*out = NULL;
	*n = 0;
	if (!f) {
		snprintf(err, errlen, "%s: cannot read the upload ledger: %s",
			 c->ledger, strerror(errno));
		return EV_EIO;
	}
	while ((got = getline(&line, &sz, f)) >= 0) {
		struct ev_ledger_line l;

		lineno++;
		if ((size_t)got > LEDGER_LINE_MAX ||
		    memchr(line, '\0', (size_t)got) ||
		    ev_ledger_parse_line(line, (size_t)got, &l, why,
					 sizeof why) != 0) {
			if ((size_t)got > LEDGER_LINE_MAX)
				snprintf(why, sizeof why, "line longer than "
					 "%d bytes", LEDGER_LINE_MAX);
			else if (memchr(line, '\0', (size_t)got))
				snprintf(why, sizeof why, "NUL byte");
			if (bad++ < 20)
				ev_v_problem(c, 0, EV_P_MALFORMED, c->ledger,
					     "line %zu: not a ledger line: %s",
					     lineno, why);
			continue;
		}
		l.lineno = lineno;
		if (nv == cap) {
			size_t nc = cap ? 2 * cap : 1024;
			void *p = realloc(v, nc * sizeof *v);

			if (!p) {
				free(v);
				free(line);
				fclose(f);
				snprintf(err, errlen, "%s: out of memory",
					 c->ledger);
				return EV_ENOMEM;
			}
			v = p;
			cap = nc;
		}
		v[nv++] = l;
	}
	free(line);
	if (ferror(f)) {
		snprintf(err, errlen, "%s: read error: %s", c->ledger,
			 strerror(errno));
		fclose(f);
		free(v);
		return EV_EIO;
	}
	fclose(f);
	if (bad > 20)
		ev_v_problem(c, 0, EV_P_MALFORMED, c->ledger, "%zu malformed "
			     "lines in all", bad);
	if (nv)
		qsort(v, nv, sizeof *v, cmp_line);
	*out = v;
	*n = nv;
	return 0;
}

/* The present record numbered seq (binary search over the first n
 * entries, which are the present ones, sorted), or NULL. */
static struct entry *present(struct vctx *c, size_t n, uint64_t seq)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (c->e[mid].seq < seq)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && c->e[lo].seq == seq && !c->e[lo].dup ? &c->e[lo]
							      : NULL;
}

int ev_v_merge_ledger(struct vctx *c, const char *rec_dir, char *err,
		      size_t errlen)
{
	struct ev_ledger_line *l;
	size_t nl, np = c->ne, other = 0;
	uint64_t newest_cp = 0, last = np ? c->e[np - 1].seq : 0;
	char hex[EV_HASH_HEX + 1], lhex[EV_HASH_HEX + 1];
	char other_chain[17] = "";
	int rc = read_lines(c, &l, &nl, err, errlen);

	if (rc)
		return rc;
	for (size_t i = 0; i < np; i++)
		if (!c->e[i].dup && c->e[i].type == EV_CHECKPOINT)
			newest_cp = c->e[i].seq;
	for (size_t i = 0; i < nl; i++) {
		const struct ev_ledger_line *x = &l[i];
		struct entry *e;

		if (strcmp(x->chain_id, c->chain_id) != 0) {
			/* a ledger outlives a spool: lines of an earlier
			 * chain of this camera are not this spool's */
			if (!other++)
				snprintf(other_chain, sizeof other_chain, "%s",
					 x->chain_id);
			continue;
		}
		if (i > 0 && l[i - 1].seq == x->seq &&
		    strcmp(l[i - 1].chain_id, x->chain_id) == 0) {
			/* sent twice (a lost acknowledgement): the same
			 * record, so the same hash */
			if (memcmp(l[i - 1].hash, x->hash, EV_HASH_LEN) != 0)
				ev_v_problem(c, x->seq, EV_P_LEDGER_HASH,
					c->ledger, "lines %zu and %zu give "
					"record %" PRIu64 " two different "
					"SHA-256 values", l[i - 1].lineno,
					x->lineno, x->seq);
			continue;
		}
		e = present(c, np, x->seq);
		if (e) {
			if (e->hashed &&
			    memcmp(e->hash, x->hash, EV_HASH_LEN) != 0) {
				ev_hex(e->hash, EV_HASH_LEN, hex);
				ev_hex(x->hash, EV_HASH_LEN, lhex);
				ev_v_problem(c, x->seq, EV_P_LEDGER_HASH,
					c->ledger, "line %zu says record %"
					PRIu64 " had SHA-256 %s when it was "
					"uploaded; the record present has %s",
					x->lineno, x->seq, lhex, hex);
			}
			continue;
		}
		if (!newest_cp || x->seq >= newest_cp) {
			if (x->seq > last)
				ev_v_problem(c, x->seq, EV_P_LEDGER_SPAN,
					c->ledger, "line %zu says record %"
					PRIu64 " was uploaded and deleted, but "
					"the chain present ends at record %"
					PRIu64 ": anpr-upload sends only "
					"committed records and deletes none "
					"from the newest checkpoint on",
					x->lineno, x->seq, last);
			else if (!newest_cp)
				ev_v_problem(c, x->seq, EV_P_LEDGER_SPAN,
					c->ledger, "line %zu says record %"
					PRIu64 " was uploaded and deleted, but "
					"no checkpoint is present and "
					"anpr-upload deletes nothing before "
					"the first one", x->lineno, x->seq);
			else
				ev_v_problem(c, x->seq, EV_P_LEDGER_SPAN,
					c->ledger, "line %zu says record %"
					PRIu64 " was uploaded and deleted, but "
					"it is in the open span from the "
					"newest checkpoint (record %" PRIu64
					") on, which anpr-upload never "
					"deletes", x->lineno, x->seq,
					newest_cp);
			continue;
		}
		if (ev_v_add_entry(c, x->seq, rec_dir) != 0) {
			free(l);
			snprintf(err, errlen, "%s: out of memory", c->ledger);
			return EV_ENOMEM;
		}
		e = &c->e[c->ne - 1];
		memcpy(e->hash, x->hash, EV_HASH_LEN);
		e->hashed = true;
		e->uploaded = true;
	}
	free(l);
	if (other)
		ev_v_note(c, "%zu lines of the upload ledger belong to another "
			  "chain (%s%s), not to this spool's chain %s: not "
			  "used", other, other_chain, other > 1 ? ", ..." : "",
			  c->chain_id);
	return 0;
}

/* What the report says of the deleted records: those whose ledger hashes
 * a present checkpoint confirmed, and those known from the ledger alone. */
void ev_v_note_uploaded(struct vctx *c)
{
	struct ev_vreport *r = c->rep;
	uint64_t f1 = 0, l1 = 0, f2 = 0, l2 = 0;
	size_t n1 = 0, n2 = 0;

	for (size_t i = 0; i < c->ne; i++) {
		const struct entry *e = &c->e[i];

		if (!e->uploaded)
			continue;
		if (e->confirmed) {
			if (!n1++)
				f1 = e->seq;
			l1 = e->seq;
		} else {
			if (!n2++)
				f2 = e->seq;
			l2 = e->seq;
		}
	}
	r->uploaded = n1;
	r->uploaded_first = f1;
	r->uploaded_last = l1;
	r->uploaded_unconfirmed = n2;
	if (n1)
		ev_v_note(c, "%zu records (%" PRIu64 "..%" PRIu64 ") were "
			  "handed to the back office and deleted: the hashes "
			  "the upload ledger %s gives them rebuild the Merkle "
			  "roots of the signed checkpoints that cover them",
			  n1, f1, l1, c->ledger);
	if (n2)
		ev_v_note(c, "%zu deleted records (%" PRIu64 "..%" PRIu64 ") "
			  "are known only from the upload ledger: the "
			  "checkpoints that covered them were deleted with "
			  "them, so this spool cannot prove what they were; "
			  "the back office holds them", n2, f2, l2);
}
