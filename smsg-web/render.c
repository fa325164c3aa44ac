/*
 * The wire side of smsg-web: MSG_WEB_RENDER from the front in, exactly
 * one MSG_WEB_PAGE out.  The front is trusted but checked: a malformed
 * request means the front is broken or taken over, and web stops.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "log.h"
#include "pages.h"
#include "proc.h"
#include "tmpl.h"

/*
 * Read n (key, value) pairs into one block: every string is shorter
 * than the payload that carried it, so m->len + 2n bytes hold them all.
 */
static int
render_read_kv(struct msgcur *cur, uint32_t n, struct kv *kv, char *arena,
    size_t alen)
{
	size_t		 off = 0, room;
	uint32_t	 i;
	int		 j;
	char		*s;

	for (i = 0; i < n; i++) {
		for (j = 0; j < 2; j++) {
			room = alen - off;
			if (room > MSG_MAXSTR + 1)
				room = MSG_MAXSTR + 1;
			s = arena + off;
			if (msg_get_string(cur, s, room) == -1)
				return -1;
			off += strlen(s) + 1;
			if (j == 0)
				kv[i].key = s;
			else
				kv[i].value = s;
		}
	}
	return 0;
}

static void
render_reply(struct msgbuf *reply, uint32_t peerid, uint16_t status,
    const char *ctype, const struct buf *body)
{
	msg_init(reply, MSG_WEB_PAGE, peerid);
	msg_add_u16(reply, status);
	msg_add_string(reply, ctype);
	msg_add_bytes(reply, body->data ? body->data : "", body->len);
}

/*
 * A page that cannot be made (it outgrew one message, or memory ran
 * out) becomes a short error page, or plain text if even that fails:
 * a limit or a lack of memory is answered, never a reason to stop.
 */
static void
render_error(uint32_t peerid, uint16_t status, const char *text,
    struct msgbuf *reply)
{
	struct kv	 kv[] = { { "message", text } };
	struct buf	 body, plain;
	const char	*ctype;

	buf_init(&body, WEB_BODY_MAX);
	if (page_render(WEB_PAGE_ERROR, status, kv, 1, &body, &ctype) ==
	    PAGE_OK)
		render_reply(reply, peerid, status, ctype, &body);
	else {
		memset(&plain, 0, sizeof(plain));
		plain.data = (char *)text;
		plain.len = strlen(text);
		render_reply(reply, peerid, status,
		    "text/plain; charset=utf-8", &plain);
	}
	buf_free(&body);
}

/*
 * Build the answer to one MSG_WEB_RENDER in reply; -1 when the request
 * is malformed (reply is then untouched).  Running out of memory is
 * answered with an error page.
 */
int
web_render_request(const struct msg *m, struct msgbuf *reply)
{
	struct msgcur	 cur;
	struct kv	*kv = NULL;
	struct buf	 body;
	char		*arena = NULL;
	const char	*ctype;
	size_t		 alen = 0;
	uint16_t	 page, status;
	uint32_t	 n;
	int		 rv = -1, r;

	buf_init(&body, WEB_BODY_MAX);
	msg_cursor(m, &cur);
	if (m->type != MSG_WEB_RENDER ||
	    msg_get_u16(&cur, &page) == -1 ||
	    msg_get_u16(&cur, &status) == -1 ||
	    msg_get_u32(&cur, &n) == -1 || n > WEB_MAXKV ||
	    page >= WEB_PAGE_MAX)
		goto done;
	alen = m->len + 2 * (size_t)n + 1;
	if ((kv = calloc(n ? n : 1, sizeof(*kv))) == NULL ||
	    (arena = malloc(alen)) == NULL) {
		log_warn("render request");
		render_error(m->peerid, 503, "Out of memory.", reply);
		rv = 0;
		goto done;
	}
	if (render_read_kv(&cur, n, kv, arena, alen) == -1 ||
	    msg_get_end(&cur) == -1)
		goto done;
	r = page_render(page, status, kv, n, &body, &ctype);
	if (r == PAGE_TOOBIG || r == PAGE_NOMEM) {
		log_warnx("page %u: %s", page, r == PAGE_TOOBIG ?
		    "too large for one message" : "out of memory");
		render_error(m->peerid, r == PAGE_TOOBIG ? 500 : 503,
		    r == PAGE_TOOBIG ? "This page is too large to show." :
		    "Out of memory.", reply);
		rv = 0;
	} else if (r == PAGE_OK) {
		render_reply(reply, m->peerid, status, ctype, &body);
		rv = 0;
	}
 done:
	buf_free(&body);
	if (arena != NULL)
		freezero(arena, alen);
	free(kv);
	return rv;
}

void
web_dispatch(enum proc_id from, struct msg *m)
{
	struct msgbuf	 reply;

	if (from != PROC_FRONT || m->type != MSG_WEB_RENDER)
		fatalx("unexpected %s from %s", msg_type_name(m->type),
		    proc_name(from));
	if (web_render_request(m, &reply) == -1)
		fatalx("malformed %s from %s", msg_type_name(m->type),
		    proc_name(from));
	if (proc_send(PROC_FRONT, &reply) == -1)
		log_warn("sending page to front");
}
