/*
 * smsg-store: the message store.  Owns the message database (Berkeley
 * DB, in its chroot); never sees plaintext or a key.  Answers the
 * front's requests and smsgctl's (through the parent), and runs the
 * clocks: retention, abandoned uploads, unlock announcements.
 */
#include "config.h"

#include <event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "flusher.h"
#include "handlers.h"
#include "log.h"
#include "proc.h"
#include "reply.h"
#include "storedb.h"

#define TICK		1	/* seconds: unlock times and expiries */
#define SWEEP_EVERY	30	/* ticks between sweeps of uploads */

static struct store_limits	 limits;
static int			 configured;
static struct event		*tick_ev;

static const struct store_handler {
	uint32_t	 type;
	enum proc_id	 from;
	void		(*fn)(struct sreq *);
} handlers[] = {
	{ MSG_STORE_UPLOAD_BEGIN, PROC_FRONT, h_upload_begin },
	{ MSG_STORE_UPLOAD_CHUNK, PROC_FRONT, h_upload_chunk },
	{ MSG_STORE_UPLOAD_COMMIT, PROC_FRONT, h_upload_commit },
	{ MSG_STORE_UPLOAD_ABORT, PROC_FRONT, h_upload_abort },
	{ MSG_STORE_UPLOAD_PUT, PROC_FRONT, h_upload_put },
	{ MSG_STORE_LIST,	PROC_FRONT, h_list },
	{ MSG_STORE_GET,	PROC_FRONT, h_get },
	{ MSG_STORE_GET_TEXT,	PROC_FRONT, h_get_text },
	{ MSG_STORE_CHUNK_GET,	PROC_FRONT, h_chunk_get },
	{ MSG_STORE_READ,	PROC_FRONT, h_read },
	{ MSG_STORE_DELETE,	PROC_FRONT, h_delete },
	{ MSG_STORE_CONTACTS,	PROC_FRONT, h_contacts },
	{ MSG_STORE_CONTACT_ADD, PROC_FRONT, h_contact_add },
	{ MSG_STORE_CONTACT_REMOVE, PROC_FRONT, h_contact_remove },
	{ MSG_STORE_CONTACT_VERIFY, PROC_FRONT, h_contact_verify },
	{ MSG_STORE_CONTACT_BLOCK, PROC_FRONT, h_contact_block },
	{ MSG_CTL_SHOW_MESSAGES, PROC_PARENT, h_show_messages },
	{ MSG_CTL_PURGE,	PROC_PARENT, h_purge },
	{ MSG_CTL_USER_USAGE,	PROC_PARENT, h_user_usage },
	{ MSG_STORE_SYS_PUT,	PROC_AUTH, h_sys_put },
	{ MSG_STORE_SYS_COPIES,	PROC_AUTH, h_sys_copies },
	{ MSG_STORE_SYS_UNDO,	PROC_AUTH, h_sys_undo },
	{ MSG_STORE_USER_GONE,	PROC_AUTH, h_user_gone },
};

static void
store_configure(struct msg *m)
{
	struct msgcur	 c;

	if (m->type != MSG_CONF_STORE || configured)
		fatalx("unexpected %s during setup", msg_type_name(m->type));
	msg_cursor(m, &c);
	msg_get_u32(&c, &limits.subject_max);
	msg_get_u32(&c, &limits.body_max);
	msg_get_u32(&c, &limits.rcpt_max);
	msg_get_u32(&c, &limits.files_max);
	msg_get_u64(&c, &limits.file_max);
	msg_get_u64(&c, &limits.quota);
	msg_get_u32(&c, &limits.retention);
	msg_get_u32(&c, &limits.retention_max);
	msg_get_u32(&c, &limits.upload_timeout);
	msg_get_u32(&c, &limits.cache_mb);
	if (msg_get_end(&c) == -1)
		fatalx("malformed CONF_STORE");
	if (limits.rcpt_max == 0 || limits.rcpt_max > MC_RCPT_MAX ||
	    limits.files_max > MC_STREAM_MAX - 2 || limits.retention == 0 ||
	    limits.retention > limits.retention_max ||
	    limits.upload_timeout == 0 || limits.cache_mb == 0 ||
	    limits.cache_mb > 4096)
		fatalx("CONF_STORE: a value out of range");
	configured = 1;
}

