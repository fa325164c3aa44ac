/*
 * Security notices as messages from the system: password changed, 2FA
 * turned on or off, a sign-in from a new device, a recovery used.  The
 * request that causes one only queues it; the queue is sealed and handed
 * to the store from the event loop, after the request's transaction, so
 * a notice never holds a lock nor slows a sign-in.  A store that is down
 * or slow costs notices, never sign-ins: a notice that cannot be queued
 * or sent is dropped, logged and counted (smsgctl show notices).
 */
#include "config.h"

#include <event.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "auth.h"
#include "authdb.h"
#include "log.h"
#include "proc.h"
#include "sysmsg.h"

#define NOTICE_QUEUE_MAX	256
#define NOTICE_ADDRMAX		64

struct notice {
	uint32_t	 uid;
	const char	*kind;
	char		 addr[NOTICE_ADDRMAX];
	uint64_t	 time;
};

static const struct {
	const char	*event;		/* as in the activity log */
	const char	*subject;
	const char	*what;
} kinds[] = {
	{ "password_changed", "Your password was changed",
	  "The password of your account was changed" },
	{ "totp_enabled", "Two-factor authentication is on",
	  "Two-factor authentication was turned on for your account" },
	{ "totp_disabled", "Two-factor authentication is off",
	  "Two-factor authentication was turned off for your account" },
	{ "new_signin", "New sign-in to your account",
	  "Your account was signed in to from a browser or client it had "
	  "not been signed in from before" },
	{ "recovered", "Your recovery key was used",
	  "Your account was recovered with its recovery key, and its "
	  "password replaced" },
	{ "recovery_code_used", "A recovery code was used",
	  "One of your two-factor recovery codes was used to sign in" },
};
#define NKINDS	(sizeof(kinds) / sizeof(kinds[0]))

static struct notice	 queue[NOTICE_QUEUE_MAX];
static uint32_t		 qhead, qlen;
static struct event	*drain_ev;
static uint64_t		 n_sent, n_dropped;

static void
drop(const struct notice *n, const char *why)
{
	n_dropped++;
	log_warnx("notice %s for account %u dropped: %s", n->kind, n->uid,
	    why);
}

/* Seal one notice and hand it over: 0, or -1 when it has no chance. */
static int
notice_send(const struct notice *n)
{
	static struct sealed	 s;
	static char		 body[512];
	const struct userkeys	*sk = syskeys();
	struct sysasker		 asker = { PROC_AUTH, 0, 0 };
	struct reader		 rd;
	struct account		 a;
	struct tm		 tm;
	time_t			 t = (time_t)n->time;
	char			 when[32];
	size_t			 k;
	int			 r;

	for (k = 0; k < NKINDS; k++)
		if (strcmp(kinds[k].event, n->kind) == 0)
			break;
	if (k == NKINDS || sk == NULL)
		return -1;
	if ((r = account_get_uid(NULL, n->uid, &a)) != 1)
		return r == 0 ? 0 : -1;		/* gone meanwhile: no one to tell */
	rd.uid = a.uid;
	memcpy(rd.x25519, a.x25519_pub, MC_KEYLEN);
	account_clear(&a);
	gmtime_r(&t, &tm);
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", &tm);
	snprintf(body, sizeof(body), "%s on %s, from %s.\n\nIf this was "
	    "you, there is nothing to do.  If it was not, change your "
	    "password now and look at your sessions and activity.",
	    kinds[k].what, when, n->addr[0] != '\0' ? n->addr :
	    "an unknown address");
	r = sysmsg_seal(&s, SMSG_SYSTEM_UID, sk->ed25519_priv, MC_F_SYSTEM,
	    rd.uid, kinds[k].subject, body, n->time);
	if (r == 0)
		r = sysmsg_send(&s, NULL, &rd, 1, &asker);
	explicit_bzero(&s, sizeof(s));
	explicit_bzero(body, sizeof(body));
	return r;
}

/* The queue, in order, while the store takes more. */
static void
notice_drain(evutil_socket_t fd, short what, void *arg)
{
	struct notice	*n;

	while (qlen > 0) {
		if (!proc_linked(PROC_STORE)) {
			drop(&queue[qhead], "the message store is not there");
		} else if (sysmsg_jobs() >= SYSJOBS_MAX) {
			return;		/* notice_done() calls again */
		} else {
			n = &queue[qhead];
			if (notice_send(n) == -1)
				drop(n, "it could not be sealed or sent");
		}
		explicit_bzero(&queue[qhead], sizeof(queue[qhead]));
		qhead = (qhead + 1) % NOTICE_QUEUE_MAX;
		qlen--;
	}
}

void
notice_init(struct event_base *base)
{
	if ((drain_ev = event_new(base, -1, 0, notice_drain, NULL)) == NULL)
		fatalx("event_new");
}

/*
 * A security event happened to uid: if it is one users are told of,
 * queue its notice.  Runs inside the event's request: nothing is sealed
 * or sent before the loop comes back to the queue.
 */
void
notice_queue(uint32_t uid, const char *event, const char *addr,
    uint64_t t)
{
	struct notice	*n;
	size_t		 k;

	for (k = 0; k < NKINDS; k++)
		if (strcmp(kinds[k].event, event) == 0)
			break;
	if (k == NKINDS || drain_ev == NULL)
		return;
	if (qlen == NOTICE_QUEUE_MAX) {
		drop(&(struct notice){ uid, kinds[k].event, "", t },
		    "the queue is full");
		return;
	}
	n = &queue[(qhead + qlen++) % NOTICE_QUEUE_MAX];
	n->uid = uid;
	n->kind = kinds[k].event;
	strlcpy(n->addr, addr, sizeof(n->addr));
	n->time = t;
	event_active(drain_ev, 0, 0);
}

/* A notice's job ended. */
void
notice_done(int ok)
{
	if (ok)
		n_sent++;
	else {
		n_dropped++;
		log_warnx("a notice was not stored by the message store");
	}
	if (qlen > 0 && drain_ev != NULL)
		event_active(drain_ev, 0, 0);
}

/* smsgctl show notices: counts since auth started. */
void
h_show_notices(struct req *r)
{
	struct msgbuf	 mb;

	req_end(r);
	msg_init(&mb, MSG_CTL_NOTICES_INFO, r->peerid);
	msg_add_u64(&mb, n_sent);
	msg_add_u64(&mb, n_dropped);
	msg_add_u64(&mb, qlen);
	reply_send(PROC_PARENT, &mb);
	ctl_end(r->peerid);
}
