/*
 * lib/msgcrypt.c, lib/msgsign.c: the chunk stream (round trip and every
 * way of tampering with it), key wrap, header signature, fingerprints,
 * safety numbers and message ids.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "msgcrypt.h"
#include "tap.h"

#define NCHUNKS	3
#define LASTLEN	1000

static uint8_t	 ckey[MC_KEYLEN], id[MC_IDLEN];
static uint64_t	 unlock = 1796115600;
static uint8_t	*plain;			/* NCHUNKS-1 full chunks and a tail */
static uint8_t	 sealed[NCHUNKS][MC_SEALED_MAX];
static size_t	 sealedlen[NCHUNKS];

static size_t
plainlen(int i)
{
	return i == NCHUNKS - 1 ? LASTLEN : MC_CHUNK;
}

static void
seal_all(void)
{
	struct mc_stream	 s;
	int			 i, ok = 1;

	ok = mc_stream_init(&s, ckey, id, unlock, 1) == 0;
	for (i = 0; i < NCHUNKS; i++)
		ok = ok && mc_stream_seal(&s, plain + i * MC_CHUNK,
		    plainlen(i), i == NCHUNKS - 1, sealed[i],
		    &sealedlen[i]) == 0;
	tap_ok(ok && mc_stream_finished(&s) &&
	    sealedlen[0] == MC_CHUNK + MC_TAGLEN &&
	    sealedlen[NCHUNKS - 1] == LASTLEN + MC_TAGLEN,
	    "seal a stream of %d chunks", NCHUNKS);
	mc_stream_clear(&s);
}

/*
 * Open the chunks in the order given (n of them, the last one flagged
 * as last) under the given key, id, unlock time and stream.  1 when the
 * whole stream opens and matches the plaintext.
 */
static int
open_order(const int *order, int n, const uint8_t *key, const uint8_t *mid,
    uint64_t ul, uint32_t stream, const uint8_t (*chunks)[MC_SEALED_MAX])
{
	struct mc_stream	 s;
	static uint8_t		 out[MC_CHUNK];
	size_t			 len;
	int			 i, ok;

	if (mc_stream_init(&s, key, mid, ul, stream) == -1)
		return 0;
	for (i = 0; i < n; i++) {
		ok = mc_stream_open(&s, chunks[order[i]],
		    sealedlen[order[i]], i == n - 1, out, &len) == 0 &&
		    len == plainlen(order[i]) &&
		    memcmp(out, plain + order[i] * MC_CHUNK, len) == 0;
		if (!ok) {
			mc_stream_clear(&s);
			return 0;
		}
	}
	ok = mc_stream_finished(&s);
	mc_stream_clear(&s);
	return ok;
}

