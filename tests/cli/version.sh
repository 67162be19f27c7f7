#!/bin/bash
# Every installed program answers --version as minisign and systemd's tools
# do: its name, a blank, the version, on stdout, exit 0; and the version is
# the one the build says (VERSION in mk/config.mk).
#   tests/cli/version.sh BUILD
set -u
cd "$(dirname "$0")/../.."
build=$1
. tests/lib/tap.sh
want=$(sed -n 's/^VERSION[[:space:]]*:=[[:space:]]*//p' mk/config.mk | head -1)
check "the Makefile names a version ($want)" test -n "$want"
for p in anprd anprd-checkconf anpr-upload anpr-verify anpr-keygen anpr-status anpr-read \
	anpr-capture anpr-ingest anpr-db anpr-query anpr-audit; do
	out=$("$build/bin/$p" --version 2>/dev/null)
	rc=$?
	check "$p --version: '$out' (status $rc)" test $rc -eq 0 -a "$out" = "$p $want"
done
tap_done
