/*
 * The content keys a session has opened, so that opening a message again
 * (a second read, the subject in a list) costs neither the signature
 * check nor the key agreement.  An entry belongs to one session and is
 * found only by the message id together with the SHA-256 of exactly what
 * the front presented (sender, header, signature, wrapped key): a record
 * changed in the store never finds the entry made for the old one, and
 * goes through every check again.  The checks that depend on the time or
 * the asker (unlock time, reader) run on every request, hit or not.
 *
 * Bounds: MSGCACHE_PER_SESSION entries a session, MSGCACHE_MAX and
 * MSGCACHE_BYTES in all; the least recently used goes first.  An entry is
 * wiped when it goes: evicted, its session ended (logout, revoke, expiry,
 * an administrator's revocation, a password change), or any account
 * deleted or given new keys by an administrator (its name or its old
 * signatures must not come back from here).  Main thread only.
 */
#ifndef SMSG_AUTH_MSGCACHE_H
#define SMSG_AUTH_MSGCACHE_H

#include <sys/queue.h>

#include <stddef.h>
#include <stdint.h>

#include "account.h"
#include "msgcrypt.h"

#define MSGCACHE_DIGESTLEN	32
#define MSGCACHE_PER_SESSION	64	/* a list page of 50 fits */
#define MSGCACHE_MAX		4096
#define MSGCACHE_BYTES		(2 * 1024 * 1024)

struct session;

/* A name as auth shows it: at most ACCOUNT_NAME_MAX bytes and a NUL. */
typedef char	msgcache_name[ACCOUNT_NAME_MAX + 1];

struct mcentry {
	LIST_ENTRY(mcentry)	 bysess;
	TAILQ_ENTRY(mcentry)	 lru;		/* least recently used first */
	struct session		*sess;
	size_t			 size;
	uint8_t			 id[MC_IDLEN];
	uint8_t			 digest[MSGCACHE_DIGESTLEN];
	uint8_t			 ckey[MC_KEYLEN];
	char			 fp[MC_FPTEXTLEN];	/* the signer's */
	uint32_t		 nnames;
	msgcache_name		 name[];	/* the signer, the recipients */
};
LIST_HEAD(mcentries, mcentry);

int	 msgcache_digest(const uint8_t *, size_t,
	    uint8_t [MSGCACHE_DIGESTLEN]);
const struct mcentry *msgcache_get(struct session *,
	    const uint8_t [MC_IDLEN], const uint8_t [MSGCACHE_DIGESTLEN]);
void	 msgcache_put(struct session *, const uint8_t [MC_IDLEN],
	    const uint8_t [MSGCACHE_DIGESTLEN], const uint8_t [MC_KEYLEN],
	    const char *, uint32_t, const msgcache_name *);
void	 msgcache_session_end(struct session *);
void	 msgcache_forget_user(uint32_t);
void	 msgcache_forget_all(void);
size_t	 msgcache_entries(const struct session *);
size_t	 msgcache_bytes(void);
uint64_t msgcache_hits(void);

#endif