static void
test_stream(void)
{
	static uint8_t	 copy[NCHUNKS][MC_SEALED_MAX];
	const int	 inorder[] = { 0, 1, 2 }, swapped[] = { 1, 0, 2 };
	const int	 dropped[] = { 0, 2 }, duplicated[] = { 0, 0, 1, 2 };
	const int	 truncated[] = { 0, 1 }, lastfirst[] = { 2 };
	uint8_t		 other[MC_KEYLEN], otherid[MC_IDLEN];
	struct mc_stream s;
	size_t		 len;
	uint8_t		 out[MC_SEALED_MAX];

	seal_all();
	tap_ok(open_order(inorder, 3, ckey, id, unlock, 1, sealed),
	    "round trip");
	tap_ok(!open_order(swapped, 3, ckey, id, unlock, 1, sealed),
	    "reordered chunks fail");
	tap_ok(!open_order(dropped, 2, ckey, id, unlock, 1, sealed),
	    "a dropped chunk fails");
	tap_ok(!open_order(duplicated, 4, ckey, id, unlock, 1, sealed),
	    "a duplicated chunk fails");
	tap_ok(!open_order(truncated, 2, ckey, id, unlock, 1, sealed),
	    "a stream truncated after a full chunk fails");
	tap_ok(!open_order(lastfirst, 1, ckey, id, unlock, 1, sealed),
	    "the last chunk alone fails");
	memcpy(copy, sealed, sizeof(copy));
	copy[1][100] ^= 0x01;
	tap_ok(!open_order(inorder, 3, ckey, id, unlock, 1,
	    (const uint8_t (*)[MC_SEALED_MAX])copy),
	    "an altered ciphertext byte fails");
	memcpy(copy, sealed, sizeof(copy));
	copy[2][sealedlen[2] - 1] ^= 0x80;
	tap_ok(!open_order(inorder, 3, ckey, id, unlock, 1,
	    (const uint8_t (*)[MC_SEALED_MAX])copy),
	    "an altered tag fails");
	memcpy(other, ckey, sizeof(other));
	other[0] ^= 1;
	tap_ok(!open_order(inorder, 3, other, id, unlock, 1, sealed),
	    "a wrong content key fails");
	memcpy(otherid, id, sizeof(otherid));
	otherid[15] ^= 1;
	tap_ok(!open_order(inorder, 3, ckey, otherid, unlock, 1, sealed),
	    "a changed message id fails");
	tap_ok(!open_order(inorder, 3, ckey, id, unlock + 1, 1, sealed),
	    "a changed unlock time fails");
	tap_ok(!open_order(inorder, 3, ckey, id, 0, 1, sealed),
	    "an unlock time removed fails");
	tap_ok(!open_order(inorder, 3, ckey, id, unlock, 2, sealed),
	    "a chunk moved to another stream fails");

	mc_stream_init(&s, ckey, id, unlock, 1);
	tap_ok(mc_stream_seal(&s, plain, 10, 0, out, &len) == -1,
	    "a short chunk that is not the last is refused");
	tap_ok(mc_stream_seal(&s, plain, 10, 1, out, &len) == -1,
	    "a failed stream stays failed");
	mc_stream_clear(&s);
	mc_stream_init(&s, ckey, id, unlock, 3);
	tap_ok(mc_stream_seal(&s, plain, 0, 1, out, &len) == 0 &&
	    len == MC_TAGLEN && mc_stream_seal(&s, plain, 0, 1, out,
	    &len) == -1, "an empty stream seals once and then refuses");
	mc_stream_clear(&s);
	tap_ok(s.key[0] == 0 && s.key[31] == 0, "clear zeroes the key");
}

static void
test_wrap(void)
{
	EVP_PKEY	*k;
	uint8_t		 priv[MC_KEYLEN], pub[MC_KEYLEN], priv2[MC_KEYLEN];
	uint8_t		 w[MC_WRAPLEN], w2[MC_WRAPLEN], got[MC_KEYLEN];
	uint8_t		 otherid[MC_IDLEN];
	size_t		 len = MC_KEYLEN;

	k = EVP_PKEY_Q_keygen(NULL, NULL, "X25519");
	EVP_PKEY_get_raw_private_key(k, priv, &len);
	EVP_PKEY_get_raw_public_key(k, pub, &len);
	EVP_PKEY_free(k);
	msgcrypt_random(priv2, sizeof(priv2));
	tap_ok(mc_wrap(ckey, pub, id, 7, unlock, w) == 0, "wrap");
	tap_ok(mc_unwrap(w, priv, id, 7, unlock, got) == 0 &&
	    memcmp(got, ckey, MC_KEYLEN) == 0, "unwrap gives the content key");
	mc_wrap(ckey, pub, id, 7, unlock, w2);
	tap_ok(memcmp(w, w2, MC_WRAPLEN) != 0,
	    "two wraps differ (fresh ephemeral key)");
	tap_ok(mc_unwrap(w, priv2, id, 7, unlock, got) == -1 &&
	    got[0] == 0 && got[31] == 0, "another private key fails");
	tap_ok(mc_unwrap(w, priv, id, 8, unlock, got) == -1,
	    "another recipient fails");
	tap_ok(mc_unwrap(w, priv, id, 7, unlock - 1, got) == -1,
	    "a changed unlock time fails");
	memcpy(otherid, id, sizeof(otherid));
	otherid[0] ^= 0x40;
	tap_ok(mc_unwrap(w, priv, otherid, 7, unlock, got) == -1,
	    "another message id fails");
	memcpy(w2, w, sizeof(w2));
	w2[MC_KEYLEN + 3] ^= 1;
	tap_ok(mc_unwrap(w2, priv, id, 7, unlock, got) == -1,
	    "an altered wrapped key fails");
	memcpy(w2, w, sizeof(w2));
	w2[0] ^= 1;
	tap_ok(mc_unwrap(w2, priv, id, 7, unlock, got) == -1,
	    "an altered ephemeral key fails");
	memset(w2, 0, sizeof(w2));
	tap_ok(mc_unwrap(w2, priv, id, 7, unlock, got) == -1,
	    "a zero (low-order) ephemeral key fails");
	explicit_bzero(priv, sizeof(priv));
}

