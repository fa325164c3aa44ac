#!/bin/sh
#
# File attachments against the real daemon: multipart messages through
# the API and the compose page, files streamed in and out.  alice sends
# bob a text and a 10 MiB file; bob downloads it whole (SHA-256, name,
# size); a 25 MiB upload and its download leave every process's memory
# where it was; a marker in subject, body, file and file name is on no
# disk and in no log; nobody else reaches a file (404 over a sweep);
# a locked message's file is 423; every limit is a clear error that
# stores nothing; a client that goes away leaves nothing visible.

H_FORM_MAX=1048576
H_BODY_TIMEOUT=10
STORE_CONF='files_max = 3; file_max = 31457280; quota_mb = 80; upload_timeout = 10;'
. "$top_srcdir/regress/https/lib_https.sh"

# A sanitizer build keeps freed memory in quarantine (256 MiB by default),
# which the resident memory bounds below would count: keep it small here.
if [ -n "${SMSG_SANITIZER:-}" ]; then
	ASAN_OPTIONS="${ASAN_OPTIONS:-}:quarantine_size_mb=1"
	export ASAN_OPTIONS
fi
PW="correct horse battery staple 42"

https_start
for u in alice bob carol dave; do
	register_api $u "$PW" || { echo "Bail out! cannot register $u"; exit 1; }
done
login_api alice "$PW"; A=$TOKEN
login_api bob "$PW"; B=$TOKEN
login_api carol "$PW"; C=$TOKEN
login_api dave "$PW"; D=$TOKEN
[ -n "$A" ] && [ -n "$B" ] && [ -n "$C" ] && [ -n "$D" ] ||
    { echo "Bail out! cannot sign in"; exit 1; }

field() {	# field KEY: a top-level value of the last answer
	json_get "$PREFIX/body" "$1"
}
files_field() {	# files_field N KEY: a value of "files"[N] of the last answer
	python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["files"][int(sys.argv[2])][sys.argv[3]])' \
	    "$PREFIX/body" "$1" "$2" 2>/dev/null
}
sha() {
	sha256sum "$1" | cut -d' ' -f1
}
# send TOKEN JSON [curl -F args...]: a multipart message; prints the status
send() {
	t=$1 j=$2
	shift 2
	curl -sk -m 120 -o "$PREFIX/body" -D "$PREFIX/hdr" -w '%{http_code}' \
	    -H "Authorization: Bearer $t" -F "message=$j;type=application/json" \
	    "$@" "$BASE/api/v1/messages"
}
# fetch TOKEN ID N OUT: download file N; prints the status
fetch() {
	curl -sk -m 120 -o "$4" -D "$PREFIX/hdr" -w '%{http_code}' \
	    -H "Authorization: Bearer $1" "$BASE/api/v1/messages/$2/files/$3"
}
CLI="python3 $top_srcdir/regress/https/filescli.py"
inbox() {	# inbox TOKEN: how many messages the inbox holds (50 at most)
	TOKEN=$1 api GET "messages?folder=inbox&limit=50" > /dev/null
	python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["messages"]))' \
	    "$PREFIX/body" 2>/dev/null || echo none
}
stored() {	# stored NAME: the bytes a user's sent messages hold
	ctl -j show user "$1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["bytes_stored"])'
}
uploads() {	# uploads: how many uploads are open in the store
	ctl -j show messages | python3 -c 'import json,sys; print(json.load(sys.stdin)["uploads"])'
}
no_uploads() {
	[ "$(uploads)" = 0 ]
}
hwm() {		# hwm PID: its resident memory's high-water mark, kB
	awk '/^VmHWM:/ { print $2 }' "/proc/$1/status"
}

# -- alice sends bob a text and a 10 MiB file; bob reads both
MARK="smsgmark$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
head -c 10485760 /dev/urandom > "$PREFIX/ten.bin"
printf 'file content %s\n' "$MARK" >> "$PREFIX/ten.bin"
cp "$PREFIX/ten.bin" "$PREFIX/report-$MARK.bin"
code=$(send "$A" "{\"to\": [\"bob\"], \"subject\": \"subj $MARK\", \"body\": \"body $MARK\"}" \
    -F "file=@$PREFIX/report-$MARK.bin;type=application/x-test")
