/*
 * Stored keys and signatures stay readable: content keys wrapped and a
 * header signed by the code as it was before keys were parsed once and
 * one ephemeral key served every reader (msgcompat_fixtures.h, made
 * with fixed private keys) open and verify with today's code, which
 * signs the same header to the same bytes; and what today's code wraps
 * for several readers opens for each of them alone, as the read path
 * opens any wrap.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>

#include "msgcrypt.h"
#include "tap.h"

#include "msgcompat_fixtures.h"

#define UNLOCK	1767225600ULL

static uint8_t	 xpriv[2][MC_KEYLEN], xpub[2][MC_KEYLEN];
static uint8_t	 edpriv[MC_KEYLEN], ckey[MC_KEYLEN], id[MC_IDLEN];
static uint32_t	 uid[2] = { 1000, 1001 };

static void
unhex(const char *s, uint8_t *out, size_t n)
{
	size_t		 i;
	unsigned int	 v;

	for (i = 0; i < n; i++) {
		sscanf(s + 2 * i, "%2x", &v);
		out[i] = (uint8_t)v;
	}
}

/* The inputs the fixtures were made from. */
static void
inputs(struct mc_header *h)
{
	EVP_PKEY	*k;
	size_t		 len;
	int		 i, j;

	for (i = 0; i < 2; i++) {
		for (j = 0; j < MC_KEYLEN; j++)
			xpriv[i][j] = (uint8_t)(17 * j + 101 * i + 3);
		k = EVP_PKEY_new_raw_private_key_ex(NULL, "X25519", NULL,
		    xpriv[i], MC_KEYLEN);
		len = MC_KEYLEN;
		EVP_PKEY_get_raw_public_key(k, xpub[i], &len);
		EVP_PKEY_free(k);
	}
	for (j = 0; j < MC_KEYLEN; j++) {
		edpriv[j] = (uint8_t)(29 * j + 7);
		ckey[j] = (uint8_t)(0xa0 ^ j);
	}
	for (j = 0; j < MC_IDLEN; j++)
		id[j] = (uint8_t)(0x40 + j);
	memset(h, 0, sizeof(*h));
	memcpy(h->id, id, MC_IDLEN);
	h->sender = uid[0];
	h->nrcpt = 1;
	h->rcpt[0] = uid[1];
	h->created = 1764115200ULL;
	h->unlock = UNLOCK;
	h->expires = 1795651200ULL;
	h->nstreams = 2;
	h->sizes[0] = 23;
	h->sizes[1] = 1040;
	for (j = 0; j < MC_DIGESTLEN; j++)
		h->digest[j] = (uint8_t)(j * 5);
}

/* 1 when w opens to ckey for reader i, by raw key and by parsed key. */
static int
opens(const uint8_t *w, int i)
{
	struct mc_key	*k;
	uint8_t		 out[MC_KEYLEN], out2[MC_KEYLEN];
	int		 ok;

	k = mc_key_new(MC_KEY_X25519, xpriv[i]);
	ok = k != NULL &&
	    mc_unwrap(w, xpriv[i], id, uid[i], UNLOCK, out) == 0 &&
	    mc_unwrap_key(w, k, id, uid[i], UNLOCK, out2) == 0 &&
	    memcmp(out, ckey, MC_KEYLEN) == 0 &&
	    memcmp(out2, ckey, MC_KEYLEN) == 0;
	mc_key_free(k);
	return ok;
}

static void
test_old_data(const struct mc_header *h)
{
	struct mc_key	*k;
	uint8_t		 ws[MC_WRAPLEN], wr[MC_WRAPLEN], sig[MC_SIGLEN];
	uint8_t		 edpub[MC_KEYLEN], out[MC_SIGLEN], out2[MC_SIGLEN];

	unhex(fx_wrap_sender, ws, sizeof(ws));
	unhex(fx_wrap_rcpt, wr, sizeof(wr));
	unhex(fx_sig, sig, sizeof(sig));
	unhex(fx_edpub, edpub, sizeof(edpub));
	tap_ok(opens(ws, 0), "an old wrap for the sender opens");
	tap_ok(opens(wr, 1), "an old wrap for the recipient opens");
	tap_ok(mc_unwrap(wr, xpriv[0], id, uid[0], UNLOCK, out) == -1 &&
	    mc_unwrap(wr, xpriv[1], id, uid[0], UNLOCK, out) == -1,
	    "... for nobody else, nor under another uid");
	tap_ok(mc_verify(h, edpub, sig) == 0, "an old signature verifies");
	k = mc_key_new(MC_KEY_ED25519, edpriv);
	tap_ok(mc_sign(h, edpriv, out) == 0 && k != NULL &&
	    mc_sign_key(h, k, out2) == 0 &&
	    memcmp(out, sig, MC_SIGLEN) == 0 &&
	    memcmp(out2, sig, MC_SIGLEN) == 0,
	    "today's signatures, raw key and parsed, are the old bytes");
	mc_key_free(k);
}

static void
test_new_wraps(void)
{
	uint8_t		 w[2][MC_WRAPLEN], out[MC_KEYLEN];

	tap_ok(mc_wrap_all(ckey, 2, (const uint8_t (*)[MC_KEYLEN])xpub, id,
	    uid, UNLOCK, w) == 0, "one ephemeral key wraps for two");
	tap_ok(memcmp(w[0], w[1], MC_KEYLEN) == 0, "... both carry it");
	tap_ok(opens(w[0], 0) && opens(w[1], 1), "... each opens for its "
	    "reader as a wrap made alone");
	tap_ok(mc_unwrap(w[1], xpriv[0], id, uid[0], UNLOCK, out) == -1 &&
	    mc_unwrap(w[0], xpriv[1], id, uid[1], UNLOCK, out) == -1 &&
	    mc_unwrap(w[0], xpriv[0], id, uid[0], UNLOCK + 1, out) == -1,
	    "... not for the other reader, nor with another unlock time");
	tap_ok(mc_wrap(ckey, xpub[1], id, uid[1], UNLOCK, w[0]) == 0 &&
	    opens(w[0], 1), "one reader's wrap alone opens too");
}

static void
test_key_kinds(const struct mc_header *h)
{
	struct mc_key	*x, *ed;
	uint8_t		 sig[MC_SIGLEN], w[MC_WRAPLEN], out[MC_KEYLEN];

	x = mc_key_new(MC_KEY_X25519, xpriv[0]);
	ed = mc_key_new(MC_KEY_ED25519, edpriv);
	tap_ok(mc_key_new(3, edpriv) == NULL, "an unknown kind of key: none");
	tap_ok(mc_sign_key(h, x, sig) == -1 && mc_sign_key(h, NULL, sig) ==
	    -1, "an X25519 key or none does not sign");
	mc_wrap(ckey, xpub[0], id, uid[0], UNLOCK, w);
	tap_ok(mc_unwrap_key(w, ed, id, uid[0], UNLOCK, out) == -1,
	    "an Ed25519 key does not unwrap");
	mc_key_free(x);
	mc_key_free(ed);
	mc_key_free(NULL);
}

int
main(void)
{
	struct mc_header	 h;

	(void)tap_skip;
	(void)tap_diag;
	tap_ok(msgcrypt_init() == 0, "init");
	inputs(&h);
	test_old_data(&h);
	test_new_wraps();
	test_key_kinds(&h);
	return tap_done();
}
