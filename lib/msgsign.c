/*
 * Message cryptography, part two: wrapping a content key for a reader,
 * the sender's signature over the header, key fingerprints and safety
 * numbers.  See msgcrypt.h.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "msgcrypt.h"
#include "msgcrypt_int.h"

#define WRAP_LABEL	"smsg wrap v1"		/* with its NUL */
#define HEADER_LABEL	"smsg header v1"
#define FP_LABEL	"smsg key v1"
#define SAFETY_LABEL	"smsg safety v1"
#define SAFETY_ROUNDS	5200	/* as Signal: slows a search for a match */
#define SAFETY_GROUPS	6	/* per person; 5 digits from 5 bytes each */
#define HEADER_ENCMAX	(sizeof(struct mc_header) + 64)

/* A parsed private key, kept by its owner for many operations. */
struct mc_key {
	EVP_PKEY	*pkey;
	int		 kind;
};

/*
 * Parsing a raw private key computes its public half (a scalar
 * multiplication), so a key used again is parsed once.  OpenSSL keeps
 * the private half in memory it cleanses when the key is freed.
 */
struct mc_key *
mc_key_new(int kind, const uint8_t priv[MC_KEYLEN])
{
	struct mc_key	*k;

	if ((kind != MC_KEY_X25519 && kind != MC_KEY_ED25519) ||
	    (k = calloc(1, sizeof(*k))) == NULL)
		return NULL;
	k->kind = kind;
	k->pkey = EVP_PKEY_new_raw_private_key_ex(NULL, kind ==
	    MC_KEY_X25519 ? "X25519" : "ED25519", NULL, priv, MC_KEYLEN);
	if (k->pkey == NULL) {
		free(k);
		return NULL;
	}
	return k;
}

void
mc_key_free(struct mc_key *k)
{
	if (k == NULL)
		return;
	EVP_PKEY_free(k->pkey);
	free(k);
}

/* X25519(k, pub) into shared; -1 on any failure or a zero result. */
static int
x25519(EVP_PKEY *k, const uint8_t pub[MC_KEYLEN], uint8_t shared[MC_KEYLEN])
{
	EVP_PKEY	*peer;
	EVP_PKEY_CTX	*ctx = NULL;
	uint8_t		 zero[MC_KEYLEN] = { 0 };
	size_t		 len = MC_KEYLEN;
	int		 rv = -1;

	peer = EVP_PKEY_new_raw_public_key_ex(NULL, "X25519", NULL, pub,
	    MC_KEYLEN);
	if (peer == NULL ||
	    (ctx = EVP_PKEY_CTX_new_from_pkey(NULL, k, NULL)) == NULL)
		goto done;
	if (EVP_PKEY_derive_init(ctx) == 1 &&
	    EVP_PKEY_derive_set_peer(ctx, peer) == 1 &&
	    EVP_PKEY_derive(ctx, shared, &len) == 1 && len == MC_KEYLEN &&
	    CRYPTO_memcmp(shared, zero, MC_KEYLEN) != 0)
		rv = 0;
 done:
	EVP_PKEY_CTX_free(ctx);
	EVP_PKEY_free(peer);
	if (rv == -1)
		explicit_bzero(shared, MC_KEYLEN);
	return rv;
}

static int
public_half(EVP_PKEY *k, uint8_t pub[MC_KEYLEN])
{
	size_t	 len = MC_KEYLEN;

	if (EVP_PKEY_get_raw_public_key(k, pub, &len) != 1 ||
	    len != MC_KEYLEN)
		return -1;
	return 0;
}

/*
 * The wrapping key: HKDF of the agreement, salted with both public keys;
 * the AEAD's associated data: message id, recipient, unlock time.  The
 * key is used once (the agreement is of a fresh ephemeral key with this
 * recipient's key, and the recipient is in the salt), so the nonce is
 * zero.
 */
