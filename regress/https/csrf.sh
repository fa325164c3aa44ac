#!/bin/sh
# Cross-site request forgery: signed-in form posts without the csrf
# field, with a wrong one, or with another session's, are 403 and change
# nothing; so are posts marked cross-site by Origin or Sec-Fetch-Site,
# even with the right csrf.  The same post done properly then works.
. "$top_srcdir/regress/https/lib_https.sh"
https_start

PW='thistle anchor murmur 84 glade'
NEW='velvet quarry dynamo 27 heron'
check "register alice" register_api alice "$PW"

# An API session to try to revoke, and a second browser for its csrf.
login_api alice "$PW"
check "an API session ($CODE)" [ "$CODE" = 200 ]
APITOKEN=$TOKEN
api GET sessions > /dev/null
SID=$(python3 -c 'import json,sys
for s in json.load(open(sys.argv[1]))["sessions"]:
    if s.get("current"):
        print(s["id"])' "$PREFIX/body" 2>/dev/null)
check "... and its id from GET sessions" [ -n "$SID" ]
JAR=other
form_post /login --data-urlencode username=alice \
    --data-urlencode "password=$PW" > /dev/null
form_get /settings/password > /dev/null
OTHER=$(csrf_of "$PREFIX/page")
JAR=

code=$(form_post /login --data-urlencode username=alice \
    --data-urlencode "password=$PW")
check "HTML login: 303 ($code)" [ "$code" = 303 ]
form_get /settings/password > /dev/null
CSRF=$(csrf_of "$PREFIX/page")
check "the password page has a csrf field" [ -n "$CSRF" ]
check "another session's page has a csrf field" [ -n "$OTHER" ]
check "... different from this one's" [ "$OTHER" != "$CSRF" ]
WRONG=$(echo "$CSRF" | tr 'A-Za-z0-9' 'B-Za-z0-9A')

# still_same: the password is unchanged and the API session alive.
still_same() {
	( login_api alice "$PW"; [ "$CODE" = 200 ] ) &&
	    [ "$(TOKEN=$APITOKEN api GET me)" = 200 ]
}

pwform() {
	form_post /settings/password "$@" --data-urlencode "current=$PW" \
	    --data-urlencode "password=$NEW" --data-urlencode "password2=$NEW"
}
code=$(pwform)
check "password change without csrf: 403 ($code)" [ "$code" = 403 ]
code=$(pwform --data-urlencode "csrf=$WRONG")
check "password change with a wrong csrf: 403 ($code)" [ "$code" = 403 ]
code=$(pwform --data-urlencode "csrf=$OTHER")
check "password change with another session's csrf: 403 ($code)" [ "$code" = 403 ]
code=$(pwform --data-urlencode "csrf=")
check "password change with an empty csrf: 403 ($code)" [ "$code" = 403 ]
code=$(form_post /settings/sessions/revoke --data-urlencode "id=$SID")
check "session revoke without csrf: 403 ($code)" [ "$code" = 403 ]
code=$(form_post /settings/sessions/revoke --data-urlencode "id=$SID" \
    --data-urlencode "csrf=$WRONG")
check "session revoke with a wrong csrf: 403 ($code)" [ "$code" = 403 ]
code=$(form_post /settings/2fa/begin --data-urlencode "csrf=$WRONG")
check "2FA begin with a wrong csrf: 403 ($code)" [ "$code" = 403 ]
code=$(form_post /logout -d "")
check "logout without csrf: 403 ($code)" [ "$code" = 403 ]
check "nothing changed: password, API session" still_same
code=$(form_get /home)
check "... and this browser is still signed in ($code)" [ "$code" = 200 ]

# Cross-site marks win over a right csrf.
xsite() {
	curl -sk -m $CURL_MAX -b "$PREFIX/cookies" -o "$PREFIX/page" \
	    -w '%{http_code}' "$@" --data-urlencode "csrf=$CSRF" \
	    --data-urlencode "current=$PW" --data-urlencode "password=$NEW" \
	    --data-urlencode "password2=$NEW" "$BASE/settings/password"
}
code=$(xsite -H 'Origin: https://evil.example')
check "Origin https://evil.example: 403 ($code)" [ "$code" = 403 ]
code=$(xsite -H "Origin: https://127.0.0.1:$((PORT + 1))")
check "Origin on another port: 403 ($code)" [ "$code" = 403 ]
code=$(xsite -H 'Origin: null')
check "Origin null: 403 ($code)" [ "$code" = 403 ]
code=$(xsite -H 'Sec-Fetch-Site: cross-site')
check "Sec-Fetch-Site: cross-site: 403 ($code)" [ "$code" = 403 ]
code=$(xsite -H "Origin: $BASE" -H 'Sec-Fetch-Site: cross-site')
check "Sec-Fetch-Site: cross-site with our Origin: 403 ($code)" [ "$code" = 403 ]
code=$(curl -sk -m $CURL_MAX -o /dev/null -w '%{http_code}' \
    -H 'Origin: https://evil.example' --data-urlencode username=alice \
    --data-urlencode "password=$PW" "$BASE/login")
check "a cross-site login post: 403 ($code)" [ "$code" = 403 ]
check "nothing changed after the cross-site posts" still_same

# What Chromium sends for a same-origin form post when the page said
# Referrer-Policy: no-referrer: Sec-Fetch-Site same-origin, Origin null.
code=$(curl -sk -m $CURL_MAX -o /dev/null -w '%{http_code}' \
    -H 'Origin: null' -H 'Sec-Fetch-Site: same-origin' \
    --data-urlencode username=alice --data-urlencode "password=$PW" \
    "$BASE/login")
check "a browser's same-origin post with Origin null is accepted: 303 ($code)" \
    [ "$code" = 303 ]

# The control: the same change, done properly, works.
code=$(pwform --data-urlencode "csrf=$CSRF")
check "password change with the right csrf: 200 or 303 ($code)" \
    is_one_of "$code" 200 303
login_api alice "$NEW"
check "... the new password works ($CODE)" [ "$CODE" = 200 ]
done_testing
