#!/bin/sh
# Instructions (callgrind) or system calls (strace -c) per request of two
# builds of smsgd, on kept-alive connections, for the workloads: me (GET
# /api/v1/me, a bearer token checked by smsg-auth), login (GET /login, a
# page rendered by smsg-web), read (GET /api/v1/messages/ID, a message of
# 1 KiB from another user) and list (GET
# /api/v1/messages?folder=inbox&limit=50, an inbox of 50 such messages)
# and send (POST /api/v1/messages, a 1 KiB text to a second user).
# Unlike requests per second, instruction counts repeat from run to run
# on a busy machine.
#
# usage: bench/profile-front.sh [-t callgrind|strace] [-p "ROLES"]
#	     [-w "WORKLOADS"] [-n COUNT] [-c CONNECTIONS] [-o DIR]
#	     OLD_BUILDDIR NEW_BUILDDIR
#
# -t	the tool (callgrind)
# -p	the children run under it: any of front auth store web ("front")
# -w	the workloads: any of me login read list send ("me login")
# -n	requests per measured run (2000); -c connections (4)
# -o	where the tool's files and the report go (a new directory)
#
# Each run starts a daemon from the build's test programs (make check
# TESTS=) with the named children under the tool, signs a user in, sends
# the requests, and stops.  Per path and build, a run of COUNT requests
# and one of COUNT/10 on as many connections: their difference divided
# by the difference in requests leaves start-up, sign-in, handshakes and
# shutdown out.  The report (bench/profile_diff.py) lists, per path and
# child, the cost per request in each build and the functions (or system
# calls) whose cost changed most.
#
# Both builds must be configured --with-sandbox=no (the tools' own
# system calls are not in the filter) and, for callgrind, with
# CPPFLAGS=-DSMSG_SANITIZER: the children then keep the right to write a
# file, as a sanitizer build's do, and callgrind writes its own at exit.
# The children's executables are swapped for a wrapper during a run and
# put back after.  Run as root after make install-users.
set -eu

TOOL=callgrind
ROLES=front
WORKLOADS="me login"
COUNT=2000
CONNS=4
OUTDIR=
while getopts t:p:w:n:c:o: opt; do
	case $opt in
	t)	TOOL=$OPTARG ;;
	p)	ROLES=$OPTARG ;;
	w)	WORKLOADS=$OPTARG ;;
	n)	COUNT=$OPTARG ;;
	c)	CONNS=$OPTARG ;;
	o)	OUTDIR=$OPTARG ;;
	*)	exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 2 ] || { sed -n 's/^# usage: //p' "$0" >&2; exit 2; }
case $TOOL in
callgrind)	command -v valgrind >/dev/null || { echo "valgrind missing" >&2; exit 2; } ;;
strace)		command -v strace >/dev/null || { echo "strace missing" >&2; exit 2; } ;;
*)		echo "$0: -t callgrind or strace" >&2; exit 2 ;;
esac
for r in $ROLES; do
	case $r in front|auth|store|web) ;;
	*) echo "$0: no role $r" >&2; exit 2 ;; esac
done
for w in $WORKLOADS; do
	case $w in me|login|read|list|send) ;;
	*) echo "$0: no workload $w" >&2; exit 2 ;; esac
done
[ "$COUNT" -ge 20 ] && [ "$CONNS" -ge 1 ] && [ "$CONNS" -le 64 ] ||
    { echo "$0: -n at least 20, -c 1 to 64" >&2; exit 2; }
OLD=$(cd "$1" && pwd)
NEW=$(cd "$2" && pwd)
here=$(cd "$(dirname "$0")/.." && pwd)
. "$here/bench/lib_side.sh"
for b in "$OLD" "$NEW"; do
	if grep -q '^#define SANDBOX_SECCOMP 1' "$b/config.h"; then
		echo "$0: $b has the sandbox: configure it --with-sandbox=no" >&2
		exit 2
	fi
	[ -x "$b/regress/bin/smsg-front" ] ||
	    { echo "$0: $b: no test build (make check TESTS=)" >&2; exit 2; }
done
[ -n "$OUTDIR" ] || OUTDIR=$(mktemp -d /tmp/smsg-profile.XXXXXX)
mkdir -p "$OUTDIR"
OUTDIR=$(cd "$OUTDIR" && pwd)
SMALL=$((COUNT / 10))
PROF=$(mktemp -d /tmp/smsg-prof.XXXXXX)
PW='ledger orchid pumice 58 skiff'

role_exe() {
	echo "smsg-$1"
}

# RLIMIT_NOFILE of each role (lib/sandbox.c; the front's is the test
# configuration's max_connections, 1024, and 128 more).
role_files() {
	case $1 in
	front) echo 1152 ;; auth) echo 128 ;; store) echo 256 ;; web) echo 32 ;;
	esac
}

role_user() {
	case $1 in
	front) echo _smsgd ;; auth) echo _smsgauth ;; store) echo _smsgstore ;;
	web) echo _smsgweb ;;
	esac
}

