#!/bin/sh
# Sign-in limits (smsg-auth(8), SIGN-IN LIMITS): failed sign-ins slow
# down whoever fails and never lock the owner out.
#  - 30 wrong passwords from 127.0.0.2 (5 evaluated, then 429 with
#    Retry-After for that address and account) do not stop the right
#    password from 127.0.0.1, nor bob from 127.0.0.2;
#  - after 100 failures within the hour, spread over many addresses,
#    a guess from a new address is 429 at once and never hashed (auth's
#    log says "not evaluated" and records no attempt), while the owner's
#    browser with its device cookie, and an API client with its device
#    token, still sign in;
#  - a device token that fails too often waits itself;
#  - smsgctl user lock is absolute, device or not; unlock ends every wait.
H_LOCKOUT_THRESHOLD=5
. "$top_srcdir/regress/https/lib_https.sh"
https_start

PW='walnut orbit seventy 18 cradle'
check "register alice" register_api alice "$PW"
check "register bob" register_api bob "$PW"

# The owner signs in once from a browser and once from an API client:
# each gets a device token for alice.
code=$(JAR=owner form_post /login --data-urlencode username=alice \
    --data-urlencode "password=$PW")
check "the owner's browser signs in ($code)" [ "$code" = 303 ]
check "... and holds a device cookie" grep -q '__Host-smsg-device' \
    "$PREFIX/owner"
setc=$(grep -i '^set-cookie: __Host-smsg-device=' "$PREFIX/hdr" | tr -d '\r')
check "... Secure, HttpOnly, SameSite=Strict, Path=/, long-lived" sh -c "
    echo '$setc' | grep -q '; Secure' &&
    echo '$setc' | grep -q '; HttpOnly' &&
    echo '$setc' | grep -q '; SameSite=Strict' &&
    echo '$setc' | grep -q '; Path=/' &&
    echo '$setc' | grep -q '; Max-Age=15552000'"
