#!/bin/sh
# The route table against the real daemon: 404 and 405 (with the right
# Allow) on both faces; malformed path parameters refused with 404
# before anything reaches auth; 411, 413 and 415 answered from the head
# alone, before the body is sent (and without 100 Continue); a bodiless
# POST is an empty body, not 411; and both faces answer the same failure
# with the same status.
. "$top_srcdir/regress/https/lib_https.sh"
https_start

PW='quiver saffron lattice 63 brook'
H="Host: 127.0.0.1:$PORT"

# says_close FILE: the response head in FILE announces the close.
says_close() {
	[ "$(hdr_get "$1" connection)" = close ]
}

# req METHOD PATH [curl args]: status; headers in $PREFIX/hdr, body in
# $PREFIX/body.  --path-as-is keeps dot segments as sent.
req() {
	m=$1 p=$2
	shift 2
	curl -sk -m $CURL_MAX --path-as-is -o "$PREFIX/body" \
	    -D "$PREFIX/hdr" -w '%{http_code}' -X "$m" "$@" "$BASE$p"
}

# allow_is METHOD PATH WANT: 405, and Allow is WANT.
allow_is() {
	code=$(req "$1" "$2")
	allow=$(hdr_get "$PREFIX/hdr" allow)
	check "$1 $2: 405 ($code) with Allow: $3 ($allow)" \
	    [ "$code|$allow" = "405|$3" ]
}

# --- 405 and Allow
allow_is PUT /login "GET, HEAD, POST"
check "... a page: text/html" sh -c \
    "grep -qi '^content-type: text/html' '$PREFIX/hdr'"
allow_is DELETE /api/v1/me "GET, HEAD"
check "... the API: error method_not_allowed" \
    json_is "$PREFIX/body" error method_not_allowed
allow_is GET /api/v1/totp "POST, DELETE"
allow_is GET /api/v1/sessions/0123456789abcdef "DELETE"
allow_is POST /static/smsg.css "GET, HEAD"
code=$(req HEAD /login -I)
check "HEAD on a GET route: 200 ($code)" [ "$code" = 200 ]

# --- 404, and malformed parameters before auth (no token: 404, not 401)
code=$(req GET /nothing-here)
check "GET /nothing-here: 404 ($code)" [ "$code" = 404 ]
check "... as a page" sh -c "grep -qi '^content-type: text/html' '$PREFIX/hdr'"
check "... with Connection: close (answered from the head)" \
    says_close "$PREFIX/hdr"
code=$(req GET /api/v1/nothing)
check "GET /api/v1/nothing: 404 ($code)" [ "$code" = 404 ]
check "... as JSON not_found" json_is "$PREFIX/body" error not_found
check "... with Connection: close" says_close "$PREFIX/hdr"
code=$(req PUT /api/v1/me)
conn=$(hdr_get "$PREFIX/hdr" connection)
check "PUT /api/v1/me: 405, Connection: close ($code, $conn)" \
    [ "$code $conn" = "405 close" ]
# The control: a whole request answered keeps the connection.
code=$(req GET /login)
conn=$(hdr_get "$PREFIX/hdr" connection)
check "GET /login: 200, Connection: keep-alive ($code, $conn)" \
    [ "$code $conn" = "200 keep-alive" ]
for p in /api/v1/sessions/xyz /api/v1/sessions/0123 \
    /api/v1/sessions/0123456789abcdef0 /api/v1/sessions/0123456789abcdeg \
    /api/v1/sessions/ /api/v1/sessions/0123456789abcdef/ \
    /api/v1/sessions/%30123456789abcdef /api/v1/sessions//0123456789abcdef; do
	code=$(req DELETE "$p")
	check "DELETE $p without a token: 404 ($code)" [ "$code" = 404 ]
done
for p in /login/ //login /./login /api/v1/../v1/me /api/v1/m%65 /LOGIN \
    /api/v1/me/; do
	code=$(req GET "$p")
	check "GET $p: 404 ($code)" [ "$code" = 404 ]
done

# --- 411, 413, 415 from the head alone.  tlsraw sends only the head and
# waits (at most 6 s, far below the 30 s body timeout) for an answer.
head_only() {
	"$TLSRAW" -p "$PORT" -t 6 -o "$PREFIX/resp" "$2" > "$PREFIX/out" 2>&1
	st=$(sed -n 's/^status: //p' "$PREFIX/out")
	check "$1: $3 before the body, then closed ($st)" sh -c \
	    "echo '$st' | grep -q '^HTTP/1.1 $3 ' &&
	    grep -q '^closed: yes$' '$PREFIX/out'"
	check "... and said so: Connection: close" says_close "$PREFIX/resp"
}
JSONT='Content-Type: application/json'
head_only "API login with Content-Length 10000000" \
    "POST /api/v1/login HTTP/1.1\\r\\n$H\\r\\n$JSONT\\r\\nContent-Length: 10000000\\r\\n\\r\\n" 413
