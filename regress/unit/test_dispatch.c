/*
 * smsg-auth's dispatch table: each request from its one sender only;
 * anything else is fatal.  Session-bound requests are refused without
 * a live session or with a wrong CSRF token, before any handler runs.
 */
#include "config.h"

#include <sys/socket.h>
#include <sys/wait.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "auth.h"
#include "authdb.h"
#include "log.h"
#include "proc.h"
#include "tap.h"

static struct chan	 front;

/* Is this a request auth must accept from from (by route.c)? */
static int
is_request(uint32_t t, enum proc_id from)
{
	if (t == MSG_SETUP || t == MSG_HELLO || t == MSG_PEER ||
	    t == MSG_LOG_VERBOSE || t == MSG_SETUP_END ||
	    (t >= MSG_CONF_FRONT && t < MSG_SETUP_END))
		return 0;	/* the runner's business */
	return route_allowed(t, from, PROC_AUTH);
}

static void
test_table(void)
{
	uint32_t	 t;
	int		 p, ok = 1, sessions = 0;
	const struct auth_handler *h;

	for (t = 0; t < MSG_TYPE_MAX + 2; t++)
		for (p = 0; p < PROC_MAX; p++) {
			h = auth_handler(t, p);
			if ((h != NULL) != is_request(t, p)) {
				tap_diag("%s from %s: table %d, route %d",
				    msg_type_name(t), proc_name(p), h != NULL,
				    is_request(t, p));
				ok = 0;
			}
			if (h != NULL && h->state == REQ_SESSION)
				sessions++;
		}
	tap_ok(ok, "the table and route.c agree on every type and sender");
	tap_ok(auth_handler(MSG_AUTH_LOGIN, PROC_PARENT) == NULL,
	    "the parent may not log in");
	tap_ok(auth_handler(MSG_CTL_USER_ADD, PROC_FRONT) == NULL,
	    "the front may not add users");
	/* AUTH_CHECK .. AUTH_REPLAY, the key requests (a page of unwraps
	   among them), CONTACT_KEYS and
	   BROADCAST */
	tap_ok(sessions == MSG_AUTH_REPLAY - MSG_AUTH_CHECK + 1 +
	    MSG_AUTH_KEY_UNWRAP_PAGE - MSG_AUTH_PUBKEYS + 1 + 1 + 1,
	    "exactly the session-prefix requests need a session");
	h = auth_handler(MSG_AUTH_BROADCAST, PROC_FRONT);
	tap_ok(h != NULL && h->state == REQ_SESSION,
	    "a broadcast from the front is asked for on a session");
	tap_ok(auth_handler(MSG_STORE_OK, PROC_FRONT) == NULL &&
	    auth_handler(MSG_STORE_OK, PROC_STORE) != NULL,
	    "the store's answers come from the store only");
	h = auth_handler(MSG_AUTH_CONTACT_KEYS, PROC_FRONT);
	tap_ok(h != NULL && h->state == REQ_SESSION,
	    "a contact list's keys are asked for on a session");
	h = auth_handler(MSG_AUTH_LOGIN_OTP, PROC_FRONT);
	tap_ok(h != NULL && h->state == REQ_ANY,
	    "the second factor needs its pending token, not a session");
}

/* The child dispatches m from from; 1 if it died of it (fail closed). */
static int
dies_of(enum proc_id from, uint32_t type)
{
	struct msg	 m;
	pid_t		 pid;
	int		 status;

	memset(&m, 0, sizeof(m));
	m.type = type;
	m.fd = -1;
	if ((pid = fork()) == 0) {
		fclose(stderr);		/* the expected fatal message */
		auth_dispatch(from, &m);
		_exit(0);
	}
	if (pid == -1 || waitpid(pid, &status, 0) == -1)
		return 0;
	return WIFEXITED(status) && WEXITSTATUS(status) != 0;
}

