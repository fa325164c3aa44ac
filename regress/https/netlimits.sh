#!/bin/sh
# Client networks (limits.ipv4_prefix 24 here, as IPv6 /64 by default):
# every address of 127.0.5.0/24 is one client for auth's sign-in limits
# (ratelimit.sh shows the same for the front's rates); and a right
# password from a network forgets only the failures against that
# account, so an attacker with an account of their own cannot wipe their
# record.  After 10 failures a network waits 10 s, far longer than the
# next request takes.
H_LOCKOUT_THRESHOLD=20
EXTRA_CONF='limits: { ipv4_prefix = 24; ipv6_prefix = 64; };'
. "$top_srcdir/regress/https/lib_https.sh"
https_start

PW='saffron glacier pylon 63 meadow'
check "register victim" register_api victim "$PW"
check "register mallory" register_api mallory "$PW"

# Ten failures from ten addresses of one /24, against ten names.
codes=""
i=1
while [ $i -le 10 ]; do
	FROM=127.0.5.$i login_api "nobody$i" "wrong password $i"
	codes="$codes $CODE"
	i=$((i + 1))
done
check "10 failures from 127.0.5.1-10: all evaluated (401)" \
    [ "$(echo $codes | tr ' ' '\n' | sort -u)" = 401 ]
FROM=127.0.5.99 login_api victim "$PW"
check "then 127.0.5.99, one network with them, waits in auth: 429 ($CODE)" \
    [ "$CODE" = 429 ]
check "... for its network" grep -q 'failed sign-ins from your network' \
    "$PREFIX/body"
check "an unknown name does a known one's database work before hashing" \
    wait_for 10 log_has "sign-in for nobody1 from 127.0.5.1: attempt recorded"
check "... and after" wait_for 10 log_has \
    "sign-in for nobody1 from 127.0.5.1: failure recorded after hashing"
FROM=127.0.7.1 login_api victim "$PW"
check "127.0.7.1, another network, signs in ($CODE)" [ "$CODE" = 200 ]
# 127.0.6.0/24: 8 failures against victim, then mallory's own right
# password, then 2 more: the network's count was not wiped.
i=1
while [ $i -le 8 ]; do
	FROM=127.0.6.$i login_api victim "guess $i"
	i=$((i + 1))
done
FROM=127.0.6.50 login_api mallory "$PW"
check "mallory signs in to her own account from the /24 ($CODE)" \
    [ "$CODE" = 200 ]
FROM=127.0.6.9 login_api victim "guess 9"
FROM=127.0.6.10 login_api victim "guess 10"
check "... the 10th failure is still counted ($CODE)" [ "$CODE" = 401 ]
FROM=127.0.6.11 login_api victim "guess 11"
check "the 11th guess waits: her success wiped nothing ($CODE)" \
    [ "$CODE" = 429 ]
done_testing
