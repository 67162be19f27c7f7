#!/usr/bin/python3
# cdp.py - a small client of the Chrome DevTools protocol (python3-websockets,
# Debian's), for tests/console/console-e2e: one command per call against a
# running Chromium (--remote-debugging-port), whose browser WebSocket URL
# is the first argument.
#
#   cdp.py WS open URL              a new page at URL; prints its target id
#   cdp.py WS eval TARGET JS        evaluates JS in the page (promises
#                                   awaited); prints the value as JSON
#   cdp.py WS wait TARGET JS SECS   evaluates JS every 20 ms until it is
#                                   truthy; prints the value; status 1 if
#                                   SECS pass first
#   cdp.py WS shot TARGET FILE      a PNG screenshot of the page
#   cdp.py WS cookies TARGET        the page's cookies, as JSON
#
# Status 2 for a protocol error or an exception in the page's JS, with the
# reason on stderr.
import asyncio
import base64
import json
import sys
import time

import websockets


class Cdp:
    def __init__(self, ws):
        self.ws = ws
        self.next_id = 0

    async def call(self, method, params=None, session=None):
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        await self.ws.send(json.dumps(msg))
        while True:
            m = json.loads(await self.ws.recv())
            if m.get("id") == self.next_id:
                if "error" in m:
                    raise RuntimeError("%s: %s" % (method, m["error"].get("message")))
                return m["result"]

    async def attach(self, target):
        r = await self.call("Target.attachToTarget", {"targetId": target, "flatten": True})
        return r["sessionId"]

    async def evaluate(self, session, js):
        r = await self.call("Runtime.evaluate", {"expression": js, "awaitPromise": True,
                                                 "returnByValue": True}, session)
        if "exceptionDetails" in r:
            d = r["exceptionDetails"]
            raise RuntimeError("page JS: %s" % (d.get("exception", {}).get("description")
                                                or d.get("text")))
        return r["result"].get("value")


async def main(argv):
    ws_url, cmd = argv[1], argv[2]
    async with websockets.connect(ws_url, max_size=64 << 20) as ws:
        c = Cdp(ws)
        if cmd == "open":
            r = await c.call("Target.createTarget", {"url": "about:blank"})
            s = await c.attach(r["targetId"])
            await c.call("Page.enable", {}, s)
            await c.call("Page.navigate", {"url": argv[3]}, s)
            # the load: document.readyState complete
            for _ in range(500):
                if await c.evaluate(s, "document.readyState") == "complete":
                    break
                await asyncio.sleep(0.02)
            print(r["targetId"])
            return 0
        s = await c.attach(argv[3])
        if cmd == "eval":
            print(json.dumps(await c.evaluate(s, argv[4])))
            return 0
        if cmd == "wait":
            end = time.monotonic() + float(argv[5])
            while True:
                v = await c.evaluate(s, argv[4])
                if v:
                    print(json.dumps(v))
                    return 0
                if time.monotonic() > end:
                    print(json.dumps(v))
                    return 1
                await asyncio.sleep(0.02)
        if cmd == "shot":
            r = await c.call("Page.captureScreenshot", {"format": "png"}, s)
            with open(argv[4], "wb") as f:
                f.write(base64.b64decode(r["data"]))
            return 0
        if cmd == "cookies":
            r = await c.call("Network.getCookies", {}, s)
            print(json.dumps(r["cookies"]))
            return 0
        print("cdp.py: unknown command " + cmd, file=sys.stderr)
        return 2


if __name__ == "__main__":
    try:
        sys.exit(asyncio.run(main(sys.argv)))
    except (RuntimeError, OSError, websockets.exceptions.WebSocketException) as e:
        print("cdp.py: %s" % e, file=sys.stderr)
        sys.exit(2)
