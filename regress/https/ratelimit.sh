#!/bin/sh
# Rate limits per client network (limits.ipv4_prefix 24 here): login_rate
# 3 and register_rate 2 per minute; the next attempt is 429 with
# Retry-After (API and HTML), from any address of the same /24, while
# other networks are not affected.  This is also the test that logs in
# with the default scrypt cost (N = 2^17).
H_LOGIN_RATE=3
H_REGISTER_RATE=2
H_SCRYPT_LOGN=17
EXTRA_CONF='limits: { ipv4_prefix = 24; };'
. "$top_srcdir/regress/https/lib_https.sh"
https_start

PW='lantern cobalt fjord 29 pylon'
check "register alice (1 of 2)" register_api alice "$PW"
check "register bob (2 of 2)" register_api bob "$PW"
code=$(TOKEN='' api POST register "{\"username\": \"carol\", \"password\": \"$PW\"}")
check "the 3rd register in a minute: 429 ($code)" [ "$code" = 429 ]
check "... with Retry-After" \
    between "$(hdr_get "$PREFIX/hdr" retry-after)" 1 60

login_api alice "$PW"
check "login 1, N = 2^17: 200 ($CODE)" [ "$CODE" = 200 ]
check "... me works" [ "$(api GET me)" = 200 ]
login_api alice 'wrong password one'
check "login 2: 401 ($CODE)" [ "$CODE" = 401 ]
login_api bob "$PW"
check "login 3: 200 ($CODE)" [ "$CODE" = 200 ]
login_api alice "$PW"
check "login 4 within the minute: 429 ($CODE)" [ "$CODE" = 429 ]
ra=$(hdr_get "$PREFIX/hdr" retry-after)
check "... with Retry-After in 1..60 ($ra)" between "$ra" 1 60
check "... error throttled" json_is "$PREFIX/body" error throttled
code=$(form_post /login --data-urlencode username=alice \
    --data-urlencode "password=$PW")
check "HTML login 5: 429 ($code)" [ "$code" = 429 ]
check "... with Retry-After" between "$(hdr_get "$PREFIX/hdr" retry-after)" 1 60
check "the limit does not end sessions: me still 200" [ "$(api GET me)" = 200 ]

FROM=127.0.0.2 login_api alice "$PW"
check "another address of the /24 (127.0.0.2) shares the limit ($CODE)" \
    [ "$CODE" = 429 ]
check "... logged with the network's key" wait_for 10 log_has \
    "rate limit: /api/v1/login from 127.0.0.0/24"
FROM=127.0.1.2 login_api alice "$PW"
check "another network (127.0.1.2) may still log in ($CODE)" [ "$CODE" = 200 ]
done_testing
