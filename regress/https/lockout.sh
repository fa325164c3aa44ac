#!/bin/sh
# Lockout: wrong passwords up to the threshold (5) lock the account; then
# even the right password is refused (403, saying locked) over the API and
# the HTML form, while other accounts are untouched; smsgctl user unlock
# opens it again, and smsgctl user lock closes it.
H_LOCKOUT_THRESHOLD=5
. "$top_srcdir/regress/https/lib_https.sh"
https_start

PW='walnut orbit seventy 18 cradle'
check "register alice" register_api alice "$PW"
check "register bob" register_api bob "$PW"

codes=""
locked_at=0
i=1
while [ $i -le 8 ]; do
	login_api alice "wrong password number $i"
	codes="$codes $CODE"
	if [ "$CODE" = 403 ]; then
		locked_at=$i
		break
	fi
	i=$((i + 1))
done
diag "wrong-password answers:$codes"
check "the first 4 wrong passwords are 401" \
    [ "$(echo "$codes" | awk '{ for (i = 1; i <= 4; i++) if ($i != 401) { print "x"; exit } }')" = "" ]
check "locked by the 6th attempt (at $locked_at)" \
    between "$locked_at" 5 6
check "... error locked" json_is "$PREFIX/body" error locked

login_api alice "$PW"
check "the right password while locked: 403 ($CODE)" [ "$CODE" = 403 ]
check "... error locked" json_is "$PREFIX/body" error locked
check "... no token" [ -z "$(json_get "$PREFIX/body" token)" ]
code=$(form_post /login --data-urlencode username=alice \
    --data-urlencode "password=$PW")
check "HTML login while locked: 403 ($code)" [ "$code" = 403 ]
check "... the page says locked" grep -qi 'locked' "$PREFIX/page"
check "... and sets no session cookie" sh -c "! grep -q '__Host-smsg	' '$PREFIX/cookies' 2>/dev/null"

login_api bob "$PW"
check "bob is not locked ($CODE)" [ "$CODE" = 200 ]

check "smsgctl user unlock alice" ctl user unlock alice
login_api alice "$PW"
check "alice logs in after unlock ($CODE)" [ "$CODE" = 200 ]

check "smsgctl user lock alice" ctl user lock alice
login_api alice "$PW"
check "alice is refused after user lock ($CODE)" [ "$CODE" = 403 ]
check "... error locked" json_is "$PREFIX/body" error locked
check "smsgctl user unlock alice again" ctl user unlock alice
login_api alice "$PW"
check "alice logs in again ($CODE)" [ "$CODE" = 200 ]

ctl user unlock nosuchuser > "$PREFIX/ctl.txt" 2>&1
check "user unlock of an unknown user fails" [ $? -ne 0 ]
check "... saying so" grep -qi 'no such user\|unknown user\|not found' "$PREFIX/ctl.txt"
check "the log never shows the password" sh -c "! grep -qF '$PW' '$LOG'"
done_testing
