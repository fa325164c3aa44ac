#!/bin/sh
#
# Broadcasts that fail leave nothing.  The test build's knobs make one
# fail partway: SMSG_TEST_WRAP_SLICE=1 sends each reader's copy in its
# own batch, and SMSG_TEST_BCAST_FAIL_AT=2 has the store refuse the batch
# that holds the second copy of a broadcast, after the first is on disk.
# The broadcast is refused and no reader has it, nor the sender's sent
# folder; the next one reaches everyone.  A broadcast over the sender's
# quota is 507 with the words a message over quota gets, and stores
# nothing.

SMSG_TEST_WRAP_SLICE=1
SMSG_TEST_BCAST_FAIL_AT=2
export SMSG_TEST_WRAP_SLICE SMSG_TEST_BCAST_FAIL_AT
STORE_CONF='quota_mb = 1;'
EXTRA_CONF='messages: { broadcast = "everyone"; };'
. "$top_srcdir/regress/https/lib_https.sh"

PW="correct horse battery staple 42"
https_start
for u in alice bob carol dave; do
	register_api $u "$PW" || { echo "Bail out! cannot register $u"; exit 1; }
	login_api $u "$PW"
	[ "$CODE" = 200 ] || { echo "Bail out! cannot sign in $u"; exit 1; }
	eval "$u=\$TOKEN"
done

field() {	# field KEY: a top-level value of the last answer
	json_get "$PREFIX/body" "$1"
}
# broadcasts TOKEN FOLDER: how many broadcasts that folder lists
broadcasts() {
	TOKEN=$1 api GET "messages?folder=$2&limit=50" >/dev/null
	python3 -c 'import json,sys
print(sum(1 for m in json.load(open(sys.argv[1]))["messages"] if m.get("broadcast")))' \
	    "$PREFIX/body" 2>/dev/null || echo none
}
# nobody_has: no reader's inbox and not alice's sent folder lists one
nobody_has() {
	[ "$(broadcasts "$bob" inbox)$(broadcasts "$carol" inbox)$(broadcasts "$dave" inbox)$(broadcasts "$alice" sent)" = 0000 ]
}
stored() {	# stored NAME: the bytes a user's sent messages hold
	ctl -j show user "$1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["bytes_stored"])'
}

# -- a broadcast that fails partway: all or nothing
code=$(TOKEN=$alice api POST broadcast '{"subject": "first", "body": "to all"}')
check "a broadcast whose second copy fails: refused, 500 ($code)" [ "$code" = 500 ]
check "... saying the store could not take it" grep -q "could not take the broadcast" "$PREFIX/body"
check "... the store failed it partway, as the test asked" log_has "a batch of broadcast copies fails"
check "... and took back what it had stored" log_has "failed partway: removed"
check "... no reader has it, nor alice's sent folder" nobody_has
code=$(TOKEN=$alice api POST broadcast '{"subject": "second", "body": "to all"}')
check "the next broadcast: 201 ($code)" [ "$code" = 201 ]
check "... to bob, carol and dave ($(field recipients))" [ "$(field recipients)" = 3 ]
check "... each has it once, alice in her sent folder" \
    [ "$(broadcasts "$bob" inbox)$(broadcasts "$carol" inbox)$(broadcasts "$dave" inbox)$(broadcasts "$alice" sent)" = 1111 ]

# -- over quota: 507, as a message over quota
quota=1048576
head -c $((quota - 6000)) /dev/urandom > "$PREFIX/fill.bin"
code=$(curl -sk -m 60 -o "$PREFIX/body" -w '%{http_code}' \
    -H "Authorization: Bearer $carol" \
    -F 'message={"to": ["bob"], "body": "fill"};type=application/json' \
    -F "file=@$PREFIX/fill.bin" "$BASE/api/v1/messages")
check "carol fills most of her 1 MiB quota: 201 ($code)" [ "$code" = 201 ]
used=$(stored carol)
free=$((quota - used))
check "... $free bytes of it left" between "$free" 100 7000
over=$(python3 -c "import json; print(json.dumps({'to': ['bob'], 'body': 'x' * ($free + 100)}))")
code=$(TOKEN=$carol api POST messages "$over")
check "a message over the rest of her quota: 507 ($code)" [ "$code" = 507 ]
sent_error="$(field error): $(field message)"
check "... ($sent_error)" [ "$(field error)" = quota ]
over=$(python3 -c "import json; print(json.dumps({'body': 'x' * ($free + 100)}))")
code=$(TOKEN=$carol api POST broadcast "$over")
check "a broadcast over the rest of her quota: 507, not 500 ($code)" [ "$code" = 507 ]
check "... with the words and code of a message over quota" \
    [ "$(field error): $(field message)" = "$sent_error" ]
check "... her stored bytes unchanged" [ "$(stored carol)" = "$used" ]
check "... nobody got it" [ "$(broadcasts "$bob" inbox)$(broadcasts "$dave" inbox)$(broadcasts "$carol" sent)" = 110 ]
check "... and the daemon runs on" all_running

done_testing
