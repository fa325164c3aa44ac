#!/bin/sh
#
# The message pages against the real daemon, with curl and cookies: the
# inbox and sent folders (newest first, paged with before=), a message
# page, the compose form and its field names, a conversation, delete by
# form (CSRF and same-site only), the script under the CSP.  Each page
# answers its owner; another user gets 404 for a message page as for a
# missing id; a locked message's page and list entry never hold its
# subject or body; hostile subjects and bodies come out escaped.

H_FORM_MAX=1048576
. "$top_srcdir/regress/https/lib_https.sh"

PW="pepper lantern maple 58 quarry"
https_start
trap cleanup EXIT

for u in alice bob carol; do
	register_api $u "$PW" || { echo "Bail out! cannot register $u"; exit 1; }
done
login_api alice "$PW"; A=$TOKEN
DEV_alice=$(json_get "$PREFIX/body" device)
login_api bob "$PW"; B=$TOKEN
DEV_bob=$(json_get "$PREFIX/body" device)
[ -n "$A" ] && [ -n "$B" ] || { echo "Bail out! cannot sign in"; exit 1; }

# page_login NAME: a browser session for NAME in the jar NAME, with the
# device token of NAME's API sign-in when there was one: a known device,
# so the second sign-in sends no new-sign-in notice to the inbox.
page_login() {
	eval "dev=\${DEV_$1:-}"
	[ "$(JAR=$1 form_post /login --data-urlencode "username=$1" \
	    --data-urlencode "password=$PW" \
	    ${dev:+-b "__Host-smsg-device=$dev"})" = 303 ]
}
for u in alice bob carol; do
	page_login $u || { echo "Bail out! $u cannot sign in by form"; exit 1; }
done
page_has() {	# page_has TEXT: the last page holds TEXT (fixed string)
	grep -qF -- "$1" "$PREFIX/page"
}
page_lacks() {
	! grep -qiF -- "$1" "$PREFIX/page"
}
rows() {	# rows: the message rows of the last folder page
	grep -c '<li class="row' "$PREFIX/page"
}
next_second() {	# wait until the clock's second has moved on
	t=$(date +%s)
	wait_for 5 sh -c "[ \$(date +%s) -gt $t ]"
}
# row_times: the sending times of the last folder page's rows, in order
row_times() {
	sed -n 's/.*class="muted"><time datetime="\([^"]*\)".*/\1/p' \
	    "$PREFIX/page"
}
newest_first() {
	row_times > "$PREFIX/t1"
	[ "$(wc -l < "$PREFIX/t1")" -eq "$(rows)" ] &&
	    sort -r "$PREFIX/t1" | cmp -s - "$PREFIX/t1"
}
send() {	# send JSON: alice sends it; ID is the new message's id
	code=$(TOKEN=$A api POST messages "$1")
	ID=$(json_get "$PREFIX/body" id)
	[ "$code" = 201 ]
}

# -- a hostile message, and a locked one
HSUBJ='<script>alert("s")</script> & '"'"'q'"'"
HBODY='first line <b>bold</b> & "quoted"
second line <script>x()</script>'
J=$(python3 -c 'import json,sys; print(json.dumps({"to": ["bob"],
    "subject": sys.argv[1], "body": sys.argv[2]}))' "$HSUBJ" "$HBODY")
check "alice sends bob a message with a hostile subject and body" send "$J"
HID=$ID
next_second
UNLOCK=$(date -u -d "@$(( $(date +%s) + 3600 ))" +%Y-%m-%dT%H:%M:%SZ)
check "alice sends bob a message locked for an hour" send \
    "{\"to\": [\"bob\"], \"subject\": \"LOCKSUBJ\", \"body\": \"LOCKBODY\", \"unlock_at\": \"$UNLOCK\"}"
LID=$ID