static void
announce(const struct store_msg *m, void *arg)
{
	char		 idt[MC_IDTEXTLEN], data[128];
	uint32_t	 i;

	(*(unsigned int *)arg)++;
	msgid_text(m->h.id, idt);
	snprintf(data, sizeof(data), "{\"id\":\"%s\",\"from\":%u,"
	    "\"unlock_at\":%llu}", idt, m->h.sender,
	    (unsigned long long)m->h.unlock);
	for (i = 0; i < m->ncopy; i++)
		if (!(m->copy[i].state & COPY_GONE))	/* not a deleted copy */
			store_push(m->copy[i].uid, "unlocked", data);
}

/* The clock: never driven by traffic. */
static void
store_tick(evutil_socket_t fd, short what, void *arg)
{
	static unsigned int	 ticks;
	unsigned int		 announced = 0;
	struct timeval		 tv = { TICK, 0 };
	uint64_t		 now = (uint64_t)time(NULL), chunks;
	uint32_t		 n;

	if (store_purge(now, &n, &chunks) != STORE_E_OK)
		log_warnx("retention: purge failed");
	else if (n > 0) {
		reply_dirty();
		log_info("retention: purged %u message%s, %llu chunk%s", n,
		    n == 1 ? "" : "s", (unsigned long long)chunks,
		    chunks == 1 ? "" : "s");
	}
	if (store_unlocked(now, announce, &announced) != STORE_E_OK)
		log_warnx("unlock timer failed");
	else if (announced > 0)
		reply_dirty();
	if (++ticks % SWEEP_EVERY == 0) {
		if (store_sweep(now, &n) != STORE_E_OK)
			log_warnx("sweep of uploads failed");
		else if (n > 0)
			log_info("swept %u abandoned upload%s", n,
			    n == 1 ? "" : "s");
	}
	evtimer_add(tick_ev, &tv);
}

static void
store_close(void)
{
	flusher_stop();
	storedb_close();
}

static void
store_init(const struct proc_settings *ps, struct event_base *base)
{
	struct timeval	 tv = { TICK, 0 };
	uint32_t	 n, total = 0;

	if (!configured)
		fatalx("no CONF_STORE from the parent");
	storedb_open(".", &limits);
	atexit(store_close);
	reply_init(base);
	/* uploads cut off by a stop or a crash are gone at once */
	do {
		if (store_sweep(UINT64_MAX - limits.upload_timeout, &n) !=
		    STORE_E_OK)
			fatalx("cannot remove unfinished uploads");
		total += n;
	} while (n > 0);
	if (total > 0)
		log_info("removed %u upload%s left unfinished", total,
		    total == 1 ? "" : "s");
	if ((tick_ev = evtimer_new(base, store_tick, NULL)) == NULL)
		fatalx("evtimer_new");
	evtimer_add(tick_ev, &tv);
	log_debug("message database open");
}

static void
store_dispatch(enum proc_id from, struct msg *m)
{
	struct sreq	 r;
	size_t		 i;

	for (i = 0; i < sizeof(handlers) / sizeof(handlers[0]); i++)
		if (handlers[i].type == m->type)
			break;
	if (i == sizeof(handlers) / sizeof(handlers[0]) ||
	    handlers[i].from != from)
		fatalx("%s may not send %s to the store", proc_name(from),
		    msg_type_name(m->type));
	if (m->fd != -1)
		fatalx("%s sent a descriptor with %s", proc_name(from),
		    msg_type_name(m->type));
	memset(&r, 0, sizeof(r));
	r.from = from;
	r.type = m->type;
	r.peerid = m->peerid;
	r.now = (uint64_t)time(NULL);
	msg_cursor(m, &r.cur);
	handlers[i].fn(&r);
}

static const struct proc_role store_role = {
	.id = PROC_STORE,
	.configure = store_configure,
	.init = store_init,
	.threads = flusher_start,
	.dispatch = store_dispatch,
};

int
main(int argc, char *argv[])
{
	return proc_child_main(&store_role);
}