head_only "... and Expect: 100-continue (no 100 first)" \
    "POST /api/v1/login HTTP/1.1\\r\\n$H\\r\\n$JSONT\\r\\nContent-Length: 10000000\\r\\nExpect: 100-continue\\r\\n\\r\\n" 413
head_only "a page form of 10000000 bytes" \
    "POST /login HTTP/1.1\\r\\n$H\\r\\nContent-Type: application/x-www-form-urlencoded\\r\\nContent-Length: 10000000\\r\\n\\r\\n" 413
head_only "API login as text/plain" \
    "POST /api/v1/login HTTP/1.1\\r\\n$H\\r\\nContent-Type: text/plain\\r\\nContent-Length: 40\\r\\n\\r\\n" 415
head_only "... and Expect: 100-continue (no 100 first)" \
    "POST /api/v1/login HTTP/1.1\\r\\n$H\\r\\nContent-Type: text/plain\\r\\nContent-Length: 40\\r\\nExpect: 100-continue\\r\\n\\r\\n" 415
head_only "a page form sent as JSON" \
    "POST /login HTTP/1.1\\r\\n$H\\r\\n$JSONT\\r\\nContent-Length: 40\\r\\n\\r\\n" 415
head_only "a body of unknown type without Content-Type" \
    "POST /api/v1/login HTTP/1.1\\r\\n$H\\r\\nContent-Length: 40\\r\\n\\r\\n" 415
head_only "a body for GET /api/v1/me" \
    "GET /api/v1/me HTTP/1.1\\r\\n$H\\r\\nContent-Length: 40\\r\\n\\r\\n" 413
head_only "a chunked body for GET /api/v1/me" \
    "GET /api/v1/me HTTP/1.1\\r\\n$H\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n" 411
# The control: with 100-continue and an acceptable head, 100 comes first.
"$TLSRAW" -p "$PORT" -t 6 "POST /api/v1/login HTTP/1.1\\r\\n$H\\r\\n$JSONT\\r\\nContent-Length: 2\\r\\nExpect: 100-continue\\r\\n\\r\\n" \
    > "$PREFIX/out" 2>&1
check "an acceptable head with Expect: 100-continue gets 100 Continue" \
    grep -q '^status: HTTP/1.1 100 ' "$PREFIX/out"

# --- a POST without Content-Length or Transfer-Encoding has no body
check "register alice" register_api alice "$PW"
login_api alice "$PW"
check "sign in ($CODE)" [ "$CODE" = 200 ]
code=$(curl -sk -m $CURL_MAX -o /dev/null -w '%{http_code}' -X POST \
    -H "Authorization: Bearer $TOKEN" "$BASE/api/v1/logout")
check "curl -X POST .../logout, no length: 204 ($code)" [ "$code" = 204 ]
code=$(api GET me)
check "... and the token is signed out: 401 ($code)" [ "$code" = 401 ]
login_api alice "$PW"
code=$(curl -sk -m $CURL_MAX -o "$PREFIX/body" -w '%{http_code}' -X POST \
    -H "Authorization: Bearer $TOKEN" "$BASE/api/v1/totp")
check "a bodiless POST .../totp: 200 ($code)" [ "$code" = 200 ]
check "... with a secret" [ -n "$(json_get "$PREFIX/body" secret)" ]

# --- the same failure, the same status on both faces
login_api alice 'not the password at all'
code=$(form_post /login --data-urlencode username=alice \
    --data-urlencode 'password=not the password at all')
check "wrong password: API $CODE, page $code, both 401" \
    [ "$CODE $code" = "401 401" ]
api_code=$(TOKEN='' api POST register "{\"username\": \"alice\", \"password\": \"$PW\"}")
code=$(form_post /register --data-urlencode username=alice \
    --data-urlencode "password=$PW" --data-urlencode "password2=$PW")
check "a name taken: API $api_code, page $code, the same 4xx" \
    sh -c "[ '$api_code' = '$code' ] && [ '$code' -ge 400 ] && [ '$code' -lt 500 ]"
api_code=$(TOKEN='' api POST register '{"username": "weakling", "password": "password123"}')
code=$(form_post /register --data-urlencode username=weakling \
    --data-urlencode password=password123 --data-urlencode password2=password123)
check "a weak password: API $api_code, page $code, both 422" \
    [ "$api_code $code" = "422 422" ]
api_code=$(TOKEN='' api POST login '{"username": 5, "password": "x"}')
check "a JSON member of the wrong type: 400 ($api_code)" [ "$api_code" = 400 ]
check "... naming it" grep -q username "$PREFIX/body"
code=$(form_post /settings/sessions/revoke --data-urlencode id=x)
check "a signed-out page post goes to sign in: 303 ($code)" [ "$code" = 303 ]

check "smsgd is still running" kill -0 "$DAEMON_PID"
check "all four children still running" all_running
done_testing
