#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""faultproxy.py - a TCP fault injector between anpr-upload and anpr-ingest
(tests/ingest/ingest-faults). It forwards bytes and nothing else: it does
not parse or terminate TLS (it cannot read a request), so it places its
faults by byte counts and by the direction of the traffic. A request
starts when the client speaks after the server did (HTTP/1.1, one request
at a time on a connection, as anpr-upload sends); with probability
--fault-rate a fault is chosen for it, to fire THRESHOLD bytes into it
(200 to --max-bytes; never before --min-bytes of the connection, so never
inside the TLS handshake):

  drop     forward up to THRESHOLD, then close both sides: the request's
           body is cut off
  stall    forward up to THRESHOLD, then nothing either way, both sides
           held open until the client gives up (anpr-upload's timeout)
  ack-lost forward the request whole; the server's next bytes (its answer,
           sent only after it stored the record) are thrown away and both
           sides closed

SIGUSR1: the back office goes away (the listening socket is closed, so
connections are refused, and the open ones are cut); SIGUSR2: it listens
again on the same port. SIGTERM: exit.

Each fault that fired is one JSON line in --events. For an ack-lost fault
the line also names the last record anpr-ingest logged (--server-log) as
stored or acknowledged when the answer was thrown away, and "exclusive"
says whether this was the only connection open then: anpr-upload sends
one request at a time, so an exclusive connection's answer is the one for
that record.
"""
import argparse
import asyncio
import json
import os
import random
import re
import signal
import sys
import time

# anpr-ingest's line for each answer it gives (and the record it names)
LOGLINE = re.compile(r"^anpr-ingest: (stored|duplicate|REFUSED|UNAVAILABLE|"
                     r"FORBIDDEN|ERROR)\b")
RECORD = re.compile(r" record ([A-Za-z0-9_.:+-]*[A-Za-z0-9_.+-])")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--target-port", type=int, required=True)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--events", required=True)
    ap.add_argument("--server-log")
    ap.add_argument("--fault-rate", type=float, default=0.05)
    ap.add_argument("--min-bytes", type=int, default=4000)
    ap.add_argument("--max-bytes", type=int, default=30000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--debug", action="store_true")
    a = ap.parse_args()
    rng = random.Random(a.seed)
    ev = open(a.events, "a", buffering=1)
    state = {"server": None, "conns": 0}

    def event(name, **kw):
        kw.update(event=name, t=round(time.time(), 6))
        ev.write(json.dumps(kw, sort_keys=True) + "\n")

    def last_logged():
        """The last record anpr-ingest logged an outcome for."""
        if not a.server_log:
            return None, None
        try:
            with open(a.server_log, "rb") as f:
                f.seek(0, os.SEEK_END)
                f.seek(max(0, f.tell() - 16384))
                lines = f.read().decode("utf-8", "replace").splitlines()
        except OSError:
            return None, None
        for line in reversed(lines):
            m = LOGLINE.match(line)
            if m:
                r = RECORD.search(line)
                return m.group(1), r.group(1) if r else None
        return None, None

    class Conn:
        """One client connection and its upstream one."""
        def __init__(self, cr, cw):
            self.cr, self.cw, self.sr, self.sw = cr, cw, None, None
            self.sent = 0		# client bytes forwarded
            self.spoke = True	# the server sent since the client last did
            self.fault = None	# pending: (kind, threshold)
            self.armed = None	# fired: "stall" | "ack-lost"

        def kill(self):
            for w in (self.cw, self.sw):
                try:
                    if w:
                        w.transport.abort()
                except Exception:
                    pass

    conns = set()

    async def pipe_client(c):
        """client -> server. At the start of each request (the client
        speaks after the server did) a fault may be chosen for it, to fire
        THRESHOLD bytes into it (never within the TLS handshake)."""
        while True:
            data = await c.cr.read(65536)
            if not data:
                return
            if c.armed:
                if c.armed == "stall":
                    continue	# held back: the server hears nothing more
                c.sw.write(data)	# ack-lost: the request goes on whole
                await c.sw.drain()
                continue
            if c.spoke:
                c.spoke = False
                if c.fault is None and rng.random() < a.fault_rate:
                    kind = rng.choices(["drop", "stall", "ack-lost"],
                                       weights=[2, 2, 2])[0]
                    c.fault = (kind, max(a.min_bytes,
                                         c.sent + rng.randint(200, a.max_bytes)))
            if c.fault and c.sent + len(data) >= c.fault[1]:
                kind, at = c.fault
                cut = at - c.sent
                c.sw.write(data[:cut])
                await c.sw.drain()
                c.sent = at
                if kind == "drop":
                    event("fault", kind="drop", at=at)
                    c.kill()
                    return
                c.armed = kind
                if kind == "stall":
                    event("fault", kind="stall", at=at)
                    continue
                data = data[cut:]
            c.sent += len(data)
            c.sw.write(data)
            await c.sw.drain()

    async def pipe_server(c):
        """server -> client; once an ack-lost fault fired, the answer
        is thrown away and both sides closed."""
        while True:
            data = await c.sr.read(65536)
            if not data:
                return
            if c.armed == "ack-lost":
                what, rec = last_logged()
                event("fault", kind="ack-lost", bytes=len(data),
                      exclusive=len(conns) == 1, logged=what, record=rec)
                c.kill()
                return
            if c.armed == "stall":
                continue	# held back: the client hears nothing
            c.spoke = True
            c.cw.write(data)
            await c.cw.drain()

    async def handle(cr, cw):
        c = Conn(cr, cw)
        state["conns"] += 1
        conns.add(c)
        try:
            try:
                c.sr, c.sw = await asyncio.open_connection("127.0.0.1",
                                                           a.target_port)
            except OSError as e:
                event("upstream-refused", error=str(e))
                c.kill()
                return
            t1 = asyncio.ensure_future(pipe_client(c))
            t2 = asyncio.ensure_future(pipe_server(c))
            # a stall ends when the client gives up (its side closes:
            # pipe_client returns) or after --stall-max
            done, _ = await asyncio.wait({t1, t2},
                                         return_when=asyncio.FIRST_COMPLETED)
            c.kill()
            for t in (t1, t2):
                t.cancel()
            await asyncio.gather(t1, t2, return_exceptions=True)
            if a.debug:
                event("closed", fault=c.fault, armed=c.armed, c2s=c.sent)
        except Exception as e:	# a connection's error is only its own
            event("proxy-error", error=repr(e))
            c.kill()
        finally:
            conns.discard(c)

    async def listen(port):
        state["server"] = await asyncio.start_server(handle, "127.0.0.1", port,
                                                     reuse_address=True)
        return state["server"].sockets[0].getsockname()[1]

    async def run():
        loop = asyncio.get_running_loop()
        port = await listen(a.port)
        tmp = a.port_file + ".tmp"
        with open(tmp, "w") as f:
            f.write("%d\n" % port)
        os.rename(tmp, a.port_file)

        def refuse():
            """the back office goes away: nothing listens, and the
            connections open are cut"""
            if state["server"]:
                state["server"].close()
                state["server"] = None
                for c in list(conns):
                    c.kill()
                event("refusing")

        async def relisten():
            if not state["server"]:
                await listen(port)
                event("listening")
        loop.add_signal_handler(signal.SIGUSR1, refuse)
        loop.add_signal_handler(signal.SIGUSR2,
                                lambda: asyncio.ensure_future(relisten()))
        stop = asyncio.Event()
        loop.add_signal_handler(signal.SIGTERM, stop.set)
        await stop.wait()
        event("connections", count=state["conns"])

    asyncio.run(run())


if __name__ == "__main__":
    sys.exit(main())
