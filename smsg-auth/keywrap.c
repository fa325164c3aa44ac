/*
 * Key custody for smsg-auth: generating a user's key pairs, sealing the
 * private halves under a password- or recovery-derived key, and the
 * recovery key itself.
 *
 * The associated data is a fixed label and the user name, so a wrapped
 * blob copied onto another account, or opened by anything but this
 * code, fails to authenticate.  Public halves are not sealed; after
 * opening, userkeys_check() proves the private halves belong to them.
 */
#include "config.h"

#include <pthread.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "keywrap.h"
#include "pwhash.h"

#define WRAP_LABEL	"smsg userkeys v1"	/* with its NUL, then ad */
#define PLAIN_LEN	(2 * KEY_LEN)

#define RECKEY_RAWLEN	20	/* 160 bits */
#define RECKEY_SYMS	32	/* base32 symbols of 5 bits */
#define RECKEY_GROUP	4
#define INFO_RECKEY	"smsg recovery key v1"

static const char	 b32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

static pthread_once_t	 fetch_once = PTHREAD_ONCE_INIT;
static EVP_CIPHER	*aead;

static void
fetch(void)
{
	aead = EVP_CIPHER_fetch(NULL, "ChaCha20-Poly1305", NULL);
}

int
keywrap_init(void)
{
	if (pthread_once(&fetch_once, fetch) != 0 || aead == NULL)
		return -1;
	return 0;
}

void
userkeys_clear(struct userkeys *uk)
{
	explicit_bzero(uk, sizeof(*uk));
}

static int
keypair(const char *alg, uint8_t pub[KEY_LEN], uint8_t priv[KEY_LEN])
{
	EVP_PKEY	*k;
	size_t		 publen = KEY_LEN, privlen = KEY_LEN;
	int		 rv = -1;

	if ((k = EVP_PKEY_Q_keygen(NULL, NULL, alg)) == NULL)
		return -1;
	if (EVP_PKEY_get_raw_private_key(k, priv, &privlen) == 1 &&
	    EVP_PKEY_get_raw_public_key(k, pub, &publen) == 1 &&
	    privlen == KEY_LEN && publen == KEY_LEN)
		rv = 0;
	EVP_PKEY_free(k);	/* clears its copy of the private key */
	return rv;
}

int
userkeys_generate(struct userkeys *uk)
{
	if (keypair("X25519", uk->x25519_pub, uk->x25519_priv) == -1 ||
	    keypair("ED25519", uk->ed25519_pub, uk->ed25519_priv) == -1) {
		userkeys_clear(uk);
		return -1;
	}
	return 0;
}

static int
pair_ok(const char *alg, const uint8_t pub[KEY_LEN],
    const uint8_t priv[KEY_LEN])
{
	EVP_PKEY	*k;
	uint8_t		 derived[KEY_LEN];
	size_t		 len = sizeof(derived);
	int		 rv = -1;

	k = EVP_PKEY_new_raw_private_key_ex(NULL, alg, NULL, priv, KEY_LEN);
	if (k == NULL)
		return -1;
	if (EVP_PKEY_get_raw_public_key(k, derived, &len) == 1 &&
	    len == KEY_LEN && CRYPTO_memcmp(derived, pub, KEY_LEN) == 0)
		rv = 0;
	EVP_PKEY_free(k);
	return rv;
}

int
userkeys_check(const struct userkeys *uk)
{
	if (pair_ok("X25519", uk->x25519_pub, uk->x25519_priv) == -1 ||
	    pair_ok("ED25519", uk->ed25519_pub, uk->ed25519_priv) == -1)
		return -1;
	return 0;
}

/* Start an AEAD operation and feed it the associated data. */
static EVP_CIPHER_CTX *
aead_start(int enc, const uint8_t key[KEY_LEN], const uint8_t *nonce,
    const char *ad)
{
	EVP_CIPHER_CTX	*ctx;
	size_t		 adlen;
	int		 n;

	if (keywrap_init() == -1 || ad == NULL ||
	    (adlen = strnlen(ad, KEYWRAP_ADMAX + 1)) > KEYWRAP_ADMAX)
		return NULL;
	if ((ctx = EVP_CIPHER_CTX_new()) == NULL)
		return NULL;
	if (EVP_CipherInit_ex2(ctx, aead, key, nonce, enc, NULL) != 1 ||
	    EVP_CipherUpdate(ctx, NULL, &n, (const uint8_t *)WRAP_LABEL,
	    sizeof(WRAP_LABEL)) != 1 ||
	    EVP_CipherUpdate(ctx, NULL, &n, (const uint8_t *)ad,
	    (int)adlen) != 1) {
		EVP_CIPHER_CTX_free(ctx);
		return NULL;
	}
	return ctx;
}

int
keywrap_seal(const uint8_t key[KEY_LEN], const char *ad,
    const struct userkeys *uk, uint8_t out[WRAPPED_LEN])
{
	EVP_CIPHER_CTX	*ctx = NULL;
	uint8_t		 plain[PLAIN_LEN];
	uint8_t		*ct = out + WRAP_NONCELEN;
	int		 n, fin, rv = -1;

	memcpy(plain, uk->x25519_priv, KEY_LEN);
	memcpy(plain + KEY_LEN, uk->ed25519_priv, KEY_LEN);
	if (pwhash_random(out, WRAP_NONCELEN) == -1 ||
	    (ctx = aead_start(1, key, out, ad)) == NULL)
		goto out;
	if (EVP_EncryptUpdate(ctx, ct, &n, plain, PLAIN_LEN) != 1 ||
	    n != PLAIN_LEN ||
	    EVP_EncryptFinal_ex(ctx, ct + n, &fin) != 1 || fin != 0 ||
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, WRAP_TAGLEN,
	    ct + PLAIN_LEN) != 1)
		goto out;
	rv = 0;
 out:
	EVP_CIPHER_CTX_free(ctx);
	explicit_bzero(plain, sizeof(plain));
	if (rv == -1)
		explicit_bzero(out, WRAPPED_LEN);
	return rv;
}