check "alice sends bob a text and a 10 MiB file: 201 ($code)" [ "$code" = 201 ]
ID=$(field id)
check "... the answer of the JSON form (id, created, expires_at)" \
    sh -c "[ -n '$ID' ] && [ -n '$(field created)' ] && [ -n '$(field expires_at)' ]"
code=$(TOKEN=$B api GET "messages/$ID")
check "bob reads the message: 200 ($code)" [ "$code" = 200 ]
check "... the body" [ "$(field body)" = "body $MARK" ]
check "... one file, n 0" [ "$(files_field 0 n)" = 0 ]
check "... its name" [ "$(files_field 0 name)" = "report-$MARK.bin" ]
check "... its size" [ "$(files_field 0 size)" = "$(wc -c < "$PREFIX/ten.bin")" ]
check "... its type" [ "$(files_field 0 type)" = application/x-test ]
code=$(fetch "$B" "$ID" 0 "$PREFIX/got.bin")
check "bob downloads it: 200 ($code)" [ "$code" = 200 ]
check "... the same SHA-256" [ "$(sha "$PREFIX/got.bin")" = "$(sha "$PREFIX/ten.bin")" ]
check "... Content-Type application/octet-stream" \
    [ "$(hdr_get "$PREFIX/hdr" content-type)" = application/octet-stream ]
check "... nosniff" [ "$(hdr_get "$PREFIX/hdr" x-content-type-options)" = nosniff ]
check "... an attachment with its name" \
    [ "$(hdr_get "$PREFIX/hdr" content-disposition)" = "attachment; filename=\"report-$MARK.bin\"; filename*=UTF-8''report-$MARK.bin" ]
check "... Content-Length the file's size" \
    [ "$(hdr_get "$PREFIX/hdr" content-length)" = "$(wc -c < "$PREFIX/ten.bin")" ]
code=$(fetch "$A" "$ID" 0 "$PREFIX/got2.bin")
check "alice downloads her own copy: 200 ($code)" \
    sh -c "[ $code = 200 ] && cmp -s '$PREFIX/got2.bin' '$PREFIX/ten.bin'"

check "... both hold the marker in the file's bytes" \
    grep -q "file content $MARK" "$PREFIX/got.bin"
code=$(TOKEN=$B api GET "messages?folder=inbox")
check "bob's inbox: the message has 1 file ($code)" \
    python3 -c 'import json,sys; m=[x for x in json.load(open(sys.argv[1]))["messages"] if x["id"]==sys.argv[2]]; sys.exit(0 if m and m[0]["files"]==1 else 1)' \
    "$PREFIX/body" "$ID"

# -- 25 MiB up and down: no process's memory grows.  The store's cache
# (16 MiB) fills on a first large upload, so one goes before measuring.
# carol sends them: each sender has a quota of 80 MiB here.
head -c 26214400 /dev/urandom > "$PREFIX/big.bin"
code=$(send "$C" '{"to": ["bob"], "body": "warm-up"}' -F "file=@$PREFIX/big.bin")
check "a first 25 MiB upload: 201 ($code)" [ "$code" = 201 ]
fetch "$B" "$(field id)" 0 /dev/null > /dev/null
PIDS="$DAEMON_PID $(child_pid smsg-front) $(child_pid smsg-auth) $(child_pid smsg-store) $(child_pid smsg-web)"
check "five processes to watch" [ "$(echo $PIDS | wc -w)" = 5 ]
before=""
for p in $PIDS; do before="$before $(hwm "$p")"; done
code=$(send "$C" '{"to": ["bob"], "body": "twenty-five"}' -F "file=@$PREFIX/big.bin")
check "a 25 MiB upload: 201 ($code)" [ "$code" = 201 ]
BIG=$(field id)
grew() {	# grew: the largest growth of VmHWM since $before, kB
	set -- $before
	max=0
	for p in $PIDS; do
		d=$(( $(hwm "$p") - $1 ))
		[ "$d" -gt "$max" ] && max=$d
		echo "# pid $p: VmHWM $1 -> $(hwm "$p") kB" >> "$PREFIX/hwm"
		shift
	done
	echo "$max"
}
g=$(grew)
check "... no process's memory grew by more than 4 MiB (at most $g kB)" \
    [ "$g" -le 4096 ]