# wrap BUILDDIR TAG: each role's executable becomes a script that runs it
# under the tool, its files named TAG.ROLE.  callgrind opens its file at
# start and writes it at exit, after the child's chroot: the same path
# PROF exists outside and inside each chroot.
wrap() {
	for r in $ROLES; do
		exe=$1/regress/bin/$(role_exe "$r")
		mv "$exe" "$exe.prof"
		case $TOOL in
		callgrind)
			# Not counted: the front's timer tick, which runs
			# per quarter second, not per request.
			run="$(command -v valgrind) --tool=callgrind \
--toggle-collect=main_tick --collect-atstart=yes \
--callgrind-out-file=$PROF/$2.$r.out --log-file=$OUTDIR/$2.$r.log" ;;
		strace)
			run="$(command -v strace) -f -c -o $OUTDIR/$2.$r.out" ;;
		esac
		# valgrind keeps descriptors of its own above the soft
		# limit, makes that the child's hard limit, and refuses any
		# other: the soft limit is the one the child will set.
		printf '#!/bin/sh\nulimit -Sn %s\nexec %s %s "$@"\n' \
		    "$(role_files "$r")" "$run" "$exe.prof" > "$exe"
		chmod 0755 "$exe"
	done
}

# Every executable wrapped in either build is put back.
unwrap() {
	for b in "$OLD" "$NEW"; do
		for r in front auth store web; do
			exe=$b/regress/bin/$(role_exe "$r")
			if [ -f "$exe.prof" ]; then
				mv "$exe.prof" "$exe"
			fi
		done
	done
}

# The chroot of each role under the tool gets a PROF its user may write.
prof_dirs() {
	for r in $ROLES; do
		d=$PREFIX/$r$PROF
		mkdir -p "$d"
		chown "$(role_user "$r")" "$d"
	done
}

collect() {
	for r in $ROLES; do
		for f in "$PREFIX/$r$PROF/"*; do
			[ -f "$f" ] && mv "$f" "$OUTDIR/"
		done
	done
	rm -f "$PROF/"*
	return 0
}

# mail_in: another user sends the signed-in one (TOKEN) 50 messages of
# 1 KiB; the last one's id in MSGID.
mail_in() {
	me=$TOKEN
	register_api sender "$PW" || { echo "register sender failed" >&2; exit 1; }
	login_api sender "$PW"
	body=$(head -c 1024 /dev/zero | tr '\0' x)
	i=0
	while [ $i -lt 50 ]; do
		code=$(api POST messages "{\"to\": [\"bench\"], \"subject\": \"note $i\", \"body\": \"$body\"}")
		[ "$code" = 201 ] || { echo "send failed ($code)" >&2; exit 1; }
		i=$((i + 1))
	done
	MSGID=$(json_get "$PREFIX/body" id)
	TOKEN=$me
}

# workload_path W: the path W asks for, its messages sent first.
workload_path() {
	case $1 in
	me)	echo /api/v1/me ;;
	login)	echo /login ;;
	read)	mail_in; echo "/api/v1/messages/$MSGID" ;;
	list)	mail_in; echo "/api/v1/messages?folder=inbox&limit=50" ;;
	send)	register_api reader "$PW" ||
		    { echo "register reader failed" >&2; exit 1; }
		echo send:reader ;;
	esac
}

# one_run BUILDDIR TAG WORKLOAD N: a daemon, a signed-in user, N requests.
one_run() {
	side_lib "$1"
	# The chroots get their PROF before the children start.
	side_before_start() {
		prof_dirs
	}
	# Under a tool the first handshake is slow: a poll that gave up
	# and came again would add one of a varying number of handshakes.
	serving() {
		code=$(curl -sk -m 120 -o /dev/null -w '%{http_code}' \
		    "https://127.0.0.1:$PORT/static/smsg.css")
		[ -n "$code" ] && [ "$code" != 000 ]
	}
	wrap "$1" "$2"
	https_start
	register_api bench "$PW" || { echo "$2: register failed" >&2; exit 1; }
	login_api bench "$PW"
	[ "$CODE" = 200 ] || { echo "$2: login failed ($CODE)" >&2; exit 1; }
	tok=
	[ "$3" != login ] && tok=$TOKEN
	workload_path "$3" > "$OUTDIR/$2.path"
	python3 "$here/bench/keepalive.py" "$PORT" "$(cat "$OUTDIR/$2.path")" \
	    "$4" "$CONNS" "$tok"
	kill "$DAEMON_PID"
	wait_for 120 daemon_gone || { echo "$2: smsgd did not stop" >&2; exit 1; }
	collect
	cp "$LOG" "$OUTDIR/$2.smsgd.log"
	unwrap
	rm -rf "$PREFIX"
	trap - EXIT
}

cleanup_all() {
	unwrap
	rm -rf "$PROF"
	[ -n "${DAEMON_PID:-}" ] && kill "$DAEMON_PID" 2>/dev/null
	return 0
}
trap cleanup_all EXIT INT TERM

for side in old new; do
	[ $side = old ] && b=$OLD || b=$NEW
	for w in $WORKLOADS; do
		for n in "$SMALL" "$COUNT"; do
			echo "# $side $w $n requests" >&2
			( one_run "$b" "${side}_$w.$n" "$w" "$n" )
		done
	done
done
trap - EXIT INT TERM
rm -rf "$PROF"

python3 "$here/bench/profile_diff.py" "$TOOL" "$OUTDIR" "$SMALL" "$COUNT" \
    "$ROLES" "$WORKLOADS" | tee "$OUTDIR/report.txt"
echo "files in $OUTDIR" >&2
