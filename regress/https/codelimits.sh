#!/bin/sh
# Wrong second-factor codes are failed sign-ins, under the same limits as
# wrong passwords: five from one address (with the right password) make
# that address wait, 429, even with a right code, while another address
# signs in with that same code.  A right password waiting for its code is
# no failure at all.
H_LOCKOUT_THRESHOLD=5
. "$top_srcdir/regress/https/lib_https.sh"
command -v oathtool >/dev/null 2>&1 || skip_all "oathtool missing (apt-get install oathtool)"
https_start

PW='harbour violet signal 58 compass'
check "register erin" register_api erin "$PW"
login_api erin "$PW"
check "erin signs in ($CODE)" [ "$CODE" = 200 ]
check "POST totp" [ "$(api POST totp)" = 200 ]
SECRET=$(json_get "$PREFIX/body" secret)
OTP=$(oathtool --totp -b "$SECRET")
code=$(api POST totp/confirm "{\"otp\": \"$OTP\", \"password\": \"$PW\"}")
check "2FA on ($code)" [ "$code" = 200 ]
RCODE=$(python3 -c 'import json, sys
print(json.load(open(sys.argv[1]))["recovery_codes"][0])' "$PREFIX/body")
check "... a recovery code to sign in with" [ -n "$RCODE" ]
TOKEN=

asked=0
i=1
while [ $i -le 7 ]; do
	FROM=127.0.0.5 login_api erin "$PW"
	json_is "$PREFIX/body" error otp_required && asked=$((asked + 1))
	i=$((i + 1))
done
check "7 right passwords without a code: otp_required each ($asked)" \
    [ "$asked" -eq 7 ]
codes=""
i=1
while [ $i -le 5 ]; do
	FROM=127.0.0.5 login_api erin "$PW" 000000
	codes="$codes $CODE"
	i=$((i + 1))
done
check "5 wrong codes with the right password: 401 each" \
    [ "$(echo $codes)" = "401 401 401 401 401" ]
FROM=127.0.0.5 login_api erin "$PW" "$RCODE"
check "then 127.0.0.5 waits, even with a right code: 429 ($CODE)" \
    [ "$CODE" = 429 ]
FROM=127.0.0.6 login_api erin "$PW" "$RCODE"
check "127.0.0.6 signs in with that code, unused ($CODE)" [ "$CODE" = 200 ]
done_testing
