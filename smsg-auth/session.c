/*
 * The session table: a tree by token hash for lookups and a list in
 * creation order, so that a user's oldest session is the one ended when
 * that user's bound is reached.
 */
#include "config.h"

/* libbsd's sys/tree.h marks its static functions so. */
#ifndef __unused
#define __unused	__attribute__((unused))
#endif

#include <openssl/evp.h>
#include <openssl/sha.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "session.h"

RB_HEAD(sesstree, session);
TAILQ_HEAD(sessq, session);

static struct {
	struct sesstree	 tree;
	struct sessq	 list;
	size_t		 n;
	size_t		 npending;
	uint32_t	 idle;
	uint32_t	 lifetime;
	size_t		 per_user, max, pending_per_user, pending_max;
} S = {
	RB_INITIALIZER(&S.tree), TAILQ_HEAD_INITIALIZER(S.list), 0, 0, 0, 0,
	SESSION_PER_USER, SESSION_MAX, PENDING_PER_USER, PENDING_MAX
};

static int
session_cmp(const struct session *a, const struct session *b)
{
	return memcmp(a->hash, b->hash, SESSION_HASHLEN);
}

RB_GENERATE_STATIC(sesstree, session, byhash, session_cmp)

void
sessions_init(uint32_t idle, uint32_t lifetime)
{
	S.idle = idle;
	S.lifetime = lifetime;
}

/* Other bounds than the built-in ones (the unit test's small table). */
void
sessions_limits(size_t per_user, size_t max, size_t pending_per_user,
    size_t pending_max)
{
	S.per_user = per_user;
	S.max = max;
	S.pending_per_user = pending_per_user;
	S.pending_max = pending_max;
}

/* End every session: at exit, so no key outlives the process's use. */
void
sessions_clear(void)
{
	struct session	*s;

	while ((s = TAILQ_FIRST(&S.list)) != NULL)
		session_end(s);
}

/* RFC 4648 section 5, without padding.  0 ok, -1 does not fit. */
int
b64url_encode(const uint8_t *in, size_t len, char *out, size_t outsz)
{
	static const char abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789-_";
	size_t	 i, o = 0, bits = 0;
	uint32_t acc = 0;

	if (len > (SIZE_MAX - 2) / 4 || outsz < (len * 4 + 2) / 3 + 1)
		return -1;
	for (i = 0; i < len; i++) {
		acc = (acc << 8) | in[i];
		bits += 8;
		while (bits >= 6) {
			bits -= 6;
			out[o++] = abc[(acc >> bits) & 0x3f];
		}
	}
	if (bits > 0)
		out[o++] = abc[(acc << (6 - bits)) & 0x3f];
	out[o] = '\0';
	return 0;
}

int
token_hash(const char *token, uint8_t hash[SESSION_HASHLEN])
{
	unsigned int	 len = SESSION_HASHLEN;

	return EVP_Digest(token, strlen(token), hash, &len, EVP_sha256(),
	    NULL) == 1 && len == SESSION_HASHLEN ? 0 : -1;
}

/* A fresh random token and its hash. */
int
token_new(char token[SESSION_TOKENLEN], uint8_t hash[SESSION_HASHLEN])
{
	uint8_t	 raw[SESSION_RAWLEN];
	int	 r;

	arc4random_buf(raw, sizeof(raw));
	r = b64url_encode(raw, sizeof(raw), token, SESSION_TOKENLEN);
	explicit_bzero(raw, sizeof(raw));
	if (r == 0 && hash != NULL)
		r = token_hash(token, hash);
	return r;
}

uint64_t
session_expires(const struct session *s)
{
	uint64_t idle, abs;

	if (s->pending)
		return s->created + PENDING_LIFETIME;
	idle = s->last_seen + S.idle;
	abs = s->created + S.lifetime;
	return idle < abs ? idle : abs;
}

static void	(*on_end)(uint64_t);

void
sessions_on_end(void (*fn)(uint64_t))
{
	on_end = fn;
}

void
session_end(struct session *s)
{
	if (on_end != NULL && !s->pending)
		on_end(s->id);
	RB_REMOVE(sesstree, &S.tree, s);
	TAILQ_REMOVE(&S.list, s, entry);
	S.n--;
	if (s->pending)
		S.npending--;
	mc_key_free(s->sign_key);
	msgcache_session_end(s);
	freezero(s, sizeof(*s));	/* the keys, the csrf secret */
}

static int
session_id_taken(uint64_t id)
{
	struct session	*s;

	TAILQ_FOREACH(s, &S.list, entry)
		if (s->id == id)
			return 1;
	return 0;
}

/* uid's oldest session of this kind (pending or not, or either: -1). */
static struct session *
session_oldest(uint32_t uid, int pending)
{
	struct session	*s;

	TAILQ_FOREACH(s, &S.list, entry)
		if (s->uid == uid && (pending == -1 || s->pending == pending))
			return s;
	return NULL;
}

static size_t
sessions_of(uint32_t uid, int pending)
{
	struct session	*s;
	size_t		 n = 0;

	TAILQ_FOREACH(s, &S.list, entry)
		if (s->uid == uid && (pending == -1 || s->pending == pending))
			n++;
	return n;
}

/*
 * Room for one more session of uid: expired ones go first, then, over
 * the user's own bounds, the user's oldest (a pending sign-in, which
 * proves only the password, ends only pending ones).  Never anyone
 * else's: -1 when the table is full.
 */
