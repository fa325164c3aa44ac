#!/bin/sh
#
# Durable sends per second through the JSON API of a test daemon (from
# regress/bin), with 1 and with 16 concurrent senders.  Run as root from
# the build directory: top_srcdir=. top_builddir=. sh bench/api_sends.sh
: "${SEND_SECONDS:=10}"
. "$top_srcdir/regress/https/lib_https.sh"
https_start
PW="correct horse battery staple 42"
register_api sink "$PW" || { echo "cannot register"; exit 1; }
TOKENS=
for k in $(seq 1 16); do
	register_api "bench$k" "$PW" && login_api "bench$k" "$PW" ||
	    { echo "cannot sign in"; exit 1; }
	TOKENS="$TOKENS $TOKEN"
done
python3 "$top_srcdir/bench/api_sends.py" "$PORT" "$SEND_SECONDS" \
    $(echo $TOKENS | cut -d' ' -f1) sink
python3 "$top_srcdir/bench/api_sends.py" "$PORT" "$SEND_SECONDS" \
    $TOKENS sink
