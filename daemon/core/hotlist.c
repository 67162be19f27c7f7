// SPDX-License-Identifier: MIT
/*
 * hotlist.c - building, indexing and matching hotlists; see hotlist.h.
 *
 * Layout of a built hotlist:
 *  - exact entries sorted by their folded mark, so the entries whose marks
 *    fold equal (the candidates of a fuzzy match) sit together, and an
 *    open-addressing hash table from folded mark to the first of them:
 *    one probe sequence per lookup, whatever the size;
 *  - wildcard entries grouped by the folded pair of literal characters
 *    they start with (36 x 36 buckets, plus one bucket for patterns that
 *    start with a wildcard), so a read scans only its own bucket and the
 *    general one;
 *  - every string (list names, reasons) interned once in one arena.
 */
#include "core/hotlist.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/utf8.h"
#include "core/vrm.h"

struct ent {
	char vrm[HOTLIST_PATTERN_MAX + 1];
	uint8_t len;
	uint8_t prio;
	uint8_t action;
	uint8_t wild;
	uint32_t list;		/* arena offset of the interned list name */
	uint32_t reason;	/* arena offset of the interned reason */
	uint32_t file;		/* index in files[] */
	uint32_t line;
};

#define NBUCKET		(36 * 36)	/* + 1: the general bucket */
#define EMPTY		UINT32_MAX

struct strtab {
	char *arena;
	size_t len, cap;
	uint32_t *slots;	/* arena offsets + 1; 0 = empty */
	size_t nslots, used;
};

struct hotlist_builder {
	struct ent *ents;
	size_t n, cap;
	struct strtab st;
	char **files;
	size_t nfiles;
};

struct hotlist {
	struct ent *ents;	/* exact, sorted by folded mark */
	size_t n;
	uint32_t *table;	/* first index of a fold group, or EMPTY */
	size_t mask;
	struct ent *wild;	/* wildcard entries, grouped by bucket */
	size_t nwild;
	uint32_t wstart[NBUCKET + 2];	/* CSR offsets into wild[] */
	char *arena;
	char **files;
	size_t nfiles;
	char set_sha256[HOTLIST_SET_HEX + 1];	/* "" = none set */
};

static uint64_t hash_bytes(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ull;

	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ull;
	}
	h ^= h >> 29;
	h *= 0xbf58476d1ce4e5b9ull;
	return h ^ (h >> 32);
}

static uint64_t hash_folded(const char *s, size_t n)
{
	char f[HOTLIST_PATTERN_MAX + 1];

	vrm_fold(s, n, f);
	return hash_bytes(f, n);
}

/* ---- string interning ----------------------------------------------- */

static int st_grow_slots(struct strtab *st)
{
	size_t nn = st->nslots ? st->nslots * 2 : 1024;
	uint32_t *ns = calloc(nn, sizeof(*ns));

	if (!ns)
		return -1;
	for (size_t i = 0; i < st->nslots; i++) {
		uint32_t v = st->slots[i];
		const char *s;
		size_t j;
		if (!v)
			continue;
		s = st->arena + v - 1;
		j = hash_bytes(s, strlen(s)) & (nn - 1);
		while (ns[j])
			j = (j + 1) & (nn - 1);
		ns[j] = v;
	}
	free(st->slots);
	st->slots = ns;
	st->nslots = nn;
	return 0;
}

/* Returns the arena offset of s, adding it if new; -1 on failure. */
static int64_t st_intern(struct strtab *st, const char *s)
{
	size_t n = strlen(s), j;

	if ((st->used + 1) * 2 > st->nslots && st_grow_slots(st))
		return -1;
	j = hash_bytes(s, n) & (st->nslots - 1);
	/* a used slot implies an arena, and the first string allocates
	 * one (clang-tidy's analyzer cannot see either) */
	while (st->arena && st->slots[j]) {
		const char *t = st->arena + st->slots[j] - 1;
		if (strcmp(t, s) == 0)
			return st->slots[j] - 1;
		j = (j + 1) & (st->nslots - 1);
	}
	if (!st->arena || st->len + n + 1 > st->cap) {
		size_t nc = st->cap ? st->cap * 2 : 65536;
		char *na;
		while (nc < st->len + n + 1)
			nc *= 2;
		if (nc > UINT32_MAX - 1)
			return -1;
		na = realloc(st->arena, nc);
		if (!na)
			return -1;
		st->arena = na;
		st->cap = nc;
	}
	memcpy(st->arena + st->len, s, n + 1);
	st->slots[j] = (uint32_t)st->len + 1;
	st->used++;
	st->len += n + 1;
	return (int64_t)(st->len - n - 1);
}