int
keywrap_open(const uint8_t key[KEY_LEN], const char *ad,
    const uint8_t in[WRAPPED_LEN], struct userkeys *uk)
{
	EVP_CIPHER_CTX	*ctx;
	uint8_t		 plain[PLAIN_LEN], tag[WRAP_TAGLEN];
	const uint8_t	*ct = in + WRAP_NONCELEN;
	int		 n, fin, rv = -1;

	/* The ctrl takes a non-const pointer. */
	memcpy(tag, ct + PLAIN_LEN, WRAP_TAGLEN);
	if ((ctx = aead_start(0, key, in, ad)) == NULL)
		goto out;
	if (EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG, WRAP_TAGLEN,
	    tag) == 1 &&
	    EVP_DecryptUpdate(ctx, plain, &n, ct, PLAIN_LEN) == 1 &&
	    n == PLAIN_LEN &&
	    EVP_DecryptFinal_ex(ctx, plain + n, &fin) == 1 && fin == 0)
		rv = 0;
	EVP_CIPHER_CTX_free(ctx);
 out:
	if (rv == 0) {
		memcpy(uk->x25519_priv, plain, KEY_LEN);
		memcpy(uk->ed25519_priv, plain + KEY_LEN, KEY_LEN);
	} else {
		explicit_bzero(uk->x25519_priv, KEY_LEN);
		explicit_bzero(uk->ed25519_priv, KEY_LEN);
	}
	explicit_bzero(plain, sizeof(plain));
	return rv;
}

/*
 * Regroup a big-endian bit string: n units of inbits bits each into units
 * of outbits bits (base32 symbols from bytes and back).  Whole units only:
 * 20 bytes are exactly 32 symbols.
 */
static void
regroup(const uint8_t *in, size_t n, int inbits, uint8_t *out, int outbits)
{
	uint32_t	 acc = 0;
	size_t		 i, j = 0;
	int		 bits = 0;

	for (i = 0; i < n; i++) {
		acc = (acc << inbits) | in[i];
		bits += inbits;
		while (bits >= outbits) {
			bits -= outbits;
			out[j++] = (acc >> bits) & ((1U << outbits) - 1);
		}
	}
	explicit_bzero(&acc, sizeof(acc));
}

int
reckey_generate(char text[RECKEY_TEXTLEN], uint8_t key[KEY_LEN])
{
	uint8_t	 raw[RECKEY_RAWLEN], sym[RECKEY_SYMS];
	int	 i, j = 0, rv = -1;

	if (pwhash_random(raw, sizeof(raw)) == -1)
		goto out;
	regroup(raw, RECKEY_RAWLEN, 8, sym, 5);
	for (i = 0; i < RECKEY_SYMS; i++) {
		if (i > 0 && i % RECKEY_GROUP == 0)
			text[j++] = '-';
		text[j++] = b32[sym[i]];
	}
	text[j] = '\0';
	rv = pwhash_hkdf(raw, sizeof(raw), INFO_RECKEY, key, KEY_LEN);
 out:
	if (rv == -1) {
		explicit_bzero(text, RECKEY_TEXTLEN);
		explicit_bzero(key, KEY_LEN);
	}
	explicit_bzero(raw, sizeof(raw));
	explicit_bzero(sym, sizeof(sym));
	return rv;
}

/* The symbol's value, -2 for a separator to skip, -1 for anything else. */
static int
b32_value(unsigned char c)
{
	const char	*p;

	if (c == '-' || c == ' ' || c == '\t' || c == '\r' || c == '\n')
		return -2;
	/* Not toupper(): the locale must not change what is accepted. */
	if (c >= 'a' && c <= 'z')
		c = (unsigned char)(c - 'a' + 'A');
	if (c == '\0' || (p = strchr(b32, c)) == NULL)
		return -1;
	return (int)(p - b32);
}

int
reckey_derive(const char *text, uint8_t key[KEY_LEN])
{
	uint8_t	 raw[RECKEY_RAWLEN], sym[RECKEY_SYMS];
	size_t	 i, len;
	int	 v, n = 0, rv = -1;

	if (text == NULL ||
	    (len = strnlen(text, RECKEY_INMAX + 1)) > RECKEY_INMAX)
		goto out;
	for (i = 0; i < len; i++) {
		if ((v = b32_value((unsigned char)text[i])) == -2)
			continue;
		if (v == -1 || n == RECKEY_SYMS)
			goto out;
		sym[n++] = (uint8_t)v;
	}
	if (n != RECKEY_SYMS)
		goto out;
	regroup(sym, RECKEY_SYMS, 5, raw, 8);
	rv = pwhash_hkdf(raw, sizeof(raw), INFO_RECKEY, key, KEY_LEN);
 out:
	if (rv == -1)
		explicit_bzero(key, KEY_LEN);
	explicit_bzero(raw, sizeof(raw));
	explicit_bzero(sym, sizeof(sym));
	return rv;
}
