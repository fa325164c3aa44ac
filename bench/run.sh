#!/bin/sh
# make bench: smsg beside its references, in one run, on loopback, on this
# machine, with the same number of client connections, as ratios.
#
#   bench/run.sh [-s] [-c CONNS] [-d SECONDS] [-e EVENT_CONNS] [-o FILE]
#
# -s is the short form (a few seconds per workload, few connections):
# it proves that the benchmark works and says nothing about speed.
#
# smsgd is the test build (regress/bin) on its built-in defaults but for
# paths, the loopback address, the sign-in and registration rates, the
# connection cap and the event streams one user may hold (idle-events
# spreads its streams over the users);
# nginx and OpenSMTPD are started here with their own configuration in
# the work directory, on 127.0.0.1 only; raw Berkeley DB works in the same
# directory, so on the same disk.  A reference whose program is missing is
# skipped and the table says why.  Run as root (smsgd's children run as
# their own users; OpenSMTPD's spool is bound into a private mount
# namespace).
set -u

: "${top_srcdir:?}" "${top_builddir:?}"
. "$top_srcdir/regress/lib.sh"
. "$top_srcdir/bench/lib_side.sh"

SHORT=0
CONNS=
DUR=
EVCONNS=
OUT=$top_builddir/bench/results.json
while getopts sc:d:e:o: opt; do
	case $opt in
	s) SHORT=1 ;;
	c) CONNS=$OPTARG ;;
	d) DUR=$OPTARG ;;
	e) EVCONNS=$OPTARG ;;
	o) OUT=$OPTARG ;;
	*) echo "usage: $0 [-s] [-c conns] [-d seconds] [-e event_conns]" \
	    "[-o file]" >&2; exit 2 ;;
	esac
done
if [ "$SHORT" = 1 ]; then
	: "${CONNS:=4}" "${DUR:=2}" "${EVCONNS:=100}"
else
	: "${CONNS:=32}" "${DUR:=10}" "${EVCONNS:=10000}"
fi
MAXREQ=2000000		# every workload: at most this many requests

BENCH=$top_builddir/bench
LG=$BENCH/loadgen
say() { echo "bench: $*" >&2; }

[ "$(id -u)" -eq 0 ] || { say "run me as root"; exit 2; }
for u in _smsgd _smsgauth _smsgstore _smsgweb; do
	id "$u" >/dev/null 2>&1 || { say "user $u missing: make install-users"; exit 2; }
done
command -v openssl >/dev/null || { say "openssl missing"; exit 2; }
command -v python3 >/dev/null || { say "python3 missing"; exit 2; }

# Open files: the front and loadgen each hold every event connection.
need=$((EVCONNS + CONNS + 256))
ulimit -n "$need" 2>/dev/null || {
	EVCONNS=$(( $(ulimit -Hn) - CONNS - 256 ))
	ulimit -n "$(ulimit -Hn)"
	say "open files are limited to $(ulimit -Hn): $EVCONNS event connections"
}

WORK=$(mktemp -d "${BENCH_TMPDIR:-/var/tmp}/smsg-bench.XXXXXX") || exit 1
chmod 0755 "$WORK"
RES=$WORK/results
mkdir "$RES"
PIDS=

stop_all() {
	for p in $PIDS; do
		kill "$p" 2>/dev/null
	done
	for p in $PIDS; do
		i=0
		while kill -0 "$p" 2>/dev/null && [ $i -lt 100 ]; do
			sleep 0.1
			i=$((i + 1))
		done
		kill -9 "$p" 2>/dev/null
	done
	PIDS=
	rm -rf "$WORK"
}
trap stop_all EXIT
trap 'exit 1' INT TERM

# unavailable NAME WHAT REASON: a run that could not be made.
unavailable() {
	printf '{"workload": "%s", "server": "%s", "available": false, "reason": "%s"}\n' \
	    "$1" "$2" "$3" > "$RES/$1.json"
}

machine() {
	cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
	printf '{"cores": %d, "kernel": "%s", "cpu": "%s", "conns": %d, "seconds": %s, "event_conns": %d, "short": %s}\n' \
	    "$(nproc)" "$(uname -sr)" "${cpu:-unknown}" "$CONNS" "$DUR" \
	    "$EVCONNS" "$([ "$SHORT" = 1 ] && echo true || echo false)" \
	    > "$RES/machine.json"
}

# ---- smsg ------------------------------------------------------------

start_smsg() {
	P=$WORK/smsg
	SOCK=$P/smsgd.sock
	LOG=$P/smsgd.log
	SMSG_PORT=$(free_port)
	bench_conf "$P" "$SMSG_PORT" "$WORK" \
	    "max_connections = $((EVCONNS + CONNS + 64));
	max_connections_per_network = $((EVCONNS + CONNS + 64));
	event_max_per_user = 1000;"
	"$SMSGD" -d -f "$P/smsgd.conf" > "$LOG" 2>&1 &
	DAEMON_PID=$!
	PIDS="$PIDS $DAEMON_PID"
	if ! wait_for 30 all_running; then
		say "smsgd did not start; its log:"
		sed 's/^/  /' "$LOG" >&2
		return 1
	fi
	SMSG_PROCS="-P smsgd:$DAEMON_PID"
	for n in smsg-front smsg-auth smsg-store smsg-web; do
		SMSG_PROCS="$SMSG_PROCS -P $n:$(child_pid "$n")"
	done
}