/* ---- building ------------------------------------------------------- */

struct hotlist_builder *hotlist_builder_new(void)
{
	return calloc(1, sizeof(struct hotlist_builder));
}

void hotlist_builder_free(struct hotlist_builder *b)
{
	if (!b)
		return;
	free(b->ents);
	free(b->st.arena);
	free(b->st.slots);
	for (size_t i = 0; i < b->nfiles; i++)
		free(b->files[i]);
	free(b->files);
	free(b);
}

static int list_name_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > HOTLIST_LIST_MAX)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '_' || c == '-' ||
		      c == '.'))
			return 0;
	}
	return 1;
}

static int file_index(struct hotlist_builder *b, const char *file,
		      uint32_t *idx)
{
	char **nf;

	if (b->nfiles && strcmp(b->files[b->nfiles - 1], file) == 0) {
		*idx = (uint32_t)(b->nfiles - 1);
		return 0;
	}
	for (size_t i = 0; i < b->nfiles; i++)
		if (strcmp(b->files[i], file) == 0) {
			*idx = (uint32_t)i;
			return 0;
		}
	nf = realloc(b->files, (b->nfiles + 1) * sizeof(*nf));
	if (!nf)
		return -1;
	b->files = nf;
	b->files[b->nfiles] = strdup(file);
	if (!b->files[b->nfiles])
		return -1;
	*idx = (uint32_t)b->nfiles++;
	return 0;
}

int hotlist_builder_add(struct hotlist_builder *b, const char *vrm,
			const char *list, const char *reason, int priority,
			int action, const char *file, int line, char *err,
			size_t errlen)
{
	struct ent e;
	int n, literals = 0;
	int64_t lo, ro;
	char why[200];

	memset(&e, 0, sizeof(e));
	n = vrm_normalise(vrm, e.vrm, sizeof(e.vrm), 1);
	if (n == VRM_BAD_CHAR) {
		snprintf(err, errlen, "vrm '%s' has a character other than a "
			 "letter, digit, blank, '-', '?' or '*'", vrm);
		return -1;
	}
	if (n == VRM_EMPTY) {
		snprintf(err, errlen, "vrm '%s' is empty", vrm);
		return -1;
	}
	if (n < 0) {
		/* the limit is the record format's: a longer mark is never
		 * read into a record, so such an entry could never hit */
		snprintf(err, errlen, "vrm '%.40s%s' is longer than %d characters "
			 "(the longest mark a record holds)", vrm,
			 strlen(vrm) > 40 ? "..." : "", HOTLIST_VRM_MAX);
		return -1;
	}
	e.len = (uint8_t)n;
	for (int i = 0; i < n; i++) {
		if (e.vrm[i] == HOTLIST_WILD_ONE || e.vrm[i] == HOTLIST_WILD_ANY)
			e.wild = 1;
		else
			literals++;
	}
	if (e.wild && literals < 3) {
		snprintf(err, errlen, "wildcard vrm '%s' has fewer than 3 "
			 "letters or digits (it would match too much)", vrm);
		return -1;
	}
	if (!list_name_ok(list)) {
		snprintf(err, errlen, "list name '%s' is not 1..%d letters, "
			 "digits, '.', '_' or '-'", list, HOTLIST_LIST_MAX);
		return -1;
	}
	if (strlen(reason) > HOTLIST_REASON_MAX) {
		snprintf(err, errlen, "reason longer than %d bytes",
			 HOTLIST_REASON_MAX);
		return -1;
	}
	if (utf8_text_problem(reason, strlen(reason), 0, NULL, why, sizeof(why))) {
		/* alerts carry the reason to officers as JSON text */
		snprintf(err, errlen, "reason: %s", why);
		return -1;
	}
	if (priority < HOTLIST_PRIO_MIN || priority > HOTLIST_PRIO_MAX) {
		snprintf(err, errlen, "priority %d is out of range %d..%d",
			 priority, HOTLIST_PRIO_MIN, HOTLIST_PRIO_MAX);
		return -1;
	}
	if (action < HOTLIST_ACT_INTERCEPT || action > HOTLIST_ACT_SILENT) {
		snprintf(err, errlen, "action %d unknown", action);
		return -1;
	}
	if (b->n >= HOTLIST_MAX_ENTRIES) {
		snprintf(err, errlen, "more than %d entries", HOTLIST_MAX_ENTRIES);
		return -1;
	}
	lo = st_intern(&b->st, list);
	ro = st_intern(&b->st, reason);
	if (lo < 0 || ro < 0 || file_index(b, file, &e.file)) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	e.list = (uint32_t)lo;
	e.reason = (uint32_t)ro;
	e.prio = (uint8_t)priority;
	e.action = (uint8_t)action;
	e.line = (uint32_t)line;
	if (b->n == b->cap) {
		size_t nc = b->cap ? b->cap * 2 : 4096;
		struct ent *ne = realloc(b->ents, nc * sizeof(*ne));
		if (!ne) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		b->ents = ne;
		b->cap = nc;
	}
	b->ents[b->n++] = e;
	return 0;
}

