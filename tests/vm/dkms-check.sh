#!/bin/bash
# DKMS build of the staged source tree (make $(DKMS_STAGE)) for KVER, in
# private trees under OUT so the system's DKMS state is not touched. Prints
# TAP lines. 'make dkms-install' does the same against the system trees.
#   usage: tests/vm/dkms-check.sh STAGE_DIR KVER OUT
set -u
STAGE=$(realpath "$1"); KVER=$2; OUT=$(realpath -m "$3")
ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$STAGE/dkms.conf")
rm -rf "$OUT"; mkdir -p "$OUT/src" "$OUT/tree"
cp -r "$STAGE" "$OUT/src/anprcap-$ver"
opts=(--sourcetree "$OUT/src" --dkmstree "$OUT/tree")
step() {	# step NAME CMD...
	local name=$1; shift
	if "$@" > "$OUT/step.log" 2>&1; then
		echo "ok - dkms: $name"
	else
		sed 's/^/    /' "$OUT/step.log" | tail -30
		[ -f "$OUT/tree/anprcap/$ver/build/make.log" ] &&
			sed 's/^/    | /' "$OUT/tree/anprcap/$ver/build/make.log" | tail -30
		echo "not ok - dkms: $name"
		exit 1
	fi
}
step "add anprcap/$ver" dkms add "${opts[@]}" "anprcap/$ver"
step "build anprcap/$ver for $KVER" dkms build "${opts[@]}" "anprcap/$ver" -k "$KVER"
ko=$(find "$OUT/tree/anprcap/$ver" -name 'anprcap.ko*' | head -1)
step "built module has vermagic $KVER" bash -c "modinfo -F vermagic '$ko' | grep -q '^$KVER '"
