/*
 * Password verifiers: scrypt, then HKDF-SHA256 split into a stored
 * verifier and a key-encryption key that is never stored.  The stored
 * string keeps libscrypt's "$s1$" layout:
 *
 *	$s1$PPPPPP$<base64 salt>$<base64 verifier>
 *
 * where PPPPPP is six lower-case hex digits of logN<<16 | r<<8 | p.
 * Every function is thread safe.
 */
#ifndef SMSG_PWHASH_H
#define SMSG_PWHASH_H

#include <stddef.h>
#include <stdint.h>

struct pwhash_params {
	uint8_t		logn;		/* N = 2^logn */
	uint32_t	r;
	uint32_t	p;
};

#define PWHASH_STRLEN	128	/* room for the stored "$s1$..." string */
#define PWHASH_KEYLEN	32
#define PWHASH_SALTLEN	16
#define PWHASH_PWMAX	1024	/* longest password accepted, in bytes */

/* OWASP's recommendation; the configuration may ask for more. */
#define PWHASH_DEFAULT_LOGN	17
#define PWHASH_DEFAULT_R	8
#define PWHASH_DEFAULT_P	1

/*
 * Fetch the OpenSSL algorithms once; call before chroot and sandbox so
 * no provider loading happens later.  0 ok, -1 error.  The other
 * functions call it themselves too.
 */
int	pwhash_init(void);

/* New verifier with a fresh 16-byte salt from getrandom(): writes the stored
   string into out and the key-encryption key into kek. 0 ok, -1 error.
   A password is 0..PWHASH_PWMAX bytes without NUL (else -1). */
int	pwhash_create(const struct pwhash_params *, const char *pw,
	    size_t pwlen, char *out, size_t outsz, uint8_t kek[PWHASH_KEYLEN]);
/* 1 match (kek filled), 0 no match, -1 error: a stored string that does not
   parse (or parameters out of the accepted range) is an error, never a
   match.  kek is zeroed unless the result is 1.  A password holding a NUL
   byte is no match (0); one longer than PWHASH_PWMAX is an error. */
int	pwhash_verify(const char *stored, const char *pw, size_t pwlen,
	    uint8_t kek[PWHASH_KEYLEN]);
/* Parameters of a stored string (to tell when to rehash): 0 ok, -1
   malformed.  The range is not checked here: see pwhash_params_ok. */
int	pwhash_params_of(const char *stored, struct pwhash_params *);
/* 1 in the sane range (logn 10..22, r 1..32, p 1..16, memory <= 1 GiB),
   0 otherwise. */
int	pwhash_params_ok(const struct pwhash_params *);
/* 1 when the two sets of parameters are the same. */
int	pwhash_params_eq(const struct pwhash_params *,
	    const struct pwhash_params *);
/* Bytes of memory one hash with these parameters needs (128 * r * N). */
uint64_t pwhash_params_mem(const struct pwhash_params *);

/*
 * Building blocks, shared with keywrap.c, the tests and the benchmark.
 */
/* Raw scrypt through OpenSSL's KDF; any N = 2^logn with logn 1..30. */
int	pwhash_scrypt(const struct pwhash_params *, const uint8_t *pw,
	    size_t pwlen, const uint8_t *salt, size_t saltlen, uint8_t *out,
	    size_t outlen);
/* HKDF-SHA256 (extract and expand, no salt) with a text info string. */
int	pwhash_hkdf(const uint8_t *ikm, size_t ikmlen, const char *info,
	    uint8_t *out, size_t outlen);
/* Fill buf from getrandom(); 0 ok, -1 error. */
int	pwhash_random(void *buf, size_t len);

#endif