static int cmp_folded(const struct ent *a, const struct ent *b)
{
	size_t n = a->len < b->len ? a->len : b->len;

	for (size_t i = 0; i < n; i++) {
		char x = vrm_fold_char(a->vrm[i]), y = vrm_fold_char(b->vrm[i]);
		if (x != y)
			return (unsigned char)x < (unsigned char)y ? -1 : 1;
	}
	return (a->len > b->len) - (a->len < b->len);
}

/* Sort key of both kinds: group, then mark, list, file, line. */
static int bucket_of_chars(char a, char b);

static int wild_bucket(const struct ent *e)
{
	if (e->len < 2)
		return NBUCKET;
	return bucket_of_chars(e->vrm[0], e->vrm[1]);
}

static int cmp_tail(const struct ent *a, const struct ent *b)
{
	int c = strcmp(a->vrm, b->vrm);
	if (c)
		return c;
	if (a->list != b->list)
		return a->list < b->list ? -1 : 1;
	if (a->file != b->file)
		return a->file < b->file ? -1 : 1;
	return (a->line > b->line) - (a->line < b->line);
}

static int cmp_exact(const void *pa, const void *pb)
{
	const struct ent *a = pa, *b = pb;
	int c = cmp_folded(a, b);

	return c ? c : cmp_tail(a, b);
}

static int cmp_wild(const void *pa, const void *pb)
{
	const struct ent *a = pa, *b = pb;
	int x = wild_bucket(a), y = wild_bucket(b);

	if (x != y)
		return x < y ? -1 : 1;
	return cmp_tail(a, b);
}

static int char_index(char c)
{
	c = vrm_fold_char(c);
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'Z')
		return 10 + c - 'A';
	return -1;
}

static int bucket_of_chars(char a, char b)
{
	int x = char_index(a), y = char_index(b);

	return x < 0 || y < 0 ? NBUCKET : x * 36 + y;
}

/* The second of two equal (vrm, list) entries, sorted adjacent. */
static int find_dup(struct ent *v, size_t n, char **files,
		    const char *arena, char *err, size_t errlen)
{
	for (size_t i = 1; i < n; i++) {
		if (v[i].list != v[i - 1].list || strcmp(v[i].vrm, v[i - 1].vrm) != 0)
			continue;
		snprintf(err, errlen, "%s:%u: %s is already in list %s "
			 "(%s:%u)", files[v[i].file], v[i].line, v[i].vrm,
			 arena + v[i].list, files[v[i - 1].file],
			 v[i - 1].line);
		return -1;
	}
	return 0;
}

