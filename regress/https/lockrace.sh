#!/bin/sh
# An administrator's lock while a sign-in is being hashed: the sign-in
# must not end in a session.  scrypt at N = 2^19 takes about two seconds
# here; the lock is sent once auth has logged that the attempt is
# recorded and its hash starts (a condition, not a sleep).  Then a
# session of a locked account must stop working at its next request.
H_SCRYPT_LOGN=19
. "$top_srcdir/regress/https/lib_https.sh"
https_start

PW='quarry mosaic lantern 47 thistle'
check "register alice (N = 2^19)" register_api alice "$PW"

curl -sk -m 60 -o "$PREFIX/race.body" -w '%{http_code}' \
    -H 'Content-Type: application/json' \
    --data-binary "{\"username\": \"alice\", \"password\": \"$PW\"}" \
    "$BASE/api/v1/login" > "$PREFIX/race.code" &
SIGNIN=$!
check "auth starts hashing the sign-in" wait_for 30 log_has \
    "sign-in for alice from 127.0.0.1: attempt recorded before hashing"
check "smsgctl user lock alice, meanwhile" ctl user lock alice
wait $SIGNIN
code=$(cat "$PREFIX/race.code")
check "the sign-in in flight when the lock came is refused: 403 ($code)" \
    [ "$code" = 403 ]
check "... error locked" json_is "$PREFIX/race.body" error locked
RACED=$(json_get "$PREFIX/race.body" token)
check "... no token" [ -z "$RACED" ]
check "... and had it got one, the lock refuses it at each request" \
    sh -c "[ -z '$RACED' ] || [ \"\$(TOKEN='$RACED' curl -sk -m $CURL_MAX \
    -o /dev/null -w '%{http_code}' -H 'Authorization: Bearer $RACED' \
    '$BASE/api/v1/me')\" = 401 ]"
check "... auth found the lock after hashing" wait_for 10 log_has \
    "user alice: sign-in refused after hashing"

check "smsgctl user unlock alice" ctl user unlock alice
login_api alice "$PW"
check "unlocked: alice signs in ($CODE)" [ "$CODE" = 200 ]
check "... and her session works" [ "$(api GET me)" = 200 ]
check "smsgctl user lock alice" ctl user lock alice
check "the locked account's session is refused at once" \
    [ "$(api GET me)" = 401 ]
check "... and stays ended after unlock" sh -c \
    "'$SMSGCTL' -s '$SOCK' user unlock alice >/dev/null &&
    [ \"\$(TOKEN='$TOKEN' curl -sk -m $CURL_MAX -o /dev/null -w '%{http_code}' \
    -H 'Authorization: Bearer $TOKEN' '$BASE/api/v1/me')\" = 401 ]"
done_testing
