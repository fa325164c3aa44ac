# Shared by the HTTPS system tests: a real smsgd with its front listening
# on a loopback port with a throw-away self-signed certificate, and small
# helpers around curl for the JSON API and the HTML forms.
#
# A test sets the H_* knobs it needs, then:
#	. "$top_srcdir/regress/https/lib_https.sh"
#	https_start		(need_root, setup, start, wait until served)
# and uses api, form_get, form_post, json_get, hdr_get.

. "$top_srcdir/regress/lib.sh"

TLSRAW="$top_builddir/regress/https/tlsraw"
CURL_MAX=20		# seconds: no request of a test may take longer

# Knobs, with the values most tests want.
: "${H_SCRYPT_LOGN:=12}"
: "${H_LOGIN_RATE:=1000}"
: "${H_REGISTER_RATE:=1000}"
: "${H_SESSION_IDLE:=900}"
: "${H_SESSION_LIFETIME:=43200}"
: "${H_HEADER_TIMEOUT:=10}"
: "${H_BODY_TIMEOUT:=30}"
: "${H_FORM_MAX:=65536}"
: "${H_LOCKOUT_THRESHOLD:=5}"

# A port nobody listens on now: the kernel's pick when python3 is there,
# else one derived from our pid in 20000-29999 ($1: the attempt number).
free_port() {
	if command -v python3 >/dev/null 2>&1; then
		python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
	else
		echo $((20000 + ($$ * 7 + ${1:-0} * 131) % 10000))
	fi
}

# make_cert DIR: a P-256 self-signed certificate for localhost, 2 days.
make_cert() {
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	    -days 2 -subj /CN=localhost \
	    -addext subjectAltName=DNS:localhost,IP:127.0.0.1 \
	    -keyout "$1/key.pem" -out "$1/cert.pem" >/dev/null 2>&1
}

# https_config PORT: daemon_setup's config plus the HTTPS sections.
https_config() {
	sed -e "s|^front: { |front: { listen = \"127.0.0.1\"; port = $1; \
http_port = 0; workers = 0; header_timeout = $H_HEADER_TIMEOUT; \
body_timeout = $H_BODY_TIMEOUT; idle_timeout = 60; form_max = $H_FORM_MAX; \
max_connections = 1024; login_rate = $H_LOGIN_RATE; \
register_rate = $H_REGISTER_RATE; |" \
	    -e "s|^auth: { |auth: { hash_threads = 0; \
scrypt_logn = $H_SCRYPT_LOGN; scrypt_r = 8; scrypt_p = 1; \
password_min_score = 3; lockout_threshold = $H_LOCKOUT_THRESHOLD; \
lockout_max = 3600; issuer = \"smsg\"; |" \
	    "$PREFIX/base.conf" > "$CONF"
	cat >> "$CONF" <<CONF
tls: { certificate = "$PREFIX/cert.pem"; key = "$PREFIX/key.pem"; };
session: { idle_timeout = $H_SESSION_IDLE; lifetime = $H_SESSION_LIFETIME; };
CONF
}

# Answers at all (any HTTP status) on the HTTPS port.
serving() {
	code=$(curl -sk -m 2 -o /dev/null -w '%{http_code}' \
	    "https://127.0.0.1:$PORT/static/smsg.css")
	[ -n "$code" ] && [ "$code" != 000 ]
}

# need_root, a prefix with a certificate and config, smsgd started and
# serving; skips when this tree has no HTTPS front, bails out on failure.
https_start() {
	need_root
	command -v curl >/dev/null 2>&1 || skip_all "curl missing"
	command -v openssl >/dev/null 2>&1 || skip_all "openssl missing"
	daemon_setup
	cp "$CONF" "$PREFIX/base.conf"
	make_cert "$PREFIX" || { echo "Bail out! openssl req failed"; exit 1; }
	attempt=0
	while [ $attempt -lt 3 ]; do
		PORT=$(free_port $attempt)
		BASE="https://127.0.0.1:$PORT"
		https_config "$PORT"
		if ! "$SMSGD" -n -f "$CONF" > "$PREFIX/check.txt" 2>&1; then
			grep -q '"certificate"' "$top_srcdir/lib/smsgconf.c" ||
			    skip_all "this smsgd has no HTTPS front yet" \
				"($(head -1 "$PREFIX/check.txt"))"
			echo "Bail out! config refused: $(head -1 "$PREFIX/check.txt")"
			exit 1
		fi
		daemon_start
		if wait_for 20 serving; then
			return 0
		fi
		kill "$DAEMON_PID" 2>/dev/null
		wait_for 10 daemon_gone
		grep -qi "in use" "$LOG" || break
		attempt=$((attempt + 1))
	done
	echo "# smsgd did not serve HTTPS on port $PORT within 20 s"
	sed 's/^/# /' "$LOG"
	echo "Bail out! smsgd not serving"
	exit 1
}

