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

# bench_conf DIR PORT CERTDIR [FRONT_EXTRA]: a benchmark daemon's data
# directories and DIR/smsgd.conf: built-in defaults but for paths, the
# loopback address, the sign-in and registration rates and FRONT_EXTRA
# (more keys of the front's section); the certificate is CERTDIR's.
bench_conf() {
	mkdir -p "$1/front" "$1/web" "$1/auth" "$1/store"
	chmod 0755 "$1"
	chown _smsgauth:_smsgauth "$1/auth"
	chown _smsgstore:_smsgstore "$1/store"
	chmod 0700 "$1/auth" "$1/store"
	cat > "$1/smsgd.conf" <<CONF
control: { socket = "$1/smsgd.sock"; };
front: { chroot = "$1/front"; listen = "127.0.0.1"; port = $2;
	login_rate = 100000; register_rate = 100000; ${4:-} };
tls: { certificate = "$3/cert.pem"; key = "$3/key.pem"; };
web: { chroot = "$1/web"; };
auth: { datadir = "$1/auth"; };
store: { datadir = "$1/store"; };
CONF
}
