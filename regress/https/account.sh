#!/bin/sh
# Accounts over HTTPS: the JSON API (register, login, me, logout, the
# token dead afterwards, error shapes), the same with HTML forms and a
# cookie jar, recovery with the recovery key, and smsgctl user add.
. "$top_srcdir/regress/https/lib_https.sh"
https_start

PW='plum tractor ceiling 42 vow'
PW2='amber locust hinge 97 drift'

# --- JSON API
code=$(api POST register "{\"username\": \"alice\", \"password\": \"$PW\"}")
check "API register alice: 201 ($code)" [ "$code" = 201 ]
check "... answers the username" [ "$(json_get "$PREFIX/body" username)" = alice ]
RKEY=$(json_get "$PREFIX/body" recovery_key)
check "... and a recovery key" [ -n "$RKEY" ]
code=$(api POST register "{\"username\": \"alice\", \"password\": \"$PW\"}")
check "a second register of alice is refused ($code)" is_4xx "$code"
code=$(api POST register "{\"username\": \"weak\", \"password\": \"password123\"}")
check "a weak password is refused ($code)" is_4xx "$code"
check "... with an error code in JSON" [ -n "$(json_get "$PREFIX/body" error)" ]

code=$(curl -sk -m $CURL_MAX -o "$PREFIX/body" -w '%{http_code}' \
    -H 'Content-Type: text/plain' \
    --data "{\"username\": \"carol\", \"password\": \"$PW\"}" \
    "$BASE/api/v1/register")
check "a body that is not application/json: 415 ($code)" [ "$code" = 415 ]

login_api alice "$PW"
check "API login: 200 ($CODE)" [ "$CODE" = 200 ]
check "... with a token" [ -n "$TOKEN" ]
check "... and an expiry" [ -n "$(json_get "$PREFIX/body" expires)" ]
T1=$TOKEN
code=$(api GET me)
check "me with the token: 200 ($code)" [ "$code" = 200 ]
check "... is alice" [ "$(json_get "$PREFIX/body" username)" = alice ]
check "... with a uid" [ -n "$(json_get "$PREFIX/body" uid)" ]
check "... and 2FA off" [ "$(json_get "$PREFIX/body" totp)" = false ]
code=$(api GET sessions)
check "sessions: 200 ($code)" [ "$code" = 200 ]
check "... lists the current session" grep -q '"current": *true' "$PREFIX/body"
code=$(api POST logout)
check "logout: 204 ($code)" [ "$code" = 204 ]
code=$(api GET me)
check "me with the logged-out token: 401 ($code)" [ "$code" = 401 ]
check "... error session_invalid" \
    json_is "$PREFIX/body" error session_invalid
check "... with a message" [ -n "$(json_get "$PREFIX/body" message)" ]
code=$(TOKEN='' api GET me)
check "me without a token: 401 ($code)" [ "$code" = 401 ]
code=$(TOKEN=AAAAnotatokenAAAA api GET me)
check "me with a made-up token: 401 ($code)" [ "$code" = 401 ]

login_api alice 'not the password at all'
check "wrong password: 401 ($CODE)" [ "$CODE" = 401 ]
check "... invalid_credentials" \
    json_is "$PREFIX/body" error invalid_credentials
login_api nosuchuser "$PW"
check "unknown user: 401 ($CODE)" [ "$CODE" = 401 ]
check "... the same invalid_credentials" \
    json_is "$PREFIX/body" error invalid_credentials

# cookies are ignored by the API: a web session does not sign it in
login_api alice "$PW"
code=$(curl -sk -m $CURL_MAX -o /dev/null -w '%{http_code}' \
    -H "Cookie: __Host-smsg=$TOKEN" "$BASE/api/v1/me")
check "the API ignores a session cookie: 401 ($code)" [ "$code" = 401 ]

# --- HTML forms with a cookie jar
code=$(form_get /)
check "GET / signed out: 303 ($code)" [ "$code" = 303 ]
check "... to /login" redirects_to /login
code=$(form_get /register)
check "GET /register: 200 ($code)" [ "$code" = 200 ]
check "... has a password2 field" grep -q 'name="password2"' "$PREFIX/page"
code=$(form_post /register --data-urlencode username=bob \
    --data-urlencode "password=$PW2" --data-urlencode "password2=$PW2")
check "POST /register bob: 200 ($code)" [ "$code" = 200 ]
check "... the page shows the recovery key" grep -qi 'recovery' "$PREFIX/page"
code=$(form_post /register --data-urlencode username=bob2 \
    --data-urlencode "password=$PW2" --data-urlencode "password2=$PW")
check "POST /register with passwords that differ: refused ($code)" \
    is_4xx "$code"
code=$(form_post /login --data-urlencode username=bob \
    --data-urlencode "password=not bob's password")
check "POST /login with a wrong password: 401 ($code)" [ "$code" = 401 ]
code=$(form_post /login --data-urlencode username=bob \
    --data-urlencode "password=$PW2")
check "POST /login bob: 303 ($code)" [ "$code" = 303 ]
check "... to /home" redirects_to /home
check "... sets the session cookie" grep -q '__Host-smsg' "$PREFIX/cookies"
code=$(form_get /)
check "GET / signed in: 303 to /home" \
    sh -c "[ $code = 303 ] && grep -qi '^location:.*/home' '$PREFIX/hdr'"
code=$(form_get /home)
check "GET /home: 200 ($code)" [ "$code" = 200 ]
check "... names bob" grep -q bob "$PREFIX/page"
CSRF=$(csrf_of "$PREFIX/page")
check "... has a csrf field in its forms" [ -n "$CSRF" ]
code=$(form_post /logout --data-urlencode "csrf=$CSRF")
check "POST /logout: 303 ($code)" [ "$code" = 303 ]
code=$(form_get /home)
check "GET /home after logout: not 200 ($code)" [ "$code" != 200 ]

# --- recovery: the key from the API register opens the account again
code=$(form_post /recover --data-urlencode username=alice \
    --data-urlencode "recovery_key=$RKEY" --data-urlencode "password=$PW2" \
    --data-urlencode "password2=$PW2")
check "POST /recover with alice's key: 200 or 303 ($code)" \
    is_one_of "$code" 200 303
login_api alice "$PW2"
check "alice logs in with the new password ($CODE)" [ "$CODE" = 200 ]
login_api alice "$PW"
check "... and no longer with the old one ($CODE)" [ "$CODE" = 401 ]
code=$(form_post /recover --data-urlencode username=bob \
    --data-urlencode "recovery_key=$RKEY" --data-urlencode "password=$PW" \
    --data-urlencode "password2=$PW")
check "alice's key does not recover bob ($code)" is_4xx "$code"

# --- smsgctl
echo "$PW" | ctl user add dave -p - > "$PREFIX/ctl.txt" 2>&1
check "smsgctl user add dave -p -" [ $? -eq 0 ]
login_api dave "$PW"
check "dave logs in ($CODE)" [ "$CODE" = 200 ]
ctl show sessions > "$PREFIX/ctl.txt" 2>&1
check "smsgctl show sessions lists dave" grep -q dave "$PREFIX/ctl.txt"
ctl -j show sessions > "$PREFIX/ctl.json" 2>&1
check "smsgctl -j show sessions is JSON" \
    python3 -c "import json,sys; json.load(open(sys.argv[1]))" "$PREFIX/ctl.json" 2>/dev/null
done_testing
