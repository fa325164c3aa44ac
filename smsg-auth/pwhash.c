/*
 * Password verifiers for smsg-auth.
 *
 * One scrypt run (64 bytes) feeds HKDF-SHA256 twice: a verifier, which
 * is stored, and a key-encryption key, which unwraps the user's private
 * keys and is never stored.  Knowing the stored verifier therefore says
 * nothing about the kek.
 *
 * scrypt is OpenSSL's KDF rather than libscrypt_scrypt(): the two give
 * the same bytes (regress/unit/test_pwhash.c checks the RFC 7914
 * vectors through both), and bench/scrypt.c measured OpenSSL's about
 * 2.2 times faster at N=2^14 (libscrypt maps and unmaps its working
 * memory on every call; malloc reuses OpenSSL's) and level at N=2^17,
 * where both buffers are beyond malloc's mmap threshold and each call
 * faults in 128 MiB afresh.  OpenSSL is never the slower one.
 *
 * Runs on auth's hashing threads: no static state but the fetched
 * algorithms, which are set up once and only read afterwards.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/random.h>

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>

#include "pwhash.h"

#define MCF_PREFIX	"$s1$"
#define MCF_PREFIXLEN	4
#define MCF_HEXLEN	6
#define B64LEN(n)	(((n) + 2) / 3 * 4)
#define SCRYPT_OUTLEN	64
#define VERIFIER_LEN	32
/* "$s1$" hex "$" salt "$" verifier */
#define MCF_LEN		(MCF_PREFIXLEN + MCF_HEXLEN + 1 + \
			    B64LEN(PWHASH_SALTLEN) + 1 + B64LEN(VERIFIER_LEN))
#define MCF_SALTOFF	(MCF_PREFIXLEN + MCF_HEXLEN + 1)
#define MCF_VEROFF	(MCF_SALTOFF + B64LEN(PWHASH_SALTLEN) + 1)

#define INFO_VERIFIER	"smsg password verifier v1"
#define INFO_KEK	"smsg key encryption key v1"

/* Sane range for stored parameters. */
#define LOGN_MIN	10
#define LOGN_MAX	22
#define R_MAX		32
#define P_MAX		16
#define MEM_MAX		(1ULL << 30)

/* Bounds for the raw function, so the memory arithmetic cannot wrap. */
#define RAW_LOGN_MAX	30
#define RAW_RP_MAX	1024

static pthread_once_t	 fetch_once = PTHREAD_ONCE_INIT;
static EVP_KDF		*kdf_scrypt;
static EVP_KDF		*kdf_hkdf;

static void
fetch(void)
{
	kdf_scrypt = EVP_KDF_fetch(NULL, OSSL_KDF_NAME_SCRYPT, NULL);
	kdf_hkdf = EVP_KDF_fetch(NULL, OSSL_KDF_NAME_HKDF, NULL);
}

int
pwhash_init(void)
{
	if (pthread_once(&fetch_once, fetch) != 0)
		return -1;
	if (kdf_scrypt == NULL || kdf_hkdf == NULL)
		return -1;
	return 0;
}

int
pwhash_random(void *buf, size_t len)
{
	uint8_t	*p = buf;
	ssize_t	 n;

	while (len > 0) {
		n = getrandom(p, len, 0);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

uint64_t
pwhash_params_mem(const struct pwhash_params *pp)
{
	if (pp->logn > RAW_LOGN_MAX || pp->r > RAW_RP_MAX)
		return UINT64_MAX;
	return (128ULL * pp->r) << pp->logn;
}

int
pwhash_params_ok(const struct pwhash_params *pp)
{
	if (pp == NULL)
		return 0;
	if (pp->logn < LOGN_MIN || pp->logn > LOGN_MAX)
		return 0;
	if (pp->r < 1 || pp->r > R_MAX || pp->p < 1 || pp->p > P_MAX)
		return 0;
	return pwhash_params_mem(pp) <= MEM_MAX;
}

int
pwhash_params_eq(const struct pwhash_params *a, const struct pwhash_params *b)
{
	return a->logn == b->logn && a->r == b->r && a->p == b->p;
}

/* One derivation; the context clears its copies of the inputs. */
static int
kdf_run(EVP_KDF *kdf, const OSSL_PARAM *par, uint8_t *out, size_t outlen)
{
	EVP_KDF_CTX	*ctx;
	int		 rv;

	if ((ctx = EVP_KDF_CTX_new(kdf)) == NULL)
		return -1;
	rv = EVP_KDF_derive(ctx, out, outlen, par) == 1 ? 0 : -1;
	EVP_KDF_CTX_free(ctx);
	if (rv == -1)
		explicit_bzero(out, outlen);
	return rv;
}

int
pwhash_scrypt(const struct pwhash_params *pp, const uint8_t *pw, size_t pwlen,
    const uint8_t *salt, size_t saltlen, uint8_t *out, size_t outlen)
{
	OSSL_PARAM	 par[7];
	uint64_t	 n, maxmem;
	uint32_t	 r, p;

	if (pwhash_init() == -1 || pp == NULL || pp->logn < 1 ||
	    pp->logn > RAW_LOGN_MAX ||
	    pp->r < 1 || pp->r > RAW_RP_MAX || pp->p < 1 ||
	    pp->p > RAW_RP_MAX || (pw == NULL && pwlen > 0) ||
	    (salt == NULL && saltlen > 0))
		return -1;
	n = 1ULL << pp->logn;
	r = pp->r;
	p = pp->p;
	/* Exactly what OpenSSL allocates: V (N + 2 blocks) and B. */
	maxmem = 128ULL * r * (n + 2) + 128ULL * r * p;

	/* OpenSSL copies the password and clears its copy when freed. */
	par[0] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_PASSWORD,
	    (void *)(pwlen > 0 ? pw : (const uint8_t *)""), pwlen);
	par[1] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT,
	    (void *)(saltlen > 0 ? salt : (const uint8_t *)""), saltlen);
	par[2] = OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_N, &n);
	par[3] = OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_R, &r);
	par[4] = OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_P, &p);
	par[5] = OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_MAXMEM,
	    &maxmem);
	par[6] = OSSL_PARAM_construct_end();

	return kdf_run(kdf_scrypt, par, out, outlen);
}

