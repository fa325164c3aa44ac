#!/usr/bin/env python3
"""
An event-stream client for the events test: GETs PATH with a bearer
token (or, with cookie, the session cookie), then writes what arrives to
OUT as it comes: "status=N" first, then every line of the stream, then
"EOF" when the server closes.  Runs until then, or for LIMIT seconds.

  sseclient.py PORT PATH TOKEN OUT [LAST_EVENT_ID] [cookie]
"""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tlsclient  # noqa: E402

LIMIT = 120


def main(a):
    port, path, token, out = int(a[1]), a[2], a[3], a[4]
    last = a[5] if len(a) > 5 and a[5] != "-" else None
    cookie = len(a) > 6 and a[6] == "cookie"
    t = tlsclient.connect(port, LIMIT)
    req = "GET %s HTTP/1.1\r\nHost: localhost\r\n" % path
    if cookie:
        req += "Cookie: __Host-smsg=%s\r\n" % token
    else:
        req += "Authorization: Bearer %s\r\n" % token
    if last is not None:
        req += "Last-Event-ID: %s\r\n" % last
    t.sendall((req + "\r\n").encode())
    f = open(out, "w")
    buf = b""
    head = True
    chunked = False
    length = -1
    deadline = time.monotonic() + LIMIT
    body = b""
    while time.monotonic() < deadline:
        d = tlsclient.recv(t)
        if not d:
            break
        buf += d
        if head:
            if b"\r\n\r\n" not in buf:
                continue
            h, _, buf = buf.partition(b"\r\n\r\n")
            lines = h.decode("latin-1").split("\r\n")
            f.write("status=%s\n" % lines[0].split()[1])
            for l in lines[1:]:
                k, _, v = l.partition(":")
                f.write("header %s=%s\n" % (k.strip().lower(), v.strip()))
                if k.strip().lower() == "transfer-encoding":
                    chunked = "chunked" in v
                if k.strip().lower() == "content-length":
                    length = int(v)
            f.flush()
            head = False
        if chunked:
            # take whole chunks out of buf
            while True:
                line, sep, rest = buf.partition(b"\r\n")
                if not sep:
                    break
                n = int(line.split(b";")[0] or b"0", 16)
                if len(rest) < n + 2:
                    break
                body += rest[:n]
                buf = rest[n + 2:]
        else:
            body += buf
            buf = b""
            if length >= 0 and len(body) >= length:
                break       # an error answer, not a stream
        while b"\n" in body:
            line, _, body = body.partition(b"\n")
            f.write(line.decode("utf-8", "replace") + "\n")
            f.flush()
    if body:
        f.write(body.decode("utf-8", "replace") + "\n")
    f.write("EOF\n")
    f.close()


main(sys.argv)
