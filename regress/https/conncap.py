#!/usr/bin/env python3
"""Hold TLS connections to the front from one source address, for
conncap.sh.  Commands on stdin, one per line, answers on stdout:
  open SRC         connect from SRC, handshake; "ok N" or "refused N"
  get N            a keep-alive GET on connection N; the status, or "closed"
  close N          close connection N; "ok"
Every socket operation is bounded by a timeout."""
import socket
import ssl
import sys

port = int(sys.argv[1])
ctx = ssl.create_default_context()
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
conns = []


def get(c):
    c.sendall(b"GET /static/smsg.css HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = c.recv(4096)
        if not chunk:
            return "closed"
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        k, _, v = line.partition(b":")
        if k.strip().lower() == b"content-length":
            length = int(v)
    while len(body) < length:
        chunk = c.recv(65536)
        if not chunk:
            break
        body += chunk
    return head.split(b" ")[1].decode()


for line in sys.stdin:
    words = line.split()
    if not words:
        continue
    try:
        if words[0] == "open":
            raw = socket.create_connection(("127.0.0.1", port), timeout=10,
                                           source_address=(words[1], 0))
            n = len(conns)
            conns.append(None)
            try:
                conns[n] = ctx.wrap_socket(raw)
                print("ok", n)
            except (ssl.SSLError, OSError):
                raw.close()
                print("refused", n)
        elif words[0] == "get":
            print(get(conns[int(words[1])]))
        elif words[0] == "close":
            conns[int(words[1])].close()
            print("ok")
    except (ssl.SSLError, OSError) as e:
        print("closed")
    sys.stdout.flush()
