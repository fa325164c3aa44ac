#!/usr/bin/env python3
"""
Bytes of the front's memory per idle live event stream: opens N event
streams (TLS, one user) to a running test daemon, waits until each has
its first line, and reads the front's VmRSS before and after.  Prints
the figure; asserts nothing (speed and size belong here, not in tests).

  idle_events.py PORT FRONT_PID TOKEN N
"""
import select
import socket
import ssl
import sys
import time


def rss(pid):
    with open("/proc/%s/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return -1


def main(a):
    port, pid, token, n = int(a[1]), a[2], a[3], int(a[4])
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    before = rss(pid)
    conns = []
    for i in range(n):
        s = socket.create_connection(("127.0.0.1", port), timeout=30)
        t = ctx.wrap_socket(s, server_hostname="localhost")
        t.sendall(("GET /api/v1/events HTTP/1.1\r\nHost: localhost\r\n"
                   "Authorization: Bearer %s\r\n\r\n" % token).encode())
        conns.append(t)
    opened = 0
    deadline = time.monotonic() + 60
    waiting = list(conns)
    got = {}
    while waiting and time.monotonic() < deadline:
        r, _, _ = select.select(waiting, [], [], 1)
        for t in r:
            d = t.recv(4096)
            got[t] = got.get(t, b"") + d
            if b"smsg events" in got[t]:
                opened += 1
                waiting.remove(t)
            elif not d:
                waiting.remove(t)
    time.sleep(1)       # let the front settle after the last write
    after = rss(pid)
    per = (after - before) / max(opened, 1)
    print("streams=%d rss_before=%d rss_after=%d bytes_per_stream=%d" %
          (opened, before, after, per))


main(sys.argv)
