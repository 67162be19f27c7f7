/* SPDX-License-Identifier: MIT */
/*
 * record.c - the canonical "key=value" record text: field tables, value
 * syntax checks, encoding and strict decoding. Pure: no I/O.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <inttypes.h>

#include "evidence/evidence.h"

#define EV_X_INFO(id, name, kind) [EV_F_##id] = { name, kind },
const struct ev_field_info ev_fields[EV_F_COUNT] = {
	EV_FIELDS_COMMON(EV_X_INFO)
	EV_FIELDS_READ(EV_X_INFO)
	EV_FIELDS_HEARTBEAT(EV_X_INFO)
	EV_FIELDS_CHECKPOINT(EV_X_INFO)
	EV_FIELDS_KEY_ROTATION(EV_X_INFO)
	EV_FIELDS_READ_V2(EV_X_INFO)
	EV_FIELDS_READ_V3(EV_X_INFO)
	EV_FIELDS_READ_V4(EV_X_INFO)
};
#undef EV_X_INFO

#define EV_X_CAPCLK(id, name) [EV_CAPCLK_##id] = name,
const char *const ev_capclk_names[EV_CAPCLK_COUNT] = {
	EV_CAPCLK_VALUES(EV_X_CAPCLK)
};
#undef EV_X_CAPCLK

const char *const ev_type_names[EV_TYPE_COUNT] = {
	[EV_READ] = EV_TYPE_READ,
	[EV_HEARTBEAT] = EV_TYPE_HEARTBEAT,
	[EV_CHECKPOINT] = EV_TYPE_CHECKPOINT,
	[EV_KEY_ROTATION] = EV_TYPE_KEY_ROTATION,
};

#define EV_X_ID(id, name, kind) EV_F_##id,
static const enum ev_field f_read[] = {		/* anpr-record/1 */
	EV_FIELDS_COMMON(EV_X_ID) EV_FIELDS_READ(EV_X_ID)
};
#define EV_X_ID1(id) EV_F_##id,
static const enum ev_field f_read2[] = {	/* anpr-record/2 */
	EV_FIELDS_COMMON(EV_X_ID) EV_READ_V2_ORDER(EV_X_ID1)
};
static const enum ev_field f_read3[] = {	/* anpr-record/3 */
	EV_FIELDS_COMMON(EV_X_ID) EV_READ_V3_ORDER(EV_X_ID1)
};
static const enum ev_field f_read4[] = {	/* anpr-record/4 */
	EV_FIELDS_COMMON(EV_X_ID) EV_READ_V4_ORDER(EV_X_ID1)
};
#undef EV_X_ID1
static const enum ev_field f_heartbeat[] = {
	EV_FIELDS_COMMON(EV_X_ID) EV_FIELDS_HEARTBEAT(EV_X_ID)
};
static const enum ev_field f_checkpoint[] = {
	EV_FIELDS_COMMON(EV_X_ID) EV_FIELDS_CHECKPOINT(EV_X_ID)
};
static const enum ev_field f_rotation[] = {
	EV_FIELDS_COMMON(EV_X_ID) EV_FIELDS_KEY_ROTATION(EV_X_ID)
};
#undef EV_X_ID

_Static_assert(sizeof f_read2 / sizeof f_read2[0] ==
	       sizeof f_read / sizeof f_read[0] + 3,
	       "anpr-record/2 reads: the /1 fields and the 3 of EV_FIELDS_READ_V2");
_Static_assert(sizeof f_read3 / sizeof f_read3[0] ==
	       sizeof f_read2 / sizeof f_read2[0] + 2,
	       "anpr-record/3 reads: the /2 fields and the 2 of EV_FIELDS_READ_V3");
_Static_assert(sizeof f_read4 / sizeof f_read4[0] ==
	       sizeof f_read3 / sizeof f_read3[0] + 1,
	       "anpr-record/4 reads: the /3 fields and the 1 of EV_FIELDS_READ_V4");

