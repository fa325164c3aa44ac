/*
 * smsg-auth's key operations for messages, through its dispatch on a
 * real account database and real sessions: public keys by name, a
 * content key wrapped for the recipients, a header signed with the
 * session's key, and unwrapped by a reader, with auth's own refusals
 * (locked, not a reader, a header changed after signing).  The cache of
 * opened keys (msgcache.h) as an attacker sees it: a changed header or
 * key misses it, another user's session never reaches it, a locked
 * message never enters it, it is bounded, and it goes with its session
 * (logout, expiry, the user's sessions ended, a password change) and
 * with any deleted account.
 */
#include "config.h"

#include <sys/socket.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>

#include "auth.h"
#include "authdb.h"
#include "log.h"
#include "msgcache.h"
#include "msgcrypt.h"
#include "msgheader.h"
#include "proc.h"
#include "tap.h"

static struct chan	 front;
static uint8_t		 answer[8192];
static size_t		 answerlen;

struct user {
	struct account	 a;
	struct userkeys	 k;
	char		 token[SESSION_TOKENLEN];
	struct session	*s;
};

static void
make_user(struct user *u, const char *name)
{
	DB_TXN	*txn;

	memset(u, 0, sizeof(*u));
	strlcpy(u->a.name, name, sizeof(u->a.name));
	strlcpy(u->a.pwhash, "$s1$0e0801$x$y", sizeof(u->a.pwhash));
	userkeys_generate(&u->k);
	memcpy(u->a.x25519_pub, u->k.x25519_pub, KEY_LEN);
	memcpy(u->a.ed25519_pub, u->k.ed25519_pub, KEY_LEN);
	txn = authdb_begin();
	account_new_uid(txn, &u->a.uid);
	account_put(txn, &u->a, 1);
	authdb_commit(txn);
	u->s = session_new(&u->a, "192.0.2.9", "agent", &u->k, 0,
	    time(NULL), u->token);
}

static struct event_base	*ask_base;

/* The request mb through auth's dispatch, as from. */
static void
dispatch_from(enum proc_id from, struct msgbuf *mb)
{
	struct msg	 m;

	memset(&m, 0, sizeof(m));
	m.type = mb->type;
	m.peerid = mb->peerid;
	m.fd = -1;
	m.data = mb->data;
	m.len = mb->len;
	auth_dispatch(from, &m);
	msg_free(mb);
	/* the answer leaves at the end of the loop turn (lib/proc.c) */
	event_base_loop(ask_base, EVLOOP_NONBLOCK);
}

/* The request mb (session prefix of u first) through auth; the answer. */
static uint32_t
ask(struct msgbuf *mb, uint32_t *code)
{
	struct msg	 ans;
	struct msgcur	 c;

	dispatch_from(PROC_FRONT, mb);
	*code = UINT32_MAX;
	answerlen = 0;
	if (chan_recvnow(&front, &ans, 1000) != 1 || ans.peerid != 91)
		return MSG_NONE;
	if (ans.len <= sizeof(answer)) {
		memcpy(answer, ans.data, ans.len);
		answerlen = ans.len;
	}
	if (ans.type == MSG_AUTH_FAIL) {
		msg_cursor(&ans, &c);
		msg_get_u32(&c, code);
	}
	return ans.type;
}

static void
start(struct msgbuf *mb, uint32_t type, const struct user *u)
{
	msg_init(mb, type, 91);
	msg_add_string(mb, u->token);
	msg_add_u8(mb, 0);
	msg_add_string(mb, "");
	msg_add_string(mb, "192.0.2.9");
}

/* KEY_SEAL of h with ckey, asked on u's session. */
static void
seal(struct msgbuf *mb, const struct user *u, const struct mc_header *h,
    const uint8_t *ckey)
{
	start(mb, MSG_AUTH_KEY_SEAL, u);
	mc_header_add(mb, h);
	msg_add_fixed(mb, ckey, MC_KEYLEN);
	msg_add_u32(mb, 0);
}

