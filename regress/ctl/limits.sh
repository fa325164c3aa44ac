#!/bin/sh
# The control sockets' connection limits, each socket on its own: the
# read-only socket (mode 0666, for anyone) takes 4 connections per user
# and 16 in all; filling it from several local users leaves the admin
# socket usable, and root's connections on one socket do not count on
# the other.
. "$top_srcdir/regress/lib.sh"
need_root
command -v setpriv >/dev/null 2>&1 || skip_all "setpriv missing"
HOLD="$top_builddir/regress/ctl/ctlhold"
daemon_setup
RO="$PREFIX/smsgd.ro.sock"
daemon_start
check "all four children running within 15 s" wait_for 15 all_running

# The holders keep their connections until this fifo's last writer,
# this shell on fd 9, closes it.
mkfifo "$PREFIX/hold"
exec 9<>"$PREFIX/hold"
HOLDERS=

# hold UID N: N connections to the read-only socket as UID, held open;
# waits for its "accepted A refused R" line in $PREFIX/hold.UID.
hold() {
	if [ "$1" = 0 ]; then
		set -- "$1" "$2"
	else
		set -- "$1" "$2" setpriv --reuid="$1" --regid="$1" --clear-groups
	fi
	uid=$1 n=$2
	shift 2
	"$@" "$HOLD" "$RO" "$n" < "$PREFIX/hold" > "$PREFIX/hold.$uid" 2>&1 \
	    9>&- &
	HOLDERS="$HOLDERS $!"
	wait_for 20 grep -q '^accepted' "$PREFIX/hold.$uid"
}

held() {
	cat "$PREFIX/hold.$1" 2>/dev/null
}

hold 0 5
check "root: 4 connections on the read-only socket, the 5th refused ($(held 0))" \
    [ "$(held 0)" = "accepted 4 refused 1" ]
for u in 60101 60102 60103; do
	hold $u 4
	check "uid $u: 4 connections held ($(held $u))" \
	    [ "$(held $u)" = "accepted 4 refused 0" ]
done
hold 60104 1
check "the read-only socket is full at 16: uid 60104 refused ($(held 60104))" \
    [ "$(held 60104)" = "accepted 0 refused 1" ]
check "the refusals are logged" log_has "control: refused uid 60104"
ctl show status > "$PREFIX/status.txt" 2>&1
check "root still runs show status on the admin socket" \
    grep -q smsg-auth "$PREFIX/status.txt"
ctl log verbose > "$PREFIX/verbose.txt" 2>&1
check "... and log verbose" grep -q "logging verbose" "$PREFIX/verbose.txt"

# release them all: the read-only socket serves again (only the
# holders: a bare wait would wait for smsgd too)
exec 9>&-
wait $HOLDERS
setpriv --reuid=60104 --regid=60104 --clear-groups \
    "$SMSGCTL" -s "$RO" show status > "$PREFIX/ro.txt" 2>&1
check "released: uid 60104 may show status on the read-only socket" \
    grep -q smsg-auth "$PREFIX/ro.txt"
done_testing
