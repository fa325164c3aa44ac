#!/bin/sh
#
# Broadcasts against the real daemon.  Under messages.broadcast
# "administrators" (the default) only an account with the administrator
# flag may broadcast (403 otherwise, and again once the flag is off);
# every other account gets the broadcast once, with "broadcast": true,
# readable and verified, and deletes its copy on its own; the last copy
# gone, the message and its ciphertext go.  smsgctl broadcast sends as
# the system ("smsg", "system": true) from an argument or standard input,
# with -j, and refuses bad input.  An account made later gets no old
# broadcast.  A deleted account leaves the others' contact lists.  The
# marker of a broadcast is on no disk and in no log.  Then the daemon
# again under "everyone" (anyone may) and "nobody" (nobody, smsgctl
# included).

. "$top_srcdir/regress/https/lib_https.sh"

PW="correct horse battery staple 42"
https_start

for u in alice bob carol dave; do
	register_api $u "$PW" || { echo "Bail out! cannot register $u"; exit 1; }
done
signin() {	# signin NAME: its token in the variable of that name
	login_api "$1" "$PW"
	[ "$CODE" = 200 ] || { echo "Bail out! cannot sign in $1"; exit 1; }
	eval "$1=\$TOKEN"
}
signin_all() {
	for u in alice bob carol dave; do signin $u; done
}
signin_all

field() {	# field KEY: a top-level value of the last answer
	json_get "$PREFIX/body" "$1"
}
sig_verified() {
	python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["signature"]["verified"])' \
	    "$PREFIX/body" 2>/dev/null
}
# inbox_count TOKEN ID: how often ID is in that account's inbox
inbox_count() {
	TOKEN=$1 api GET "messages?folder=inbox&limit=50" >/dev/null
	python3 -c 'import json,sys
m = json.load(open(sys.argv[1]))["messages"]
print(sum(1 for x in m if x["id"] == sys.argv[2]))' "$PREFIX/body" "$2"
}
# inbox_row TOKEN ID KEY: a member of ID's entry in the inbox
inbox_row() {
	TOKEN=$1 api GET "messages?folder=inbox&limit=50" >/dev/null
	python3 -c 'import json,sys
m = [x for x in json.load(open(sys.argv[1]))["messages"] if x["id"] == sys.argv[2]]
v = m[0].get(sys.argv[3], "") if m else "none"
print(("true" if v else "false") if isinstance(v, bool) else v)' \
	    "$PREFIX/body" "$2" "$3"
}
stored() {	# messages the store holds
	ctl -j show messages | python3 -c 'import json,sys; print(json.load(sys.stdin)["messages"])'
}

MARK="bcastmark$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
MSG="{\"subject\": \"News $MARK\", \"body\": \"To everyone: $MARK\"}"

# -- administrators only, by the flag
code=$(TOKEN=$bob api POST broadcast "$MSG")
check "bob, no administrator, broadcasts: 403 ($code)" [ "$code" = 403 ]
check "... forbidden, saying why" sh -c "grep -q 'Only an administrator' '$PREFIX/body'"
code=$(TOKEN=$alice api POST broadcast "$MSG")
check "alice, before the flag, is refused too: 403 ($code)" [ "$code" = 403 ]
check "smsgctl user admin alice on" ctl user admin alice on
code=$(TOKEN=$alice api POST broadcast "$MSG")
check "alice, an administrator, broadcasts: 201 ($code)" [ "$code" = 201 ]
ID=$(field id)
check "... an id" sh -c "echo '$ID' | grep -Eqx '[A-Za-z0-9_-]{22}'"
check "... to the 3 other accounts ($(field recipients))" [ "$(field recipients)" = 3 ]
check "... created and expires_at" sh -c "[ -n '$(field created)' ] && [ -n '$(field expires_at)' ]"