int
pwhash_hkdf(const uint8_t *ikm, size_t ikmlen, const char *info,
    uint8_t *out, size_t outlen)
{
	static char	 digest[] = "SHA256";
	OSSL_PARAM	 par[4];

	if (pwhash_init() == -1 || ikm == NULL || ikmlen == 0 || info == NULL)
		return -1;
	par[0] = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST,
	    digest, 0);
	par[1] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY,
	    (void *)ikm, ikmlen);
	par[2] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO,
	    (void *)info, strlen(info));
	par[3] = OSSL_PARAM_construct_end();

	return kdf_run(kdf_hkdf, par, out, outlen);
}

/*
 * scrypt, then the two HKDF halves.  Nothing of the scrypt output stays.
 * A NUL byte is refused: scrypt keys HMAC with the password, and HMAC pads
 * keys with zeros, so "pw" and "pw\0" would hash alike.
 */
static int
derive(const struct pwhash_params *pp, const char *pw, size_t pwlen,
    const uint8_t salt[PWHASH_SALTLEN], uint8_t ver[VERIFIER_LEN],
    uint8_t kek[PWHASH_KEYLEN])
{
	uint8_t	 buf[SCRYPT_OUTLEN];
	int	 rv = -1;

	if (pwlen > PWHASH_PWMAX || (pw == NULL && pwlen > 0) ||
	    (pwlen > 0 && memchr(pw, '\0', pwlen) != NULL))
		return -1;
	if (pwhash_scrypt(pp, (const uint8_t *)pw, pwlen, salt,
	    PWHASH_SALTLEN, buf, sizeof(buf)) == -1)
		goto out;
	if (pwhash_hkdf(buf, sizeof(buf), INFO_VERIFIER, ver,
	    VERIFIER_LEN) == -1 ||
	    pwhash_hkdf(buf, sizeof(buf), INFO_KEK, kek, PWHASH_KEYLEN) == -1)
		goto out;
	rv = 0;
 out:
	explicit_bzero(buf, sizeof(buf));
	if (rv == -1) {
		explicit_bzero(ver, VERIFIER_LEN);
		explicit_bzero(kek, PWHASH_KEYLEN);
	}
	return rv;
}

/*
 * Decode exactly len bytes from canonical base64 of exactly B64LEN(len)
 * characters.  OpenSSL's decoder is lenient (white space, any padding
 * bits), so the result is encoded again and must give back the input.
 */
static int
b64_decode(const char *s, uint8_t *out, size_t len)
{
	uint8_t	 raw[B64LEN(VERIFIER_LEN)];
	char	 again[B64LEN(VERIFIER_LEN) + 1];
	size_t	 slen = B64LEN(len);
	int	 rv = -1;

	if (slen > sizeof(again) - 1)
		return -1;
	if (EVP_DecodeBlock(raw, (const unsigned char *)s, (int)slen) !=
	    (int)(slen / 4 * 3))
		goto out;
	if (EVP_EncodeBlock((unsigned char *)again, raw, (int)len) !=
	    (int)slen || memcmp(again, s, slen) != 0)
		goto out;
	memcpy(out, raw, len);
	rv = 0;
 out:
	explicit_bzero(raw, sizeof(raw));
	return rv;
}

