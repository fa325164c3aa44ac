#!/bin/sh
#
# Many uploads at once: forty 2 MiB files from eight senders.  Each
# upload may have eight sealed chunks on their way to the store, which
# together would be more than the queue to the store holds; the front's
# budget over all uploads makes the surplus wait (their clients'
# sockets pause) instead of failing busy.  Every one is stored whole.

STORE_CONF='quota_mb = 200;'
H_CONNS_PER_NET=128
. "$top_srcdir/regress/https/lib_https.sh"
PW="correct horse battery staple 42"
N=8		# senders
PER=5		# uploads each, under the store's 8 open per sender

https_start
register_api rcpt1 "$PW" || { echo "Bail out! cannot register rcpt1"; exit 1; }
i=0
while [ $i -lt $N ]; do
	register_api "sender$i" "$PW" && login_api "sender$i" "$PW" ||
	    { echo "Bail out! cannot sign in sender$i"; exit 1; }
	echo "$TOKEN" > "$PREFIX/tok.$i"
	i=$((i + 1))
done
head -c 2097152 /dev/urandom > "$PREFIX/2m"
PIDS=
i=0
while [ $i -lt $N ]; do
	j=0
	while [ $j -lt $PER ]; do
		curl -sk -m 120 -o /dev/null -w '%{http_code}\n' \
		    -H "Authorization: Bearer $(cat "$PREFIX/tok.$i")" \
		    -F 'message={"to": ["rcpt1"], "body": "many"};type=application/json' \
		    -F "file=@$PREFIX/2m" "$BASE/api/v1/messages" \
		    > "$PREFIX/code.$i.$j" 2>&1 &
		PIDS="$PIDS $!"
		j=$((j + 1))
	done
	i=$((i + 1))
done
# the curls only: smsgd runs in the background too
for p in $PIDS; do
	wait "$p"
done
all=$(cat "$PREFIX"/code.* | sort | uniq -c | tr -s ' \n' ' ')
check "$((N * PER)) uploads at once: every one 201 ($all)" \
    [ "$(cat "$PREFIX"/code.* | grep -c '^201$')" = $((N * PER)) ]
login_api rcpt1 "$PW"
TOKEN=$TOKEN api GET "messages?folder=inbox&limit=50" > /dev/null
n=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["messages"]))' "$PREFIX/body" 2>/dev/null)
check "... the recipient has all of them ($n)" [ "$n" = $((N * PER)) ]
uploads() {
	ctl -j show messages | python3 -c 'import json,sys; print(json.load(sys.stdin)["uploads"])'
}
check "... no upload is left open" [ "$(uploads)" = 0 ]
check "the daemon runs on" all_running
done_testing