size_t ev_type_fields(unsigned version, enum ev_type type,
		      const enum ev_field **fields)
{
	if (version < EV_FORMAT_MIN || version > EV_FORMAT_VERSION) {
		*fields = NULL;
		return 0;
	}
	switch (type) {
	case EV_READ:
		if (version >= 4) {
			*fields = f_read4;
			return sizeof f_read4 / sizeof f_read4[0];
		}
		if (version >= 3) {
			*fields = f_read3;
			return sizeof f_read3 / sizeof f_read3[0];
		}
		if (version >= 2) {
			*fields = f_read2;
			return sizeof f_read2 / sizeof f_read2[0];
		}
		*fields = f_read;
		return sizeof f_read / sizeof f_read[0];
	case EV_HEARTBEAT:
		*fields = f_heartbeat;
		return sizeof f_heartbeat / sizeof f_heartbeat[0];
	case EV_CHECKPOINT:
		*fields = f_checkpoint;
		return sizeof f_checkpoint / sizeof f_checkpoint[0];
	case EV_KEY_ROTATION:
		*fields = f_rotation;
		return sizeof f_rotation / sizeof f_rotation[0];
	default:
		*fields = NULL;
		return 0;
	}
}

void ev_record_init(struct ev_record *r, enum ev_type type)
{
	ev_record_init_version(r, type, EV_FORMAT_VERSION);
}

int ev_record_init_version(struct ev_record *r, enum ev_type type,
			   unsigned version)
{
	memset(r, 0, sizeof *r);
	r->type = type;
	if (version < EV_FORMAT_MIN || version > EV_FORMAT_VERSION)
		return EV_EINVAL;
	r->version = version;
	snprintf(r->v[EV_F_FORMAT], EV_VALUE_MAX, EV_FORMAT_PREFIX "%u",
		 version);
	snprintf(r->v[EV_F_TYPE], EV_VALUE_MAX, "%s", ev_type_names[type]);
	return 0;
}

/* The version a format value names: 1..EV_FORMAT_VERSION, or 0. */
static unsigned format_version(const char *v)
{
	size_t pl = sizeof EV_FORMAT_PREFIX - 1;

	if (strncmp(v, EV_FORMAT_PREFIX, pl) != 0 || v[pl] < '1' ||
	    v[pl] > '9' || v[pl + 1] != '\0')
		return 0;
	if ((unsigned)(v[pl] - '0') < EV_FORMAT_MIN ||
	    (unsigned)(v[pl] - '0') > EV_FORMAT_VERSION)
		return 0;
	return (unsigned)(v[pl] - '0');
}

int ev_record_set(struct ev_record *r, enum ev_field f, const char *fmt, ...)
{
	va_list ap;
	int n;

	if ((unsigned)f >= EV_F_COUNT)
		return EV_EINVAL;
	va_start(ap, fmt);
	n = vsnprintf(r->v[f], EV_VALUE_MAX, fmt, ap);
	va_end(ap);
	if (n < 0 || n >= EV_VALUE_MAX) {
		r->v[f][0] = '\0';
		return EV_EINVAL;
	}
	return 0;
}

static int is_digit(char c) { return c >= '0' && c <= '9'; }

static int check_uint(const char *v, int allow_sign)
{
	const char *p = v;
	uint64_t acc = 0;

	if (allow_sign && *p == '-') {
		p++;
		if (strcmp(p, "0") == 0)
			return EV_EFORMAT;
	}
	if (!is_digit(*p))
		return EV_EFORMAT;
	if (p[0] == '0' && p[1] != '\0')
		return EV_EFORMAT;
	for (; *p; p++) {
		if (!is_digit(*p))
			return EV_EFORMAT;
		if (acc > (UINT64_MAX - (uint64_t)(*p - '0')) / 10)
			return EV_EFORMAT;
		acc = acc * 10 + (uint64_t)(*p - '0');
	}
	return 0;
}

