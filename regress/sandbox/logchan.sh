#!/bin/sh
# The children's log lines reach the parent's log over their channel,
# including lines logged after the sandbox is in force and lines from a
# thread; no child holds a syslog socket, and stdin, stdout and stderr of
# every child are /dev/null.  Each role's resource limits are in force.
. "$top_srcdir/regress/lib.sh"
need_root
[ -x "$SMSGD" ] || skip_all "test build missing"
daemon_setup

ROLES="front auth store web"
LINES=300	# TESTHOOK_LOGLINES in lib/testhook.c
# What a child logs when its sandbox is in force (or, built without one,
# at the same point).
ENTERED="sandbox seccomp entered"
[ "${SMSG_SANDBOX:-}" = seccomp ] ||
    ENTERED="built without a sandbox (--with-sandbox=no)"

# A thread made before the sandbox logs $LINES lines once the loop runs.
SMSG_PROBE=all:log "$SMSGD" -d -v -f "$CONF" > "$LOG" 2>&1 &
DAEMON_PID=$!
check "smsgd with the log probe runs" wait_for 20 all_running

# thread_accounted ROLE: every line of the thread ($LINES and "done")
# arrived or was counted as dropped (the queue holds fewer: never blocks).
# The count may include the main thread's lines dropped meanwhile.
thread_accounted() {
	got=$(grep -c "^$1: probe log: thread \(line [0-9]*\|done\)$" "$LOG")
	dropped=$(sed -n "s/^$1: log queue full: \([0-9]*\) lines dropped$/\1/p" "$LOG" |
	    awk '{ n += $1 } END { print n + 0 }')
	[ "$got" -le $((LINES + 1)) ] && [ $((got + dropped)) -ge $((LINES + 1)) ]
}

# has_datagram_socket PID: a UNIX datagram socket (a syslog connection).
has_datagram_socket() {
	for l in /proc/$1/fd/*; do
		readlink "$l"
	done | sed -n 's/^socket:\[\([0-9]*\)\]$/\1/p' | while read -r ino; do
		awk -v ino="$ino" '$7 == ino && ($5 == "0002" || $8 ~ /\/dev\/log/) { found = 1 } END { exit !found }' /proc/net/unix && echo yes
	done | grep -q yes
}

# limit PID NAME: the soft value of one of /proc/PID/limits' rows.
limit() {
	awk -v n="$2" 'index($0, n) == 1 { print $(NF - 2) }' "/proc/$1/limits"
}

no_datagram_socket() {
	! has_datagram_socket "$1"
}

for r in $ROLES; do
	pid=$(child_pid "smsg-$r")
	check "$r: the sandbox-entered line reached the parent's log" \
	    log_has "^$r: $ENTERED"
	check "$r: a thread's $LINES lines after the sandbox arrived or were counted" \
	    wait_for 20 thread_accounted $r
	for fd in 0 1 2; do
		if [ $fd = 2 ] && [ -n "${SMSG_SANITIZER:-}" ]; then
			skip "$r: fd 2 is /dev/null" "sanitizer build: stderr is kept for reports"
			continue
		fi
		check "$r: fd $fd is /dev/null" \
		    [ "$(readlink /proc/$pid/fd/$fd)" = /dev/null ]
	done
	check "$r: no UNIX datagram socket (no syslog connection)" \
	    no_datagram_socket $pid
	check "$r: no core dumps (RLIMIT_CORE 0)" [ "$(limit $pid 'Max core file size')" = 0 ]
	check "$r: no new processes (RLIMIT_NPROC 0)" [ "$(limit $pid 'Max processes')" = 0 ]
done

# Descriptors and file sizes per role (front: max_connections + 128).
check "front: 1152 descriptors" [ "$(limit $(child_pid smsg-front) 'Max open files')" = 1152 ]
check "auth: 128 descriptors" [ "$(limit $(child_pid smsg-auth) 'Max open files')" = 128 ]
check "store: 256 descriptors" [ "$(limit $(child_pid smsg-store) 'Max open files')" = 256 ]
check "web: 32 descriptors" [ "$(limit $(child_pid smsg-web) 'Max open files')" = 32 ]
if [ -z "${SMSG_SANITIZER:-}" ]; then
	check "front writes no file (RLIMIT_FSIZE 0)" [ "$(limit $(child_pid smsg-front) 'Max file size')" = 0 ]
	check "web writes no file (RLIMIT_FSIZE 0)" [ "$(limit $(child_pid smsg-web) 'Max file size')" = 0 ]
else
	diag "sanitizer build: RLIMIT_FSIZE is left alone, reports go to stderr"
fi
check "store writes its database (RLIMIT_FSIZE unlimited)" [ "$(limit $(child_pid smsg-store) 'Max file size')" = unlimited ]

# The datagram check can fail: a process with a datagram socket is seen.
python3 -c 'import socket, time; s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); s.bind(""); time.sleep(30)' &
dgram=$!
check "the datagram check sees a datagram socket" wait_for 10 has_datagram_socket $dgram
kill $dgram
done_testing
