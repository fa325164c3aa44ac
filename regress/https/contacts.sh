#!/bin/sh
# Contacts through the JSON API and the pages against the real daemon:
# add, list and
# remove; the safety number (twelve groups of five digits, the same seen
# from either side); a verified mark cleared, with a warning, when an
# administrator's reset-password gives the contact new keys; block and
# unblock; no route reaches another user's list; hostile names refused
# before the store; the contacts page escapes hostile nicknames and its
# forms need CSRF.
. "$top_srcdir/regress/https/lib_https.sh"
https_start

PW='lantern orchard pebble 61 fjord'
for u in alice bob carol dave; do
	check "register $u" register_api $u "$PW"
done
login_api alice "$PW"; A=$TOKEN
login_api bob "$PW"; B=$TOKEN
login_api carol "$PW"; C=$TOKEN
check "three API sessions" [ -n "$A" ] && [ -n "$B" ] && [ -n "$C" ]

# field NAME KEY: KEY of contact NAME in the list in $PREFIX/body; "none"
# when NAME is not listed.
field() {
	python3 - "$PREFIX/body" "$1" "$2" <<'PY'
import json, sys
v = "none"
for k in json.load(open(sys.argv[1])).get("contacts", []):
    if k.get("name") == sys.argv[2]:
        v = k.get(sys.argv[3], "")
        if isinstance(v, bool):
            v = "true" if v else "false"
print(v)
PY
}
count() {
	python3 -c 'import json,sys
print(len(json.load(open(sys.argv[1]))["contacts"]))' "$PREFIX/body" 2>/dev/null
}
list_as() {
	TOKEN=$1 api GET contacts
}

code=$(list_as "$A")
check "alice's empty list: 200 ($code)" [ "$code" = 200 ]
check "... with no contacts" [ "$(count)" = 0 ]
code=$(TOKEN= api GET contacts)
check "the list without a session: 401 ($code)" [ "$code" = 401 ]

# Adding.
code=$(TOKEN=$A api POST contacts '{"name": "bob", "nickname": "Bob"}')
check "alice adds bob: 201 ($code)" [ "$code" = 201 ]
check "... answering his name and nickname" \
    json_is "$PREFIX/body" nickname Bob
code=$(TOKEN=$A api POST contacts '{"name": "bob", "nickname": "B2"}')
check "adding bob again: 409 ($code)" [ "$code" = 409 ]
check "... saying he is already a contact" \
    sh -c "grep -q 'already one of your contacts' '$PREFIX/body'"
code=$(TOKEN=$A api POST contacts '{"name": "nobody", "nickname": "N"}')
check "an unknown user: 404 ($code)" [ "$code" = 404 ]
code=$(TOKEN=$A api POST contacts '{"name": "alice", "nickname": "me"}')
check "oneself: 422 ($code)" [ "$code" = 422 ]
code=$(TOKEN=$A api POST contacts '{"name": "Bob Smith", "nickname": "x"}')
check "a name with bad characters: 400 ($code)" [ "$code" = 400 ]
code=$(TOKEN=$A api POST contacts '{"name": 42}')
check "a name that is not a string: 400 ($code)" [ "$code" = 400 ]
code=$(TOKEN=$A api POST contacts "{\"name\": \"$(printf 'b%.0s' $(seq 300))\"}")
check "an over-long name: 400 ($code)" [ "$code" = 400 ]
long=$(printf 'n%.0s' $(seq 65))
code=$(TOKEN=$A api POST contacts "{\"name\": \"carol\", \"nickname\": \"$long\"}")
check "a nickname over 64 bytes: 400 ($code)" [ "$code" = 400 ]
code=$(TOKEN=$A api POST contacts '{"name": "carol", "nickname": "a\u0007b"}')
check "a nickname with a control character: 400 ($code)" [ "$code" = 400 ]

