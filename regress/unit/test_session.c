/*
 * smsg-auth's session table: tokens, kinds, expiry, bounds.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "session.h"
#include "tap.h"

#define IDLE	600
#define LIFE	3600
#define T0	1700000000

static struct account	 acct;
static struct userkeys	 keys;

static struct session *
mk(uint32_t uid, int pending, time_t now, char token[SESSION_TOKENLEN])
{
	memset(&acct, 0, sizeof(acct));
	acct.uid = uid;
	snprintf(acct.name, sizeof(acct.name), "user%u", uid);
	return session_new(&acct, "192.0.2.1", "test agent", &keys, pending,
	    now, token);
}

static void
test_b64url(void)
{
	char	 out[16];

	b64url_encode((const uint8_t *)"f", 1, out, sizeof(out));
	tap_ok(strcmp(out, "Zg") == 0, "base64url f");
	b64url_encode((const uint8_t *)"foob", 4, out, sizeof(out));
	tap_ok(strcmp(out, "Zm9vYg") == 0, "base64url foob");
	b64url_encode((const uint8_t *)"\xfb\xff", 2, out, sizeof(out));
	tap_ok(strcmp(out, "-_8") == 0, "base64url uses - and _");
	tap_ok(b64url_encode((const uint8_t *)"foob", 4, out, 6) == -1,
	    "base64url refuses a short buffer");
}

static void
test_tokens(void)
{
	struct session	*s, *p;
	char		 t1[SESSION_TOKENLEN], t2[SESSION_TOKENLEN];
	char		 wrong[SESSION_TOKENLEN];

	memset(keys.x25519_priv, 0xaa, KEY_LEN);
	s = mk(1, 0, T0, t1);
	tap_ok(s != NULL && strlen(t1) == 43, "a token is 43 characters");
	tap_ok(strlen(s->csrf) == 43, "a csrf token is 43 characters");
	tap_ok(s->keys.x25519_priv[0] == 0xaa, "the session holds the keys");
	tap_ok(session_find(t1, 0, T0 + 1) == s, "found by its token");
	tap_ok(memcmp(s->hash, t1, 32) != 0, "the token is kept hashed");
	strlcpy(wrong, t1, sizeof(wrong));
	wrong[5] = wrong[5] == 'A' ? 'B' : 'A';
	tap_ok(session_find(wrong, 0, T0 + 1) == NULL, "a changed token fails");
	tap_ok(session_find("short", 0, T0 + 1) == NULL, "a short token fails");
	tap_ok(session_find(t1, 1, T0 + 1) == NULL,
	    "a session token is not a pending token");
	p = mk(1, 1, T0, t2);
	tap_ok(strcmp(t1, t2) != 0, "every token is fresh");
	tap_ok(session_find(t2, 0, T0 + 1) == NULL,
	    "a pending token is not a session token");
	tap_ok(session_find(t2, 1, T0 + 1) == p, "a pending token is found");
	tap_ok(session_by_id(p->id, T0 + 1) == NULL,
	    "a pending sign-in is not found by id");
	tap_ok(session_find(t2, 1, T0 + PENDING_LIFETIME) == NULL,
	    "a pending token lasts five minutes");
	tap_ok(session_by_id(s->id, T0 + 1) == s && s->id != 0, "found by its id");
	tap_ok(sessions_count(1) == 1, "the user has one session");
	session_end(s);
	tap_ok(session_find(t1, 0, T0 + 2) == NULL, "an ended session is gone");
	tap_ok(sessions_total() == 0, "the table is empty");
}

static void
test_expiry(void)
{
	struct session	*s;
	char		 t[SESSION_TOKENLEN];
	time_t		 now;

	s = mk(2, 0, T0, t);
	tap_ok(session_expires(s) == T0 + IDLE, "idle expiry first");
	for (now = T0; now < T0 + LIFE - 10; now += IDLE / 2) {
		if ((s = session_find(t, 0, now)) == NULL)
			break;
		session_touch(s, now);
	}
	tap_ok(s != NULL, "use keeps a session alive");
	tap_ok(session_find(t, 0, T0 + LIFE) == NULL,
	    "no session lives beyond its lifetime");
	s = mk(2, 0, T0, t);
	tap_ok(session_find(t, 0, T0 + IDLE) == NULL,
	    "an idle session expires");
	mk(2, 0, T0, t);
	mk(3, 0, T0 + 100, t);
	sessions_purge(T0 + IDLE + 50);
	tap_ok(sessions_total() == 1 && sessions_count(3) == 1,
	    "the timer purges only expired sessions");
	sessions_clear();
}

static void
test_by_id_expiry(void)
{
	struct session	*s;
	char		 t[SESSION_TOKENLEN];
	uint64_t	 id;

	s = mk(4, 0, T0, t);
	id = s->id;
	tap_ok(session_by_id(id, T0 + IDLE - 1) == s,
	    "by id: found while alive");
	tap_ok(session_by_id(id, T0 + IDLE) == NULL,
	    "by id: an expired session is not found");
	tap_ok(sessions_total() == 0 && session_find(t, 0, T0) == NULL,
	    "by id: the expired session is ended");
}

/* The built-in bounds, at full size: a per-user limit and a full table. */
static void
test_bounds(void)
{
	struct session	*first;
	char		 t[SESSION_TOKENLEN], t0[SESSION_TOKENLEN];
	uint32_t	 i;
	int		 ok = 1;

	first = mk(5, 0, T0, t0);
	for (i = 1; i < SESSION_PER_USER; i++)
		mk(5, 0, T0 + i, t);
	tap_ok(sessions_count(5) == SESSION_PER_USER,
	    "%d sessions for one user", SESSION_PER_USER);
	tap_ok(session_find(t0, 0, T0 + 30) == first, "the first is alive");
	mk(5, 0, T0 + 30, t);
	tap_ok(sessions_count(5) == SESSION_PER_USER &&
	    session_find(t0, 0, T0 + 31) == NULL,
	    "one more ends the user's oldest");
	tap_ok(sessions_end_user(5, NULL) == SESSION_PER_USER &&
	    sessions_total() == 0, "ending a user's sessions");
	for (i = 0; i < SESSION_MAX; i++)
		if (mk(100 + i, 0, T0, t) == NULL)
			ok = 0;
	tap_ok(ok && sessions_total() == SESSION_MAX, "%d sessions in all",
	    SESSION_MAX);
	errno = 0;
	tap_ok(mk(7, 0, T0, t) == NULL && errno == EBUSY,
	    "a full table refuses one more (EBUSY)");
	tap_ok(sessions_total() == SESSION_MAX && sessions_count(100) == 1,
	    "... and ends nobody's session");
	sessions_clear();
	tap_ok(sessions_total() == 0, "clear ends everything");
}

