#!/usr/bin/env python3
"""
Stream tests' client: raw HTTP/1.1 over TLS (the ssl module), so that the
test decides the pace and the framing byte by byte.  Each subcommand
prints one line of results, key=value, for the shell test to judge.

  upload PORT PID BYTES [chunked] [pause]
      POSTs BYTES to /test/sink and samples the front's VmRSS (kB) while
      sending: base=, peak=, status=, bytes=, sha_ok=
  head PORT BYTES
      HEAD /test/source?bytes=BYTES: status=, length=, csp=, extra= (bytes
      after the head, until the server closes)
  trickle PORT BYTES DELAY
      POSTs BYTES with Content-Length, one byte every DELAY seconds, until
      the server answers or all is sent: status=, sent=
  download PORT PID BYTES [chunked] [slow]
      GETs /test/source?bytes=BYTES; reads slowly (small reads, a pause
      every MiB) with slow; samples the front's VmRSS: base=, peak=,
      status=, bytes=, pattern_ok=
"""
import hashlib
import os
import ssl
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tlsclient  # noqa: E402

TIMEOUT = 60


def rss(pid):
    with open("/proc/%s/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return -1


def connect(port, rcvbuf=0):
    return tlsclient.connect(port, TIMEOUT, rcvbuf)


def read_head(t):
    buf = b""
    while b"\r\n\r\n" not in buf:
        d = t.recv(4096)
        if not d:
            break
        buf += d
    head, _, rest = buf.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    try:
        status = int(lines[0].split()[1])
    except (IndexError, ValueError):
        status = 0
    hdrs = {}
    for l in lines[1:]:
        k, _, v = l.partition(":")
        hdrs[k.strip().lower()] = v.strip()
    return status, hdrs, rest


def read_all(t, rest):
    out = rest
    while True:
        d = tlsclient.recv(t)
        if not d:
            return out
        out += d


def dechunk(b):
    out = b""
    while True:
        line, _, b = b.partition(b"\r\n")
        n = int(line.split(b";")[0], 16)
        if n == 0:
            return out
        out += b[:n]
        b = b[n + 2:]


PAT = bytes(range(251)) * (300000 // 251 + 2)


def same_pattern(off, data):
    """data is the source's bytes (i % 251) from offset off."""
    for i in range(0, len(data), 262144):
        piece = data[i:i + 262144]
        o = (off + i) % 251
        if piece != PAT[o:o + len(piece)]:
            return False
    return True


def upload(port, pid, total, chunked, pause):
    base = peak = rss(pid)
    t = connect(port)
    path = "/test/sink" + ("?pause=1" if pause else "")
    head = "POST %s HTTP/1.1\r\nHost: localhost\r\n" % path
    head += ("Transfer-Encoding: chunked\r\n" if chunked else
             "Content-Length: %d\r\n" % total)
    t.sendall((head + "Connection: close\r\n\r\n").encode())
    h = hashlib.sha256()
    piece = bytes(range(256)) * 256     # 64 KiB
    sent = n = 0
    while sent < total:
        k = min(len(piece) - (n % 7) * 1000, total - sent)
        data = piece[:k]
        h.update(data)
        if chunked:
            t.sendall(b"%x\r\n" % k + data + b"\r\n")
        else:
            t.sendall(data)
        sent += k
        n += 1
        if n % 16 == 0:
            peak = max(peak, rss(pid))
    if chunked:
        t.sendall(b"0\r\n\r\n")
    status, hdrs, rest = read_head(t)
    body = read_all(t, rest).decode("latin-1")
    peak = max(peak, rss(pid))
    ok = h.hexdigest() in body and ('"bytes": %d' % total) in body
    print("base=%d peak=%d status=%d bytes=%d sha_ok=%d" %
          (base, peak, status, sent, ok))


def trickle(port, total, delay):
    t = connect(port)
    t.sendall(("POST /test/sink HTTP/1.1\r\nHost: localhost\r\n"
               "Content-Length: %d\r\nConnection: close\r\n\r\n" %
               total).encode())
    t.setblocking(False)
    sent = 0
    status = 0
    buf = b""
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        try:
            d = t.recv(4096)
            if not d:
                break
            buf += d
            if b"\r\n" in buf:
                break
        except ssl.SSLWantReadError:
            pass
        except OSError:
            break
        if sent < total:
            try:
                t.send(b"x")
                sent += 1
            except (ssl.SSLWantWriteError, BlockingIOError):
                pass
            except OSError:
                break
        time.sleep(delay)
    if buf.startswith(b"HTTP/1.1 "):
        status = int(buf.split()[1])
    print("status=%d sent=%d" % (status, sent))


def download(port, pid, total, chunked, slow):
    base = peak = rss(pid)
    t = connect(port, 65536 if slow else 0)
    q = "bytes=%d" % total + ("&chunked=1" if chunked else "")
    t.sendall(("GET /test/source?%s HTTP/1.1\r\nHost: localhost\r\n"
               "Connection: close\r\n\r\n" % q).encode())
    status, hdrs, rest = read_head(t)
    got = 0
    ok = True
    raw = b""
    buf = rest
    n = 0
    while True:
        if buf:
            if chunked:
                raw += buf
            else:
                if not same_pattern(got, buf):
                    ok = False
                got += len(buf)
            buf = b""
        try:
            buf = t.recv(16384 if slow else 262144)
        except (ssl.SSLError, OSError):
            break
        if not buf:
            break
        n += 1
        if slow and n % 64 == 0:
            peak = max(peak, rss(pid))
            time.sleep(0.02)
    if chunked:
        body = dechunk(raw)
        got = len(body)
        ok = same_pattern(0, body)
    peak = max(peak, rss(pid))
    print("base=%d peak=%d status=%d bytes=%d pattern_ok=%d" %
          (base, peak, status, got, ok and got == total))


def head(port, total):
    t = connect(port)
    t.sendall(("HEAD /test/source?bytes=%d HTTP/1.1\r\nHost: localhost\r\n"
               "Connection: close\r\n\r\n" % total).encode())
    status, hdrs, rest = read_head(t)
    extra = read_all(t, rest)
    print("status=%d length=%s csp=%d extra=%d" %
          (status, hdrs.get("content-length", "-"),
           "content-security-policy" in hdrs, len(extra)))


def main(a):
    if a[1] == "upload":
        upload(int(a[2]), a[3], int(a[4]), "chunked" in a[5:],
               "pause" in a[5:])
    elif a[1] == "head":
        head(int(a[2]), int(a[3]))
    elif a[1] == "trickle":
        trickle(int(a[2]), int(a[3]), float(a[4]))
    elif a[1] == "download":
        download(int(a[2]), a[3], int(a[4]), "chunked" in a[5:],
                 "slow" in a[5:])


main(sys.argv)
