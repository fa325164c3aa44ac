#!/bin/sh
#
# A live event stream whose client goes away is let go at once, not when
# a heartbeat finds it dead: with one stream allowed per user and
# heartbeats an hour apart, a client that opens a stream, closes it and
# opens another is served (200), where a stream still held would be
# refused (429).  Waits for the condition, bounded.

H_EVENT_MAX=1
H_EVENT_HEARTBEAT=3600
. "$top_srcdir/regress/https/lib_https.sh"
https_start
PW="correct horse battery staple 42"
register_api gone "$PW" && login_api gone "$PW" ||
    { echo "Bail out! cannot sign in"; exit 1; }

# stream: open GET /api/v1/events, print its status code, close it
stream() {
	python3 - "$PORT" "$TOKEN" <<'PY'
import socket, ssl, sys
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
t = ctx.wrap_socket(socket.create_connection(("127.0.0.1", int(sys.argv[1])),
                    timeout=20), server_hostname="localhost")
t.sendall(("GET /api/v1/events HTTP/1.1\r\nHost: localhost\r\n"
           "Authorization: Bearer %s\r\n\r\n" % sys.argv[2]).encode())
head = b""
while b"\r\n" not in head:
    d = t.recv(1024)
    if not d:
        break
    head += d
print(head.split(b" ")[1].decode() if head.count(b" ") else "none")
t.close()
PY
}
served() {
	[ "$(stream)" = 200 ]
}

code=$(stream)
check "a stream opens: $code" [ "$code" = 200 ]
check "after its client closed it, the next is served (200)" \
    wait_for 30 served
check "... and again" wait_for 30 served
code=$(api GET me)
check "the session is still good: $code" [ "$code" = 200 ]
done_testing