cat "$PREFIX/hwm"; rm -f "$PREFIX/hwm"
before=""
for p in $PIDS; do before="$before $(hwm "$p")"; done
code=$(fetch "$B" "$BIG" 0 "$PREFIX/big.got")
check "its download: 200 and the same bytes ($code)" \
    sh -c "[ $code = 200 ] && cmp -s '$PREFIX/big.bin' '$PREFIX/big.got'"
g=$(grew)
check "... no process's memory grew by more than 4 MiB (at most $g kB)" \
    [ "$g" -le 4096 ]
cat "$PREFIX/hwm"; rm -f "$PREFIX/hwm"
rm -f "$PREFIX/big.got"

# -- chunked upload
code=$(send "$A" '{"to": ["bob"], "body": "chunked"}' \
    -H "Transfer-Encoding: chunked" -F "file=@$PREFIX/ten.bin;filename=c.bin" \
    -F "file=@$PREFIX/report-$MARK.bin;filename=d.bin")
check "a chunked multipart upload with two files: 201 ($code)" [ "$code" = 201 ]
CH=$(field id)
code=$(fetch "$B" "$CH" 1 "$PREFIX/got.bin")
check "... its second file comes back whole ($code)" \
    sh -c "[ $code = 200 ] && cmp -s '$PREFIX/got.bin' '$PREFIX/ten.bin'"

# -- what another user must never reach
code=$(fetch "$C" "$ID" 0 "$PREFIX/got.bin")
check "carol downloads alice's file to bob: 404 ($code)" [ "$code" = 404 ]
code=$(fetch "$A" "$BIG" 0 /dev/null)
check "alice downloads carol's file to bob: 404 ($code)" [ "$code" = 404 ]
check "... and gets none of it" sh -c "! grep -q '$MARK' '$PREFIX/got.bin'"
TOKEN=$B api GET "messages/AAAAAAAAAAAAAAAAAAAAAA" > /dev/null
missing=$(cat "$PREFIX/body")
bad=0
for n in 1 2 99 999999999; do
	code=$(fetch "$B" "$ID" "$n" /dev/null)
	[ "$code" = 404 ] || { bad=$((bad + 1)); diag "file $n: $code"; }
done
check "bob asks for files 1, 2, 99, 999999999 of a message of one: 404 ($bad not)" [ "$bad" = 0 ]
bad=0
for n in 1000000000 99999999999999999999 -1 x 0x1 01 "0%20"; do
	code=$(fetch "$B" "$ID" "$n" /dev/null)
	[ "$code" = 404 ] || { bad=$((bad + 1)); diag "file $n: $code"; }
done
check "huge, negative, non-numeric file numbers: 404 as the route table says ($bad not)" [ "$bad" = 0 ]
bad=0
i=0
while [ $i -lt 40 ]; do
	g=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n' | head -c 22)
	code=$(fetch "$B" "$g" 0 /dev/null)
	[ "$code" = 404 ] || bad=$((bad + 1))
	code=$(fetch "$C" "$ID" "$((i % 3))" /dev/null)
	[ "$code" = 404 ] || bad=$((bad + 1))
	i=$((i + 1))
done
check "40 guessed ids, and carol on 40 of bob's file numbers: all 404 ($bad not)" [ "$bad" = 0 ]
fetch "$C" "$ID" 0 "$PREFIX/got.bin" > /dev/null
check "... the same body as a missing message" [ "$(cat "$PREFIX/got.bin")" = "$missing" ]

# -- a locked message's file
code=$(send "$A" '{"to": ["bob"], "body": "later", "unlock_at": "2099-01-01T00:00:00Z", "expires_in": 86400}' \
    -F "file=@$PREFIX/ten.bin")
check "an unlock time after the expiry, 10 MiB following: 400, answered while the file still comes ($code)" \
    [ "$code" = 400 ]
