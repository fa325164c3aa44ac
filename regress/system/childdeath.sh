#!/bin/sh
# Child death policy: front, auth and web are restarted (and linked to
# their peers again); a crash loop stops the daemon; store death stops it.
. "$top_srcdir/regress/lib.sh"
need_root
RESTART_LIMIT=3
daemon_setup
daemon_start
check "all running" wait_for 15 all_running

for name in smsg-web "smsg-front" smsg-auth; do
	old=$(child_pid "$name")
	kill -9 "$old"
	restarted() {
		new=$(child_pid "$name")
		[ -n "$new" ] && [ "$new" != "$old" ] && all_running
	}
	check "$name killed with SIGKILL is restarted and running" wait_for 15 restarted
	check "the parent logged the death of $name" log_has "$name killed by signal 9 (SIGKILL)"
done
check "restarted children are linked to the front again" \
    sh -c "[ \$(grep -c 'front: linked to web' '$LOG') -ge 2 ]"
check "show status counts one restart of smsg-web" \
    sh -c "\"$SMSGCTL\" -s '$SOCK' show status | awk '\$1 == \"smsg-web\" { exit !(\$6 == 1) }'"

# Crash loop: web dies again and again; the limit (3 per 60 s) stops smsgd.
i=0
while [ $i -lt 5 ] && ! daemon_gone; do
	pid=$(child_pid smsg-web)
	[ -n "$pid" ] && kill -9 "$pid"
	wait_for 10 sh -c "p=\$(\"$SMSGCTL\" -s '$SOCK' show status 2>/dev/null | awk '\$1 == \"smsg-web\" { print \$2 }'); [ -n \"\$p\" ] && [ \"\$p\" != '$pid' ] && [ \"\$p\" != '-' ]" || true
	i=$((i + 1))
done
check "a crash loop of smsg-web stops smsgd" wait_for 15 daemon_gone
check "... saying so" log_has "smsg-web died 3 times within 60 seconds; stopping smsgd"
wait "$DAEMON_PID"
check "... with exit status 1" [ $? -eq 1 ]

# Store death stops the whole daemon cleanly.
sanitizer_check
rm -f "$LOG"
daemon_start
check "all running again" wait_for 15 all_running
kids=$(for n in "smsg-front" smsg-auth smsg-web; do child_pid "$n"; done)
kill -9 "$(child_pid smsg-store)"
check "store death stops smsgd" wait_for 15 daemon_gone
check "the log names the store and stops" log_has "smsg-store is essential; stopping smsgd"
wait "$DAEMON_PID"
check "smsgd exit status 1 after store death" [ $? -eq 1 ]
left=0
for k in $kids; do kill -0 "$k" 2>/dev/null && left=1; done
check "no child is left running" [ $left -eq 0 ]
check "the control socket is removed" [ ! -e "$SOCK" ]
done_testing
