/*
 * Message cryptography, part one: the AEAD and HKDF primitives, message
 * ids, chunk streams and the ciphertext digest.  See msgcrypt.h.
 */
#include "config.h"

#include <sys/random.h>

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>

#include "msgcrypt.h"
#include "msgcrypt_int.h"

#define STREAM_INFO	"smsg stream v1"
#define STREAM_AD	"smsg chunk v1"		/* with its NUL */

static pthread_once_t	 fetch_once = PTHREAD_ONCE_INIT;
static EVP_CIPHER	*aead;
static EVP_KDF		*hkdf;
static EVP_MD		*sha256;

static void
fetch(void)
{
	aead = EVP_CIPHER_fetch(NULL, "ChaCha20-Poly1305", NULL);
	hkdf = EVP_KDF_fetch(NULL, "HKDF", NULL);
	sha256 = EVP_MD_fetch(NULL, "SHA256", NULL);
}

int
msgcrypt_init(void)
{
	if (pthread_once(&fetch_once, fetch) != 0 || aead == NULL ||
	    hkdf == NULL || sha256 == NULL)
		return -1;
	return 0;
}

const EVP_MD *
mc_sha256(void)
{
	return msgcrypt_init() == 0 ? sha256 : NULL;
}

int
msgcrypt_random(void *buf, size_t len)
{
	uint8_t	*p = buf;
	ssize_t	 n;

	while (len > 0) {
		if ((n = getrandom(p, len, 0)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* HKDF-SHA256: out = HKDF(ikm, salt, info). */
int
mc_hkdf(const uint8_t *ikm, size_t ikmlen, const uint8_t *salt,
    size_t saltlen, const uint8_t *info, size_t infolen, uint8_t *out,
    size_t outlen)
{
	EVP_KDF_CTX	*kctx;
	OSSL_PARAM	 params[5], *p = params;
	int		 rv = -1;

	if (msgcrypt_init() == -1 || (kctx = EVP_KDF_CTX_new(hkdf)) == NULL)
		return -1;
	*p++ = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST,
	    (char *)"SHA256", 0);
	*p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY,
	    (void *)ikm, ikmlen);
	*p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT,
	    (void *)salt, saltlen);
	*p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO,
	    (void *)info, infolen);
	*p = OSSL_PARAM_construct_end();
	if (EVP_KDF_derive(kctx, out, outlen, params) == 1)
		rv = 0;
	EVP_KDF_CTX_free(kctx);
	if (rv == -1)
		explicit_bzero(out, outlen);
	return rv;
}

/*
 * ChaCha20-Poly1305 in one call.  Sealing writes len bytes and the tag;
 * opening reads len bytes and the tag and writes nothing readable unless
 * the tag is right.
 */
int
mc_aead(int enc, const uint8_t key[MC_KEYLEN], const uint8_t nonce[12],
    const uint8_t *ad, size_t adlen, const uint8_t *in, size_t len,
    uint8_t *out)
{
	EVP_CIPHER_CTX	*ctx;
	uint8_t		 tag[MC_TAGLEN];
	int		 n = 0, adn = 0, fin = 0, rv = -1;

	if (len > MC_SEALED_MAX || msgcrypt_init() == -1 ||
	    (ctx = EVP_CIPHER_CTX_new()) == NULL)
		return -1;
	if (!enc)
		memcpy(tag, in + len, MC_TAGLEN);
	if (EVP_CipherInit_ex2(ctx, aead, key, nonce, enc, NULL) != 1 ||
	    (!enc && EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG,
	    MC_TAGLEN, tag) != 1) ||
	    (adlen > 0 && EVP_CipherUpdate(ctx, NULL, &adn, ad,
	    (int)adlen) != 1) ||
	    (len > 0 && EVP_CipherUpdate(ctx, out, &n, in, (int)len) != 1) ||
	    (size_t)n != len ||
	    EVP_CipherFinal_ex(ctx, out + n, &fin) != 1 || fin != 0)
		goto done;
	if (enc && EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, MC_TAGLEN,
	    out + len) != 1)
		goto done;
	rv = 0;
 done:
	EVP_CIPHER_CTX_free(ctx);
	if (rv == -1)
		explicit_bzero(out, enc ? len + MC_TAGLEN : len);
	return rv;
}

void
mc_put64(uint8_t *p, uint64_t v)
{
	int	 i;

	for (i = 7; i >= 0; i--, v >>= 8)
		p[i] = v & 0xff;
}

void
mc_put32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