static int
wrap_seal(int enc, const uint8_t shared[MC_KEYLEN],
    const uint8_t eph[MC_KEYLEN], const uint8_t rpub[MC_KEYLEN],
    const uint8_t id[MC_IDLEN], uint32_t rcpt, uint64_t unlock,
    const uint8_t *in, uint8_t *out)
{
	uint8_t	 salt[2 * MC_KEYLEN], kek[MC_KEYLEN], nonce[12] = { 0 };
	uint8_t	 ad[sizeof(WRAP_LABEL) + MC_IDLEN + 12];
	int	 rv = -1;

	memcpy(salt, eph, MC_KEYLEN);
	memcpy(salt + MC_KEYLEN, rpub, MC_KEYLEN);
	memcpy(ad, WRAP_LABEL, sizeof(WRAP_LABEL));
	memcpy(ad + sizeof(WRAP_LABEL), id, MC_IDLEN);
	mc_put32(ad + sizeof(WRAP_LABEL) + MC_IDLEN, rcpt);
	mc_put64(ad + sizeof(WRAP_LABEL) + MC_IDLEN + 4, unlock);
	if (mc_hkdf(shared, MC_KEYLEN, salt, sizeof(salt),
	    (const uint8_t *)WRAP_LABEL, sizeof(WRAP_LABEL), kek,
	    MC_KEYLEN) == 0)
		rv = mc_aead(enc, kek, nonce, ad, sizeof(ad), in, MC_KEYLEN,
		    out);
	explicit_bzero(kek, sizeof(kek));
	return rv;
}

/*
 * One ephemeral key for all the readers of a message: every wrap still
 * carries it, and each agreement, salt and associated data is the
 * reader's own, so each wrap reads as one made alone.
 */
int
mc_wrap_all(const uint8_t ckey[MC_KEYLEN], uint32_t n,
    const uint8_t (*rpub)[MC_KEYLEN], const uint8_t id[MC_IDLEN],
    const uint32_t *rcpt, uint64_t unlock, uint8_t (*out)[MC_WRAPLEN])
{
	EVP_PKEY	*eph;
	uint8_t		 shared[MC_KEYLEN];
	uint32_t	 i;
	int		 rv = 0;

	if ((eph = EVP_PKEY_Q_keygen(NULL, NULL, "X25519")) == NULL)
		return -1;
	for (i = 0; i < n && rv == 0; i++) {
		if (public_half(eph, out[i]) == -1 ||
		    x25519(eph, rpub[i], shared) == -1 ||
		    wrap_seal(1, shared, out[i], rpub[i], id, rcpt[i], unlock,
		    ckey, out[i] + MC_KEYLEN) == -1)
			rv = -1;
	}
	EVP_PKEY_free(eph);
	explicit_bzero(shared, sizeof(shared));
	if (rv == -1)
		explicit_bzero(out, (size_t)n * MC_WRAPLEN);
	return rv;
}

int
mc_wrap(const uint8_t ckey[MC_KEYLEN], const uint8_t rpub[MC_KEYLEN],
    const uint8_t id[MC_IDLEN], uint32_t rcpt, uint64_t unlock,
    uint8_t out[MC_WRAPLEN])
{
	return mc_wrap_all(ckey, 1, (const uint8_t (*)[MC_KEYLEN])rpub, id,
	    &rcpt, unlock, (uint8_t (*)[MC_WRAPLEN])out);
}

int
mc_unwrap_key(const uint8_t in[MC_WRAPLEN], const struct mc_key *k,
    const uint8_t id[MC_IDLEN], uint32_t rcpt, uint64_t unlock,
    uint8_t ckey[MC_KEYLEN])
{
	uint8_t	 rpub[MC_KEYLEN], shared[MC_KEYLEN];
	int	 rv = -1;

	if (k->kind == MC_KEY_X25519 && public_half(k->pkey, rpub) == 0 &&
	    x25519(k->pkey, in, shared) == 0)
		rv = wrap_seal(0, shared, in, rpub, id, rcpt, unlock,
		    in + MC_KEYLEN, ckey);
	explicit_bzero(shared, sizeof(shared));
	if (rv == -1)
		explicit_bzero(ckey, MC_KEYLEN);
	return rv;
}

int
mc_unwrap(const uint8_t in[MC_WRAPLEN], const uint8_t rpriv[MC_KEYLEN],
    const uint8_t id[MC_IDLEN], uint32_t rcpt, uint64_t unlock,
    uint8_t ckey[MC_KEYLEN])
{
	struct mc_key	*k;
	int		 rv = -1;

	if ((k = mc_key_new(MC_KEY_X25519, rpriv)) != NULL)
		rv = mc_unwrap_key(in, k, id, rcpt, unlock, ckey);
	else
		explicit_bzero(ckey, MC_KEYLEN);
	mc_key_free(k);
	return rv;
}

