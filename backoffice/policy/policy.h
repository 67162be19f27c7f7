/* SPDX-License-Identifier: MIT */
/*
 * policy.h - who may see a read of a given age, for what (docs/access.md,
 * "1. The policy"): one table of tiers, pure, the clock passed in. The
 * database's search functions apply the same table (anpr.policy_tiers);
 * the ages are PostgreSQL's calendar arithmetic in UTC, so both agree to
 * the microsecond (tests/backoffice/test_policy.c compares them).
 */
#ifndef ANPR_POLICY_H
#define ANPR_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Purposes, from the fixed list; a bit each in a tier's mask. */
enum policy_purpose {
	POLICY_ROLE_RELEVANT = 0,	/* "role-relevant" */
	POLICY_SERIOUS_CRIME,		/* "serious-crime" */
	POLICY_MAJOR_CRIME,		/* "major-crime" */
	POLICY_COUNTER_TERRORISM,	/* "counter-terrorism" */
	POLICY_PURPOSES
};

extern const char *const policy_purpose_names[POLICY_PURPOSES];

/* The purpose named s; -1 if s is not one of the list. */
int policy_purpose_parse(const char *s);

/* One tier: reads younger than max_months + max_days (a calendar age,
 * see policy_age_bound_us) are seen for these purposes, with an
 * authorisation if needs_authorisation. */
struct policy_tier {
	int number;			/* 1, 2, 3 */
	int max_months;			/* calendar months ... */
	int max_days;			/* ... and days (one of them 0) */
	unsigned purposes;		/* 1u << enum policy_purpose */
	bool needs_authorisation;
	const char *needs;		/* what a withheld read needs, in words */
};

struct policy {
	const struct policy_tier *tiers;	/* youngest first */
	size_t ntiers;
	int delete_after_months;	/* the last tier's bound: due for deletion */
};

/* The force's published policy (docs/access.md). */
extern const struct policy policy_default;

/* A senior officer's authorisation, as the caller found it for this read
 * (scope_covers: its marks or case cover the read being decided). Times
 * in microseconds since the epoch; revoked_us 0: not revoked. */
struct policy_authorisation {
	enum policy_purpose purpose;
	int64_t valid_from_us, expires_us, revoked_us;
	bool scope_covers;
};

enum policy_verdict {
	POLICY_ALLOWED = 0,
	POLICY_WRONG_PURPOSE,		/* the tier does not allow the purpose */
	POLICY_NEEDS_AUTHORISATION,	/* none given, or not for this purpose */
	POLICY_AUTHORISATION_NOT_IN_FORCE, /* not yet valid, expired, revoked */
	POLICY_AUTHORISATION_OUT_OF_SCOPE,
	POLICY_DUE_FOR_DELETION,	/* older than the last tier */
};

/* The verdicts' names, as anpr.policy_decide (0006_access_policy.sql)
 * returns them. */
extern const char *const policy_verdict_names[];

struct policy_decision {
	enum policy_verdict verdict;
	int tier;			/* 1.., or 0 when due for deletion */
	const char *needs;		/* what would allow it (withheld) */
};

/* t + months (calendar, UTC: the day of the month kept, clamped to the
 * month's last day; the time of day kept) + days (86,400 s each), as
 * PostgreSQL's timestamptz + interval with TimeZone UTC. */
int64_t policy_age_bound_us(int64_t t_us, int months, int days);

/* May a read captured at read_us be seen at now_us for purpose, with auth
 * (NULL: none)? A read from the future (a camera's clock ahead) is in the
 * first tier. */
void policy_decide(const struct policy *p, enum policy_purpose purpose,
		   const struct policy_authorisation *auth, int64_t read_us,
		   int64_t now_us, struct policy_decision *out);

/* The instant from which a read captured at read_us is due for deletion. */
int64_t policy_delete_at_us(const struct policy *p, int64_t read_us);

#ifdef __cplusplus
}
#endif
#endif
