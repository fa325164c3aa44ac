#!/bin/sh
#
# Messages through the JSON API against the real daemon: alice sends bob
# a message and bob reads it, signature verified; a time-locked message
# is refused with 423, then served after its unlock time with an
# "unlocked" event on bob's stream; nobody reaches a message that is not
# theirs (404 as for a missing id, over a sweep of guessed ids); clear
# errors; folders and conversations; a blocked sender is refused and
# nothing kept; delete after read; 30 parallel senders, every
# acknowledged message present; large bodies across the store's log
# files; a marker sent in subject and body is on no disk and in no log.

H_FORM_MAX=1048576	# JSON bodies up to 1 MiB (front.form_max)
. "$top_srcdir/regress/https/lib_https.sh"

SSE="python3 $top_srcdir/regress/https/sseclient.py"
PW="correct horse battery staple 42"
WAIT=20
PIDS=

https_start
cleanup_streams() {
	for p in $PIDS; do kill "$p" 2>/dev/null; done
	cleanup
}
trap cleanup_streams EXIT

for u in alice bob carol; do
	register_api $u "$PW" || { echo "Bail out! cannot register $u"; exit 1; }
done
login_api alice "$PW"; A=$TOKEN
login_api bob "$PW"; B=$TOKEN
login_api carol "$PW"; C=$TOKEN
[ -n "$A" ] && [ -n "$B" ] && [ -n "$C" ] ||
    { echo "Bail out! cannot sign in"; exit 1; }

body_has() {	# body_has TEXT: the last answer holds TEXT
	grep -q -- "$1" "$PREFIX/body"
}
field() {	# field KEY: a top-level value of the last answer
	json_get "$PREFIX/body" "$1"
}
sig_field() {
	python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["signature"][sys.argv[2]])' \
	    "$PREFIX/body" "$1" 2>/dev/null
}

# -- send and read
MARK="smsgmark$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
code=$(TOKEN=$A api POST messages "{\"to\": [\"bob\"], \"subject\": \"subj $MARK\", \"body\": \"Hello bob, $MARK body\"}")
check "alice sends bob a message: 201 ($code)" [ "$code" = 201 ]
ID=$(field id)
check "... with an id of 22 URL-safe characters" \
    sh -c "echo '$ID' | grep -Eqx '[A-Za-z0-9_-]{22}'"
both() {	# both A B: neither is empty
	[ -n "$1" ] && [ -n "$2" ]
}
check "... created and expires_at" both "$(field created)" "$(field expires_at)"

code=$(TOKEN=$B api GET "messages/$ID")
check "bob reads it: 200 ($code)" [ "$code" = 200 ]
check "... the subject" [ "$(field subject)" = "subj $MARK" ]
check "... the body" [ "$(field body)" = "Hello bob, $MARK body" ]
check "... from alice" [ "$(field from)" = alice ]
check "... to bob" [ "$(field to)" = '["bob"]' ]
check "... signature verified" [ "$(sig_field verified)" = True ]
check "... with alice's key fingerprint" \
    sh -c "echo '$(sig_field fingerprint)' | grep -Eqx '[0-9a-f]{64}'"
check "... and no files" [ "$(field files)" = '[]' ]
code=$(TOKEN=$A api GET "messages/$ID")
check "alice reads her own copy: 200 ($code)" [ "$code" = 200 ]
check "... the same body" [ "$(field body)" = "Hello bob, $MARK body" ]

# -- what another user must never reach
code=$(TOKEN=$C api GET "messages/$ID")
check "carol reads bob's message: 404 ($code)" [ "$code" = 404 ]
code=$(TOKEN=$C api DELETE "messages/$ID")
check "carol deletes it: 404 ($code)" [ "$code" = 404 ]
code=$(TOKEN=$B api GET "messages/$ID")
check "... and bob still has it: $code" [ "$code" = 200 ]
sweep_ok=1
for i in $(seq 1 40); do
	g=$(python3 -c 'import base64,os; print(base64.urlsafe_b64encode(os.urandom(16)).decode().rstrip("="))')
	for t in "$A" "$B" "$C"; do
		c=$(TOKEN=$t api GET "messages/$g")
		[ "$c" = 404 ] || { sweep_ok=0; diag "GET $g: $c"; }
	done
	c=$(TOKEN=$C api DELETE "messages/$g")
	[ "$c" = 404 ] || { sweep_ok=0; diag "DELETE $g: $c"; }
