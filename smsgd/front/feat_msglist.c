/*
 * The folders: a page of the caller's inbox or sent messages, newest
 * first, from the store's headers.  Names come from auth in one
 * question for the whole page.  The subject is sealed like the body, so
 * it is opened per message: auth unwraps that message's key (checking
 * its unlock time and the sender's signature over the header) and the
 * front opens the subject's single chunk.  A locked message shows no
 * subject; one whose key or subject cannot be opened shows none either
 * (reading it in full says why).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "log.h"
#include "msgcrypt.h"
#include "proto.h"

#define LIST_DEFAULT	20
#define LIST_LIMIT	50	/* messages in one page at most */
#define COPY_READ	0x02	/* the store's read mark (STORE_HEADER state) */

struct mlist {
	uint32_t		 n, cur;
	struct msg_row		 row[LIST_LIMIT];
	char			*subject[LIST_LIMIT];
	size_t			 slen[LIST_LIMIT];
	uint32_t		 nuid;
	uint32_t		 uid[AUTH_NAMES_MAX];
	char			 name[AUTH_NAMES_MAX][MSG_NAMELEN];
	int			 more;
	uint8_t			 next[MC_IDLEN];
	uint8_t			 ckey[MC_KEYLEN];
	uint8_t			 out[MC_CHUNK];
};

static void	next_subject(struct app_req *);

static void
mlist_free(void *arg)
{
	struct mlist	*s = arg;
	uint32_t	 i;

	for (i = 0; i < LIST_LIMIT; i++)
		if (s->subject[i] != NULL) {
			explicit_bzero(s->subject[i], s->slen[i]);
			free(s->subject[i]);
		}
	explicit_bzero(s, sizeof(*s));
	free(s);
}

static struct mlist *
mlist_of(struct app_req *ar)
{
	return ar->feat;
}

/* The query: folder=inbox|sent, before=ID, limit=N; -1 answered. */
static int
parse_query(struct app_req *ar, uint8_t *folder, int *has_before,
    uint8_t before[MC_IDLEN], uint32_t *limit)
{
	const char	*q = ar->h->query, *f, *b, *l;
	char		*end;
	unsigned long	 n;

	*folder = 0;
	*has_before = 0;
	*limit = LIST_DEFAULT;
	if (q == NULL)
		return 0;
	if (http_form_parse(&ar->form, (const uint8_t *)q, strlen(q)) ==
	    -1) {
		app_fail(ar, 400, "bad_request", "The query cannot be read.");
		return -1;
	}
	if ((f = http_form_get(&ar->form, "folder")) != NULL) {
		if (strcmp(f, "inbox") != 0 && strcmp(f, "sent") != 0) {
			app_fail(ar, 400, "bad_request",
			    "folder: inbox or sent.");
			return -1;
		}
		*folder = strcmp(f, "sent") == 0;
	}
	if ((b = http_form_get(&ar->form, "before")) != NULL) {
		if (msgid_parse(b, before) == -1) {
			app_fail(ar, 400, "bad_request", "before: a message id.");
			return -1;
		}
		*has_before = 1;
	}
	if ((l = http_form_get(&ar->form, "limit")) != NULL) {
		n = strtoul(l, &end, 10);
		if (*l < '0' || *l > '9' || *end != '\0' || n < 1 ||
		    n > LIST_LIMIT) {
			app_fail(ar, 400, "bad_request",
			    "limit: a number from 1 to 50.");
			return -1;
		}
		*limit = (uint32_t)n;
	}
	return 0;
}

static int	on_row(struct req *, struct msg *);

void
feat_msg_list(struct app_req *ar)
{
	struct mlist	*s;
	struct msgbuf	 mb;
	uint8_t		 folder, before[MC_IDLEN];
	uint32_t	 limit;
	int		 has_before;

	memset(before, 0, sizeof(before));
	if (parse_query(ar, &folder, &has_before, before, &limit) == -1)
		return;
	if ((s = calloc(1, sizeof(*s))) == NULL) {
		app_fail(ar, 503, "busy", "Out of memory; try again later.");
		return;
	}
	ar->feat = s;
	ar->feat_free = mlist_free;
	store_prefix(ar, &mb, MSG_STORE_LIST);
	msg_add_u8(&mb, folder);
	msg_add_u8(&mb, has_before);
	msg_add_fixed(&mb, before, MC_IDLEN);
	msg_add_u32(&mb, limit);
	ask_store(ar, &mb, on_row);
}