/* KEY_SEAL of h, its recipients named instead. */
static void
seal_named(struct msgbuf *mb, const struct user *u, struct mc_header *h,
    const uint8_t *ckey, uint32_t n, const char **name)
{
	uint32_t	 i, nrcpt = h->nrcpt;

	h->nrcpt = 0;
	start(mb, MSG_AUTH_KEY_SEAL, u);
	mc_header_add(mb, h);
	msg_add_fixed(mb, ckey, MC_KEYLEN);
	msg_add_u32(mb, n);
	for (i = 0; i < n; i++)
		msg_add_string(mb, name[i]);
	h->nrcpt = nrcpt;
}

static uint32_t
u32_at(size_t off)
{
	return (uint32_t)answer[off] << 24 | answer[off + 1] << 16 |
	    answer[off + 2] << 8 | answer[off + 3];
}

/* Names resolved by auth: the uids, the wraps, the signature. */
static void
test_named(struct user *alice, struct user *bob, struct user *carol,
    struct mc_header *h, const uint8_t *ckey)
{
	struct msgbuf	 mb;
	const char	*both[] = { "bob", "carol" };
	const char	*unknown[] = { "bob", "nobody", "carol" };
	const char	*toolong[] = { "bob-with-a-name-much-longer-than-any-"
	    "account-may-have-at-all" };
	uint8_t		 sig[MC_SIGLEN], out[MC_KEYLEN];
	struct mc_header c = *h;
	uint32_t	 code;
	size_t		 off = 4 + 3 * (4 + MC_WRAPLEN);

	seal_named(&mb, alice, &c, ckey, 2, both);
	tap_ok(ask(&mb, &code) == MSG_AUTH_SEALED && answerlen == off +
	    MC_SIGLEN && u32_at(0) == 3 && u32_at(4) == alice->a.uid &&
	    u32_at(4 + 4 + MC_WRAPLEN) == bob->a.uid &&
	    u32_at(4 + 2 * (4 + MC_WRAPLEN)) == carol->a.uid,
	    "KEY_SEAL by name: alice, bob, carol in order");
	memcpy(sig, answer + off, MC_SIGLEN);
	c.nrcpt = 2;
	c.rcpt[0] = bob->a.uid;
	c.rcpt[1] = carol->a.uid;
	tap_ok(mc_verify(&c, alice->k.ed25519_pub, sig) == 0,
	    "... the header signed with the uids found");
	tap_ok(mc_unwrap(answer + 4 + 2 * (4 + MC_WRAPLEN) + 4,
	    carol->k.x25519_priv, c.id, carol->a.uid, c.unlock, out) == 0 &&
	    memcmp(out, ckey, MC_KEYLEN) == 0, "... carol's copy opens");
	seal_named(&mb, alice, &c, ckey, 3, unknown);
	tap_ok(ask(&mb, &code) == MSG_AUTH_FAIL && code == AUTH_E_NOTFOUND &&
	    u32_at(4) == 1, "an unknown second name: not found, index 1");
	seal_named(&mb, alice, &c, ckey, 1, toolong);
	tap_ok(ask(&mb, &code) == MSG_AUTH_FAIL && code == AUTH_E_NOTFOUND &&
	    u32_at(4) == 0, "a name too long for an account: not found");
}

static uint32_t
unwrap(const struct user *u, const struct mc_header *h, const uint8_t *sig,
    const uint8_t *w, uint32_t *code)
{
	struct msgbuf	 mb;

	start(&mb, MSG_AUTH_KEY_UNWRAP, u);
	msg_add_u32(&mb, h->sender);
	mc_header_add(&mb, h);
	msg_add_fixed(&mb, sig, MC_SIGLEN);
	msg_add_fixed(&mb, w, MC_WRAPLEN);
	return ask(&mb, code);
}

