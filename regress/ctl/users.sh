#!/bin/sh
# Account administration through smsgctl, as auth answers it: add (with
# -p -), list, show (text and JSON), lock and unlock, reset-2fa,
# reset-password with its warning, sessions, delete; exit codes.
. "$top_srcdir/regress/lib.sh"
need_root
daemon_setup
daemon_start

PW1='a rather long pass phrase, 1st'
PW2='another long pass phrase, 2nd'
ISO='[0-9]\{4\}-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]Z'

check "all four children running within 15 s" wait_for 15 all_running

printf '%s\n' "$PW1" | ctl user add alice -p - > "$PREFIX/add.txt" 2>&1
check "user add alice -p - succeeds" [ $? -eq 0 ]
check "... and prints the recovery key" grep -q "^recovery key: ." \
    "$PREFIX/add.txt"
check "... saying it is shown once" grep -q "shown once" "$PREFIX/add.txt"
printf '%s\n' "$PW1" | ctl user add alice -p - > /dev/null 2>&1
rc=$?
check "adding alice again fails ($rc)" [ $rc -ne 0 ]
printf 'short\n' | ctl user add bobby -p - > /dev/null 2>&1
rc=$?
check "a password the policy refuses fails ($rc)" [ $rc -ne 0 ]
printf '%s\n' "$PW2" | ctl -j user add carol -p - > "$PREFIX/add.json" 2>&1
check "user add -j succeeds" [ $? -eq 0 ]
jcheck "... with ok and the recovery_key in one object" "$PREFIX/add.json" \
    '.ok == true and (.recovery_key | length > 0)'

ctl user list > "$PREFIX/list.txt" 2>&1
check "user list succeeds" [ $? -eq 0 ]
check "... with its header" grep -q \
    "^NAME *UID *CREATED *LOCK *2FA *SESSIONS *LAST-LOGIN$" "$PREFIX/list.txt"
check "... alice unlocked, 2FA off, created as ISO 8601 UTC" grep -q \
    "^alice  *[0-9][0-9]*  *$ISO  *-  *off  *0 " "$PREFIX/list.txt"
check "... and carol" grep -q "^carol " "$PREFIX/list.txt"
ctl -j user list > "$PREFIX/list.json" 2>&1
jcheck "user list -j is an array of both" "$PREFIX/list.json" \
    '[.[].name] | sort == ["alice", "carol"]'

ctl show user alice > "$PREFIX/show.txt" 2>&1
check "show user alice succeeds" [ $? -eq 0 ]
check "... naming her" grep -q "^name: *alice$" "$PREFIX/show.txt"
check "... not locked" grep -q "^lock: *-$" "$PREFIX/show.txt"
ctl -j show user alice > "$PREFIX/show.json" 2>&1
jcheck "show user -j is one object in snake_case" "$PREFIX/show.json" \
    '.name == "alice" and .lock == "none" and .two_factor == false and
    .sessions == 0 and .last_login == null and (.created | test("Z$"))'
ctl show user nosuchuser > "$PREFIX/missing.txt" 2>&1
check "show user of a missing name exits 3" [ $? -eq 3 ]
check "... saying not found" grep -q "not found" "$PREFIX/missing.txt"
ctl user lock nosuchuser > /dev/null 2>&1
check "user lock of a missing name exits 3" [ $? -eq 3 ]

check "user lock alice" ctl user lock alice
ctl -j show user alice > "$PREFIX/locked.json" 2>&1
jcheck "... she is locked by the admin" "$PREFIX/locked.json" \
    '.lock == "admin"'
ctl user list > "$PREFIX/locked.txt" 2>&1
check "... and user list says admin" grep -q "^alice .* admin " \
    "$PREFIX/locked.txt"
check "user unlock alice" ctl user unlock alice
ctl -j show user alice > "$PREFIX/unlocked.json" 2>&1
jcheck "... she is unlocked" "$PREFIX/unlocked.json" '.lock == "none"'

check "user reset-2fa alice" ctl user reset-2fa alice

printf '%s\n' "$PW2" | ctl user reset-password alice -p - \
    > "$PREFIX/reset.txt" 2>&1
check "user reset-password alice -p - succeeds" [ $? -eq 0 ]
check "... warning that older messages become unreadable" \
    grep -Eqi "unreadable|can no longer be read" "$PREFIX/reset.txt"
check "... and printing a new recovery key" grep -q "^recovery key: ." \
    "$PREFIX/reset.txt"
k1=$(sed -n 's/^recovery key: //p' "$PREFIX/add.txt")
k2=$(sed -n 's/^recovery key: //p' "$PREFIX/reset.txt")
check "... which is not the old one" \
    sh -c "[ -n '$k2' ] && [ '$k1' != '$k2' ]"

ctl show sessions > "$PREFIX/sessions.txt" 2>&1
check "show sessions succeeds with nobody signed in" [ $? -eq 0 ]
check "... a header" grep -q \
    "^ID *NAME *CREATED *LAST-SEEN *EXPIRES *ADDRESS$" "$PREFIX/sessions.txt"
check "... and no rows" [ "$(wc -l < "$PREFIX/sessions.txt")" -eq 1 ]
ctl -j show sessions alice > "$PREFIX/sessions.json" 2>&1
check "show sessions -j alice succeeds" [ $? -eq 0 ]
jcheck "... an empty array" "$PREFIX/sessions.json" '. == []'
ctl session revoke 0123456789abcdef > /dev/null 2>&1
check "revoking a session that does not exist exits 3" [ $? -eq 3 ]

check "user delete alice" ctl user delete alice
ctl show user alice > /dev/null 2>&1
check "... and she is gone (exit 3)" [ $? -eq 3 ]
ctl user delete alice > /dev/null 2>&1
check "deleting her again exits 3" [ $? -eq 3 ]

check "no password reaches the log" sh -c \
    "! grep -q -e '$PW1' -e '$PW2' '$LOG'"
check "no recovery key reaches the log" sh -c \
    "[ -n '$k1' ] && ! grep -qF '$k1' '$LOG'"
done_testing
