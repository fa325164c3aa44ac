/*
 * auth's requests: messages it sealed itself and their readers' copies
 * (sysput.c), and accounts that are gone (usergone.c).  Each is answered
 * STORE_OK or STORE_FAIL to auth once it is on the disk.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "handlers.h"
#include "log.h"
#include "msgheader.h"
#include "proc.h"
#include "reply.h"
#include "storedb.h"

#define BAD(r)	fatalx("malformed %s from auth", msg_type_name((r)->type))

void
h_sys_put(struct sreq *r)
{
	static struct store_msg	 m;
	const uint8_t		*sealed[2];
	size_t			 len[2];
	uint8_t			 keeps;

	memset(&m, 0, sizeof(m));
	msg_get_u32(&r->cur, &m.h.sender);
	if (mc_header_get(&r->cur, &m.h) == -1)
		BAD(r);
	msg_get_fixed(&r->cur, m.sig, MC_SIGLEN);
	msg_get_u8(&r->cur, &keeps);
	msg_get_fixed(&r->cur, m.copy[0].wrapped, MC_WRAPLEN);
	if (msg_get_bytes(&r->cur, &sealed[0], &len[0], MC_SEALED_MAX) ==
	    -1 || msg_get_bytes(&r->cur, &sealed[1], &len[1],
	    MC_SEALED_MAX) == -1)
		BAD(r);
	sreq_end(r);
	m.copy[0].state = keeps ? 0 : COPY_GONE;
	store_changed_to(PROC_AUTH, r->peerid, store_sys_put(&m, sealed[0],
	    sealed[1], len, r->now));
	explicit_bzero(&m, sizeof(m));
}

static void
push_copies(const uint8_t id[MC_IDLEN], uint32_t sender, const uint32_t *uid,
    uint32_t n)
{
	char		 idt[MC_IDTEXTLEN], data[128];
	uint32_t	 i;

	msgid_text(id, idt);
	snprintf(data, sizeof(data), "{\"id\":\"%s\",\"from\":%u,"
	    "\"locked\":false}", idt, sender);
	for (i = 0; i < n; i++)
		store_push(uid[i], "message", data);
}

void
h_sys_copies(struct sreq *r)
{
	static struct store_copy c[SYS_COPIES_MAX];
	static uint32_t	 got[SYS_COPIES_MAX];
	struct store_msg *m;
	uint8_t		 id[MC_IDLEN];
	uint32_t	 n, i, ngot, sender = 0;
	int		 rv;

	msg_get_fixed(&r->cur, id, MC_IDLEN);
	if (msg_get_u32(&r->cur, &n) == -1 || n > SYS_COPIES_MAX)
		BAD(r);
	for (i = 0; i < n; i++) {
		msg_get_u32(&r->cur, &c[i].uid);
		msg_get_fixed(&r->cur, c[i].wrapped, MC_WRAPLEN);
	}
	sreq_end(r);
	rv = store_sys_copies(id, c, n, r->now, got, &ngot);
	store_changed_to(PROC_AUTH, r->peerid, rv);
	if (rv == STORE_E_OK && ngot > 0 &&
	    (m = malloc(sizeof(*m))) != NULL) {
		if (store_get(got[0], id, r->now, m) == STORE_E_OK)
			sender = m->h.sender;
		explicit_bzero(m, sizeof(*m));
		free(m);
		push_copies(id, sender, got, ngot);
	}
	explicit_bzero(c, sizeof(c));
}

void
h_sys_undo(struct sreq *r)
{
	uint8_t	 id[MC_IDLEN];
	char	 idt[MC_IDTEXTLEN];
	int	 rv;

	msg_get_fixed(&r->cur, id, MC_IDLEN);
	sreq_end(r);
	rv = store_sys_undo(id);
	msgid_text(id, idt);
	if (rv == STORE_E_OK)
		log_info("message %s failed partway: removed", idt);
	store_changed_to(PROC_AUTH, r->peerid, rv);
}

void
h_user_gone(struct sreq *r)
{
	uint32_t	 uid, copies, contacts;
	int		 rv;

	msg_get_u32(&r->cur, &uid);
	sreq_end(r);
	rv = store_user_gone(uid, &copies, &contacts);
	if (rv == STORE_E_OK)
		log_info("account %u deleted: %u cop%s of messages and %u "
		    "contact entr%s gone", uid, copies, copies == 1 ? "y" :
		    "ies", contacts, contacts == 1 ? "y" : "ies");
	else
		log_warnx("account %u deleted: its messages and contacts "
		    "could not all be removed", uid);
	store_changed_to(PROC_AUTH, r->peerid, rv);
}
