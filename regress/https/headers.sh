#!/bin/sh
# Response headers: the session cookie's flags, and every security header
# on every kind of response: each HTML route signed out and signed in, the
# stylesheet, the API, a 404 and a 400 from the HTTP parser.
. "$top_srcdir/regress/https/lib_https.sh"
https_start

PW='coral fathom whistle 63 ember'

# missing_headers FILE: the security headers FILE lacks, space-separated.
missing_headers() {
	f=$1
	miss=""
	csp=$(hdr_get "$f" content-security-policy)
	for d in "default-src 'none'" "frame-ancestors 'none'" \
	    "form-action 'self'" "base-uri 'none'"; do
		case $csp in
		*"$d"*) ;;
		*) miss="$miss csp:$d" ;;
		esac
	done
	hdr_get "$f" strict-transport-security | grep -q 'max-age=[1-9]' ||
	    miss="$miss hsts"
	[ "$(hdr_get "$f" x-content-type-options)" = nosniff ] ||
	    miss="$miss nosniff"
	[ "$(hdr_get "$f" referrer-policy)" = no-referrer ] ||
	    miss="$miss referrer-policy"
	hdr_get "$f" cache-control | grep -q 'no-store' ||
	    miss="$miss no-store"
	ct=$(hdr_get "$f" content-type)
	case $ct in
	text/*charset=*) ;;
	text/*) miss="$miss charset" ;;
	"")
		len=$(hdr_get "$f" content-length)
		[ "${len:-0}" -eq 0 ] 2>/dev/null || miss="$miss content-type"
		;;
	esac
	echo "$miss"
}

# page_check DESCRIPTION CODE: the headers just fetched into $PREFIX/hdr.
page_check() {
	m=$(missing_headers "$PREFIX/hdr")
	check "$1 ($2): every security header${m:+, missing$m}" [ -z "$m" ]
}

check "register alice" register_api alice "$PW"

for p in / /login /register /recover /login/totp /home /settings/password \
    /settings/2fa /settings/sessions /settings/activity /static/smsg.css \
    /no/such/page; do
	code=$(form_get "$p")
	page_check "signed out GET $p" "$code"
done
code=$(form_get /static/smsg.css)
check "the stylesheet is text/css ($code)" \
    sh -c "grep -qi '^content-type: text/css' '$PREFIX/hdr'"
code=$(form_get /login)
check "the login page is text/html with a charset ($code)" \
    sh -c "grep -qi '^content-type: text/html; *charset=utf-8' '$PREFIX/hdr'"
code=$(form_get /no/such/page)
check "an unknown path: 404 ($code)" [ "$code" = 404 ]

code=$(form_post /login --data-urlencode username=alice \
    --data-urlencode "password=$PW")
page_check "POST /login" "$code"
cookie=$(grep -i '^set-cookie: __Host-smsg=' "$PREFIX/hdr" | tr -d '\r')
diag "login cookie flags: $(echo "$cookie" | sed 's/=[^;]*;/=...;/')"
check "login sets __Host-smsg" [ -n "$cookie" ]
for flag in Secure HttpOnly SameSite=Strict Path=/; do
	check "... with $flag" sh -c "echo '$cookie' | grep -qi '; *$flag\\( *;\\|\$\\)'"
done
check "... and no Domain" sh -c "! echo '$cookie' | grep -qi 'domain='"

for p in / /home /settings/password /settings/2fa /settings/sessions \
    /settings/activity /login /register; do
	code=$(form_get "$p")
	page_check "signed in GET $p" "$code"
done
code=$(form_get /settings/sessions)
check "the sessions page has a csrf field ($code)" \
    [ -n "$(csrf_of "$PREFIX/page")" ]

login_api alice "$PW"
page_check "API POST login" "$CODE"
check "the API answers JSON" \
    sh -c "grep -qi '^content-type: application/json' '$PREFIX/hdr'"
code=$(api GET me)
page_check "API GET me" "$code"
code=$(api GET sessions)
page_check "API GET sessions" "$code"
code=$(TOKEN='' api GET me)
page_check "API GET me without a token" "$code"
code=$(api GET no/such/endpoint)
page_check "API unknown endpoint" "$code"

# A 400 straight from the parser: a header line without a colon.
"$TLSRAW" -p "$PORT" -t 5 -o "$PREFIX/raw" \
    'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nno colon here\r\n\r\n' > "$PREFIX/out"
sed '/^\r\{0,1\}$/q' "$PREFIX/raw" > "$PREFIX/hdr"
check "a header line without a colon: 400" grep -q '^status: HTTP/1.1 400' "$PREFIX/out"
page_check "the parser's 400" 400
done_testing