code=$(send "$A" "{\"to\": [\"bob\"], \"body\": \"later\", \"unlock_at\": \"$(date -u -d '+1 hour' +%Y-%m-%dT%H:%M:%SZ)\"}" \
    -F "file=@$PREFIX/report-$MARK.bin")
check "a message locked for an hour, with a file: 201 ($code)" [ "$code" = 201 ]
LK=$(field id)
code=$(fetch "$B" "$LK" 0 "$PREFIX/got.bin")
check "bob downloads its file: 423 ($code)" [ "$code" = 423 ]
check "... {\"error\": \"locked\", \"unlock_at\": ...}" \
    sh -c "[ \"\$(json_get() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get(sys.argv[2],\"\"))' \"\$1\" \"\$2\"; }; json_get '$PREFIX/got.bin' error)\" = locked ] && grep -q unlock_at '$PREFIX/got.bin'"
check "... and none of the file" sh -c "! grep -q '$MARK' '$PREFIX/got.bin'"
code=$(fetch "$A" "$LK" 0 /dev/null)
check "its sender too: 423 ($code)" [ "$code" = 423 ]

# -- limits: each a clear error, nothing stored
nb=$(inbox "$B")
check "bob's inbox counted ($nb)" between "$nb" 1 40
sa=$(stored alice)
printf 'tiny' > "$PREFIX/tiny.txt"
code=$(send "$A" '{"to": ["bob"], "body": "four files"}' -F "file=@$PREFIX/tiny.txt" \
    -F "file=@$PREFIX/tiny.txt" -F "file=@$PREFIX/tiny.txt" -F "file=@$PREFIX/tiny.txt")
check "four files where three are allowed: 413 ($code)" [ "$code" = 413 ]
check "... saying the limit" grep -q "at most 3 files" "$PREFIX/body"
head -c 31457281 /dev/zero > "$PREFIX/over.bin"
code=$(send "$A" '{"to": ["bob"], "body": "too big"}' -F "file=@$PREFIX/over.bin")
check "a file a byte over file_max: 413 ($code)" [ "$code" = 413 ]
check "... saying the limit" grep -q "at most 31457280 bytes" "$PREFIX/body"
rm -f "$PREFIX/over.bin"
check "... nothing reached bob" [ "$(inbox "$B")" = "$nb" ]
check "... alice's stored bytes unchanged" [ "$(stored alice)" = "$sa" ]
head -c 29360128 /dev/zero > "$PREFIX/28m.bin"
sd=$(stored dave)
code=$(send "$D" '{"to": ["bob"], "body": "over quota"}' -F "file=@$PREFIX/28m.bin" \
    -F "file=@$PREFIX/28m.bin" -F "file=@$PREFIX/28m.bin")
check "84 MiB of files over an 80 MiB quota: 507 ($code)" [ "$code" = 507 ]
check "... the quota error of the JSON API" \
    sh -c "[ \"\$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[\"error\"])' '$PREFIX/body')\" = quota ]"
check "... dave's stored bytes unchanged ($sd)" [ "$(stored dave)" = "$sd" ]
check "... nothing reached bob" [ "$(inbox "$B")" = "$nb" ]
check "... no upload left open" wait_for 10 no_uploads
rm -f "$PREFIX/28m.bin"