static size_t
put_u32(uint8_t *p, uint32_t v)
{
	mc_put32(p, v);
	return 4;
}

static size_t
put_u64(uint8_t *p, uint64_t v)
{
	mc_put64(p, v);
	return 8;
}

/* Fixed-width big-endian fields after a label: one encoding, no slack. */
int
mc_header_encode(const struct mc_header *h, uint8_t *buf, size_t bufsz,
    size_t *len)
{
	uint8_t	*p = buf;
	size_t	 need;
	uint32_t i;

	if (h->nrcpt > MC_RCPT_MAX || h->nstreams > MC_STREAM_MAX)
		return -1;
	need = sizeof(HEADER_LABEL) + MC_IDLEN + 4 + 4 + 4 * h->nrcpt +
	    3 * 8 + 4 + 8 * h->nstreams + 4 + MC_DIGESTLEN;
	if (need > bufsz)
		return -1;
	memcpy(p, HEADER_LABEL, sizeof(HEADER_LABEL));
	p += sizeof(HEADER_LABEL);
	memcpy(p, h->id, MC_IDLEN);
	p += MC_IDLEN;
	p += put_u32(p, h->sender);
	p += put_u32(p, h->nrcpt);
	for (i = 0; i < h->nrcpt; i++)
		p += put_u32(p, h->rcpt[i]);
	p += put_u64(p, h->created);
	p += put_u64(p, h->unlock);
	p += put_u64(p, h->expires);
	p += put_u32(p, h->nstreams);
	for (i = 0; i < h->nstreams; i++)
		p += put_u64(p, h->sizes[i]);
	p += put_u32(p, h->flags);
	memcpy(p, h->digest, MC_DIGESTLEN);
	p += MC_DIGESTLEN;
	*len = (size_t)(p - buf);
	return 0;
}

/* Sign (sig != NULL, k private) or verify (k public) the header. */
static int
header_sig(const struct mc_header *h, EVP_PKEY *k, int sign,
    uint8_t sig[MC_SIGLEN], const uint8_t *check)
{
	EVP_MD_CTX	*ctx;
	uint8_t		 tbs[HEADER_ENCMAX];
	size_t		 len, siglen = MC_SIGLEN;
	int		 rv = -1;

	if (k == NULL || mc_header_encode(h, tbs, sizeof(tbs), &len) == -1 ||
	    (ctx = EVP_MD_CTX_new()) == NULL)
		return -1;
	if (sign) {
		if (EVP_DigestSignInit_ex(ctx, NULL, NULL, NULL, NULL, k,
		    NULL) == 1 && EVP_DigestSign(ctx, sig, &siglen, tbs,
		    len) == 1 && siglen == MC_SIGLEN)
			rv = 0;
	} else if (EVP_DigestVerifyInit_ex(ctx, NULL, NULL, NULL, NULL, k,
	    NULL) == 1 && EVP_DigestVerify(ctx, check, MC_SIGLEN, tbs,
	    len) == 1)
		rv = 0;
	EVP_MD_CTX_free(ctx);
	return rv;
}

int
mc_sign_key(const struct mc_header *h, const struct mc_key *k,
    uint8_t sig[MC_SIGLEN])
{
	if (k == NULL || k->kind != MC_KEY_ED25519 ||
	    header_sig(h, k->pkey, 1, sig, NULL) == -1) {
		explicit_bzero(sig, MC_SIGLEN);
		return -1;
	}
	return 0;
}

int
mc_sign(const struct mc_header *h, const uint8_t priv[MC_KEYLEN],
    uint8_t sig[MC_SIGLEN])
{
	struct mc_key	*k;
	int		 rv;

	k = mc_key_new(MC_KEY_ED25519, priv);
	rv = mc_sign_key(h, k, sig);
	mc_key_free(k);
	return rv;
}

