#!/bin/sh
#
# The front hands memory back after a burst: N live event streams open
# (TLS), then all close; the front notices that its allocator holds much
# more free than before and returns the free pages (smsgd/front/
# memtrim.c), so its resident size falls below what it was with the
# streams open.  Waits for the condition, bounded; no figure is asserted
# but "less".

N=600
H_EVENT_MAX=1000
H_CONNS_PER_NET=2000
. "$top_srcdir/regress/https/lib_https.sh"
# Under AddressSanitizer the front's memory comes from the sanitizer's
# allocator, which keeps freed blocks in quarantine: nothing for glibc's
# malloc_trim to return.
[ -z "${SMSG_SANITIZER:-}" ] ||
    skip_all "the sanitizers' allocator is not glibc's: nothing to trim"
https_start
PW="correct horse battery staple 42"
register_api burst "$PW" && login_api burst "$PW" ||
    { echo "Bail out! cannot sign in"; exit 1; }
FRONT=$(child_pid smsg-front)
rss() {
	sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\).*/\1/p' "/proc/$FRONT/status"
}
# open N streams, wait until each has its first line, print the front's
# resident KiB, then close them all (bounded: 60 s in all)
python3 - "$PORT" "$TOKEN" "$N" "$FRONT" > "$PREFIX/burst" <<'PY'
import select, socket, ssl, sys, time
port, token, n, pid = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4]
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
conns, deadline = [], time.monotonic() + 60
for i in range(n):
    t = ctx.wrap_socket(socket.create_connection(("127.0.0.1", port), timeout=20),
                        server_hostname="localhost")
    t.sendall(("GET /api/v1/events HTTP/1.1\r\nHost: localhost\r\n"
               "Authorization: Bearer %s\r\n\r\n" % token).encode())
    conns.append(t)
waiting, got, opened = list(conns), {}, 0
while waiting and time.monotonic() < deadline:
    r, _, _ = select.select(waiting, [], [], 1)
    for t in r:
        d = t.recv(4096)
        got[t] = got.get(t, b"") + d
        if b"smsg events" in got[t] or not d:
            opened += b"smsg events" in got[t]
            waiting.remove(t)
with open("/proc/%s/status" % pid) as f:
    peak = [l.split()[1] for l in f if l.startswith("VmRSS:")][0]
print(opened, peak)
for t in conns:
    t.close()
PY
read -r opened peak < "$PREFIX/burst"
diag "$opened streams open, the front at $peak KiB"
check "$N event streams opened" [ "${opened:-0}" -eq "$N" ]
less() {
	[ "${1:-0}" -gt 0 ] && [ "$1" -lt "${2:-0}" ]
}
shrunk() {
	less "$(rss)" "$peak"
}
wait_for 60 shrunk
now=$(rss)
diag "the front at $now KiB after"
check "once they close, the front holds less than with them open ($now < $peak KiB)" \
    less "$now" "$peak"
code=$(api GET me)
check "it serves on: $code" [ "$code" = 200 ]
done_testing