/* [-]D+.DDD..., integer part without leading zeros, exactly `dec` decimals */
static int check_fixed(const char *v, int allow_sign, int dec)
{
	const char *p = v, *dot;
	size_t ilen;

	if (allow_sign && *p == '-')
		p++;
	dot = strchr(p, '.');
	if (!dot)
		return EV_EFORMAT;
	ilen = (size_t)(dot - p);
	if (ilen == 0 || ilen > 9 || (p[0] == '0' && ilen > 1))
		return EV_EFORMAT;
	for (const char *q = p; q < dot; q++)
		if (!is_digit(*q))
			return EV_EFORMAT;
	if (strlen(dot + 1) != (size_t)dec)
		return EV_EFORMAT;
	for (const char *q = dot + 1; *q; q++)
		if (!is_digit(*q))
			return EV_EFORMAT;
	if (v[0] == '-') {	/* no negative zero */
		int nz = 0;
		for (const char *q = p; *q; q++)
			if (*q != '0' && *q != '.')
				nz = 1;
		if (!nz)
			return EV_EFORMAT;
	}
	return 0;
}

static int check_set(const char *v, const char *set, size_t min, size_t max)
{
	size_t n = strlen(v);

	if (n < min || n > max)
		return EV_EFORMAT;
	for (const char *p = v; *p; p++) {
		char c = *p;
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || is_digit(c))
			continue;
		if (!strchr(set, c))
			return EV_EFORMAT;
	}
	return 0;
}

static int check_hex(const char *v, size_t n, int upper)
{
	if (strlen(v) != n)
		return EV_EFORMAT;
	for (const char *p = v; *p; p++) {
		if (is_digit(*p))
			continue;
		if (upper ? (*p >= 'A' && *p <= 'F') : (*p >= 'a' && *p <= 'f'))
			continue;
		return EV_EFORMAT;
	}
	return 0;
}

static int check_time(const char *v)
{
	/* YYYY-MM-DDTHH:MM:SS.uuuuuuZ */
	static const char pat[] = "dddd-dd-ddTdd:dd:dd.ddddddZ";
	int mo, d, h, mi, s;

	if (strlen(v) != sizeof pat - 1)
		return EV_EFORMAT;
	for (size_t i = 0; pat[i]; i++) {
		if (pat[i] == 'd' ? !is_digit(v[i]) : v[i] != pat[i])
			return EV_EFORMAT;
	}
	mo = (v[5] - '0') * 10 + (v[6] - '0');
	d = (v[8] - '0') * 10 + (v[9] - '0');
	h = (v[11] - '0') * 10 + (v[12] - '0');
	mi = (v[14] - '0') * 10 + (v[15] - '0');
	s = (v[17] - '0') * 10 + (v[18] - '0');
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60)
		return EV_EFORMAT;
	return 0;
}

static int check_vrm(const char *v)
{
	size_t n = strlen(v);

	if (n < 1 || n > EV_VRM_MAX || v[0] == ' ' || v[n - 1] == ' ')
		return EV_EFORMAT;
	for (size_t i = 0; i < n; i++) {
		char c = v[i];
		if (c == ' ' && v[i + 1] == ' ')
			return EV_EFORMAT;
		if (!(c == ' ' || is_digit(c) || (c >= 'A' && c <= 'Z')))
			return EV_EFORMAT;
	}
	return 0;
}

static int check_text(const char *v)
{
	size_t n = strlen(v);

	if (n == 0 || v[0] == ' ' || v[n - 1] == ' ')
		return EV_EFORMAT;
	for (const char *p = v; *p; p++)
		if (*p < 0x20 || *p > 0x7e)
			return EV_EFORMAT;
	return 0;
}