int
mc_verify(const struct mc_header *h, const uint8_t pub[MC_KEYLEN],
    const uint8_t sig[MC_SIGLEN])
{
	EVP_PKEY	*k;
	int		 rv;

	k = EVP_PKEY_new_raw_public_key_ex(NULL, "ED25519", NULL, pub,
	    MC_KEYLEN);
	rv = header_sig(h, k, 0, NULL, sig);
	EVP_PKEY_free(k);
	return rv;
}

int
mc_fingerprint(const uint8_t xpub[MC_KEYLEN], const uint8_t edpub[MC_KEYLEN],
    char out[MC_FPTEXTLEN])
{
	uint8_t		 in[sizeof(FP_LABEL) + 2 * MC_KEYLEN];
	uint8_t		 md[MC_DIGESTLEN];
	size_t		 mdlen = 0, i;

	memcpy(in, FP_LABEL, sizeof(FP_LABEL));
	memcpy(in + sizeof(FP_LABEL), xpub, MC_KEYLEN);
	memcpy(in + sizeof(FP_LABEL) + MC_KEYLEN, edpub, MC_KEYLEN);
	if (EVP_Q_digest(NULL, "SHA256", NULL, in, sizeof(in), md,
	    &mdlen) != 1 || mdlen != MC_DIGESTLEN)
		return -1;
	for (i = 0; i < MC_DIGESTLEN; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
	return 0;
}

/* One person's half: 30 digits from the iterated SHA-512 of their keys. */
static int
safety_half(const char *name, const uint8_t xpub[MC_KEYLEN],
    const uint8_t edpub[MC_KEYLEN], char digits[SAFETY_GROUPS * 5 + 1])
{
	uint8_t		 buf[64 + 2 * MC_KEYLEN + 128], h[64];
	size_t		 nlen = strlen(name), len, hlen;
	uint64_t	 v;
	int		 i, j;

	if (nlen > 64)
		return -1;
	len = 0;
	memcpy(buf, SAFETY_LABEL, sizeof(SAFETY_LABEL));
	len += sizeof(SAFETY_LABEL);
	memcpy(buf + len, name, nlen + 1);
	len += nlen + 1;
	memcpy(buf + len, xpub, MC_KEYLEN);
	memcpy(buf + len + MC_KEYLEN, edpub, MC_KEYLEN);
	len += 2 * MC_KEYLEN;
	for (i = 0; i < SAFETY_ROUNDS; i++) {
		if (EVP_Q_digest(NULL, "SHA512", NULL, buf, len, h,
		    &hlen) != 1 || hlen != sizeof(h))
			return -1;
		/* next round: the hash, then the keys again */
		memcpy(buf, h, sizeof(h));
		memcpy(buf + sizeof(h), xpub, MC_KEYLEN);
		memcpy(buf + sizeof(h) + MC_KEYLEN, edpub, MC_KEYLEN);
		len = sizeof(h) + 2 * MC_KEYLEN;
	}
	for (i = 0; i < SAFETY_GROUPS; i++) {
		for (v = 0, j = 0; j < 5; j++)
			v = (v << 8) | h[5 * i + j];
		snprintf(digits + 5 * i, 6, "%05llu",
		    (unsigned long long)(v % 100000));
	}
	return 0;
}

/*
 * Twelve groups of five digits: both halves, the smaller first, so the
 * two people see the same number.
 */
int
mc_safety_number(const char *name_a, const uint8_t xa[MC_KEYLEN],
    const uint8_t eda[MC_KEYLEN], const char *name_b,
    const uint8_t xb[MC_KEYLEN], const uint8_t edb[MC_KEYLEN],
    char out[MC_SAFETYLEN])
{
	char	 a[SAFETY_GROUPS * 5 + 1], b[SAFETY_GROUPS * 5 + 1], all[61];
	int	 i, j = 0;

	if (safety_half(name_a, xa, eda, a) == -1 ||
	    safety_half(name_b, xb, edb, b) == -1)
		return -1;
	if (strcmp(a, b) <= 0)
		snprintf(all, sizeof(all), "%s%s", a, b);
	else
		snprintf(all, sizeof(all), "%s%s", b, a);
	for (i = 0; i < 60; i++) {
		if (i > 0 && i % 5 == 0)
			out[j++] = ' ';
		out[j++] = all[i];
	}
	out[j] = '\0';
	return 0;
}
