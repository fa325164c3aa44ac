#!/bin/sh
#
# demo/messages.sh BASE CACERT ALICE_PASSWORD BOB_PASSWORD
#
# The demo's messages: alice and bob sign in through the JSON API of the
# smsgd at BASE (https://localhost:8443) and write each other a few
# messages, one of them time-locked until two minutes after this run.
# Nothing but the public API: curl, checking the server against CACERT.
# Run again, it finds the messages there and sends none twice.
# Exit 0 when the messages are there, 1 otherwise (with the reason).
set -eu

[ $# -eq 4 ] || { echo "usage: $0 BASE CACERT ALICE_PW BOB_PW" >&2; exit 2; }
BASE=$1 CACERT=$2 APW=$3 BPW=$4
WELCOME="Welcome to smsg"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/smsg-demo.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

fail() {
	echo "demo: $*" >&2
	exit 1
}

# call TOKEN METHOD PATH [JSON]: the status; the answer in $TMP/body
call() {
	tok=$1 m=$2 p=$3 b=${4:-}
	set -- -s -m 20 --cacert "$CACERT" -o "$TMP/body" -w '%{http_code}' \
	    -X "$m"
	[ -n "$tok" ] && set -- "$@" -H "Authorization: Bearer $tok"
	[ -n "$b" ] && set -- "$@" -H "Content-Type: application/json" \
	    --data-binary "$b"
	curl "$@" "$BASE/api/v1/$p" || echo 000
}

# A string member of the last answer (the API's JSON is flat enough).
member() {
	sed -n "s/.*\"$1\": *\"\([^\"]*\)\".*/\1/p" "$TMP/body" | head -1
}

signin() {	# signin NAME PASSWORD: prints the session token
	code=$(call "" POST login "{\"username\": \"$1\", \"password\": \"$2\"}")
	[ "$code" = 200 ] || fail "$1 cannot sign in ($code): $(cat "$TMP/body")"
	member token
}

send() {	# send TOKEN JSON
	code=$(call "$1" POST messages "$2")
	[ "$code" = 201 ] || fail "sending failed ($code): $(cat "$TMP/body")"
}

A=$(signin alice "$APW")
B=$(signin bob "$BPW")

# Already sent by an earlier run: bob's inbox holds the welcome.
code=$(call "$B" GET "messages?folder=inbox&limit=50")
[ "$code" = 200 ] || fail "bob's inbox ($code)"
if grep -q "\"$WELCOME\"" "$TMP/body"; then
	echo "demo: alice and bob have their messages from an earlier run"
	exit 0
fi

unlock=$(date -u -d "@$(($(date +%s) + 120))" +%Y-%m-%dT%H:%M:%SZ)
send "$A" "{\"to\": [\"bob\"], \"subject\": \"$WELCOME\", \"body\": \"Hi bob! This message was sealed in the front, its key wrapped for you alone by smsg-auth, and only ciphertext sits in smsg-store.\"}"
send "$B" "{\"to\": [\"alice\"], \"subject\": \"Re: $WELCOME\", \"body\": \"Hi alice, got it. The signature checks out against your key's fingerprint.\"}"
send "$A" "{\"to\": [\"bob\"], \"subject\": \"Read once\", \"body\": \"This one goes from your inbox once you have read it.\", \"delete_after_read\": true}"
send "$A" "{\"to\": [\"bob\"], \"subject\": \"Not before $unlock\", \"body\": \"Time-locked: neither the store nor auth gave this out before $unlock.\", \"unlock_at\": \"$unlock\"}"
echo "demo: alice and bob have written each other 4 messages; one opens at $unlock"