/* Six lower-case hex digits, as libscrypt writes them. */
static int
hex6(const char *s, uint32_t *v)
{
	int	 i;

	*v = 0;
	for (i = 0; i < MCF_HEXLEN; i++) {
		*v <<= 4;
		if (s[i] >= '0' && s[i] <= '9')
			*v |= (uint32_t)(s[i] - '0');
		else if (s[i] >= 'a' && s[i] <= 'f')
			*v |= (uint32_t)(s[i] - 'a' + 10);
		else
			return -1;
	}
	return 0;
}

static int
parse(const char *stored, struct pwhash_params *pp,
    uint8_t salt[PWHASH_SALTLEN], uint8_t ver[VERIFIER_LEN])
{
	uint32_t	 v;

	if (stored == NULL || strnlen(stored, MCF_LEN + 1) != MCF_LEN)
		return -1;
	if (memcmp(stored, MCF_PREFIX, MCF_PREFIXLEN) != 0 ||
	    hex6(stored + MCF_PREFIXLEN, &v) == -1 ||
	    stored[MCF_SALTOFF - 1] != '$' || stored[MCF_VEROFF - 1] != '$')
		return -1;
	if (b64_decode(stored + MCF_SALTOFF, salt, PWHASH_SALTLEN) == -1 ||
	    b64_decode(stored + MCF_VEROFF, ver, VERIFIER_LEN) == -1)
		return -1;
	pp->logn = (uint8_t)(v >> 16);
	pp->r = (v >> 8) & 0xff;
	pp->p = v & 0xff;
	return 0;
}

int
pwhash_params_of(const char *stored, struct pwhash_params *pp)
{
	struct pwhash_params	 got;
	uint8_t			 salt[PWHASH_SALTLEN], ver[VERIFIER_LEN];

	if (parse(stored, &got, salt, ver) == -1)
		return -1;
	*pp = got;
	return 0;
}

int
pwhash_create(const struct pwhash_params *pp, const char *pw, size_t pwlen,
    char *out, size_t outsz, uint8_t kek[PWHASH_KEYLEN])
{
	uint8_t	 salt[PWHASH_SALTLEN], ver[VERIFIER_LEN];
	char	 bsalt[B64LEN(PWHASH_SALTLEN) + 1];
	char	 bver[B64LEN(VERIFIER_LEN) + 1];
	int	 n, rv = -1;

	if (out == NULL || outsz < MCF_LEN + 1 || !pwhash_params_ok(pp))
		goto fail;
	if (pwhash_random(salt, sizeof(salt)) == -1 ||
	    derive(pp, pw, pwlen, salt, ver, kek) == -1)
		goto fail;
	EVP_EncodeBlock((unsigned char *)bsalt, salt, sizeof(salt));
	EVP_EncodeBlock((unsigned char *)bver, ver, sizeof(ver));
	n = snprintf(out, outsz, MCF_PREFIX "%02x%02x%02x$%s$%s", pp->logn,
	    (unsigned int)pp->r, (unsigned int)pp->p, bsalt, bver);
	if (n != MCF_LEN)
		goto fail;
	rv = 0;
 fail:
	if (rv == -1) {
		explicit_bzero(kek, PWHASH_KEYLEN);
		if (out != NULL && outsz > 0)
			out[0] = '\0';
	}
	explicit_bzero(ver, sizeof(ver));
	explicit_bzero(bver, sizeof(bver));
	return rv;
}

int
pwhash_verify(const char *stored, const char *pw, size_t pwlen,
    uint8_t kek[PWHASH_KEYLEN])
{
	struct pwhash_params	 pp;
	uint8_t			 salt[PWHASH_SALTLEN], want[VERIFIER_LEN];
	uint8_t			 ver[VERIFIER_LEN], k[PWHASH_KEYLEN];
	int			 rv = -1;

	/* A buffer holding an earlier key must not look like a result. */
	explicit_bzero(kek, PWHASH_KEYLEN);
	if (parse(stored, &pp, salt, want) == -1 || !pwhash_params_ok(&pp))
		goto out;
	if (pw != NULL && pwlen > 0 && pwlen <= PWHASH_PWMAX &&
	    memchr(pw, '\0', pwlen) != NULL) {
		rv = 0;		/* create refuses these: nothing can match */
		goto out;
	}
	if (derive(&pp, pw, pwlen, salt, ver, k) == -1)
		goto out;
	if (CRYPTO_memcmp(ver, want, sizeof(ver)) == 0) {
		memcpy(kek, k, PWHASH_KEYLEN);
		rv = 1;
	} else
		rv = 0;
 out:
	explicit_bzero(k, sizeof(k));
	explicit_bzero(ver, sizeof(ver));
	explicit_bzero(want, sizeof(want));
	return rv;
}