static void
test_keys(struct user *alice, struct user *bob, struct user *carol)
{
	struct mc_header	 h, c;
	struct msgbuf		 mb;
	uint8_t			 ckey[MC_KEYLEN], sig[MC_SIGLEN];
	uint8_t			 w_alice[MC_WRAPLEN], w_bob[MC_WRAPLEN];
	uint32_t		 code, n, uid;
	uint64_t		 now = (uint64_t)time(NULL);

	start(&mb, MSG_AUTH_PUBKEYS, alice);
	msg_add_string(&mb, "bob");
	tap_ok(ask(&mb, &code) == MSG_AUTH_PUBKEY &&
	    memcmp(answer + 4 + 3 + 4, bob->k.x25519_pub, KEY_LEN) == 0,
	    "PUBKEYS bob: his X25519 key");
	start(&mb, MSG_AUTH_PUBKEYS, alice);
	msg_add_string(&mb, "nobody");
	tap_ok(ask(&mb, &code) == MSG_AUTH_FAIL && code == AUTH_E_NOTFOUND,
	    "PUBKEYS of an unknown name: not found");

	msgcrypt_random(ckey, sizeof(ckey));
	memset(&h, 0, sizeof(h));
	msgid_new(h.id);
	h.sender = alice->a.uid;
	h.nrcpt = 1;
	h.rcpt[0] = bob->a.uid;
	h.created = now;
	h.expires = now + 3600;
	h.nstreams = 2;
	h.sizes[0] = 40;
	h.sizes[1] = 90;
	memset(h.digest, 0x17, MC_DIGESTLEN);

	h.sender = 424242;	/* auth signs as the session's user anyway */
	seal(&mb, alice, &h, ckey);
	h.sender = alice->a.uid;
	tap_ok(ask(&mb, &code) == MSG_AUTH_SEALED &&
	    answerlen == 4 + 2 * (4 + MC_WRAPLEN) + MC_SIGLEN,
	    "KEY_SEAL: two copies and a signature");
	n = (uint32_t)answer[0] << 24 | answer[3];
	uid = (uint32_t)answer[4] << 24 | answer[5] << 16 | answer[6] << 8 |
	    answer[7];
	memcpy(w_alice, answer + 8, MC_WRAPLEN);
	memcpy(w_bob, answer + 8 + MC_WRAPLEN + 4, MC_WRAPLEN);
	memcpy(sig, answer + 4 + 2 * (4 + MC_WRAPLEN), MC_SIGLEN);
	tap_ok(n == 2 && uid == alice->a.uid, "... alice's own copy first");
	tap_ok(memcmp(w_alice, w_bob, MC_KEYLEN) == 0 &&
	    memcmp(w_alice + MC_KEYLEN, w_bob + MC_KEYLEN, MC_KEYLEN) != 0,
	    "... one ephemeral key for both, sealed keys that differ");
	tap_ok(mc_verify(&h, alice->k.ed25519_pub, sig) == 0,
	    "... signed by alice's key over the header, as its sender");
	tap_ok(alice->s != NULL && alice->s->sign_key != NULL &&
	    bob->s->sign_key == NULL, "... alice's session keeps her "
	    "parsed signing key, bob's has none");

	test_named(alice, bob, carol, &h, ckey);
	c = h;
	c.rcpt[0] = 999999;
	seal(&mb, alice, &c, ckey);
	tap_ok(ask(&mb, &code) == MSG_AUTH_FAIL && code == AUTH_E_NOTFOUND,
	    "KEY_SEAL for an unknown uid: not found");

	seal(&mb, bob, &h, ckey);
	tap_ok(ask(&mb, &code) == MSG_AUTH_SEALED, "bob seals the header "
	    "naming alice as sender");
	memcpy(sig, answer + 4 + 2 * (4 + MC_WRAPLEN), MC_SIGLEN);
	tap_ok(mc_verify(&h, alice->k.ed25519_pub, sig) == -1 &&
	    mc_verify(&h, bob->k.ed25519_pub, sig) == -1,
	    "... signs it as himself, so it passes for alice's by no key");
	c = h;
	c.sender = bob->a.uid;
	tap_ok(mc_verify(&c, bob->k.ed25519_pub, sig) == 0,
	    "... and as bob's it verifies");
	seal(&mb, alice, &h, ckey);
	ask(&mb, &code);
	memcpy(sig, answer + 4 + 2 * (4 + MC_WRAPLEN), MC_SIGLEN);

	tap_ok(unwrap(bob, &h, sig, w_bob, &code) == MSG_AUTH_CONTENT_KEY &&
	    memcmp(answer, ckey, MC_KEYLEN) == 0,
	    "KEY_UNWRAP by bob: the content key");
	tap_ok(answerlen > MC_KEYLEN + 4 && memcmp(answer + MC_KEYLEN + 4,
	    "alice", 5) == 0, "... naming alice as the signer");
	tap_ok(unwrap(alice, &h, sig, w_alice, &code) ==
	    MSG_AUTH_CONTENT_KEY, "alice unwraps her own copy");
	tap_ok(unwrap(carol, &h, sig, w_bob, &code) == MSG_AUTH_FAIL &&
	    code == AUTH_E_NOTFOUND, "carol, not a reader: not found");
	c = h;
	c.rcpt[0] = carol->a.uid;
	tap_ok(unwrap(carol, &c, sig, w_bob, &code) == MSG_AUTH_FAIL &&
	    code == AUTH_E_SIGNATURE, "carol written into the header: "
	    "the signature fails");
	c = h;
	c.sizes[1]++;
	tap_ok(unwrap(bob, &c, sig, w_bob, &code) == MSG_AUTH_FAIL &&
	    code == AUTH_E_SIGNATURE, "a changed size: the signature fails");

	/* locked for an hour: auth refuses on its own, signature or not */
	h.unlock = now + 3600;
	h.expires = now + 7200;
	tap_ok(unwrap(bob, &h, sig, w_bob, &code) == MSG_AUTH_FAIL &&
	    code == AUTH_E_TIMELOCK, "a locked header: AUTH_E_TIMELOCK");
	seal(&mb, alice, &h, ckey);
	ask(&mb, &code);
	memcpy(sig, answer + 4 + 2 * (4 + MC_WRAPLEN), MC_SIGLEN);
	tap_ok(unwrap(bob, &h, sig, w_bob, &code) == MSG_AUTH_FAIL &&
	    code == AUTH_E_TIMELOCK, "... even when properly signed");

	/* the parsed key goes with the session: nothing signs after it */
	session_end(alice->s);
	alice->s = NULL;
	seal(&mb, alice, &h, ckey);
	tap_ok(ask(&mb, &code) == MSG_AUTH_FAIL, "alice's session ended "
	    "(and her parsed key freed with it): KEY_SEAL refused");
	/* signed in again, for the tests that follow */
	alice->s = session_new(&alice->a, "192.0.2.9", "agent", &alice->k, 0,
	    time(NULL), alice->token);
	explicit_bzero(ckey, sizeof(ckey));
}

