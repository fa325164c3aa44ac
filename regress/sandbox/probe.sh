#!/bin/sh
# Each child, after its normal setup, tries what its sandbox must refuse:
# open another process's database, create an AF_INET socket, ptrace its
# parent, type into a terminal with ioctl(TIOCSTI).  Each attempt must
# fail with EACCES/ENOENT/EPERM or the child must be killed by SIGSYS,
# and the parent must log it.
#
# A probe that kills its child runs in a daemon of its own, for one role:
# the store's death stops the daemon, and must not keep another role from
# running its probe.  Each run waits for its own role's outcome.
. "$top_srcdir/regress/lib.sh"
need_root
[ -x "$SMSGD" ] || skip_all "test build missing"
[ "${SMSG_SANDBOX:-}" = seccomp ] ||
    skip_all "built without a sandbox (--with-sandbox=no, the sanitizer build): nothing refuses"
daemon_setup

ROLES="front auth store web"

title() {	# title ROLE
	echo "smsg-$1"
}

# outcome ROLE ACTION: the role's probe was refused, or killed it.
outcome() {
	grep -q "^$1: probe $2: refused\|^$1: probe $2: NOT REFUSED" "$LOG" ||
	    grep -q "^parent: $(title "$1") killed by signal 31" "$LOG"
}

# probe SPEC ROLE...: run smsgd with the probe until every listed role
# has an outcome, then stop it.
probe() {
	spec=$1
	shift
	rm -f "$LOG"
	SMSG_PROBE=$spec "$SMSGD" -d -v -f "$CONF" > "$LOG" 2>&1 &
	DAEMON_PID=$!
	action=$(echo "$spec" | cut -d: -f2)
	for r in "$@"; do
		wait_for 20 outcome "$r" "$action" ||
		    diag "no outcome of $spec from $r"
	done
	"$SMSGCTL" -s "$SOCK" stop > /dev/null 2>&1
	wait_for 10 daemon_gone || kill -9 "$DAEMON_PID"
	wait "$DAEMON_PID" 2>/dev/null
	sanitizer_check
}

refused() {	# refused ROLE ACTION
	grep -q "^$1: probe $2: refused (\(Permission denied\|No such file or directory\|Operation not permitted\))" "$LOG"
}

killed() {	# killed ROLE
	grep -q "^parent: $(title "$1") killed by signal 31 (SIGSYS)" "$LOG"
}

# Make the databases exist first: one ordinary start.
daemon_start
check "databases created" wait_for 15 all_running
ctl stop > /dev/null; wait_for 10 daemon_gone; wait "$DAEMON_PID"
check "the store database exists" [ -f "$PREFIX/store/msg.db" ]
check "the auth database exists" [ -f "$PREFIX/auth/accounts.db" ]

# Opening a file is refused without killing: one daemon for every role.
probe "all:open:$PREFIX/store/msg.db" front auth web
for r in front auth web; do
	check "$r cannot open the store database" refused $r open
done
probe "store:open:$PREFIX/auth/accounts.db" store
check "store cannot open the auth database" refused store open

for action in inet ptrace tiocsti; do
	for r in $ROLES; do
		probe "$r:$action" $r
		check "$(title $r) $action: refused or killed" \
		    sh -c "grep -q '^$r: probe $action: refused' '$LOG' || grep -q '^parent: $(title $r) killed by signal 31 (SIGSYS)' '$LOG'"
		check "$(title $r) $action: never allowed" \
		    sh -c "! grep -q 'NOT REFUSED' '$LOG'"
		# ioctl is killed before it returns: the probe says it tried.
		[ $action = tiocsti ] && check "$(title $r) attempted TIOCSTI" \
		    grep -q "^$r: probe tiocsti: attempting" "$LOG"
	done
done
done_testing
