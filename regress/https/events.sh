#!/bin/sh
#
# Live events against the real daemon: a notice (a sign-in) reaches both
# live streams of its user and none of another user's; heartbeats come;
# signing out closes that session's stream and no other; a reconnect with
# Last-Event-ID gets what it missed; the per-user cap answers 429; the
# page route takes the session cookie.

H_EVENT_HEARTBEAT=1
H_EVENT_MAX=3
. "$top_srcdir/regress/https/lib_https.sh"

SSE="python3 $top_srcdir/regress/https/sseclient.py"
PW="correct horse battery staple 42"
WAIT=20
PIDS=

https_start

register_api alice "$PW" || { echo "Bail out! cannot register alice"; exit 1; }
register_api bob "$PW" || { echo "Bail out! cannot register bob"; exit 1; }
login_api alice "$PW"; A1=$TOKEN
login_api alice "$PW"; A2=$TOKEN
login_api bob "$PW"; B1=$TOKEN
[ -n "$A1" ] && [ -n "$A2" ] && [ -n "$B1" ] ||
    { echo "Bail out! cannot sign in"; exit 1; }

# stream NAME TOKEN [LAST_ID] [cookie] [PATH]: a client in the background
stream() {
	$SSE "$PORT" "${5:-/api/v1/events}" "$2" "$PREFIX/$1" "${3:--}" \
	    "${4:-}" &
	eval "PID_$1=$!"
	PIDS="$PIDS $!"
}
has() {		# has NAME TEXT: the stream NAME has a line with TEXT
	grep -q -- "$2" "$PREFIX/$1" 2>/dev/null
}
count() {	# count NAME TEXT
	grep -c -- "$2" "$PREFIX/$1" 2>/dev/null || true
}
opened() {
	has "$1" "smsg events"
}

stream a1 "$A1"
stream a2 "$A2"
stream b1 "$B1"
wait_for $WAIT opened a1 && wait_for $WAIT opened a2 &&
    wait_for $WAIT opened b1
check "three streams open (alice twice, bob once)" [ $? -eq 0 ]
check "... as text/event-stream" has a1 "header content-type=text/event-stream"
check "... with the security headers" \
    has a1 "header content-security-policy="

login_api alice "$PW"; A3=$TOKEN
check "alice signs in again: the notice reaches her first stream" \
    wait_for $WAIT has a1 '"event": "login"'
check "... and her second" wait_for $WAIT has a2 '"event": "login"'
check "... with an id" has a1 "^id: [0-9][0-9]*$"
check "... as event: notice" has a1 "^event: notice$"
login_api bob "$PW"
check "bob's own sign-in reaches bob's stream" \
    wait_for $WAIT has b1 '"event": "login"'
check "... then the system's message telling him of it (the store's event after auth's: once dropped as sent)" \
    wait_for $WAIT has b1 '^event: message$'
check "... and it is the only notice bob got: alice's never came" \
    [ "$(count b1 '^event: notice')" -eq 1 ]

check "heartbeats arrive (every second here)" \
    wait_for $WAIT has a1 "^: heartbeat"

code=$(TOKEN=$A2 api POST logout)
check "alice signs out her second session: $code" is_one_of "$code" 200 204
check "... which closes that session's stream" wait_for $WAIT has a2 "^EOF"
still_open() {
	kill -0 "$1" 2>/dev/null && ! has "$2" "^EOF"
}
check "... and not her first" still_open "$PID_a1" a1

# Reconnect with Last-Event-ID: what happened meanwhile is replayed.
last=$(sed -n 's/^id: //p' "$PREFIX/a1" | tail -1)
kill "$PID_a1" 2>/dev/null
wait "$PID_a1" 2>/dev/null
login_api alice "$PW"
missed=$(count a1 '^id: ')
stream a1r "$A1" "$last"
check "a reconnect with Last-Event-ID $last replays the missed sign-in" \
    wait_for $WAIT has a1r '"event": "login"'
first=$(sed -n 's/^id: //p' "$PREFIX/a1r" | head -1)
later() {
	[ -n "$first" ] && python3 -c "import sys; sys.exit(not $first > $last)"
}
check "... whose id is after the last one seen ($first > $last)" later
not_again() {
	! grep -qx "id: $last" "$PREFIX/a1r"
}
check "... and nothing seen before is sent again" not_again
diag "stream a1 had $missed events before the reconnect"

# The cap: bob has one stream; three at most.
stream b2 "$B1"
stream b3 "$B1"
wait_for $WAIT opened b2 && wait_for $WAIT opened b3
stream b4 "$B1"
check "a fourth stream for bob (cap 3): 429" \
    wait_for $WAIT has b4 "^status=429"
check "... with a message" wait_for $WAIT has b4 "too_many_streams"
kill "$PID_b2" 2>/dev/null
wait "$PID_b2" 2>/dev/null
# the front notices the closed stream at its next heartbeat write
b5ok() {	# (wait_for's own counters are global: no wait_for in here)
	rm -f "$PREFIX/b5"
	stream b5 "$B1"
	n=0
	while [ $n -lt 50 ] && ! has b5 "^status="; do
		sleep 0.1
		n=$((n + 1))
	done
	has b5 "^status=200"
}
check "once one closes, bob may open another" wait_for $WAIT b5ok
[ $T_FAILED -eq 0 ] || sed 's/^/# b5: /' "$PREFIX/b5"

# HEAD: the head only, at once, and no slot taken.
heads() {
	n=0
	while [ $n -lt 5 ]; do
		curl -sk -m 5 -I -o /dev/null -H "Authorization: Bearer $B1" \
		    -w '%{http_code}\n' "$BASE/api/v1/events"
		n=$((n + 1))
	done
}
check "HEAD of the stream, five times over bob's cap: 200 each" \
    [ "$(heads | sort -u)" = 200 ]

# Another user's stream is no way into alice's: a bad token is 401.
stream bad "not-a-token"
check "a stream without a valid session: 401" \
    wait_for $WAIT has bad "^status=401"
stream lid "$A3" "12abc"
check "a malformed Last-Event-ID: 400" wait_for $WAIT has lid "^status=400"

# The page route: the session cookie, same stream.
stream page "$A3" - cookie /events
check "GET /events with the session cookie: a stream" \
    wait_for $WAIT opened page
TOKEN=$A3 api POST logout >/dev/null
check "... closed when that session signs out" wait_for $WAIT has page "^EOF"

for p in $PIDS; do kill "$p" 2>/dev/null; done
wait $PIDS 2>/dev/null
done_testing
