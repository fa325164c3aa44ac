/*
 * Messages auth seals itself (sysmsg.h): sealing, wrapping for each
 * reader, and the jobs that wait for the store's answers.
 */
#include "config.h"

#include <event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "log.h"
#include "msgheader.h"
#include "proc.h"
#include "sysmsg.h"
#ifdef SMSG_TEST_HOOKS
#include "testhook.h"
#endif

/*
 * Readers wrapped per slice: about 100 us each, so a slice holds the
 * loop for milliseconds, whatever the number of accounts.
 */
#define WRAP_SLICE		64
#define SYSJOBS_WRAPPING	2	/* broadcasts being wrapped at once */

struct sysjob {
	uint32_t	 sid;		/* peerid with the store; 0: free */
	uint32_t	 due;		/* answers still to come */
	int		 code;		/* the first failure (STORE_E_*) */
	char		 why[160];	/* ... and the store's words for it */
	int		 undoing;	/* what was stored is being removed */
	struct sysasker	 asker;
	uint8_t		 id[MC_IDLEN];
	uint64_t	 created, expires;
	uint8_t		 ckey[MC_KEYLEN];	/* until the last is wrapped */
	struct reader	*rd;		/* the readers, copied */
	uint32_t	 nrd, next;	/* how many; the next to wrap */
};

static struct sysjob	 jobs[SYSJOBS_MAX];
static uint32_t		 next_sid;
static struct event	*wrap_ev;

static uint32_t	wrap_slice(void);

/* One stream of one chunk: text into s->text[stream]. */
static int
seal_stream(struct sealed *s, uint32_t stream, const char *text)
{
	struct mc_stream	 st;
	size_t			 len = strlen(text);
	int			 r;

	if (len > BROADCAST_TEXT_MAX)
		return -1;
	if (mc_stream_init(&st, s->ckey, s->h.id, 0, stream) == -1)
		return -1;
	r = mc_stream_seal(&st, (const uint8_t *)text, len, 1,
	    s->text[stream], &s->len[stream]);
	mc_stream_clear(&st);
	return r;
}

static void
header_init(struct sealed *s, uint32_t sender, uint32_t flags, uint32_t rcpt,
    uint64_t now)
{
	memset(&s->h, 0, sizeof(s->h));
	s->h.sender = sender;
	s->h.created = now;
	s->h.expires = now + authconf.retention;
	s->h.flags = flags;
	s->h.nstreams = 2;
	if (rcpt != 0) {
		s->h.nrcpt = 1;
		s->h.rcpt[0] = rcpt;
	}
}

/* The digest of both sealed streams, and the signature: 0, or -1. */
static int
header_sign(struct sealed *s, struct mc_digest *dg,
    const uint8_t edpriv[MC_KEYLEN])
{
	uint32_t	 n;

	for (n = 0; n < 2; n++) {
		if (mc_digest_chunk(dg, n, 0, s->text[n], s->len[n]) == -1)
			return -1;
		s->h.sizes[n] = s->len[n];
	}
	if (mc_digest_final(dg, s->h.digest) == -1 ||
	    mc_sign(&s->h, edpriv, s->sig) == -1)
		return -1;
	return 0;
}

/*
 * Seal subject and body under a fresh content key, from sender (signing
 * with edpriv); rcpt is the one reader of a notice, 0 for a broadcast.
 * 0 ok; -1 (nothing of the key left).
 */
int
sysmsg_seal(struct sealed *s, uint32_t sender,
    const uint8_t edpriv[MC_KEYLEN], uint32_t flags, uint32_t rcpt,
    const char *subject, const char *body, uint64_t now)
{
	struct mc_digest	*dg;
	int			 r = -1;

	header_init(s, sender, flags, rcpt, now);
	if (strlen(subject) > authconf.subject_max ||
	    msgid_new(s->h.id) == -1 ||
	    msgcrypt_random(s->ckey, sizeof(s->ckey)) == -1 ||
	    (dg = mc_digest_new()) == NULL) {
		explicit_bzero(s->ckey, sizeof(s->ckey));
		return -1;
	}
	if (seal_stream(s, 0, subject) == 0 &&
	    seal_stream(s, 1, body) == 0 &&
	    header_sign(s, dg, edpriv) == 0)
		r = 0;
	mc_digest_free(dg);
	if (r == -1)
		explicit_bzero(s->ckey, sizeof(s->ckey));
	return r;
}