# Resident MiB of smsgd and of each child now, as JSON members, then
# their sum: "smsgd": 2.6, "smsg-front": 8.7, ..., "all": 27.3
smsg_rss_json() {
	sh "$top_srcdir/bench/rss.sh" -j "$DAEMON_PID"
}

# answers WORKLOAD PORT [LABEL]: one request is answered well.
answers() {
	"$LG" -w "$1" -p "$2" -l "${3:-x}" -c 1 -n 1 -d 2 2>/dev/null |
	    grep -q '"ok": 1,'
}

# smsg NAME WORKLOAD [loadgen args]: one run against smsgd.
smsg() {
	name=$1 w=$2
	shift 2
	say "smsg $name"
	# shellcheck disable=SC2086
	"$LG" -w "$w" -p "$SMSG_PORT" -d "$DUR" -n "$MAXREQ" \
	    -U "$WORK/users" $SMSG_PROCS "$@" > "$RES/smsg-$name.json" ||
	    unavailable "smsg-$name" smsg "loadgen failed"
}

# ---- nginx -----------------------------------------------------------

start_nginx() {
	command -v nginx >/dev/null 2>&1 || {
		NGINX_WHY="nginx is not installed (./quickstart bench installs it)"
		return 1
	}
	N=$WORK/nginx
	mkdir -p "$N/www" "$N/tmp"
	head -c 1024 /dev/urandom > "$N/www/1k"
	head -c $((10 * 1024 * 1024)) /dev/urandom > "$N/www/10m"
	chmod -R a+rX "$N"
	NGINX_PORT=$(free_port)
	user=nobody
	id www-data >/dev/null 2>&1 && user=www-data
	cat > "$N/nginx.conf" <<CONF
user $user;
worker_processes auto;
pid $N/nginx.pid;
error_log $N/error.log warn;
events { worker_connections 4096; }
http {
	access_log off;
	client_body_temp_path $N/tmp/body;
	proxy_temp_path $N/tmp/proxy;
	fastcgi_temp_path $N/tmp/fastcgi;
	uwsgi_temp_path $N/tmp/uwsgi;
	scgi_temp_path $N/tmp/scgi;
	keepalive_requests 10000000;
	server {
		listen 127.0.0.1:$NGINX_PORT ssl;
		ssl_certificate $WORK/cert.pem;
		ssl_certificate_key $WORK/key.pem;
		ssl_protocols TLSv1.2 TLSv1.3;
		root $N/www;
		location = /upload {
			client_max_body_size 20m;
			return 204;
		}
	}
}
CONF
	nginx -p "$N" -c "$N/nginx.conf" -e "$N/error.log" -g 'daemon off;' \
	    > "$N/stderr" 2>&1 &
	NGINX_PID=$!
	PIDS="$PIDS $NGINX_PID"
	if ! wait_for 10 answers static-1k "$NGINX_PORT"; then
		NGINX_WHY="nginx did not start: $(head -c 200 "$N/stderr" "$N/error.log" | tr '\n"' '  ')"
		return 1
	fi
}

nginx_run() {
	name=$1
	say "nginx $name"
	if [ -n "${NGINX_WHY:-}" ]; then
		unavailable "nginx-$name" nginx "$NGINX_WHY"
		return
	fi
	"$LG" -w "$name" -l nginx -p "$NGINX_PORT" -d "$DUR" -n "$MAXREQ" \
	    -c "$CONNS" > "$RES/nginx-$name.json" ||
	    unavailable "nginx-$name" nginx "loadgen failed"
}

# ---- OpenSMTPD ---------------------------------------------------------

# Its spool and control socket are fixed paths: a private mount namespace
# puts the work directory at /var/spool and /run for smtpd alone.
start_smtpd() {
	command -v smtpd >/dev/null 2>&1 || {
		SMTPD_WHY="OpenSMTPD is not installed (./quickstart bench installs it)"
		return 1
	}
	command -v unshare >/dev/null 2>&1 || {
		SMTPD_WHY="unshare(1) is missing: no private spool for smtpd"
		return 1
	}
	S=$WORK/smtpd
	mkdir -p "$S/spool" "$S/run"
	SMTPD_PORT=$(free_port)
	cat > "$S/smtpd.conf" <<CONF
listen on 127.0.0.1 port $SMTPD_PORT
action "sink" relay host smtp://127.0.0.1:9
match from any for any action "sink"
smtp limit max-mails 100000000
CONF
	# delivery paused: messages are queued durably, never sent
	unshare -m --propagation private sh -c "mount --bind '$S/spool' /var/spool &&
	    mount --bind '$S/run' /run &&
	    exec smtpd -d -f '$S/smtpd.conf' -P mda -P mta" > "$S/log" 2>&1 &
	SMTPD_PID=$!
	PIDS="$PIDS $SMTPD_PID"
	if ! wait_for 10 answers smtp "$SMTPD_PORT"; then
		SMTPD_WHY="smtpd did not start: $(head -c 200 "$S/log" | tr '\n"' '  ')"
		return 1
	fi
}

