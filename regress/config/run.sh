#!/bin/sh
#
# Golden tests of the configuration parser and printer, in the OpenBGPD
# style: "smsgd -n -v -f N.conf" must print exactly N.ok, and its output
# must parse again to the same text; "smsgd -n -f bad-N.conf" must exit 1
# with exactly the line in bad-N.err.  Prints TAP.
#
# Placeholders in the expected files, expanded here:
#   @FILE@            the configuration file given with -f
#   @LOCALSTATEDIR@   configure's localstatedir   (SMSG_TEST_LOCALSTATEDIR)
#   @SYSCONFDIR@      configure's sysconfdir      (SMSG_TEST_SYSCONFDIR)
#   @RUNSTATEDIR@     configure's runstatedir     (SMSG_TEST_RUNSTATEDIR)
#   @USER_FRONT@ @USER_AUTH@ @USER_STORE@ @USER_WEB@ @ADMIN_GROUP@
#                     the configured user and group names
# The SMSG_TEST_* variables come from regress/config/Makefile.inc; run by
# hand, the configure defaults for prefix /usr/local are assumed.
#
# Nothing is written to the source tree (read-only under distcheck).
#
# The .ok files are the specification of the printer: after a deliberate
# change to it, regenerate one with the prefix /usr/local build and read
# the diff before keeping it:
#   smsgd/smsgd -n -v -f regress/config/N.conf | sed \
#     -e 's|"/usr/local/var/run/|"@RUNSTATEDIR@/|' \
#     -e 's|"/usr/local/var/|"@LOCALSTATEDIR@/|' \
#     -e 's|"/usr/local/etc/|"@SYSCONFDIR@/|' \
#     -e 's|"_smsgd"|"@USER_FRONT@"|' -e 's|"_smsgauth"|"@USER_AUTH@"|' \
#     -e 's|"_smsgstore"|"@USER_STORE@"|' -e 's|"_smsgweb"|"@USER_WEB@"|' \
#     -e 's|"_smsgadm"|"@ADMIN_GROUP@"|' >regress/config/N.ok

: "${top_srcdir:?top_srcdir must be set (run through make check)}"
: "${top_builddir:?top_builddir must be set (run through make check)}"

LC_ALL=C
export LC_ALL

srcdir=$top_srcdir/regress/config
smsgd=$top_builddir/smsgd/smsgd

: "${SMSG_TEST_LOCALSTATEDIR:=/usr/local/var}"
: "${SMSG_TEST_SYSCONFDIR:=/usr/local/etc}"
: "${SMSG_TEST_RUNSTATEDIR:=/usr/local/var/run}"
: "${SMSG_TEST_USER_FRONT:=_smsgd}"
: "${SMSG_TEST_USER_AUTH:=_smsgauth}"
: "${SMSG_TEST_USER_STORE:=_smsgstore}"
: "${SMSG_TEST_USER_WEB:=_smsgweb}"
: "${SMSG_TEST_ADMIN_GROUP:=_smsgadm}"
export SMSG_TEST_LOCALSTATEDIR SMSG_TEST_SYSCONFDIR SMSG_TEST_RUNSTATEDIR SMSG_TEST_USER_FRONT \
    SMSG_TEST_USER_AUTH SMSG_TEST_USER_STORE SMSG_TEST_USER_WEB \
    SMSG_TEST_ADMIN_GROUP

if [ ! -x "$smsgd" ]; then
	echo "Bail out! no $smsgd (build it first)"
	exit 1
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/smsg-config.XXXXXX") || {
	echo "Bail out! mktemp -d failed"
	exit 1
}
trap 'rm -rf "$tmp"' 0
trap 'exit 1' 1 2 15

n=0
failed=0

ok() {
	n=$((n + 1))
	echo "ok $n - $*"
}

notok() {
	n=$((n + 1))
	failed=$((failed + 1))
	echo "not ok $n - $*"
}