/*
 * A message the front sealed (a broadcast from a session): its id, its
 * content key and both streams as one last chunk each; auth signs it
 * without seeing the text.  0 ok; -1 (nothing of the key left).
 */
int
sysmsg_take(struct sealed *s, uint32_t sender,
    const uint8_t edpriv[MC_KEYLEN], uint32_t flags,
    const uint8_t id[MC_IDLEN], const uint8_t ckey[MC_KEYLEN],
    const uint8_t *text[2], const size_t len[2], uint64_t now)
{
	struct mc_digest	*dg;
	uint32_t		 n;
	int			 r = -1;

	header_init(s, sender, flags, 0, now);
	for (n = 0; n < 2; n++) {
		if (len[n] < MC_TAGLEN || len[n] > sizeof(s->text[n]))
			return -1;
		memcpy(s->text[n], text[n], len[n]);
		s->len[n] = len[n];
	}
	if (len[0] - MC_TAGLEN > authconf.subject_max ||
	    (dg = mc_digest_new()) == NULL)
		return -1;
	memcpy(s->h.id, id, MC_IDLEN);
	memcpy(s->ckey, ckey, MC_KEYLEN);
	r = header_sign(s, dg, edpriv);
	mc_digest_free(dg);
	if (r == -1)
		explicit_bzero(s->ckey, sizeof(s->ckey));
	return r;
}

static struct sysjob *
job_new(void)
{
	size_t	 i;

	for (i = 0; i < SYSJOBS_MAX; i++)
		if (jobs[i].sid == 0) {
			memset(&jobs[i], 0, sizeof(jobs[i]));
			if (++next_sid == 0)
				next_sid = 1;
			jobs[i].sid = next_sid;
			return &jobs[i];
		}
	return NULL;
}

static int
send_put(struct sysjob *j, const struct sealed *s, const struct reader *own)
{
	struct msgbuf	 mb;
	uint8_t		 w[MC_WRAPLEN];

	memset(w, 0, sizeof(w));
	if (own != NULL && mc_wrap(j->ckey, own->x25519, s->h.id, own->uid,
	    0, w) == -1)
		return -1;
	msg_init(&mb, MSG_STORE_SYS_PUT, j->sid);
	msg_add_u32(&mb, s->h.sender);
	mc_header_add(&mb, &s->h);
	msg_add_fixed(&mb, s->sig, MC_SIGLEN);
	msg_add_u8(&mb, own != NULL);
	msg_add_fixed(&mb, w, MC_WRAPLEN);
	msg_add_bytes(&mb, s->text[0], s->len[0]);
	msg_add_bytes(&mb, s->text[1], s->len[1]);
	if (mb.err || proc_send(PROC_STORE, &mb) == -1) {
		msg_free(&mb);
		return -1;
	}
	j->due++;
	return 0;
}

/*
 * The next slice of a job's readers: each one's key wrapped for them
 * alone, in one STORE_SYS_COPIES.  -1 when it cannot be sent.
 */
static int
send_slice(struct sysjob *j)
{
	struct msgbuf	 mb;
	uint8_t		 w[MC_WRAPLEN];
	uint32_t	 k, x;
	int		 r = 0;

	k = j->nrd - j->next < wrap_slice() ? j->nrd - j->next :
	    wrap_slice();
	msg_init(&mb, MSG_STORE_SYS_COPIES, j->sid);
	msg_add_fixed(&mb, j->id, MC_IDLEN);
	msg_add_u32(&mb, k);
	for (x = 0; x < k && r == 0; x++) {
		r = mc_wrap(j->ckey, j->rd[j->next + x].x25519, j->id,
		    j->rd[j->next + x].uid, 0, w);
		msg_add_u32(&mb, j->rd[j->next + x].uid);
		msg_add_fixed(&mb, w, MC_WRAPLEN);
	}
	if (r == -1 || mb.err || proc_send(PROC_STORE, &mb) == -1) {
		msg_free(&mb);
		return -1;
	}
	j->next += k;
	j->due++;
	return 0;
}

/* The key is wiped and the readers freed once every copy is sent. */
static void
job_sent(struct sysjob *j)
{
	explicit_bzero(j->ckey, sizeof(j->ckey));
	if (j->rd != NULL)
		freezero(j->rd, j->nrd * sizeof(*j->rd));
	j->rd = NULL;
	j->next = j->nrd;
}