int ev_value_check(enum ev_kind kind, const char *v)
{
	switch (kind) {
	case EV_K_UINT:  return check_uint(v, 0);
	case EV_K_SINT:  return check_uint(v, 1);
	case EV_K_FIX6:  return check_fixed(v, 1, 6);
	case EV_K_FIX3:  return check_fixed(v, 0, 3);
	case EV_K_BOOL:  return (strcmp(v, "0") == 0 || strcmp(v, "1") == 0)
				? 0 : EV_EFORMAT;
	case EV_K_HASH:  return check_hex(v, EV_HASH_HEX, 0);
	case EV_K_HEX16: return check_hex(v, 16, 1);
	case EV_K_TOKEN: return check_set(v, "_.:+-", 1, 64);
	case EV_K_TEXT:  return check_text(v);
	case EV_K_VRM:   return check_vrm(v);
	case EV_K_TIME:  return check_time(v);
	case EV_K_FILE:
		if (strcmp(v, EV_NONE) == 0)
			return 0;
		if (v[0] == '.' || check_set(v, "_.-", 1, 64))
			return EV_EFORMAT;
		return 0;
	case EV_K_HASHN:
		return strcmp(v, EV_NONE) == 0 ? 0 : check_hex(v, EV_HASH_HEX, 0);
	case EV_K_B64:
		if (strlen(v) != EV_MS_PUBKEY_B64_LEN ||
		    check_set(v, "+/=", EV_MS_PUBKEY_B64_LEN,
			      EV_MS_PUBKEY_B64_LEN))
			return EV_EFORMAT;
		return 0;
	case EV_K_FORMAT: return format_version(v) ? 0 : EV_EFORMAT;
	case EV_K_INPUT:
		return (strcmp(v, EV_INPUT_LIVE) == 0 ||
			strcmp(v, EV_INPUT_REPLAY) == 0) ? 0 : EV_EFORMAT;
	case EV_K_CAPCLK:
		return ev_capclk_parse(v) >= 0 ? 0 : EV_EFORMAT;
	case EV_K_PSTATE:
		return ev_plate_state_parse(v) >= 0 ? 0 : EV_EFORMAT;
	case EV_K_TYPE:
		for (int t = 0; t < EV_TYPE_COUNT; t++)
			if (strcmp(v, ev_type_names[t]) == 0)
				return 0;
		return EV_EFORMAT;
	}
	return EV_EFORMAT;
}

static const char *kind_desc(enum ev_kind k)
{
	switch (k) {
	case EV_K_UINT:  return "an unsigned decimal";
	case EV_K_SINT:  return "a signed decimal";
	case EV_K_FIX6:  return "a decimal with 6 places";
	case EV_K_FIX3:  return "a decimal with 3 places";
	case EV_K_BOOL:  return "0 or 1";
	case EV_K_HASH:  return "64 lower-case hex digits";
	case EV_K_HEX16: return "16 upper-case hex digits";
	case EV_K_TOKEN: return "1-64 of [A-Za-z0-9_.:+-]";
	case EV_K_TEXT:  return "printable ASCII";
	case EV_K_VRM:   return "1-16 of [A-Z0-9 ]";
	case EV_K_TIME:  return "YYYY-MM-DDTHH:MM:SS.uuuuuuZ";
	/* what is wanted, unquoted: only the value is quoted, which
	 * anpr-ingest withholds (a value may be a mark) */
	case EV_K_FILE:  return "a file name or -";
	case EV_K_HASHN: return "64 lower-case hex digits or -";
	case EV_K_B64:   return "a minisign public key (56 base64 characters)";
	case EV_K_FORMAT: return EV_FORMAT_NAME_V1 ", " EV_FORMAT_NAME_V2 ", "
				  EV_FORMAT_NAME_V3 " or " EV_FORMAT_NAME;
	case EV_K_TYPE:  return "a record type";
	case EV_K_INPUT: return EV_INPUT_LIVE " or " EV_INPUT_REPLAY;
	case EV_K_CAPCLK: return "a capture clock (camera-synchronised, "
				  "camera-estimated, receive-time, sensor-exposure, "
				  "driver-frame-end, synthetic, unknown)";
	case EV_K_PSTATE: return EV_PLATE_READ " or " EV_PLATE_UNREADABLE "WHY (WHY: "
				  EV_UNREAD_NO_CHARS ", " EV_UNREAD_NOT_READ
				  " or " EV_UNREAD_NO_FORMAT ")";
	}
	return "?";
}

