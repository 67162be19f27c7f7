#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""A back office for tests: receives anpr-upload's records over HTTPS with
client certificates, on loopback, and injects faults.

Each POST /v1/records (multipart/form-data: record, signature, images) is
checked (the record's SHA-256 against X-ANPR-Record-SHA256, the
Idempotency-Key against the record's record_id), stored under
OUT/records/, and acknowledged with
{"record_id": ..., "record_sha256": ...}. A second copy of a record is
acknowledged again and counted as a duplicate (at-least-once delivery).

With --fault-rate P, each request fails with probability P, in one of the
ways a network or back office fails:
  5xx       answer 500 or 503 without storing
  timeout   hold the request longer than the client waits, without storing
  drop      read part of the body, then close the connection
  ack-lost  store the record, then close without answering (the client
            must send it again; the copy is a harmless duplicate)
  garbage   answer 200 with an acknowledgement for another record
and, without storing the record, answer 200 with a body that names this
record's id and SHA-256 but is not its acknowledgement (issue 18; a
client that takes any of these for a receipt deletes a record the back
office does not have):
  echo        {"result":"rejected","request":{"record_id":..,"record_sha256":..}}
  not-stored  {"error":"NOT STORED","stored":false,"record_id":..,"record_sha256":..}
  extra       the acknowledgement plus "stored":false
  dup-key     "record_id" twice (another id first)
  trailing    the acknowledgement followed by junk
  array       the acknowledgement inside an array
  bad-utf8    the acknowledgement plus a member holding the byte 0xA3
(refused connections: the test stops and restarts this process.)
--always KIND answers every request with that fault (a hostile back
office, tests/adversary/hostile-inputs.sh).

usage: receiver.py --out DIR --ca CA.pem --cert SRV.pem --key SRV.key
                   [--port-file F] [--fault-rate P] [--seed S] [--hang S]
                   [--always KIND]