# -- malformed forms: 400, nothing stored
mp() {	# mp TOKEN FILE: a raw multipart body with boundary XX
	curl -sk -m 20 -o "$PREFIX/body" -w '%{http_code}' \
	    -H "Authorization: Bearer $1" \
	    -H "Content-Type: multipart/form-data; boundary=XX" \
	    --data-binary "@$2" "$BASE/api/v1/messages"
}
printf -- '--XX\r\nContent-Disposition: form-data; name="message"\r\n\r\n{"to": ["bob"], "body": "t"}\r\n--XX\r\nContent-Disposition: form-data; name="file"; filename="a"\r\n\r\nabc' > "$PREFIX/mp"
code=$(mp "$A" "$PREFIX/mp")
check "a form without its final boundary: 400 ($code)" [ "$code" = 400 ]
printf -- '--XX\r\nContent-Disposition: form-data; name="file"; filename="a"\r\n\r\nabc\r\n--XX--\r\n' > "$PREFIX/mp"
code=$(mp "$A" "$PREFIX/mp")
check "no message part: 400 ($code)" [ "$code" = 400 ]
check "... saying it must come first" grep -q 'must be \\"message\\"' "$PREFIX/body"
printf -- '--XX\r\nContent-Disposition: form-data; name="file"; filename="a"\r\n\r\nabc\r\n--XX\r\nContent-Disposition: form-data; name="message"\r\n\r\n{"to": ["bob"], "body": "t"}\r\n--XX--\r\n' > "$PREFIX/mp"
code=$(mp "$A" "$PREFIX/mp")
check "the message part after a file: 400 ($code)" [ "$code" = 400 ]
printf -- '--XX\r\nContent-Disposition: form-data; name="message"\r\n\r\n{"to": ["bob"], "body": \r\n--XX--\r\n' > "$PREFIX/mp"
code=$(mp "$A" "$PREFIX/mp")
check "a message part that is not JSON: 400 ($code)" [ "$code" = 400 ]
printf -- '--XX\r\nContent-Disposition: form-data; name="message"\r\n\r\n{"to": ["bob"], "body": "t"}\r\n--XX\r\nContent-Disposition: form-data\r\n\r\nabc\r\n--XX--\r\n' > "$PREFIX/mp"
code=$(mp "$A" "$PREFIX/mp")
check "a part without a name: 400 ($code)" [ "$code" = 400 ]
# refused (mp_refused WHAT WHY): 400 saying why, nothing reached bob
mp_refused() {
	code=$(mp "$A" "$PREFIX/mp")
	check "$1: 400 ($code)" [ "$code" = 400 ]
	check "... saying $2" grep -q "$2" "$PREFIX/body"
}
nb=$(inbox "$B")
MSGPART='--XX\r\nContent-Disposition: form-data; name="message"\r\n\r\n{"to": ["bob"], "body": "t"}\r\n'
{ head -c 2000 /dev/zero | tr '\0' p; printf -- "\r\n$MSGPART--XX--\r\n"; } > "$PREFIX/mp"
mp_refused "2000 bytes before the first boundary" "too many bytes before the first boundary"
head -c 200000 /dev/zero | tr '\0' z > "$PREFIX/mp"
mp_refused "a boundary that never comes, 200 kB of it" "too many bytes before the first boundary"
{ printf -- "$MSGPART"; printf -- '--XX\r\nContent-Disposition: form-data; name="file"; filename="a"\r\n\r\nabc\r\n--XX--\r\n'; head -c 5000 /dev/zero | tr '\0' e; } > "$PREFIX/mp"
mp_refused "5000 bytes after the final boundary" "too many bytes after the final boundary"
printf -- "$MSGPART$MSGPART--XX--\r\n" > "$PREFIX/mp"
mp_refused "two message parts" 'Only parts named \\"file\\" may follow'
printf -- "$MSGPART"'--XX\r\nContent-Disposition: form-data; name="file"; filename="n.eml"\r\nContent-Type: multipart/mixed; boundary=YY\r\n\r\n--YY\r\n\r\nin\r\n--YY--\r\n--XX--\r\n' > "$PREFIX/mp"
mp_refused "a file part that is itself multipart" "a part that is itself multipart"
{ printf -- "$MSGPART"'--XX\r\nContent-Disposition: form-data; name="file"; filename="a"\r\n'; for i in 1 2 3 4 5 6 7 8 9; do printf 'X-%d: y\r\n' $i; done; printf '\r\nabc\r\n--XX--\r\n'; } > "$PREFIX/mp"
mp_refused "a part with ten header lines" "too many part header lines"
check "... none of these reached bob" [ "$(inbox "$B")" = "$nb" ]
check "... and no upload is left open" wait_for 10 no_uploads
printf -- '--XX\r\nContent-Disposition: form-data; name="message"\r\n\r\n{"to": ["bob"], "body": "empty file"}\r\n--XX\r\nContent-Disposition: form-data; name="file"; filename="empty.txt"\r\n\r\n\r\n--XX--\r\n' > "$PREFIX/mp"
code=$(mp "$A" "$PREFIX/mp")
check "an empty file: 201 ($code)" [ "$code" = 201 ]
EM=$(field id)
code=$(fetch "$B" "$EM" 0 "$PREFIX/got.bin")
check "... downloads as 0 bytes ($code)" \
    sh -c "[ $code = 200 ] && [ ! -s '$PREFIX/got.bin' ] && [ \"\$(grep -i '^content-length' '$PREFIX/hdr' | tr -d '\r')\" = 'Content-Length: 0' ]"
