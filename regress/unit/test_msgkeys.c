/*
 * smsg-auth/msgunwrap.c: what auth checks before a content key leaves
 * it.  A locked message is refused by auth on its own, whatever the
 * store did; a header changed to dodge the lock fails the signature.
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "keywrap.h"
#include "msgcrypt.h"
#include "msgunwrap.h"
#include "proto.h"
#include "tap.h"

#define ALICE	11
#define BOB	12
#define CAROL	13
#define UNLOCK	1800000000ULL

static int
zero(const uint8_t *p, size_t n)
{
	while (n-- > 0)
		if (*p++ != 0)
			return 0;
	return 1;
}

int
main(void)
{
	struct userkeys		 alice, bob, carol;
	struct mc_header	 h, c;
	uint8_t			 ckey[MC_KEYLEN], got[MC_KEYLEN];
	uint8_t			 sig[MC_SIGLEN], w_bob[MC_WRAPLEN];
	uint8_t			 w_alice[MC_WRAPLEN];

	(void)tap_skip;		/* tap.h helpers this test has no use for */
	(void)tap_diag;
	tap_ok(msgcrypt_init() == 0 && keywrap_init() == 0 &&
	    userkeys_generate(&alice) == 0 && userkeys_generate(&bob) == 0 &&
	    userkeys_generate(&carol) == 0, "keys for alice, bob, carol");
	msgcrypt_random(ckey, sizeof(ckey));
	memset(&h, 0, sizeof(h));
	msgid_new(h.id);
	h.sender = ALICE;
	h.nrcpt = 1;
	h.rcpt[0] = BOB;
	h.created = UNLOCK - 100;
	h.unlock = UNLOCK;
	h.expires = UNLOCK + 86400;
	h.nstreams = 2;
	h.sizes[0] = 30;
	h.sizes[1] = 300;
	memset(h.digest, 0x42, MC_DIGESTLEN);
	tap_ok(mc_sign(&h, alice.ed25519_priv, sig) == 0 &&
	    mc_wrap(ckey, bob.x25519_pub, h.id, BOB, UNLOCK, w_bob) == 0 &&
	    mc_wrap(ckey, alice.x25519_pub, h.id, ALICE, UNLOCK,
	    w_alice) == 0, "alice signs and wraps for bob and herself");

	memset(got, 0xee, sizeof(got));
	tap_ok(msgkeys_unwrap(&bob, BOB, &h, sig, alice.ed25519_pub, w_bob,
	    UNLOCK - 1, got) == AUTH_E_TIMELOCK && zero(got, MC_KEYLEN),
	    "one second before the unlock time: refused, no key");
	tap_ok(msgkeys_unwrap(&alice, ALICE, &h, sig, alice.ed25519_pub,
	    w_alice, UNLOCK - 1, got) == AUTH_E_TIMELOCK,
	    "refused to the sender as well");
	tap_ok(msgkeys_unwrap(&bob, BOB, &h, sig, alice.ed25519_pub, w_bob,
	    UNLOCK, got) == 0 && memcmp(got, ckey, MC_KEYLEN) == 0,
	    "at the unlock time bob gets the content key");
	tap_ok(msgkeys_unwrap(&alice, ALICE, &h, sig, alice.ed25519_pub,
	    w_alice, UNLOCK, got) == 0 && memcmp(got, ckey, MC_KEYLEN) == 0,
	    "and alice her own copy");

	c = h;
	c.unlock = 0;
	tap_ok(msgkeys_unwrap(&bob, BOB, &c, sig, alice.ed25519_pub, w_bob,
	    UNLOCK - 1, got) == AUTH_E_SIGNATURE && zero(got, MC_KEYLEN),
	    "a header with its lock removed fails the signature");
	c = h;
	c.unlock = UNLOCK - 50;
	tap_ok(msgkeys_unwrap(&bob, BOB, &c, sig, alice.ed25519_pub, w_bob,
	    UNLOCK - 1, got) == AUTH_E_SIGNATURE,
	    "a header with an earlier unlock time fails the signature");
	tap_ok(msgkeys_unwrap(&carol, CAROL, &h, sig, alice.ed25519_pub,
	    w_bob, UNLOCK, got) == AUTH_E_NOTFOUND,
	    "carol, not a reader: not found");
	c = h;
	c.rcpt[0] = CAROL;
	tap_ok(msgkeys_unwrap(&carol, CAROL, &c, sig, alice.ed25519_pub,
	    w_bob, UNLOCK, got) == AUTH_E_SIGNATURE,
	    "carol written into the header: the signature fails");
	tap_ok(msgkeys_unwrap(&bob, BOB, &h, sig, bob.ed25519_pub, w_bob,
	    UNLOCK, got) == AUTH_E_SIGNATURE,
	    "a signature checked against another key fails");
	tap_ok(msgkeys_unwrap(&bob, BOB, &h, sig, alice.ed25519_pub, w_alice,
	    UNLOCK, got) == AUTH_E_SIGNATURE && zero(got, MC_KEYLEN),
	    "alice's wrapped key does not open for bob");
	userkeys_clear(&alice);
	userkeys_clear(&bob);
	userkeys_clear(&carol);
	explicit_bzero(ckey, sizeof(ckey));
	return tap_done();
}