/* The first format after `version` that has a field named key[0..kl) that
 * `version` lacks ("anpr-record/2"), or NULL. */
static const char *later_field(unsigned version, const char *key, size_t kl)
{
	static const struct { unsigned since; enum ev_field f; } added[] = {
#define EV_X_ADDED2(id, name, kind) { 2, EV_F_##id },
		EV_FIELDS_READ_V2(EV_X_ADDED2)
#undef EV_X_ADDED2
#define EV_X_ADDED3(id, name, kind) { 3, EV_F_##id },
		EV_FIELDS_READ_V3(EV_X_ADDED3)
#undef EV_X_ADDED3
#define EV_X_ADDED4(id, name, kind) { 4, EV_F_##id },
		EV_FIELDS_READ_V4(EV_X_ADDED4)
#undef EV_X_ADDED4
	};

	for (size_t i = 0; i < sizeof added / sizeof added[0]; i++)
		if (added[i].since > version &&
		    kl == strlen(ev_fields[added[i].f].name) &&
		    memcmp(key, ev_fields[added[i].f].name, kl) == 0)
			return added[i].since == 2 ? EV_FORMAT_NAME_V2 :
			       added[i].since == 3 ? EV_FORMAT_NAME_V3 :
			       EV_FORMAT_NAME;
	return NULL;
}

int ev_plate_state_parse(const char *v)
{
	static const char *const why[] = { EV_UNREAD_NO_CHARS,
					   EV_UNREAD_NOT_READ,
					   EV_UNREAD_NO_FORMAT };
	size_t pl = sizeof EV_PLATE_UNREADABLE - 1;

	if (strcmp(v, EV_PLATE_READ) == 0)
		return 0;
	if (strncmp(v, EV_PLATE_UNREADABLE, pl) != 0)
		return -1;
	for (int i = 0; i < 3; i++)
		if (strcmp(v + pl, why[i]) == 0)
			return i + 1;
	return -1;
}

/* Across fields of a read of /4: vrm "-" exactly when the plate is
 * unreadable, which has no hotlist match. */
static int check_plate_state(const struct ev_record *r, char *err,
			     size_t errlen, const char *name, unsigned line)
{
	char at[600];
	int st;

	if (r->type != EV_READ || r->version < 4)
		return 0;
	st = ev_plate_state_parse(r->v[EV_F_PLATE_STATE]);
	if (line)
		snprintf(at, sizeof at, "%.500s: line %u", name, line);
	else
		snprintf(at, sizeof at, "%.500s", name);
	if (st == 0 && strcmp(r->v[EV_F_VRM], EV_NONE) == 0) {
		/* the constants unquoted: anpr-ingest withholds every
		 * quoted span of a message (a value may be a mark) */
		snprintf(err, errlen, "%s: vrm=- with plate_state=read "
			 "(only an unreadable plate has no mark)", at);
		return EV_EFORMAT;
	}
	if (st > 0 && (strcmp(r->v[EV_F_VRM], EV_NONE) != 0 ||
		       strcmp(r->v[EV_F_HOTLIST], EV_NONE) != 0 ||
		       strcmp(r->v[EV_F_HOTLIST_ENTRY], EV_NONE) != 0)) {
		snprintf(err, errlen, "%s: plate_state=%s needs vrm=-, hotlist=- "
			 "and hotlist_entry=-", at,
			 r->v[EV_F_PLATE_STATE]);
		return EV_EFORMAT;
	}
	return 0;
}