static void	job_done(struct sysjob *);

/*
 * SMSG_TEST_WRAP_SLICE, in test builds: fewer readers per slice, so a
 * test reaches a broadcast's later slices with a few accounts.
 */
static uint32_t
wrap_slice(void)
{
#ifdef SMSG_TEST_HOOKS
	static long	 n = -1;

	if (n == -1 && ((n = testhook_knob("WRAP_SLICE")) <= 0 ||
	    n > WRAP_SLICE))
		n = WRAP_SLICE;
	return (uint32_t)n;
#else
	return WRAP_SLICE;
#endif
}

/*
 * A slice of every job that has readers left, then the loop again: a
 * broadcast to many accounts never holds auth's loop for long, and
 * sign-ins and session checks go on between its slices.
 */
static void
wrap_more(evutil_socket_t fd, short what, void *arg)
{
	size_t	 i;
	int	 more = 0;

	for (i = 0; i < SYSJOBS_MAX; i++) {
		if (jobs[i].sid == 0 || jobs[i].next == jobs[i].nrd)
			continue;
		if (send_slice(&jobs[i]) == -1) {
			jobs[i].code = STORE_E_INTERNAL;
			job_sent(&jobs[i]);
		} else if (jobs[i].next == jobs[i].nrd)
			job_sent(&jobs[i]);
		else
			more = 1;
		if (jobs[i].due == 0)
			job_done(&jobs[i]);
	}
	if (more)
		event_active(wrap_ev, 0, 0);
}

void
sysmsg_init(struct event_base *base)
{
	if ((wrap_ev = event_new(base, -1, 0, wrap_more, NULL)) == NULL)
		fatalx("event_new");
}

/* Jobs with readers still to wrap: each holds a key and its readers. */
static int
jobs_wrapping(void)
{
	size_t	 i;
	int	 n = 0;

	for (i = 0; i < SYSJOBS_MAX; i++)
		n += jobs[i].sid != 0 && jobs[i].next < jobs[i].nrd;
	return n;
}

/*
 * Hand s to the store: own is the sender's copy (NULL: the system keeps
 * none), rd the n readers.  The message goes at once and the copies in
 * slices from the event loop, the first of them now.  0: a job now waits
 * for the store; -1: nothing was sent (the store is away, or too much is
 * under way).  The caller's content key is wiped either way; the job
 * keeps its own until its last copy is wrapped.
 */
int
sysmsg_send(struct sealed *s, const struct reader *own,
    const struct reader *rd, uint32_t n, const struct sysasker *asker)
{
	struct sysjob	*j = NULL;

	if (!proc_linked(PROC_STORE) ||
	    (n > WRAP_SLICE && jobs_wrapping() >= SYSJOBS_WRAPPING) ||
	    (j = job_new()) == NULL ||
	    (j->rd = reallocarray(NULL, n > 0 ? n : 1, sizeof(*rd))) ==
	    NULL) {
		if (j != NULL)
			j->sid = 0;
		explicit_bzero(s->ckey, sizeof(s->ckey));
		return -1;
	}
	j->asker = *asker;
	memcpy(j->id, s->h.id, MC_IDLEN);
	memcpy(j->ckey, s->ckey, MC_KEYLEN);
	explicit_bzero(s->ckey, sizeof(s->ckey));
	j->created = s->h.created;
	j->expires = s->h.expires;
	j->nrd = n;
	memcpy(j->rd, rd, n * sizeof(*rd));
	if (send_put(j, s, own) == -1) {
		job_sent(j);
		j->sid = 0;
		return -1;
	}
	if (n == 0)
		job_sent(j);
	else
		wrap_more(-1, 0, NULL);
	return 0;
}

