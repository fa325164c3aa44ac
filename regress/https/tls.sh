#!/bin/sh
# TLS: 1.2 and 1.3 accepted with forward-secret AEAD ciphers; TLS 1.1 and
# 1.0 refused; weak TLS 1.2 ciphers (AES128-SHA, and the CBC-SHA1 suite
# an ECDSA certificate could use) refused.  The client lowers its own
# security level so that any refusal is the server's.
. "$top_srcdir/regress/https/lib_https.sh"
https_start

# negotiated OPTIONS...: the "New, ..." line of an openssl s_client
# handshake; "Cipher is (NONE)" when it failed.
negotiated() {
	echo | timeout 15 openssl s_client -connect "127.0.0.1:$PORT" \
	    -servername localhost "$@" 2>/dev/null | grep '^New, ' | head -1
}

# accepted LINE: a cipher was agreed.
accepted() {
	echo "$1" | grep -q 'Cipher is ' && ! echo "$1" | grep -q '(NONE)'
}

l=$(negotiated -tls1_3)
diag "TLS 1.3: $l"
check "TLS 1.3 is accepted" accepted "$l"
check "... with TLSv1.3" sh -c "echo '$l' | grep -q 'TLSv1.3'"
l=$(negotiated -tls1_2)
diag "TLS 1.2: $l"
check "TLS 1.2 is accepted" accepted "$l"
check "... with an ECDHE AEAD cipher" \
    sh -c "echo '$l' | grep -Eq 'Cipher is ECDHE-.*(GCM|CHACHA20)'"
l=$(negotiated -tls1_1 -cipher 'ALL:@SECLEVEL=0')
diag "TLS 1.1: $l"
check "TLS 1.1 is refused" sh -c "! echo '$l' | grep -q 'Cipher is [A-Z]'"
l=$(negotiated -tls1 -cipher 'ALL:@SECLEVEL=0')
check "TLS 1.0 is refused" sh -c "! echo '$l' | grep -q 'Cipher is [A-Z]'"
for c in AES128-SHA ECDHE-ECDSA-AES128-SHA ECDHE-ECDSA-AES256-SHA DES-CBC3-SHA; do
	l=$(negotiated -tls1_2 -cipher "$c:@SECLEVEL=0")
	check "TLS 1.2 with only $c is refused" \
	    sh -c "! echo '$l' | grep -q 'Cipher is [A-Z]'"
done
code=$(curl -sk -m 10 -o /dev/null -w '%{http_code}' --tlsv1.2 --tls-max 1.2 \
    "$BASE/login")
check "curl over TLS 1.2 gets the login page ($code)" [ "$code" = 200 ]
code=$(curl -sk -m 10 -o /dev/null -w '%{http_code}' --tlsv1.3 "$BASE/login")
check "curl over TLS 1.3 gets the login page ($code)" [ "$code" = 200 ]
subj=$(echo | timeout 15 openssl s_client -connect "127.0.0.1:$PORT" \
    -servername localhost 2>/dev/null | openssl x509 -noout -subject 2>/dev/null)
check "the certificate served is the configured one ($subj)" \
    sh -c "echo '$subj' | grep -q 'CN *= *localhost'"
check "smsgd still serves after the refused handshakes" serving

# A kept-alive connection idle for a while gives its TLS buffers back
# (after a second); its next request must find them again.
out=$(python3 "$top_srcdir/regress/https/idlekeep.py" "$PORT" /login 2.5)
check "a connection idle past its TLS buffers' release serves again ($out)" \
    [ "$out" = "200 200 200 same" ]
done_testing
