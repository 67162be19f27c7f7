#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""A GPS receiver for tests: a pseudo-terminal fed with NMEA once a second,
read by a real gpsd (Debian's) listening on a loopback port.

usage: gps-feeder.py PORT SECONDS_WITH_FIX SECONDS_TOTAL
Prints "ready" once gpsd is started; stops gpsd at the end.
"""
import functools
import os
import pty
import subprocess
import sys
import tempfile
import time


def nmea(body):
    return "$%s*%02X\r\n" % (body, functools.reduce(lambda a, c: a ^ ord(c), body, 0))


def main():
    port, with_fix, total = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
    master, slave = pty.openpty()
    tmp = tempfile.mkdtemp(prefix="gps-feeder-")
    gpsd = subprocess.Popen(["/usr/sbin/gpsd", "-N", "-n", "-b", "-S", port, "-F",
                             os.path.join(tmp, "gpsd.sock"), os.ttyname(slave)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    print("ready", flush=True)
    start = time.time()
    s = 0
    while time.time() - start < total:
        t = "1200%02d.00" % (s % 60)
        if time.time() - start < with_fix:
            lines = ["GPGGA,%s,5130.0000,N,00007.0000,W,1,08,0.9,35.0,M,47.0,M,," % t,
                     "GPGSA,A,3,01,02,03,04,05,06,07,08,,,,,1.8,0.9,1.5",
                     "GPRMC,%s,A,5130.0000,N,00007.0000,W,10.0,90.0,241126,,,A" % t]
        else:
            lines = ["GPGGA,%s,,,,,0,00,99.9,,M,,M,," % t, "GPGSA,A,1,,,,,,,,,,,,,,,",
                     "GPRMC,%s,V,,,,,,,241126,,,N" % t]
        os.write(master, "".join(nmea(x) for x in lines).encode())
        s += 1
        time.sleep(0.2)
    gpsd.terminate()
    gpsd.wait()


if __name__ == "__main__":
    main()
