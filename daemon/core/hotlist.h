/* SPDX-License-Identifier: MIT */
/*
 * hotlist.h - vehicles of interest: an immutable, indexed set of hotlist
 * entries built from CSV files (format: docs/hotlists.md), looked up in
 * microseconds with hundreds of thousands of entries.
 *
 * A struct hotlist never changes once built; reloads build a new one and
 * swap it in (hotlist_holder.h), so lookups need no lock.
 *
 * Matching (docs/hotlists.md, "Matching"):
 *  - exact: the read equals the entry;
 *  - fuzzy: they differ only by look-alike swaps (O/0, I/1, B/8, S/5);
 *    distance = how many swaps, at most the caller's max_fuzzy;
 *  - wildcard entries: '?' is any one character, '*' any run (maybe
 *    empty); literal characters match with the same look-alike tolerance.
 */
#ifndef ANPRD_HOTLIST_H
#define ANPRD_HOTLIST_H

#include <stddef.h>
#include <stdint.h>

#include "core/anprd_formats.h"

#define HOTLIST_MAX_HITS	64	/* hits one lookup reports at most */

struct hotlist;
struct hotlist_builder;

/* One entry as the matcher reports it; valid while its hotlist lives. */
struct hotlist_entry {
	const char *vrm;	/* normalised; may hold '?' and '*' */
	const char *list;	/* list name */
	const char *reason;
	const char *file;	/* file it came from */
	int line;		/* line in that file */
	int priority;		/* HOTLIST_PRIO_MIN (most urgent) .. MAX */
	int action;		/* enum hotlist_action */
	int wildcard;		/* vrm holds a wildcard */
};

struct hotlist_hit {
	struct hotlist_entry entry;
	int distance;		/* look-alike swaps needed; 0 = exact */
};

/* ---- building ------------------------------------------------------- */

struct hotlist_builder *hotlist_builder_new(void);
void hotlist_builder_free(struct hotlist_builder *b);

/*
 * hotlist_builder_add - add one entry (fields as in the CSV, already
 * unquoted). file/line are kept for messages. Returns 0, or -1 with the
 * reason (no file or line) in err.
 */
int hotlist_builder_add(struct hotlist_builder *b, const char *vrm,
			const char *list, const char *reason, int priority,
			int action, const char *file, int line, char *err,
			size_t errlen);

/*
 * hotlist_builder_finish - index the entries into an immutable hotlist and
 * free the builder (on failure too). A (vrm, list) pair given twice fails
 * with "file:line: ..." naming the second one. Returns 0 or -1.
 */
int hotlist_builder_finish(struct hotlist_builder *b, struct hotlist **out,
			   char *err, size_t errlen);

/*
 * hotlist_parse_csv - add the entries of one CSV text (name for messages)
 * to b. Returns 0, or -1 with "name:line: reason" in err.
 */
int hotlist_parse_csv(struct hotlist_builder *b, const char *name,
		      const char *text, size_t len, char *err, size_t errlen);

/*
 * hotlist_load - read, parse and index every file; all or nothing: on any
 * error returns -1 with "file:line: reason" and *out untouched.
 */
int hotlist_load(const char *const *paths, int npaths, struct hotlist **out,
		 char *err, size_t errlen);

void hotlist_free(struct hotlist *hl);

/*
 * The hotlist set's digest, which every read record carries as
 * hotlist_set_sha256 (docs/record-format.md): the SHA-256 of each file's
 * bytes as loaded, as 64 lower-case hex digits and an LF, these lines
 * sorted bytewise, then the SHA-256 of that text; anyone holding the files
 * recomputes it with
 *   sha256sum FILE... | cut -c1-64 | LC_ALL=C sort | sha256sum
 * hotlist_load sets it from the very bytes it parsed.
 */
#define HOTLIST_SET_HEX		EV_HASH_HEX
#define HOTLIST_SET_NONE	EV_HOTLIST_SET_NONE	/* SHA-256 of nothing */

/* ---- using ---------------------------------------------------------- */

/* The digest of the files hl was loaded from (HOTLIST_SET_NONE for none,
 * for a list built otherwise, and for hl NULL: no hotlist). */
const char *hotlist_set_sha256(const struct hotlist *hl);
/* For hotlist_load: set the digest (64 hex digits) before publishing. */
void hotlist_set_digest(struct hotlist *hl, const char *hex);

size_t hotlist_count(const struct hotlist *hl);
size_t hotlist_wildcard_count(const struct hotlist *hl);

/*
 * hotlist_lookup - match one read (any case, blanks allowed) against every
 * entry. Fills up to maxhits hits, ordered by distance, then exact before
 * wildcard, then priority, then list; returns the number of hits found
 * (which may exceed maxhits, capped at HOTLIST_MAX_HITS), or -1 if the
 * read is not a plausible mark.
 */
int hotlist_lookup(const struct hotlist *hl, const char *read, int max_fuzzy,
		   struct hotlist_hit *hits, int maxhits);

/*
 * hotlist_added - the entries of `now` whose (vrm, list) pair is not in
 * `before` (NULL = none), as a new hotlist; NULL on allocation failure.
 * Used to search back over recent reads after a reload.
 */
struct hotlist *hotlist_added(const struct hotlist *before,
			      const struct hotlist *now);

/* ---- searching back ------------------------------------------------- */

struct recent_read {
	char vrm[HOTLIST_VRM_MAX + 1];	/* as read, normalised */
	int64_t time_ms;		/* capture time */
	uint64_t vehicle;		/* anprd's vehicle (track) number */
	char source[ANPRD_ID_MAX + 1];	/* [source NAME] it was read by */
	float confidence;		/* the tracker's, 0..1 */
	char record[ALERT_RECORD_MAX + 1];	/* record_id of its signed
					   record; "" = not written (yet) */
};

/* Called once per (read, hit); return non-zero to stop. */
typedef int (*hotlist_backhit_fn)(void *ctx, const struct recent_read *r,
				  const struct hotlist_hit *hit);

/*
 * hotlist_search_back - report which of reads[0..n) with
 * time_ms >= now_ms - window_ms and a written record hit an entry of
 * `added` (a read without a record has no evidence to show for it). Returns the
 * number of (read, hit) pairs reported.
 */
size_t hotlist_search_back(const struct hotlist *added,
			   const struct recent_read *reads, size_t n,
			   int64_t now_ms, int64_t window_ms, int max_fuzzy,
			   hotlist_backhit_fn fn, void *ctx);

#endif
