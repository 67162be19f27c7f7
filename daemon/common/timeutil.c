// SPDX-License-Identifier: MIT
/*
 * timeutil.c - durations and sleeping (timeutil.h).
 */
#include "common/timeutil.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int anpr_parse_duration_ms(const char *s, int64_t *ms, int64_t bare_unit_ms)
{
	static const struct { const char *unit; double ms; } units[] = {
		{ "ms", 1 }, { "s", 1000 }, { "m", 60000 }, { "min", 60000 },
		{ "h", 3600000 }, { "d", 86400000 },
	};
	char *end;
	double v, mul = 0;

	if (!s)
		return -1;
	errno = 0;
	v = strtod(s, &end);
	/* strtod takes leading blanks, "inf", "nan" and hex: none is a
	 * duration */
	if (end == s || errno || !isfinite(v) || v < 0 ||
	    !((*s >= '0' && *s <= '9') || *s == '.') || strpbrk(s, "xXpP"))
		return -1;
	if (*end == '\0')
		mul = (double)bare_unit_ms;
	for (size_t i = 0; i < sizeof units / sizeof units[0] && *end; i++)
		if (strcmp(end, units[i].unit) == 0)
			mul = units[i].ms;
	if (mul == 0)
		return -1;
	v *= mul;
	if (v > 1e15)
		return -1;
	*ms = (int64_t)(v + 0.5);	/* v >= 0: rounded without libm */
	return 0;
}

void anpr_sleep_ms(long ms, const volatile sig_atomic_t *stop)
{
	struct timespec ts;

	if (ms <= 0 || (stop && *stop))
		return;
	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (ms % 1000) * 1000000L;
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR && !(stop && *stop))
		;
}
