#!/bin/bash
# Adversary: a defence expert who edits a record's signature file (or the
# public key file) in ways one verifier might forgive and another not. The
# court is told a record verifies "with minisign alone": anpr-verify and
# minisign 0.11 must agree on every signature (issue 18, finding 14). Each
# case asserts both verdicts, and that they are the expected one.
#   tests/adversary/signatures.sh BUILD
. "$(dirname "$0")/lib.sh"

"$KEYGEN" -p "$T/k.pub" -s "$T/k.key" > /dev/null
"$FILL" --spool "$T/s" --key "$T/k.key" --n 3 > /dev/null 2>&1
R=$T/r
mkdir -p "$R"
cp "$(rp "$T/s" 2 .rec)" "$(rp "$T/s" 2 .rec.minisig)" "$R/"
REC=$R/000000000002.rec
ORIG=$T/orig.minisig
cp "$REC.minisig" "$ORIG"

# agree NAME WANT(accept|reject) MUTATION: apply MUTATION (a python3
# snippet editing the list of lines `l` of the signature, or the bytes
# `b`) to a fresh copy of the signature, then run both verifiers.
agree() {
	local name=$1 want=$2 code=$3 m rc v
	python3 - "$ORIG" "$REC.minisig" <<EOF
import sys
b0 = b = open(sys.argv[1], 'rb').read()
l0 = b.split(b'\n')
l = list(l0)
$code
if b == b0 and l != l0:
    b = b'\n'.join(l)
open(sys.argv[2], 'wb').write(b)
EOF
	minisign -V -q -p "$T/k.pub" -m "$REC" > /dev/null 2>&1
	m=$?
	"$VERIFY" --key "$T/k.pub" "$REC" > "$T/v.out" 2>&1
	v=$?
	rc=reject; [ $m -eq 0 ] && rc=accept
	if [ $m -eq 0 ] && [ $v -eq 0 ] && [ "$want" = accept ]; then
		ok "$name: both accept"
	elif [ $m -ne 0 ] && [ $v -ne 0 ] && [ "$want" = reject ]; then
		ok "$name: both reject"
	else
		echo "# minisign exit $m, anpr-verify exit $v, wanted both to $want"
		grep -E 'RESULT|record [0-9]+:' "$T/v.out" | head -3 | sed 's/^/#   /'
		nok "$name"
	fi
}

agree "the signature as written" accept "pass"
agree "trailing blanks after the trusted comment" reject "l[2] += b'  '"
agree "a trailing tab after the trusted comment" reject "l[2] += b'\t'"
agree "a trailing CR after the trusted comment" accept "l[2] += b'\r'"
agree "two CRs after the trusted comment" accept "l[2] += b'\r\r'"
agree "a CR and text after the trusted comment" accept "l[2] += b'\rX'"
agree "a NUL and text after the trusted comment" reject "l[2] += b'\0X'"
agree "the trusted comment changed" reject "l[2] = l[2].replace(b'chain_seq:2', b'chain_seq:3')"
agree "a blank after the signature line" reject "l[1] += b' '"
agree "a CR after the signature line" accept "l[1] += b'\r'"
agree "a blank before the signature line" reject "l[1] = b' ' + l[1]"
agree "a CR after the comment signature" accept "l[3] += b'\r'"
agree "a blank after the comment signature" reject "l[3] += b' '"
agree "the untrusted comment rewritten" accept "l[0] = b'untrusted comment: anything at all'"
agree "the untrusted comment's prefix changed" reject "l[0] = b'Untrusted comment: x'"
agree "the trusted comment's prefix without its blank" reject "l[2] = l[2].replace(b'trusted comment: ', b'trusted comment:', 1)"
agree "a NUL and text after the comment signature" accept "l[3] += b'\0X'"
agree "a NUL in the untrusted comment" reject "l[0] += b'\0X'"
agree "an extra line at the end" accept "l.append(b'extra')"
agree "20 KiB of extra lines at the end" accept "l.append(b'x' * 20480)"
agree "no final LF" accept "b = b.rstrip(b'\n')"
agree "CRLF line ends" accept "b = b.replace(b'\n', b'\r\n')"
agree "an untrusted comment line of 1022 bytes" accept "l[0] = (b'untrusted comment: ' + b'x' * 2000)[:1022]"
agree "an untrusted comment line of 1023 bytes" reject "l[0] = (b'untrusted comment: ' + b'x' * 2000)[:1023]"
agree "a trusted comment line of 8191 bytes" reject "l[2] = l[2] + b'\r' + b'x' * (8191 - len(l[2]) - 1)"
agree "a trusted comment line of 8190 bytes, cut at its CR" accept "l[2] = l[2] + b'\r' + b'x' * (8190 - len(l[2]) - 1)"
agree "only three lines" reject "l = l[:3]"
agree "the signature of another record" reject "b = open('$(rp "$T/s" 3 .rec.minisig)', 'rb').read()"
agree "an empty file" reject "b = b''"
agree "the algorithm 'Ed' (legacy, not prehashed)" reject "import base64; s = bytearray(base64.b64decode(l[1])); s[1:2] = b'd'; l[1] = base64.b64encode(bytes(s))"
# the public key file
cp "$T/k.pub" "$T/k.pub.orig"
pubcase() {
	local name=$1 want=$2 code=$3 m v
	python3 -c "import sys; b = open('$T/k.pub.orig','rb').read(); l = b.split(b'\n'); $code; open('$T/kx.pub','wb').write(b'\n'.join(l) if isinstance(l, list) else b)"
	cp "$ORIG" "$REC.minisig"
	minisign -V -q -p "$T/kx.pub" -m "$REC" > /dev/null 2>&1; m=$?
	"$VERIFY" --key "$T/kx.pub" "$REC" > "$T/v.out" 2>&1; v=$?
	if { [ $m -eq 0 ] && [ $v -eq 0 ] && [ "$want" = accept ]; } ||
	   { [ $m -ne 0 ] && [ $v -ne 0 ] && [ "$want" = reject ]; }; then
		ok "public key $name: both ${want}"
	else
		echo "# minisign exit $m, anpr-verify exit $v, wanted both to $want"
		nok "public key $name"
	fi
}
pubcase "as written" accept "pass"
pubcase "with a blank after the key" reject "l[1] += b' '"
pubcase "with a CR after the key" accept "l[1] += b'\r'"
pubcase "with its comment rewritten" accept "l[0] = b'untrusted comment: x'"
tap_done