/* A new session for u (the old one stays, as a second browser's). */
static struct session *
new_session(struct user *u)
{
	return session_new(&u->a, "192.0.2.9", "agent", &u->k, 0, time(NULL),
	    u->token);
}

static struct session *
session_of(const struct user *u)
{
	return session_find(u->token, 0, time(NULL));
}

/* A message from alice to bob, unlocking at unlock, signed and wrapped. */
static void
make_message(struct user *alice, struct user *bob, uint64_t unlock,
    struct mc_header *h, uint8_t sig[MC_SIGLEN], uint8_t w[MC_WRAPLEN],
    uint8_t ckey[MC_KEYLEN])
{
	struct msgbuf	 mb;
	uint32_t	 code;
	uint64_t	 now = (uint64_t)time(NULL);

	msgcrypt_random(ckey, MC_KEYLEN);
	memset(h, 0, sizeof(*h));
	msgid_new(h->id);
	h->sender = alice->a.uid;
	h->nrcpt = 1;
	h->rcpt[0] = bob->a.uid;
	h->created = now;
	h->unlock = unlock;
	h->expires = now + 7200;
	h->nstreams = 2;
	h->sizes[0] = 40;
	h->sizes[1] = 90;
	memset(h->digest, 0x29, MC_DIGESTLEN);
	seal(&mb, alice, h, ckey);
	ask(&mb, &code);
	/* alice's own copy first, then bob's, then the signature */
	memcpy(w, answer + 8 + MC_WRAPLEN + 4, MC_WRAPLEN);
	memcpy(sig, answer + 4 + 2 * (4 + MC_WRAPLEN), MC_SIGLEN);
}

