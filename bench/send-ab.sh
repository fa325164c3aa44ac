#!/bin/sh
# Durable sends per second of two builds of smsgd, side by side: the
# send workload of bench/loadgen (1 KiB JSON to one recipient, each 201
# on disk) with 1 and with 16 senders, the builds alternating round by
# round so that both see the same machine, and the median of the rounds
# of each as a ratio, new against old.  On a shared machine a single
# rate says little; a ratio of medians measured in one run says more.
#
# usage: bench/send-ab.sh [-r ROUNDS] [-d SECONDS] OLD_BUILDDIR NEW_BUILDDIR
#
# -r	rounds (5); -d seconds per run (5)
#
# Each build's test daemon (regress/bin, make check TESTS=) is started on
# loopback with a fresh data directory per round; loadgen is the new
# build's.  Run as root after make install-users.
set -u

ROUNDS=5
DUR=5
while getopts r:d: opt; do
	case $opt in
	r)	ROUNDS=$OPTARG ;;
	d)	DUR=$OPTARG ;;
	*)	exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 2 ] || { sed -n 's/^# usage: //p' "$0" >&2; exit 2; }
[ "$ROUNDS" -ge 1 ] && [ "$ROUNDS" -le 50 ] && [ "$DUR" -ge 1 ] &&
    [ "$DUR" -le 120 ] || { echo "$0: -r 1 to 50, -d 1 to 120" >&2; exit 2; }
OLD=$(cd "$1" && pwd)
NEW=$(cd "$2" && pwd)
top_srcdir=$(cd "$(dirname "$0")/.." && pwd)
top_builddir=$NEW
. "$top_srcdir/regress/lib.sh"
. "$top_srcdir/bench/lib_side.sh"
LG=$NEW/bench/loadgen
for b in "$OLD" "$NEW"; do
	[ -x "$b/regress/bin/smsgd" ] ||
	    { echo "$0: $b: no test build (make check TESTS=)" >&2; exit 2; }
done
[ -x "$LG" ] || { echo "$0: $LG missing (make bench/loadgen)" >&2; exit 2; }

WORK=$(mktemp -d /var/tmp/smsg-sendab.XXXXXX) || exit 1
chmod 0755 "$WORK"
DAEMON_PID=
stop() {
	if [ -n "$DAEMON_PID" ]; then
		kill "$DAEMON_PID" 2>/dev/null
		wait_for 60 daemon_gone
		DAEMON_PID=
	fi
}
trap 'stop; rm -rf "$WORK"' EXIT
trap 'exit 1' INT TERM
make_cert "$WORK"

# start BUILDDIR: a daemon of that build on a fresh directory.
start() {
	P=$WORK/smsg
	rm -rf "$P"
	SOCK=$P/smsgd.sock
	SMSGCTL=$1/smsgctl/smsgctl	# each build speaks its own protocol
	PORT=$(free_port)
	bench_conf "$P" "$PORT" "$WORK"
	"$1/regress/bin/smsgd" -d -f "$P/smsgd.conf" > "$P/log" 2>&1 &
	DAEMON_PID=$!
	wait_for 60 all_running ||
	    { echo "$0: smsgd did not start:" >&2; cat "$P/log" >&2; exit 1; }
	"$LG" -w register -p "$PORT" -c 16 -s 16 -u 16 -d 120 \
	    -U "$P/users" > /dev/null
	[ "$(wc -l < "$P/users")" -ge 16 ] ||
	    { echo "$0: users did not register" >&2; exit 1; }
}

# rate CONNS: sends per second of one run.
rate() {
	"$LG" -w send -p "$PORT" -c "$1" -d "$DUR" -n 1000000 \
	    -U "$P/users" | python3 -c 'import json,sys; print(json.load(sys.stdin).get("rps", 0))'
}

for round in $(seq 1 "$ROUNDS"); do
	for side in old new; do
		[ $side = old ] && b=$OLD || b=$NEW
		start "$b"
		for c in 1 16; do
			r=$(rate "$c")
			echo "$side $c $r" >> "$WORK/rates"
			echo "# round $round $side $c senders: $r sends/s" >&2
		done
		stop
	done
done
python3 - "$WORK/rates" <<'PY'
import statistics, sys
rates = {}
for line in open(sys.argv[1]):
    side, c, r = line.split()
    rates.setdefault((side, c), []).append(float(r))
for c in ("1", "16"):
    o = statistics.median(rates[("old", c)])
    n = statistics.median(rates[("new", c)])
    print("send, %2s sender%s: old %7.1f/s new %7.1f/s (medians of %d), "
          "new/old %.2fx" % (c, "" if c == "1" else "s", o, n,
                             len(rates[("old", c)]), n / o if o else 0))
PY