/* The job's asker learns how it went; notices have none. */
static void
job_answer(struct sysjob *j)
{
	struct msgbuf	 mb;
	char		 idt[MC_IDTEXTLEN];
	int		 ok = j->code == STORE_E_OK;
	int		 quota = j->code == STORE_E_QUOTA;

	msgid_text(j->id, idt);
	switch (j->asker.to) {
	case PROC_FRONT:
		if (!ok) {
			/* over quota: the words a message over it gets */
			reply_fail_to(PROC_FRONT, j->asker.peerid,
			    quota ? AUTH_E_QUOTA : AUTH_E_INTERNAL, 0,
			    quota && j->why[0] != '\0' ? j->why :
			    "The message store could not take the broadcast; "
			    "try again later.");
			return;
		}
		msg_init(&mb, MSG_AUTH_BROADCAST_SENT, j->asker.peerid);
		msg_add_fixed(&mb, j->id, MC_IDLEN);
		msg_add_u64(&mb, j->created);
		msg_add_u64(&mb, j->expires);
		msg_add_u32(&mb, j->nrd);
		msg_add_u32(&mb, j->asker.skipped);
		reply_send(PROC_FRONT, &mb);
		break;
	case PROC_PARENT:
		if (!ok) {
			ctl_result(j->asker.peerid, CTL_FAILED, "the message "
			    "store could not take the broadcast%s%s",
			    j->why[0] != '\0' ? ": " : "", j->why);
			return;
		}
		msg_init(&mb, MSG_CTL_BROADCAST_SENT, j->asker.peerid);
		msg_add_string(&mb, idt);
		msg_add_u64(&mb, j->created);
		msg_add_u64(&mb, j->expires);
		msg_add_u32(&mb, j->nrd);
		msg_add_u32(&mb, j->asker.skipped);
		reply_send(PROC_PARENT, &mb);
		ctl_result(j->asker.peerid, CTL_OK, "broadcast %s sent to %u "
		    "account%s (%u without keys passed over)", idt,
		    j->nrd, j->nrd == 1 ? "" : "s", j->asker.skipped);
		break;
	default:
		notice_done(ok);
		break;
	}
}

/*
 * A job that failed partway asks the store to remove what it stored of
 * the message (its copies included), so a broadcast reaches everyone or
 * no one.  0 asked: the job waits for that answer; -1 the store is away.
 */
static int
job_undo(struct sysjob *j)
{
	struct msgbuf	 mb;

	if (!proc_linked(PROC_STORE))
		return -1;
	msg_init(&mb, MSG_STORE_SYS_UNDO, j->sid);
	msg_add_fixed(&mb, j->id, MC_IDLEN);
	if (mb.err || proc_send(PROC_STORE, &mb) == -1) {
		msg_free(&mb);
		return -1;
	}
	j->undoing = 1;
	j->due = 1;
	return 0;
}

static void
job_done(struct sysjob *j)
{
	char	 idt[MC_IDTEXTLEN];

	if (j->code != STORE_E_OK && !j->undoing) {
		msgid_text(j->id, idt);
		log_warnx("message %s failed partway (store error %d): what "
		    "was stored of it goes", idt, j->code);
		if (job_undo(j) == 0)
			return;		/* answered once that is done */
	}
	j->sid = 0;
	job_answer(j);
	explicit_bzero(j->why, sizeof(j->why));
}

/*
 * STORE_OK (code 0) or STORE_FAIL, with the store's text, for the job
 * with this peerid.  After a failure no more copies are wrapped.
 */
void
sysmsg_answer(uint32_t sid, int code, const char *text)
{
	struct sysjob	*j;
	size_t		 i;

	for (i = 0; i < SYSJOBS_MAX; i++)
		if (jobs[i].sid == sid && sid != 0)
			break;
	if (i == SYSJOBS_MAX)
		fatalx("the store answered a request never made");
	j = &jobs[i];
	if (j->undoing && code != STORE_E_OK)
		log_warnx("a message that failed partway could not be "
		    "removed; it goes when it expires");
	else if (code != STORE_E_OK && j->code == STORE_E_OK) {
		j->code = code;
		strlcpy(j->why, text, sizeof(j->why));
		job_sent(j);
	}
	/* done when every copy is sent and answered */
	if (--j->due == 0 && j->next == j->nrd)
		job_done(j);
}

/* The store's channel closed: no answer will come. */
void
sysmsg_store_lost(void)
{
	size_t	 i;

	for (i = 0; i < SYSJOBS_MAX; i++)
		if (jobs[i].sid != 0) {
			jobs[i].code = STORE_E_INTERNAL;
			jobs[i].undoing = 1;	/* nobody to ask */
			jobs[i].due = 0;
			job_sent(&jobs[i]);
			job_done(&jobs[i]);
		}
}

uint32_t
sysmsg_jobs(void)
{
	uint32_t	 n = 0;
	size_t		 i;

	for (i = 0; i < SYSJOBS_MAX; i++)
		n += jobs[i].sid != 0;
	return n;
}
