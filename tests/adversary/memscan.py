#!/usr/bin/python3
"""memscan.py - where a running process holds a camera secret key.

    memscan.py PID SECKEY
    memscan.py --file CORE SECKEY

Reads every readable mapping of PID through /proc/PID/mem (root, or the
same user while the process is dumpable) and looks for the secret key of
the unencrypted minisign key file SECKEY in the forms a core dump would
give away: the 32-byte Ed25519 seed, the expanded signing scalar and nonce
key (SHA-512 of the seed, as Ed25519 uses them), and the base64 line of the
file as read into memory. Each hit is printed with its mapping and the
mapping's VmFlags (smaps): "dd" is MADV_DONTDUMP (the kernel and gcore
leave it out of a core dump), "lo" is mlock()ed.

Exit status: 0 if the key is held, and only in don't-dump mappings; 1 if
any copy lies in a mapping a core dump would contain; 2 if it is not found
at all (so the scan proves nothing) or the process cannot be read.
With --file, the same forms are looked for in a file (a core dump):
exit status 1 if any is there, 0 if none.
"""
import base64
import hashlib
import re
import sys

CHUNK = 16 << 20


def secrets(keyfile):
    with open(keyfile) as f:
        lines = f.read().splitlines()
    line = lines[1].strip()
    raw = base64.b64decode(line)
    if len(raw) != 158 or raw[:2] != b"Ed":
        sys.exit("memscan: %s: not a minisign secret key" % keyfile)
    if raw[2:4] != b"\0\0":
        sys.exit("memscan: %s: encrypted; give an unencrypted key" % keyfile)
    seed = raw[62:94]		# sig_alg kdf_alg chk_alg salt ops mem keynum sk
    h = bytearray(hashlib.sha512(seed).digest())
    h[0] &= 248
    h[31] &= 127
    h[31] |= 64
    found = {
        "seed": seed,
        "scalar": bytes(h[:32]),
        "nonce-key": bytes(h[32:]),
        # the file's text as read: 40 characters that encode seed bytes
        "file-base64": line[84:124].encode(),
    }
    # pieces: any 8-byte word of the seed or the scalar, in either byte
    # order (SHA-512 loads its message big-endian), as library functions
    # leave them in their stack frames
    for name, v in (("seed", seed), ("scalar", bytes(h[:32]))):
        for i in range(0, 32, 8):
            found["%s-word%d" % (name, i // 8)] = v[i:i + 8]
            found["%s-word%d-be" % (name, i // 8)] = v[i:i + 8][::-1]
    return found


def mappings(pid):
    maps = []
    cur = None
    with open("/proc/%d/smaps" % pid) as f:
        for ln in f:
            m = re.match(r"^([0-9a-f]+)-([0-9a-f]+) (\S+) \S+ \S+ \S+\s*(.*)$", ln)
            if m:
                cur = {"lo": int(m.group(1), 16), "hi": int(m.group(2), 16),
                       "perm": m.group(3), "name": m.group(4) or "[anon]",
                       "flags": ""}
                maps.append(cur)
            elif ln.startswith("VmFlags:") and cur is not None:
                cur["flags"] = ln.split(":", 1)[1].split()
    return maps


def scan(pid, needles):
    hits = []
    longest = max(len(v) for v in needles.values())
    with open("/proc/%d/mem" % pid, "rb", buffering=0) as mem:
        for m in mappings(pid):
            if m["perm"][0] != "r" or m["name"] == "[vvar]":
                continue
            pos = m["lo"]
            while pos < m["hi"]:
                n = min(CHUNK + longest, m["hi"] - pos)
                try:
                    mem.seek(pos)
                    data = mem.read(n)
                except (OSError, ValueError, OverflowError):
                    break
                for name, needle in needles.items():
                    i = data.find(needle)
                    while i >= 0:
                        if i < CHUNK or pos + n >= m["hi"]:
                            hits.append((name, pos + i, m))
                        i = data.find(needle, i + 1)
                pos += CHUNK
    return hits


def scan_file(path, needles):
    found = 0
    longest = max(len(v) for v in needles.values())
    with open(path, "rb") as f:
        tail = b""
        while True:
            data = f.read(CHUNK)
            if not data:
                break
            buf = tail + data
            for name, needle in needles.items():
                # a match wholly inside the carried-over tail was counted
                i = buf.find(needle)
                while i >= 0:
                    if i + len(needle) > len(tail):
                        print("FOUND %s at offset %d of %s"
                              % (name, f.tell() - len(buf) + i, path))
                        found += 1
                    i = buf.find(needle, i + 1)
            tail = buf[-(longest - 1):]
    print("memscan: %d copies of key material in %s" % (found, path))
    return 1 if found else 0


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "--file":
        return scan_file(sys.argv[2], secrets(sys.argv[3]))
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    pid = int(sys.argv[1])
    try:
        hits = scan(pid, secrets(sys.argv[2]))
    except OSError as e:
        print("memscan: cannot read process %d: %s" % (pid, e))
        return 2
    exposed = 0
    for name, addr, m in hits:
        dd = "dd" in m["flags"]
        exposed += not dd
        print("%s %-11s at %#x in %s %s [%s]" % (
            "hidden " if dd else "EXPOSED", name, addr, m["name"], m["perm"],
            " ".join(m["flags"])))
    held = sum(1 for name, _, m in hits if name == "seed" and "dd" in m["flags"])
    print("memscan: %d copies of key material, %d where a core dump would "
          "hold them, seed held in don't-dump memory %d times"
          % (len(hits), exposed, held))
    if exposed:
        return 1
    return 0 if held else 2


if __name__ == "__main__":
    sys.exit(main())
