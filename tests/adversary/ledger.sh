#!/bin/bash
# Adversary: an insider with root on the camera host who deletes records
# and writes lines into anpr-upload's ledger (it is not signed) so that
# `anpr-verify --uploaded` takes the deleted records for uploaded ones
# (issue 18, finding 1; docs/threat-model.md, "Upload ledger"). The ledger
# here is written as anpr-upload writes it (docs/upload-protocol.md) for
# the records it would delete: everything before the newest checkpoint.
#   tests/adversary/ledger.sh BUILD
. "$(dirname "$0")/lib.sh"

"$KEYGEN" -p "$T/k.pub" -s "$T/k.key" > /dev/null
BASE=$T/base
# 356 records, checkpoints every 100, an open span after the last one
"$FILL" --spool "$BASE" --key "$T/k.key" --n 340 --checkpoint 100 \
	--heartbeat-every 50 --no-stop > /dev/null 2>&1 || { echo "not ok 1 - ev_fill"; exit 1; }
LAST=$(find "$BASE/records" -name '*.rec' | sort | tail -1 | sed 's/.*\/0*\([0-9]*\)\.rec/\1/')
cps=$(grep -l '^type=checkpoint$' "$BASE"/records/*/*.rec | sed 's/.*\/0*\([0-9]*\)\.rec/\1/' | sort -n)
CP_LAST=$(echo "$cps" | tail -1)
CP_PREV=$(echo "$cps" | tail -2 | head -1)
ID=$(sed -n 's/^record_id=\(.*\)-[0-9]*$/\1/p' "$(rp "$BASE" 1 .rec)")
K="--key $T/k.pub"
fresh() { rm -rf "$T/$1"; cp -a "$BASE" "$T/$1"; S=$T/$1; L=$T/$1.log; : > "$L"; }
hash_of() { sha256sum < "$(rp "$1" "$2" .rec)" | cut -d' ' -f1; }
# upload S FROM TO: what anpr-upload does for records FROM..TO
upload() {
	local q
	for ((q = $2; q <= $3; q++)); do
		echo "$q $ID-$q $(hash_of "$1" $q) 1765000000" >> "$L"
	done
	rmrec "$1" $(seq "$2" "$3")
}
rand_hash() { head -c 32 /dev/urandom | sha256sum | cut -d' ' -f1; }

check "the base spool has two checkpoints and an open span" \
	test -n "$CP_PREV" -a "$CP_LAST" -gt "$CP_PREV" -a "$LAST" -gt "$CP_LAST"

fresh up; upload "$S" 1 $((CP_LAST - 1))
verdict "a spool emptied as anpr-upload empties it verifies" 0 "OK" $K --uploaded "$L" "$S"
check "...the span of the newest checkpoint counts as uploaded, by its Merkle root" \
	grep -q "\"uploaded\": $((CP_LAST - CP_PREV - 1))," "$OUT"
check "...what no present checkpoint covers is known from the ledger alone" \
	grep -q "\"uploaded_ledger_only\": $CP_PREV," "$OUT"
verdict "...and without the ledger, the deleted records are missing" 1 "FAILED missing-records 1" $K "$S"

# finding 1: delete the tail, keep both heads, one made-up ledger line
fresh f1a; rmrec "$S" $(seq $((LAST - 16)) "$LAST"); echo "999 x $(rand_hash) 1" > "$L"
verdict "finding 1: tail deleted, ledger '999 x HASH 1'" 1 \
	"FAILED truncated $((LAST - 16)) | malformed" $K --uploaded "$L" "$S"
fresh f1b; rmrec "$S" $(seq $((LAST - 16)) "$LAST"); echo "999 $ID-999 $(rand_hash) 1" > "$L"
verdict "finding 1: ...with a well-formed line for 999" 1 \
	"FAILED truncated $((LAST - 16)) | ledger-impossible" $K --uploaded "$L" "$S"
fresh f1c; rmrec "$S" $(seq $((LAST - 16)) "$LAST")
echo "18446744073709551615 $ID-18446744073709551615 $(rand_hash) 1" > "$L"
verdict "finding 1: ...with a line for 2^64-1" 1 \
	"FAILED truncated $((LAST - 16)) | ledger-impossible" $K --uploaded "$L" "$S"
echo "18446744073709551616 $ID-18446744073709551616 $(rand_hash) 1" > "$L"
verdict "finding 1: ...and one for 2^64 (out of range)" 1 \
	"FAILED truncated $((LAST - 16)) | malformed" $K --uploaded "$L" "$S"
# finding 1, second part: reads deleted from the open span, one ledger
# line for the last of them with the hash public in the next prev_hash
fresh f1d; o=$((CP_LAST + 20)); h=$(sed -n 's/^prev_hash=//p' "$(rp "$S" $((o + 5)) .rec)")
rmrec "$S" $(seq "$o" $((o + 4))); echo "$((o + 4)) $ID-$((o + 4)) $h 1" > "$L"
verdict "finding 1: open-span records deleted, ledger line from the next prev_hash" 1 \
	"FAILED missing-records $o | ledger-impossible" $K --uploaded "$L" "$S"
fresh f1e; upload "$S" 1 $((CP_LAST - 1)); rmrec "$S" $((CP_LAST + 3)); echo "$((CP_LAST + 3)) $ID-$((CP_LAST + 3)) $(rand_hash) 1" >> "$L"
verdict "a ledger line inside the open span, after a real upload" 1 \
	"FAILED ledger-impossible $((CP_LAST + 3))" $K --uploaded "$L" "$S"
fresh f1f; rmrec "$S" "$CP_LAST"; echo "$CP_LAST $ID-$CP_LAST $(hash_of "$BASE" "$CP_LAST") 1" > "$L"
verdict "the newest checkpoint deleted and 'uploaded' (its true hash)" 1 \
	"FAILED ledger-impossible $CP_LAST | missing-records" $K --uploaded "$L" "$S"

# deletions inside a span the ledger accounts for
fresh forge; upload "$S" 1 $((CP_LAST - 1)); q=$((CP_LAST - 10))
sed -i "s/^$q $ID-$q [0-9a-f]*/$q $ID-$q $(rand_hash)/" "$L"
verdict "a forged hash for a deleted record under the newest checkpoint" 1 \
	"FAILED checkpoint-mismatch $CP_LAST" $K --uploaded "$L" "$S"
fresh hole; upload "$S" 1 $((CP_LAST - 1)); q=$((CP_LAST - 10)); sed -i "/^$q /d" "$L"
verdict "a deleted record the ledger does not list" 1 "FAILED missing-records $q" $K --uploaded "$L" "$S"
fresh oldhole; upload "$S" 1 $((CP_LAST - 1)); sed -i "/^20 /d" "$L"
verdict "...before the checkpoints present (ledger-only part)" 1 "FAILED missing-records 20" $K --uploaded "$L" "$S"
fresh present; upload "$S" 1 $((CP_PREV - 1)); echo "$((CP_PREV + 5)) $ID-$((CP_PREV + 5)) $(rand_hash) 1" >> "$L"
verdict "a ledger hash that differs from the record still present" 1 \
	"FAILED ledger-mismatch $((CP_PREV + 5))" $K --uploaded "$L" "$S"
fresh twice; upload "$S" 1 $((CP_LAST - 1)); echo "7 $ID-7 $(rand_hash) 1" >> "$L"
verdict "one record listed twice with two hashes" 1 "FAILED ledger-mismatch 7" $K --uploaded "$L" "$S"
fresh resend; upload "$S" 1 $((CP_LAST - 1)); grep '^7 ' "$L" > "$L.7"; cat "$L.7" >> "$L"
verdict "one record listed twice with the same hash (a resend) is fine" 0 "OK" $K --uploaded "$L" "$S"
fresh other; upload "$S" 1 $((CP_LAST - 1)); echo "5 CAM-TEST-01-0123456789ABCDEF-5 $(rand_hash) 1" >> "$L"
verdict "a line of another chain is set aside" 0 "OK" $K --uploaded "$L" "$S"
check "...and said" grep -q 'belong to another chain' "$OUT"

# malformed ledgers: each line named; the check goes on
fresh bad; upload "$S" 1 $((CP_LAST - 1))
for junk in "x" "1 2 3" "12  $ID-12 $(rand_hash) 1" "012 $ID-12 $(rand_hash) 1" \
	"12 $ID-12 $(rand_hash | tr a-f A-F) 1" "12 $ID-13 $(rand_hash) 1" \
	"12 $ID-12 $(rand_hash) 1 extra" "0 $ID-0 $(rand_hash) 1"; do
	cp "$L" "$L.j"; echo "$junk" >> "$L.j"
	verdict "a malformed ledger line: '${junk:0:40}'" 1 "FAILED malformed 0" $K --uploaded "$L.j" "$S"
done
printf '12 %s-12 %s 1\0\n' "$ID" "$(rand_hash)" >> "$L.j"
verdict "a ledger line with a NUL byte" 1 "FAILED malformed 0" $K --uploaded "$L.j" "$S"
_run "$VERIFY" $K --uploaded "$T/no-such.log" "$S"
check "a ledger that cannot be read: exit 2, named" \
	bash -c "[ $_rc -eq 2 ] && grep -q 'no-such.log: cannot read the upload ledger' '$OUT'"

# with no checkpoint present, anpr-upload deletes nothing
rm -rf "$T/nocp"; "$FILL" --spool "$T/nocp" --key "$T/k.key" --n 30 --checkpoint 0 --no-stop > /dev/null 2>&1
S=$T/nocp; L=$T/nocp.log; q=10
echo "$q $(sed -n 's/^record_id=//p' "$(rp "$S" $q .rec)") $(hash_of "$S" $q) 1" > "$L"; rmrec "$S" $q
verdict "a deletion 'uploaded' from a spool with no checkpoint" 1 \
	"FAILED ledger-impossible $q | missing-records" $K --uploaded "$L" "$S"

tap_done