# api METHOD PATH [JSON]: a JSON API call with $TOKEN as bearer when set.
# The body lands in $PREFIX/body, the headers in $PREFIX/hdr; prints the
# status code.
api() {
	set -- "$1" "$2" "${3-}"
	if [ -n "${TOKEN:-}" ]; then
		set -- "$@" -H "Authorization: Bearer $TOKEN"
	fi
	if [ -n "$3" ]; then
		set -- "$@" -H "Content-Type: application/json" --data-binary "$3"
	fi
	m=$1 p=$2
	shift 3
	curl -sk -m $CURL_MAX -o "$PREFIX/body" -D "$PREFIX/hdr" \
	    -w '%{http_code}' -X "$m" "$@" "$BASE/api/v1/$p"
}

# json_get FILE KEY: a top-level value of a JSON object ("" when absent);
# lists and objects come out as JSON, true/false as true/false.
json_get() {
	python3 - "$1" "$2" <<'PY'
import json, sys
try:
    v = json.load(open(sys.argv[1])).get(sys.argv[2], "")
except Exception:
    v = ""
if isinstance(v, bool):
    print("true" if v else "false")
elif isinstance(v, (list, dict)):
    print(json.dumps(v))
else:
    print(v)
PY
}

# hdr_get FILE NAME: the value of a response header, case-insensitive.
hdr_get() {
	awk -v n="$2" 'BEGIN { n = tolower(n) }
	    { sub(/\r$/, "") }
	    tolower(substr($0, 1, length(n) + 1)) == n ":" {
		v = substr($0, length(n) + 2); sub(/^[ \t]+/, "", v); print v; exit }' "$1"
}

# The HTML side keeps its cookies in a jar named by $JAR.
JAR_DEFAULT=cookies

# form_get PATH: GET an HTML page with the jar; body in $PREFIX/page.
form_get() {
	curl -sk -m $CURL_MAX -b "$PREFIX/${JAR:-$JAR_DEFAULT}" \
	    -c "$PREFIX/${JAR:-$JAR_DEFAULT}" -o "$PREFIX/page" \
	    -D "$PREFIX/hdr" -w '%{http_code}' "$BASE$1"
}

# form_post PATH [curl args...]: a same-origin form POST as a browser
# sends it (--data-urlencode name=value for the fields).
form_post() {
	p=$1
	shift
	curl -sk -m $CURL_MAX -b "$PREFIX/${JAR:-$JAR_DEFAULT}" \
	    -c "$PREFIX/${JAR:-$JAR_DEFAULT}" -o "$PREFIX/page" \
	    -D "$PREFIX/hdr" -w '%{http_code}' \
	    -H "Origin: $BASE" -H "Sec-Fetch-Site: same-origin" "$@" "$BASE$p"
}

# csrf_of FILE: the csrf value of the first form in a page.
csrf_of() {
	sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$1" | head -1
}

# register_api NAME PASSWORD: an account through the API; 0 on 201.
register_api() {
	[ "$(TOKEN='' api POST register \
	    "{\"username\": \"$1\", \"password\": \"$2\"}")" = 201 ]
}

# login_api NAME PASSWORD [OTP]: sets CODE to the status, and TOKEN on 200.
login_api() {
	if [ -n "${3:-}" ]; then
		body="{\"username\": \"$1\", \"password\": \"$2\", \"otp\": \"$3\"}"
	else
		body="{\"username\": \"$1\", \"password\": \"$2\"}"
	fi
	CODE=$(TOKEN='' api POST login "$body")
	if [ "$CODE" = 200 ]; then
		TOKEN=$(json_get "$PREFIX/body" token)
	fi
}

# is_one_of VALUE A B...: VALUE is one of the rest.
is_one_of() {
	v=$1
	shift
	for a in "$@"; do
		[ "$v" = "$a" ] && return 0
	done
	return 1
}

# is_4xx CODE
is_4xx() {
	[ "$1" -ge 400 ] 2>/dev/null && [ "$1" -lt 500 ]
}

# json_is FILE KEY VALUE
json_is() {
	[ "$(json_get "$1" "$2")" = "$3" ]
}

# between VALUE LO HI: LO <= VALUE <= HI, integers.
between() {
	[ "$1" -ge "$2" ] 2>/dev/null && [ "$1" -le "$3" ]
}
