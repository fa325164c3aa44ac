#!/bin/sh
#
# TLS session resumption (front.tls_tickets): with tickets on, a client
# that saved its session resumes it (TLS 1.3 and 1.2) and is served; a
# ticket is refused once two key periods have passed (the key that
# sealed it is wiped: a tiny period here), and after the front restarts
# (its keys lived only there); with tickets off no ticket is issued and
# nothing is ever resumed.  openssl s_client says "Reused" or "New".

PERIOD=3
H_FRONT_EXTRA="tls_tickets = \"on\"; tls_ticket_period = $PERIOD;"
. "$top_srcdir/regress/https/lib_https.sh"
https_start
WAIT=30

# conn OUT IN [s_client options]: one connection carrying one request;
# saves the session to OUT and offers IN's ("" for none); prints the
# "New, ..." or "Reused, ..." line, then the status line.
conn() {
	out=$1 in=$2
	shift 2
	printf 'GET /static/smsg.css HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n' |
	    timeout 15 openssl s_client -connect "127.0.0.1:$PORT" \
	    -servername localhost -ign_eof ${out:+-sess_out "$out"} \
	    ${in:+-sess_in "$in"} "$@" 2>/dev/null |
	    grep -E '^(New|Reused),|^HTTP/1.1 ' | head -2 | tr '\n' ' '
}
has_ticket() {
	openssl sess_id -in "$1" -noout -text 2>/dev/null |
	    grep -q 'TLS session ticket:'
}
no_ticket() {
	! has_ticket "$1"
}
now() {
	date +%s
}

# -- on: a ticket, and the session resumed with it
t0=$(now)
l=$(conn "$PREFIX/s13" "")
diag "first: $l"
check "a full TLS 1.3 handshake first, served" \
    sh -c "echo '$l' | grep -q '^New, TLSv1.3.*HTTP/1.1 200'"
check "... and the server issues a ticket" has_ticket "$PREFIX/s13"
l=$(conn "$PREFIX/s13b" "$PREFIX/s13")
t1=$(now)
diag "again: $l"
if [ $((t1 - t0)) -lt "$PERIOD" ]; then
	check "the next connection resumes with it (Reused)" \
	    sh -c "echo '$l' | grep -q '^Reused, TLSv1.3'"
	check "... and is served" sh -c "echo '$l' | grep -q 'HTTP/1.1 200'"
else
	why="the two connections took $((t1 - t0)) s, a whole key period ($PERIOD s): the key may have rotated in between"
	skip "the next connection resumes with it (Reused)" "$why"
	skip "... and is served" "$why"
fi
t0=$(now)
conn "$PREFIX/s12" "" -tls1_2 >/dev/null
l=$(conn "" "$PREFIX/s12" -tls1_2)
t1=$(now)
diag "TLS 1.2 again: $l"
if [ $((t1 - t0)) -lt "$PERIOD" ]; then
	check "TLS 1.2 resumes with a ticket too" \
	    sh -c "echo '$l' | grep -q '^Reused, TLSv1.2'"
else
	skip "TLS 1.2 resumes with a ticket too" \
	    "the two connections took $((t1 - t0)) s, a whole key period"
fi

# -- two periods later the key that sealed the ticket is gone
conn "$PREFIX/old" "" >/dev/null
check "a ticket to keep for later" has_ticket "$PREFIX/old"
sleep $((2 * PERIOD + 1))
l=$(conn "" "$PREFIX/old")
diag "after two periods: $l"
check "after two key periods it is not resumed (New)" \
    sh -c "echo '$l' | grep -q '^New, TLSv1.3.*HTTP/1.1 200'"
n=$(grep -c 'new ticket key' "$LOG")
check "the front made new keys as the periods passed ($n)" [ "$n" -ge 2 ]
check "... and wiped each after its two periods" log_has 'ticket key wiped'

# -- a front restarted holds new keys: an older ticket opens nothing
conn "$PREFIX/pre" "" >/dev/null
check "a ticket from the running front" has_ticket "$PREFIX/pre"
FRONT=$(child_pid smsg-front)
kill -9 "$FRONT"
front_back() {
	p=$(child_pid smsg-front)
	[ -n "$p" ] && [ "$p" != "$FRONT" ] && all_running && serving
}
wait_for $WAIT front_back
check "smsgd restarts the front" front_back
l=$(conn "" "$PREFIX/pre")
diag "after a restart: $l"
check "a ticket from before the restart is not resumed (New)" \
    sh -c "echo '$l' | grep -q '^New, TLSv1.3.*HTTP/1.1 200'"

# -- off: no ticket, never resumed
kill "$DAEMON_PID"
wait_for $WAIT daemon_gone
sed -i 's/tls_tickets = "on";/tls_tickets = "off";/' "$CONF"
daemon_start
wait_for $WAIT serving && wait_for $WAIT all_running
check "smsgd starts again with tls_tickets off" [ $? -eq 0 ]
l=$(conn "$PREFIX/off" "")
diag "off, first: $l"
check "a full handshake, served" \
    sh -c "echo '$l' | grep -q '^New, TLSv1.3.*HTTP/1.1 200'"
check "... and no ticket issued" no_ticket "$PREFIX/off"
conn "$PREFIX/off12" "" -tls1_2 >/dev/null
check "TLS 1.2: neither a ticket nor a session id, nothing to offer again" \
    [ ! -s "$PREFIX/off12" ]
l=$(conn "" "$PREFIX/s12" -tls1_2)
check "offering an old TLS 1.2 ticket: New" sh -c "echo '$l' | grep -q '^New, '"
check "the daemon printed tls_tickets = \"off\"" \
    sh -c "'$SMSGD' -nv -f '$CONF' | grep -q 'tls_tickets = \"off\";'"

done_testing
