#!/bin/sh
#
# The front's memory per idle live event stream (TLS included): a test
# daemon from regress/bin, one user, IDLE_N streams.  Run as root from
# the build directory: top_srcdir=. top_builddir=. sh bench/idle_events.sh
: "${IDLE_N:=500}"
H_EVENT_MAX=1000
. "$top_srcdir/regress/https/lib_https.sh"
https_start
PW="correct horse battery staple 42"
register_api idle "$PW" && login_api idle "$PW" ||
    { echo "cannot sign in"; exit 1; }
python3 "$top_srcdir/bench/idle_events.py" "$PORT" \
    "$(child_pid smsg-front)" "$TOKEN" "$IDLE_N"