done
for g in x "$ID"x AAAAAAAAAAAAAAAAAAAAAA ../../me; do
	c=$(TOKEN=$C api GET "messages/$g")
	[ "$c" = 404 ] || { sweep_ok=0; diag "GET $g: $c"; }
done
check "an IDOR sweep over 40 random ids and odd ones: 404 everywhere" \
    [ $sweep_ok = 1 ]
code=$(TOKEN='' api GET "messages/$ID")
check "without a session: 401 ($code)" [ "$code" = 401 ]
# paging from another's message must not tell it from a missing one
code=$(TOKEN=$C api GET "messages?folder=inbox&before=$ID")
cp "$PREFIX/body" "$PREFIX/before.other"
check "carol pages her inbox from bob's message: 404 ($code)" [ "$code" = 404 ]
code=$(TOKEN=$C api GET "messages?folder=inbox&before=AAAAAAAAAAAAAAAAAAAAAA")
check "... as from a missing id ($code), the same answer" \
    sh -c "[ $code = 404 ] && cmp -s '$PREFIX/body' '$PREFIX/before.other'"

# -- clear errors
code=$(TOKEN=$A api POST messages '{"to": ["nosuchuser"], "body": "x"}')
check "an unknown recipient: 422 ($code)" [ "$code" = 422 ]
check "... naming it" body_has nosuchuser
code=$(TOKEN=$A api POST messages '{"to": ["bob"], "body": "x", "unlock_at": "tomorrow"}')
check "a bad unlock_at: 400 ($code)" [ "$code" = 400 ]
check "... naming the field and both formats" \
    sh -c "grep -q unlock_at '$PREFIX/body' && grep -q 2026-12-01T09:00:00Z '$PREFIX/body' && grep -q 01:12:2026:09:00:00 '$PREFIX/body'"
code=$(TOKEN=$A api POST messages '{"to": ["bob"]}')
check "no body: 400 ($code)" [ "$code" = 400 ]
code=$(TOKEN=$A api POST messages '{"to": [], "body": "x"}')
check "no recipient: 400 ($code)" [ "$code" = 400 ]
code=$(TOKEN=$A api POST messages '{"to": ["alice"], "body": "x"}')
check "to oneself: 422 ($code)" [ "$code" = 422 ]
code=$(TOKEN=$A api POST messages '{"to": ["bob", "bob"], "body": "x"}')
check "a recipient named twice: 400 ($code)" [ "$code" = 400 ]
big=$(python3 -c 'print("{\"to\": [\"bob\"], \"body\": \"x\", \"subject\": \"" + "a" * 5000 + "\"}")')
code=$(TOKEN=$A api POST messages "$big")
check "a subject over the store's limit (256): 413 ($code)" [ "$code" = 413 ]
check "... with a clear message" body_has "limit"
code=$(TOKEN=$A api POST messages '{"to": ["bob"], "body": "x", "expires_in": -5}')
check "a negative expires_in: 400 ($code)" [ "$code" = 400 ]

# -- the time-lock, and its live event
$SSE "$PORT" /api/v1/events "$B" "$PREFIX/bev" - &
PIDS="$PIDS $!"
# The stream is registered before its first line is written: once that
# line is in, no event for bob can pass it by.  A wait that timed out
# here went unnoticed before, and a message sent then could come first.
check "bob's event stream is open" \
    wait_for 60 grep -q "smsg events" "$PREFIX/bev"
UNLOCK=$(date -u -d "@$(( $(date +%s) + 4 ))" +%d:%m:%Y:%H:%M:%S)
code=$(TOKEN=$A api POST messages "{\"to\": [\"bob\"], \"subject\": \"later\", \"body\": \"opens later\", \"unlock_at\": \"$UNLOCK\"}")
check "a message locked until $UNLOCK (DD:MM:YYYY:HH:MM:SS): 201 ($code)" \
    [ "$code" = 201 ]
LID=$(field id)
LAT=$(field unlock_at)
check "bob's stream gets a \"message\" event for it" \
    wait_for $WAIT grep -q "$LID" "$PREFIX/bev"
# A notice (auth's ids) on the stream, then a message (the store's): the
# message event once went unsent, as if sent already.
login_api bob "$PW"
check "bob signs in again: the notice reaches his open stream" \
    wait_for $WAIT grep -q '"event": "login"' "$PREFIX/bev"
