#!/bin/sh
#
# Security notices as messages from the system, against the real daemon:
# a sign-in from a new device (not the first sign-in), a password change,
# 2FA turned on and off, a recovery.  Each arrives in the user's inbox
# from "smsg" with "system": true, readable, its signature verified; no
# other user sees it.  A sign-in from a known device sends none.  While
# the store is stopped (SIGSTOP), sign-in still succeeds; the notice
# follows once it runs again.  smsgctl show notices counts them.  The
# name "smsg" is the system's: nobody may register it.

. "$top_srcdir/regress/https/lib_https.sh"

PW="correct horse battery staple 42"
PW2="a different horse battery staple 43"
https_start

check "register bob" register_api bob "$PW"
RKEY=$(json_get "$PREFIX/body" recovery_key)
check "register carol" register_api carol "$PW"

field() {
	json_get "$PREFIX/body" "$1"
}
# notice_id TOKEN SUBJECT: the id of the newest system message with that
# subject in the inbox ("" when none)
notice_id() {
	TOKEN=$1 api GET "messages?folder=inbox&limit=50" >/dev/null
	python3 -c 'import json,sys
for m in json.load(open(sys.argv[1]))["messages"]:
    if m.get("system") and m.get("subject") == sys.argv[2]:
        print(m["id"]); break' "$PREFIX/body" "$2" 2>/dev/null
}
notices_of() {	# notices_of TOKEN: how many system messages in the inbox
	TOKEN=$1 api GET "messages?folder=inbox&limit=50" >/dev/null
	python3 -c 'import json,sys
print(sum(1 for m in json.load(open(sys.argv[1]))["messages"] if m.get("system")))' \
	    "$PREFIX/body" 2>/dev/null
}
has_notice() {	# has_notice TOKEN SUBJECT
	[ -n "$(notice_id "$1" "$2")" ]
}
lacks_notice() {
	! has_notice "$1" "$2"
}
sig_verified() {
	python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["signature"]["verified"])' \
	    "$PREFIX/body" 2>/dev/null
}
# a_notice TOKEN SUBJECT WHAT: it arrives, reads, and carol never sees it
a_notice() {
	check "$3: a notice arrives" wait_for 20 has_notice "$1" "$2"
	nid=$(notice_id "$1" "$2")
	code=$(TOKEN=$1 api GET "messages/$nid")
	check "... readable: 200 ($code)" [ "$code" = 200 ]
	check "... from smsg" [ "$(field from)" = smsg ]
	check "... a system message, no broadcast" \
	    sh -c "[ '$(field system)' = true ] && [ '$(field broadcast)' = false ]"
	check "... signature verified" [ "$(sig_verified)" = True ]
	check "... says where from" sh -c "grep -q '127.0.0.1' '$PREFIX/body'"
	code=$(TOKEN=$carol api GET "messages/$nid")
	check "... carol cannot read it: 404 ($code)" [ "$code" = 404 ]
	check "... nor has it" lacks_notice "$carol" "$2"
}

login_api carol "$PW"; carol=$TOKEN
login_api bob "$PW"; bob=$TOKEN
DEV=$(json_get "$PREFIX/body" device)
check "bob's first sign-in: no notice" [ "$(notices_of "$bob")" = 0 ]

# -- a new device
login_api bob "$PW"
check "bob signs in again without his device token: 200 ($CODE)" [ "$CODE" = 200 ]
bob=$TOKEN
a_notice "$bob" "New sign-in to your account" "new sign-in"
n=$(notices_of "$bob")
DEVICE=$DEV login_api bob "$PW"
check "with his device token: 200 ($CODE)" [ "$CODE" = 200 ]
bob=$TOKEN
code=$(TOKEN=$bob api POST password "{\"current\": \"$PW\", \"new\": \"$PW2\", \"signout_others\": false}")
check "bob changes his password: 200 ($code)" [ "$code" = 200 ]
a_notice "$bob" "Your password was changed" "password changed"
check "the known device brought no sign-in notice" \
    [ "$(notices_of "$bob")" = $((n + 1)) ]

# -- 2FA on and off
if command -v oathtool >/dev/null 2>&1; then
	TOKEN=$bob api POST totp >/dev/null
	SECRET=$(field secret)
	check "fresh step for the enrolment" fresh_code
	code=$(TOKEN=$bob api POST totp/confirm "{\"otp\": \"$OTP\", \"password\": \"$PW2\"}")
	check "bob turns 2FA on: 200 ($code)" [ "$code" = 200 ]
	a_notice "$bob" "Two-factor authentication is on" "2FA on"
	check "fresh step to disable" fresh_code
	code=$(TOKEN=$bob api DELETE totp "{\"password\": \"$PW2\", \"otp\": \"$OTP\"}")
	check "bob turns 2FA off: 204 ($code)" [ "$code" = 204 ]
	a_notice "$bob" "Two-factor authentication is off" "2FA off"
else
	skip "2FA notices: oathtool missing (apt-get install oathtool)"
fi

# -- recovery
code=$(TOKEN='' api POST recover "{\"username\": \"bob\", \"recovery_key\": \"$RKEY\", \"password\": \"$PW\"}")
check "bob recovers his account: 200 ($code)" [ "$code" = 200 ]
login_api bob "$PW"
bob=$TOKEN
a_notice "$bob" "Your recovery key was used" "recovery"

# -- sign-in while the store is stopped
STORE=$(child_pid smsg-store)
check "the store's pid ($STORE)" [ -n "$STORE" ]
before=$(notices_of "$bob")
kill -STOP "$STORE"
login_api bob "$PW"
code=$CODE
kill -CONT "$STORE"
check "sign-in while the store is stopped: 200 ($code)" [ "$code" = 200 ]
bob=$TOKEN
more() {
	[ "$(notices_of "$bob")" -gt "$before" ]
}
check "... its notice arrives once the store runs" wait_for 20 more
ctl -j show notices > "$PREFIX/n.json"
check "smsgctl -j show notices: exit 0" [ $? -eq 0 ]
sent=$(json_get "$PREFIX/n.json" sent)
check "... counts the notices sent ($sent)" [ "$sent" -ge 5 ]
check "... and the dropped ($(json_get "$PREFIX/n.json" dropped))" \
    [ -n "$(json_get "$PREFIX/n.json" dropped)" ]
out=$(ctl show notices)
check "smsgctl show notices (text)" sh -c "echo '$out' | grep -q '^notices sent:'"

# -- the system's name
code=$(TOKEN='' api POST register "{\"username\": \"smsg\", \"password\": \"$PW\"}")
check "register as smsg: refused ($code)" is_4xx "$code"
check "... the name is the system's" grep -q "system" "$PREFIX/body"
printf '%s\n' "$PW" | ctl user add smsg -p - 2> "$PREFIX/err"
check "smsgctl user add smsg is refused ($?)" [ $? -ne 0 ]

done_testing