skip() {
	n=$((n + 1))
	echo "ok $n # SKIP $*"
}

# The contents of files as TAP comments.
diag() {
	for f in "$@"; do
		[ -s "$f" ] && sed 's/^/# /' "$f"
	done
	return 0
}

# expand FILE <template >text: replace the placeholders, literally.
expand() {
	SMSG_TEST_FILE=$1 awk '
	function rep(s, key, val,	i, out) {
		out = ""
		while ((i = index(s, key)) > 0) {
			out = out substr(s, 1, i - 1) val
			s = substr(s, i + length(key))
		}
		return out s
	}
	{
		s = rep($0, "@FILE@", ENVIRON["SMSG_TEST_FILE"])
		s = rep(s, "@LOCALSTATEDIR@", ENVIRON["SMSG_TEST_LOCALSTATEDIR"])
		s = rep(s, "@SYSCONFDIR@", ENVIRON["SMSG_TEST_SYSCONFDIR"])
		s = rep(s, "@RUNSTATEDIR@", ENVIRON["SMSG_TEST_RUNSTATEDIR"])
		s = rep(s, "@USER_FRONT@", ENVIRON["SMSG_TEST_USER_FRONT"])
		s = rep(s, "@USER_AUTH@", ENVIRON["SMSG_TEST_USER_AUTH"])
		s = rep(s, "@USER_STORE@", ENVIRON["SMSG_TEST_USER_STORE"])
		s = rep(s, "@USER_WEB@", ENVIRON["SMSG_TEST_USER_WEB"])
		s = rep(s, "@ADMIN_GROUP@", ENVIRON["SMSG_TEST_ADMIN_GROUP"])
		print s
	}'
}

# check FILE OUT ERR: run smsgd -n -v on FILE; sets rc.
check() {
	"$smsgd" -n -v -f "$1" >"$2" 2>"$3"
	rc=$?
}

echo "configuration OK" >"$tmp/ok.err"

# Good configurations: N.conf prints N.ok, and that output is a fixed point.
i=1
while [ -f "$srcdir/$i.conf" ]; do
	conf=$srcdir/$i.conf
	expand "$conf" <"$srcdir/$i.ok" >"$tmp/$i.exp"
	check "$conf" "$tmp/$i.out" "$tmp/$i.err"
	if [ $rc -eq 0 ] && cmp -s "$tmp/$i.out" "$tmp/$i.exp" &&
	    cmp -s "$tmp/$i.err" "$tmp/ok.err"; then
		ok "$i.conf: prints $i.ok"
	else
		notok "$i.conf: prints $i.ok (exit $rc)"
		diff -u "$tmp/$i.exp" "$tmp/$i.out" >"$tmp/$i.diff"
		diag "$tmp/$i.diff" "$tmp/$i.err"
	fi

	# The printed form is a configuration: it must print itself.
	check "$tmp/$i.out" "$tmp/$i.out2" "$tmp/$i.err2"
	if [ $rc -eq 0 ] && cmp -s "$tmp/$i.out" "$tmp/$i.out2"; then
		ok "$i.conf: printed configuration parses and prints the same"
	else
		notok "$i.conf: printed configuration parses and prints" \
		    "the same (exit $rc)"
		diff -u "$tmp/$i.out" "$tmp/$i.out2" >"$tmp/$i.diff2"
		diag "$tmp/$i.diff2" "$tmp/$i.err2"
	fi
	i=$((i + 1))
done
if [ $i -eq 1 ]; then
	notok "no N.conf found in $srcdir"
fi

