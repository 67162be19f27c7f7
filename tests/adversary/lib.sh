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

# --- evidence helpers -------------------------------------------------
KEYGEN=$B/bin/anpr-keygen
VERIFY=$B/bin/anpr-verify
FILL=$B/evidence/ev_fill
VERDICT="$(dirname "${BASH_SOURCE[0]}")/verdict.py"

# rp SPOOL SEQ SUFFIX: the path of a record's file in a spool
rp() { printf '%s/records/%08d/%012d%s' "$1" $(($2 / 10000)) "$2" "$3"; }
# bp BUNDLE_ROOT SEQ SUFFIX: the same in an unpacked bundle (flat)
bp() { printf '%s/records/%012d%s' "$1" "$2" "$3"; }
# rmrec SPOOL SEQ...: delete records with all their files
rmrec() { local s=$1 q; shift; for q in "$@"; do rm -f "$(rp "$s" "$q" '').rec" "$(rp "$s" "$q" '')".*; done; }
# flipbyte FILE OFFSET
flipbyte() { printf '%s' "$(printf '\\x%02x' $(( $(od -An -tu1 -j"$2" -N1 "$1") ^ 1 )))" |
	dd of="$1" bs=1 seek="$2" conv=notrunc status=none; }

# verdict NAME RC WANT ARGS...: anpr-verify --json ARGS exits RC and its
# verdict (verdict.py) starts with WANT ("OK", "FAILED truncated 340",
# "FAILED truncated" ...); a "| code" part of WANT must be among the codes
verdict() {
	local name=$1 rc=$2 want=$3 got codes; shift 3
	_run timeout 120 "$VERIFY" --json "$@"
	got=$(grep -v '^anpr-verify:' "$OUT" | python3 "$VERDICT")
	case $want in
	*'|'*)	codes=${want#*| }; want=${want%% |*} ;;
	*)	codes= ;;
	esac
	local c okc=1
	for c in $codes; do
		case " ${got#*| } " in *" $c "*) ;; *) okc=0 ;; esac
	done
	if [ "$_rc" -eq "$rc" ] && [ "${got#"$want"}" != "$got" ] && [ $okc -eq 1 ]; then
		ok "$name"
	else
		echo "# wanted exit $rc and \"$want${codes:+ | $codes}\", got exit $_rc and \"$got\""
		grep -E '"(code|message)"' "$OUT" | head -6 | sed 's/^/#   /'
		nok "$name"
	fi
}