/* A page of n unwraps by u; the codes and keys into code[], key[]. */
static int
unwrap_page(const struct user *u, uint32_t n, const struct mc_header *h,
    uint8_t (*sig)[MC_SIGLEN], uint8_t (*w)[MC_WRAPLEN], uint32_t *code,
    uint8_t (*key)[MC_KEYLEN])
{
	struct msgbuf	 mb;
	struct msg	 m;
	struct msgcur	 c;
	uint32_t	 i, got, fail;

	start(&mb, MSG_AUTH_KEY_UNWRAP_PAGE, u);
	msg_add_u32(&mb, n);
	for (i = 0; i < n; i++) {
		msg_add_u32(&mb, h[i].sender);
		mc_header_add(&mb, &h[i]);
		msg_add_fixed(&mb, sig[i], MC_SIGLEN);
		msg_add_fixed(&mb, w[i], MC_WRAPLEN);
	}
	if (ask(&mb, &fail) != MSG_AUTH_CONTENT_KEYS)
		return -1;
	m.data = answer;
	m.len = answerlen;
	msg_cursor(&m, &c);
	if (msg_get_u32(&c, &got) == -1 || got != n)
		return -1;
	for (i = 0; i < n; i++) {
		msg_get_u32(&c, &code[i]);
		msg_get_fixed(&c, key[i], MC_KEYLEN);
	}
	return msg_get_end(&c);
}

static void
test_cache_hits(struct user *alice, struct user *bob, struct user *carol)
{
	struct mc_header	 h[3];
	uint8_t			 sig[3][MC_SIGLEN], w[3][MC_WRAPLEN];
	uint8_t			 ckey[3][MC_KEYLEN], key[3][MC_KEYLEN];
	uint32_t		 code[3], c;
	uint64_t		 hits, now = (uint64_t)time(NULL);
	size_t			 before;

	make_message(alice, bob, 0, &h[0], sig[0], w[0], ckey[0]);
	before = msgcache_entries(session_of(bob));
	tap_ok(unwrap(bob, &h[0], sig[0], w[0], &c) == MSG_AUTH_CONTENT_KEY &&
	    memcmp(answer, ckey[0], MC_KEYLEN) == 0 &&
	    msgcache_entries(session_of(bob)) == before + 1,
	    "cache: bob's read is kept in his session");
	hits = msgcache_hits();
	tap_ok(unwrap(bob, &h[0], sig[0], w[0], &c) == MSG_AUTH_CONTENT_KEY &&
	    memcmp(answer, ckey[0], MC_KEYLEN) == 0 &&
	    memcmp(answer + MC_KEYLEN + 4, "alice", 5) == 0 &&
	    msgcache_hits() == hits + 1, "cache: read again, the same key "
	    "and signer, from the cache");
	h[1] = h[0];
	h[1].sizes[1]++;
	tap_ok(unwrap(bob, &h[1], sig[0], w[0], &c) == MSG_AUTH_FAIL &&
	    c == AUTH_E_SIGNATURE && msgcache_hits() == hits + 1,
	    "cache: a stored header changed after the read misses it and "
	    "fails its signature");
	memcpy(w[1], w[0], MC_WRAPLEN);
	w[1][3] ^= 1;
	tap_ok(unwrap(bob, &h[0], sig[0], w[1], &c) == MSG_AUTH_FAIL &&
	    c == AUTH_E_SIGNATURE, "cache: a changed wrapped key misses it "
	    "and fails");
	tap_ok(unwrap(carol, &h[0], sig[0], w[0], &c) == MSG_AUTH_FAIL &&
	    c == AUTH_E_NOTFOUND && msgcache_entries(session_of(carol)) == 0 &&
	    msgcache_hits() == hits + 1, "cache: carol presenting bob's "
	    "exact record: not found, as without the cache");
	/* bob's second session has a cache of its own */
	h[1] = h[0];
	new_session(bob);
	tap_ok(unwrap(bob, &h[0], sig[0], w[0], &c) == MSG_AUTH_CONTENT_KEY &&
	    msgcache_hits() == hits + 1 &&
	    msgcache_entries(session_of(bob)) == 1,
	    "cache: another session of the same user checks on its own");

	make_message(alice, bob, now + 3600, &h[2], sig[2], w[2], ckey[2]);
	before = msgcache_entries(NULL);
	tap_ok(unwrap(bob, &h[2], sig[2], w[2], &c) == MSG_AUTH_FAIL &&
	    c == AUTH_E_TIMELOCK && msgcache_entries(NULL) == before,
	    "cache: a locked message is refused and never kept");

	/* a page: each answered as alone, in order */
	h[1].sizes[0]++;
	memcpy(sig[1], sig[0], MC_SIGLEN);
	memcpy(w[1], w[0], MC_WRAPLEN);
	tap_ok(unwrap_page(bob, 3, h, sig, w, code, key) == 0 &&
	    code[0] == 0 && memcmp(key[0], ckey[0], MC_KEYLEN) == 0 &&
	    code[1] == AUTH_E_SIGNATURE && code[2] == AUTH_E_TIMELOCK,
	    "KEY_UNWRAP_PAGE: a key, a bad signature, a locked message, "
	    "in order");
	tap_ok(memcmp(key[1], (uint8_t[MC_KEYLEN]){ 0 }, MC_KEYLEN) == 0 &&
	    memcmp(key[2], (uint8_t[MC_KEYLEN]){ 0 }, MC_KEYLEN) == 0,
	    "... no key for a refusal");
	tap_ok(unwrap_page(carol, 1, h, sig, w, code, key) == 0 &&
	    code[0] == AUTH_E_NOTFOUND, "KEY_UNWRAP_PAGE by carol: not "
	    "found");
	explicit_bzero(ckey, sizeof(ckey));
	explicit_bzero(key, sizeof(key));
}

