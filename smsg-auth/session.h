/*
 * Sessions, in memory only: the unwrapped private keys of a user live
 * here and nowhere else, so a restart of smsg-auth ends every session.
 * Main thread only.
 *
 * A session is known to the front by a 256-bit random token (base64url,
 * 43 characters) and kept here as the token's SHA-256.  A "pending"
 * session is a right password waiting for its second factor: its own
 * token, five minutes, three tries.
 *
 * Bounds: a user holds at most SESSION_PER_USER sessions, pending ones
 * included, of which at most PENDING_PER_USER pending; the table holds
 * at most SESSION_MAX, of which at most PENDING_MAX pending.  A full
 * table refuses (EBUSY); it never ends another user's session.
 */
#ifndef SMSG_AUTH_SESSION_H
#define SMSG_AUTH_SESSION_H

#include <sys/queue.h>
#include <sys/tree.h>

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "account.h"
#include "keywrap.h"
#include "msgcrypt.h"
#include "msgcache.h"

#define SESSION_RAWLEN		32	/* random bytes of a token */
#define SESSION_TOKENLEN	44	/* base64url of 32 bytes, and NUL */
#define SESSION_HASHLEN		32
#define SESSION_PER_USER	20
#define SESSION_MAX		10000
#define SESSION_ADDRMAX		64
#define SESSION_AGENTMAX	256
#define PENDING_LIFETIME	300
#define PENDING_TRIES		3
#define PENDING_PER_USER	3
#define PENDING_MAX		500

struct session {
	RB_ENTRY(session)	 byhash;
	TAILQ_ENTRY(session)	 entry;		/* oldest first */
	uint8_t			 hash[SESSION_HASHLEN];
	uint64_t		 id;		/* public, for lists */
	int			 pending;
	int			 tries;		/* wrong codes so far */
	uint32_t		 uid;
	char			 name[ACCOUNT_NAME_MAX + 1];
	char			 csrf[SESSION_TOKENLEN];
	uint64_t		 created;
	uint64_t		 last_seen;
	char			 addr[SESSION_ADDRMAX];
	char			 agent[SESSION_AGENTMAX];
	struct userkeys		 keys;
	struct mc_key		*sign_key;	/* keys.ed25519_priv parsed
						   on first use; freed with
						   the session */
	struct mcentries	 mcache;	/* keys it opened (msgcache.h) */
	size_t			 nmcache;
};

void	 sessions_init(uint32_t, uint32_t);
void	 sessions_limits(size_t, size_t, size_t, size_t);
void	 sessions_clear(void);
struct session *session_new(const struct account *, const char *,
	    const char *, const struct userkeys *, int, time_t,
	    char [SESSION_TOKENLEN]);
struct session *session_find(const char *, int, time_t);
struct session *session_by_id(uint64_t, time_t);
struct session *session_first(void);
struct session *session_next(struct session *);
void	 session_touch(struct session *, time_t);
uint64_t session_expires(const struct session *);
void	 session_end(struct session *);
/* Called with each ended session (not pending ones); NULL: none. */
void	 sessions_on_end(void (*)(uint64_t id));
size_t	 sessions_end_user(uint32_t, const struct session *);
size_t	 sessions_count(uint32_t);
size_t	 sessions_total(void);
void	 sessions_purge(time_t);

int	 b64url_encode(const uint8_t *, size_t, char *, size_t);
int	 token_new(char [SESSION_TOKENLEN], uint8_t [SESSION_HASHLEN]);
int	 token_hash(const char *, uint8_t [SESSION_HASHLEN]);

#endif