static const char b64url[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

int
msgid_new(uint8_t id[MC_IDLEN])
{
	return msgcrypt_random(id, MC_IDLEN);
}

/* 16 bytes are 128 bits: 21 symbols of 6 bits and one of 2. */
void
msgid_text(const uint8_t id[MC_IDLEN], char out[MC_IDTEXTLEN])
{
	uint32_t	 acc = 0;
	int		 bits = 0, i, j = 0;

	for (i = 0; i < MC_IDLEN; i++) {
		acc = (acc << 8) | id[i];
		bits += 8;
		while (bits >= 6) {
			bits -= 6;
			out[j++] = b64url[(acc >> bits) & 0x3f];
		}
	}
	out[j++] = b64url[(acc << (6 - bits)) & 0x3f];
	out[j] = '\0';
}

/* Only the exact text msgid_text makes: 22 symbols, unused bits zero. */
int
msgid_parse(const char *s, uint8_t id[MC_IDLEN])
{
	uint32_t	 acc = 0;
	const char	*p;
	int		 bits = 0, i, j = 0, v;

	if (s == NULL || strnlen(s, MC_IDTEXTLEN) != MC_IDTEXTLEN - 1)
		return -1;
	for (i = 0; i < MC_IDTEXTLEN - 1; i++) {
		if (s[i] == '\0' || (p = strchr(b64url, s[i])) == NULL)
			return -1;
		v = (int)(p - b64url);
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		if (bits >= 8 && j < MC_IDLEN) {
			bits -= 8;
			id[j++] = (acc >> bits) & 0xff;
		}
	}
	/* the last symbol carries 2 bits of data and 4 of padding */
	if ((acc & 0x0f) != 0)
		return -1;
	return 0;
}

int
mc_stream_init(struct mc_stream *s, const uint8_t ckey[MC_KEYLEN],
    const uint8_t id[MC_IDLEN], uint64_t unlock, uint32_t stream)
{
	uint8_t	 info[sizeof(STREAM_INFO) + 4];

	memset(s, 0, sizeof(*s));
	memcpy(info, STREAM_INFO, sizeof(STREAM_INFO));
	mc_put32(info + sizeof(STREAM_INFO), stream);
	if (mc_hkdf(ckey, MC_KEYLEN, id, MC_IDLEN, info, sizeof(info),
	    s->key, MC_KEYLEN) == -1) {
		s->failed = 1;
		return -1;
	}
	memcpy(s->ad, STREAM_AD, sizeof(STREAM_AD));
	s->adlen = sizeof(STREAM_AD);
	memcpy(s->ad + s->adlen, id, MC_IDLEN);
	s->adlen += MC_IDLEN;
	mc_put64(s->ad + s->adlen, unlock);
	s->adlen += 8;
	mc_put32(s->ad + s->adlen, stream);
	s->adlen += 4;
	return 0;
}

/* The nonce: 11 bytes of chunk index, big-endian, and the last flag. */
static void
stream_nonce(const struct mc_stream *s, int last, uint8_t nonce[12])
{
	memset(nonce, 0, 12);
	mc_put64(nonce + 3, s->next);
	nonce[11] = last ? 1 : 0;
}

/*
 * Every chunk but the last holds exactly MC_CHUNK bytes, so a stream
 * cut at a chunk boundary cannot pass for a whole one.
 */
static int
stream_step(struct mc_stream *s, int enc, const uint8_t *in, size_t len,
    int last, uint8_t *out, size_t *outlen)
{
	uint8_t	 nonce[12];
	size_t	 plain = enc ? len : len - MC_TAGLEN;

	if (s->failed || s->done || (!enc && len < MC_TAGLEN) ||
	    plain > MC_CHUNK || (!last && plain != MC_CHUNK) ||
	    s->next == UINT64_MAX)
		goto fail;
	stream_nonce(s, last, nonce);
	if (mc_aead(enc, s->key, nonce, s->ad, s->adlen, in, plain,
	    out) == -1)
		goto fail;
	*outlen = enc ? plain + MC_TAGLEN : plain;
	s->next++;
	s->done = last;
	return 0;
 fail:
	s->failed = 1;
	*outlen = 0;
	return -1;
}

int
mc_stream_seal(struct mc_stream *s, const uint8_t *in, size_t len, int last,
    uint8_t *out, size_t *outlen)
{
	return stream_step(s, 1, in, len, last, out, outlen);
}

int
mc_stream_open(struct mc_stream *s, const uint8_t *in, size_t len, int last,
    uint8_t *out, size_t *outlen)
{
	return stream_step(s, 0, in, len, last, out, outlen);
}

/* Did the stream end with its last chunk and nothing failing? */
int
mc_stream_finished(const struct mc_stream *s)
{
	return s->done && !s->failed;
}

void
mc_stream_clear(struct mc_stream *s)
{
	explicit_bzero(s, sizeof(*s));
}

struct mc_digest {
	EVP_MD_CTX	*ctx;
};

struct mc_digest *
mc_digest_new(void)
{
	struct mc_digest	*d;

	if (msgcrypt_init() == -1 || (d = calloc(1, sizeof(*d))) == NULL)
		return NULL;
	if ((d->ctx = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestInit_ex2(d->ctx, sha256, NULL) != 1) {
		mc_digest_free(d);
		return NULL;
	}
	return d;
}

/* Each chunk with its stream, index and length: no two orders agree. */
int
mc_digest_chunk(struct mc_digest *d, uint32_t stream, uint64_t index,
    const uint8_t *p, size_t len)
{
	uint8_t	 pre[20];

	mc_put32(pre, stream);
	mc_put64(pre + 4, index);
	mc_put64(pre + 12, len);
	if (EVP_DigestUpdate(d->ctx, pre, sizeof(pre)) != 1 ||
	    EVP_DigestUpdate(d->ctx, p, len) != 1)
		return -1;
	return 0;
}

int
mc_digest_final(struct mc_digest *d, uint8_t out[MC_DIGESTLEN])
{
	unsigned int	 n = 0;

	if (EVP_DigestFinal_ex(d->ctx, out, &n) != 1 || n != MC_DIGESTLEN)
		return -1;
	return 0;
}

void
mc_digest_free(struct mc_digest *d)
{
	if (d == NULL)
		return;
	EVP_MD_CTX_free(d->ctx);
	free(d);
}
