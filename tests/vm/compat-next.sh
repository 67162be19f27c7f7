#!/bin/bash
# Compile the DKMS tree of anprcap.ko against the newest Debian kernel
# headers (trixie-backports), fetched with 'apt-get download' into a private
# apt state under OUT and unpacked there: nothing is installed and the
# system's apt configuration is not touched. This covers the compat
# header's branches the 6.1 and 6.12 builds cannot reach (6.13+
# hrtimer_setup, 6.15+ vb2 without wait_prepare/finish, and whatever moved
# since).
#
# What it is NOT: a loadable module. Those headers are built for gcc-14 and
# glibc 2.38 (trixie); bookworm has gcc-12 and glibc 2.36. So this compiles
# every object with W=1 -Werror using gcc-12, with the one gcc-14-only flag
# the kernel config asks for (-fmin-function-alignment, via
# CONFIG_CC_HAS_MIN_FUNCTION_ALIGNMENT) turned off, and stops before the
# link-time tools: objtool and modpost are binaries of linux-kbuild that
# need glibc 2.38 and cannot run here.
#   usage: tests/vm/compat-next.sh DKMS_STAGE OUT   (prints one TAP line)
set -eu
trap 'echo "not ok - kmod-compat-next: failed (exit $?), see the output above"' ERR
STAGE=$1; OUT=$2
SUITE=${COMPAT_SUITE:-trixie-backports}
mkdir -p "$OUT"/lists/partial "$OUT"/cache/archives/partial "$OUT"/debs "$OUT"/sources.list.d
OUT=$(realpath "$OUT")
echo "deb http://deb.debian.org/debian $SUITE main" > "$OUT"/sources.list
APT=(-o Dir::Etc::sourcelist="$OUT"/sources.list -o Dir::Etc::sourceparts="$OUT"/sources.list.d
     -o Dir::State::Lists="$OUT"/lists -o Dir::Cache="$OUT"/cache
     -o APT::Architectures=amd64 -o APT::Sandbox::User=root)
apt-get "${APT[@]}" -qq update
# the newest linux-headers-X-amd64 of that suite
hdr=$(apt-cache "${APT[@]}" search --names-only '^linux-headers-[0-9.]+\+deb[0-9]+-amd64$' |
	cut -d' ' -f1 | sort -V | tail -1)
[ -n "$hdr" ] || { echo "compat-next: no linux-headers-*-amd64 in $SUITE" >&2; exit 1; }
kver=${hdr#linux-headers-}
kabi=${kver%-amd64}
root="$OUT/root-$kver"
if [ ! -d "$root" ]; then
	(cd "$OUT"/debs && apt-get "${APT[@]}" -qq download "$hdr" \
		"linux-headers-$kabi-common" "linux-kbuild-$kabi")
	rm -rf "$root.tmp" && mkdir -p "$root.tmp"
	for d in "$OUT"/debs/*"$kabi"*.deb; do dpkg-deb -x "$d" "$root.tmp"; done
	mv "$root.tmp" "$root"
fi
kdir="$root/usr/src/linux-headers-$kver"
# the package's Makefile names /usr/src/...-common; point it at the copy
printf 'KBUILD_OUTPUT=%s\ninclude %s/usr/src/linux-headers-%s-common/Makefile\n' \
	"$(realpath "$kdir")" "$(realpath "$root")" "$kabi" > "$kdir/Makefile"
rm -rf "$OUT/tree" && cp -r "$STAGE" "$OUT/tree"
objs=$(sed -n 's/^anprcap-y := //p; s/^\t *\(anprcap-.*\.o\).*/\1/p' "$OUT/tree/kmod/Kbuild" |
	tr -d '\\' | tr ' ' '\n' | grep '\.o$' | sed 's|^|kmod/|')
make -s -C "$kdir" M="$(realpath "$OUT/tree")" CC=gcc HOSTCC=gcc W=1 ANPRCAP_WERROR=1 \
	CONFIG_CC_HAS_MIN_FUNCTION_ALIGNMENT= $objs
echo "ok - kmod-compat-next: all $(echo $objs | wc -w) objects compile (W=1 -Werror, gcc-12)" \
	"against $hdr from $SUITE # not linked: objtool and modpost need glibc 2.38"
