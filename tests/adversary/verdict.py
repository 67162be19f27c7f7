#!/usr/bin/env python3
"""verdict.py - what an `anpr-verify --json` run decided, in one line:
"OK", or the first bad record's "CODE SEQ", then every problem code once,
sorted ("FAILED truncated 340 | ledger-impossible malformed truncated").
The adversarial scripts compare it with the verdict an attack must get.
Reads the JSON on stdin; output that is not JSON prints "NOT-JSON"."""
import json
import sys

try:
    doc = json.load(sys.stdin)
except ValueError:
    print("NOT-JSON")
    sys.exit(0)
res = doc["results"]
if not res:
    print("NO-RESULT")
    sys.exit(0)
r = res[0]
if r["ok"]:
    print("OK")
else:
    fb = r["first_bad"]
    codes = sorted({p["code"] for p in r["problems"]})
    print("FAILED %s %d | %s" % (fb["code"], fb["seq"], " ".join(codes)))
