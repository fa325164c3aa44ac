#!/bin/sh
#
# smsg-auth's cache of opened content keys, against the real daemon, as
# an attacker would try it: a message read twice reads the same; another
# user presenting its id gets the 404 a missing id gets; a token logged
# out reads nothing; a new session reads it again; a password change
# leaves the reader able to read; once an administrator's reset gives
# the sender new keys, or the sender's account is deleted, the message
# fails as it does without the cache, whatever was cached.

. "$top_srcdir/regress/https/lib_https.sh"

PW="correct horse battery staple 42"
NEWPW="another horse battery staple 43"

https_start
trap cleanup EXIT
sign_up "$PW" alice bob carol
A=$TOKEN_alice B=$TOKEN_bob C=$TOKEN_carol

code=$(TOKEN=$A api POST messages '{"to": ["bob"], "subject": "cached", "body": "CACHEBODY"}')
check "alice sends bob a message: 201 ($code)" [ "$code" = 201 ]
ID=$(json_get "$PREFIX/body" id)

code=$(TOKEN=$B api GET "messages/$ID")
check "bob reads it: 200 ($code)" sh -c "[ $code = 200 ] && grep -q CACHEBODY '$PREFIX/body'"
cp "$PREFIX/body" "$PREFIX/first"
code=$(TOKEN=$B api GET "messages/$ID")
check "... and again, the same answer: 200 ($code)" sh -c \
    "[ $code = 200 ] && cmp -s '$PREFIX/body' '$PREFIX/first'"
code=$(TOKEN=$B api GET "messages?folder=inbox&limit=50")
check "... and in his inbox with its subject: 200 ($code)" sh -c \
    "[ $code = 200 ] && grep -q '\"cached\"' '$PREFIX/body'"

code=$(TOKEN=$C api GET "messages/$ID")
check "carol asks for bob's cached message: 404 as for a missing id ($code)" \
    [ "$code" = 404 ]
code=$(TOKEN=$C api GET "messages?folder=inbox&limit=50")
check "... her inbox does not show it ($code)" sh -c \
    "[ $code = 200 ] && ! grep -q '$ID' '$PREFIX/body'"

code=$(TOKEN=$B api POST logout)
check "bob logs out: 204 ($code)" [ "$code" = 204 ]
code=$(TOKEN=$B api GET "messages/$ID")
check "... his old token reads nothing: 401 ($code)" [ "$code" = 401 ]
login_api bob "$PW"; B=$TOKEN
code=$(TOKEN=$B api GET "messages/$ID")
check "a new session reads it, checked anew: 200 ($code)" sh -c \
    "[ $code = 200 ] && grep -q CACHEBODY '$PREFIX/body'"

code=$(TOKEN=$B api POST password "{\"current\": \"$PW\", \"new\": \"$NEWPW\"}")
check "bob changes his password: 200 ($code)" [ "$code" = 200 ]
code=$(TOKEN=$B api GET "messages/$ID")
check "... and still reads it: 200 ($code)" sh -c \
    "[ $code = 200 ] && grep -q CACHEBODY '$PREFIX/body'"

# an administrator's reset gives alice new keys: her old signature fails
code=$(TOKEN=$A api POST messages '{"to": ["bob"], "subject": "second", "body": "SECONDBODY"}')
ID2=$(json_get "$PREFIX/body" id)
code=$(TOKEN=$B api GET "messages/$ID2")
check "bob reads alice's second message: 200 ($code)" [ "$code" = 200 ]
echo "$NEWPW" | ctl user reset-password alice -p - > "$PREFIX/ctl.txt" 2>&1
check "smsgctl user reset-password alice: new keys" [ $? -eq 0 ]
code=$(TOKEN=$B api GET "messages/$ID2")
check "... the cached message now fails its signature: 502 ($code)" \
    [ "$code" = 502 ]

check "smsgctl user delete alice" ctl user delete alice
code=$(TOKEN=$B api GET "messages/$ID")
check "the sender deleted: the cached message fails its check: 502 ($code)" \
    [ "$code" = 502 ]
check "... and names nobody" sh -c "! grep -q alice '$PREFIX/body'"

done_testing
