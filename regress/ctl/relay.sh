#!/bin/sh
# The parent's relay to auth, whatever auth answers: refused on the
# read-only socket, failed closed when auth dies with a request open,
# bounded in time when auth stops answering, and late answers dropped.
. "$top_srcdir/regress/lib.sh"
need_root
daemon_setup
daemon_start
RO="$PREFIX/smsgd.ro.sock"

check "all four children running within 15 s" wait_for 15 all_running

# The read-only socket serves show status, and no account command.
printf 'a long enough password 1\n' | \
    "$SMSGCTL" -s "$RO" user add alice -p - > "$PREFIX/ro.txt" 2>&1
check "user add on the read-only socket is denied (exit 4)" [ $? -eq 4 ]
check "... saying the socket serves show commands only" \
    grep -q "show commands only" "$PREFIX/ro.txt"
setpriv --reuid=nobody --regid=nogroup --clear-groups \
    "$SMSGCTL" -s "$RO" user list > /dev/null 2>&1
check "user list on the read-only socket is denied (exit 4)" [ $? -eq 4 ]
"$SMSGCTL" -s "$RO" show sessions > /dev/null 2>&1
check "show sessions on the read-only socket is denied (exit 4)" [ $? -eq 4 ]
"$SMSGCTL" -s "$RO" session revoke 0123456789abcdef > /dev/null 2>&1
check "session revoke on the read-only socket is denied (exit 4)" [ $? -eq 4 ]
"$SMSGCTL" -s "$RO" show status > /dev/null 2>&1
check "show status on the read-only socket still works" [ $? -eq 0 ]

# auth dies with a request open: the request fails at once.
apid=$(child_pid smsg-auth)
check "smsg-auth has a pid" [ -n "$apid" ]
kill -STOP "$apid"
ctl user list > "$PREFIX/gone.txt" 2>&1 &
cpid=$!
sleep 1
kill -KILL "$apid"
start=$(date +%s)
wait "$cpid"
rc=$?
check "a request open when auth dies fails (exit 1)" [ $rc -eq 1 ]
check "... saying auth stopped before answering" \
    grep -q "smsg-auth stopped before answering" "$PREFIX/gone.txt"
check "... at once, not after the 30 s bound" \
    [ $(( $(date +%s) - start )) -lt 10 ]
check "auth is restarted and everything runs again within 15 s" \
    wait_for 15 all_running

# auth stops answering: the parent answers for it after 30 s.
apid=$(child_pid smsg-auth)
kill -STOP "$apid"
start=$(date +%s)
ctl show sessions > "$PREFIX/slow.txt" 2>&1
rc=$?
took=$(( $(date +%s) - start ))
kill -CONT "$apid"
check "a request auth does not answer fails (exit 1)" [ $rc -eq 1 ]
check "... saying auth did not answer" \
    grep -q "smsg-auth did not answer" "$PREFIX/slow.txt"
check "... after about 30 s ($took s)" \
    sh -c "[ $took -ge 29 ] && [ $took -le 35 ]"
check "the parent logs the timeout" log_has "did not answer request"
check "auth's late answer is dropped, not sent to a closed connection" \
    wait_for 10 log_has "dropping CTL_.* for request"
done_testing