static int
session_make_room(uint32_t uid, int pending, time_t now)
{
	struct session	*s;

	sessions_purge(now);
	if (pending && sessions_of(uid, 1) >= S.pending_per_user &&
	    (s = session_oldest(uid, 1)) != NULL)
		session_end(s);
	if (sessions_of(uid, -1) >= S.per_user) {
		if ((s = session_oldest(uid, 1)) == NULL && !pending)
			s = session_oldest(uid, 0);
		if (s == NULL)
			return -1;
		session_end(s);
	}
	if (S.n >= S.max || (pending && S.npending >= S.pending_max))
		return -1;
	return 0;
}

static void
session_fill(struct session *s, const struct account *a, const char *addr,
    const char *agent, const struct userkeys *keys, int pending, time_t now)
{
	s->pending = pending;
	s->uid = a->uid;
	strlcpy(s->name, a->name, sizeof(s->name));
	strlcpy(s->addr, addr, sizeof(s->addr));
	strlcpy(s->agent, agent, sizeof(s->agent));
	s->created = s->last_seen = now;
	memcpy(&s->keys, keys, sizeof(s->keys));
	do
		arc4random_buf(&s->id, sizeof(s->id));
	while (s->id == 0 || session_id_taken(s->id));
}

/*
 * A new session for a, holding a copy of keys; its token is written to
 * token, which the caller hands out and forgets.  NULL with errno EBUSY
 * when a bound refuses it, ENOMEM (or another) when it could not be made.
 */
struct session *
session_new(const struct account *a, const char *addr, const char *agent,
    const struct userkeys *keys, int pending, time_t now,
    char token[SESSION_TOKENLEN])
{
	struct session	*s;
	struct userkeys	 k;
	uint8_t		 csrf[SESSION_RAWLEN];

	/* keys may live in a session that making room ends. */
	memset(&k, 0, sizeof(k));
	if (keys != NULL)
		memcpy(&k, keys, sizeof(k));
	if (session_make_room(a->uid, pending, now) == -1) {
		explicit_bzero(&k, sizeof(k));
		errno = EBUSY;
		return NULL;
	}
	if ((s = calloc(1, sizeof(*s))) == NULL) {
		explicit_bzero(&k, sizeof(k));
		return NULL;
	}
	arc4random_buf(csrf, sizeof(csrf));
	if (token_new(token, s->hash) == -1 ||
	    b64url_encode(csrf, sizeof(csrf), s->csrf, sizeof(s->csrf)) ==
	    -1 || RB_INSERT(sesstree, &S.tree, s) != NULL) {
		explicit_bzero(csrf, sizeof(csrf));
		explicit_bzero(&k, sizeof(k));
		explicit_bzero(token, SESSION_TOKENLEN);
		freezero(s, sizeof(*s));
		errno = EINVAL;
		return NULL;
	}
	explicit_bzero(csrf, sizeof(csrf));
	session_fill(s, a, addr, agent, &k, pending, now);
	explicit_bzero(&k, sizeof(k));
	TAILQ_INSERT_TAIL(&S.list, s, entry);
	S.n++;
	if (pending)
		S.npending++;
	return s;
}

/*
 * The live session of this token and kind (pending or not), or NULL.
 * An expired one found here is ended.
 */
struct session *
session_find(const char *token, int pending, time_t now)
{
	struct session	 key, *s;

	if (strlen(token) != SESSION_TOKENLEN - 1 ||
	    token_hash(token, key.hash) == -1)
		return NULL;
	if ((s = RB_FIND(sesstree, &S.tree, &key)) == NULL)
		return NULL;
	if (session_expires(s) <= (uint64_t)now) {
		session_end(s);
		return NULL;
	}
	return s->pending == pending ? s : NULL;
}

/* The live session with this id, or NULL; an expired one is ended. */
struct session *
session_by_id(uint64_t id, time_t now)
{
	struct session	*s;

	TAILQ_FOREACH(s, &S.list, entry)
		if (s->id == id && !s->pending)
			break;
	if (s == NULL)
		return NULL;
	if (session_expires(s) <= (uint64_t)now) {
		session_end(s);
		return NULL;
	}
	return s;
}

struct session *
session_first(void)
{
	return TAILQ_FIRST(&S.list);
}

struct session *
session_next(struct session *s)
{
	return TAILQ_NEXT(s, entry);
}

void
session_touch(struct session *s, time_t now)
{
	if ((uint64_t)now > s->last_seen)
		s->last_seen = now;
}

/* End uid's sessions (pending ones too) except keep; how many ended. */
size_t
sessions_end_user(uint32_t uid, const struct session *keep)
{
	struct session	*s, *next;
	size_t		 n = 0;

	TAILQ_FOREACH_SAFE(s, &S.list, entry, next)
		if (s->uid == uid && s != keep) {
			session_end(s);
			n++;
		}
	return n;
}

/* uid's sessions, not counting pending sign-ins. */
size_t
sessions_count(uint32_t uid)
{
	return sessions_of(uid, 0);
}

size_t
sessions_total(void)
{
	return S.n;
}

void
sessions_purge(time_t now)
{
	struct session	*s, *next;

	TAILQ_FOREACH_SAFE(s, &S.list, entry, next)
		if (session_expires(s) <= (uint64_t)now)
			session_end(s);
}