login_api alice "$PW"
APIDEV=$(json_get "$PREFIX/body" device)
check "an API login answers ($CODE)" [ "$CODE" = 200 ]
check "... with a device token of 43 characters" [ ${#APIDEV} -eq 43 ]
DEVICE=$APIDEV login_api alice "$PW"
check "... the same token comes back when it is sent" \
    json_is "$PREFIX/body" device "$APIDEV"

codes=""
i=1
while [ $i -le 30 ]; do
	FROM=127.0.0.2 login_api alice "wrong password number $i"
	codes="$codes $CODE"
	[ $i -eq 6 ] && ra=$(hdr_get "$PREFIX/hdr" retry-after)
	i=$((i + 1))
done
diag "30 wrong passwords from 127.0.0.2:$codes"
check "the first 5 are evaluated: 401" [ "$(echo $codes | cut -d' ' -f1-5)" = \
    "401 401 401 401 401" ]
check "the other 25 wait: 429, never 403" [ "$(echo $codes | cut -d' ' -f6- |
    tr ' ' '\n' | sort -u)" = 429 ]
check "... with Retry-After 1..60 ($ra)" between "$ra" 1 60
login_api alice "$PW"
check "the right password from 127.0.0.1 still signs in ($CODE)" \
    [ "$CODE" = 200 ]
FROM=127.0.0.2 login_api bob "$PW"
check "bob from 127.0.0.2 is not held up ($CODE)" [ "$CODE" = 200 ]

# 95 more failures (100 within the hour) from 127.0.1.x, five each, then
# a new address: not evaluated.
evaluated=5
n=1
while [ $n -le 40 ] && [ $evaluated -lt 100 ]; do
	j=1
	while [ $j -le 5 ] && [ $evaluated -lt 100 ]; do
		FROM=127.0.1.$n login_api alice "guess $n.$j"
		[ "$CODE" = 401 ] && evaluated=$((evaluated + 1))
		j=$((j + 1))
	done
	n=$((n + 1))
done
check "100 failures evaluated within the hour ($evaluated)" \
    [ "$evaluated" -eq 100 ]
FROM=127.0.2.1 login_api alice "one guess too many"
check "a guess from a new address: 429 ($CODE)" [ "$CODE" = 429 ]
check "... error throttled" json_is "$PREFIX/body" error throttled
ra=$(hdr_get "$PREFIX/hdr" retry-after)
check "... Retry-After up to an hour ($ra)" between "$ra" 1 3600
check "... auth says not evaluated" wait_for 10 log_has \
    "sign-in for alice from 127.0.2.1 not evaluated"
check "an evaluated guess is recorded before hashing (the log shows it)" \
    log_has "sign-in for alice from 127.0.1.1: attempt recorded"
check "... the refused one recorded no attempt: nothing was hashed" sh -c \
    "! grep -q 'sign-in for alice from 127.0.2.1: attempt recorded' '$LOG'"
FROM=127.0.2.2 login_api alice "$PW"
check "the right password from a browser alice never used: 429 ($CODE)" \
    [ "$CODE" = 429 ]
check "... the message says what to do" grep -q 'signed in with before' \
    "$PREFIX/body"

code=$(JAR=owner form_post /login --data-urlencode username=alice \
    --data-urlencode "password=$PW")
check "the owner's browser with its device cookie signs in ($code)" \
    [ "$code" = 303 ]
check "... to its home page" redirects_to /home
DEVICE=$APIDEV FROM=127.0.2.3 login_api alice "$PW"
check "an API client with its device token, from anywhere: 200 ($CODE)" \
    [ "$CODE" = 200 ]
check "the siege shows in alice's activity" wait_for 10 log_has \
    "user alice: signin_limited"

# A device token that fails too often is itself held back.
codes=""
i=1
while [ $i -le 6 ]; do
	DEVICE=$APIDEV login_api alice "device guess $i"
	codes="$codes $CODE"
	i=$((i + 1))
done
diag "6 wrong passwords with the device token:$codes"
check "5 evaluated, then that device waits" \
    [ "$(echo $codes)" = "401 401 401 401 401 429" ]
check "... saying so" grep -q 'this browser' "$PREFIX/body"
code=$(JAR=owner form_post /login --data-urlencode username=alice \
    --data-urlencode "password=$PW")
check "the browser's own device is not held back ($code)" [ "$code" = 303 ]

# The administrator's lock is absolute; unlock ends every wait.
check "smsgctl user lock alice" ctl user lock alice
code=$(JAR=owner form_post /login --data-urlencode username=alice \
    --data-urlencode "password=$PW")
check "locked: the device cookie does not help: 403 ($code)" \
    [ "$code" = 403 ]
check "... the page says locked" grep -qi 'locked' "$PREFIX/page"
DEVICE=$APIDEV login_api alice "$PW"
check "... nor the device token: 403 ($CODE)" [ "$CODE" = 403 ]
check "... error locked" json_is "$PREFIX/body" error locked
check "smsgctl user unlock alice" ctl user unlock alice
DEVICE=$APIDEV login_api alice "$PW"
check "unlocked: the held-back device signs in again ($CODE)" \
    [ "$CODE" = 200 ]
FROM=127.0.0.2 login_api alice "$PW"
check "... and 127.0.0.2, which waited, too ($CODE)" [ "$CODE" = 200 ]
FROM=127.0.2.4 login_api alice "$PW"
check "... and a new browser ($CODE)" [ "$CODE" = 200 ]

ctl user unlock nosuchuser > "$PREFIX/ctl.txt" 2>&1
check "user unlock of an unknown user fails" [ $? -ne 0 ]
check "... saying so" grep -qi 'no such user\|unknown user\|not found\|no user' "$PREFIX/ctl.txt"
check "the log never shows the password" sh -c "! grep -qF '$PW' '$LOG'"
check "... nor a device token" sh -c "! grep -qF -e '$APIDEV' '$LOG'"
done_testing
