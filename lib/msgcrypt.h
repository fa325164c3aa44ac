/*
 * Message cryptography (OpenSSL 3 EVP only).
 *
 * Content: each stream of a message (subject, body, every file) is cut
 * into 64 KiB chunks sealed with ChaCha20-Poly1305 (the STREAM
 * construction of age and libsodium's secretstream).  The stream key is
 * HKDF-SHA256 of the message's random content key, the message id and
 * the stream number; a chunk's nonce is its index and a last-chunk flag;
 * the associated data is the message id, the unlock time and the stream
 * number.  Reordered, dropped, duplicated, truncated or altered chunks,
 * a wrong key, id or unlock time: opening fails.
 *
 * Keys: the content key is wrapped for each reader with an ephemeral
 * X25519 agreement, HKDF-SHA256 and the same AEAD, binding message id,
 * recipient and unlock time.  The sender signs a canonical encoding of
 * the header, which carries the SHA-256 of every sealed chunk in order.
 *
 * Every secret is zeroed after use.  Thread safe.
 */
#ifndef SMSG_MSGCRYPT_H
#define SMSG_MSGCRYPT_H

#include <stddef.h>
#include <stdint.h>

#define MC_KEYLEN	32		/* content keys, X25519, Ed25519 */
#define MC_IDLEN	16		/* a message id: 128 random bits */
#define MC_IDTEXTLEN	23		/* base64url, 22 characters, NUL */
#define MC_CHUNK	65536		/* plaintext bytes of a full chunk */
#define MC_TAGLEN	16
#define MC_SEALED_MAX	(MC_CHUNK + MC_TAGLEN)
#define MC_WRAPLEN	(MC_KEYLEN + MC_KEYLEN + MC_TAGLEN)
				/* ephemeral public, sealed key, tag */
#define MC_SIGLEN	64
#define MC_DIGESTLEN	32
#define MC_FPTEXTLEN	65		/* key fingerprint: hex of SHA-256 */
#define MC_SAFETYLEN	72		/* 12 groups of 5 digits, spaces */

#define MC_RCPT_MAX	256		/* recipients of one message */
#define MC_STREAM_MAX	66		/* subject, body, 64 files */
#define MC_FILEHEAD_MAX	512		/* a file stream's sealed head:
					   name and type (smsg-front) */

/* Header flags. */
#define MC_F_DELETE_AFTER_READ	0x0001
#define MC_F_BROADCAST		0x0002
#define MC_F_SYSTEM		0x0004
#define MC_F_ALL		0x0007

/* What the sender signs; sizes are sealed bytes per stream. */
struct mc_header {
	uint8_t		 id[MC_IDLEN];
	uint32_t	 sender;
	uint32_t	 nrcpt;
	uint32_t	 rcpt[MC_RCPT_MAX];
	uint64_t	 created;
	uint64_t	 unlock;		/* 0: not time-locked */
	uint64_t	 expires;
	uint32_t	 nstreams;
	uint64_t	 sizes[MC_STREAM_MAX];
	uint32_t	 flags;
	uint8_t		 digest[MC_DIGESTLEN];
};

/* One stream, opened for sealing or for opening, chunk by chunk. */
struct mc_stream {
	uint8_t		 key[MC_KEYLEN];
	uint8_t		 ad[64];
	size_t		 adlen;
	uint64_t	 next;		/* index of the next chunk */
	int		 done;		/* the last chunk went through */
	int		 failed;
};

int	msgcrypt_init(void);		/* before chroot; 0 or -1 */
int	msgcrypt_random(void *, size_t);

/* Message ids. */
int	msgid_new(uint8_t [MC_IDLEN]);
void	msgid_text(const uint8_t [MC_IDLEN], char [MC_IDTEXTLEN]);
int	msgid_parse(const char *, uint8_t [MC_IDLEN]);

/* Streams: 0 ok, -1 failure (the stream is then dead). */
int	mc_stream_init(struct mc_stream *, const uint8_t [MC_KEYLEN],
	    const uint8_t [MC_IDLEN], uint64_t, uint32_t);
int	mc_stream_seal(struct mc_stream *, const uint8_t *, size_t, int,
	    uint8_t *, size_t *);
int	mc_stream_open(struct mc_stream *, const uint8_t *, size_t, int,
	    uint8_t *, size_t *);
int	mc_stream_finished(const struct mc_stream *);
void	mc_stream_clear(struct mc_stream *);

/* The ciphertext digest: every sealed chunk, in stream order. */
struct mc_digest;
struct mc_digest *mc_digest_new(void);
int	mc_digest_chunk(struct mc_digest *, uint32_t, uint64_t,
	    const uint8_t *, size_t);
int	mc_digest_final(struct mc_digest *, uint8_t [MC_DIGESTLEN]);
void	mc_digest_free(struct mc_digest *);

/* Key wrap for one recipient (uid) with their X25519 public key. */
int	mc_wrap(const uint8_t [MC_KEYLEN], const uint8_t [MC_KEYLEN],
	    const uint8_t [MC_IDLEN], uint32_t, uint64_t,
	    uint8_t [MC_WRAPLEN]);
int	mc_unwrap(const uint8_t [MC_WRAPLEN], const uint8_t [MC_KEYLEN],
	    const uint8_t [MC_IDLEN], uint32_t, uint64_t,
	    uint8_t [MC_KEYLEN]);

/*
 * A private key parsed once and kept (by a session) for many wraps and
 * signatures; freeing it cleanses it.
 */
#define MC_KEY_X25519	1
#define MC_KEY_ED25519	2
struct mc_key;
struct mc_key *mc_key_new(int, const uint8_t [MC_KEYLEN]);
void	mc_key_free(struct mc_key *);

/* One ephemeral key for n readers: uids rcpt, keys rpub, n wraps out. */
int	mc_wrap_all(const uint8_t [MC_KEYLEN], uint32_t,
	    const uint8_t (*)[MC_KEYLEN], const uint8_t [MC_IDLEN],
	    const uint32_t *, uint64_t, uint8_t (*)[MC_WRAPLEN]);
int	mc_unwrap_key(const uint8_t [MC_WRAPLEN], const struct mc_key *,
	    const uint8_t [MC_IDLEN], uint32_t, uint64_t,
	    uint8_t [MC_KEYLEN]);

/* Header signature with Ed25519. */
int	mc_header_encode(const struct mc_header *, uint8_t *, size_t,
	    size_t *);
int	mc_sign(const struct mc_header *, const uint8_t [MC_KEYLEN],
	    uint8_t [MC_SIGLEN]);
int	mc_sign_key(const struct mc_header *, const struct mc_key *,
	    uint8_t [MC_SIGLEN]);
int	mc_verify(const struct mc_header *, const uint8_t [MC_KEYLEN],
	    const uint8_t [MC_SIGLEN]);

/* A user's key fingerprint, and the safety number of two users. */
int	mc_fingerprint(const uint8_t [MC_KEYLEN], const uint8_t [MC_KEYLEN],
	    char [MC_FPTEXTLEN]);
int	mc_safety_number(const char *, const uint8_t [MC_KEYLEN],
	    const uint8_t [MC_KEYLEN], const char *,
	    const uint8_t [MC_KEYLEN], const uint8_t [MC_KEYLEN],
	    char [MC_SAFETYLEN]);

#endif