for u in bob carol dave; do
	eval "t=\$$u"
	check "$u has it once in the inbox" [ "$(inbox_count "$t" "$ID")" = 1 ]
	check "... marked broadcast" [ "$(inbox_row "$t" "$ID" broadcast)" = true ]
	check "... not from the system" [ "$(inbox_row "$t" "$ID" system)" = false ]
	code=$(TOKEN=$t api GET "messages/$ID")
	check "$u reads it: 200 ($code)" [ "$code" = 200 ]
	check "... the body" [ "$(field body)" = "To everyone: $MARK" ]
	check "... from alice" [ "$(field from)" = alice ]
	check "... signature verified" [ "$(sig_verified)" = True ]
	check "... broadcast true, system false" \
	    sh -c "[ '$(field broadcast)' = true ] && [ '$(field system)' = false ]"
done
code=$(TOKEN=$alice api GET "messages?folder=sent")
check "alice has it in her sent folder ($code)" grep -q "$ID" "$PREFIX/body"
[ "$code" = 200 ] || diag "sent folder: $(head -c 300 "$PREFIX/body")"

# -- the front seals a session's broadcast: auth never reads its text,
# while smsgctl's comes to auth as text (the control shows the watch
# sees what auth reads).  strace watches auth's reads; its output goes
# to a count, never to a disk.
traced() {	# every thread of auth traced
	for t in /proc/$AUTH_PID/task/*/status; do
		awk '$1 == "TracerPid:" { exit $2 == 0 }' "$t" || return 1
	done
}
untraced() {
	! grep -q '^TracerPid:[[:space:]]*[1-9]' /proc/$AUTH_PID/status
}
watch_auth() {	# watch_auth TEXT CMD...: how often auth read TEXT
	text=$1
	shift
	(strace -qq -f -p "$AUTH_PID" -e trace=read,recvmsg -s 70000 2>&1 |
	    grep -c "$text" > "$PREFIX/seen") &
	wpid=$!
	wait_for 20 traced || { echo "# strace did not attach"; }
	"$@" > /dev/null
	pkill -f "strace -qq -f -p $AUTH_PID" 2>/dev/null
	wait "$wpid" 2>/dev/null
	wait_for 20 untraced
	cat "$PREFIX/seen"
}
AUTH_PID=$(child_pid smsg-auth)
if command -v strace > /dev/null; then
	M2="sealedmark$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
	n=$(watch_auth "$M2" ctl broadcast "by smsgctl $M2")
	check "the watch sees smsgctl's broadcast text reach auth ($n)" [ "$n" -ge 1 ]
	M3="sealedmark$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
	n=$(TOKEN=$alice watch_auth "$M3" api POST broadcast \
	    "{\"subject\": \"S $M3\", \"body\": \"B $M3\"}")
	check "a session's broadcast: auth never reads its text ($n)" [ "$n" = 0 ]
	check "... and it was sent: 201" grep -q '"recipients"' "$PREFIX/body"
else
	for i in 1 2 3; do
		ok "# SKIP strace is not installed (./quickstart test installs it)"
	done
fi

check "alice has it in no inbox" [ "$(inbox_count "$alice" "$ID")" = 0 ]

# -- each copy on its own; the last one takes the message
before=$(stored)
code=$(TOKEN=$bob api DELETE "messages/$ID")
check "bob deletes his copy: 204 ($code)" [ "$code" = 204 ]
code=$(TOKEN=$bob api GET "messages/$ID")
check "... then it is gone for him: 404 ($code)" [ "$code" = 404 ]
code=$(TOKEN=$carol api GET "messages/$ID")
check "... and carol still reads it: 200 ($code)" [ "$code" = 200 ]
code=$(TOKEN=$bob api DELETE "messages/$ID")
check "bob deletes it again: 404 ($code)" [ "$code" = 404 ]
check "the message is still stored ($before)" [ "$(stored)" = "$before" ]
for u in carol dave alice; do
	eval "t=\$$u"
	code=$(TOKEN=$t api DELETE "messages/$ID")
	check "$u deletes the copy: 204 ($code)" [ "$code" = 204 ]
done
check "the last copy gone, the message is gone ($(stored) < $before)" \
    [ "$(stored)" -eq $((before - 1)) ]

# -- the flag off: refused again, at once
check "smsgctl user admin alice off" ctl user admin alice off
code=$(TOKEN=$alice api POST broadcast "$MSG")
check "alice without the flag: 403 ($code)" [ "$code" = 403 ]

# -- smsgctl broadcast, as the system
out=$(ctl broadcast "System notice $MARK")
check "smsgctl broadcast TEXT: exit 0 ($?)" [ $? -eq 0 ]
check "... says where it went: $out" sh -c "echo '$out' | grep -q 'sent to 4 accounts'"
SID=$(echo "$out" | sed -n 's/^broadcast \([A-Za-z0-9_-]*\) sent.*/\1/p')
code=$(TOKEN=$bob api GET "messages/$SID")
check "bob reads the system's broadcast: 200 ($code)" [ "$code" = 200 ]
check "... from smsg" [ "$(field from)" = smsg ]
check "... system and broadcast" \
    sh -c "[ '$(field system)' = true ] && [ '$(field broadcast)' = true ]"
check "... verified against the system's key" [ "$(sig_verified)" = True ]
check "... the text" [ "$(field body)" = "System notice $MARK" ]
check "... the subject" [ "$(field subject)" = Announcement ]
check "alice got it too" [ "$(inbox_count "$alice" "$SID")" = 1 ]

printf 'From standard input %s\n' "$MARK" | ctl -j broadcast - > "$PREFIX/ctl.json"
check "smsgctl -j broadcast - (stdin): exit 0 ($?)" [ $? -eq 0 ]
check "... JSON with the recipients" json_is "$PREFIX/ctl.json" recipients 4
SID2=$(json_get "$PREFIX/ctl.json" id)
check "... and the id ($SID2)" [ -n "$SID2" ]
code=$(TOKEN=$dave api GET "messages/$SID2")
check "dave reads it: the text without the line end" \
    [ "$(field body)" = "From standard input $MARK" ]
echo "No argument at all" | ctl broadcast > /dev/null
check "smsgctl broadcast with no TEXT reads stdin: exit 0 ($?)" [ $? -eq 0 ]

ctl broadcast "" 2> "$PREFIX/err"
rc=$?
check "an empty text: exit 2 ($rc)" [ $rc -eq 2 ]
check "... saying so" grep -q "empty" "$PREFIX/err"
head -c 9000 /dev/zero | tr '\0' x | ctl broadcast - 2> "$PREFIX/err"
rc=$?
check "9000 bytes from stdin: exit 2 ($rc)" [ $rc -eq 2 ]
check "... too long" grep -q "too long" "$PREFIX/err"
ctl broadcast one two 2> /dev/null
check "two words: a usage error, exit 2 ($?)" [ $? -eq 2 ]
ctl broadcast "$(head -c 9000 /dev/zero | tr '\0' y)" 2> /dev/null
check "9000 bytes as the argument: exit 2 ($?)" [ $? -eq 2 ]

# -- bad requests on the API
signin alice
check "smsgctl user admin alice on (again)" ctl user admin alice on
code=$(TOKEN=$alice api POST broadcast '{"subject": "x"}')
check "no body: 400 ($code)" [ "$code" = 400 ]
code=$(TOKEN=$alice api POST broadcast '{"body": 5}')
check "a body that is no string: 400 ($code)" [ "$code" = 400 ]
long=$(head -c 9000 /dev/zero | tr '\0' z)
code=$(TOKEN=$alice api POST broadcast "{\"body\": \"$long\"}")
check "a body of 9000 bytes: 413 ($code)" [ "$code" = 413 ]
code=$(TOKEN='' api POST broadcast "$MSG")
check "no session: 401 ($code)" [ "$code" = 401 ]

# -- the page form, linked where it may be used
JAR=alice.jar
form_post /login --data-urlencode username=alice --data-urlencode "password=$PW" >/dev/null
code=$(form_get /home)
check "alice's pages link the broadcast form" grep -q 'href="/broadcast"' "$PREFIX/page"
code=$(form_get /broadcast)
check "GET /broadcast: 200 ($code)" [ "$code" = 200 ]
CSRF=$(csrf_of "$PREFIX/page")
code=$(form_post /broadcast --data-urlencode "csrf=$CSRF" \
    --data-urlencode "subject=Page" --data-urlencode "body=From the page $MARK")
check "POST /broadcast with the CSRF token: 200 ($code)" [ "$code" = 200 ]
check "... says it went to 3 accounts" grep -q "sent to 3 accounts" "$PREFIX/page"
code=$(form_post /broadcast --data-urlencode "csrf=wrong" \
    --data-urlencode "body=no")
check "... with a wrong CSRF token: 403 ($code)" [ "$code" = 403 ]
JAR=bob.jar
form_post /login --data-urlencode username=bob --data-urlencode "password=$PW" >/dev/null
form_get /home >/dev/null
check "bob's pages do not link it" sh -c "! grep -q 'href=\"/broadcast\"' '$PREFIX/page'"
code=$(form_get /broadcast)
check "bob GET /broadcast: 403 ($code)" [ "$code" = 403 ]
JAR=

# -- later accounts get no old broadcast
register_api erin "$PW"
signin erin
TOKEN=$erin api GET "messages?folder=inbox" >/dev/null
check "erin, registered later, has an empty inbox" \
    python3 -c 'import json,sys; sys.exit(len(json.load(open(sys.argv[1]))["messages"]))' "$PREFIX/body"

# -- a deleted account leaves contact lists and its copies go
code=$(TOKEN=$carol api POST contacts '{"name": "dave", "nickname": "D"}')
check "carol adds dave: 201 ($code)" [ "$code" = 201 ]
TOKEN=$carol api GET contacts >/dev/null
check "... dave is in her list" grep -q '"dave"' "$PREFIX/body"
n_dave=$(TOKEN=$dave api GET "messages?folder=inbox&limit=50" >/dev/null;
    python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["messages"]))' "$PREFIX/body")