static void
test_fatal(void)
{
	tap_ok(dies_of(PROC_PARENT, MSG_AUTH_LOGIN), "LOGIN from the parent "
	    "is fatal");
	tap_ok(dies_of(PROC_FRONT, MSG_CTL_USER_DELETE), "USER_DELETE from "
	    "the front is fatal");
	tap_ok(dies_of(PROC_FRONT, MSG_AUTH_OK), "an answer type is fatal");
	tap_ok(dies_of(PROC_FRONT, MSG_TYPE_MAX + 7), "an unknown type is "
	    "fatal");
	tap_ok(dies_of(PROC_FRONT, MSG_AUTH_CHECK), "a session request "
	    "without its prefix is fatal");
}

/* Send a session-bound request as the front would; the answer's type. */
static struct event_base	*ask_base;

static uint32_t
ask(uint32_t type, const char *token, int check, const char *csrf,
    uint32_t *code)
{
	struct msgbuf	 mb;
	struct msg	 m, ans;
	struct msgcur	 c;

	msg_init(&mb, type, 77);
	msg_add_string(&mb, token);
	msg_add_u8(&mb, check);
	msg_add_string(&mb, csrf);
	msg_add_string(&mb, "192.0.2.9");
	memset(&m, 0, sizeof(m));
	m.type = type;
	m.peerid = 77;
	m.fd = -1;
	m.data = mb.data;
	m.len = mb.len;
	auth_dispatch(PROC_FRONT, &m);
	msg_free(&mb);
	/* the answer leaves at the end of the loop turn (lib/proc.c) */
	event_base_loop(ask_base, EVLOOP_NONBLOCK);
	*code = UINT32_MAX;
	if (chan_recvnow(&front, &ans, 1000) != 1 || ans.peerid != 77)
		return MSG_NONE;
	if (ans.type == MSG_AUTH_FAIL) {
		msg_cursor(&ans, &c);
		msg_get_u32(&c, code);
	}
	return ans.type;
}

/* The stored scrypt cost of name's verifier; 0 when unreadable. */
static unsigned int
stored_logn(const char *name)
{
	struct account		 a;
	struct pwhash_params	 p;
	unsigned int		 logn = 0;

	if (account_get(NULL, name, &a) == 1 &&
	    pwhash_params_of(a.pwhash, &p) == 0)
		logn = p.logn;
	account_clear(&a);
	return logn;
}

/* An administrator's lock, written while a sign-in is being hashed. */
static void
lock_now(const char *name, uint8_t lock)
{
	struct account	 a;
	DB_TXN		*txn = authdb_begin();

	if (account_get(txn, name, &a) == 1) {
		a.lock = lock;
		account_commit(txn, &a);
	} else
		authdb_abort(txn);
	account_clear(&a);
}

static void
send_strings(uint32_t type, const char **f, int n)
{
	struct msgbuf	 mb;
	struct msg	 m;
	int		 i;

	msg_init(&mb, type, 78);
	for (i = 0; i < n; i++)
		msg_add_string(&mb, f[i]);
	memset(&m, 0, sizeof(m));
	m.type = type;
	m.peerid = 78;
	m.fd = -1;
	m.data = mb.data;
	m.len = mb.len;
	auth_dispatch(PROC_FRONT, &m);
	msg_free(&mb);
}

/* The answer's type, once the hashing (if any) is done. */
static uint32_t
wait_answer(struct event_base *base, uint32_t *code)
{
	struct msg	 ans;
	struct msgcur	 c;
	int		 i, r = 0;

	for (i = 0; i < 200 && r == 0; i++) {
		event_base_loop(base, EVLOOP_NONBLOCK);
		r = chan_recvnow(&front, &ans, 50);
		if (r == -1 && errno == ETIMEDOUT)
			r = 0;
	}
	*code = UINT32_MAX;
	if (r != 1 || ans.peerid != 78)
		return MSG_NONE;
	if (ans.type == MSG_AUTH_FAIL) {
		msg_cursor(&ans, &c);
		msg_get_u32(&c, code);
	}
	return ans.type;
}

