#!/bin/sh
# The real daemon as root in a temporary prefix: four children, each as
# its own user, in its own root, under seccomp in every thread; smsgctl
# show status (text and JSON), log levels, access rules, stop.
. "$top_srcdir/regress/lib.sh"
need_root
daemon_setup
daemon_start

check "all four children running within 15 s" wait_for 15 all_running
ctl show status > "$PREFIX/status.txt"
check "show status names the version" grep -q "^smsgd 0.1.0, pid $DAEMON_PID" "$PREFIX/status.txt"
ctl -j show status > "$PREFIX/status.json"
check "show status -j is JSON with version and 4 processes" \
    sh -c "grep -q '\"version\": \"0.1.0\"' '$PREFIX/status.json' && [ \$(grep -c '\"name\":' '$PREFIX/status.json') -eq 4 ]"

roots=""
uids=""
for name in "smsg-front" smsg-auth smsg-store smsg-web; do
	pid=$(child_pid "$name")
	case $name in
	"smsg-front") user=_smsgd; root=$PREFIX/front ;;
	smsg-auth) user=_smsgauth; root=$PREFIX/auth ;;
	smsg-store) user=_smsgstore; root=$PREFIX/store ;;
	smsg-web) user=_smsgweb; root=$PREFIX/web ;;
	esac
	check "$name has a pid ($pid)" [ -n "$pid" ]
	[ -n "$pid" ] || continue
	check "$name runs as $user" [ "$(stat -c %U /proc/$pid)" = "$user" ]
	check "$name real, effective and saved uid are $(id -u $user)" \
	    sh -c "grep '^Uid:' /proc/$pid/status | awk '{ exit !(\$2 == \$3 && \$3 == \$4 && \$2 == $(id -u $user)) }'"
	check "$name is chrooted to $root" [ "$(readlink /proc/$pid/root)" = "$root" ]
	if [ "${SMSG_SANDBOX:-}" = seccomp ]; then
		bad=$(grep -h '^Seccomp:' /proc/$pid/task/*/status | grep -vc 'Seccomp:[[:space:]]*2$')
		check "$name: Seccomp 2 in every thread" [ "$bad" -eq 0 ]
		check "$name: no_new_privs" grep -q '^NoNewPrivs:[[:space:]]*1' /proc/$pid/status
	else
		skip "$name: Seccomp 2 in every thread" "built without a sandbox (--with-sandbox=no)"
		skip "$name: no_new_privs" "built without a sandbox (--with-sandbox=no)"
	fi
	roots="$roots $(readlink /proc/$pid/root)"
	uids="$uids $(stat -c %u /proc/$pid)"
done
check "four different roots" [ "$(echo $roots | tr ' ' '\n' | sort -u | wc -l)" -eq 4 ]
check "four different uids" [ "$(echo $uids | tr ' ' '\n' | sort -u | wc -l)" -eq 4 ]
check "the parent runs as root" [ "$(stat -c %u /proc/$DAEMON_PID)" -eq 0 ]

check "log brief" ctl log brief
check "log verbose" ctl log verbose
check "the log level change is logged" log_has "log level set to verbose by uid 0"

# Access: the main socket is root's and the admin group's only.
check "control socket is mode 0660 root:_smsgadm" \
    [ "$(stat -c '%a %U %G' "$SOCK")" = "660 root _smsgadm" ]
setpriv --reuid=nobody --regid=nogroup --clear-groups \
    "$SMSGCTL" -s "$SOCK" show status > /dev/null 2>&1
check "nobody is denied on the control socket (exit 4)" [ $? -eq 4 ]
setpriv --reuid=nobody --regid=nogroup --clear-groups \
    "$SMSGCTL" -s "$PREFIX/smsgd.ro.sock" show status > "$PREFIX/ro.txt" 2>&1
check "nobody may show status on the read-only socket" grep -q smsg-store "$PREFIX/ro.txt"
setpriv --reuid=nobody --regid=nogroup --clear-groups \
    "$SMSGCTL" -s "$PREFIX/smsgd.ro.sock" stop > "$PREFIX/ro-stop.txt" 2>&1
check "stop on the read-only socket is denied (exit 4)" [ $? -eq 4 ]
check "... with a message saying why" grep -q "show commands only" "$PREFIX/ro-stop.txt"

ctl show nonsense > /dev/null 2>&1
check "an unknown command exits 2" [ $? -eq 2 ]
"$SMSGCTL" -s "$PREFIX/nothing.sock" show status > "$PREFIX/noconn.txt" 2>&1
check "no daemon on the socket exits 6" [ $? -eq 6 ]
check "... saying smsgd is not running" grep -q "not running" "$PREFIX/noconn.txt"

check "smsgctl stop" ctl stop
check "smsgd exits within 10 s" wait_for 10 daemon_gone
wait "$DAEMON_PID"
check "smsgd exit status 0 after stop" [ $? -eq 0 ]
check "the log says stopped" log_has "parent: stopped$"
check "the control socket is removed" [ ! -e "$SOCK" ]
done_testing