int hotlist_builder_finish(struct hotlist_builder *b, struct hotlist **out,
			   char *err, size_t errlen)
{
	struct hotlist *hl = calloc(1, sizeof(*hl));
	size_t nw = 0, groups = 0, size;

	if (!hl)
		goto oom;
	for (size_t i = 0; i < b->n; i++)
		nw += b->ents[i].wild;
	hl->n = b->n - nw;
	hl->nwild = nw;
	hl->ents = malloc((hl->n ? hl->n : 1) * sizeof(struct ent));
	hl->wild = malloc((nw ? nw : 1) * sizeof(struct ent));
	if (!hl->ents || !hl->wild)
		goto oom;
	for (size_t i = 0, x = 0, w = 0; i < b->n; i++) {
		if (b->ents[i].wild)
			hl->wild[w++] = b->ents[i];
		else
			hl->ents[x++] = b->ents[i];
	}
	free(b->ents);
	b->ents = NULL;
	qsort(hl->ents, hl->n, sizeof(struct ent), cmp_exact);
	qsort(hl->wild, hl->nwild, sizeof(struct ent), cmp_wild);
	if (find_dup(hl->ents, hl->n, b->files, b->st.arena, err, errlen) ||
	    find_dup(hl->wild, hl->nwild, b->files, b->st.arena, err,
		     errlen)) {
		hl->arena = b->st.arena;
		b->st.arena = NULL;
		hotlist_free(hl);
		hotlist_builder_free(b);
		return -1;
	}
	/* Hash table over the fold groups. */
	for (size_t i = 0; i < hl->n; i++)
		groups += i == 0 || cmp_folded(&hl->ents[i], &hl->ents[i - 1]);
	for (size = 16; size < groups * 2; size *= 2)
		;
	hl->table = malloc(size * sizeof(uint32_t));
	if (!hl->table)
		goto oom;
	memset(hl->table, 0xff, size * sizeof(uint32_t));
	hl->mask = size - 1;
	for (size_t i = 0; i < hl->n; i++) {
		size_t j;
		if (i && !cmp_folded(&hl->ents[i], &hl->ents[i - 1]))
			continue;
		j = hash_folded(hl->ents[i].vrm, hl->ents[i].len) & hl->mask;
		while (hl->table[j] != EMPTY)
			j = (j + 1) & hl->mask;
		hl->table[j] = (uint32_t)i;
	}
	/* Wildcard buckets (CSR). */
	for (size_t i = 0; i < hl->nwild; i++)
		hl->wstart[wild_bucket(&hl->wild[i]) + 1]++;
	for (int k = 0; k <= NBUCKET; k++)
		hl->wstart[k + 1] += hl->wstart[k];
	hl->arena = b->st.arena;
	b->st.arena = NULL;
	hl->files = b->files;
	hl->nfiles = b->nfiles;
	b->files = NULL;
	b->nfiles = 0;
	hotlist_builder_free(b);
	*out = hl;
	return 0;
oom:
	snprintf(err, errlen, "out of memory indexing %zu hotlist entries",
		 b->n);
	hotlist_free(hl);
	hotlist_builder_free(b);
	return -1;
}

void hotlist_free(struct hotlist *hl)
{
	if (!hl)
		return;
	free(hl->ents);
	free(hl->wild);
	free(hl->table);
	free(hl->arena);
	for (size_t i = 0; i < hl->nfiles; i++)
		free(hl->files[i]);
	free(hl->files);
	free(hl);
}

const char *hotlist_set_sha256(const struct hotlist *hl)
{
	return hl && hl->set_sha256[0] ? hl->set_sha256 : HOTLIST_SET_NONE;
}

void hotlist_set_digest(struct hotlist *hl, const char *hex)
{
	snprintf(hl->set_sha256, sizeof(hl->set_sha256), "%s", hex);
}

size_t hotlist_count(const struct hotlist *hl)
{
	return hl->n + hl->nwild;
}

