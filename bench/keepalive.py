#!/usr/bin/env python3
"""
A fixed number of GET requests over kept-alive TLS connections to a
running test daemon on loopback, for a profile or a system-call count
(bench/profile-front.sh): the work is a count, not a duration, so two
builds can be compared per request.  Fails (exit 1) on any status but
the one expected and on any connection the daemon closes between
requests.  PATH send:NAME sends NAME a 1 KiB text instead (POST
/api/v1/messages, 201), as the benchmark's send workload does.

  keepalive.py PORT PATH COUNT CONNECTIONS [TOKEN]
"""
import http.client
import json
import ssl
import sys
import threading


def request(path):
    """The method, path, body and status of one request."""
    if path.startswith("send:"):
        body = json.dumps({"to": [path[5:]], "subject": "profile",
                           "body": "x" * 1024})
        return "POST", "/api/v1/messages", body, 201
    return "GET", path, None, 200


def run(port, path, count, headers, result):
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    conn = http.client.HTTPSConnection("127.0.0.1", port, context=ctx,
                                       timeout=600)
    method, url, body, want = request(path)
    try:
        for _ in range(count):
            conn.request(method, url, body, headers=headers)
            resp = conn.getresponse()
            resp.read()
            if resp.status != want:
                result.append("status %d" % resp.status)
                return
            if resp.getheader("Connection", "").lower() == "close":
                result.append("the daemon closed a kept-alive connection")
                return
    except (OSError, http.client.HTTPException) as e:
        result.append(str(e))
    finally:
        conn.close()


def main(a):
    if len(a) < 5:
        sys.exit(__doc__)
    port, path, count, conns = int(a[1]), a[2], int(a[3]), int(a[4])
    if not 1 <= conns <= 64 or not 0 <= count <= 1000000:
        sys.exit("keepalive.py: out of range")
    headers = {"Content-Type": "application/json"}
    if len(a) > 5 and a[5]:
        headers["Authorization"] = "Bearer " + a[5]
    errors = []
    threads = []
    for i in range(conns):
        share = count // conns + (1 if i < count % conns else 0)
        t = threading.Thread(target=run,
                             args=(port, path, share, headers, errors))
        t.start()
        threads.append(t)
    for t in threads:
        t.join()
    if errors:
        sys.exit("keepalive.py: " + errors[0])


if __name__ == "__main__":
    main(sys.argv)