smtpd_run() {
	say "OpenSMTPD smtp"
	if [ -n "${SMTPD_WHY:-}" ]; then
		unavailable smtpd-smtp OpenSMTPD "$SMTPD_WHY"
		return
	fi
	"$LG" -w smtp -l OpenSMTPD -p "$SMTPD_PORT" -d "$DUR" -n "$MAXREQ" \
	    -c "$CONNS" > "$RES/smtpd-smtp.json" ||
	    unavailable smtpd-smtp OpenSMTPD "loadgen failed"
}

rawdb_run() {
	say "raw Berkeley DB, $1 writer(s)"
	"$BENCH/rawdb" -t "$1" -d "$DUR" "$WORK/rawdb-$1" > "$RES/rawdb-$1.json" ||
	    unavailable "rawdb-$1" "Berkeley DB" "rawdb failed"
}

# ---- the run -----------------------------------------------------------

machine
make_cert "$WORK"
start_smsg || exit 1
start_nginx || say "nginx skipped: $NGINX_WHY"
start_smtpd || say "OpenSMTPD skipped: $SMTPD_WHY"
sleep 1
IDLE=$(smsg_rss_json)

# Registrations and sign-ins come from as many loopback addresses as
# connections, as they would from many people: smsg-auth counts a sign-in
# from an address as failed until its hash says otherwise, and throttles
# an address with many at once.
SRC=$CONNS
[ "$SRC" -le 250 ] || SRC=250
say "registering and signing in $CONNS users"
"$LG" -w register -p "$SMSG_PORT" -c "$CONNS" -s "$SRC" -u "$CONNS" -d 600 \
    -U "$WORK/users" > "$RES/setup-register.json"
say "$(wc -l < "$WORK/users") users signed in"
[ -s "$WORK/users" ] || { say "no user could register"; cat "$RES/setup-register.json" >&2; exit 1; }

# Each pair of runs back to back, so both see the same machine.
smsg handshake handshake -c "$CONNS"
nginx_run static-1k-new
smsg handshake-resume handshake-resume -c "$CONNS"
nginx_run static-1k-resume
smsg me me -c "$CONNS"
nginx_run static-1k
smsg send send -c "$CONNS" -O "$WORK/ids"
smtpd_run
smsg send-1 send -c 1
rawdb_run 1
smsg send-16 send -c 16
rawdb_run 16
# p99 latency at half of the peak send rate: needs the peak first
if python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if d.get("available") and d.get("rps", 0) > 0 else 1)' "$RES/smsg-send.json"; then
	half=$(python3 -c 'import json,sys; print(int(json.load(open(sys.argv[1]))["rps"] / 2) or 1)' "$RES/smsg-send.json")
	smsg send-half send -c "$CONNS" -r "$half"
else
	unavailable smsg-send-half smsg "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get("reason", "no peak send rate"))' "$RES/smsg-send.json")"
fi
smsg read read -c "$CONNS" -I "$WORK/ids"
smsg list list -c "$CONNS"
smsg mixed mixed -c "$CONNS" -I "$WORK/ids"
smsg upload upload -c "$CONNS" -O "$WORK/upids"
nginx_run discard-10m
smsg download download -c "$CONNS" -I "$WORK/upids"
nginx_run static-10m
smsg idle-events idle-events -c "$EVCONNS"
# sign-ins last: each one may end the oldest session of its user
smsg login login -c "$CONNS" -s "$SRC"
say "raw scrypt on all cores"
# smsg's configured parameters, as smsgd prints them
set -- $("$SMSGD" -nv -f "$WORK/smsg/smsgd.conf" 2>/dev/null |
    awk -F'[=;]' '/^[[:space:]]*scrypt_logn/ { l = $2 } /^[[:space:]]*scrypt_r/ { r = $2 } /^[[:space:]]*scrypt_p/ { p = $2 } END { print l, r, p }')
"$BENCH/scrypt" -a "$(python3 -c "print(max(4, 2 * $DUR))")" -N "$1" -r "$2" -p "$3" \
    > "$RES/scrypt.json" || unavailable scrypt scrypt "scrypt failed"
# after the whole benchmark: the sign-ins and the raw scrypt runs give
# the front the few seconds it waits before it hands back what the event
# streams left free (smsgd/front/memtrim.c)
AFTER=$(smsg_rss_json)
printf '{"workload": "memory", "server": "smsg", "available": true, "idle_mib": %s, "after_mib": %s, "idle": {%s}, "after": {%s}}\n' \
    "${IDLE##*: }" "${AFTER##*: }" "$IDLE" "$AFTER" > "$RES/smsg-memory.json"

echo
"$BENCH/benchtab" -o "$OUT" "$RES"