/*
 * Small bounds set for the test: 4 per user, 2 of them pending; 6 in
 * all, 3 pending.
 */
static void
test_small_table(void)
{
	struct session	*a[4], *p[3], *s;
	char		 t[SESSION_TOKENLEN], tp[3][SESSION_TOKENLEN];
	uint64_t	 id0;
	int		 i;

	sessions_limits(4, 6, 2, 3);
	for (i = 0; i < 3; i++)
		a[i] = mk(10, 0, T0 + i, t);
	p[0] = mk(10, 1, T0 + 3, tp[0]);
	tap_ok(p[0] != NULL && sessions_count(10) == 3 && sessions_total() == 4,
	    "a pending sign-in counts toward the user's limit");
	a[3] = mk(10, 0, T0 + 4, t);
	tap_ok(a[3] != NULL && session_find(tp[0], 1, T0 + 4) == NULL &&
	    sessions_count(10) == 4,
	    "a full user: a new session ends the user's pending one first");
	errno = 0;
	p[1] = mk(10, 1, T0 + 5, tp[1]);
	tap_ok(p[1] == NULL && errno == EBUSY && sessions_count(10) == 4,
	    "a pending sign-in never ends a signed-in session");
	id0 = a[0]->id;
	s = mk(10, 0, T0 + 6, t);
	tap_ok(s != NULL && sessions_count(10) == 4 &&
	    session_by_id(id0, T0 + 6) == NULL &&
	    session_by_id(a[1]->id, T0 + 6) == a[1],
	    "a new session of a full user ends that user's oldest");
	sessions_end_user(10, NULL);

	p[0] = mk(11, 1, T0, tp[0]);
	p[1] = mk(11, 1, T0 + 1, tp[1]);
	p[2] = mk(11, 1, T0 + 2, tp[2]);
	tap_ok(p[2] != NULL && session_find(tp[0], 1, T0 + 3) == NULL &&
	    session_find(tp[1], 1, T0 + 3) == p[1],
	    "a third pending sign-in ends the user's oldest pending one");
	tap_ok(mk(12, 1, T0 + 3, t) != NULL, "pending sign-ins of another");
	errno = 0;
	tap_ok(mk(13, 1, T0 + 4, t) == NULL && errno == EBUSY,
	    "the pending cap refuses one more (EBUSY)");
	tap_ok(session_find(tp[1], 1, T0 + 4) == p[1] &&
	    session_find(tp[2], 1, T0 + 4) == p[2],
	    "... and ends no one else's pending sign-in");
	tap_ok(mk(13, 0, T0 + 4, t) != NULL && mk(14, 0, T0 + 4, t) != NULL &&
	    mk(16, 0, T0 + 4, t) != NULL && sessions_total() == 6,
	    "full sessions fill the rest of the table");
	errno = 0;
	tap_ok(mk(15, 0, T0 + 5, t) == NULL && errno == EBUSY &&
	    sessions_total() == 6, "a full table refuses a new user");
	tap_ok(mk(15, 0, T0 + 3 + PENDING_LIFETIME, t) != NULL &&
	    sessions_total() == 4, "expired pending sign-ins make room");
	sessions_clear();
	sessions_limits(SESSION_PER_USER, SESSION_MAX, PENDING_PER_USER,
	    PENDING_MAX);
}

int
main(void)
{
	(void)tap_skip;
	(void)tap_diag;
	sessions_init(IDLE, LIFE);
	test_b64url();
	test_tokens();
	test_expiry();
	test_by_id_expiry();
	test_bounds();
	test_small_table();
	return tap_done();
}