static void
test_sign(void)
{
	EVP_PKEY		*k;
	uint8_t			 priv[MC_KEYLEN], pub[MC_KEYLEN];
	uint8_t			 sig[MC_SIGLEN], enc[4096];
	struct mc_header	 h, c;
	size_t			 len = MC_KEYLEN, elen;

	k = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	EVP_PKEY_get_raw_private_key(k, priv, &len);
	EVP_PKEY_get_raw_public_key(k, pub, &len);
	EVP_PKEY_free(k);
	memset(&h, 0, sizeof(h));
	memcpy(h.id, id, MC_IDLEN);
	h.sender = 1;
	h.nrcpt = 2;
	h.rcpt[0] = 2;
	h.rcpt[1] = 3;
	h.created = 1790000000;
	h.unlock = unlock;
	h.expires = 1800000000;
	h.nstreams = 3;
	h.sizes[0] = 40;
	h.sizes[1] = 1016;
	h.sizes[2] = 70000;
	h.flags = MC_F_DELETE_AFTER_READ;
	memset(h.digest, 0xab, MC_DIGESTLEN);
	tap_ok(mc_sign(&h, priv, sig) == 0, "sign a header");
	tap_ok(mc_verify(&h, pub, sig) == 0, "its signature verifies");
#define CHANGED(field, what) do {					\
	c = h; c.field; 						\
	tap_ok(mc_verify(&c, pub, sig) == -1,				\
	    "signature over a changed " what " fails");			\
} while (0)
	CHANGED(id[3] ^= 1, "id");
	CHANGED(sender = 9, "sender");
	CHANGED(rcpt[1] = 4, "recipient");
	CHANGED(nrcpt = 1, "recipient list");
	CHANGED(created++, "creation time");
	CHANGED(unlock = 0, "unlock time");
	CHANGED(expires++, "expiry");
	CHANGED(sizes[2]--, "size");
	CHANGED(nstreams = 2, "stream count");
	CHANGED(flags = 0, "flag");
	CHANGED(digest[31] ^= 1, "ciphertext digest");
#undef CHANGED
	sig[0] ^= 1;
	tap_ok(mc_verify(&h, pub, sig) == -1, "an altered signature fails");
	sig[0] ^= 1;
	pub[0] ^= 1;
	tap_ok(mc_verify(&h, pub, sig) == -1, "another key fails");
	c = h;
	c.nrcpt = MC_RCPT_MAX + 1;
	tap_ok(mc_header_encode(&c, enc, sizeof(enc), &elen) == -1 &&
	    mc_sign(&c, priv, sig) == -1, "too many recipients is refused");
	tap_ok(mc_header_encode(&h, enc, 20, &elen) == -1,
	    "a short buffer is refused");
	explicit_bzero(priv, sizeof(priv));
}

