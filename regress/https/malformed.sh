#!/bin/sh
# The HTTP parser refuses what RFC 9112 says to refuse, with the right
# status, and closes the connection: 400, 408 (a header section never
# finished, cut at header_timeout while others are served), 411 (a
# chunked body to a route that takes none), 413,
# 414, 431, 501, 505.  Afterwards the daemon still serves normally.
H_HEADER_TIMEOUT=2
H_FORM_MAX=65536
. "$top_srcdir/regress/https/lib_https.sh"
https_start

H="Host: 127.0.0.1:$PORT"
FORM='Content-Type: application/x-www-form-urlencoded'

# judge DESCRIPTION STATUS: one test point from tlsraw's report in
# $PREFIX/out: the status line and the close.
judge() {
	st=$(sed -n 's/^status: //p' "$PREFIX/out")
	if echo "$st" | grep -q "^HTTP/1\.[01] $2 " &&
	    grep -q '^closed: yes$' "$PREFIX/out"; then
		ok "$1: $2 and closed"
	else
		not_ok "$1: $2 and closed (got: ${st:-nothing}," \
		    "closed: $(sed -n 's/^closed: //p' "$PREFIX/out"))"
	fi
}

# raw DESCRIPTION STATUS REQUEST: the request given with escapes.
raw() {
	"$TLSRAW" -p "$PORT" -t 6 "$3" > "$PREFIX/out" 2>&1
	judge "$1" "$2"
}

# rawfile DESCRIPTION STATUS FILE: the request in a file.
rawfile() {
	"$TLSRAW" -p "$PORT" -t 6 -f "$3" > "$PREFIX/out" 2>&1
	judge "$1" "$2"
}

"$TLSRAW" -p "$PORT" -t 6 \
    "GET /login HTTP/1.1\\r\\n$H\\r\\nConnection: close\\r\\n\\r\\n" > "$PREFIX/out"
check "control: a well-formed request through tlsraw is 200" \
    grep -q '^status: HTTP/1.1 200' "$PREFIX/out"

raw "bare LF line ends" 400 "GET / HTTP/1.1\\n$H\\n\\n"
raw "obs-fold continuation line" 400 "GET / HTTP/1.1\\r\\n$H\\r\\nX-A: a\\r\\n b\\r\\n\\r\\n"
raw "Content-Length with Transfer-Encoding" 400 \
    "POST /login HTTP/1.1\\r\\n$H\\r\\n$FORM\\r\\nContent-Length: 5\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n0\\r\\n\\r\\n"
raw "two different Content-Length headers" 400 \
    "POST /login HTTP/1.1\\r\\n$H\\r\\n$FORM\\r\\nContent-Length: 5\\r\\nContent-Length: 6\\r\\n\\r\\nabcdef"
raw "Content-Length not a number" 400 \
    "POST /login HTTP/1.1\\r\\n$H\\r\\n$FORM\\r\\nContent-Length: 5x\\r\\n\\r\\nabcde"
raw "NUL in a header value" 400 "GET / HTTP/1.1\\r\\n$H\\r\\nX-A: a\\0b\\r\\n\\r\\n"
raw "NUL in the request line" 400 "GET /\\0 HTTP/1.1\\r\\n$H\\r\\n\\r\\n"
raw "request line without a version" 400 "GET /\\r\\n$H\\r\\n\\r\\n"
raw "request line with two spaces" 400 "GET  / HTTP/1.1\\r\\n$H\\r\\n\\r\\n"
raw "request line with a fourth word" 400 "GET / HTTP/1.1 x\\r\\n$H\\r\\n\\r\\n"
raw "target not starting with /" 400 "GET login HTTP/1.1\\r\\n$H\\r\\n\\r\\n"
raw "space before a header colon" 400 "GET / HTTP/1.1\\r\\nHost : 127.0.0.1\\r\\n\\r\\n"
raw "HTTP/1.1 without Host" 400 "GET / HTTP/1.1\\r\\nX-A: b\\r\\n\\r\\n"

