#!/bin/sh
# Extract lib/kunit from Debian's linux-source-6.1 and patch it so it builds as
# an out-of-tree kunit.ko for a kernel built without CONFIG_KUNIT (Debian's).
# See /work/shared/docs/kernel-testing.md section 6 for why.
#   usage: tests/kunit/kunit-oot-prepare.sh OUTDIR
#   then:  make -C $KDIR M=OUTDIR modules
set -eu
DST=$1
SRC_TAR=${SRC_TAR:-$(ls /usr/src/linux-source-*.tar.xz 2>/dev/null | sort -V | tail -1)}
if [ -z "$SRC_TAR" ] || [ ! -f "$SRC_TAR" ]; then
	echo "kunit-oot-prepare: no /usr/src/linux-source-*.tar.xz (install linux-source-6.1)" >&2
	exit 1
fi
top=$(basename "$SRC_TAR" .tar.xz)
rm -rf "$DST.tmp"; mkdir -p "$DST.tmp"
tar -xJf "$SRC_TAR" -C "$DST.tmp" --strip-components=1 \
	"$top/lib/kunit/test.c" "$top/lib/kunit/resource.c" "$top/lib/kunit/string-stream.c" \
	"$top/lib/kunit/string-stream.h" "$top/lib/kunit/assert.c" "$top/lib/kunit/try-catch.c" \
	"$top/lib/kunit/try-catch-impl.h" "$top/lib/kunit/debugfs.h" \
	"$top/scripts/checkpatch.pl" "$top/scripts/spelling.txt" \
	"$top/scripts/const_structs.checkpatch"
mkdir -p "$DST.tmp/kunit"
mv "$DST.tmp"/lib/kunit/* "$DST.tmp/kunit/"
rmdir "$DST.tmp/lib/kunit" "$DST.tmp/lib"
k=$DST.tmp/kunit
# Without CONFIG_KUNIT, task_struct has no ->kunit_test and struct module no
# ->kunit_suites: drop the per-task pointer and the module notifier (our test
# modules start their suites themselves, see tests/kunit/kunit_oot.h).
sed -i -e '/current->kunit_test = /d' \
       -e 's|^#ifdef CONFIG_MODULES$|#if 0 /* oot: no mod->kunit_suites */|' "$k/test.c"
if [ "$(grep -c 'oot: no mod->kunit_suites' "$k/test.c")" != 3 ]; then
	echo "kunit-oot-prepare: $k/test.c: patch did not apply (linux-source changed?)" >&2
	exit 1
fi
cat > "$k/Kbuild" <<'KB'
obj-m += kunit.o
kunit-y := test.o resource.o string-stream.o assert.o try-catch.o
ccflags-y += -DCONFIG_KUNIT_DEFAULT_ENABLED=1
KB
rm -rf "$DST"; mv "$DST.tmp" "$DST"