code=$(TOKEN=$A api POST messages '{"to": ["bob"], "body": "after a notice"}')
NID=$(field id)
check "a message after that notice: 201 ($code)" [ "$code" = 201 ]
check "... its event reaches him" wait_for $WAIT grep -q "\"id\":\"$NID\"" "$PREFIX/bev"
code=$(TOKEN=$B api GET "messages/$LID")
if [ "$code" = 423 ]; then
	check "before its unlock time: 423" true
	check "... error locked, with unlock_at $LAT" \
	    [ "$(field error):$(field unlock_at)" = "locked:$LAT" ]
	check "... and no subject or body" sh -c "! grep -q -e later -e subject -e body '$PREFIX/body'"
else
	for i in 1 2 3; do
		ok "# SKIP the unlock time passed before bob asked ($code)"
	done
fi
check "an \"unlocked\" event reaches bob's stream" \
    wait_for $WAIT grep -q "^event: unlocked" "$PREFIX/bev"
code=$(TOKEN=$B api GET "messages/$LID")
check "after its unlock time bob reads it: 200 ($code)" [ "$code" = 200 ]
check "... its body" [ "$(field body)" = "opens later" ]
# a copy deleted before its unlock time hears nothing of it: one message
# opens a second before another, which bob keeps, so its event (if it
# came) would be in the stream before the other's
T=$(( $(date +%s) + 8 ))
code=$(TOKEN=$A api POST messages "{\"to\": [\"bob\"], \"body\": \"gone\", \"unlock_at\": \"$(date -u -d "@$T" +%Y-%m-%dT%H:%M:%SZ)\"}")
GID=$(field id)
code2=$(TOKEN=$A api POST messages "{\"to\": [\"bob\"], \"body\": \"kept\", \"unlock_at\": \"$(date -u -d "@$((T + 1))" +%Y-%m-%dT%H:%M:%SZ)\"}")
KID=$(field id)
code3=$(TOKEN=$B api DELETE "messages/$GID")
deleted_at=$(date +%s)
check "two locked messages, bob deletes the first ($code $code2 $code3)" \
    [ "$code $code2 $code3" = "201 201 204" ]
check "... the second's \"unlocked\" event reaches him" \
    wait_for 40 grep -q "\"$KID\".*unlock_at" "$PREFIX/bev"
if [ "$deleted_at" -lt "$T" ]; then
	check "... and none for the one he deleted before it opened" \
	    sh -c "! grep '\"$GID\"' '$PREFIX/bev' | grep -q unlock_at"
else
	ok "# SKIP the delete came after the unlock time (a loaded machine)"
fi

# -- folders
msg_of() {	# msg_of ID KEY: KEY of message ID in the last listed page
	python3 - "$PREFIX/body" "$1" "$2" <<'PY'
import json, sys
for m in json.load(open(sys.argv[1]))["messages"]:
    if m["id"] == sys.argv[2]:
        v = m.get(sys.argv[3], "(absent)")
        print(json.dumps(v) if isinstance(v, (list, bool)) or v is None else v)
PY
}
FAR=$(date -u -d "@$(( $(date +%s) + 3600 ))" +%Y-%m-%dT%H:%M:%SZ)
code=$(TOKEN=$A api POST messages "{\"to\": [\"bob\", \"carol\"], \"subject\": \"secret $MARK\", \"body\": \"in an hour\", \"unlock_at\": \"$FAR\"}")
check "a message to bob and carol locked for an hour ($FAR): $code" [ "$code" = 201 ]
FID=$(field id)
code=$(TOKEN=$B api GET "messages?folder=inbox")
check "bob's inbox: 200 ($code)" [ "$code" = 200 ]
check "... lists the first message with its subject" \
    [ "$(msg_of "$ID" subject)" = "subj $MARK" ]
check "... from alice, to bob" [ "$(msg_of "$ID" from) $(msg_of "$ID" to)" = 'alice ["bob"]' ]
check "... read, with no files" [ "$(msg_of "$ID" read) $(msg_of "$ID" files)" = "true 0" ]
check "... and the locked one without its subject" \
    [ "$(msg_of "$FID" locked) $(msg_of "$FID" subject)" = "true (absent)" ]
