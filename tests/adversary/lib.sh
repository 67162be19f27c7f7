#!/bin/bash
# lib.sh - sourced by the attack scripts of tests/adversary/: TAP (the
# project's tests/lib/tap.sh), a scratch directory removed at exit, and
# assertions on a command's exact exit status and verdict.
#   source "$(dirname "$0")/lib.sh"; B=${1:-build}
#   expect NAME RC PATTERN CMD...   CMD exits RC and its output (stdout and
#                                   stderr) matches the grep -E PATTERN
#                                   ("" matches anything)
#   expect_not NAME RC PATTERN CMD... exits RC and PATTERN is absent
#   OUT                             the last command's output file
set -u
. "$(dirname "${BASH_SOURCE[0]}")/../lib/tap.sh"
B=${1:-build}
case $B in /*) ;; *) B=$PWD/$B ;; esac
T=$(mktemp -d /tmp/adversary.XXXXXX)
trap 'rm -rf "$T"' EXIT
OUT=$T/.out
_ran=0

_run() {
	_ran=$((_ran + 1))
	OUT=$T/.out.$_ran
	"$@" > "$OUT" 2>&1
	_rc=$?
}

_show() {
	echo "# exit status $_rc, wanted $1; output:"
	sed 's/^/#   /' "$OUT" | head -30
}

expect() {
	local name=$1 rc=$2 pat=$3; shift 3
	_run "$@"
	if [ "$_rc" -eq "$rc" ] && { [ -z "$pat" ] || grep -Eq -- "$pat" "$OUT"; }; then
		ok "$name"
	else
		_show "$rc (and /$pat/)"
		nok "$name"
	fi
}

expect_not() {
	local name=$1 rc=$2 pat=$3; shift 3
	_run "$@"
	if [ "$_rc" -eq "$rc" ] && ! grep -Eq -- "$pat" "$OUT"; then
		ok "$name"
	else
		_show "$rc (and no /$pat/)"
		nok "$name"
	fi
}
