#!/bin/sh
# smsgd refuses to start, saying what to fix, when a user or directory is
# missing or unsafe; and when a child does not complete setup in time.
. "$top_srcdir/regress/lib.sh"
need_root
daemon_setup

# refuses "description" "expected message": smsgd must exit 1 and say it.
refuses() {
	"$SMSGD" -d -f "$CONF" > "$LOG" 2>&1 &
	DAEMON_PID=$!
	wait_for 15 daemon_gone
	wait "$DAEMON_PID"
	rc=$?
	sanitizer_check
	if [ $rc -eq 1 ] && grep -q -- "$2" "$LOG"; then
		ok "$1"
	else
		not_ok "$1 (exit $rc)"
		sed 's/^/# /' "$LOG"
	fi
}

cp "$CONF" "$PREFIX/good.conf"

chmod 0750 "$PREFIX/store"
refuses "store data directory mode 0750 is refused" \
    "data directory $PREFIX/store is mode 0750: must be 0700"
chmod 0700 "$PREFIX/store"

chown _smsgweb "$PREFIX/auth"
refuses "auth data directory of another user is refused" \
    "data directory $PREFIX/auth must be owned by user _smsgauth"
chown _smsgauth "$PREFIX/auth"

rmdir "$PREFIX/web"
refuses "a missing chroot is refused" "smsg-web directory $PREFIX/web"
mkdir -m 0755 "$PREFIX/web"

chmod 0777 "$PREFIX/front"
refuses "a world-writable chroot is refused" \
    "$PREFIX/front must be owned by root and writable by root only"
chmod 0755 "$PREFIX/front"

mv "$PREFIX/store" "$PREFIX/store.away"
refuses "a missing data directory is refused" \
    "data directory $PREFIX/store of smsg-store is missing"
mv "$PREFIX/store.away" "$PREFIX/store"

# set_in SECTION 'key = "value";': add a key to a section of the config.
set_in() {
	sed "s|^$1: { |$1: { $2 |" "$PREFIX/good.conf" > "$CONF"
}

set_in web 'user = "_smsgnosuchuser";'
refuses "a missing user is refused" \
    "user _smsgnosuchuser for smsg-web does not exist"
cp "$PREFIX/good.conf" "$CONF"

set_in web 'user = "_smsgauth";'
refuses "two children under one user are refused" \
    "smsg-auth and smsg-web must run as different users"
cp "$PREFIX/good.conf" "$CONF"

sed "s|^web: { chroot = \"[^\"]*\"|web: { chroot = \"$PREFIX/front\"|" \
    "$PREFIX/good.conf" > "$CONF"
refuses "two children in one root are refused" \
    "smsg-front and smsg-web must not share the directory"
cp "$PREFIX/good.conf" "$CONF"

chmod 0666 "$CONF"
refuses "a configuration writable by others is refused" \
    "$CONF must be owned by root and writable by root only"
chmod 0644 "$CONF"

set_in control 'group = "_smsgnosuchgroup";'
refuses "a missing admin group is refused" \
    "admin group _smsgnosuchgroup does not exist"
cp "$PREFIX/good.conf" "$CONF"

# A child that never completes setup is a fatal start-up error.
export SMSG_PROBE=web:hang
refuses "a child that hangs in setup stops smsgd after 30 s" \
    "smsg-web did not complete setup within 30 seconds"
unset SMSG_PROBE
left=0
for pid in $(sed -n 's/^parent: started .*, pid \([0-9]*\)$/\1/p' "$LOG"); do
	kill -0 "$pid" 2>/dev/null && left=1
done
check "... and no child is left running" [ $left -eq 0 ]

# With everything right it starts.
daemon_start
check "with the fixes in place smsgd starts" wait_for 15 all_running
done_testing
