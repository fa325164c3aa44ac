#!/bin/sh
#
# kill -9 of smsg-store while 10 senders send through the API: after a
# restart every acknowledged message is readable, whole, and none is
# there twice.

. "$top_srcdir/regress/https/lib_https.sh"

PW="correct horse battery staple 42"
WAIT=30
EACH=60		# messages per sender at most

https_start
register_api bob "$PW" || { echo "Bail out! cannot register bob"; exit 1; }
TOKENS=
for k in $(seq 1 10); do
	register_api "sender$k" "$PW" && login_api "sender$k" "$PW" ||
	    { echo "Bail out! cannot sign sender$k in"; exit 1; }
	TOKENS="$TOKENS $TOKEN"
done

# send K TOKEN: up to EACH messages, each acknowledged one noted; stops
# at the first refusal (the daemon is gone)
send() {
	d="$PREFIX/s$1"
	mkdir -p "$d"
	i=0
	while [ $i -lt $EACH ]; do
		c=$(curl -sk -m $CURL_MAX -o "$d/body" -w '%{http_code}' \
		    -H "Authorization: Bearer $2" \
		    -H "Content-Type: application/json" --data-binary \
		    "{\"to\": [\"bob\"], \"subject\": \"crash $1 $i\", \"body\": \"body $1 $i\"}" \
		    "$BASE/api/v1/messages")
		[ "$c" = 201 ] || break
		echo "$(json_get "$d/body" id) $1 $i" >> "$PREFIX/acked"
		i=$((i + 1))
	done
}
: > "$PREFIX/acked"
SENDERS=
k=0
for t in $TOKENS; do
	k=$((k + 1))
	send $k "$t" &
	SENDERS="$SENDERS $!"
done
some_acked() {
	[ "$(wc -l < "$PREFIX/acked")" -ge 30 ]
}
check "the senders are sending" wait_for $WAIT some_acked
STORE=$(child_pid smsg-store)
kill -9 "$STORE"
diag "killed smsg-store ($STORE) after $(wc -l < "$PREFIX/acked") sends"
# smsg-store is essential: smsgd stops, or restarts it
store_back() {
	p=$(child_pid smsg-store)
	[ -n "$p" ] && [ "$p" != "$STORE" ] && all_running
}
wait_for $WAIT daemon_gone || wait_for $WAIT store_back
wait $SENDERS
if daemon_gone; then
	daemon_start
	wait_for $WAIT serving && wait_for $WAIT all_running
	check "smsgd starts again (recovery)" [ $? -eq 0 ]
else
	check "smsgd restarted smsg-store" store_back
fi
nacked=$(wc -l < "$PREFIX/acked")
login_api bob "$PW"
check "bob signs in" [ -n "$TOKEN" ]
good=0
while read -r id k i; do
	c=$(api GET "messages/$id")
	[ "$c" = 200 ] && [ "$(json_get "$PREFIX/body" body)" = "body $k $i" ] &&
	    good=$((good + 1))
done < "$PREFIX/acked"
check "every acknowledged message is readable and whole ($good of $nacked)" \
    [ "$good" -eq "$nacked" ]
# bob's whole inbox, page by page: no subject twice
: > "$PREFIX/subjects"
before=
pages=0
while [ $pages -lt 20 ]; do
	c=$(api GET "messages?limit=50${before:+&before=$before}")
	[ "$c" = 200 ] || break
	python3 -c 'import json,sys; [print(m.get("subject", "")) for m in json.load(open(sys.argv[1]))["messages"]]' \
	    "$PREFIX/body" >> "$PREFIX/subjects"
	before=$(json_get "$PREFIX/body" next)
	[ -n "$before" ] && [ "$before" != None ] || break
	pages=$((pages + 1))
done
total=$(wc -l < "$PREFIX/subjects")
dups=$(sort "$PREFIX/subjects" | uniq -d | wc -l)
check "bob's inbox holds each message once ($total listed, $dups twice)" \
    [ "$dups" -eq 0 ]
check "... at least every acknowledged one" [ "$total" -ge "$nacked" ]
done_testing