code=$(list_as "$A")
check "alice's list: 200 ($code)" [ "$code" = 200 ]
check "... holds bob alone" [ "$(count)" = 1 ]
check "... nicknamed Bob" [ "$(field bob nickname)" = Bob ]
check "... not verified" [ "$(field bob verified)" = false ]
check "... not blocked" [ "$(field bob blocked)" = false ]
check "... no key change" [ "$(field bob key_changed)" = false ]
SN_A=$(field bob safety_number)
FP1=$(field bob fingerprint)
check "the safety number is 12 groups of 5 digits ($SN_A)" \
    sh -c "echo '$SN_A' | grep -Eqx '([0-9]{5} ){11}[0-9]{5}'"
check "the fingerprint is 64 hex digits" \
    sh -c "echo '$FP1' | grep -Eqx '[0-9a-f]{64}'"

code=$(TOKEN=$B api POST contacts '{"name": "alice", "nickname": "Al"}')
check "bob adds alice: 201 ($code)" [ "$code" = 201 ]
list_as "$B" > /dev/null
SN_B=$(field alice safety_number)
check "bob sees the same safety number as alice" [ "$SN_A" = "$SN_B" ]
check "... and alice's fingerprint, not his own" \
    [ "$(field alice fingerprint)" != "$FP1" ]

# Verified, then bob's keys change.
code=$(TOKEN=$A api POST contacts/bob/verify)
check "alice verifies bob: 200 ($code)" [ "$code" = 200 ]
list_as "$A" > /dev/null
check "... the list says verified" [ "$(field bob verified)" = true ]
check "... and no key change" [ "$(field bob key_changed)" = false ]
code=$(TOKEN=$A api POST contacts/carol/verify)
check "verifying a user who is no contact: 404 ($code)" [ "$code" = 404 ]
check "... saying so" \
    sh -c "grep -q 'not one of your contacts' '$PREFIX/body'"

printf '%s\n' "$PW" | ctl user reset-password bob -p - > /dev/null 2>&1
check "smsgctl user reset-password bob" [ $? -eq 0 ]
list_as "$A" > /dev/null
check "after bob's new keys the mark is cleared" \
    [ "$(field bob verified)" = false ]
check "... with the key_changed warning" \
    [ "$(field bob key_changed)" = true ]
check "... a new fingerprint" [ "$(field bob fingerprint)" != "$FP1" ]
SN_NEW=$(field bob safety_number)
check "... and a new safety number" [ "$SN_NEW" != "$SN_A" ]
login_api bob "$PW"; B=$TOKEN
list_as "$B" > /dev/null
check "... the same from bob's side" \
    [ "$(field alice safety_number)" = "$SN_NEW" ]
TOKEN=$A api POST contacts/bob/verify > /dev/null
list_as "$A" > /dev/null
check "verified again: the mark holds, the warning is gone" \
    sh -c "[ $(field bob verified) = true ] && [ $(field bob key_changed) = false ]"

# Block and unblock.
code=$(TOKEN=$A api POST contacts/bob/block)
check "alice blocks bob: 200 ($code)" [ "$code" = 200 ]
check "... answering blocked" json_is "$PREFIX/body" blocked true
list_as "$A" > /dev/null
check "... the list says blocked" [ "$(field bob blocked)" = true ]
code=$(TOKEN=$A api DELETE contacts/bob/block)
check "alice unblocks bob: 200 ($code)" [ "$code" = 200 ]
list_as "$A" > /dev/null
check "... the list says not blocked" [ "$(field bob blocked)" = false ]
check "... the nickname kept" [ "$(field bob nickname)" = Bob ]
code=$(TOKEN=$A api DELETE contacts/carol/block)
check "unblocking a user who is no contact: 404 ($code)" [ "$code" = 404 ]
code=$(TOKEN=$A api POST contacts/carol/block)
check "blocking a stranger: 200 ($code)" [ "$code" = 200 ]
list_as "$A" > /dev/null
check "... makes a blocked contact of her" [ "$(field carol blocked)" = true ]
code=$(TOKEN=$A api POST contacts/alice/block)
check "blocking oneself: 422 ($code)" [ "$code" = 422 ]

# Another user's list is never reachable.
list_as "$B" > /dev/null
check "bob's list holds alice alone, not alice's contacts" \
    sh -c "[ $(count) = 1 ] && [ $(field carol name) = none ]"
