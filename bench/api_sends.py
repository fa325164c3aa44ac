#!/usr/bin/env python3
"""
Durable sends per second through the JSON API: N senders, each its own
account and keep-alive TLS connection, one message in flight each, for
SECONDS (and at most 5000 messages each).  Each 201 is a message the
store has on disk.

  api_sends.py PORT SECONDS TOKEN... (one sender per token) TO
"""
import http.client
import json
import ssl
import sys
import threading
import time

MAX_EACH = 5000


def sender(port, token, to, deadline, out, i):
    ctx = ssl._create_unverified_context()
    c = http.client.HTTPSConnection("127.0.0.1", port, context=ctx,
                                    timeout=30)
    body = json.dumps({"to": [to], "subject": "bench",
                       "body": "x" * 200})
    hdr = {"Authorization": "Bearer " + token,
           "Content-Type": "application/json"}
    ok = fail = 0
    while time.monotonic() < deadline and ok + fail < MAX_EACH:
        c.request("POST", "/api/v1/messages", body, hdr)
        r = c.getresponse()
        r.read()
        if r.status == 201:
            ok += 1
        else:
            fail += 1
    out[i] = (ok, fail)


def main(a):
    port, secs, to, tokens = int(a[1]), float(a[2]), a[-1], a[3:-1]
    out = [None] * len(tokens)
    start = time.monotonic()
    deadline = start + secs
    ts = [threading.Thread(target=sender,
                           args=(port, t, to, deadline, out, i))
          for i, t in enumerate(tokens)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    took = time.monotonic() - start
    ok = sum(o[0] for o in out if o)
    fail = sum(o[1] for o in out if o)
    print("%2d senders: %6d sent, %d refused, %.1f s, %.0f durable "
          "sends/s" % (len(tokens), ok, fail, took, ok / took))


if __name__ == "__main__":
    main(sys.argv)
