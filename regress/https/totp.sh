#!/bin/sh
# Two-factor login over the API: enrol (secret from POST totp, code from
# oathtool), confirm (with the password), login asks for the code, each code works once, 20
# parallel logins with one fresh code give exactly one session; the HTML
# login goes through /login/totp; disabling needs password and code.
# 19 reused codes in the race must not lock the account: lockout is
# lockout.sh's subject.
H_LOCKOUT_THRESHOLD=50
. "$top_srcdir/regress/https/lib_https.sh"
command -v oathtool >/dev/null 2>&1 || skip_all "oathtool missing (apt-get install oathtool)"
command -v python3 >/dev/null 2>&1 || skip_all "python3 missing"
https_start

PW='gravel monsoon lantern 55 quiver'

check "register alice" register_api alice "$PW"
login_api alice "$PW"
check "login without 2FA: 200 ($CODE)" [ "$CODE" = 200 ]
code=$(api POST totp)
check "POST totp: 200 ($code)" [ "$code" = 200 ]
SECRET=$(json_get "$PREFIX/body" secret)
URI=$(json_get "$PREFIX/body" uri)
check "... a base32 secret of 160 bits" \
    sh -c "echo '$SECRET' | grep -Eq '^[A-Z2-7]{32}=*$'"
check "... an otpauth://totp/ URI with the secret and issuer smsg" \
    sh -c "echo '$URI' | grep -q '^otpauth://totp/' &&
	echo '$URI' | grep -q 'secret=$SECRET' && echo '$URI' | grep -q 'issuer=smsg'"
code=$(api GET me)
check "2FA is not on before confirmation" json_is "$PREFIX/body" totp false

code=$(api POST totp/confirm "{\"otp\": \"12345x\", \"password\": \"$PW\"}")
check "confirm with a malformed code is refused ($code)" is_4xx "$code"
check "fresh step for the enrolment" fresh_code
code=$(api POST totp/confirm "{\"otp\": \"$OTP\"}")
check "confirm without the password: 400 ($code)" [ "$code" = 400 ]
code=$(api POST totp/confirm \
    "{\"otp\": \"$OTP\", \"password\": \"not the password at all\"}")
check "confirm with a wrong password: 401 ($code)" [ "$code" = 401 ]
check "... invalid_credentials" \
    json_is "$PREFIX/body" error invalid_credentials
api GET me > /dev/null
check "... and 2FA is still off" json_is "$PREFIX/body" totp false
code=$(api POST totp/confirm "{\"otp\": \"$OTP\", \"password\": \"$PW\"}")
check "POST totp/confirm with the oathtool code and the password: 200 ($code)" \
    [ "$code" = 200 ]
n=$(python3 -c 'import json,sys
c = json.load(open(sys.argv[1])).get("recovery_codes", [])
print(len(c) if isinstance(c, list) and all(isinstance(x, str) and x for x in c) else -1)' \
    "$PREFIX/body" 2>/dev/null)
check "... 10 recovery codes ($n)" [ "$n" = 10 ]
code=$(api GET me)
check "me says totp on" json_is "$PREFIX/body" totp true
check "logout" [ "$(api POST logout)" = 204 ]

login_api alice "$PW"
check "login without a code: 401 ($CODE)" [ "$CODE" = 401 ]
check "... otp_required" json_is "$PREFIX/body" error otp_required
check "... no token" [ -z "$(json_get "$PREFIX/body" token)" ]
login_api alice 'wrong password entirely' 000000
check "wrong password with a code: 401 invalid_credentials ($CODE)" \
    json_is "$PREFIX/body" error invalid_credentials

check "fresh step for the login" fresh_code
login_api alice "$PW" "$OTP"
check "login with password and code: 200 ($CODE)" [ "$CODE" = 200 ]
TOKEN=
login_api alice "$PW" "$OTP"
check "the same code again: 401 ($CODE)" [ "$CODE" = 401 ]
check "... otp_reused" json_is "$PREFIX/body" error otp_reused
bad=$(echo "$OTP" | tr 0-9 1-90)
login_api alice "$PW" "$bad"
check "a wrong code: 401 ($CODE)" [ "$CODE" = 401 ]

# The race: one fresh code, 20 logins at once; the step is recorded in
# the transaction that accepts the code, so exactly one may win.
check "fresh step for the race" fresh_code
body="{\"username\": \"alice\", \"password\": \"$PW\", \"otp\": \"$OTP\"}"
i=1
pids=""
while [ $i -le 20 ]; do
	curl -sk -m $CURL_MAX -o "$PREFIX/race.$i.body" -w '%{http_code}' \
	    -H 'Content-Type: application/json' --data-binary "$body" \
	    "$BASE/api/v1/login" > "$PREFIX/race.$i.code" 2>/dev/null &
	pids="$pids $!"
	i=$((i + 1))
done
# only the curls: a bare wait would wait for smsgd too
wait $pids
WINNER=$(grep -l '"token"' "$PREFIX"/race.*.body | head -1)
# one file per answer, each without a final newline: count files
wins=$(grep -l '^200$' "$PREFIX"/race.*.code | wc -l)
# A refused attempt counts as a failed sign-in (recorded before hashing),
# so after lockout_threshold of them the rest may be throttled instead.
reused=$(grep -l -e '"otp_reused"' -e '"throttled"' "$PREFIX"/race.*.body |
    wc -l)
diag "race answers: $(for f in "$PREFIX"/race.*.code; do cat "$f"; echo; done |
    sort | uniq -c | tr '\n' ' ')"
check "20 parallel logins with one code: exactly one 200 ($wins)" [ "$wins" -eq 1 ]
check "... the other 19 are otp_reused or throttled ($reused)" \
    [ "$reused" -eq 19 ]

# HTML: password first, then the code on /login/totp.
check "fresh step for the HTML login" fresh_code
code=$(form_post /login --data-urlencode username=alice \
    --data-urlencode "password=$PW")
check "HTML login with 2FA on: 303 ($code)" [ "$code" = 303 ]
check "... to /login/totp" redirects_to /login/totp
check "... with the pending cookie" grep -q '__Host-smsg-pending' "$PREFIX/cookies"
check "... and no session cookie yet" \
    sh -c "! grep -q '__Host-smsg	' '$PREFIX/cookies'"
code=$(form_get /login/totp)
check "GET /login/totp: 200 ($code)" [ "$code" = 200 ]
code=$(form_post /login/totp --data-urlencode "code=$OTP")
check "POST /login/totp with the code: 303 ($code)" [ "$code" = 303 ]
code=$(form_get /home)
check "... signed in: GET /home 200 ($code)" [ "$code" = 200 ]

TOKEN=$(json_get "${WINNER:-/dev/null}" token)
check "the race winner has a token" [ -n "$TOKEN" ]
code=$(api DELETE totp "{\"password\": \"wrong password\", \"otp\": \"000000\"}")
check "DELETE totp with a wrong password and code is refused ($code)" \
    is_4xx "$code"
check "fresh step to disable" fresh_code
code=$(api DELETE totp "{\"password\": \"$PW\", \"otp\": \"$OTP\"}")
check "DELETE totp with password and code: 204 ($code)" [ "$code" = 204 ]
api GET me > /dev/null
check "me says totp off" json_is "$PREFIX/body" totp false
TOKEN=
login_api alice "$PW"
check "login without a code works again ($CODE)" [ "$CODE" = 200 ]
check "the log never shows the secret" sh -c "! grep -q '$SECRET' '$LOG'"
done_testing
