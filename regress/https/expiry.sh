#!/bin/sh
# Sessions end after session.idle_timeout (3 s here) without use, over the
# API and for the HTML cookie; use within the timeout keeps them alive.
H_SESSION_IDLE=3
. "$top_srcdir/regress/https/lib_https.sh"
https_start

PW='saffron kettle bramble 31 oxide'
check "register alice" register_api alice "$PW"
login_api alice "$PW"
check "login: 200 ($CODE)" [ "$CODE" = 200 ]
code=$(api GET me)
check "me at once: 200 ($code)" [ "$code" = 200 ]
alive=0
for i in 1 2 3; do
	sleep 1.5
	[ "$(api GET me)" = 200 ] && alive=$((alive + 1))
done
check "me every 1.5 s for 4.5 s keeps the session ($alive of 3)" [ $alive -eq 3 ]
sleep 5
code=$(api GET me)
check "me after 5 s idle: 401 ($code)" [ "$code" = 401 ]
check "... session_invalid" json_is "$PREFIX/body" error session_invalid
login_api alice "$PW"
check "a new login works ($CODE)" [ "$CODE" = 200 ]

code=$(form_post /login --data-urlencode username=alice \
    --data-urlencode "password=$PW")
check "HTML login: 303 ($code)" [ "$code" = 303 ]
code=$(form_get /home)
check "GET /home: 200 ($code)" [ "$code" = 200 ]
sleep 5
code=$(form_get /home)
check "GET /home after 5 s idle: 303 ($code)" [ "$code" = 303 ]
check "... to /login" redirects_to /login
done_testing
