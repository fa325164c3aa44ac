# Shared by the shell tests: TAP output, and a real smsgd (the test build
# in regress/bin) started as root in a temporary prefix on this machine.
#
# A test sources this file, calls need_root, then daemon_setup and
# daemon_start; cleanup stops the daemon and removes the prefix.

T_N=0
T_FAILED=0
SMSGD="$top_builddir/regress/bin/smsgd"
SMSGCTL="$top_builddir/smsgctl/smsgctl"

ok() {
	T_N=$((T_N + 1))
	echo "ok $T_N - $*"
}

not_ok() {
	T_N=$((T_N + 1))
	T_FAILED=$((T_FAILED + 1))
	echo "not ok $T_N - $*"
}

# check "description" command...: one test point from a command's status
check() {
	desc=$1
	shift
	if "$@"; then ok "$desc"; else not_ok "$desc"; fi
}

# skip "description" "reason": one test point skipped, saying why.
skip() {
	T_N=$((T_N + 1))
	echo "ok $T_N - $1 # SKIP $2"
}

# jcheck description FILE FILTER: the jq filter is true on the file
jcheck() {
	if ! command -v jq > /dev/null; then
		T_N=$((T_N + 1))
		echo "ok $T_N # SKIP $1: jq is not installed"
		return
	fi
	check "$1" sh -c "jq -e '$3' '$2' > /dev/null"
}

diag() {
	echo "# $*"
}

done_testing() {
	echo "1..$T_N"
	[ "$T_FAILED" -eq 0 ]
	exit $?
}

# Skip the whole script (TAP "1..0 # SKIP reason").
skip_all() {
	echo "1..0 # SKIP $*"
	exit 0
}

need_root() {
	[ "$(id -u)" -eq 0 ] || skip_all "needs root: starts smsgd, which runs its children as other users in chroots"
	for u in _smsgd _smsgauth _smsgstore _smsgweb; do
		id "$u" >/dev/null 2>&1 || skip_all "user $u missing: run make install-users first"
	done
	getent group _smsgadm >/dev/null || skip_all "group _smsgadm missing: run make install-users first"
}

# A fresh prefix: config, data directories, socket, log.
daemon_setup() {
	PREFIX=$(mktemp -d /tmp/smsg-regress.XXXXXX)
	chmod 0755 "$PREFIX"
	mkdir -p "$PREFIX/front" "$PREFIX/web" "$PREFIX/auth" "$PREFIX/store"
	chown _smsgauth:_smsgauth "$PREFIX/auth"
	chown _smsgstore:_smsgstore "$PREFIX/store"
	chmod 0700 "$PREFIX/auth" "$PREFIX/store"
	CONF="$PREFIX/smsgd.conf"
	SOCK="$PREFIX/smsgd.sock"
	LOG="$PREFIX/smsgd.log"
	make_cert "$PREFIX"
	HTTPS_PORT=$(free_port)
	URL="https://127.0.0.1:$HTTPS_PORT"
	# Extra keys per section: FRONT_CONF, AUTH_CONF, SESSION_CONF,
	# STORE_CONF; whole
	# sections in EXTRA_CONF.
	cat > "$CONF" <<CONF
control: { socket = "$SOCK"; readonly_socket = "$PREFIX/smsgd.ro.sock"; };
front: { chroot = "$PREFIX/front"; listen = "127.0.0.1"; port = $HTTPS_PORT;
	login_rate = 1000; register_rate = 1000; ${FRONT_CONF:-} };
tls: { certificate = "$PREFIX/cert.pem"; key = "$PREFIX/key.pem"; };
web: { chroot = "$PREFIX/web"; };
auth: { datadir = "$PREFIX/auth"; scrypt_logn = ${SCRYPT_LOGN:-12};
	password_min_score = 3; ${AUTH_CONF:-} };
session: { ${SESSION_CONF:-} };
store: { datadir = "$PREFIX/store"; ${STORE_CONF:-} };
restart: { limit = ${RESTART_LIMIT:-3}; window = 60; };
${EXTRA_CONF:-}
CONF
	trap cleanup EXIT
}

