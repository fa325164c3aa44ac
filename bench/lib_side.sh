# For the bench scripts that compare the test daemons of two builds.
# side_lib BUILDDIR: that build's own test library when it is an in-tree
# build (the configuration keys change between versions), this tree's
# otherwise, with smsgd started as in production: no debug line per
# request (the tests use -v).  side_before_start runs just before smsgd
# starts; a script may define its own.  Needs $here, this tree's top.
side_before_start() {
	:
}

side_lib() {
	top_builddir=$1
	top_srcdir=$here
	[ -f "$1/regress/https/lib_https.sh" ] && top_srcdir=$1
	. "$top_srcdir/regress/https/lib_https.sh"
	daemon_start() {
		side_before_start
		"$SMSGD" -d -f "$CONF" > "$LOG" 2>&1 &
		DAEMON_PID=$!
	}
}
