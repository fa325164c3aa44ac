#!/bin/sh
#
# The demo's message step (demo/messages.sh, what ./quickstart demo runs)
# against a daemon of its own: alice and bob made with smsgctl as the
# demo makes them, the script sends through the JSON API only; bob then
# has alice's messages, one time-locked about two minutes ahead (423
# now), alice has bob's reply, every signature verified.  A second run
# succeeds and sends nothing twice.

. "$top_srcdir/regress/https/lib_https.sh"

https_start
APW="demo password alice 1234"
BPW="demo password bob 5678"
printf '%s\n' "$APW" | ctl user add alice -p - >/dev/null
check "smsgctl user add alice" [ $? -eq 0 ]
printf '%s\n' "$BPW" | ctl user add bob -p - >/dev/null
check "smsgctl user add bob" [ $? -eq 0 ]

DEMO="$top_srcdir/demo/messages.sh"
start=$(date +%s)
"$DEMO" "$BASE" "$PREFIX/cert.pem" "$APW" "$BPW" > "$PREFIX/demo.out" 2>&1
check "demo/messages.sh: exit 0 ($?)" [ $? -eq 0 ]
sed 's/^/# /' "$PREFIX/demo.out"

login_api bob "$BPW"; B=$TOKEN
login_api alice "$APW"; A=$TOKEN
# inbox_summary TOKEN: "n locked unlock_at" of the inbox
summary() {
	TOKEN=$1 api GET "messages?folder=inbox&limit=50" >/dev/null
	python3 -c 'import json,sys
m = json.load(open(sys.argv[1]))["messages"]
m = [x for x in m if not x.get("system")]
lk = [x for x in m if x["locked"]]
print(len(m), len(lk), lk[0]["unlock_at"] if lk else 0)' "$PREFIX/body"
}
set -- $(summary "$B")
check "bob has 3 messages from alice ($1)" [ "$1" = 3 ]
check "... one of them locked ($2)" [ "$2" = 1 ]
check "... until about two minutes after the start ($3 - $start)" \
    between "$3" $((start + 110)) $((start + 130))
TOKEN=$B api GET "messages?folder=inbox&limit=50" >/dev/null
LOCKED=$(python3 -c 'import json,sys
print([x["id"] for x in json.load(open(sys.argv[1]))["messages"] if x["locked"]][0])' "$PREFIX/body")
code=$(TOKEN=$B api GET "messages/$LOCKED")
check "... which is refused now: 423 ($code)" [ "$code" = 423 ]
set -- $(summary "$A")
check "alice has bob's reply ($1)" [ "$1" = 1 ]
TOKEN=$A api GET "messages?folder=inbox" >/dev/null
RID=$(json_get "$PREFIX/body" messages | python3 -c 'import json,sys
print([x["id"] for x in json.load(sys.stdin) if not x.get("system")][0])')
code=$(TOKEN=$A api GET "messages/$RID")
check "... readable: 200 ($code)" [ "$code" = 200 ]
check "... from bob" json_is "$PREFIX/body" from bob
check "... verified" python3 -c 'import json,sys
sys.exit(not json.load(open(sys.argv[1]))["signature"]["verified"])' "$PREFIX/body"

"$DEMO" "$BASE" "$PREFIX/cert.pem" "$APW" "$BPW" > "$PREFIX/demo.out" 2>&1
check "a second run: exit 0 ($?)" [ $? -eq 0 ]
check "... says the messages are there" grep -q "earlier run" "$PREFIX/demo.out"
set -- $(summary "$B")
check "... and bob still has 3 ($1)" [ "$1" = 3 ]
"$DEMO" "$BASE" "$PREFIX/cert.pem" "$APW" "wrong password for bob" \
    > "$PREFIX/demo.out" 2>&1
check "a wrong password: exit 1 ($?)" [ $? -eq 1 ]
check "... saying who cannot sign in" grep -q "bob cannot sign in" "$PREFIX/demo.out"

done_testing
