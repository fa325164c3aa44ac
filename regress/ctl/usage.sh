#!/bin/sh
# smsgctl without a daemon: usage errors exit 2 with a message saying
# what is wrong; a well-formed command exits 6 when nothing answers.
. "$top_srcdir/regress/lib.sh"

TMP=$(mktemp -d /tmp/smsg-ctl.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
NOSOCK="$TMP/nothing.sock"

# exits CODE PATTERN description -- command...: exit status and stderr
exits() {
	code=$1 pat=$2 desc=$3
	shift 4
	"$@" > "$TMP/out" 2> "$TMP/err" < "${STDIN:-/dev/null}"
	rc=$?
	if [ $rc -eq "$code" ] && grep -q -- "$pat" "$TMP/err"; then
		ok "$desc"
	else
		not_ok "$desc (exit $rc)"
		sed 's/^/# /' "$TMP/err"
	fi
}

# exits_from FILE CODE PATTERN description -- command...: with stdin FILE
exits_from() {
	STDIN=$1
	shift
	exits "$@"
	STDIN=
}

c() {
	"$SMSGCTL" -s "$NOSOCK" "$@"
}

exits 2 "usage:" "no command" -- c
exits 2 "unknown command \"user frob\"" "unknown subcommand" -- c user frob
exits 2 "user add NAME" "... lists what is valid there" -- c user frob
exits 2 "incomplete command \"user add\"" "user add without a name" -- \
    c user add
exits 2 "incomplete command \"show user\"" "show user without a name" -- \
    c show user
exits 2 "incomplete command \"session revoke\"" "session revoke without an id" \
    -- c session revoke
exits 2 "incomplete command \"user lock\"" "user lock without a name" -- \
    c user lock
exits 2 "invalid user name \"ab\"" "a name of 2 characters" -- c user add ab
exits 2 "invalid user name" "a name of 33 characters" -- \
    c user add abcdefghijklmnopqrstuvwxyz0123456
exits 2 "invalid user name \"Alice\"" "a name with a capital" -- \
    c user delete Alice
exits 2 "invalid user name" "a name with a slash" -- c show user "a/b"
exits 2 "invalid user name" "a name with a space" -- c user lock "a b"
exits 2 "invalid user name" "show sessions with a bad name" -- \
    c show sessions "x"
exits 2 "invalid session id \"12\"" "a session id too short" -- \
    c session revoke 12
exits 2 "invalid session id" "a session id that is not hex" -- \
    c session revoke 0123456789abcdeg
exits 2 "unexpected \"extra\"" "a word too many" -- c user list extra
exits 2 "incomplete command \"user add bob -p\"" "-p without -" -- \
    c user add bob -p
exits 2 "unknown command" "-p with a file name" -- c user add bob -p file
exits 2 "no terminal" "no terminal for the password and no -p -" -- \
    setsid -w "$SMSGCTL" -s "$NOSOCK" user add bob
printf '\n' > "$TMP/empty"
exits_from "$TMP/empty" 2 "empty password" "an empty password line" -- \
    c user add bob -p -
exits 2 "no password on standard input" "no line at all" -- \
    c user reset-password bob -p -
head -c 2000 /dev/zero | tr '\0' x > "$TMP/long"
exits_from "$TMP/long" 2 "password too long" "a 2000-byte password" -- \
    c user add bob -p -

# Well-formed: only the missing daemon stops them.
printf 'a password of some length\n' > "$TMP/pw"
for cmd in "user list" "show user alice" "user lock alice" \
    "user unlock alice" "user reset-2fa alice" "user delete alice" \
    "show sessions" "show sessions alice" "session revoke 0123456789ABCDEF"; do
	exits 6 "not running" "$cmd parses (exit 6 without smsgd)" -- c $cmd
done
exits_from "$TMP/pw" 6 "not running" "user add -p - parses" -- \
    c user add alice -p -
exits_from "$TMP/pw" 6 "not running" "user reset-password -p - parses" -- \
    c user reset-password alice.b_c-d -p -
exits 6 "not running" "-j before the command" -- c -j user list
done_testing