/* Fill the cache from many sessions; the bounds hold. */
static void
test_cache_bounds(struct user *u, size_t nu)
{
	static msgcache_name	 names[MC_RCPT_MAX + 1];
	struct session		*s[SESSION_PER_USER * 8];
	uint8_t			 id[MC_IDLEN], d[MSGCACHE_DIGESTLEN];
	uint8_t			 k[MC_KEYLEN];
	size_t			 i, j, ns = 0, over = 0;

	memset(k, 0x5a, sizeof(k));
	for (i = 0; i < nu; i++)
		for (j = 0; j < SESSION_PER_USER; j++)
			if ((s[ns] = new_session(&u[i])) != NULL)
				ns++;
	for (i = 0; i < ns; i++)
		for (j = 0; j < 100; j++) {
			msgid_new(id);
			memset(d, (int)j, sizeof(d));
			msgcache_put(s[i], id, d, k, "fp", 2, names);
			if (msgcache_entries(s[i]) > MSGCACHE_PER_SESSION)
				over++;
		}
	tap_ok(ns * 100 > MSGCACHE_MAX && over == 0 &&
	    msgcache_entries(NULL) <= MSGCACHE_MAX &&
	    msgcache_bytes() <= MSGCACHE_BYTES, "cache: %zu keys put from "
	    "%zu sessions: at most %d a session, %zu in all, %zu bytes", ns *
	    100, ns, MSGCACHE_PER_SESSION, msgcache_entries(NULL),
	    msgcache_bytes());
	for (i = 0; i < 2000; i++) {
		msgid_new(id);
		msgcache_put(s[i % ns], id, d, k, "fp", MC_RCPT_MAX + 1, names);
	}
	tap_ok(msgcache_bytes() <= MSGCACHE_BYTES && msgcache_entries(NULL) <
	    MSGCACHE_MAX, "cache: entries with every name fill it by bytes: "
	    "%zu bytes, %zu entries", msgcache_bytes(),
	    msgcache_entries(NULL));
	explicit_bzero(k, sizeof(k));
}

/* Every way a session ends takes its cache with it. */
static void
test_cache_lifetimes(struct user *alice, struct user *bob,
    struct user *carol)
{
	struct mc_header	 h, h2;
	struct msgbuf		 mb;
	uint8_t			 sig[MC_SIGLEN], w[MC_WRAPLEN], ckey[MC_KEYLEN];
	uint8_t			 sig2[MC_SIGLEN], w2[MC_WRAPLEN];
	uint32_t		 c;
	size_t			 before;

