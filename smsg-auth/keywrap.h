/*
 * Custody of a user's key pairs: X25519 (encryption) and Ed25519
 * (signing), the private halves sealed with ChaCha20-Poly1305 under a
 * key derived from the password (pwhash.h) or from a recovery key.
 * Every function is thread safe.
 */
#ifndef SMSG_KEYWRAP_H
#define SMSG_KEYWRAP_H

#include <stddef.h>
#include <stdint.h>

#define KEY_LEN		32
struct userkeys {		/* raw keys */
	uint8_t	x25519_pub[KEY_LEN], x25519_priv[KEY_LEN];
	uint8_t	ed25519_pub[KEY_LEN], ed25519_priv[KEY_LEN];
};

#define WRAP_NONCELEN	12
#define WRAP_TAGLEN	16
#define WRAPPED_LEN	(WRAP_NONCELEN + 2 * KEY_LEN + WRAP_TAGLEN)
				/* nonce, sealed private halves, tag */
#define KEYWRAP_ADMAX	256	/* longest associated data (user name) */

/* Fetch the cipher once; call before chroot and sandbox.  0 ok, -1. */
int	keywrap_init(void);

/* Fresh key pairs from OpenSSL's generator.  0 ok, -1 error. */
int	userkeys_generate(struct userkeys *);
void	userkeys_clear(struct userkeys *);	/* explicit_bzero */
/* ChaCha20-Poly1305 under key, associated data ad (the user name); fresh
   nonce from getrandom().  0 ok, -1 error. */
int	keywrap_seal(const uint8_t key[KEY_LEN], const char *ad,
	    const struct userkeys *, uint8_t out[WRAPPED_LEN]);
/* 0 ok (private halves filled; public halves untouched), -1 wrong
   key/ad/tampered (private halves zeroed). */
int	keywrap_open(const uint8_t key[KEY_LEN], const char *ad,
	    const uint8_t in[WRAPPED_LEN], struct userkeys *);
/* Check the private halves match the public ones (after unwrapping):
   0 both pairs match, -1 otherwise. */
int	userkeys_check(const struct userkeys *);

/* Recovery key: 160 random bits, shown as 8 groups of 4 base32 chars joined
   by '-' (e.g. "ABCD-EFGH-..."), and the 32-byte wrapping key derived from
   it with HKDF-SHA256 ("smsg recovery key v1"; its entropy makes a slow
   hash unneeded). */
#define RECKEY_TEXTLEN	40	/* 39 characters and the NUL */
#define RECKEY_INMAX	128	/* longest text reckey_derive reads */
int	reckey_generate(char text[RECKEY_TEXTLEN], uint8_t key[KEY_LEN]);
/* Accepts lower case, spaces or no dashes; -1 malformed. */
int	reckey_derive(const char *text, uint8_t key[KEY_LEN]);

#endif