/* A request of string fields; the answer's type, after hashing if any. */
static uint32_t
ask_strings(struct event_base *base, uint32_t type, const char **f, int n,
    uint32_t *code)
{
	send_strings(type, f, n);
	return wait_answer(base, code);
}

/*
 * A sign-in whose hash is queued, then the account locked before the
 * main loop (which alone finishes the sign-in) runs again.
 */
static uint32_t
ask_locked_in_flight(struct event_base *base, const char **login,
    uint32_t *code)
{
	send_strings(MSG_AUTH_LOGIN, login, 6);
	lock_now(login[0], USER_LOCK_ADMIN);
	return wait_answer(base, code);
}

/* Register and sign in through the hashing thread. */
static void
test_flows(struct event_base *base)
{
	const char	*reg[] = { "dave", "violet tangerine harbour 93",
	    "192.0.2.7" };
	const char	*good[] = { "dave", "violet tangerine harbour 93", "",
	    "192.0.2.7", "agent", "" };
	const char	*bad[] = { "dave", "violet tangerine harbour 94", "",
	    "192.0.2.7", "agent", "" };
	const char	*nobody[] = { "erin", "violet tangerine harbour 93",
	    "", "192.0.2.7", "agent", "" };
	uint64_t	 c0, c1, c2;
	uint32_t	 code;

	authconf.params.logn = 10;
	authconf.params.r = 8;
	authconf.params.p = 1;
	authconf.min_score = 3;
	authconf.lockout.threshold = 5;
	authconf.lockout.base_delay = 60;
	authconf.lockout.max_delay = 3600;
	authconf.net.v4 = 32;
	authconf.net.v6 = 64;
	strlcpy(authconf.issuer, "smsg test", sizeof(authconf.issuer));
	auth_limits.net = throttle_new(16);
	auth_limits.pair = throttle_new(16);
	auth_limits.unknown = throttle_new(16);
	auth_hash_dummy_init();
	hashpool_init(base, 1);
	hashpool_start();
	tap_ok(ask_strings(base, MSG_AUTH_REGISTER, reg, 3, &code) ==
	    MSG_AUTH_REGISTERED, "REGISTER: AUTH_REGISTERED");
	tap_ok(ask_strings(base, MSG_AUTH_REGISTER, reg, 3, &code) ==
	    MSG_AUTH_FAIL && code == AUTH_E_EXISTS, "again: AUTH_E_EXISTS");
	tap_ok(ask_strings(base, MSG_AUTH_LOGIN, good, 6, &code) ==
	    MSG_AUTH_SESSION, "LOGIN with the password: AUTH_SESSION");
	c0 = authdb_commits();
	tap_ok(ask_strings(base, MSG_AUTH_LOGIN, bad, 6, &code) ==
	    MSG_AUTH_FAIL && code == AUTH_E_CREDENTIALS,
	    "a wrong password: AUTH_E_CREDENTIALS");
	c1 = authdb_commits();
	tap_ok(ask_strings(base, MSG_AUTH_LOGIN, nobody, 6, &code) ==
	    MSG_AUTH_FAIL && code == AUTH_E_CREDENTIALS,
	    "an unknown user: AUTH_E_CREDENTIALS");
	c2 = authdb_commits();
	tap_ok(c1 - c0 == 2 && c2 - c1 == c1 - c0,
	    "an unknown name commits what a known one does (%llu, %llu)",
	    (unsigned long long)(c1 - c0), (unsigned long long)(c2 - c1));

	/* Rehash: the account was made at 2^10; the server now wants 2^12. */
	authconf.params.logn = 12;
	tap_ok(stored_logn("dave") == 10, "dave's verifier is at logn 10");
	tap_ok(ask_strings(base, MSG_AUTH_LOGIN, good, 6, &code) ==
	    MSG_AUTH_SESSION, "sign-in under new parameters: AUTH_SESSION");
	tap_ok(stored_logn("dave") == 12, "... and the verifier is rehashed "
	    "to logn 12 (%u)", stored_logn("dave"));
	tap_ok(ask_strings(base, MSG_AUTH_LOGIN, good, 6, &code) ==
	    MSG_AUTH_SESSION, "the keys open under the new kek: AUTH_SESSION");
	tap_ok(ask_strings(base, MSG_AUTH_LOGIN, bad, 6, &code) ==
	    MSG_AUTH_FAIL && code == AUTH_E_CREDENTIALS,
	    "the old password's neighbour is still wrong");

	/* The administrator locks while the hash is in flight. */
	tap_ok(ask_locked_in_flight(base, good, &code) == MSG_AUTH_FAIL &&
	    code == AUTH_E_LOCKED, "locked while hashing: AUTH_E_LOCKED");
	lock_now("dave", USER_LOCK_NONE);
	tap_ok(ask_strings(base, MSG_AUTH_LOGIN, good, 6, &code) ==
	    MSG_AUTH_SESSION, "unlocked: AUTH_SESSION again");
}

