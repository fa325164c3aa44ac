#!/bin/sh
#
# A file's refusals that need the daemon bent a little.  With the test
# build's SMSG_TEST_STORE_IGNORES_LOCK the store serves a locked message
# as if its time had come: auth still refuses its key, so the file is
# 423 (and the message too), none of it sent.  A chunk damaged on the
# disk in the middle of a file (changed with the db5.3 tools while the
# daemon is stopped): the download starts, is cut at that chunk, the
# client has only the bytes before it (never a complete file), and the
# log says why without a byte of the file.

SMSG_TEST_STORE_IGNORES_LOCK=1
export SMSG_TEST_STORE_IGNORES_LOCK
. "$top_srcdir/regress/https/lib_https.sh"

command -v db5.3_dump >/dev/null 2>&1 && command -v db5.3_load >/dev/null 2>&1 ||
    skip_all "db5.3_dump and db5.3_load (db5.3-util) are missing"
PW="correct horse battery staple 42"
https_start
signin_both() {
	login_api alice "$PW"; A=$TOKEN
	login_api bob "$PW"; B=$TOKEN
	[ -n "$A" ] && [ -n "$B" ] || { echo "Bail out! cannot sign in"; exit 1; }
}
for u in alice bob; do
	register_api $u "$PW" || { echo "Bail out! cannot register $u"; exit 1; }
done
signin_both

field() {	# field KEY: a top-level value of the last answer
	json_get "$PREFIX/body" "$1"
}
send() {	# send JSON FILE: a message with one file; prints the status
	curl -sk -m 60 -o "$PREFIX/body" -w '%{http_code}' \
	    -H "Authorization: Bearer $A" -F "message=$1;type=application/json" \
	    -F "file=@$2" "$BASE/api/v1/messages"
}
MARK="smsgmark$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
# 1 MiB: sixteen chunks of the stream, the marker throughout
python3 -c "import sys; sys.stdout.write(('$MARK' * 70000)[:1048576])" > "$PREFIX/file.bin"

# -- auth's own 423 for a file
code=$(send "{\"to\": [\"bob\"], \"body\": \"later\", \"unlock_at\": \"$(date -u -d '+1 hour' +%Y-%m-%dT%H:%M:%SZ)\"}" "$PREFIX/file.bin")
check "a message locked for an hour, with a file: 201 ($code)" [ "$code" = 201 ]
LK=$(field id)
code=$(curl -sk -m 20 -o "$PREFIX/got" -w '%{http_code}' \
    -H "Authorization: Bearer $B" "$BASE/api/v1/messages/$LK/files/0")
check "the store serves it, auth refuses: bob's download is 423 ($code)" [ "$code" = 423 ]
check "... {\"error\": \"locked\"}" [ "$(json_get "$PREFIX/got" error)" = locked ]
check "... and none of the file" sh -c "! grep -q '$MARK' '$PREFIX/got'"
code=$(TOKEN=$B api GET "messages/$LK")
check "... the message itself: 423 from auth too ($code)" [ "$code" = 423 ]
code=$(curl -sk -m 20 -o "$PREFIX/got" -w '%{http_code}' \
    -H "Authorization: Bearer $A" "$BASE/api/v1/messages/$LK/files/0")
check "... its sender's download: 423 ($code)" [ "$code" = 423 ]

# -- a chunk damaged on the disk, in the middle of a file
code=$(send '{"to": ["bob"], "body": "damaged later"}' "$PREFIX/file.bin")
check "a message with a 1 MiB file: 201 ($code)" [ "$code" = 201 ]
ID=$(field id)
kill "$DAEMON_PID"
wait_for 20 daemon_gone || { echo "Bail out! smsgd did not stop"; exit 1; }
# chunk 8 of stream 2 (the file): one bit of its ciphertext flipped
db5.3_dump -h "$PREFIX/store" chunk.db > "$PREFIX/chunks.dump"
python3 - "$PREFIX/chunks.dump" "$ID" > "$PREFIX/bad.dump" <<'PY'
import base64, sys
lines = open(sys.argv[1]).read().split("\n")
key = (base64.urlsafe_b64decode(sys.argv[2] + "==") +
       (2).to_bytes(4, "big") + (8).to_bytes(8, "big")).hex()
end = lines.index("HEADER=END")
for i in range(end + 1, len(lines) - 1, 2):
    if lines[i].strip() == key:
        v = bytearray.fromhex(lines[i + 1].strip())
        v[100] ^= 1
        print("\n".join(lines[:end + 1]))
        print(" " + key)
        print(" " + v.hex())
        print("DATA=END")
        break
PY
check "... its chunk 8 found in chunk.db" [ -s "$PREFIX/bad.dump" ]
setpriv --reuid=_smsgstore --regid=_smsgstore --clear-groups \
    db5.3_load -h "$PREFIX/store" -f "$PREFIX/bad.dump" chunk.db
check "... and changed on the disk (db5.3_load: $?)" [ $? -eq 0 ]
cp "$LOG" "$LOG.before"
daemon_start
wait_for 20 serving && wait_for 20 all_running ||
    { echo "Bail out! smsgd did not start again"; exit 1; }
signin_both
curl -sk -m 20 -o "$PREFIX/got" -w '%{http_code}' \
    -H "Authorization: Bearer $B" "$BASE/api/v1/messages/$ID/files/0" \
    > "$PREFIX/code"
rc=$?
got=$(stat -c %s "$PREFIX/got")
check "bob's download begins: 200 ($(cat "$PREFIX/code"))" [ "$(cat "$PREFIX/code")" = 200 ]
check "... and is cut short: curl sees a partial file (exit $rc)" [ "$rc" = 18 ]
check "... $got bytes of 1048576: what came before chunk 8, no more" \
    [ "$got" -le $((8 * 65536)) ] && [ "$got" -gt 0 ]
check "... each of them the file's own" \
    cmp -s "$PREFIX/got" "$PREFIX/file.bin" -n "$got"
check "... the log says why" \
    wait_for 10 grep -q "download of a file of $ID cut: a chunk failed authentication" "$LOG"
check "... and holds none of the file" sh -c "! grep -q '$MARK' '$LOG' '$LOG.before'"
code=$(curl -sk -m 20 -o /dev/null -w '%{http_code}' \
    -H "Authorization: Bearer $B" "$BASE/api/v1/messages/$ID/files/0")
check "... a second try is cut too, and the daemon runs on ($code)" \
    sh -c "[ '$code' = 200 ] && grep -c 'cut: a chunk failed' '$LOG' | grep -qx 2"
check "... all running" all_running

done_testing
