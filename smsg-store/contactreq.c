/*
 * The front's contact requests, and smsgctl's message totals and purge.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "handlers.h"
#include "log.h"
#include "proc.h"
#include "reply.h"
#include "storedb.h"


static void
contact_one(const struct store_contact *k, void *arg)
{
	struct msgbuf	 mb;

	msg_init(&mb, MSG_STORE_CONTACT, *(uint32_t *)arg);
	msg_add_u32(&mb, k->uid);
	msg_add_string(&mb, k->nick);
	msg_add_u8(&mb, k->blocked);
	msg_add_u8(&mb, k->verified);
	msg_add_string(&mb, k->fingerprint);
	msg_add_u64(&mb, k->added);
	reply_queue(PROC_FRONT, &mb);
}

void
h_contacts(struct sreq *r)
{
	struct msgbuf	 mb;
	uint32_t	 uid;
	uint8_t		 zero[MC_IDLEN] = { 0 };
	int		 rv;

	msg_get_u32(&r->cur, &uid);
	sreq_end(r);
	if ((rv = store_contact_list(uid, contact_one, &r->peerid)) !=
	    STORE_E_OK) {
		store_fail(r->peerid, rv, 0);
		return;
	}
	msg_init(&mb, MSG_STORE_END, r->peerid);
	msg_add_u8(&mb, 0);
	msg_add_fixed(&mb, zero, MC_IDLEN);
	reply_queue(PROC_FRONT, &mb);
}

/* A string field; too long for buf is a bad request, not a crash. */
static int
get_text(struct sreq *r, char *buf, size_t bufsz)
{
	const uint8_t	*p;
	size_t		 len;

	buf[0] = '\0';
	if (msg_get_bytes(&r->cur, &p, &len, MSG_MAXSTR) == -1)
		fatalx("malformed %s from front", msg_type_name(r->type));
	if (len >= bufsz || (len > 0 && memchr(p, '\0', len) != NULL))
		return -1;
	memcpy(buf, p, len);
	buf[len] = '\0';
	return 0;
}

void
h_contact_add(struct sreq *r)
{
	char		 nick[NICK_MAX + 1];
	uint32_t	 uid, cuid;
	int		 bad;

	msg_get_u32(&r->cur, &uid);
	msg_get_u32(&r->cur, &cuid);
	bad = get_text(r, nick, sizeof(nick));
	sreq_end(r);
	store_changed(r->peerid, bad ? STORE_E_LIMIT :
	    store_contact_add(uid, cuid, nick, r->now));
}

void
h_contact_remove(struct sreq *r)
{
	uint32_t	 uid, cuid;

	msg_get_u32(&r->cur, &uid);
	msg_get_u32(&r->cur, &cuid);
	sreq_end(r);
	store_changed(r->peerid, store_contact_remove(uid, cuid));
}

void
h_contact_verify(struct sreq *r)
{
	char		 fp[MC_FPTEXTLEN];
	uint32_t	 uid, cuid;
	int		 bad;

	msg_get_u32(&r->cur, &uid);
	msg_get_u32(&r->cur, &cuid);
	bad = get_text(r, fp, sizeof(fp));
	sreq_end(r);
	store_changed(r->peerid, bad ? STORE_E_BADREQ :
	    store_contact_verify(uid, cuid, fp));
}

void
h_contact_block(struct sreq *r)
{
	uint32_t	 uid, cuid;
	uint8_t		 on;

	msg_get_u32(&r->cur, &uid);
	msg_get_u32(&r->cur, &cuid);
	msg_get_u8(&r->cur, &on);
	sreq_end(r);
	store_changed(r->peerid, on > 1 ? STORE_E_BADREQ :
	    store_contact_block(uid, cuid, on, r->now));
}

static void
ctl_result_store(uint32_t peerid, uint32_t code, const char *text)
{
	struct msgbuf	 mb;

	msg_init(&mb, MSG_CTL_RESULT, peerid);
	msg_add_u32(&mb, code);
	msg_add_string(&mb, text);
	reply_queue(PROC_PARENT, &mb);
}

void
h_show_messages(struct sreq *r)
{
	static struct store_stats st;
	struct msgbuf	 mb;
	uint32_t	 i;

	sreq_end(r);
	if (store_stats(r->now, &st) != STORE_E_OK) {
		ctl_result_store(r->peerid, CTL_FAILED,
		    "the message database could not be read");
		return;
	}
	msg_init(&mb, MSG_CTL_MESSAGES_INFO, r->peerid);
	msg_add_u64(&mb, st.messages);
	msg_add_u64(&mb, st.bytes);
	msg_add_u64(&mb, st.locked);
	msg_add_u64(&mb, st.locked_bytes);
	msg_add_u64(&mb, st.uploads);
	msg_add_u64(&mb, st.quarantined);
	reply_queue(PROC_PARENT, &mb);
	for (i = 0; i < st.ndays; i++) {
		msg_init(&mb, MSG_CTL_MESSAGES_DAY, r->peerid);
		msg_add_u64(&mb, st.day[i].day);
		msg_add_u64(&mb, st.day[i].messages);
		msg_add_u64(&mb, st.day[i].bytes);
		reply_queue(PROC_PARENT, &mb);
	}
	msg_init(&mb, MSG_CTL_END, r->peerid);
	reply_queue(PROC_PARENT, &mb);
}

void
h_purge(struct sreq *r)
{
	struct msgbuf	 mb;
	char		 text[128];
	uint32_t	 n;
	uint64_t	 chunks;

	sreq_end(r);
	if (store_purge(r->now, &n, &chunks) != STORE_E_OK) {
		ctl_result_store(r->peerid, CTL_FAILED, "purge failed");
		return;
	}
	reply_dirty();
	log_info("purge from smsgctl: %u messages, %llu chunks", n,
	    (unsigned long long)chunks);
	msg_init(&mb, MSG_CTL_PURGED, r->peerid);
	msg_add_u32(&mb, n);
	msg_add_u64(&mb, chunks);
	reply_queue(PROC_PARENT, &mb);
	snprintf(text, sizeof(text), "purged %u message%s and %llu chunk%s",
	    n, n == 1 ? "" : "s", (unsigned long long)chunks,
	    chunks == 1 ? "" : "s");
	ctl_result_store(r->peerid, CTL_OK, text);
}

/* show user: what the account's messages hold, for smsgctl. */
void
h_user_usage(struct sreq *r)
{
	struct store_usage	 u;
	struct msgbuf		 mb;
	uint32_t		 uid, sent, received;

	msg_get_u32(&r->cur, &uid);
	sreq_end(r);
	if (store_usage(uid, &u) != STORE_E_OK ||
	    store_folder_count(uid, FOLDER_SENT, &sent) != STORE_E_OK ||
	    store_folder_count(uid, FOLDER_INBOX, &received) != STORE_E_OK) {
		ctl_result_store(r->peerid, CTL_FAILED,
		    "the message database could not be read");
		return;
	}
	msg_init(&mb, MSG_CTL_USAGE_INFO, r->peerid);
	msg_add_u32(&mb, sent);
	msg_add_u32(&mb, received);
	msg_add_u64(&mb, u.bytes);
	msg_add_u64(&mb, storedb_limits()->quota);
	reply_queue(PROC_PARENT, &mb);
	msg_init(&mb, MSG_CTL_END, r->peerid);
	reply_queue(PROC_PARENT, &mb);
}
