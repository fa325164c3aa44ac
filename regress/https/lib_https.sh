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
: "${H_BODY_MIN_RATE:=1024}"
: "${H_EVENT_HEARTBEAT:=30}"
: "${H_EVENT_MAX:=8}"
: "${H_FORM_MAX:=65536}"
: "${H_LOCKOUT_THRESHOLD:=5}"
: "${H_CONNS_PER_NET:=64}"

# https_conf: the knobs as daemon_setup's per-section extras.  The
# rates are in daemon_setup's own front line, so they are edited in place
# after it (libconfig refuses a key given twice).
https_conf() {
	FRONT_CONF="http_port = 0; workers = 0; \
header_timeout = $H_HEADER_TIMEOUT; body_idle_timeout = $H_BODY_TIMEOUT; \
body_min_rate = $H_BODY_MIN_RATE; event_heartbeat = $H_EVENT_HEARTBEAT; \
event_max_per_user = $H_EVENT_MAX; \
idle_timeout = 60; form_max = $H_FORM_MAX; max_connections = 1024; \
max_connections_per_network = $H_CONNS_PER_NET; ${H_FRONT_EXTRA:-}"
	AUTH_CONF="hash_threads = 0; scrypt_r = 8; scrypt_p = 1; \
lockout_threshold = $H_LOCKOUT_THRESHOLD; lockout_max = 3600; \
issuer = \"smsg\";"
	SESSION_CONF="idle_timeout = $H_SESSION_IDLE; \
lifetime = $H_SESSION_LIFETIME;"
	SCRYPT_LOGN=$H_SCRYPT_LOGN
}

# https_port PORT: move the config to another port.
https_port() {
	sed -i -e "s/ port = [0-9]*;/ port = $1;/" \
	    -e "s/login_rate = [0-9]*;/login_rate = $H_LOGIN_RATE;/" \
	    -e "s/register_rate = [0-9]*;/register_rate = $H_REGISTER_RATE;/" \
	    "$CONF"
	PORT=$1
	BASE="https://127.0.0.1:$PORT"
}

# Answers at all (any HTTP status) on the HTTPS port.
serving() {
	code=$(curl -sk -m 2 -o /dev/null -w '%{http_code}' \
	    "https://127.0.0.1:$PORT/static/smsg.css")
	[ -n "$code" ] && [ "$code" != 000 ]
}

# need_root, a prefix with a certificate and config, smsgd started and
# serving; skips when this tree's front has no TLS listener yet, bails
# out when the daemon does not serve.
https_start() {
	need_root
	command -v curl >/dev/null 2>&1 || skip_all "curl missing"
	command -v openssl >/dev/null 2>&1 || skip_all "openssl missing"
	command -v python3 >/dev/null 2>&1 || skip_all "python3 missing"
	grep -rqs -e SSL_new -e SSL_accept -e bufferevent_openssl \
	    "$top_srcdir/smsgd" ||
	    skip_all "this smsgd's front has no TLS listener yet"
	https_conf
	daemon_setup
	https_port "$HTTPS_PORT"
	attempt=0
	while [ $attempt -lt 3 ]; do
		if ! "$SMSGD" -n -f "$CONF" > "$PREFIX/check.txt" 2>&1; then
			echo "Bail out! config refused: $(head -1 "$PREFIX/check.txt")"
			exit 1
		fi
		daemon_start
		# the front may serve before auth is linked: wait for both
		if wait_for 20 serving && wait_for 20 all_running; then
			return 0
		fi
		kill "$DAEMON_PID" 2>/dev/null
		wait_for 10 daemon_gone
		grep -qi "in use" "$LOG" || break
		https_port "$(free_port)"
		attempt=$((attempt + 1))
	done
	echo "# smsgd did not serve HTTPS on port $PORT within 20 s"
	sed 's/^/# /' "$LOG"
	echo "Bail out! smsgd not serving"
	exit 1
}

# api METHOD PATH [JSON [curl args...]]: a JSON API call with $TOKEN as
# bearer when set, from the loopback address $FROM when set (the whole
# of 127/8 is local: tests of per-address limits use addresses of their
# own).  The body lands in $PREFIX/body, the headers in $PREFIX/hdr;
# prints the status code.
api() {
	m=$1 p=$2 b=${3-}
	shift 2
	[ $# -gt 0 ] && shift
	if [ -n "${TOKEN:-}" ]; then
		set -- "$@" -H "Authorization: Bearer $TOKEN"
	fi
	if [ -n "${FROM:-}" ]; then
		set -- "$@" --interface "$FROM"
	fi
	if [ -n "$b" ]; then
		set -- "$@" -H "Content-Type: application/json" --data-binary "$b"
	elif [ "$m" = POST ] || [ "$m" = DELETE ]; then
		# no body, said as a client does (curl -X alone sends no length)
		set -- "$@" -H "Content-Length: 0"
	fi
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
# With $FROM set, the client binds to that source address (the whole of
# 127/8 is local); with $DEVICE set, it sends that device token.
login_api() {
	body="\"username\": \"$1\", \"password\": \"$2\""
	if [ -n "${3:-}" ]; then
		body="$body, \"otp\": \"$3\""
	fi
	if [ -n "${DEVICE:-}" ]; then
		body="$body, \"device\": \"$DEVICE\""
	fi
	if [ -n "${FROM:-}" ]; then
		set -- --interface "$FROM"
	else
		set --
	fi
	CODE=$(TOKEN='' api POST login "{$body}" "$@")
	if [ "$CODE" = 200 ]; then
		TOKEN=$(json_get "$PREFIX/body" token)
	fi
}

# sign_up PW NAME...: register and sign in each, its token in TOKEN_NAME.
sign_up() {
	pw=$1
	shift
	for u in "$@"; do
		register_api "$u" "$pw" ||
		    { echo "Bail out! cannot register $u"; exit 1; }
		login_api "$u" "$pw"
		[ "$CODE" = 200 ] || { echo "Bail out! cannot sign in $u"; exit 1; }
		eval "TOKEN_$u=\$TOKEN"
	done
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

# redirects_to PATH: the last response's Location ends with PATH.
redirects_to() {
	case $(hdr_get "$PREFIX/hdr" location) in
	*"$1") return 0 ;;
	esac
	return 1
}

# fresh_code: in OTP, a code for $SECRET of a 30 s step after the last
# one used (USED), with at least 5 s of that step left, so that a code
# is never refused as reused or late.
USED=0
fresh_code() {
	i=0
	while [ $i -lt 70 ]; do
		now=$(date +%s)
		step=$((now / 30))
		left=$((30 - now % 30))
		if [ $step -gt $USED ] && [ $left -ge 5 ]; then
			OTP=$(oathtool --totp -b "$SECRET")
			USED=$step
			return 0
		fi
		sleep 1
		i=$((i + 1))
	done
	return 1
}