check "... nothing else reached bob" [ "$(inbox "$B")" = "$((nb + 1))" ]
check "... no upload left open" wait_for 10 no_uploads

# -- a client that goes away mid-upload: nothing visible, the upload swept
nb=$(inbox "$B")
out=$($CLI cut "$PORT" "$A" 5000000 1000000)
check "a client sends 1 MB of a 5 MB upload and goes ($out)" [ "$out" = "sent=1000000" ]
check "... nothing reached bob" [ "$(inbox "$B")" = "$nb" ]
check "... the upload is gone (aborted, or else swept within 60 s)" wait_for 60 no_uploads
check "... and the daemon runs on" all_running

# -- a download whose client stops reading: the front holds little, then drops it
FRONT=$(child_pid smsg-front)
out=$($CLI stall "$PORT" "$B" "$BIG" 0 "$FRONT" 3)
diag "stalled download: $out"
base=$(echo "$out" | sed -n 's/.*base=\([0-9]*\).*/\1/p')
peak=$(echo "$out" | sed -n 's/.*peak=\([0-9]*\).*/\1/p')
check "a client that stops reading a 25 MiB download: 200" \
    sh -c "echo '$out' | grep -q 'status=200'"
check "... the front's memory grew by at most 4 MiB (base $base, peak $peak kB)" \
    [ "$((peak - base))" -le 4096 ]
check "... and it drops the client (body_idle_timeout)" \
    sh -c "echo '$out' | grep -q 'closed=1'"

# -- the message deleted, the session revoked, while a file is read
GO="$PREFIX/go"
# while_reading WHAT TOKEN ID N CMD...: CMD runs while file N is read;
# then the download must end, whole or cut short, never longer
while_reading() {
	what=$1 t=$2 id=$3 n=$4
	shift 4
	rm -f "$GO" "$GO.reading"
	GO=$GO $CLI slowget "$PORT" "$t" "$id" "$n" > "$PREFIX/slow.out" &
	slow=$!
	wait_for 20 test -f "$GO.reading"
	code=$("$@")
	check "$what while a file is read: $code" is_one_of "$code" 200 204
	touch "$GO"
	wait "$slow"
	out=$(cat "$PREFIX/slow.out")
	diag "download: $out"
	len=$(echo "$out" | sed -n 's/.*length=\([0-9]*\).*/\1/p')
	got=$(echo "$out" | sed -n 's/.*got=\([0-9]*\).*/\1/p')
	check "... the download ends, whole or cut, never longer ($got of $len)" \
	    sh -c "echo '$out' | grep -q status=200 && [ '$got' -le '$len' ]"
	check "... the daemon runs on" all_running
}
delete_big() {
	TOKEN=$B api DELETE "messages/$BIG"
}
sign_out_b2() {
	TOKEN=$B2 api POST logout
}
while_reading "bob deletes the message" "$B" "$BIG" 0 delete_big
login_api bob "$PW"; B2=$TOKEN
while_reading "bob signs that session out" "$B2" "$CH" 0 sign_out_b2
check "... and it was cut, not sent whole after the sign-out ($got of $len)" \
    [ "$got" -lt "$len" ]
check "... the front says why" log_has "cut: its session ended"
code=$(fetch "$B2" "$CH" 0 /dev/null)
check "... the next one is refused: 401 ($code)" [ "$code" = 401 ]
# an upload whose session is signed out halfway is not sent
login_api alice "$PW"; A2=$TOKEN
nb=$(inbox "$B")
rm -f "$GO" "$GO.sending"
GO=$GO $CLI pauseput "$PORT" "$A2" 4000000 > "$PREFIX/put.out" &
put=$!
wait_for 20 test -f "$GO.sending"
code=$(TOKEN=$A2 api POST logout)
check "alice signs out the session of an upload halfway through: $code" [ "$code" = 204 ]
touch "$GO"
wait "$put"
check "... the upload is refused, 401 ($(cat "$PREFIX/put.out"))" \
    grep -qx "status=401" "$PREFIX/put.out"