TOKEN=$B api GET "contacts?user=alice&uid=1" > /dev/null
check "a query naming alice still lists bob's own" [ "$(count)" = 1 ]
code=$(TOKEN=$B api DELETE contacts/carol)
check "bob removing alice's contact carol: 404 ($code)" [ "$code" = 404 ]
code=$(TOKEN=$B api DELETE contacts/carol/block)
check "bob unblocking alice's blocked carol: 404 ($code)" [ "$code" = 404 ]
code=$(TOKEN=$C api POST contacts/alice/verify)
check "carol verifying alice (she is no contact of carol's): 404 ($code)" \
    [ "$code" = 404 ]
list_as "$A" > /dev/null
check "alice's list is unchanged by them" \
    sh -c "[ $(count) = 2 ] && [ $(field carol blocked) = true ]"
code=$(TOKEN= api DELETE contacts/bob)
check "removing without a session: 401 ($code)" [ "$code" = 401 ]

# Hostile names in the path: no route matches.
for p in "contacts/$(printf 'b%.0s' $(seq 300))" "contacts/b%6fb" \
    "contacts/bob%00" "contacts/BOB" "contacts/b%2Fob" "contacts/b<o>b" \
    "contacts/..%2f..%2fetc" "contacts/b'o" "contacts/%" ; do
	code=$(TOKEN=$A api DELETE "$p")
	check "DELETE $p: 404 ($code)" [ "$code" = 404 ]
	code=$(TOKEN=$A api POST "$p/verify")
	check "POST $p/verify: 404 ($code)" [ "$code" = 404 ]
done
code=$(TOKEN=$A api PUT contacts/bob)
check "PUT on a contact: 405 ($code)" [ "$code" = 405 ]
list_as "$A" > /dev/null
check "bob is still alice's contact after all that" \
    [ "$(field bob nickname)" = Bob ]

# Removing.
code=$(TOKEN=$A api DELETE contacts/bob)
check "alice removes bob: 204 ($code)" [ "$code" = 204 ]
code=$(TOKEN=$A api DELETE contacts/bob)
check "... again: 404 ($code)" [ "$code" = 404 ]
list_as "$A" > /dev/null
check "... gone from her list" [ "$(field bob name)" = none ]
list_as "$B" > /dev/null
check "... and bob's own list still holds alice" \
    [ "$(field alice nickname)" = Al ]
code=$(TOKEN=$A api POST contacts '{"name": "bob", "nickname": "Bob"}')
check "added again after removal: 201 ($code)" [ "$code" = 201 ]
code=$(TOKEN=$C api POST contacts \
    '{"name": "dave", "nickname": "Zo\u00eb \ud83d\ude00"}')
check "a nickname in UTF-8 beyond ASCII: 201 ($code)" [ "$code" = 201 ]
list_as "$C" > /dev/null
check "... comes back the same" [ "$(field dave nickname)" = "Zoë 😀" ]

# The pages: one exchange, the HTML face.
code=$(form_post /login --data-urlencode username=alice \
    --data-urlencode "password=$PW")
check "HTML login: 303 ($code)" [ "$code" = 303 ]
form_get /home > /dev/null
check "the home page links to the contacts page" \
    grep -q 'href="/contacts"' "$PREFIX/page"
code=$(form_get /contacts)
check "the contacts page: 200 ($code)" [ "$code" = 200 ]
check "... lists bob by his nickname" grep -q '<strong>Bob</strong>' \
    "$PREFIX/page"
check "... with his safety number" grep -Eq \
    '<code>([0-9]{5} ){11}[0-9]{5}</code>' "$PREFIX/page"
csp=$(hdr_get "$PREFIX/hdr" content-security-policy)
check "... under a CSP without inline script or style" \
    sh -c "echo \"$csp\" | grep -q default-src && ! echo \"$csp\" | grep -q unsafe-inline"
check "... holding no inline script and no inline style" \
    sh -c "! grep -Ei '<script' '$PREFIX/page' | grep -vqF '<script src=\"/static/smsg.js\" defer></script>' && ! grep -qi 'style=' '$PREFIX/page'"
CSRF=$(csrf_of "$PREFIX/page")
check "... with a csrf field" [ -n "$CSRF" ]
HOSTILE='<script>alert("x")</script>'
code=$(form_post /contacts/add --data-urlencode name=dave \
    --data-urlencode "nickname=$HOSTILE")