# -- the inbox
code=$(JAR=bob form_get /messages)
check "bob's inbox: 200 ($code)" [ "$code" = 200 ]
check "... lists the two messages" [ "$(rows)" = 2 ]
check "... newest first" newest_first
check "... the newest first: the locked one" sh -c \
    "grep -n '/messages/$LID\"' '$PREFIX/page' | head -1 | cut -d: -f1 > '$PREFIX/l1'; \
     grep -n '/messages/$HID\"' '$PREFIX/page' | head -1 | cut -d: -f1 > '$PREFIX/l2'; \
     [ \$(cat '$PREFIX/l1') -lt \$(cat '$PREFIX/l2') ]"
check "... the hostile subject escaped" \
    page_has '&lt;script&gt;alert(&quot;s&quot;)&lt;/script&gt; &amp; &#39;q&#39;'
check "... never raw" page_lacks '<script>alert'
check "... from alice, unread" sh -c \
    "grep -qF 'From <strong>alice</strong>' '$PREFIX/page' && grep -qF '>unread<' '$PREFIX/page'"
check "... the locked one with its countdown" page_has 'data-unlock-at="'
check "... and neither its subject nor its body" sh -c \
    "! grep -q 'LOCKSUBJ\|LOCKBODY' '$PREFIX/page'"
check "... a link to the conversation with alice" \
    page_has 'href="/conversations/alice"'
check "... its size and time" sh -c \
    "grep -Eq '[0-9.]+ (B|KiB)' '$PREFIX/page' && grep -q '<time datetime=\"20' '$PREFIX/page'"
check "... the live region for the script" page_has 'data-live'
check "... the script, external, and no inline script" sh -c \
    "[ \$(grep -c '<script' '$PREFIX/page') = 1 ] && grep -qF '<script src=\"/static/smsg.js\" defer></script>' '$PREFIX/page'"
csp=$(hdr_get "$PREFIX/hdr" content-security-policy)
check "... under a CSP with script-src 'self' and nothing inline" sh -c \
    "echo \"$csp\" | grep -qF \"script-src 'self'\" && echo \"$csp\" | grep -qF \"connect-src 'self'\" && ! echo \"$csp\" | grep -q unsafe"
code=$(JAR=alice form_get /messages)
check "alice's inbox: 200 and empty ($code)" sh -c \
    "[ $code = 200 ] && grep -q 'No messages' '$PREFIX/page'"
code=$(JAR=nobody form_get /messages)
check "the inbox without a session: 303 to /login ($code)" sh -c \
    "[ $code = 303 ] && grep -qi '^location: /login' '$PREFIX/hdr'"

# -- sent
code=$(JAR=alice form_get /messages/sent)
check "alice's sent folder: 200 ($code)" [ "$code" = 200 ]
check "... both messages, to bob" sh -c \
    "[ $(rows) = 2 ] && grep -qF 'To <strong>bob</strong>' '$PREFIX/page'"
check "... the locked one without subject or body" sh -c \
    "! grep -q 'LOCKSUBJ\|LOCKBODY' '$PREFIX/page'"

# -- the message page
code=$(JAR=bob form_get "/messages/$HID")
check "bob's message page: 200 ($code)" [ "$code" = 200 ]
check "... the subject escaped" \
    page_has '&lt;script&gt;alert(&quot;s&quot;)&lt;/script&gt; &amp; &#39;q&#39;'
check "... the body escaped, its line break kept" sh -c \
    "grep -qF '<div class=\"body\">first line &lt;b&gt;bold&lt;/b&gt; &amp; &quot;quoted&quot;' '$PREFIX/page' && \
     grep -qF 'second line &lt;script&gt;x()&lt;/script&gt;</div>' '$PREFIX/page'"
check "... never raw" sh -c "! grep -q '<b>bold\|<script>x' '$PREFIX/page'"
check "... signature verified, with alice's fingerprint" sh -c \
    "grep -q 'Signature verified' '$PREFIX/page' && grep -Eq '<code>[0-9a-f]{64}</code>' '$PREFIX/page'"
check "... a reply form to alice" \
    page_has '<input type="hidden" name="to" value="alice">'
check "... its subject Re: the message's, escaped" \
    page_has 'value="Re: &lt;script&gt;alert(&quot;s&quot;)'
