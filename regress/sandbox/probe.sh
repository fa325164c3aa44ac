#!/bin/sh
# Each child, after its normal setup, tries what its sandbox must refuse:
# open another process's database, create an AF_INET socket, ptrace its
# parent.  Each attempt must fail with EACCES/ENOENT/EPERM or the child
# must be killed by SIGSYS, and the parent must log it.
. "$top_srcdir/regress/lib.sh"
need_root
[ -x "$SMSGD" ] || skip_all "test build missing"
daemon_setup

# probe SPEC: run smsgd with the probe, wait for four outcomes, stop it.
probe() {
	rm -f "$LOG"
	SMSG_PROBE=$1 "$SMSGD" -d -v -f "$CONF" > "$LOG" 2>&1 &
	DAEMON_PID=$!
	wait_for 15 sh -c "[ \$(grep -c 'probe [a-z]*: refused\|NOT REFUSED\|killed by signal 31' '$LOG') -ge $2 ]"
	"$SMSGCTL" -s "$SOCK" stop > /dev/null 2>&1
	wait_for 10 daemon_gone || kill -9 "$DAEMON_PID"
	wait "$DAEMON_PID" 2>/dev/null
}

refused() {	# refused ROLE ACTION
	grep -q "^$1: probe $2: refused (\(Permission denied\|No such file or directory\|Operation not permitted\))" "$LOG"
}

killed() {	# killed TITLE
	grep -q "^parent: $1 killed by signal 31 (SIGSYS)" "$LOG"
}

# Make the databases exist first: one ordinary start.
daemon_start
check "databases created" wait_for 15 all_running
ctl stop > /dev/null; wait_for 10 daemon_gone; wait "$DAEMON_PID"
check "the store database exists" [ -f "$PREFIX/store/msg.db" ]
check "the auth database exists" [ -f "$PREFIX/auth/accounts.db" ]

probe "all:open:$PREFIX/store/msg.db" 4
for r in front auth web; do
	check "$r cannot open the store database" refused $r open
done
probe "store:open:$PREFIX/auth/accounts.db" 1
check "store cannot open the auth database" refused store open

probe "all:inet" 4
for r in front auth store web; do
	check "$r cannot create an AF_INET socket" refused $r inet
done

probe "all:ptrace" 4
for t in "smsg-front" smsg-auth smsg-store smsg-web; do
	r=$(echo "$t" | sed 's/smsgd //; s/smsg-//')
	check "$t cannot ptrace its parent" sh -c "grep -q '^$r: probe ptrace: refused' '$LOG' || grep -q '^parent: $t killed by signal 31 (SIGSYS)' '$LOG'"
done
check "no probe was ever allowed" sh -c "! grep -q 'NOT REFUSED' '$LOG'"
done_testing