raw "a chunked body where none is taken" 411 \
    "GET /login HTTP/1.1\\r\\n$H\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n0\\r\\n\\r\\n"
raw "body over form_max (Content-Length 70000)" 413 \
    "POST /login HTTP/1.1\\r\\n$H\\r\\n$FORM\\r\\nContent-Length: 70000\\r\\n\\r\\nusername=a"

long=$(head -c 10000 /dev/zero | tr '\0' a)
raw "a 10000-byte target" 414 "GET /$long HTTP/1.1\\r\\n$H\\r\\n\\r\\n"
{
	printf 'GET / HTTP/1.1\r\n%s\r\n' "$H"
	i=0
	while [ $i -lt 200 ]; do
		printf 'X-Header-%d: value\r\n' $i
		i=$((i + 1))
	done
	printf '\r\n'
} > "$PREFIX/many.req"
rawfile "200 header lines" 431 "$PREFIX/many.req"
printf 'GET / HTTP/1.1\r\n%s\r\nX-Big: %s%s\r\n\r\n' "$H" "$long" "$long" \
    > "$PREFIX/big.req"
rawfile "one 20000-byte header" 431 "$PREFIX/big.req"

raw "unknown method BREW" 501 "BREW / HTTP/1.1\\r\\n$H\\r\\n\\r\\n"
raw "Transfer-Encoding: gzip" 501 \
    "POST /login HTTP/1.1\\r\\n$H\\r\\n$FORM\\r\\nTransfer-Encoding: gzip\\r\\n\\r\\n"
raw "HTTP/2.0 in the request line" 505 "GET / HTTP/2.0\\r\\n$H\\r\\n\\r\\n"

# 408: a client trickling a header section that never ends is cut at
# header_timeout (2 s) from its start, not kept alive by each byte, and
# the server answers others meanwhile.
"$TLSRAW" -p "$PORT" -t 15 -d 200 -c 1 \
    "GET /login HTTP/1.1\\r\\n$H\\r\\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" \
    > "$PREFIX/slow.out" 2>&1 &
SLOW=$!
sleep 0.5
t=$(curl -sk -m 5 -o /dev/null -w '%{http_code} %{time_total}' "$BASE/login")
check "another client is served during the slow one ($t)" \
    sh -c "echo '$t' | awk '\$1 == 200 && \$2 < 1.5 { ok = 1 } END { exit !ok }'"
wait $SLOW
ms=$(sed -n 's/^elapsed_ms: //p' "$PREFIX/slow.out")
diag "slow client: $(tr '\n' ' ' < "$PREFIX/slow.out")"
check "the slow client gets 408" grep -q '^status: HTTP/1.1 408' "$PREFIX/slow.out"
check "... and is closed" grep -q '^closed: yes$' "$PREFIX/slow.out"
check "... after about 2 s ($ms ms)" between "${ms:-0}" 1500 5000
"$TLSRAW" -p "$PORT" -t 10 '' > "$PREFIX/idle.out" 2>&1
ms=$(sed -n 's/^elapsed_ms: //p' "$PREFIX/idle.out")
check "a client that sends nothing is closed within 5 s ($ms ms)" \
    sh -c "grep -q '^closed: yes' '$PREFIX/idle.out' && [ ${ms:-99999} -lt 5000 ]"

code=$(curl -sk -m 5 -o /dev/null -w '%{http_code}' "$BASE/login")
check "after all of them GET /login is still 200 ($code)" [ "$code" = 200 ]
check "register still works" register_api alice 'mango relic tundra 46 fable'
login_api alice 'mango relic tundra 46 fable'
check "login still works ($CODE)" [ "$CODE" = 200 ]
check "smsgd is still running" kill -0 "$DAEMON_PID"
check "all four children still running" all_running
done_testing