check "adding by form without csrf: 403 ($code)" [ "$code" = 403 ]
code=$(form_post /contacts/add --data-urlencode name=dave \
    --data-urlencode "nickname=$HOSTILE" --data-urlencode "csrf=${CSRF}x")
check "... with a wrong csrf: 403 ($code)" [ "$code" = 403 ]
TOKEN=$A api GET contacts > /dev/null
check "... and dave is no contact yet" [ "$(field dave name)" = none ]
code=$(form_post /contacts/add --data-urlencode name=dave \
    --data-urlencode "nickname=$HOSTILE" --data-urlencode "csrf=$CSRF")
check "adding dave by form: 303 ($code)" [ "$code" = 303 ]
check "... back to the contacts page" redirects_to /contacts
form_get /contacts > /dev/null
check "the hostile nickname comes out escaped" grep -qF \
    '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;' "$PREFIX/page"
check "... never raw" sh -c "! grep -qi '<script>alert' '$PREFIX/page'"
code=$(form_post /contacts/add --data-urlencode name=dave \
    --data-urlencode "nickname=again" --data-urlencode "csrf=$CSRF")
check "adding dave again by form: 409 ($code)" [ "$code" = 409 ]
check "... saying why" grep -q 'role="alert"' "$PREFIX/page"
code=$(form_post /contacts/add --data-urlencode "name=../bob" \
    --data-urlencode "csrf=$CSRF")
check "a hostile name by form: 400 ($code)" [ "$code" = 400 ]
code=$(form_post /contacts/add --data-urlencode name=carol \
    --data "nickname=%ff%fe" --data-urlencode "csrf=$CSRF")
check "a nickname that is not UTF-8: 400 ($code)" [ "$code" = 400 ]
code=$(form_post /contacts/add --data-urlencode name=dave \
    --data "nickname=a%0d%0ab" --data-urlencode "csrf=$CSRF")
check "a nickname with CR LF by form: 400 ($code)" [ "$code" = 400 ]
for op in verify block unblock remove; do
	code=$(form_post /contacts/$op --data-urlencode name=dave)
	check "$op by form without csrf: 403 ($code)" [ "$code" = 403 ]
done
TOKEN=$A api GET contacts > /dev/null
check "... none changed dave" sh -c \
    "[ $(field dave verified) = false ] && [ $(field dave blocked) = false ]"
code=$(form_post /contacts/verify --data-urlencode name=dave \
    --data-urlencode "csrf=$CSRF")
check "verify by form: 303 ($code)" [ "$code" = 303 ]
code=$(form_post /contacts/block --data-urlencode name=dave \
    --data-urlencode "csrf=$CSRF")
check "block by form: 303 ($code)" [ "$code" = 303 ]
TOKEN=$A api GET contacts > /dev/null
check "... dave verified and blocked" sh -c \
    "[ $(field dave verified) = true ] && [ $(field dave blocked) = true ]"
form_get /contacts > /dev/null
check "the page shows the marks and an unblock form" sh -c \
    "grep -q 'class=\"tag\">verified' '$PREFIX/page' &&
    grep -q 'action=\"/contacts/unblock\"' '$PREFIX/page'"
code=$(form_post /contacts/unblock --data-urlencode name=dave \
    --data-urlencode "csrf=$CSRF")
check "unblock by form: 303 ($code)" [ "$code" = 303 ]
code=$(form_post /contacts/remove --data-urlencode name=dave \
    --data-urlencode "csrf=$CSRF")
check "remove by form: 303 ($code)" [ "$code" = 303 ]
TOKEN=$A api GET contacts > /dev/null
check "... dave is gone" [ "$(field dave name)" = none ]
code=$(form_post /contacts/remove --data-urlencode name=dave \
    --data-urlencode "csrf=$CSRF")
check "removing him again by form: 404 ($code)" [ "$code" = 404 ]
code=$(curl -sk -m $CURL_MAX -o /dev/null -w '%{http_code}' "$BASE/contacts")
check "the page without a session sends to sign-in ($code)" \
    is_one_of "$code" 303 401

done_testing