/* The value check of field @f in a record of @version. */
static int field_check(unsigned version, enum ev_field f, const char *v)
{
	if (f == EV_F_VRM && version >= 4 && strcmp(v, EV_NONE) == 0)
		return 0;	/* check_plate_state() decides */
	return ev_value_check(ev_fields[f].kind, v);
}

int ev_capclk_parse(const char *v)
{
	for (int i = 0; i < EV_CAPCLK_COUNT; i++)
		if (strcmp(v, ev_capclk_names[i]) == 0)
			return i;
	return -1;
}

int ev_record_encode(const struct ev_record *r, char *out, size_t cap,
		     size_t *len, char *err, size_t errlen)
{
	const enum ev_field *fl;
	size_t n = ev_type_fields(r->version, r->type, &fl), off = 0;

	if (!n) {
		snprintf(err, errlen, "record: unknown type %d or version %u",
			 (int)r->type, r->version);
		return EV_EINVAL;
	}
	if (format_version(r->v[EV_F_FORMAT]) != r->version) {
		snprintf(err, errlen, "record: format \"%.64s\" is not "
			 EV_FORMAT_PREFIX "%u", r->v[EV_F_FORMAT], r->version);
		return EV_EINVAL;
	}
	for (size_t i = 0; i < n; i++) {
		const struct ev_field_info *fi = &ev_fields[fl[i]];
		const char *v = r->v[fl[i]];
		int w;

		if (field_check(r->version, fl[i], v)) {
			snprintf(err, errlen,
				 "record: field %s: \"%.64s\" is not %s",
				 fi->name, v, kind_desc(fi->kind));
			return EV_EINVAL;
		}
		w = snprintf(out + off, cap - off, "%s=%s\n", fi->name, v);
		if (w < 0 || (size_t)w >= cap - off) {
			snprintf(err, errlen, "record: longer than %zu bytes",
				 cap);
			return EV_EINVAL;
		}
		off += (size_t)w;
	}
	if (check_plate_state(r, err, errlen, "record", 0))
		return EV_EINVAL;
	*len = off;
	return 0;
}

int ev_record_parse(const char *buf, size_t len, const char *name,
		    struct ev_record *r, char *err, size_t errlen)
{
	const enum ev_field *fl = NULL;
	size_t nf = 0, idx = 0, off = 0;
	unsigned line = 0, ps_line = 0;