static void
test_sessions(const char *dir)
{
	struct event_base	*base;
	struct account		 a;
	struct session		*s;
	struct userkeys		 k;
	struct msg		 hello;
	DB_TXN			*txn;
	char			 token[SESSION_TOKENLEN];
	int			 sp[2];
	uint32_t		 code;

	base = event_base_new();
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sp) == -1 || base == NULL) {
		tap_ok(0, "socketpair");
		return;
	}
	ask_base = base;
	proc_init(PROC_AUTH, base, auth_dispatch, NULL);
	proc_attach(PROC_FRONT, sp[0]);
	chan_init(&front, sp[1], MAXMSG_PEER, 0);
	tap_ok(chan_recvnow(&front, &hello, 1000) == 1 &&
	    hello.type == MSG_HELLO, "auth greets the front");
	authdb_open(dir);
	sessions_init(600, 3600);
	memset(&a, 0, sizeof(a));
	strlcpy(a.name, "carol", sizeof(a.name));
	strlcpy(a.pwhash, "$s1$0e0801$x$y", sizeof(a.pwhash));
	txn = authdb_begin();
	account_new_uid(txn, &a.uid);
	account_put(txn, &a, 1);
	authdb_commit(txn);
	memset(&k, 0, sizeof(k));
	s = session_new(&a, "192.0.2.9", "agent", &k, 0, time(NULL), token);

	tap_ok(ask(MSG_AUTH_CHECK, "nosuchtoken", 0, "", &code) ==
	    MSG_AUTH_FAIL && code == AUTH_E_SESSION,
	    "CHECK with an unknown token: AUTH_E_SESSION");
	tap_ok(ask(MSG_AUTH_CHECK, token, 0, "", &code) == MSG_AUTH_WHO,
	    "CHECK with the token: AUTH_WHO");
	tap_ok(ask(MSG_AUTH_SESSIONS, token, 1, "wrong", &code) ==
	    MSG_AUTH_FAIL && code == AUTH_E_CSRF,
	    "a wrong CSRF token: AUTH_E_CSRF");
	tap_ok(ask(MSG_AUTH_CHECK, token, 1, s->csrf, &code) == MSG_AUTH_WHO,
	    "the right CSRF token: AUTH_WHO");
	tap_ok(ask(MSG_AUTH_LOGOUT, token, 1, s->csrf, &code) == MSG_AUTH_OK,
	    "LOGOUT: AUTH_OK");
	tap_ok(ask(MSG_AUTH_CHECK, token, 0, "", &code) == MSG_AUTH_FAIL &&
	    code == AUTH_E_SESSION, "after LOGOUT the token is dead");
	test_flows(base);
	authdb_close();
}

int
main(void)
{
	char	 dir[] = "/tmp/smsg-dispatch.XXXXXX";
	char	 cmd[128];

	(void)tap_skip;
	log_init(1, 0);
	test_table();
	test_fatal();
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	test_sessions(dir);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		tap_diag("could not remove %s", dir);
	return tap_done();
}
