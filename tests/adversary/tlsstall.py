#!/usr/bin/python3
"""tlsstall.py - hostile clients for a TLS listener (tests/adversary/listeners.sh).

  tlsstall.py PORT MODE N SECONDS

opens N connections to 127.0.0.1:PORT, does MODE on each, holds them all
for SECONDS and closes them. MODE:
  idle           connect and send nothing
  partial-hello  the first 40 bytes of a real TLS ClientHello, then nothing
  hello          a whole ClientHello, then nothing (the server's answer unread)
  plaintext      "POST /v1/records HTTP/1.1" and half a header, then nothing
Prints "held N" once all N are open (the caller measures meanwhile).
Exit 0, or 1 if a connection could not be made.
"""
import socket
import ssl
import sys
import time


def client_hello():
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    inb, outb = ssl.MemoryBIO(), ssl.MemoryBIO()
    obj = ctx.wrap_bio(inb, outb, server_side=False)
    try:
        obj.do_handshake()
    except ssl.SSLWantReadError:
        pass
    return outb.read()


def main():
    port, mode, n, secs = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
    hello = client_hello()
    first = {
        "idle": b"",
        "partial-hello": hello[:40],
        "hello": hello,
        "plaintext": b"POST /v1/records HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Ty",
    }[mode]
    socks = []
    try:
        for _ in range(n):
            s = socket.create_connection(("127.0.0.1", port), timeout=5)
            if first:
                s.sendall(first)
            socks.append(s)
    except OSError as e:
        print(f"tlsstall: connection {len(socks) + 1} of {n}: {e}", file=sys.stderr)
        return 1
    print(f"held {n}", flush=True)
    time.sleep(secs)
    for s in socks:
        s.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
