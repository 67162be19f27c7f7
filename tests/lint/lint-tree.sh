#!/bin/bash
# lint-tree (make lint's tree rules, scripts/lint-tree) can fail: two
# headers of one name on the include path (alone or with their module), a
# daemon or back-office #include that names no module, a file over 800
# lines without its reason, each named; and the tree itself passes (make
# lint-tree).
#   tests/lint/lint-tree.sh
set -u
cd "$(dirname "$0")/../.."
t=$(mktemp -d /tmp/lint-tree-XXXXXX)
trap 'rm -rf "$t"' EXIT
n=0
check() { local what=$1; shift; n=$((n + 1))
	if "$@"; then echo "ok $n - $what"; else echo "not ok $n - $what"; fi; }
mkdir -p "$t/a" "$t/b"
echo '/* a */' > "$t/a/config.h"
echo '/* b */' > "$t/b/config.h"
echo '/* x */' > "$t/b/other.h"
scripts/lint-tree "$t" -Ia -Ib > "$t/out" 2>&1
rc=$?
check "two config.h on the include path: refused, both named (exit $rc)" \
	bash -c "[ $rc = 1 ] && grep -q 'two headers named config.h on the include path: a/config.h and b/config.h' '$t/out'"
scripts/lint-tree "$t" -Ia -I/usr/include > "$t/out" 2>&1
check "one of each name (the system's directories not the tree's): passes" test $? = 0
rm "$t/b/config.h"
{ printf '/*\n * long.c - a test\n */\n'; seq 1 800 | sed 's|^|// |'; } > "$t/a/long.c"
scripts/lint-tree "$t" > "$t/out" 2>&1
rc=$?
check "a file of 803 lines without its reason: refused, named with its length (exit $rc)" \
	bash -c "[ $rc = 1 ] && grep -q 'a/long.c: 803 lines (over 800)' '$t/out'"
{ printf '/*\n * long.c - a test\n *\n * Long file: the reason.\n */\n'; seq 1 800 | sed 's|^|// |'; } > "$t/a/long.c"
scripts/lint-tree "$t" > "$t/out" 2>&1
check "the same with \"Long file: ...\" in its first comment: passes" test $? = 0
{ printf '/*\n * long.c\n */\n'; seq 1 70 | sed 's|^|// |'; printf '// Long file: too late\n'; seq 1 800 | sed 's|^|// |'; } > "$t/a/long.c"
scripts/lint-tree "$t" > "$t/out" 2>&1
check "a reason past the file's first 60 lines does not count" test $? = 1
rm "$t/a/long.c"
mkdir -p "$t/a/core" "$t/b/core" "$t/b/store"
echo '/* a */' > "$t/a/core/config.h"
echo '/* b */' > "$t/b/core/config.h"
scripts/lint-tree "$t" -Ia -Ib > "$t/out" 2>&1
rc=$?
check "two core/config.h under two roots: refused, both named (exit $rc)" \
	bash -c "[ $rc = 1 ] && grep -q 'two headers named core/config.h on the include path: a/core/config.h and b/core/config.h' '$t/out'"
mv "$t/b/core/config.h" "$t/b/store/config.h"
scripts/lint-tree "$t" -Ia -Ib > "$t/out" 2>&1
check "core/config.h and store/config.h: named apart, passes" test $? = 0
mkdir -p "$t/daemon/core"
printf '/* y.c */\n#include "tracker.h"\n' > "$t/daemon/core/y.c"
scripts/lint-tree "$t" -Ia -Ib > "$t/out" 2>&1
rc=$?
check "a daemon source's #include \"tracker.h\" (no such public header): refused, file and line named (exit $rc)" \
	bash -c "[ $rc = 1 ] && grep -q 'daemon/core/y.c:2: #include \"tracker.h\" names no module' '$t/out'"
printf '/* y.c */\n#include "core/config.h"\n#include "other.h"\n' > "$t/daemon/core/y.c"
scripts/lint-tree "$t" -Ia -Ib > "$t/out" 2>&1
check "#include \"core/config.h\" and a library's public header by its name: passes" test $? = 0
make --no-print-directory lint-tree > "$t/out" 2>&1
rc=$?
check "the tree itself passes make lint-tree (exit $rc)" test $rc = 0
[ $rc = 0 ] || cat "$t/out"
echo "1..$n"
