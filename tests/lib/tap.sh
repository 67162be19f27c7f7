#!/bin/bash
# tap.sh - sourced by the host test scripts: TAP lines numbered as they
# come, a plan line at the end, and the status of the whole run.
#   check NAME COMMAND...   ok if COMMAND succeeds, not ok otherwise
#   ok NAME / nok NAME      a line of their own
#   tap_done                prints "1..N"; its status is 0 if nothing failed
n=0
fails=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n - $1"; }
check() { local name=$1; shift; if "$@"; then ok "$name"; else nok "$name"; fi; }
tap_done() { echo "1..$n"; [ "$fails" -eq 0 ]; }