static void
test_digest(void)
{
	struct mc_digest	*d;
	uint8_t			 a[MC_DIGESTLEN], b[MC_DIGESTLEN];

	d = mc_digest_new();
	mc_digest_chunk(d, 0, 0, sealed[0], sealedlen[0]);
	mc_digest_chunk(d, 0, 1, sealed[1], sealedlen[1]);
	tap_ok(mc_digest_final(d, a) == 0, "digest of two chunks");
	mc_digest_free(d);
	d = mc_digest_new();
	mc_digest_chunk(d, 0, 0, sealed[1], sealedlen[1]);
	mc_digest_chunk(d, 0, 1, sealed[0], sealedlen[0]);
	mc_digest_final(d, b);
	mc_digest_free(d);
	tap_ok(memcmp(a, b, MC_DIGESTLEN) != 0, "another order, another digest");
}

static void
test_ids_and_numbers(void)
{
	uint8_t	 a[MC_IDLEN], b[MC_IDLEN], xa[32], ea[32], xb[32], eb[32];
	char	 t[MC_IDTEXTLEN], bad[MC_IDTEXTLEN + 1], fp[MC_FPTEXTLEN];
	char	 s1[MC_SAFETYLEN], s2[MC_SAFETYLEN], s3[MC_SAFETYLEN];
	size_t	 i;
	int	 ok;

	msgid_new(a);
	msgid_text(a, t);
	tap_ok(strlen(t) == 22 && strspn(t, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789-_") == 22,
	    "a message id is 22 URL-safe characters");
	tap_ok(msgid_parse(t, b) == 0 && memcmp(a, b, MC_IDLEN) == 0,
	    "an id's text parses back");
	msgid_new(b);
	tap_ok(memcmp(a, b, MC_IDLEN) != 0, "two ids differ");
	strlcpy(bad, t, sizeof(bad));
	bad[5] = '/';
	tap_ok(msgid_parse(bad, b) == -1, "a foreign character is refused");
	strlcpy(bad, t, sizeof(bad));
	bad[21] = 'B';		/* padding bits set */
	tap_ok(msgid_parse(bad, b) == -1, "a non-canonical id is refused");
	tap_ok(msgid_parse("abc", b) == -1, "a short id is refused");
	snprintf(bad, sizeof(bad), "%sA", t);
	tap_ok(msgid_parse(bad, b) == -1, "a long id is refused");

	msgcrypt_random(xa, 32);
	msgcrypt_random(ea, 32);
	msgcrypt_random(xb, 32);
	msgcrypt_random(eb, 32);
	tap_ok(mc_fingerprint(xa, ea, fp) == 0 && strlen(fp) == 64,
	    "a fingerprint is 64 hex digits");
	tap_ok(mc_safety_number("alice", xa, ea, "bob", xb, eb, s1) == 0 &&
	    mc_safety_number("bob", xb, eb, "alice", xa, ea, s2) == 0 &&
	    strcmp(s1, s2) == 0, "the safety number is the same both sides");
	for (ok = strlen(s1) == 71, i = 0; ok && i < 71; i++)
		ok = (i % 6 == 5) ? s1[i] == ' ' : (s1[i] >= '0' &&
		    s1[i] <= '9');
	tap_ok(ok, "twelve groups of five digits: %s", s1);
	eb[0] ^= 1;
	mc_safety_number("alice", xa, ea, "bob", xb, eb, s3);
	tap_ok(strcmp(s1, s3) != 0, "a changed key changes the number");
}

int
main(void)
{
	(void)tap_skip;		/* tap.h helpers this test has no use for */
	(void)tap_diag;
	tap_ok(msgcrypt_init() == 0, "init");
	if ((plain = malloc(NCHUNKS * MC_CHUNK)) == NULL)
		return 1;
	msgcrypt_random(plain, NCHUNKS * MC_CHUNK);
	msgcrypt_random(ckey, sizeof(ckey));
	msgid_new(id);
	test_stream();
	test_wrap();
	test_sign();
	test_digest();
	test_ids_and_numbers();
	free(plain);
	return tap_done();
}
