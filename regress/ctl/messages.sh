#!/bin/sh
# smsgctl show messages and purge against the real daemon: an empty
# store, one filled through the store's own code (regress/ctl/storefill)
# with locked, expiring and already expired messages, and user admin.
. "$top_srcdir/regress/lib.sh"
need_root
daemon_setup
FILL="$top_builddir/regress/ctl/storefill"
RO="$PREFIX/smsgd.ro.sock"

# The sum of what the retention timer logged as purged.
timer_purged() {
	sed -n 's/.*retention: purged \([0-9]*\) message.*/\1/p' "$LOG" |
	    awk '{ n += $1 } END { print n + 0 }'
}

daemon_start
check "all four children running within 15 s" wait_for 15 all_running

ctl show messages > "$PREFIX/empty.txt" 2>&1
check "show messages on an empty store succeeds" [ $? -eq 0 ]
check "... with no message" grep -q "^messages: *0$" "$PREFIX/empty.txt"
ctl -j show messages > "$PREFIX/empty.json" 2>&1
jcheck "show messages -j on an empty store" "$PREFIX/empty.json" \
    '.messages == 0 and .bytes == 0 and .locked == 0 and
    .by_expiry_day == []'
"$SMSGCTL" -s "$RO" show messages > /dev/null 2>&1
check "show messages works on the read-only socket" [ $? -eq 0 ]
"$SMSGCTL" -s "$RO" purge > "$PREFIX/ropurge.txt" 2>&1
check "purge on the read-only socket is denied (exit 4)" [ $? -eq 4 ]
ctl purge > "$PREFIX/purge0.txt" 2>&1
check "purge on an empty store succeeds" [ $? -eq 0 ]
check "... and says nothing went" grep -q \
    "^purged 0 messages and 0 chunks$" "$PREFIX/purge0.txt"

# Fill the stopped daemon's store: 3 messages for a day (one file of two
# chunks each), 2 locked for an hour, 4 that expired a minute ago.
ctl stop > /dev/null 2>&1
wait_for 15 daemon_gone
check "the daemon stopped" daemon_gone
D="$PREFIX/store"
"$FILL" "$D" 3 86400 0 70000 && "$FILL" "$D" 2 86400 3600 0 &&
    "$FILL" "$D" 4 -60 0 100
check "storefill wrote 9 messages" [ $? -eq 0 ]
chown -R _smsgstore:_smsgstore "$D"

daemon_start
check "all four children running again within 15 s" wait_for 15 all_running
ctl purge > "$PREFIX/purge.txt" 2>&1
check "purge succeeds" [ $? -eq 0 ]
n=$(sed -n 's/^purged \([0-9]*\) messages* and \([0-9]*\) chunks*$/\1/p' \
    "$PREFIX/purge.txt")
check "... and says how many messages and chunks went" [ -n "$n" ]
# the timer may have got to some first: together they took all four
total=$(( ${n:-0} + $(timer_purged) ))
check "purge and the timer together removed the 4 expired ($total)" \
    [ "$total" -eq 4 ]

ctl show messages > "$PREFIX/filled.txt" 2>&1
check "show messages on the filled store succeeds" [ $? -eq 0 ]
check "... 5 messages left" grep -q "^messages: *5$" "$PREFIX/filled.txt"
check "... 2 of them locked" grep -q "^locked: *2$" "$PREFIX/filled.txt"
check "... by expiry day" grep -q \
    "^[0-9]\{4\}-[0-9][0-9]-[0-9][0-9]  *[1-5]  *[0-9][0-9]*$" \
    "$PREFIX/filled.txt"
ctl -j show messages > "$PREFIX/filled.json" 2>&1
jcheck "show messages -j on the filled store" "$PREFIX/filled.json" \
    '.messages == 5 and .locked == 2 and .bytes > 3 * 70000 and
    (.by_expiry_day | map(.messages) | add) == 5'
ctl -j purge > "$PREFIX/purge.json" 2>&1
jcheck "purge -j: counts and ok" "$PREFIX/purge.json" \
    '.ok == true and .messages == 0 and .chunks == 0'

# The administrator flag, in auth.
printf 'a rather long pass phrase, 1st\n' | ctl user add alice -p - \
    > /dev/null 2>&1
# alice is uid 1, the sender storefill wrote for; bob, uid 2, received.
printf 'a rather long pass phrase, 2nd\n' | ctl user add bob -p - \
    > /dev/null 2>&1
ctl show user alice > "$PREFIX/usage.txt" 2>&1
check "show user alice succeeds" [ $? -eq 0 ]
check "... with the 5 messages she sent" grep -q "^sent: *5 messages$" \
    "$PREFIX/usage.txt"
check "... their bytes and the quota" grep -q \
    "^stored: *[1-9][0-9]* of 1073741824 bytes$" "$PREFIX/usage.txt"
ctl -j show user bob > "$PREFIX/usage.json" 2>&1
jcheck "show user -j bob: 5 received, none sent" "$PREFIX/usage.json" \
    '.name == "bob" and .messages_received == 5 and .messages_sent == 0 and
    .bytes_stored == 0 and .quota_bytes == 1073741824'

check "user admin alice on" ctl user admin alice on
ctl -j show user alice > "$PREFIX/admin.json" 2>&1
jcheck "... show user says so" "$PREFIX/admin.json" '.admin == true'
check "user admin alice off" ctl user admin alice off
ctl -j show user alice > "$PREFIX/noadmin.json" 2>&1
jcheck "... and no longer" "$PREFIX/noadmin.json" '.admin == false'
ctl user admin nosuchuser on > /dev/null 2>&1
check "user admin of a missing name exits 3" [ $? -eq 3 ]

# The Berkeley DB utilities read the environment as the daemon wrote
# it, through the DB_CONFIG the store keeps there.
ctl stop > /dev/null 2>&1
wait_for 15 daemon_gone
if command -v db5.3_stat > /dev/null && command -v db5.3_verify > /dev/null
then
	as_store() {
		setpriv --reuid=_smsgstore --regid=_smsgstore --clear-groups "$@"
	}
	as_store db5.3_stat -h "$D" -d msg.db > "$PREFIX/stat.txt" 2>&1
	check "db5.3_stat reads msg.db" [ $? -eq 0 ]
	check "... 5 messages on 8 KiB pages" sh -c \
	    "grep -q '^5[[:space:]]*Number of unique keys' '$PREFIX/stat.txt' &&
	    grep -q '^8192[[:space:]]*Underlying database page size' \
	    '$PREFIX/stat.txt'"
	check "db5.3_verify finds every file sound" as_store db5.3_verify \
	    -h "$D" msg.db chunk.db folder.db expiry.db unlock.db upload.db \
	    contact.db usage.db quarantine.db
else
	T_N=$((T_N + 1))
	echo "ok $T_N # SKIP db5.3-util is not installed"
fi

done_testing