check "... a delete form" page_has "action=\"/messages/$HID/delete\""
code=$(JAR=bob form_get "/messages/$LID")
check "the locked message's page: 200 ($code)" [ "$code" = 200 ]
check "... from alice, with its countdown" sh -c \
    "grep -qF '<strong>alice</strong>' '$PREFIX/page' && grep -q 'data-unlock-at=\"' '$PREFIX/page'"
check "... neither subject nor body, no reply form" sh -c \
    "! grep -q 'LOCKSUBJ\|LOCKBODY\|name=\"body\"' '$PREFIX/page'"
code=$(JAR=carol form_get "/messages/$HID")
check "carol on bob's message: 404 ($code)" [ "$code" = 404 ]
cp "$PREFIX/page" "$PREFIX/page404"
check "... with no trace of it" sh -c "! grep -q 'first line\|&lt;script' '$PREFIX/page'"
code=$(JAR=carol form_get "/messages/$HID/files/0")
check "carol on its first file: 404 ($code)" [ "$code" = 404 ]
code=$(JAR=carol form_get "/messages/AAAAAAAAAAAAAAAAAAAAAA")
check "a missing id: 404 as well ($code)" [ "$code" = 404 ]
check "... the same page as for bob's message" \
    cmp -s "$PREFIX/page" "$PREFIX/page404"
code=$(JAR=bob form_get "/messages/not*an*id")
check "a malformed id: 404 ($code)" [ "$code" = 404 ]

# -- compose
TOKEN=$B api POST contacts '{"name": "alice", "nickname": "Al <3"}' > /dev/null
code=$(JAR=bob form_get "/compose?to=alice")
check "the compose page: 200 ($code)" [ "$code" = 200 ]
check "... a multipart form to POST /messages" \
    page_has 'action="/messages" enctype="multipart/form-data"'
for f in csrf to subject body unlock_at tz_offset expires_in \
    delete_after_read file; do
	check "... with the field $f" page_has "name=\"$f\""
done
check "... to filled in from ?to=" \
    page_has 'name="to" type="text" value="alice"'
check "... the contacts offered" page_has '<option value="alice">Al &lt;3'
check "... a date-time unlock field, said to be UTC without script" sh -c \
    "grep -qF 'type=\"datetime-local\"' '$PREFIX/page' && grep -qF '(UTC)' '$PREFIX/page'"
check "... the default expiry chosen: 7 days" \
    page_has '<option value="604800" selected>7 days'
check "... choices up to the maximum (30 days), none past it" sh -c \
    "grep -qF '<option value=\"2592000\">30 days' '$PREFIX/page' && ! grep -qF 'value=\"7776000\"' '$PREFIX/page'"
check "... files, any number" page_has 'name="file" type="file" multiple'
code=$(JAR=bob form_get '/compose?to=%3Cscript%3Ealert(1)%3C/script%3E')
check "a hostile ?to=: 200, escaped ($code)" sh -c \
    "[ $code = 200 ] && grep -qF 'value=\"&lt;script&gt;alert(1)' '$PREFIX/page' && ! grep -q '<script>alert' '$PREFIX/page'"

# -- paging
i=0
while [ $i -lt 25 ]; do
	send "{\"to\": [\"bob\"], \"subject\": \"page $i\", \"body\": \"n $i\"}" ||
	    break
	i=$((i + 1))
done
check "alice sends bob 25 more" [ $i = 25 ]
code=$(JAR=bob form_get /messages)
check "the inbox's first page: 200, 20 messages ($code)" sh -c \
    "[ $code = 200 ] && [ $(rows) = 20 ]"
check "... the newest first" newest_first
NEXT=$(sed -n 's/.*href="\/messages?before=\([A-Za-z0-9_-]*\)".*/\1/p' "$PREFIX/page")
check "... an older link with before=ID" [ -n "$NEXT" ]
grep -Eo 'href="/messages/[A-Za-z0-9_-]{22}"' "$PREFIX/page" | sort -u > "$PREFIX/ids1"
code=$(JAR=bob form_get "/messages?before=$NEXT")
check "the older page: 200, the 7 others ($code)" sh -c \
    "[ $code = 200 ] && [ $(rows) = 7 ]"
