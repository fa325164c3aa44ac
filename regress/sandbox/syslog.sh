#!/bin/sh
# smsgd in the background logs through syslog: the parent holds the one
# syslog connection and writes the children's lines, which reach it over
# their channels; no child holds a datagram socket.  When the syslog
# daemon restarts, the children's later lines still arrive.
#
# The test is its own syslog daemon: it listens on /dev/log, so it runs
# only where no system logger owns that path.
. "$top_srcdir/regress/lib.sh"
need_root
[ -x "$SMSGD" ] || skip_all "test build missing"
[ -e /dev/log ] && skip_all "/dev/log exists: a system logger owns it, and this test needs to be the logger"
daemon_setup

SYSLOG_PID=
start_syslog() {	# start_syslog FILE
	python3 -u -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind("/dev/log")
out = open(sys.argv[1], "ab", buffering=0)
while True:
    out.write(s.recv(65536) + b"\n")
' "$1" &
	SYSLOG_PID=$!
	wait_for 10 test -S /dev/log
	chmod 0666 /dev/log
}
stop_syslog() {
	[ -n "$SYSLOG_PID" ] && kill "$SYSLOG_PID" 2>/dev/null
	wait "$SYSLOG_PID" 2>/dev/null
	SYSLOG_PID=
	rm -f /dev/log
}
trap 'stop_syslog; cleanup' EXIT

syslog_has() {	# syslog_has FILE PATTERN
	grep -q -- "$2" "$1"
}

has_datagram_socket() {	# PID
	for l in /proc/$1/fd/*; do
		readlink "$l"
	done | sed -n 's/^socket:\[\([0-9]*\)\]$/\1/p' | while read -r ino; do
		awk -v ino="$ino" '$7 == ino && $5 == "0002" { found = 1 } END { exit !found }' /proc/net/unix && echo yes
	done | grep -q yes
}

no_datagram_socket() {
	! has_datagram_socket "$1"
}

start_syslog "$PREFIX/syslog.1"
: > "$LOG"
"$SMSGD" -v -f "$CONF"
check "smsgd starts in the background" wait_for 20 all_running
DAEMON_PID=$(ctl show status | sed -n 's/^smsgd .*, pid \([0-9]*\),.*/\1/p')
check "... its pid is known ($DAEMON_PID)" [ -n "$DAEMON_PID" ]

ENTERED="sandbox seccomp entered"
[ "${SMSG_SANDBOX:-}" = seccomp ] ||
    ENTERED="built without a sandbox (--with-sandbox=no)"
for r in front auth store web; do
	check "$r: its line after the sandbox reached syslog" \
	    wait_for 10 syslog_has "$PREFIX/syslog.1" "smsgd\[$DAEMON_PID\]: $r: $ENTERED"
	check "$r: no UNIX datagram socket (no syslog connection)" \
	    no_datagram_socket "$(child_pid smsg-$r)"
done
# The check can fail: the parent does hold one.
check "the parent holds the syslog connection" has_datagram_socket "$DAEMON_PID"

# The logger restarts; a child's lines after that still arrive.
stop_syslog
start_syslog "$PREFIX/syslog.2"
old=$(child_pid smsg-web)
kill -9 "$old"
check "web is restarted" wait_for 15 sh -c "p=\$(\"$SMSGCTL\" -s '$SOCK' show status | awk '\$1 == \"smsg-web\" { print \$2 }'); [ -n \"\$p\" ] && [ \"\$p\" != '$old' ] && [ \"\$p\" != '-' ]"
check "after the logger's restart, the new web's lines arrive" \
    wait_for 10 syslog_has "$PREFIX/syslog.2" "smsgd\[$DAEMON_PID\]: web: $ENTERED"
check "... after its death was logged" \
    wait_for 10 syslog_has "$PREFIX/syslog.2" "smsgd\[$DAEMON_PID\]: parent: smsg-web killed by signal 9"

ctl stop > /dev/null
check "smsgd stops" wait_for 15 daemon_gone
done_testing