/* uid into the page's table of names to ask for. */
static void
want_name(struct mlist *s, uint32_t uid)
{
	uint32_t	 i;

	for (i = 0; i < s->nuid; i++)
		if (s->uid[i] == uid)
			return;
	if (s->nuid < AUTH_NAMES_MAX)
		s->uid[s->nuid++] = uid;
}

static const char *
name_of(const struct mlist *s, uint32_t uid)
{
	uint32_t	 i;

	for (i = 0; i < s->nuid; i++)
		if (s->uid[i] == uid)
			return s->name[i];
	return "";
}

static int	on_names(struct req *, struct msg *);

static int
on_row(struct req *r, struct msg *m)
{
	struct app_req	*ar = app_of(r);
	struct mlist	*s = mlist_of(ar);
	struct msgbuf	 mb;
	struct msgcur	 c;
	uint32_t	 i, j;
	uint8_t		 more;

	if (store_settled(ar, m, MSG_STORE_HEADER, MSG_STORE_END))
		return 0;
	if (m->type == MSG_STORE_HEADER) {
		if (s->n == LIST_LIMIT)
			fatalx("the store listed more than asked for");
		store_get_header(m, &s->row[s->n++]);
		return 1;
	}
	msg_cursor(m, &c);
	if (msg_get_u8(&c, &more) == -1 ||
	    msg_get_fixed(&c, s->next, MC_IDLEN) == -1 ||
	    msg_get_end(&c) == -1)
		fatalx("malformed STORE_END from store");
	s->more = more != 0;
	for (i = 0; i < s->n; i++) {
		want_name(s, s->row[i].h.sender);
		for (j = 0; j < s->row[i].h.nrcpt; j++)
			want_name(s, s->row[i].h.rcpt[j]);
	}
	ask_prefix(ar, &mb, MSG_AUTH_NAMES);
	msg_add_u32(&mb, s->nuid);
	for (i = 0; i < s->nuid; i++)
		msg_add_u32(&mb, s->uid[i]);
	ask_auth(ar, &mb, on_names);
	return 0;
}

static int
on_names(struct req *r, struct msg *m)
{
	struct app_req	*ar = app_of(r);
	struct mlist	*s = mlist_of(ar);
	struct msgcur	 c;
	uint32_t	 n, i;

	if (ask_settled(ar, m, MSG_AUTH_NAME_LIST, MSG_AUTH_NAME_LIST))
		return 0;
	msg_cursor(m, &c);
	if (msg_get_u32(&c, &n) == -1 || n != s->nuid)
		fatalx("malformed AUTH_NAME_LIST from auth");
	for (i = 0; i < n; i++)
		if (msg_get_string(&c, s->name[i], MSG_NAMELEN) == -1)
			fatalx("malformed AUTH_NAME_LIST from auth");
	if (msg_get_end(&c) == -1)
		fatalx("malformed AUTH_NAME_LIST from auth");
	next_subject(ar);
	return 0;
}

static void	list_done(struct app_req *);
static int	on_key(struct req *, struct msg *);

/* The subject of the next unlocked message, or the page is done. */
static void
next_subject(struct app_req *ar)
{
	struct mlist	*s = mlist_of(ar);

	while (s->cur < s->n && (s->row[s->cur].locked ||
	    s->row[s->cur].h.nstreams == 0))
		s->cur++;
	if (s->cur == s->n) {
		list_done(ar);
		return;
	}
	ask_unwrap(ar, &s->row[s->cur], on_key);
}

static int	on_subject(struct req *, struct msg *);