# make_cert DIR: a throwaway self-signed certificate for 127.0.0.1.
make_cert() {
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 \
	    -nodes -days 2 -subj /CN=localhost \
	    -addext subjectAltName=DNS:localhost,IP:127.0.0.1 \
	    -keyout "$1/key.pem" -out "$1/cert.pem" >/dev/null 2>&1 ||
	    { echo "Bail out! openssl req failed"; exit 1; }
	chmod 0600 "$1/key.pem"
}

# A TCP port on loopback that nothing listens on right now.
free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

ctl() {
	"$SMSGCTL" -s "$SOCK" "$@"
}

# Start smsgd in the foreground (in the background of this shell).
daemon_start() {
	"$SMSGD" -d -v -f "$CONF" > "$LOG" 2>&1 &
	DAEMON_PID=$!
}

# wait_for SECONDS command...: poll until the command succeeds.
wait_for() {
	limit=$(( $1 * 10 ))
	shift
	i=0
	while [ $i -lt $limit ]; do
		if "$@" >/dev/null 2>&1; then return 0; fi
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

log_has() {
	grep -q -- "$1" "$LOG"
}

all_running() {
	[ "$(ctl -j show status | grep -c '"state": "running"')" -eq 4 ]
}

daemon_gone() {
	! kill -0 "$DAEMON_PID" 2>/dev/null
}

# pid of a child by its name in show status ("smsg-web", "smsg-front").
child_pid() {
	ctl show status | awk -v n="$1" '
	    $1 " " $2 == n { print $3; exit }
	    $1 == n { print $2; exit }'
}

# A sanitizer build (make check-asan) passes the sanitizers' options to
# the children, and a report ends the child that made it (abort).  Call
# before a test overwrites or removes the daemon's log; cleanup calls it
# too.  A report, or a child that died of a crash signal, fails the test.
SANITIZER_REPORTS=0
sanitizer_check() {
	[ -n "${SMSG_SANITIZER:-}" ] && [ -f "${LOG:-}" ] || return 0
	if grep -q 'ERROR: AddressSanitizer\|ERROR: LeakSanitizer\|runtime error:\|SUMMARY: UndefinedBehaviorSanitizer\|killed by signal [0-9]* (SIG\(ABRT\|SEGV\|BUS\|ILL\|FPE\))' "$LOG"; then
		SANITIZER_REPORTS=$((SANITIZER_REPORTS + 1))
		echo "# --- sanitizer report or crash in the smsgd log ---"
		sed 's/^/# /' "$LOG"
		# A chrooted child cannot symbolize its own frames.
		echo "# --- the report's frames ---"
		sed -n 's/^ *#[0-9]* 0x[0-9a-f]* *(\([^+()]*\)+\(0x[0-9a-f]*\)).*/\1 \2/p' "$LOG" |
		    while read -r bin off; do
			echo "# $(addr2line -f -e "$bin" "$off" 2>/dev/null | paste -sd ' ')"
		    done
	fi
}

cleanup() {
	if [ -n "${DAEMON_PID:-}" ] && kill -0 "$DAEMON_PID" 2>/dev/null; then
		kill "$DAEMON_PID" 2>/dev/null
		wait_for 10 daemon_gone || kill -9 "$DAEMON_PID" 2>/dev/null
	fi
	if [ "$T_FAILED" -ne 0 ] && [ -f "${LOG:-}" ]; then
		echo "# --- smsgd log ---"
		sed 's/^/# /' "$LOG"
	fi
	sanitizer_check
	[ -n "${PREFIX:-}" ] && rm -rf "$PREFIX"
	# an error exit fails the script in the TAP driver
	[ "$SANITIZER_REPORTS" -eq 0 ] || exit 1
}