check "dave has copies in his inbox ($n_dave)" [ "$n_dave" -ge 3 ]
check "smsgctl user delete dave" ctl user delete dave
gone() {
	TOKEN=$carol api GET contacts >/dev/null
	! grep -q '"dave"' "$PREFIX/body"
}
check "dave leaves carol's contact list" wait_for 10 gone
check "... the store says so in its log" wait_for 10 log_has "contact entr"
check "... and his copies went" wait_for 10 log_has "cop[a-z]* of messages"

# -- the marker is nowhere on disk, nor in the log
check "the broadcast's marker is on no disk and in no log" \
    sh -c "! grep -rqa '$MARK' '$PREFIX'"

# -- "everyone", then "nobody": the daemon again
restart_with() {
	kill "$DAEMON_PID"
	wait_for 20 daemon_gone || { echo "Bail out! smsgd did not stop"; exit 1; }
	sed -i '/^messages:/d' "$CONF"
	echo "messages: { broadcast = \"$1\"; };" >> "$CONF"
	daemon_start
	wait_for 20 serving && wait_for 20 all_running ||
	    { echo "Bail out! smsgd did not start again"; exit 1; }
}
restart_with everyone
signin bob
code=$(TOKEN=$bob api POST broadcast "{\"body\": \"bob to all\"}")
check "everyone: bob, no administrator, broadcasts: 201 ($code)" [ "$code" = 201 ]
check "... to alice, carol and erin ($(field recipients))" [ "$(field recipients)" = 3 ]

restart_with nobody
signin alice
code=$(TOKEN=$alice api POST broadcast "$MSG")
check "nobody: alice, an administrator, is refused: 403 ($code)" [ "$code" = 403 ]
check "... broadcasts are off" grep -q "turned off" "$PREFIX/body"
ctl broadcast "not now" 2> "$PREFIX/err"
rc=$?
check "nobody: smsgctl broadcast is refused, exit 4 ($rc)" [ $rc -eq 4 ]
check "... saying why" grep -q "turned off" "$PREFIX/err"

done_testing