static int
on_key(struct req *r, struct msg *m)
{
	struct app_req	*ar = app_of(r);
	struct mlist	*s = mlist_of(ar);
	struct msg_row	*row = &s->row[s->cur];
	struct msgbuf	 mb;
	char		 from[MSG_NAMELEN], fp[MC_FPTEXTLEN];

	if (m == NULL) {
		app_fail(ar, 503, "unavailable", "The sign-in service is not "
		    "available right now; try again in a moment.");
		return 0;
	}
	if (m->type == MSG_AUTH_FAIL) {
		/* no subject for this one; the rest of the page goes on */
		s->cur++;
		next_subject(ar);
		return 0;
	}
	a_expect(m, MSG_AUTH_CONTENT_KEY, MSG_AUTH_CONTENT_KEY);
	auth_get_key(m, row->h.nrcpt, s->ckey, from, fp, NULL);
	store_prefix(ar, &mb, MSG_STORE_CHUNK_GET);
	msg_add_fixed(&mb, row->h.id, MC_IDLEN);
	msg_add_u32(&mb, 0);
	msg_add_u64(&mb, 0);
	ask_store(ar, &mb, on_subject);
	return 0;
}

/* The subject's one chunk, opened; nothing when it does not open. */
static void
open_subject(struct mlist *s, struct msg *m)
{
	struct msg_row		*row = &s->row[s->cur];
	struct mc_stream	 st;
	struct msgcur		 c;
	const uint8_t		*data;
	size_t			 len, olen;
	uint8_t			 last;

	msg_cursor(m, &c);
	if (msg_get_u8(&c, &last) == -1 ||
	    msg_get_bytes(&c, &data, &len, MC_SEALED_MAX) == -1 ||
	    msg_get_end(&c) == -1)
		fatalx("malformed STORE_CHUNK from store");
	if (mc_stream_init(&st, s->ckey, row->h.id, row->h.unlock, 0) == 0 &&
	    mc_stream_open(&st, data, len, last, s->out, &olen) == 0 &&
	    mc_stream_finished(&st) &&
	    (s->subject[s->cur] = malloc(olen + 1)) != NULL) {
		memcpy(s->subject[s->cur], s->out, olen);
		s->subject[s->cur][olen] = '\0';
		s->slen[s->cur] = olen;
	}
	mc_stream_clear(&st);
	explicit_bzero(s->out, sizeof(s->out));
}

static int
on_subject(struct req *r, struct msg *m)
{
	struct app_req	*ar = app_of(r);
	struct mlist	*s = mlist_of(ar);

	if (m == NULL) {
		app_fail(ar, 503, "unavailable", "The message store is not "
		    "available right now; try again in a moment.");
		return 0;
	}
	/* gone since the list (deleted, expired): no subject, no failure */
	if (m->type == MSG_STORE_CHUNK)
		open_subject(s, m);
	else if (m->type != MSG_STORE_FAIL)
		fatalx("store answered %s, expected STORE_CHUNK",
		    msg_type_name(m->type));
	explicit_bzero(s->ckey, sizeof(s->ckey));
	s->cur++;
	next_subject(ar);
	return 0;
}

static void
list_done(struct app_req *ar)
{
	struct mlist		*s = mlist_of(ar);
	struct msg_item		 it;
	const char		*to[MC_RCPT_MAX];
	char			 next[MC_IDTEXTLEN];
	uint32_t		 i, j;

	for (i = 0; i < s->n; i++) {
		const struct msg_row	*row = &s->row[i];

		memset(&it, 0, sizeof(it));
		msgid_text(row->h.id, it.id);
		it.from = name_of(s, row->h.sender);
		for (j = 0; j < row->h.nrcpt; j++)
			to[j] = name_of(s, row->h.rcpt[j]);
		it.to = to;
		it.nto = row->h.nrcpt;
		it.subject = s->subject[i];
		it.subject_len = s->slen[i];
		it.created = row->h.created;
		it.unlock = row->h.unlock;
		it.expires = row->h.expires;
		for (j = 0; j < row->h.nstreams; j++)
			it.size += row->h.sizes[j];
		it.files = row->h.nstreams > 2 ? row->h.nstreams - 2 : 0;
		it.read = (row->state & COPY_READ) != 0;
		it.locked = row->locked;
		ar->face->msg_row(ar, &it);
	}
	if (s->more)
		msgid_text(s->next, next);
	ar->face->msg_list_end(ar, s->more ? next : NULL);
}
