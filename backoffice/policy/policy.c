// SPDX-License-Identifier: MIT
/*
 * policy.c - the access tiers by age (docs/access.md, "1. The policy").
 * Pure: no clock, no database; the caller passes the instants.
 */
#include <string.h>

#include "policy/policy.h"

#define US_PER_DAY 86400000000LL
#define BIT(p) (1u << (p))

const char *const policy_purpose_names[POLICY_PURPOSES] = {
	[POLICY_ROLE_RELEVANT] = "role-relevant",
	[POLICY_SERIOUS_CRIME] = "serious-crime",
	[POLICY_MAJOR_CRIME] = "major-crime",
	[POLICY_COUNTER_TERRORISM] = "counter-terrorism",
};

const char *const policy_verdict_names[] = {
	[POLICY_ALLOWED] = "allowed",
	[POLICY_WRONG_PURPOSE] = "wrong-purpose",
	[POLICY_NEEDS_AUTHORISATION] = "needs-authorisation",
	[POLICY_AUTHORISATION_NOT_IN_FORCE] = "authorisation-not-in-force",
	[POLICY_AUTHORISATION_OUT_OF_SCOPE] = "authorisation-out-of-scope",
	[POLICY_DUE_FOR_DELETION] = "due-for-deletion",
};

static const struct policy_tier default_tiers[] = {
	{ 1, 0, 90,
	  BIT(POLICY_ROLE_RELEVANT) | BIT(POLICY_SERIOUS_CRIME) |
	  BIT(POLICY_MAJOR_CRIME) | BIT(POLICY_COUNTER_TERRORISM), false,
	  "a purpose relevant to the searcher's role" },
	{ 2, 12, 0,
	  BIT(POLICY_SERIOUS_CRIME) | BIT(POLICY_MAJOR_CRIME) |
	  BIT(POLICY_COUNTER_TERRORISM), false,
	  "a serious crime, major crime or counter terrorism investigation" },
	{ 3, 24, 0, BIT(POLICY_MAJOR_CRIME) | BIT(POLICY_COUNTER_TERRORISM), true,
	  "a senior officer's authorisation for major crime or counter terrorism" },
};

const struct policy policy_default = {
	default_tiers, sizeof default_tiers / sizeof default_tiers[0], 24,
};

int policy_purpose_parse(const char *s)
{
	for (int i = 0; s && i < POLICY_PURPOSES; i++)
		if (strcmp(s, policy_purpose_names[i]) == 0)
			return i;
	return -1;
}

/* Days since 1970-01-01 of a proleptic Gregorian date, and back (Howard
 * Hinnant's civil algorithms: exact for every date, negative ones too). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	int64_t era;
	unsigned doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int64_t)yoe + era * 400 + (*m <= 2);
}

static unsigned days_in_month(int64_t y, unsigned m)
{
	static const unsigned n[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 && leap ? 29 : n[m - 1];
}

int64_t policy_age_bound_us(int64_t t_us, int months, int days)
{
	int64_t day = t_us / US_PER_DAY, tod = t_us % US_PER_DAY, y, mi;
	unsigned m, d;

	if (tod < 0) {			/* floor, for instants before 1970 */
		tod += US_PER_DAY;
		day--;
	}
	civil_from_days(day, &y, &m, &d);
	/* months first, the day clamped to the new month's end; then days,
	 * as PostgreSQL applies an interval's fields */
	mi = y * 12 + (int64_t)m - 1 + months;
	y = mi >= 0 ? mi / 12 : (mi - 11) / 12;
	m = (unsigned)(mi - y * 12) + 1;
	if (d > days_in_month(y, m))
		d = days_in_month(y, m);
	return (days_from_civil(y, m, d) + days) * US_PER_DAY + tod;
}

int64_t policy_delete_at_us(const struct policy *p, int64_t read_us)
{
	return policy_age_bound_us(read_us, p->delete_after_months, 0);
}

void policy_decide(const struct policy *p, enum policy_purpose purpose,
		   const struct policy_authorisation *auth, int64_t read_us,
		   int64_t now_us, struct policy_decision *out)
{
	const struct policy_tier *t = NULL;

	for (size_t i = 0; i < p->ntiers && !t; i++)
		if (now_us < policy_age_bound_us(read_us, p->tiers[i].max_months,
						 p->tiers[i].max_days))
			t = &p->tiers[i];
	if (!t || now_us >= policy_delete_at_us(p, read_us)) {
		*out = (struct policy_decision){ POLICY_DUE_FOR_DELETION, 0,
						 "nothing: due for deletion" };
		return;
	}
	out->tier = t->number;
	out->needs = t->needs;
	if ((unsigned)purpose >= POLICY_PURPOSES || !(t->purposes & BIT(purpose))) {
		out->verdict = POLICY_WRONG_PURPOSE;
		return;
	}
	if (!t->needs_authorisation) {
		out->verdict = POLICY_ALLOWED;
		return;
	}
	if (!auth || auth->purpose != purpose || !(t->purposes & BIT(auth->purpose)))
		out->verdict = POLICY_NEEDS_AUTHORISATION;
	else if (now_us < auth->valid_from_us || now_us >= auth->expires_us ||
		 (auth->revoked_us && now_us >= auth->revoked_us))
		out->verdict = POLICY_AUTHORISATION_NOT_IN_FORCE;
	else if (!auth->scope_covers)
		out->verdict = POLICY_AUTHORISATION_OUT_OF_SCOPE;
	else
		out->verdict = POLICY_ALLOWED;
}