size_t hotlist_wildcard_count(const struct hotlist *hl)
{
	return hl->nwild;
}

/* ---- matching ------------------------------------------------------- */

/*
 * Fewest look-alike swaps for pattern p (m chars) to match text t (n
 * chars), or -1. Dynamic programming over (pattern prefix, text prefix).
 */
static int wild_distance(const char *p, int m, const char *t, int n)
{
	enum { INF = 1000 };
	int d[HOTLIST_PATTERN_MAX + 1][HOTLIST_VRM_MAX + 1];

	d[0][0] = 0;
	for (int j = 1; j <= n; j++)
		d[0][j] = INF;
	for (int i = 1; i <= m; i++) {
		char pc = p[i - 1];
		d[i][0] = pc == HOTLIST_WILD_ANY ? d[i - 1][0] : INF;
		for (int j = 1; j <= n; j++) {
			int v = INF;
			if (pc == HOTLIST_WILD_ANY) {
				v = d[i - 1][j];
				if (d[i][j - 1] < v)
					v = d[i][j - 1];
			} else if (pc == HOTLIST_WILD_ONE) {
				v = d[i - 1][j - 1];
			} else if (pc == t[j - 1]) {
				v = d[i - 1][j - 1];
			} else if (vrm_fold_char(pc) == vrm_fold_char(t[j - 1])) {
				v = d[i - 1][j - 1] + 1;
			}
			d[i][j] = v > INF ? INF : v;
		}
	}
	return d[m][n] >= INF ? -1 : d[m][n];
}

static void fill_entry(const struct hotlist *hl, const struct ent *e,
		       struct hotlist_entry *out)
{
	out->vrm = e->vrm;
	out->list = hl->arena + e->list;
	out->reason = hl->arena + e->reason;
	out->file = hl->files[e->file];
	out->line = (int)e->line;
	out->priority = e->prio;
	out->action = e->action;
	out->wildcard = e->wild;
}

static int cmp_hit(const void *pa, const void *pb)
{
	const struct hotlist_hit *a = pa, *b = pb;
	int c;

	if (a->distance != b->distance)
		return a->distance < b->distance ? -1 : 1;
	if (a->entry.wildcard != b->entry.wildcard)
		return a->entry.wildcard ? 1 : -1;
	if (a->entry.priority != b->entry.priority)
		return a->entry.priority < b->entry.priority ? -1 : 1;
	c = strcmp(a->entry.list, b->entry.list);
	return c ? c : strcmp(a->entry.vrm, b->entry.vrm);
}

/* The first entry of the fold group of s (length n), or EMPTY. */
static uint32_t find_group(const struct hotlist *hl, const char *s, size_t n)
{
	struct ent key;
	size_t j;

	if (!hl->n)
		return EMPTY;
	memset(&key, 0, sizeof(key));
	memcpy(key.vrm, s, n);
	key.vrm[n] = '\0';
	key.len = (uint8_t)n;
	j = hash_folded(s, n) & hl->mask;
	while (hl->table[j] != EMPTY) {
		if (cmp_folded(&hl->ents[hl->table[j]], &key) == 0)
			return hl->table[j];
		j = (j + 1) & hl->mask;
	}
	return EMPTY;
}

int hotlist_lookup(const struct hotlist *hl, const char *read, int max_fuzzy,
		   struct hotlist_hit *hits, int maxhits)
{
	struct hotlist_hit found[HOTLIST_MAX_HITS];
	char v[HOTLIST_VRM_MAX + 1];
	int n, nf = 0;
	uint32_t g;