check "... no more older link" page_lacks 'before='
grep -Eo 'href="/messages/[A-Za-z0-9_-]{22}"' "$PREFIX/page" | sort -u > "$PREFIX/ids2"
check "... none of the first page's" sh -c \
    "[ \$(wc -l < '$PREFIX/ids1') = 20 ] && [ \$(wc -l < '$PREFIX/ids2') = 7 ] && [ -z \"\$(comm -12 '$PREFIX/ids1' '$PREFIX/ids2')\" ]"
code=$(JAR=bob form_get "/messages?before=junk")
check "a malformed before: 400 ($code)" [ "$code" = 400 ]

# -- the conversation
next_second
code=$(TOKEN=$B api POST messages '{"to": ["alice"], "subject": "BOBREPLY", "body": "BOBBODY & more"}')
check "bob answers alice: 201 ($code)" [ "$code" = 201 ]
code=$(JAR=bob form_get /conversations/alice)
check "bob's conversation with alice: 200 ($code)" [ "$code" = 200 ]
check "... oldest first, bob's answer at the bottom" sh -c \
    "tr '\n' ' ' < '$PREFIX/page' | grep -q 'first line.*>page 0<.*>page 24<.*BOBREPLY'"
check "... bodies shown, escaped" sh -c \
    "grep -qF 'BOBBODY &amp; more' '$PREFIX/page' && grep -qF 'second line &lt;script&gt;' '$PREFIX/page'"
check "... bob's own marked" page_has 'class="bubble mine"'
check "... the locked one without subject or body" sh -c \
    "! grep -q 'LOCKSUBJ\|LOCKBODY' '$PREFIX/page'"
check "... a reply box to alice, staying on the page" sh -c \
    "grep -qF 'data-upload data-stay' '$PREFIX/page' && grep -qF 'name=\"to\" value=\"alice\"' '$PREFIX/page'"
code=$(JAR=bob form_get /conversations/nobody)
check "a conversation with no such user: 404 ($code)" [ "$code" = 404 ]
check "... the error page, saying so" sh -c \
    "grep -q '<p class=\"muted\">Error 404</p>' '$PREFIX/page' && grep -qi 'no such user\|not found\|unknown' '$PREFIX/page'"
code=$(JAR=bob form_get /contacts)
check "the contacts page links to the conversation" \
    page_has 'href="/conversations/alice"'

# -- the worst page: 50 messages whose every byte escapes to six
login_api carol "$PW"; C=$TOKEN
Q=$(python3 -c 'import json; print(json.dumps({"to": ["bob"],
    "subject": "\"" * 256, "body": "\"" * 4000}))')
i=0
while [ $i -lt 50 ]; do
	[ "$(TOKEN=$C api POST messages "$Q")" = 201 ] || break
	i=$((i + 1))
done
check "carol sends bob 50 messages of quotes only" [ $i = 50 ]
code=$(JAR=bob form_get /conversations/carol)
check "bob's conversation with carol still renders: 200 ($code)" \
    [ "$code" = 200 ]
check "... all 50, with bodies as far as the page's budget goes" sh -c \
    "[ \$(grep -c '<li class=\"bubble' '$PREFIX/page') = 50 ] && grep -q '<div class=\"body\">&quot;&quot;' '$PREFIX/page'"
code=$(JAR=bob form_get /messages)
check "his inbox of them: 200 ($code)" [ "$code" = 200 ]

# -- the compose form posted, with a file whose name is hostile
next_second	# the newest in bob's inbox, whatever the ids of one second
JAR=alice form_get /compose > /dev/null
ACSRF=$(csrf_of "$PREFIX/page")
head -c 5000 /dev/urandom > "$PREFIX/up.bin"
code=$(curl -sk -m 20 -b "$PREFIX/alice" -o "$PREFIX/page" -D "$PREFIX/hdr" \
    -w '%{http_code}' -H "Origin: $BASE" -H "Sec-Fetch-Site: same-origin" \
    -F "csrf=$ACSRF" -F "to=bob" -F "subject=with a file" \
    -F "body=see the file" -F "unlock_at=" -F "tz_offset=" \
    -F "expires_in=86400" \
    -F "file=@$PREFIX/up.bin;filename=\"<script>x()</script>&'q'.bin\"" \
    "$BASE/messages")