	new_session(alice);
	new_session(bob);
	make_message(alice, bob, 0, &h, sig, w, ckey);
	unwrap(bob, &h, sig, w, &c);
	before = msgcache_entries(NULL);
	start(&mb, MSG_AUTH_LOGOUT, bob);
	tap_ok(before == 1 && ask(&mb, &c) == MSG_AUTH_OK &&
	    msgcache_entries(NULL) == 0, "cache: logout wipes the session's "
	    "keys");

	new_session(bob);
	unwrap(bob, &h, sig, w, &c);
	sessions_purge(time(NULL) + 7200);
	tap_ok(msgcache_entries(NULL) == 0, "cache: expiry wipes them");

	new_session(bob);
	new_session(alice);
	make_message(bob, alice, 0, &h2, sig2, w2, ckey);
	unwrap(bob, &h, sig, w, &c);
	unwrap(alice, &h2, sig2, w2, &c);
	sessions_end_user(bob->a.uid, NULL);
	tap_ok(msgcache_entries(NULL) == 1, "cache: ending a user's sessions "
	    "(revocation, lock, reset) wipes that user's keys only");

	new_session(bob);
	unwrap(bob, &h, sig, w, &c);
	msgcache_forget_user(bob->a.uid);
	tap_ok(msgcache_entries(session_of(bob)) == 0 &&
	    msgcache_entries(NULL) == 1, "cache: a password change wipes the "
	    "user's keys, the session kept");

	/* carol sends bob a message, both read it; then carol is deleted */
	new_session(carol);
	make_message(carol, bob, 0, &h, sig, w, ckey);
	tap_ok(unwrap(bob, &h, sig, w, &c) == MSG_AUTH_CONTENT_KEY &&
	    msgcache_entries(session_of(bob)) == 1, "cache: bob reads "
	    "carol's message");
	/* as smsgctl user delete carol, through the parent */
	msg_init(&mb, MSG_CTL_USER_DELETE, 92);
	msg_add_string(&mb, "carol");
	dispatch_from(PROC_PARENT, &mb);
	tap_ok(msgcache_entries(NULL) == 0, "cache: an account deleted: "
	    "every cached key is wiped");
	tap_ok(unwrap(bob, &h, sig, w, &c) == MSG_AUTH_FAIL &&
	    c == AUTH_E_SIGNATURE, "... and carol's name does not come back: "
	    "her message fails as with no cache");
	explicit_bzero(ckey, sizeof(ckey));
}

int
main(void)
{
	struct event_base	*base;
	struct user		*u;
	struct msg		 hello;
	char			 dir[] = "/tmp/smsg-authkeys.XXXXXX";
	char			 cmd[128];
	int			 sp[2];

	(void)tap_skip;
	(void)tap_diag;
	log_init(1, 0);
	if (mkdtemp(dir) == NULL || (base = event_base_new()) == NULL ||
	    socketpair(AF_UNIX, SOCK_STREAM, 0, sp) == -1 ||
	    (u = calloc(3, sizeof(*u))) == NULL)
		return 1;
	tap_ok(msgcrypt_init() == 0 && keywrap_init() == 0, "init");
	ask_base = base;
	proc_init(PROC_AUTH, base, auth_dispatch, NULL);
	proc_attach(PROC_FRONT, sp[0]);
	chan_init(&front, sp[1], MAXMSG_PEER, 0);
	tap_ok(chan_recvnow(&front, &hello, 1000) == 1 &&
	    hello.type == MSG_HELLO, "auth greets the front");
	authdb_open(dir);
	sessions_init(600, 3600);
	make_user(&u[0], "alice");
	make_user(&u[1], "bob");
	make_user(&u[2], "carol");
	test_keys(&u[0], &u[1], &u[2]);
	test_cache_hits(&u[0], &u[1], &u[2]);
	test_cache_bounds(u, 3);
	sessions_clear();
	tap_ok(msgcache_entries(NULL) == 0 && msgcache_bytes() == 0,
	    "cache: ending every session wipes every key");
	test_cache_lifetimes(&u[0], &u[1], &u[2]);
	sessions_clear();
	authdb_close();
	free(u);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		tap_ok(0, "remove %s", dir);
	return tap_done();
}
