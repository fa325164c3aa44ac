#!/bin/sh
# tlsraw, the raw TLS client of the HTTPS tests, against openssl s_server
# -www: escapes, request files, trickled sends, timeouts and the response
# file.  Needs no root and no smsgd, so it proves the tool on its own.
. "$top_srcdir/regress/https/lib_https.sh"
command -v openssl >/dev/null 2>&1 || skip_all "openssl missing"

PREFIX=$(mktemp -d /tmp/smsg-tlsraw.XXXXXX)
cleanup_tlsraw() {
	[ -n "${SPID:-}" ] && kill "$SPID" 2>/dev/null
	rm -rf "$PREFIX"
}
trap cleanup_tlsraw EXIT
make_cert "$PREFIX"

attempt=0
while [ $attempt -lt 3 ]; do
	PORT=$(free_port)
	openssl s_server -quiet -www -accept "$PORT" -cert "$PREFIX/cert.pem" \
	    -key "$PREFIX/key.pem" > "$PREFIX/server.log" 2>&1 < /dev/null &
	SPID=$!
	s_up() { "$TLSRAW" -p "$PORT" -t 2 'GET / HTTP/1.0\r\n\r\n' | grep -q 200; }
	wait_for 10 s_up && break
	kill "$SPID" 2>/dev/null
	SPID=
	attempt=$((attempt + 1))
done
[ -n "$SPID" ] || { echo "Bail out! openssl s_server did not start"; exit 1; }

"$TLSRAW" -p "$PORT" -t 5 -o "$PREFIX/resp" 'G\x45T / HTTP/1.0\r\n\r\n' \
    > "$PREFIX/out"
check "escaped request: status line printed" \
    grep -q '^status: HTTP/1.0 200 ok$' "$PREFIX/out"
check "escaped request: the server closed" grep -q '^closed: yes$' "$PREFIX/out"
check "-o keeps the whole response" grep -qi 'Ciphers' "$PREFIX/resp"

printf 'GET / HTTP/1.0\r\n\r\n' > "$PREFIX/req"
"$TLSRAW" -p "$PORT" -t 5 -f "$PREFIX/req" > "$PREFIX/out"
check "-f sends a request file" grep -q '^status: HTTP/1.0 200 ok$' "$PREFIX/out"

"$TLSRAW" -p "$PORT" -t 10 -d 100 -c 1 'GET / HTTP/1.0\r\n\r\n' > "$PREFIX/out"
ms=$(sed -n 's/^elapsed_ms: //p' "$PREFIX/out")
check "trickled request is answered" grep -q '^status: HTTP/1.0 200 ok$' "$PREFIX/out"
check "trickled request took over 500 ms ($ms ms)" [ "${ms:-0}" -ge 500 ]

"$TLSRAW" -p "$PORT" -t 2 'GET / HT' > "$PREFIX/out"
ms=$(sed -n 's/^elapsed_ms: //p' "$PREFIX/out")
check "unfinished request: no status" grep -q '^status: none$' "$PREFIX/out"
check "unfinished request: not closed" grep -q '^closed: no$' "$PREFIX/out"
check "unfinished request: gave up at -t 2 ($ms ms)" \
    [ "${ms:-0}" -ge 1900 ] && [ "${ms:-0}" -lt 4000 ]

"$TLSRAW" -p "$PORT" -t 2 'bad \q escape' > /dev/null 2>&1
check "an unknown escape is refused (exit 1)" [ $? -eq 1 ]
"$TLSRAW" -p "$PORT" > /dev/null 2>&1
check "no request is a usage error (exit 2)" [ $? -eq 2 ]
kill "$SPID"
wait "$SPID" 2>/dev/null
SPID=
"$TLSRAW" -p "$PORT" -t 2 'GET / HTTP/1.0\r\n\r\n' > /dev/null 2>&1
check "nobody listening: exit 1" [ $? -eq 1 ]
done_testing