check "... naming both recipients" [ "$(msg_of "$FID" to)" = '["bob", "carol"]' ]
check "... newest first" [ "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["messages"][0]["id"])' "$PREFIX/body")" = "$FID" ]
code=$(TOKEN=$A api GET "messages?folder=sent&limit=1")
check "alice's sent folder, a page of one: $code" [ "$code" = 200 ]
check "... the newest" [ -n "$(msg_of "$FID" id)" ]
N1=$(field next)
check "... and a next id" [ -n "$N1" ]
code=$(TOKEN=$A api GET "messages?folder=sent&limit=1&before=$N1")
check "the next page: $code" [ "$code" = 200 ]
check "... holds an older message" [ -z "$(msg_of "$FID" id)" ] 
code=$(TOKEN=$C api GET "messages")
check "carol's inbox (the default folder): $code" [ "$code" = 200 ]
check "... has the message to her, not bob's first one" \
    [ -n "$(msg_of "$FID" id)" ] 
check "... and not bob's first one" [ -z "$(msg_of "$ID" id)" ]
code=$(TOKEN=$C api GET "messages?folder=trash")
check "an unknown folder: 400 ($code)" [ "$code" = 400 ]
code=$(TOKEN=$C api GET "messages?limit=1000")
check "a limit over 50: 400 ($code)" [ "$code" = 400 ]
code=$(TOKEN=$C api GET "messages?before=nonsense")
check "before that is no id: 400 ($code)" [ "$code" = 400 ]

# -- a conversation: every message between two people, in time order
code=$(TOKEN=$B api POST messages '{"to": ["alice"], "subject": "re", "body": "bob answers"}')
RID=$(field id)
code=$(TOKEN=$A api POST messages '{"to": ["carol"], "body": "not for bob"}')
CID=$(field id)
code=$(TOKEN=$B api GET "conversations/alice")
check "bob's conversation with alice: 200 ($code)" [ "$code" = 200 ]
conv_ids() {
	python3 -c 'import json,sys; print(" ".join(m["id"] for m in json.load(open(sys.argv[1]))["messages"]))' "$PREFIX/body"
}
CONV=$(conv_ids)
check "... holds alice's first message and bob's answer" \
    sh -c "echo '$CONV' | grep -q '$ID' && echo '$CONV' | grep -q '$RID'"
check "... in time order: his answer last" [ "${CONV##* }" = "$RID" ]
check "... and not alice's message to carol" \
    sh -c "! echo '$CONV' | grep -q '$CID'"
check "... with subjects" [ "$(msg_of "$RID" subject)" = re ]
code=$(TOKEN=$C api GET "conversations/bob")
check "carol's conversation with bob is empty: $code" \
    [ "$code:$(conv_ids)" = "200:" ]
code=$(TOKEN=$B api GET "conversations/nosuchuser")
check "a conversation with nobody: 404 ($code)" [ "$code" = 404 ]

# -- a blocked sender is refused, and nothing of the message is kept
code=$(TOKEN=$B api POST "contacts/alice/block")
check "bob blocks alice: $code" is_one_of "$code" 200 201
code=$(TOKEN=$A api GET "messages?folder=sent&limit=50")
before_sent=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["messages"]))' "$PREFIX/body")
code=$(TOKEN=$A api POST messages '{"to": ["bob"], "body": "let me in"}')
check "alice's message to bob is refused: 403 ($code)" [ "$code" = 403 ]
blocked_clearly() {
	[ "$(field error)" = blocked ] && body_has "does not accept"
}
check "... as blocked, with a clear message" blocked_clearly
code=$(TOKEN=$A api POST messages '{"to": ["carol", "bob"], "body": "let me in"}')
check "... also when bob is one of several recipients: $code" [ "$code" = 403 ]
code=$(TOKEN=$A api GET "messages?folder=sent&limit=50")
after_sent=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["messages"]))' "$PREFIX/body")
check "... and nothing was stored ($before_sent sent before, $after_sent after)" \
    [ "$before_sent" = "$after_sent" ]
code=$(TOKEN=$B api DELETE "contacts/alice/block")
code=$(TOKEN=$A api POST messages '{"to": ["bob"], "body": "thanks"}')
check "once unblocked, alice's message goes: $code" [ "$code" = 201 ]