# Bad configurations: exit 1, nothing on stdout, exactly bad-N.err.
i=1
while [ -f "$srcdir/bad-$i.conf" ]; do
	conf=$srcdir/bad-$i.conf
	expand "$conf" <"$srcdir/bad-$i.err" >"$tmp/bad-$i.exp"
	check "$conf" "$tmp/bad-$i.out" "$tmp/bad-$i.err"
	what=$(sed -n '1s/^# *//p' "$conf")
	if [ $rc -eq 1 ] && [ ! -s "$tmp/bad-$i.out" ] &&
	    cmp -s "$tmp/bad-$i.err" "$tmp/bad-$i.exp"; then
		ok "bad-$i.conf: $what"
	else
		notok "bad-$i.conf: $what (exit $rc)"
		diff -u "$tmp/bad-$i.exp" "$tmp/bad-$i.err" >"$tmp/bad-$i.diff"
		diag "$tmp/bad-$i.diff" "$tmp/bad-$i.out"
	fi
	i=$((i + 1))
done
if [ $i -eq 1 ]; then
	notok "no bad-N.conf found in $srcdir"
fi

# Without -v, -n prints nothing on stdout.
"$smsgd" -n -f "$srcdir/3.conf" >"$tmp/quiet.out" 2>"$tmp/quiet.err"
rc=$?
if [ $rc -eq 0 ] && [ ! -s "$tmp/quiet.out" ] &&
    cmp -s "$tmp/quiet.err" "$tmp/ok.err"; then
	ok "-n without -v: stdout empty, \"configuration OK\""
else
	notok "-n without -v: stdout empty, \"configuration OK\" (exit $rc)"
	diag "$tmp/quiet.out" "$tmp/quiet.err"
fi

# A missing file named with -f is an error naming it.
missing=$tmp/no-such.conf
echo "smsgd: $missing: No such file or directory" >"$tmp/missing.exp"
check "$missing" "$tmp/missing.out" "$tmp/missing.err"
if [ $rc -eq 1 ] && [ ! -s "$tmp/missing.out" ] &&
    cmp -s "$tmp/missing.err" "$tmp/missing.exp"; then
	ok "missing file: an error naming it"
else
	notok "missing file: an error naming it (exit $rc)"
	diff -u "$tmp/missing.exp" "$tmp/missing.err" >"$tmp/missing.diff"
	diag "$tmp/missing.diff"
fi

# A directory named with -f is an error naming it.
mkdir "$tmp/dir.conf"
check "$tmp/dir.conf" "$tmp/dir.out" "$tmp/dir.err"
result="not ok"
if [ $rc -eq 1 ]; then
	case $(cat "$tmp/dir.err") in
	"smsgd: $tmp/dir.conf: not a regular file")	result=ok ;;
	esac
fi
if [ "$result" = ok ]; then
	ok "directory as file: an error naming it"
else
	notok "directory as file: an error naming it (exit $rc, want 1)"
fi
[ "$result" = ok ] || diag "$tmp/dir.err"

# The shipped example parses, and its printed form is a fixed point.
example=$top_srcdir/etc/smsgd.conf
if [ -f "$example" ]; then
	"$smsgd" -n -f "$example" >"$tmp/example.out" 2>"$tmp/example.err"
	rc=$?
	if [ $rc -eq 0 ] && cmp -s "$tmp/example.err" "$tmp/ok.err"; then
		ok "etc/smsgd.conf parses"
	else
		notok "etc/smsgd.conf parses (exit $rc)"
		diag "$tmp/example.err"
	fi
	check "$example" "$tmp/example.out" "$tmp/example.err"
	check "$tmp/example.out" "$tmp/example.out2" "$tmp/example.err2"
	if [ $rc -eq 0 ] && cmp -s "$tmp/example.out" "$tmp/example.out2"; then
		ok "etc/smsgd.conf: printed form parses and prints the same"
	else
		notok "etc/smsgd.conf: printed form parses and prints the same"
		diff -u "$tmp/example.out" "$tmp/example.out2" \
		    >"$tmp/example.diff"
		diag "$tmp/example.diff" "$tmp/example.err2"
	fi
else
	skip "no etc/smsgd.conf yet (being written)"
	skip "no etc/smsgd.conf yet (being written)"
fi

echo "1..$n"
[ $failed -eq 0 ]