check "... nothing reached bob" [ "$(inbox "$B")" = "$nb" ]
check "... no upload left open" wait_for 10 no_uploads

# -- delete after read: the text and every file read in full
code=$(send "$A" '{"to": ["bob"], "body": "read me once", "delete_after_read": true}' \
    -F "file=@$PREFIX/tiny.txt;filename=one.txt" -F "file=@$PREFIX/tiny.txt;filename=two.txt")
check "a delete-after-read message with two files: 201 ($code)" [ "$code" = 201 ]
DR=$(field id)
code=$(TOKEN=$B api GET "messages/$DR")
check "bob reads its text: 200 ($code)" [ "$code" = 200 ]
code=$(TOKEN=$B api GET "messages/$DR")
check "... it is still there, files unread: 200 ($code)" [ "$code" = 200 ]
code=$(fetch "$B" "$DR" 1 "$PREFIX/got.bin")
check "bob downloads file 1: 200 ($code)" [ "$code" = 200 ]
code=$(TOKEN=$B api GET "messages/$DR")
check "... still there, file 0 unread: 200 ($code)" [ "$code" = 200 ]
code=$(fetch "$B" "$DR" 0 "$PREFIX/got.bin")
check "bob downloads file 0: 200, the same bytes ($code)" \
    sh -c "[ $code = 200 ] && [ \"\$(cat '$PREFIX/got.bin')\" = tiny ]"
code=$(TOKEN=$B api GET "messages/$DR")
check "... now bob's copy is gone: 404 ($code)" [ "$code" = 404 ]
code=$(fetch "$B" "$DR" 1 /dev/null)
check "... its files too: 404 ($code)" [ "$code" = 404 ]
code=$(TOKEN=$A api GET "messages/$DR")
check "... alice's copy stays: 200 ($code)" [ "$code" = 200 ]

# -- the compose page: POST /messages, multipart, CSRF first
form_post /login --data-urlencode username=alice \
    --data-urlencode "password=$PW" > /dev/null
form_get /settings/password > /dev/null
CSRF=$(csrf_of "$PREFIX/page")
check "alice signs in on the page, a CSRF token" [ -n "$CSRF" ]
page_send() {	# page_send [curl -F args...]: POST /messages as a browser
	form_post /messages "$@"
}
code=$(page_send -F "csrf=$CSRF" -F "to=bob, carol" -F "subject=page $MARK" \
    -F "body=from the page" -F "unlock_at=" -F "tz_offset=60" \
    -F "expires_in=86400" -F "delete_after_read=on" \
    -F "file=@$PREFIX/report-$MARK.bin;type=application/x-test" \
    -F "file=@$PREFIX/tiny.txt")