# -- delete after read, delete
code=$(TOKEN=$A api POST messages '{"to": ["bob"], "body": "burn", "delete_after_read": true}')
DID=$(field id)
code=$(TOKEN=$B api GET "messages/$DID")
check "a delete-after-read message is read once: $code" [ "$code" = 200 ]
code=$(TOKEN=$B api GET "messages/$DID")
check "... then gone for bob: $code" [ "$code" = 404 ]
code=$(TOKEN=$A api GET "messages/$DID")
check "... and still in alice's sent copy: $code" [ "$code" = 200 ]
code=$(TOKEN=$B api DELETE "messages/$ID")
check "bob deletes the first message: 204 ($code)" [ "$code" = 204 ]
code=$(TOKEN=$B api GET "messages/$ID")
check "... then it is gone for him: $code" [ "$code" = 404 ]
check "... with a \"deleted\" event on his stream" \
    wait_for $WAIT grep -q "^event: deleted" "$PREFIX/bev"
code=$(TOKEN=$A api GET "messages/$ID")
check "... and alice keeps hers: $code" [ "$code" = 200 ]

# -- 30 parallel sends from 10 senders (the store opens 8 uploads at
# most per sender): every acknowledged message is there
for k in $(seq 1 10); do
	register_api "sender$k" "$PW" && login_api "sender$k" "$PW" &&
	    eval "S$k=\$TOKEN" || { echo "Bail out! cannot sign sender$k in"; exit 1; }
done
par() {	# par N TOKEN
	c=$(TOKEN=$2 api POST messages "{\"to\": [\"bob\", \"carol\"], \"body\": \"parallel $1\"}" 2>/dev/null)
	[ "$c" = 201 ] && echo "$(json_get "$PREFIX/body" id) $1"
}
: > "$PREFIX/acked"
SENDERS=
for n in $(seq 1 30); do
	eval "t=\$S$(( n % 10 + 1 ))"
	( PREFIX_OUT=$PREFIX; PREFIX=$PREFIX/p$n; mkdir -p "$PREFIX"
	  par $n "$t" >> "$PREFIX_OUT/acked" ) &
	SENDERS="$SENDERS $!"
done
wait $SENDERS
nacked=$(wc -l < "$PREFIX/acked")
check "30 parallel sends: 30 acknowledged ($nacked)" [ "$nacked" -eq 30 ]
present=0
while read -r pid pn; do
	c=$(TOKEN=$C api GET "messages/$pid")
	[ "$c" = 200 ] && [ "$(field body)" = "parallel $pn" ] &&
	    present=$((present + 1))
done < "$PREFIX/acked"
check "... each present for carol with its own body ($present)" \
    [ "$present" -eq "$nacked" ]

# -- large bodies: many chunks each, and more than one log file of the
# store's (10 MB each): Berkeley DB's switch to a new one runs in the
# sandbox
STORE_PID=$(child_pid smsg-store)
python3 -c 'import json; print(json.dumps({"to": ["bob"], "body": "".join(chr(97 + i % 26) for i in range(900000))}))' > "$PREFIX/big.json"
nbig=0
for i in $(seq 1 14); do
	c=$(curl -sk -m $CURL_MAX -o "$PREFIX/body" -w '%{http_code}' \
	    -H "Authorization: Bearer $A" -H "Content-Type: application/json" \
	    --data-binary "@$PREFIX/big.json" "$BASE/api/v1/messages")
	[ "$c" = 201 ] && nbig=$((nbig + 1))
done
BIG=$(field id)
check "14 messages of 900,000 bytes (about 12 MB of log): all 201 ($nbig)" \
    [ "$nbig" -eq 14 ]
code=$(TOKEN=$B api GET "messages/$BIG")
same_body() {
	python3 -c 'import json,sys; a=json.load(open(sys.argv[1]))["body"]; b=json.load(open(sys.argv[2]))["body"]; sys.exit(a != b)' \
	    "$PREFIX/body" "$PREFIX/big.json"
}
check "bob reads the last one whole: $code" same_body
check "... and smsg-store is the same process ($STORE_PID)" \
    [ "$(child_pid smsg-store)" = "$STORE_PID" ]

# -- nothing readable on any disk or in any log
found=$(grep -r -a -l -- "$MARK" "$PREFIX/store" "$PREFIX/auth" "$LOG" 2>/dev/null)
check "the marker is in no file of either data directory nor the log" \
    [ -z "$found" ]
[ -z "$found" ] || diag "found in: $found"

for p in $PIDS; do kill "$p" 2>/dev/null; done
wait $PIDS 2>/dev/null
done_testing
