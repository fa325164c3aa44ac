/*
 * smsg-auth's key operations for messages, through its dispatch on a
 * real account database and real sessions: public keys by name, a
 * content key wrapped for the recipients, a header signed with the
 * session's key, and unwrapped by a reader, with auth's own refusals
 * (locked, not a reader, a header changed after signing).
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

/* The request mb (session prefix of u first) through auth; the answer. */
static uint32_t
ask(struct msgbuf *mb, uint32_t *code)
{
	struct msg	 m, ans;
	struct msgcur	 c;

	memset(&m, 0, sizeof(m));
	m.type = mb->type;
	m.peerid = 91;
	m.fd = -1;
	m.data = mb->data;
	m.len = mb->len;
	auth_dispatch(PROC_FRONT, &m);
	msg_free(mb);
	/* the answer leaves at the end of the loop turn (lib/proc.c) */
	event_base_loop(ask_base, EVLOOP_NONBLOCK);
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
	sessions_clear();
	authdb_close();
	free(u);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		tap_ok(0, "remove %s", dir);
	return tap_done();
}