	n = vrm_normalise(read, v, sizeof(v), 0);
	if (n < 0)
		return -1;
	g = find_group(hl, v, (size_t)n);
	if (g != EMPTY) {
		struct ent key;
		memset(&key, 0, sizeof(key));
		memcpy(key.vrm, v, (size_t)n + 1);
		key.len = (uint8_t)n;
		for (size_t i = g; i < hl->n && nf < HOTLIST_MAX_HITS &&
		     cmp_folded(&hl->ents[i], &key) == 0; i++) {
			int d = vrm_confusion_distance(hl->ents[i].vrm, v);
			if (d < 0 || d > max_fuzzy)
				continue;
			fill_entry(hl, &hl->ents[i], &found[nf].entry);
			found[nf++].distance = d;
		}
	}
	if (hl->nwild) {
		int buckets[2] = {n >= 2 ? bucket_of_chars(v[0], v[1]) : NBUCKET,
				  NBUCKET};
		for (int k = 0; k < 2; k++) {
			int bk = buckets[k];
			if (k == 1 && buckets[0] == NBUCKET)
				break;
			for (uint32_t i = hl->wstart[bk];
			     i < hl->wstart[bk + 1] && nf < HOTLIST_MAX_HITS;
			     i++) {
				const struct ent *e = &hl->wild[i];
				int d = wild_distance(e->vrm, e->len, v, n);
				if (d < 0 || d > max_fuzzy)
					continue;
				fill_entry(hl, e, &found[nf].entry);
				found[nf++].distance = d;
			}
		}
	}
	qsort(found, (size_t)nf, sizeof(found[0]), cmp_hit);
	for (int i = 0; i < nf && i < maxhits; i++)
		hits[i] = found[i];
	return nf;
}

/* ---- differences and searching back --------------------------------- */

static int contains(const struct hotlist *hl, const struct ent *e,
		    const char *list)
{
	if (!e->wild) {
		uint32_t g = find_group(hl, e->vrm, e->len);
		if (g == EMPTY)
			return 0;
		for (size_t i = g; i < hl->n &&
		     cmp_folded(&hl->ents[i], e) == 0; i++)
			if (!strcmp(hl->ents[i].vrm, e->vrm) &&
			    !strcmp(hl->arena + hl->ents[i].list, list))
				return 1;
		return 0;
	}
	int bk = wild_bucket(e);
	for (uint32_t i = hl->wstart[bk]; i < hl->wstart[bk + 1]; i++)
		if (!strcmp(hl->wild[i].vrm, e->vrm) &&
		    !strcmp(hl->arena + hl->wild[i].list, list))
			return 1;
	return 0;
}

struct hotlist *hotlist_added(const struct hotlist *before,
			      const struct hotlist *now)
{
	struct hotlist_builder *b = hotlist_builder_new();
	struct hotlist *out = NULL;
	char err[256];

	if (!b)
		return NULL;
	for (int pass = 0; pass < 2; pass++) {
		const struct ent *v = pass ? now->wild : now->ents;
		size_t n = pass ? now->nwild : now->n;
		for (size_t i = 0; i < n; i++) {
			const struct ent *e = &v[i];
			const char *list = now->arena + e->list;
			if (before && contains(before, e, list))
				continue;
			if (hotlist_builder_add(b, e->vrm, list,
						now->arena + e->reason, e->prio,
						e->action, now->files[e->file],
						(int)e->line, err, sizeof(err))) {
				hotlist_builder_free(b);
				return NULL;
			}
		}
	}
	if (hotlist_builder_finish(b, &out, err, sizeof(err)))
		return NULL;
	return out;
}

size_t hotlist_search_back(const struct hotlist *added,
			   const struct recent_read *reads, size_t n,
			   int64_t now_ms, int64_t window_ms, int max_fuzzy,
			   hotlist_backhit_fn fn, void *ctx)
{
	struct hotlist_hit hits[HOTLIST_MAX_HITS];
	size_t reported = 0;

	if (hotlist_count(added) == 0)
		return 0;
	for (size_t i = 0; i < n; i++) {
		int nh;
		if (reads[i].time_ms < now_ms - window_ms ||
		    reads[i].time_ms > now_ms || !reads[i].record[0])
			continue;
		nh = hotlist_lookup(added, reads[i].vrm, max_fuzzy, hits,
				    HOTLIST_MAX_HITS);
		for (int k = 0; k < nh && k < HOTLIST_MAX_HITS; k++) {
			reported++;
			if (fn(ctx, &reads[i], &hits[k]))
				return reported;
		}
	}
	return reported;
}