	memset(r, 0, sizeof *r);
	if (len == 0) {
		snprintf(err, errlen, "%s: empty record", name);
		return EV_EFORMAT;
	}
	if (len > EV_RECORD_MAX) {
		snprintf(err, errlen, "%s: %zu bytes, over the %d-byte limit",
			 name, len, EV_RECORD_MAX);
		return EV_EFORMAT;
	}
	while (off < len) {
		const char *l = buf + off, *nl, *eq;
		size_t ll, kl, vl;
		enum ev_field f;

		line++;
		nl = memchr(l, '\n', len - off);
		if (!nl) {
			snprintf(err, errlen,
				 "%s: line %u: no newline at end of file "
				 "(truncated?)", name, line);
			return EV_EFORMAT;
		}
		ll = (size_t)(nl - l);
		off += ll + 1;
		if (memchr(l, '\0', ll)) {
			snprintf(err, errlen, "%s: line %u: NUL byte", name,
				 line);
			return EV_EFORMAT;
		}
		eq = memchr(l, '=', ll);
		if (!eq) {
			snprintf(err, errlen, "%s: line %u: no '=' in \"%.*s\"",
				 name, line, (int)(ll > 40 ? 40 : ll), l);
			return EV_EFORMAT;
		}
		kl = (size_t)(eq - l);
		vl = ll - kl - 1;
		if (line == 2) {
			/* the type decides which fields follow */
			if (kl != 4 || memcmp(l, "type", 4) != 0) {
				snprintf(err, errlen,
					 "%s: line 2: expected \"type=\"", name);
				return EV_EFORMAT;
			}
			nf = 0;
			for (int t = 0; t < EV_TYPE_COUNT; t++)
				if (vl == strlen(ev_type_names[t]) &&
				    memcmp(eq + 1, ev_type_names[t], vl) == 0) {
					r->type = (enum ev_type)t;
					nf = ev_type_fields(r->version,
							    r->type, &fl);
				}
			if (!nf) {
				snprintf(err, errlen,
					 "%s: line 2: unknown record type "
					 "\"%.*s\"", name,
					 (int)(vl > 32 ? 32 : vl), eq + 1);
				return EV_EFORMAT;
			}
		} else if (line == 1) {
			nf = 1;		/* only "format" so far */
			fl = f_read;	/* every table starts format, type */
		}
		if (idx >= nf) {
			snprintf(err, errlen,
				 "%s: line %u: extra line after the last "
				 "field", name, line);
			return EV_EFORMAT;
		}
		f = fl[idx];
		if (kl != strlen(ev_fields[f].name) ||
		    memcmp(l, ev_fields[f].name, kl) != 0) {
			const char *later = later_field(r->version, l, kl);

			if (later)
				snprintf(err, errlen,
					 "%s: line %u: expected field \"%s\", "
					 "found \"%.*s\": a field of %s, not "
					 "of the %s this record says it is",
					 name, line, ev_fields[f].name,
					 (int)kl, l, later, r->v[EV_F_FORMAT]);
			else
				snprintf(err, errlen,
					 "%s: line %u: expected field \"%s\", "
					 "found \"%.*s\"%s%s%s", name, line,
					 ev_fields[f].name,
					 (int)(kl > 32 ? 32 : kl), l,
					 line > 2 ? " (" : "",
					 line > 2 ? r->v[EV_F_FORMAT] : "",
					 line > 2 ? ")" : "");
			return EV_EFORMAT;
		}
		if (vl >= EV_VALUE_MAX) {
			snprintf(err, errlen, "%s: line %u: %s value too long",
				 name, line, ev_fields[f].name);
			return EV_EFORMAT;
		}
		memcpy(r->v[f], eq + 1, vl);
		r->v[f][vl] = '\0';
		if (f == EV_F_PLATE_STATE)
			ps_line = line;
		if (field_check(r->version, f, r->v[f])) {
			snprintf(err, errlen,
				 "%s: line %u: %s \"%.64s\" is not %s", name,
				 line, ev_fields[f].name, r->v[f],
				 kind_desc(ev_fields[f].kind));
			return EV_EFORMAT;
		}
		idx++;
		if (line == 1) {
			nf = 2;
			r->version = format_version(r->v[EV_F_FORMAT]);
		}
	}
	if (idx < nf || line < 2) {
		snprintf(err, errlen,
			 "%s: ends after line %u: field \"%s\" missing "
			 "(truncated?)", name, line,
			 line < 2 ? "type" : ev_fields[fl[idx]].name);
		return EV_EFORMAT;
	}
	return check_plate_state(r, err, errlen, name, ps_line);
}

uint64_t ev_record_u64(const struct ev_record *r, enum ev_field f)
{
	uint64_t v = 0;

	for (const char *p = r->v[f]; *p >= '0' && *p <= '9'; p++)
		v = v * 10 + (uint64_t)(*p - '0');
	return v;
}

int ev_format_time(const struct timespec *utc, char *out, size_t cap)
{
	struct tm tm;
	time_t t = utc->tv_sec;
	int n;

	if (!gmtime_r(&t, &tm))
		return EV_EINVAL;
	n = snprintf(out, cap, "%04d-%02d-%02dT%02d:%02d:%02d.%06ldZ",
		     tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		     tm.tm_min, tm.tm_sec, utc->tv_nsec / 1000);
	return (n < 0 || (size_t)n >= cap) ? EV_EINVAL : 0;
}
