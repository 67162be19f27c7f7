#!/bin/bash
# Host suite: libanprcap as integrators see it. The shared library's soname
# and exports, the installed tree (DESTDIR/PREFIX), and a consumer built
# with pkg-config against it, shared and static, reading a file: source.
# Prints TAP.   tests/capture/abi.sh [BUILD]
set -u
B=${1:-build}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/../lib/tap.sh"

so=$B/lib/libanprcap.so.0
check "soname is libanprcap.so.0" test "$(objdump -p "$so" | awk '$1 == "SONAME" { print $2 }')" = libanprcap.so.0
bad=$(nm -D --defined-only "$so" | awk '$2 ~ /^[TDBR]$/ && $3 !~ /^anprcap_/' | wc -l)
check "only anprcap_* symbols exported (found $bad others)" test "$bad" -eq 0
check "public header names no backend type" \
	bash -c "! grep -n -E 'libusb_|#include <(libusb|linux)|v4l2_|libcamera::|struct (fsrc|v4src|usrc)' libanprcap/include/anprcap.h"
check "public header compiles alone as C and C++" \
	bash -c "echo '#include \"anprcap.h\"' | gcc -std=c99 -Wall -Werror -Ilibanprcap/include -x c -fsyntax-only - &&
		 echo '#include \"anprcap.h\"' | g++ -Wall -Werror -Ilibanprcap/include -x c++ -fsyntax-only -"

make --no-print-directory -s install-anprcap DESTDIR="$tmp/root" PREFIX=/opt/anpr > "$tmp/install.log" 2>&1
check "make install-anprcap honours DESTDIR and PREFIX" test -f "$tmp/root/opt/anpr/include/anprcap.h" -a \
	-L "$tmp/root/opt/anpr/lib/libanprcap.so.0" -a -f "$tmp/root/opt/anpr/lib/libanprcap.a" -a \
	-f "$tmp/root/opt/anpr/share/man/man3/anprcap.3" -a -x "$tmp/root/opt/anpr/bin/anpr-capture"
pc=$tmp/root/opt/anpr/lib/pkgconfig
check "libanprcap.pc carries the PREFIX" grep -q '^prefix=/opt/anpr$' "$pc/libanprcap.pc"
check "the module is named after the library (libanprcap), the old name anprcap an alias of it" \
	test "$(PKG_CONFIG_PATH=$pc pkg-config --modversion libanprcap)" = "$(PKG_CONFIG_PATH=$pc pkg-config --modversion anprcap)" -a \
	"$(PKG_CONFIG_PATH=$pc pkg-config --libs anprcap)" = "$(PKG_CONFIG_PATH=$pc pkg-config --libs libanprcap)"
check "--cflags and --libs need no other module's .pc (libusb, libcamera absent)" \
	bash -c "PKG_CONFIG_LIBDIR='$pc' pkg-config --cflags --libs libanprcap > /dev/null &&
		 PKG_CONFIG_LIBDIR='$pc' pkg-config --static --libs libanprcap | grep -q -- -ljpeg"

cat > "$tmp/consumer.c" <<'C'
#include <stdio.h>
#include <anprcap.h>
int main(int argc, char **argv)
{
	const struct anprcap_frame *f;
	anprcap_source *s;
	unsigned long sum = 0;
	int n = 0;

	if (argc < 2 || anprcap_open(argv[1], &s) || anprcap_set_option(s, ANPRCAP_OPT_REPLAY, ANPRCAP_REPLAY_FAST) ||
	    anprcap_start(s)) {
		fprintf(stderr, "%s\n", anprcap_last_error());
		return 1;
	}
	while (anprcap_next_frame(s, 0, &f) == 0) {
		sum += f->data[0];
		n++;
		anprcap_release_frame(s, f);
	}
	anprcap_close(s);
	printf("%s %d frames %lu\n", anprcap_version(), n, sum);
	return 0;
}
C
{ printf 'YUV4MPEG2 W4 H2 F25:1 Cmono\n'; printf 'FRAME\nAAAAAAAA'; printf 'FRAME\nBBBBBBBB'; } > "$tmp/t.y4m"
# Build against the staged tree as if it were installed (sysroot-style paths).
flags() { PKG_CONFIG_PATH=$pc PKG_CONFIG_SYSROOT_DIR=$tmp/root pkg-config "$@" libanprcap; }
gcc -Wall -Werror -o "$tmp/c-shared" "$tmp/consumer.c" $(flags --cflags --libs) 2> "$tmp/cc.log"
check "consumer builds with pkg-config (shared)" test -x "$tmp/c-shared"
check "consumer (shared) reads a file: source" \
	test "$(LD_LIBRARY_PATH=$tmp/root/opt/anpr/lib "$tmp/c-shared" "file:$tmp/t.y4m")" = "0.1.0 2 frames 131"
check "consumer (shared) really uses libanprcap.so.0" \
	bash -c "LD_LIBRARY_PATH=$tmp/root/opt/anpr/lib ldd $tmp/c-shared | grep -q '$tmp/root/opt/anpr/lib/libanprcap.so.0'"
gcc -Wall -Werror -o "$tmp/c-static" "$tmp/consumer.c" $(flags --cflags) "$tmp/root/opt/anpr/lib/libanprcap.a" \
	$(flags --libs-only-l --static | sed 's/-lanprcap//') 2>> "$tmp/cc.log"
check "consumer (static, pkg-config --static) reads a file: source" \
	test "$("$tmp/c-static" "file:$tmp/t.y4m")" = "0.1.0 2 frames 131"
[ $fails -eq 0 ] || sed 's/^/# /' "$tmp/install.log" "$tmp/cc.log"
tap_done