"""
import argparse
import email.parser
import email.policy
import hashlib
import http.server
import json
import os
import random
import re
import socket
import ssl
import sys
import threading
import time

LOCK = threading.Lock()


def _ack(rid, digest):
    return '"record_id":%s,"record_sha256":%s' % (json.dumps(rid), json.dumps(digest))


# Bodies that name the record but are not its acknowledgement (not stored).
FAKE_ACKS = {
    "echo": lambda r, d: ('{"result":"rejected","request":{%s}}' % _ack(r, d)).encode(),
    "not-stored": lambda r, d: ('{"error":"NOT STORED","stored":false,%s}' % _ack(r, d)).encode(),
    "extra": lambda r, d: ('{%s,"stored":false}' % _ack(r, d)).encode(),
    "dup-key": lambda r, d: ('{"record_id":"%s-OTHER",%s}' % (r, _ack(r, d))).encode(),
    "trailing": lambda r, d: ('{%s} and more' % _ack(r, d)).encode(),
    "array": lambda r, d: ('[{%s}]' % _ack(r, d)).encode(),
    "bad-utf8": lambda r, d: ('{%s,"note":"' % _ack(r, d)).encode() + b'\xa3"}',
}
FAULTS = ["5xx", "timeout", "drop", "ack-lost", "garbage"] + sorted(FAKE_ACKS)


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def setup(self):
        super().setup()
        # headers and body go out in separate writes: without this, Nagle
        # and the client's delayed ACK add 40 ms to every answer
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def event(self, what, **kw):
        kw["event"] = what
        kw["t"] = time.time()
        with LOCK:
            with open(os.path.join(self.server.out, "events.jsonl"), "a") as f:
                f.write(json.dumps(kw) + "\n")

    def answer(self, code, obj):
        self.answer_raw(code, json.dumps(obj).encode())

    def answer_raw(self, code, body):
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        srv = self.server
        if self.path != "/v1/records":
            self.answer(404, {"error": "no such endpoint"})
            return
        length = int(self.headers.get("Content-Length", "0"))
        key = self.headers.get("Idempotency-Key", "")
        fault = None
        with LOCK:
            if srv.always:
                fault = srv.always
            elif srv.rng.random() < srv.fault_rate:
                fault = srv.rng.choice(FAULTS)
        if key in srv.reject:
            self.rfile.read(length)
            self.event("rejected", key=key)
            self.answer(409, {"error": "a different record is stored under this id"})
            return
        if fault == "drop":
            self.rfile.read(max(0, length // 2))
            self.event("fault", kind="drop", key=key)
            self.close_now()
            return
        body = self.rfile.read(length)
        if fault == "5xx":
            self.event("fault", kind="5xx", key=key)
            self.answer(srv.rng.choice([500, 503]), {"error": "injected"})
            return
        if fault == "timeout":
            self.event("fault", kind="timeout", key=key)
            time.sleep(srv.hang)
            self.close_now()
            return
        parts = self.parse(body)
        rec = parts.get("record")
        if not rec or "signature" not in parts:
            self.answer(400, {"error": "record and signature parts are required"})
            return
        digest = hashlib.sha256(rec[1]).hexdigest()
        m = re.search(rb"^record_id=(.+)$", rec[1], re.M)
        rid = m.group(1).decode() if m else ""
        if digest != self.headers.get("X-ANPR-Record-SHA256") or rid != key:
            self.event("bad", key=key)
            self.answer(400, {"error": "record does not match its headers"})
            return
        if fault in FAKE_ACKS:
            self.event("fault", kind=fault, key=key)
            self.answer_raw(200, FAKE_ACKS[fault](rid, digest))
            return
        with LOCK:
            dup = rid in srv.stored
            srv.stored.add(rid)
            for name, (fname, data) in parts.items():
                safe = os.path.basename(fname or name)
                with open(os.path.join(srv.out, "records", safe), "wb") as f:
                    f.write(data)
        self.event("stored", key=key, sha256=digest, duplicate=dup,
                   priority=self.headers.get("X-ANPR-Priority", ""))
        if fault == "ack-lost":
            self.event("fault", kind="ack-lost", key=key)
            self.close_now()
            return
        if fault == "garbage":
            self.event("fault", kind="garbage", key=key)
            self.answer(200, {"record_id": key + "-X", "record_sha256": "0" * 64})
            return
        self.answer(201, {"record_id": rid, "record_sha256": digest})

    def close_now(self):
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def parse(self, body):
        msg = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
            b"Content-Type: " + self.headers.get("Content-Type", "").encode() +
            b"\r\n\r\n" + body)
        parts = {}
        if not msg.is_multipart():
            return parts
        for p in msg.iter_parts():
            name = p.get_param("name", header="content-disposition")
            parts[name] = (p.get_filename(), p.get_payload(decode=True) or b"")
        return parts


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--ca", required=True)
    ap.add_argument("--cert", required=True)
    ap.add_argument("--key", required=True)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--port-file")
    ap.add_argument("--fault-rate", type=float, default=0.0)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--hang", type=float, default=3.0)
    ap.add_argument("--reject", action="append", default=[])
    ap.add_argument("--always", choices=FAULTS)
    a = ap.parse_args()
    os.makedirs(os.path.join(a.out, "records"), exist_ok=True)
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", a.port), Handler)
    srv.daemon_threads = True
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(a.cert, a.key)
    ctx.load_verify_locations(a.ca)
    ctx.verify_mode = ssl.CERT_REQUIRED          # client certificates only
    srv.socket = ctx.wrap_socket(srv.socket, server_side=True, do_handshake_on_connect=False)
    srv.out = a.out
    srv.fault_rate = a.fault_rate
    srv.rng = random.Random(a.seed)
    srv.hang = a.hang
    srv.stored = set()
    srv.reject = set(a.reject)
    srv.always = a.always
    ev = os.path.join(a.out, "events.jsonl")
    if os.path.exists(ev):                       # a restart keeps what it stored
        for line in open(ev):
            e = json.loads(line)
            if e["event"] == "stored":
                srv.stored.add(e["key"])
    if a.port_file:
        with open(a.port_file + ".tmp", "w") as f:
            f.write(str(srv.server_address[1]))
        os.rename(a.port_file + ".tmp", a.port_file)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    sys.exit(main())
