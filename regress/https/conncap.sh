#!/bin/sh
# Connections per client network (front.max_connections_per_network, 3
# here): three kept-alive connections from 127.0.0.3 are served; a fourth
# is answered 503 and closed; another address is not affected; when one
# of the three closes, a new one from 127.0.0.3 is served again; and
# beyond four more over the cap, connections are closed at once.
H_CONNS_PER_NET=3
. "$top_srcdir/regress/https/lib_https.sh"
https_start

mkfifo "$PREFIX/in" "$PREFIX/out"
python3 "$top_srcdir/regress/https/conncap.py" "$PORT" \
    < "$PREFIX/in" > "$PREFIX/out" &
HOLDER=$!
exec 3> "$PREFIX/in" 4< "$PREFIX/out"

# say COMMAND: one command to the holder, its answer in REPLY.
say() {
	echo "$*" >&3
	REPLY=
	read -r REPLY <&4
}

for i in 0 1 2; do
	say open 127.0.0.3
	say get $i
	check "connection $i from 127.0.0.3 is served ($REPLY)" [ "$REPLY" = 200 ]
done
say open 127.0.0.3
say get 3
check "a 4th from the same network: 503 ($REPLY)" [ "$REPLY" = 503 ]
say get 3
check "... and closed" [ "$REPLY" = closed ]
say open 127.0.0.4
say get 4
check "another address is served ($REPLY)" [ "$REPLY" = 200 ]
say get 0
check "the first three still work ($REPLY)" [ "$REPLY" = 200 ]

say close 1
# The front notices the close on its own time: wait for the slot.
served_again() {
	say open 127.0.0.3
	n=${REPLY#ok }
	say get "$n"
	[ "$REPLY" = 200 ]
}
check "after one closes, 127.0.0.3 is served again" wait_for 10 served_again

# Three held, four let in to hear 503 (kept open, unasked), then none.
for i in 1 2 3 4; do
	say open 127.0.0.3
done
say open 127.0.0.3
case $REPLY in
refused*) refused=yes ;;
*)	n=${REPLY#ok }
	say get "$n"
	[ "$REPLY" = closed ] && refused=yes ;;
esac
check "beyond the cap and four more: closed at once" [ "${refused:-}" = yes ]
say get 0
check "the held connections are untouched ($REPLY)" [ "$REPLY" = 200 ]

exec 3>&- 4<&-
wait $HOLDER
done_testing
