#!/bin/sh
# Password and second-factor checks as sign-in attempts (a network waits
# after 5 failures against one account): a wrong current password inside a session (changing the
# password, turning 2FA off or on) counts as a failed sign-in of that
# account; a right password waiting for its code does not, wrong codes
# do; turning 2FA on needs the password and is logged; recovery with the
# recovery key turns 2FA off, ends every session and says so.  Each part
# comes from a loopback address of its own, so that the per-address
# throttle of one part does not reach the next.
H_LOCKOUT_THRESHOLD=5
. "$top_srcdir/regress/https/lib_https.sh"
command -v oathtool >/dev/null 2>&1 || skip_all "oathtool missing (apt-get install oathtool)"
https_start

PW='velvet anchor orchard 83 nimbus'
NEWPW='copper falcon thistle 29 lagoon'
WRONG='this is not the password'

# enrol PASSWORD: 2FA on for the user signed in as $TOKEN, SECRET set.
enrol() {
	[ "$(api POST totp)" = 200 ] || return 1
	SECRET=$(json_get "$PREFIX/body" secret)
	fresh_code || return 1
	[ "$(api POST totp/confirm \
	    "{\"otp\": \"$OTP\", \"password\": \"$1\"}")" = 200 ]
}

# events: the event names of the signed-in user's activity, one a line.
events() {
	api GET activity > /dev/null
	python3 -c '
import json, sys
for e in json.load(open(sys.argv[1])).get("events", []):
    print(e.get("event"))' "$PREFIX/body"
}

# --- a wrong current password when changing it is a failed sign-in
FROM=127.0.0.2
check "register carol" register_api carol "$PW"
login_api carol "$PW"
check "carol signs in ($CODE)" [ "$CODE" = 200 ]
i=1
refused=0
while [ $i -le 5 ]; do
	code=$(api POST password \
	    "{\"current\": \"$WRONG\", \"new\": \"$NEWPW\"}")
	[ "$code" = 401 ] && refused=$((refused + 1))
	i=$((i + 1))
done
check "5 password changes with a wrong current password: 401 ($refused)" \
    [ "$refused" -eq 5 ]
TOKEN=
login_api carol "$PW"
check "... count as failed sign-ins: the right password from that network waits, 429 ($CODE)" \
    [ "$CODE" = 429 ]
check "... throttled" json_is "$PREFIX/body" error throttled
check "unlock carol" ctl user unlock carol
login_api carol "$PW"
check "after unlocking, carol signs in ($CODE)" [ "$CODE" = 200 ]
events > "$PREFIX/events"
check "carol's activity lists the 5 failed checks" \
    [ "$(grep -cx login_failed "$PREFIX/events")" -eq 5 ]
code=$(api POST password "{\"current\": \"$PW\", \"new\": \"$NEWPW\"}")
check "the right current password changes it: 200 ($code)" [ "$code" = 200 ]
code=$(api GET me)
check "... the session lives on ($code)" [ "$code" = 200 ]

# --- turning 2FA on needs the password, and is an event
FROM=127.0.0.3
TOKEN=
check "register dave" register_api dave "$PW"
RKEY=$(json_get "$PREFIX/body" recovery_key)
login_api dave "$PW"
DAVE1=$TOKEN
code=$(api POST totp)
check "dave begins enrolment: 200 ($code)" [ "$code" = 200 ]
SECRET=$(json_get "$PREFIX/body" secret)
check "fresh step" fresh_code
code=$(api POST totp/confirm "{\"otp\": \"$OTP\"}")
check "confirm without the password: 400 ($code)" [ "$code" = 400 ]
code=$(api POST totp/confirm "{\"otp\": \"$OTP\", \"password\": \"$WRONG\"}")
check "confirm with a wrong password: 401 ($code)" [ "$code" = 401 ]
api GET me > /dev/null
check "... 2FA stays off" json_is "$PREFIX/body" totp false
code=$(api POST totp/confirm "{\"otp\": \"$OTP\", \"password\": \"$PW\"}")
check "confirm with code and password: 200 ($code)" [ "$code" = 200 ]
events > "$PREFIX/events"
check "... totp_enabled is in dave's activity" grep -qx totp_enabled "$PREFIX/events"
check "... and in the log, named" log_has "user dave: totp_enabled"

# --- a right password waiting for its code is not a failed sign-in
TOKEN=
i=1
asked=0
while [ $i -le 7 ]; do
	login_api dave "$PW"
	json_is "$PREFIX/body" error otp_required && asked=$((asked + 1))
	i=$((i + 1))
done
check "7 API sign-ins without a code: otp_required each ($asked)" \
    [ "$asked" -eq 7 ]
check "fresh step" fresh_code
login_api dave "$PW" "$OTP"
check "... did not lock dave: password and code sign in ($CODE)" \
    [ "$CODE" = 200 ]
DAVE2=$TOKEN

# --- wrong codes are failed sign-ins
FROM=127.0.0.4
TOKEN=
bad=$(echo "$OTP" | tr 0-9 1-90)
i=1
while [ $i -le 5 ]; do
	login_api dave "$PW" "$bad"
	i=$((i + 1))
done
check "fresh step" fresh_code
login_api dave "$PW" "$OTP"
check "5 wrong codes hold that network back: 429 ($CODE)" [ "$CODE" = 429 ]
check "unlock dave" ctl user unlock dave

# --- a wrong password when turning 2FA off is a failed sign-in
FROM=127.0.0.5
TOKEN=$DAVE2
i=1
refused=0
while [ $i -le 5 ]; do
	code=$(api DELETE totp "{\"password\": \"$WRONG\", \"otp\": \"000000\"}")
	[ "$code" = 401 ] && refused=$((refused + 1))
	i=$((i + 1))
done
check "5 attempts to turn 2FA off with a wrong password: 401 ($refused)" \
    [ "$refused" -eq 5 ]
TOKEN=
check "fresh step" fresh_code
login_api dave "$PW" "$OTP"
check "... hold that network back: 429 ($CODE)" [ "$CODE" = 429 ]
check "unlock dave" ctl user unlock dave

# --- recovery: 2FA off, every session ended, the user told
FROM=127.0.0.6
code=$(form_post /recover --data-urlencode username=dave \
    --data-urlencode "recovery_key=$RKEY" \
    --data-urlencode "password=$NEWPW" --data-urlencode "password2=$NEWPW")
check "recovery with the recovery key: 200 ($code)" [ "$code" = 200 ]
check "... the page says 2FA is off" \
    grep -q 'Two-factor authentication is now' "$PREFIX/page"
check "... and that every session was signed out" \
    grep -q 'Every session of this account has been signed out' "$PREFIX/page"
code=$(TOKEN=$DAVE1 api GET me)
check "dave's first session has ended: 401 ($code)" [ "$code" = 401 ]
code=$(TOKEN=$DAVE2 api GET me)
check "dave's second session has ended: 401 ($code)" [ "$code" = 401 ]
login_api dave "$NEWPW"
check "dave signs in with the new password, no code asked ($CODE)" \
    [ "$CODE" = 200 ]
api GET me > /dev/null
check "... 2FA is off" json_is "$PREFIX/body" totp false
events > "$PREFIX/events"
check "the activity lists the recovery" grep -qx recovered "$PREFIX/events"
check "... and 2FA turned off" grep -qx totp_disabled "$PREFIX/events"
RKEY2=$(sed -n 's/.*<p class="key"><code>\([^<]*\)<.*/\1/p' "$PREFIX/page")
check "the recovery page shows a new recovery key" [ -n "$RKEY2" ]
check "dave can enrol again" enrol "$NEWPW"
api GET me > /dev/null
check "... 2FA is on" json_is "$PREFIX/body" totp true
DAVE3=$TOKEN

# --- recovery through the API says the same in its JSON answer
TOKEN=
code=$(api POST recover "{\"username\": \"dave\", \"recovery_key\": \"$RKEY2\", \"password\": \"$PW\"}")
check "API recovery: 200 ($code)" [ "$code" = 200 ]
RKEY3=$(json_get "$PREFIX/body" recovery_key)
check "... with a recovery key" [ -n "$RKEY3" ]
check "... a new one" [ "$RKEY3" != "$RKEY2" ]
check "... totp_off: true" json_is "$PREFIX/body" totp_off true
check "... sessions_ended: true" json_is "$PREFIX/body" sessions_ended true
code=$(TOKEN=$DAVE3 api GET me)
check "... dave's session has ended: 401 ($code)" [ "$code" = 401 ]
code=$(api POST recover "{\"username\": \"dave\", \"recovery_key\": \"$RKEY2\", \"password\": \"$NEWPW\"}")
check "the used recovery key is void: 401 ($code)" [ "$code" = 401 ]
login_api dave "$PW"
check "dave signs in with the password of the recovery, no code ($CODE)" \
    [ "$CODE" = 200 ]
check "the log never shows a secret" sh -c "! grep -q '$SECRET' '$LOG'"
done_testing
