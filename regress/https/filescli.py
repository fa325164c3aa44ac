#!/usr/bin/env python3
"""
File tests' client: raw HTTP/1.1 over TLS, for what curl cannot do on
purpose.  Each subcommand prints one line, key=value, for files.sh.

  cut PORT TOKEN BYTES SEND
      POSTs a multipart message (to bob) with a file of BYTES declared,
      sends only SEND bytes of the body, then closes: sent=
      (with GO set: prints sent= at once, then waits for the file GO
      to exist, 30 s at most, before it closes)
  stall PORT TOKEN ID N PID SECS
      GETs file N of message ID, reads the head and 64 KiB, then reads
      nothing; samples the VmRSS (kB) of process PID for SECS seconds,
      then waits (60 s at most) for the server to close:
      status=, base=, peak=, closed=
  slowget PORT TOKEN ID N
      GETs file N of message ID reading 64 KiB a time, a pause after the
      first piece (for the test to act meanwhile: it waits for a file
      named by the environment's GO, if set): status=, length=, got=
  pauseput PORT TOKEN BYTES
      POSTs a multipart message (to bob) with a file of BYTES, pausing
      halfway (it makes GO.sending and waits for GO, as slowget does),
      then sends the rest and reads the answer: status=
"""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tlsclient  # noqa: E402

TIMEOUT = 60
BND = b"smsgfilesboundary42"


def connect(port):
    return tlsclient.connect(port, TIMEOUT, 65536)


def rss(pid):
    with open("/proc/%s/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return -1


def read_head(t):
    buf = b""
    while b"\r\n\r\n" not in buf:
        d = tlsclient.recv(t, 4096)
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
    for line in lines[1:]:
        k, _, v = line.partition(":")
        hdrs[k.strip().lower()] = v.strip()
    return status, hdrs, rest


def cut(port, token, size, send):
    head, _ = multipart_head(token, size, b"cut short")
    t = connect(port)
    t.sendall(head + b"x" * send)
    if os.environ.get("GO"):
        # the test looks at the open upload first, then lets us go
        print("sent=%d" % send, flush=True)
        end = time.time() + 30
        while not os.path.exists(os.environ["GO"]) and time.time() < end:
            time.sleep(0.1)
        t.close()
        return
    time.sleep(1)
    t.close()
    print("sent=%d" % send)


def multipart_head(token, size, body):
    pre = (b"--" + BND + b"\r\n"
           b"Content-Disposition: form-data; name=\"message\"\r\n\r\n"
           b"{\"to\": [\"bob\"], \"body\": \"" + body + b"\"}\r\n"
           b"--" + BND + b"\r\n"
           b"Content-Disposition: form-data; name=\"file\"; "
           b"filename=\"f.bin\"\r\n\r\n")
    post = b"\r\n--" + BND + b"--\r\n"
    head = ("POST /api/v1/messages HTTP/1.1\r\nHost: localhost\r\n"
            "Authorization: Bearer %s\r\n"
            "Content-Type: multipart/form-data; boundary=%s\r\n"
            "Content-Length: %d\r\n\r\n" %
            (token, BND.decode(), len(pre) + size + len(post))).encode()
    return head + pre, post


def pauseput(port, token, size):
    head, post = multipart_head(token, size, b"paused")
    t = connect(port)
    t.sendall(head + b"x" * (size // 2))
    if os.environ.get("GO"):
        open(os.environ["GO"] + ".sending", "w").close()
        end = time.time() + 30
        while not os.path.exists(os.environ["GO"]) and time.time() < end:
            time.sleep(0.05)
    status = 0
    try:
        t.sendall(b"x" * (size - size // 2) + post)
    except OSError:
        pass            # answered and closed meanwhile: read the answer
    status, _, _ = read_head(t)
    print("status=%d" % status)


def get(t, token, mid, n):
    t.sendall(("GET /api/v1/messages/%s/files/%s HTTP/1.1\r\n"
               "Host: localhost\r\nAuthorization: Bearer %s\r\n"
               "Connection: close\r\n\r\n" % (mid, n, token)).encode())


def stall(port, token, mid, n, pid, secs):
    base = peak = rss(pid)
    t = connect(port)
    get(t, token, mid, n)
    status, hdrs, rest = read_head(t)
    got = len(rest)
    while got < 65536:
        d = tlsclient.recv(t)
        if not d:
            break
        got += len(d)
    end = time.time() + secs
    while time.time() < end:
        peak = max(peak, rss(pid))
        time.sleep(0.2)
    # the server gives up on a client that takes nothing: it closes
    closed = 0
    t.settimeout(1)
    end = time.time() + 60
    while time.time() < end:
        try:
            d = t.recv(65536)
        except TimeoutError:
            continue
        except OSError:
            closed = 1
            break
        if not d:
            closed = 1
            break
        # drained: the buffers held some; a close must follow
    print("status=%d base=%d peak=%d closed=%d" % (status, base, peak,
                                                  closed))


def slowget(port, token, mid, n):
    t = connect(port)
    get(t, token, mid, n)
    status, hdrs, rest = read_head(t)
    got = len(rest)
    first = True
    while True:
        d = tlsclient.recv(t)
        if not d:
            break
        got += len(d)
        if first and os.environ.get("GO"):
            first = False
            # the test acts now; the client waits until it has
            open(os.environ["GO"] + ".reading", "w").close()
            end = time.time() + 30
            while not os.path.exists(os.environ["GO"]) and \
                    time.time() < end:
                time.sleep(0.1)
    print("status=%d length=%s got=%d" %
          (status, hdrs.get("content-length", "-"), got))


def main():
    cmd = sys.argv[1]
    port = int(sys.argv[2])
    if cmd == "cut":
        cut(port, sys.argv[3], int(sys.argv[4]), int(sys.argv[5]))
    elif cmd == "stall":
        stall(port, sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6],
              float(sys.argv[7]))
    elif cmd == "slowget":
        slowget(port, sys.argv[3], sys.argv[4], sys.argv[5])
    elif cmd == "pauseput":
        pauseput(port, sys.argv[3], int(sys.argv[4]))
    else:
        sys.exit("unknown command")


if __name__ == "__main__":
    main()
