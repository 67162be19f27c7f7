/* SPDX-License-Identifier: MIT */
/*
 * timeutil.h - the tree's one duration parser and one sleep, for the
 * programs and libraries of both sides (libanprcommon: libc only).
 */
#ifndef COMMON_TIMEUTIL_H
#define COMMON_TIMEUTIL_H

#include <signal.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A duration as configuration and command lines write it: a number
 * (decimals allowed: "1.5s") and a unit, "ms", "s", "m" or "min", "h",
 * "d", into milliseconds. A bare number is bare_unit_ms milliseconds each
 * (anpr-ingest's seconds: 1000), or malformed if bare_unit_ms is 0 (anprd's
 * configuration: a unit is required). Negative, non-finite, over 1e15 ms
 * or anything else after the unit: malformed. 0 and *ms set, or -1 and
 * *ms unchanged. */
int anpr_parse_duration_ms(const char *s, int64_t *ms, int64_t bare_unit_ms);

/* Sleep ms milliseconds (<= 0: not at all), going on after a signal
 * unless *stop (NULL: never) is set by then; not at all if *stop is set
 * already. */
void anpr_sleep_ms(long ms, const volatile sig_atomic_t *stop);

#ifdef __cplusplus
}
#endif

#endif