check "the compose form with two files: 303 ($code)" [ "$code" = 303 ]
loc=$(hdr_get "$PREFIX/hdr" location)
PG=${loc#/messages/}
check "... to /messages/{id} ($loc)" sh -c "echo '$loc' | grep -Eqx '/messages/[A-Za-z0-9_-]{22}'"
code=$(TOKEN=$C api GET "messages/$PG")
check "carol, among its recipients, reads it: 200 ($code)" [ "$code" = 200 ]
check "... the subject" [ "$(field subject)" = "page $MARK" ]
check "... two files, the first named ($(files_field 0 name))" [ "$(files_field 0 name)" = "report-$MARK.bin" ]
check "... the second's size" [ "$(files_field 1 size)" = 4 ]
code=$(TOKEN=$B api GET "messages/$PG")
check "bob too: 200 ($code)" [ "$code" = 200 ]
code=$(form_get "/messages/$PG/files/0")
check "alice downloads on the page, her cookie: 200 ($code)" [ "$code" = 200 ]
check "... an attachment" sh -c "hdr_get() { :; }; grep -qi '^content-disposition: attachment; filename=\"report-$MARK.bin\"' '$PREFIX/hdr'"
check "... application/octet-stream, nosniff" \
    sh -c "grep -qi '^content-type: application/octet-stream' '$PREFIX/hdr' && grep -qi '^x-content-type-options: nosniff' '$PREFIX/hdr'"
check "... the same bytes" cmp -s "$PREFIX/page" "$PREFIX/report-$MARK.bin"
# an hour from now, as a person at UTC+1 picks it
T=$(( ($(date +%s) + 3600) / 60 * 60 ))
LOCAL=$(date -u -d "@$((T + 3600))" +%Y-%m-%dT%H:%M)
printf -- '--XX\r\nContent-Disposition: form-data; name="csrf"\r\n\r\n%s\r\n--XX\r\nContent-Disposition: form-data; name="to"\r\n\r\nbob\r\n--XX\r\nContent-Disposition: form-data; name="body"\r\n\r\nlocked\r\n--XX\r\nContent-Disposition: form-data; name="unlock_at"\r\n\r\n%s\r\n--XX\r\nContent-Disposition: form-data; name="tz_offset"\r\n\r\n60\r\n--XX\r\nContent-Disposition: form-data; name="file"; filename=""\r\nContent-Type: application/octet-stream\r\n\r\n\r\n--XX--\r\n' \
    "$CSRF" "$LOCAL" > "$PREFIX/mp"
code=$(page_send -H "Content-Type: multipart/form-data; boundary=XX" \
    --data-binary "@$PREFIX/mp")
check "a locked message, its time in the person's zone, no file chosen: 303 ($code)" [ "$code" = 303 ]
loc=$(hdr_get "$PREFIX/hdr" location)
code=$(TOKEN=$B api GET "messages/${loc#/messages/}")
check "... locked until that time in UTC: 423 ($code)" \
    sh -c "[ $code = 423 ] && [ \"\$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[\"unlock_at\"])' '$PREFIX/body')\" = $T ]"
# by its id: messages of the same second list in any order
code=$(TOKEN=$A api GET "messages?folder=sent&limit=50")
check "... and no file: the browser's empty part was skipped" \
    python3 -c 'import json,sys; m=[m for m in json.load(open(sys.argv[1]))["messages"] if m["id"]==sys.argv[2]]; sys.exit(0 if len(m)==1 and m[0]["files"]==0 else 1)' "$PREFIX/body" "${loc#/messages/}"
nb=$(inbox "$B")
code=$(page_send -F "to=bob" -F "csrf=$CSRF" -F "body=csrf not first")
check "CSRF not the first field: 403 ($code)" [ "$code" = 403 ]
code=$(page_send -F "csrf=x$CSRF" -F "to=bob" -F "body=bad csrf")
check "a wrong CSRF token: 403 ($code)" [ "$code" = 403 ]
code=$(page_send -F "csrf=$CSRF" -F "to=nobody-here" -F "body=x")
check "an unknown recipient: the page's error ($code)" [ "$code" = 422 ]
check "... in clear text" grep -q "nobody-here" "$PREFIX/page"
code=$(page_send -F "csrf=$CSRF" -F "to=bob" -F "body=x" -F "unlock_at=tomorrow")
check "an unlock time that is none: 400 ($code)" [ "$code" = 400 ]
check "... nothing reached bob" [ "$(inbox "$B")" = "$nb" ]
code=$(curl -sk -m 20 -o /dev/null -w '%{http_code}' -b "$PREFIX/cookies" \
    -H "Origin: https://evil.example" -F "csrf=$CSRF" -F "to=bob" -F "body=x" \
    "$BASE/messages")
check "the compose form from another site: 403 ($code)" [ "$code" = 403 ]

# -- the marker is on no disk and in no log
ctl purge > /dev/null 2>&1
hits=$(grep -rla -- "$MARK" "$PREFIX/store" "$PREFIX/auth" "$LOG" 2>/dev/null | wc -l)
check "the marker of subject, body, file and file name is in no database, log or daemon log ($hits)" \
    [ "$hits" = 0 ]
check "... though it was in what was sent" grep -q "$MARK" "$PREFIX/ten.bin"

done_testing
