#!/bin/sh
#
# Streamed request bodies and responses against the real daemon, through
# the test build's /test/sink and /test/source routes (compiled only with
# SMSG_TEST_HOOKS): memory stays bounded whatever the size, a trickling
# client is cut by the minimum rate while a fast one of the same size
# passes, chunked both ways, HEAD gets no body.

H_BODY_TIMEOUT=3
H_BODY_MIN_RATE=200
. "$top_srcdir/regress/https/lib_https.sh"

CLI="python3 $top_srcdir/regress/https/streamcli.py"
# A sanitizer build keeps freed memory in quarantine (256 MiB by default),
# which the resident memory bounds below would count: keep it small here.
if [ -n "${SMSG_SANITIZER:-}" ]; then
	ASAN_OPTIONS="${ASAN_OPTIONS:-}:quarantine_size_mb=1"
	export ASAN_OPTIONS
fi
MIB=1048576
GROWTH_MAX=4096		# kB of resident memory a 64 MiB stream may add

https_start
FRONT=$(child_pid smsg-front)
[ -n "$FRONT" ] || { echo "Bail out! no smsg-front pid"; exit 1; }

# kv LINE KEY: a value from the client's key=value line.
kv() {
	echo "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"
}

grew_less() {
	[ $(( $(kv "$1" peak) - $(kv "$1" base) )) -lt $GROWTH_MAX ]
}

# A first request of each kind, so that start-up allocations (TLS
# session, buffers of the worker) do not count as growth.
$CLI upload "$PORT" "$FRONT" $MIB >/dev/null
$CLI download "$PORT" "$FRONT" $MIB >/dev/null

out=$($CLI upload "$PORT" "$FRONT" $((64 * MIB)) pause)
diag "64 MiB upload, consumer pausing: $out"
check "64 MiB upload: 200" [ "$(kv "$out" status)" = 200 ]
check "... every byte reached the consumer (length and SHA-256)" \
    [ "$(kv "$out" sha_ok)" = 1 ]
check "... the front's VmRSS grew less than 4 MiB" grew_less "$out"

out=$($CLI upload "$PORT" "$FRONT" $((64 * MIB)))
diag "64 MiB upload, full speed: $out"
check "64 MiB upload without pauses: 200, intact" \
    [ "$(kv "$out" status)$(kv "$out" sha_ok)" = 2001 ]
check "... the front's VmRSS grew less than 4 MiB" grew_less "$out"

out=$($CLI upload "$PORT" "$FRONT" $((8 * MIB)) chunked pause)
diag "chunked upload: $out"
check "chunked 8 MiB upload: 200, intact" \
    [ "$(kv "$out" status)$(kv "$out" sha_ok)" = 2001 ]

# body_min_rate 200 B/s after body_idle_timeout 3 s: one byte every
# 0.2 s (5 B/s) is cut; the same 100 bytes at once pass.
out=$($CLI trickle "$PORT" 100 0.2)
diag "trickle: $out"
check "a body trickling at 5 bytes/s is cut: 408" [ "$(kv "$out" status)" = 408 ]
check "... before it was all sent" [ "$(kv "$out" sent)" -lt 100 ]
check "... logged as too slow" log_has "under the minimum"
out=$($CLI upload "$PORT" "$FRONT" 100)
check "the same 100 bytes at full speed: 200" [ "$(kv "$out" status)" = 200 ]

out=$($CLI download "$PORT" "$FRONT" $((64 * MIB)) slow)
diag "64 MiB download, slow reader: $out"
check "64 MiB streamed response to a slow reader: 200, every byte right" \
    [ "$(kv "$out" status)$(kv "$out" pattern_ok)" = 2001 ]
check "... the front's VmRSS grew less than 4 MiB" grew_less "$out"

out=$($CLI download "$PORT" "$FRONT" $((3 * MIB + 7)) chunked)
check "chunked streamed response: 200, every byte right" \
    [ "$(kv "$out" status)$(kv "$out" pattern_ok)" = 2001 ]

out=$($CLI head "$PORT" 1000)
diag "HEAD: $out"
check "HEAD of a stream: 200 with its length" \
    [ "$(kv "$out" status)$(kv "$out" length)" = 2001000 ]
check "... and the security headers" [ "$(kv "$out" csp)" = 1 ]
check "... and no body" [ "$(kv "$out" extra)" = 0 ]

code=$(curl -sk -m $CURL_MAX -o "$PREFIX/body" \
    -w '%{http_code}' "$BASE/test/source?bytes=5000")
check "curl reads a stream of known length: 5000 bytes" \
    [ "$code:$(wc -c < "$PREFIX/body")" = "200:5000" ]

# keep-alive after a streamed body and a streamed response
code=$(curl -sk -m $CURL_MAX -o /dev/null -w '%{http_code}' \
    --data-binary @"$top_srcdir/regress/https/streamcli.py" \
    "$BASE/test/sink" --next -sk -m $CURL_MAX -o /dev/null \
    -w '%{http_code}' "$BASE/test/source?bytes=10")
check "two requests on one connection after a stream: 200 200" \
    [ "$code" = 200200 ]

# Forms parsed as streams in the daemon (multipart.c, urlform.c).
head -c $((5 * MIB)) /dev/urandom > "$PREFIX/file.bin"
want=$(sha256sum < "$PREFIX/file.bin" | cut -d' ' -f1)
code=$(curl -sk -m $CURL_MAX -o "$PREFIX/form" -w '%{http_code}' \
    -F "message={\"to\": [\"bob\"]}" -F "file=@$PREFIX/file.bin;filename=a.bin" \
    "$BASE/test/form")
check "multipart upload of a 5 MiB file and a field: 200" [ "$code" = 200 ]
check "... the file's part: its name, length and SHA-256" \
    grep -qx "file a.bin $((5 * MIB)) $want" "$PREFIX/form"
check "... the field's part, whole" grep -q "^message - 15 " "$PREFIX/form"
code=$(curl -sk -m $CURL_MAX -o "$PREFIX/form" -w '%{http_code}' \
    --data-urlencode "a=x y" --data-urlencode "b=%&=" "$BASE/test/form")
check "urlencoded form: 200 with both fields decoded" \
    [ "$code:$(cut -d' ' -f1,3 "$PREFIX/form" | tr '\n' ,)" = "200:a 3,b 3," ]
printf -- '--XX\r\nContent-Disposition: form-data\r\n\r\nv\r\n--XX--\r\n' \
    > "$PREFIX/bad"
code=$(curl -sk -m $CURL_MAX -o "$PREFIX/form" -w '%{http_code}' \
    -H "Content-Type: multipart/form-data; boundary=XX" \
    --data-binary @"$PREFIX/bad" "$BASE/test/form")
check "a part without a name: 400 at once" [ "$code" = 400 ]
check "... saying why" grep -q "part without a name" "$PREFIX/form"
code=$(curl -sk -m $CURL_MAX -o /dev/null -w '%{http_code}' \
    -H "Content-Type: text/plain" --data-binary x "$BASE/test/form")
check "a form of another type: 415" [ "$code" = 415 ]

# The test routes exist in the test build only.
no_test_routes() {
	! grep -q "/test/sink" "$top_builddir/smsgd/front/smsg-front"
}
check "the smsg-front that is installed has no /test/ routes" no_test_routes
check "... the test build has them" \
    grep -q "/test/sink" "$top_builddir/regress/bin/smsg-front"

done_testing
