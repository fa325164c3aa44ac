/*
 * The per-session cache of opened content keys (msgcache.h).  Entries
 * hang off their session, for its bound and its end, and off one list in
 * order of use, for the bounds in all.
 */
#include "config.h"

#include <openssl/evp.h>

#include <stdlib.h>
#include <string.h>

#include "msgcache.h"
#include "session.h"

TAILQ_HEAD(mclru, mcentry);

static struct {
	struct mclru	 lru;
	size_t		 n;
	size_t		 bytes;
	uint64_t	 hits;
} C = { TAILQ_HEAD_INITIALIZER(C.lru), 0, 0, 0 };

/* SHA-256 of what the front presented; -1 when it cannot be made. */
int
msgcache_digest(const uint8_t *p, size_t len,
    uint8_t d[MSGCACHE_DIGESTLEN])
{
	unsigned int	 dl = MSGCACHE_DIGESTLEN;

	return EVP_Digest(p, len, d, &dl, EVP_sha256(), NULL) == 1 &&
	    dl == MSGCACHE_DIGESTLEN ? 0 : -1;
}

static void
entry_drop(struct mcentry *e)
{
	LIST_REMOVE(e, bysess);
	TAILQ_REMOVE(&C.lru, e, lru);
	e->sess->nmcache--;
	C.n--;
	C.bytes -= e->size;
	freezero(e, e->size);	/* the content key, the names */
}

const struct mcentry *
msgcache_get(struct session *s, const uint8_t id[MC_IDLEN],
    const uint8_t d[MSGCACHE_DIGESTLEN])
{
	struct mcentry	*e;

	LIST_FOREACH(e, &s->mcache, bysess)
		if (memcmp(e->id, id, MC_IDLEN) == 0 &&
		    memcmp(e->digest, d, MSGCACHE_DIGESTLEN) == 0)
			break;
	if (e == NULL)
		return NULL;
	TAILQ_REMOVE(&C.lru, e, lru);
	TAILQ_INSERT_TAIL(&C.lru, e, lru);
	C.hits++;
	return e;
}

/* The session's least recently used entry. */
static struct mcentry *
session_oldest(struct session *s)
{
	struct mcentry	*e;

	TAILQ_FOREACH(e, &C.lru, lru)
		if (e->sess == s)
			return e;
	return NULL;
}

/* Room for one more entry of size bytes for s, evicting as needed. */
static void
make_room(struct session *s, size_t size)
{
	struct mcentry	*e;

	if (s->nmcache >= MSGCACHE_PER_SESSION &&
	    (e = session_oldest(s)) != NULL)
		entry_drop(e);
	while ((C.n >= MSGCACHE_MAX || C.bytes + size > MSGCACHE_BYTES) &&
	    (e = TAILQ_FIRST(&C.lru)) != NULL)
		entry_drop(e);
}

/*
 * Keep what an unwrap gave for s: nnames names, the signer's first.  An
 * entry that cannot be made is no entry: the next request checks again.
 */
void
msgcache_put(struct session *s, const uint8_t id[MC_IDLEN],
    const uint8_t d[MSGCACHE_DIGESTLEN], const uint8_t ckey[MC_KEYLEN],
    const char *fp, uint32_t nnames, const msgcache_name *names)
{
	struct mcentry	*e;
	size_t		 size;

	if (nnames == 0 || nnames > MC_RCPT_MAX + 1 || s->pending)
		return;
	size = sizeof(*e) + nnames * sizeof(msgcache_name);
	make_room(s, size);
	if ((e = calloc(1, size)) == NULL)
		return;
	e->sess = s;
	e->size = size;
	memcpy(e->id, id, MC_IDLEN);
	memcpy(e->digest, d, MSGCACHE_DIGESTLEN);
	memcpy(e->ckey, ckey, MC_KEYLEN);
	strlcpy(e->fp, fp, sizeof(e->fp));
	e->nnames = nnames;
	memcpy(e->name, names, nnames * sizeof(msgcache_name));
	LIST_INSERT_HEAD(&s->mcache, e, bysess);
	TAILQ_INSERT_TAIL(&C.lru, e, lru);
	s->nmcache++;
	C.n++;
	C.bytes += size;
}

/* s ends: every key it opened goes with it. */
void
msgcache_session_end(struct session *s)
{
	struct mcentry	*e;

	while ((e = LIST_FIRST(&s->mcache)) != NULL)
		entry_drop(e);
}

/* Every session of uid forgets (its password changed). */
void
msgcache_forget_user(uint32_t uid)
{
	struct mcentry	*e, *next;

	TAILQ_FOREACH_SAFE(e, &C.lru, lru, next)
		if (e->sess->uid == uid)
			entry_drop(e);
}

/* An account is gone or has new keys: no entry may show it again. */
void
msgcache_forget_all(void)
{
	struct mcentry	*e;

	while ((e = TAILQ_FIRST(&C.lru)) != NULL)
		entry_drop(e);
}

/* Entries of s, or of every session when s is NULL. */
size_t
msgcache_entries(const struct session *s)
{
	return s != NULL ? s->nmcache : C.n;
}

size_t
msgcache_bytes(void)
{
	return C.bytes;
}

uint64_t
msgcache_hits(void)
{
	return C.hits;
}
