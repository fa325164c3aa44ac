#!/bin/sh
# Session lifetimes over the API: revoking one's own current session
# signs it out (and smsg-auth survives it: no restart, same pid, no
# crash in the log); revoking through a second session names the right
# user in the log and in the activity list; another user's session id
# is not found; the sessions list never holds more than 20 of a user.
. "$top_srcdir/regress/https/lib_https.sh"
https_start

PW='ginger harbour violet 31 canyon'
PWB='saddle quartz meadow 64 ember'

# auth_status: "pid restarts" of smsg-auth from show status.
auth_status() {
	ctl -j show status | python3 -c '
import json, sys
for p in json.load(sys.stdin).get("processes", []):
    if p.get("name") == "smsg-auth":
        print(p.get("pid"), p.get("restarts"))'
}

# current_id: the id of the session marked current in $PREFIX/body.
current_id() {
	python3 -c '
import json, sys
for s in json.load(open(sys.argv[1])).get("sessions", []):
    if s.get("current"):
        print(s.get("id"))' "$PREFIX/body"
}

check "register alice" register_api alice "$PW"
check "register bob" register_api bob "$PWB"
BEFORE=$(auth_status)
check "smsg-auth is running ($BEFORE)" [ -n "$BEFORE" ]
# what the log says from here on
LOGPOS=$(wc -l < "$LOG")
log_since() {
	tail -n +$((LOGPOS + 1)) "$LOG"
}

# --- revoking one's own current session
login_api alice "$PW"
check "alice signs in ($CODE)" [ "$CODE" = 200 ]
code=$(api GET sessions)
check "GET sessions: 200 ($code)" [ "$code" = 200 ]
SELF=$(current_id)
check "... names the current session ($SELF)" \
    sh -c "echo '$SELF' | grep -Eq '^[0-9a-f]{16}$'"
code=$(api DELETE "sessions/$SELF")
check "DELETE the current session: 204 ($code)" [ "$code" = 204 ]
code=$(api GET me)
check "... its token no longer works: 401 ($code)" [ "$code" = 401 ]
code=$(api DELETE "sessions/$SELF")
check "... nor revokes anything again: 401 ($code)" [ "$code" = 401 ]
check "smsg-auth did not restart (pid restarts: $(auth_status))" \
    [ "$(auth_status)" = "$BEFORE" ]
log_since > "$PREFIX/since"
check "... and the log shows no crash since" \
    sh -c "! grep -Eqi 'fatal|AddressSanitizer|signal|restart|exited' '$PREFIX/since'"
check "the log names alice for the revocation" \
    log_has "user alice: session_revoked"

# --- through a second session
login_api alice "$PW"
T1=$TOKEN
login_api alice "$PW"
T2=$TOKEN
api GET sessions > /dev/null
S2=$(current_id)
TOKEN=$T1
code=$(api DELETE "sessions/$S2")
check "alice's first session revokes her second: 204 ($code)" [ "$code" = 204 ]
code=$(TOKEN=$T2 api GET me)
check "... the second token no longer works: 401 ($code)" [ "$code" = 401 ]
code=$(api GET me)
check "... the first still does: 200 ($code)" [ "$code" = 200 ]
check "... and is alice's" json_is "$PREFIX/body" username alice
code=$(api GET activity)
n=$(grep -o '"session_revoked"' "$PREFIX/body" | wc -l)
check "alice's activity lists both revocations ($n)" [ "$n" -eq 2 ]
check "the log names alice twice" \
    [ "$(grep -c 'user alice: session_revoked' "$LOG")" -eq 2 ]

# --- another user's session is not found, and stays alive
login_api bob "$PWB"
TB=$TOKEN
api GET sessions > /dev/null
SB=$(current_id)
TOKEN=$T1
code=$(api DELETE "sessions/$SB")
check "alice cannot revoke bob's session: 404 ($code)" [ "$code" = 404 ]
code=$(TOKEN=$TB api GET me)
check "... bob is still signed in: 200 ($code)" [ "$code" = 200 ]
code=$(TOKEN=$TB api GET activity)
check "... and bob's activity has no revocation" \
    sh -c "! grep -q session_revoked '$PREFIX/body'"

# --- at most 20 sessions per user: the 21st ends bob's oldest
i=1
while [ $i -le 20 ]; do
	login_api bob "$PWB"
	i=$((i + 1))
done
code=$(TOKEN=$TB api GET me)
check "bob's 21st sign-in ended his oldest session: 401 ($code)" \
    [ "$code" = 401 ]
api GET sessions > /dev/null
n=$(grep -o '"id"' "$PREFIX/body" | wc -l)
check "bob has 20 sessions ($n)" [ "$n" -eq 20 ]
code=$(TOKEN=$T1 api GET me)
check "alice's session is untouched: 200 ($code)" [ "$code" = 200 ]

check "smsg-auth still never restarted ($(auth_status))" \
    [ "$(auth_status)" = "$BEFORE" ]
done_testing