check "alice posts the compose form with a file: 303 ($code)" [ "$code" = 303 ]
FID=$(hdr_get "$PREFIX/hdr" location | sed -n 's|^/messages/\([A-Za-z0-9_-]*\)$|\1|p')
check "... to the new message's page" [ -n "$FID" ]
code=$(JAR=bob form_get "/messages/$FID")
check "bob's page of it: 200 ($code)" [ "$code" = 200 ]
check "... the file's name escaped, never raw" sh -c \
    "grep -qF '&lt;script&gt;x()&lt;/script&gt;&amp;&#39;q&#39;.bin' '$PREFIX/page' && ! grep -q '<script>x' '$PREFIX/page'"
check "... its download link" page_has "href=\"/messages/$FID/files/0\""
code=$(JAR=bob form_get "/messages/$FID/files/0")
check "bob downloads it: 200, the bytes sent ($code)" sh -c \
    "[ $code = 200 ] && cmp -s '$PREFIX/page' '$PREFIX/up.bin'"
code=$(JAR=carol form_get "/messages/$FID/files/0")
check "carol on that file: 404 ($code)" [ "$code" = 404 ]
code=$(JAR=bob form_get /messages)
check "bob's inbox counts the file" page_has '1 attached'

# -- a compose form that fails: the form again, as typed, the reason by its field
JAR=alice form_get /compose > /dev/null
ACSRF=$(csrf_of "$PREFIX/page")
FMARK="filemark$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')"
printf '%s' "$FMARK" > "$PREFIX/secret.bin"
JAR=bob form_get /messages > /dev/null
nrows=$(rows)
compose_post() {	# compose_post [curl -F args...]: alice's form
	JAR=alice form_post /messages -F "csrf=$ACSRF" "$@"
}
code=$(compose_post -F "to=bob, nosuchuser" -F "subject=keep <this> & that" \
    -F "body=line one
line <b>two</b> & more" -F "unlock_at=2030-01-02T03:04" -F "tz_offset=60" \
    -F "expires_in=86400" -F "delete_after_read=1" \
    -F "file=@$PREFIX/secret.bin;filename=$FMARK.bin")
check "a compose form to an unknown name: 422, the form again ($code)" \
    sh -c "[ $code = 422 ] && grep -qF 'action=\"/messages\" enctype=\"multipart/form-data\"' '$PREFIX/page'"
check "... the top says it was not sent" page_has 'role="alert">The message was not sent'
check "... the reason beside \"To\", naming the name" sh -c \
    "grep -q 'id=\"to-error\" role=\"alert\">.*nosuchuser' '$PREFIX/page' && grep -qF 'aria-invalid=\"true\"' '$PREFIX/page'"
check "... the recipients as typed" page_has 'name="to" type="text" value="bob, nosuchuser"'
check "... the subject as typed, escaped" page_has 'value="keep &lt;this&gt; &amp; that"'
check "... the body as typed, escaped" sh -c \
    "grep -qF 'line one' '$PREFIX/page' && grep -qF 'line &lt;b&gt;two&lt;/b&gt; &amp; more</textarea>' '$PREFIX/page'"
check "... the unlock time as typed" page_has 'value="2030-01-02T03:04"'
check "... the expiry chosen (1 day)" page_has '<option value="86400" selected>1 day'
check "... delete after the first read still ticked" page_has 'value="1" checked>'
check "... never the file, nor its name" sh -c "! grep -q '$FMARK' '$PREFIX/page'"
check "... saying files must be chosen again" page_has 'choose them again'
check "... and a form token that is the session's" [ "$(csrf_of "$PREFIX/page")" = "$ACSRF" ]
code=$(compose_post -F "to=bob" -F "body=when?" -F "unlock_at=tomorrow")
check "an unlock time that is none: 400, the form again ($code)" \
    sh -c "[ $code = 400 ] && grep -q 'id=\"unlock-error\" role=\"alert\">Unlock time' '$PREFIX/page'"
check "... with it as typed, and the rest" sh -c \
    "grep -qF 'value=\"tomorrow\"' '$PREFIX/page' && grep -qF 'when?</textarea>' '$PREFIX/page' && grep -qF 'value=\"bob\"' '$PREFIX/page'"
code=$(compose_post -F "to=bob" -F "body=x" -F "expires_in=-5")
check "an expiry that is none: 400, the reason beside it ($code)" \
    sh -c "[ $code = 400 ] && grep -q 'id=\"expires-error\" role=\"alert\">Expiry' '$PREFIX/page'"
check "... the default expiry offered again" page_has '<option value="604800" selected>7 days'
code=$(compose_post -F "to=bob" --form-string "body=<script>alert(1)</script>" -F "to=carol")
check "\"to\" given twice: 400, the form again ($code)" \
    sh -c "[ $code = 400 ] && grep -q 'id=\"to-error\"' '$PREFIX/page' && grep -qF '&lt;script&gt;alert(1)&lt;/script&gt;</textarea>' '$PREFIX/page' && ! grep -q '<script>alert' '$PREFIX/page'"
code=$(JAR=alice form_post /messages -F "csrf=x$ACSRF" -F "to=bob" -F "body=forged")
check "a wrong form token: 403, the error page, nothing of the form ($code)" \
    sh -c "[ $code = 403 ] && ! grep -q forged '$PREFIX/page'"
JAR=bob form_get /messages > /dev/null
check "... none of these reached bob" [ "$(rows)" = "$nrows" ]

# -- delete
JAR=bob form_get "/messages/$HID" > /dev/null
CSRF=$(csrf_of "$PREFIX/page")
code=$(JAR=bob form_post "/messages/$HID/delete" -d x=1)
check "delete without csrf: 403 ($code)" [ "$code" = 403 ]
code=$(JAR=bob form_post "/messages/$HID/delete" --data-urlencode "csrf=${CSRF}x")
check "... with a wrong csrf: 403 ($code)" [ "$code" = 403 ]
code=$(curl -sk -m 20 -b "$PREFIX/bob" -o "$PREFIX/page" -w '%{http_code}' \
    -H "Origin: https://evil.example" -H "Sec-Fetch-Site: cross-site" \
    --data-urlencode "csrf=$CSRF" "$BASE/messages/$HID/delete")
check "... from another site, csrf and all: 403 ($code)" [ "$code" = 403 ]
code=$(JAR=bob form_get "/messages/$HID")
check "... and the message is still there ($code)" [ "$code" = 200 ]
code=$(JAR=carol form_get /messages)
CCSRF=$(csrf_of "$PREFIX/page")
code=$(JAR=carol form_post "/messages/$HID/delete" --data-urlencode "csrf=$CCSRF")
check "carol deletes bob's message: 404 ($code)" [ "$code" = 404 ]
code=$(JAR=bob form_post "/messages/$HID/delete" --data-urlencode "csrf=$CSRF")
check "bob deletes it: 303 ($code)" [ "$code" = 303 ]
check "... to /messages" redirects_to /messages
code=$(JAR=bob form_get "/messages/$HID")
check "... then its page is 404 ($code)" [ "$code" = 404 ]
code=$(JAR=alice form_get "/messages/$HID")
check "... and alice keeps her copy ($code)" [ "$code" = 200 ]

# -- the script and the navigation
code=$(JAR=bob form_get /static/smsg.js)
check "/static/smsg.js: 200 ($code)" [ "$code" = 200 ]
ct=$(hdr_get "$PREFIX/hdr" content-type)
check "... as JavaScript ($ct)" [ "$ct" = "text/javascript; charset=utf-8" ]
check "... with the live events and the upload progress" sh -c \
    "grep -q 'EventSource' '$PREFIX/page' && grep -q 'upload.onprogress' '$PREFIX/page'"
code=$(JAR=bob form_get /home)
for l in /messages /messages/sent /compose /contacts; do
	check "the home page and header link to $l" page_has "href=\"$l\""
done

done_testing
