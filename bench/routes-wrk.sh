#!/bin/sh
# Requests per second of two builds of smsgd side by side: GET /login
# (a page rendered by smsg-web) and GET /api/v1/me (a bearer token of a
# signed-in user, checked by smsg-auth), with wrk -c32 -t2 -d10s.  Both
# daemons run at once, each started the way the regress tests start
# theirs, and the runs alternate between them so that both see the same
# load on a shared machine.
#
# usage: bench/routes-wrk.sh OLD_BUILDDIR NEW_BUILDDIR [RUNS]
#
# Each build directory needs its test build (make check TESTS=) and the
# users (make install-users); run as root.  RUNS defaults to 3.
set -eu

[ $# -ge 2 ] || { echo "usage: $0 OLD_BUILDDIR NEW_BUILDDIR [RUNS]" >&2; exit 2; }
command -v wrk >/dev/null 2>&1 || { echo "$0: wrk missing" >&2; exit 2; }
OLD=$(cd "$1" && pwd)
NEW=$(cd "$2" && pwd)
RUNS=${3:-3}
here=$(cd "$(dirname "$0")/.." && pwd)
. "$here/bench/lib_side.sh"
PW='ledger orchid pumice 58 skiff'
DURATION=10s

# start_side NAME BUILDDIR: a daemon from BUILDDIR with a signed-in
# user; sets NAME_PORT, NAME_PID, NAME_PREFIX, NAME_TOKEN.
start_side() {
	side_lib "$2"
	https_start
	trap - EXIT
	register_api bench "$PW" || { echo "$1: register failed" >&2; exit 1; }
	login_api bench "$PW"
	[ "$CODE" = 200 ] || { echo "$1: login failed ($CODE)" >&2; exit 1; }
	eval "${1}_PORT=$PORT ${1}_PID=$DAEMON_PID ${1}_PREFIX=$PREFIX"
	eval "${1}_TOKEN=$TOKEN"
}

stop_sides() {
	for pid in ${old_PID:-} ${new_PID:-}; do
		kill "$pid" 2>/dev/null || true
	done
	sleep 1
	for p in ${old_PREFIX:-} ${new_PREFIX:-}; do
		rm -rf "$p"
	done
}
trap stop_sides EXIT

# rps PORT PATH [TOKEN]: requests per second of one wrk run.
rps() {
	if [ -n "${3:-}" ]; then
		wrk -c32 -t2 -d$DURATION -H "Authorization: Bearer $3" \
		    "https://127.0.0.1:$1$2"
	else
		wrk -c32 -t2 -d$DURATION "https://127.0.0.1:$1$2"
	fi | awk '/^Requests\/sec:/ { print $2 }'
}

start_side old "$OLD"
start_side new "$NEW"

# one_run PATH RUN: both sides once, the first alternating run by run.
one_run() {
	tok_old= tok_new=
	if [ "$1" = /api/v1/me ]; then
		tok_old=$old_TOKEN tok_new=$new_TOKEN
	fi
	if [ $(($2 % 2)) -eq 1 ]; then
		a=$(rps "$old_PORT" "$1" "$tok_old")
		b=$(rps "$new_PORT" "$1" "$tok_new")
	else
		b=$(rps "$new_PORT" "$1" "$tok_new")
		a=$(rps "$old_PORT" "$1" "$tok_old")
	fi
	echo "$1 $a $b"
}

OUT=$(mktemp)
for path in /login /api/v1/me; do
	run=1
	while [ $run -le "$RUNS" ]; do
		one_run "$path" "$run" >> "$OUT"
		run=$((run + 1))
	done
done
echo "path old new new/old (requests/s, wrk -c32 -t2 -d$DURATION)"
awk '{ printf("%s %s %s %.3f\n", $1, $2, $3, $3 / $2) }' "$OUT"
# The median of the per-run ratios: one run disturbed by the rest of a
# shared machine moves it less than it moves a mean.
for path in /login /api/v1/me; do
	awk -v p="$path" '$1 == p { print $3 / $2 }' "$OUT" | sort -n |
	    awk -v p="$path" '{ r[NR] = $1 }
		END {
			m = NR % 2 ? r[(NR + 1) / 2] : (r[NR / 2] + r[NR / 2 + 1]) / 2
			printf("median new/old %s: %.3f (%+.1f%%) over %d runs\n",
			    p, m, (m - 1) * 100, NR)
		}'
done
awk '{ old[$1] += $2; new[$1] += $3; n[$1]++ }
	END {
		for (p in n)
			printf("mean %s: old %.0f new %.0f (%+.1f%%)\n", p,
			    old[p] / n[p], new[p] / n[p],
			    (new[p] - old[p]) * 100 / old[p])
	}' "$OUT"
rm -f "$OUT"
