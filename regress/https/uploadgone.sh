#!/bin/sh
#
# A client that goes away in the middle of an upload: the front tells
# the store at once, and the open upload is gone long before the store's
# own sweep could remove it (its timeout here is a day).  The upload is
# seen open first, so the test fails if the front forgets to tell.

STORE_CONF='upload_timeout = 86400;'
. "$top_srcdir/regress/https/lib_https.sh"
PW="correct horse battery staple 42"

https_start
for u in alice bob; do
	register_api $u "$PW" || { echo "Bail out! cannot register $u"; exit 1; }
done
login_api alice "$PW"; A=$TOKEN
login_api bob "$PW"; B=$TOKEN
[ -n "$A" ] && [ -n "$B" ] || { echo "Bail out! cannot sign in"; exit 1; }

uploads() {	# how many uploads are open in the store
	ctl -j show messages | python3 -c 'import json,sys; print(json.load(sys.stdin)["uploads"])'
}
uploads_are() {
	[ "$(uploads)" = "$1" ]
}
CLI="python3 $top_srcdir/regress/https/filescli.py"

check "no upload is open before" uploads_are 0
GO=$PREFIX/go
rm -f "$GO"
GO=$GO $CLI cut "$PORT" "$A" 5000000 1000000 > "$PREFIX/cut" 2>&1 &
CUT=$!
check "a client sends 1 MB of a 5 MB upload: the upload is open" \
    wait_for 30 uploads_are 1
touch "$GO"
wait "$CUT"
check "... the client went ($(cat "$PREFIX/cut"))" grep -q '^sent=1000000$' "$PREFIX/cut"
check "... and its upload is gone without the sweep" wait_for 30 uploads_are 0
inbox() {	# inbox TOKEN: how many messages the inbox holds
	TOKEN=$1 api GET "messages?folder=inbox&limit=50" > /dev/null
	python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["messages"]))' \
	    "$PREFIX/body" 2>/dev/null || echo none
}
check "... bob got nothing" [ "$(inbox "$B")" = 0 ]
check "the daemon runs on" all_running
done_testing
