/*
 * The folders: a page of the caller's inbox or sent messages, newest
 * first, from the store's headers; and a conversation, the messages
 * between the caller and one other user in time order (the newest 50,
 * from both folders, each scanned back at most CONV_PAGES pages).  Names
 * come from auth in one question for the whole page.  The subject is
 * sealed like the body, so it is opened per message: auth unwraps the
 * keys of the whole page in one question (checking each one's unlock
 * time and the sender's signature over the header), and the front opens
 * each subject's single chunk, which the store sends along with a folder
 * page's headers when it is short (otherwise, and in a conversation, it
 * is asked for).  A locked message shows no subject; one whose key or
 * subject cannot be opened shows none either (reading it in full says
 * why).
 *
 * A conversation's page also shows the beginning of each body (its first
 * chunk, opened the same way), newest first until a budget for the page
 * is spent, except for a message deleted after its first read: showing
 * it would not count as that read.
 */
#include "config.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "log.h"
#include "msgcrypt.h"
#include "proto.h"

#define LIST_DEFAULT	20
#define LIST_LIMIT	50	/* messages in one page at most */
#define ROWS_MAX	(2 * LIST_LIMIT)	/* a conversation's two folders */
#define CONV_PAGES	10	/* pages of the store's 200 per folder */
#define STORE_PAGE	200	/* the store's longest page */
#define FOLDER_INBOX	0	/* STORE_LIST's folders */
#define FOLDER_SENT	1
#define BODY_SHOWN	1000	/* bytes of a body in a conversation page */
#define BODY_BUDGET	20000	/* ... and in all, with every row's subject */

/* A subject's sealed chunk that came with its header, by message id. */
struct sealed_subject {
	uint8_t			 id[MC_IDLEN];
	uint8_t			*data;
	size_t			 len;
};

/*
 * A page in progress.  Only the fields before row are zeroed at the
 * start; the large tables after it are filled before they are read, and
 * the keys among them wiped at the end (out after each use).
 */
struct mlist {
	uint32_t		 n, cur;
	char			*subject[ROWS_MAX];
	size_t			 slen[ROWS_MAX];
	char			*body[ROWS_MAX];	/* conversation pages */
	size_t			 blen[ROWS_MAX];
	int			 bcut[ROWS_MAX];
	size_t			 budget;
	int			 conv;		/* a conversation with uid with */
	uint32_t		 with;
	uint8_t			 folder;
	uint32_t		 pages, kept;	/* of the folder being read */
	uint32_t		 nuid;
	int			 more;
	int			 skip;		/* the last header is not kept */
	uint8_t			 next[MC_IDLEN];
	uint32_t		 nsealed;
	uint8_t			 keyok[ROWS_MAX];
	uint8_t			 ckey[MC_KEYLEN];
	struct msg_row		 row[ROWS_MAX];
	struct msg_row		 scratch;
	uint32_t		 uid[AUTH_NAMES_MAX];
	char			 name[AUTH_NAMES_MAX][MSG_NAMELEN];
	struct sealed_subject	 sealed[ROWS_MAX];	/* sent along */
	uint8_t			 keys[ROWS_MAX][MC_KEYLEN];
	uint8_t			 out[MC_CHUNK];
};
#define MLIST_HEAD	offsetof(struct mlist, row)

static void	next_subject(struct app_req *);
static void	ask_keys(struct app_req *);

static void
mlist_free(void *arg)
{
	struct mlist	*s = arg;
	uint32_t	 i;

	for (i = 0; i < ROWS_MAX; i++) {
		if (s->subject[i] != NULL) {
			explicit_bzero(s->subject[i], s->slen[i]);
			free(s->subject[i]);
		}
		if (s->body[i] != NULL) {
			explicit_bzero(s->body[i], s->blen[i]);
			free(s->body[i]);
		}
	}
	for (i = 0; i < s->nsealed; i++)
		free(s->sealed[i].data);
	explicit_bzero(s->keys, sizeof(s->keys));
	explicit_bzero(s, MLIST_HEAD);
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

	/* a page's folder is its route's */
	*folder = ar->route->page == WEB_PAGE_SENT ? FOLDER_SENT :
	    FOLDER_INBOX;
	*has_before = 0;
	*limit = LIST_DEFAULT;
	if (q == NULL)
		return 0;
	if (http_form_parse(&ar->form, (const uint8_t *)q, strlen(q)) ==
	    -1) {
		app_fail(ar, 400, "bad_request", "The query cannot be read.");
		return -1;
	}
	if (ar->route->face == FACE_API &&
	    (f = http_form_get(&ar->form, "folder")) != NULL) {
		if (strcmp(f, "inbox") != 0 && strcmp(f, "sent") != 0) {
			app_fail(ar, 400, "bad_request",
			    "folder: inbox or sent.");
			return -1;
		}
		*folder = strcmp(f, "sent") == 0 ? FOLDER_SENT :
		    FOLDER_INBOX;
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

static void
ask_page(struct app_req *ar, uint8_t folder, int has_before,
    const uint8_t before[MC_IDLEN], uint32_t limit)
{
	struct msgbuf	 mb;

	ask_store_init(ar, &mb, MSG_STORE_LIST);
	msg_add_u8(&mb, folder);
	msg_add_u8(&mb, has_before);
	msg_add_fixed(&mb, before, MC_IDLEN);
	msg_add_u32(&mb, limit);
	/* a conversation keeps few of a page's rows: it asks on its own */
	msg_add_u8(&mb, !mlist_of(ar)->conv);
	ask_store(ar, &mb, on_row);
}

static struct mlist *
mlist_new(struct app_req *ar)
{
	struct mlist	*s;

	if ((s = malloc(sizeof(*s))) == NULL) {
		app_fail(ar, 503, "busy", "Out of memory; try again later.");
		return NULL;
	}
	memset(s, 0, MLIST_HEAD);
	ar->feat = s;
	ar->feat_free = mlist_free;
	return s;
}

void
feat_msg_list(struct app_req *ar)
{
	uint8_t		 folder, before[MC_IDLEN];
	uint32_t	 limit;
	int		 has_before;

	memset(before, 0, sizeof(before));
	if (parse_query(ar, &folder, &has_before, before, &limit) == -1 ||
	    mlist_new(ar) == NULL)
		return;
	ask_page(ar, folder, has_before, before, limit);
}

static int
on_peer(struct req *r, struct msg *m)
{
	struct app_req	*ar = app_of(r);
	struct mlist	*s = mlist_of(ar);
	struct msgcur	 c;
	char		 name[MSG_NAMELEN], fp[MC_FPTEXTLEN];
	uint8_t		 key[MC_KEYLEN], zero[MC_IDLEN] = { 0 };

	if (ask_settled(ar, m, MSG_AUTH_PUBKEY, MSG_AUTH_PUBKEY))
		return 0;
	msg_cursor(m, &c);
	if (msg_get_string(&c, name, sizeof(name)) == -1 ||
	    msg_get_u32(&c, &s->with) == -1 ||
	    msg_get_fixed(&c, key, sizeof(key)) == -1 ||
	    msg_get_fixed(&c, key, sizeof(key)) == -1 ||
	    msg_get_string(&c, fp, sizeof(fp)) == -1 ||
	    msg_get_end(&c) == -1)
		fatalx("malformed AUTH_PUBKEY from auth");
	s->folder = FOLDER_INBOX;
	ask_page(ar, s->folder, 0, zero, STORE_PAGE);
	return 0;
}

void
feat_conversation(struct app_req *ar)
{
	const struct route_param	*p = route_param(&ar->params, "name");
	struct mlist			*s;
	struct msgbuf			 mb;

	if (p == NULL || (s = mlist_new(ar)) == NULL)
		return;
	s->conv = 1;
	s->budget = ar->route->face == FACE_PAGE ? BODY_BUDGET : 0;
	ask_prefix(ar, &mb, MSG_AUTH_PUBKEYS);
	msg_add_string(&mb, p->text);
	ask_auth(ar, &mb, on_peer);
}

/* Is row, of the folder being read, between the caller and s->with? */
static int
in_conversation(const struct mlist *s, const struct msg_row *row)
{
	uint32_t	 i;

	if (s->folder == FOLDER_INBOX)
		return row->h.sender == s->with;
	for (i = 0; i < row->h.nrcpt; i++)
		if (row->h.rcpt[i] == s->with)
			return 1;
	return 0;
}

static int
by_time(const void *a, const void *b)
{
	const struct msg_row	*x = a, *y = b;

	if (x->h.created != y->h.created)
		return x->h.created < y->h.created ? -1 : 1;
	return memcmp(x->h.id, y->h.id, MC_IDLEN);
}

/*
 * A conversation's folder is read: the next page, the sent folder, or
 * the newest LIST_LIMIT of both in time order.  1 while reading on.
 */
static int
conversation_next(struct app_req *ar)
{
	struct mlist	*s = mlist_of(ar);
	uint8_t		 zero[MC_IDLEN] = { 0 };

	if (s->more && s->kept < LIST_LIMIT && ++s->pages < CONV_PAGES) {
		ask_page(ar, s->folder, 1, s->next, STORE_PAGE);
		return 1;
	}
	if (s->folder == FOLDER_INBOX) {
		s->folder = FOLDER_SENT;
		s->pages = s->kept = 0;
		ask_page(ar, s->folder, 0, zero, STORE_PAGE);
		return 1;
	}
	qsort(s->row, s->n, sizeof(s->row[0]), by_time);
	if (s->n > LIST_LIMIT) {
		memmove(s->row, s->row + (s->n - LIST_LIMIT),
		    LIST_LIMIT * sizeof(s->row[0]));
		s->n = LIST_LIMIT;
	}
	s->more = 0;
	return 0;
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

/*
 * A subject's sealed chunk after its header (STORE_LIST): kept, by id
 * (a conversation's rows are sorted later), for when the key is known.
 * 1: more of the list follows.
 */
static int
keep_subject(struct mlist *s, struct msg *m)
{
	struct sealed_subject	*sub;
	const uint8_t	*data;
	size_t		 len;
	uint8_t		 last;

	store_get_chunk(m, &last, &data, &len);
	if (last != 1)
		fatalx("a subject in a list from store is not one chunk");
	if (s->skip || s->n == 0 || s->nsealed == ROWS_MAX)
		return 1;
	sub = &s->sealed[s->nsealed];
	/* without memory the subject is asked for later, as a long one */
	if ((sub->data = malloc(len > 0 ? len : 1)) != NULL) {
		memcpy(sub->id, s->row[s->n - 1].h.id, MC_IDLEN);
		memcpy(sub->data, data, len);
		sub->len = len;
		s->nsealed++;
	}
	return 1;
}

static int
on_row(struct req *r, struct msg *m)
{
	struct app_req	*ar = app_of(r);
	struct mlist	*s = mlist_of(ar);
	struct msgbuf	 mb;
	struct msgcur	 c;
	uint32_t	 i, j;
	uint8_t		 more;

	if (m != NULL && m->type == MSG_STORE_CHUNK)
		return keep_subject(s, m);
	if (store_settled(ar, m, MSG_STORE_HEADER, MSG_STORE_END, NULL))
		return 0;
	if (m->type == MSG_STORE_HEADER) {
		store_get_header(m, &s->scratch);
		s->skip = s->conv && (!in_conversation(s, &s->scratch) ||
		    s->kept == LIST_LIMIT);
		if (s->skip)
			return 1;
		if (s->n == ROWS_MAX)
			fatalx("the store listed more than asked for");
		s->row[s->n++] = s->scratch;
		s->kept++;
		return 1;
	}
	msg_cursor(m, &c);
	if (msg_get_u8(&c, &more) == -1 ||
	    msg_get_fixed(&c, s->next, MC_IDLEN) == -1 ||
	    msg_get_end(&c) == -1)
		fatalx("malformed STORE_END from store");
	s->more = more != 0;
	if (s->conv && conversation_next(ar))
		return 0;
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
	ask_keys(ar);
	return 0;
}

/* Rows whose key is asked for: unlocked, with a subject stream. */
static int
wants_key(const struct msg_row *row)
{
	return !row->locked && row->h.nstreams > 0;
}

static int	on_keys(struct req *, struct msg *);

/* The keys of every row that has one, in one question to auth. */
static void
ask_keys(struct app_req *ar)
{
	struct mlist	*s = mlist_of(ar);
	struct msgbuf	 mb;
	uint32_t	 i, n = 0;

	for (i = 0; i < s->n; i++)
		n += wants_key(&s->row[i]);
	if (n == 0 || n > AUTH_UNWRAP_MAX) {
		/* nothing to open (more than a page is never kept) */
		next_subject(ar);
		return;
	}
	ask_prefix(ar, &mb, MSG_AUTH_KEY_UNWRAP_PAGE);
	msg_add_u32(&mb, n);
	for (i = 0; i < s->n; i++)
		if (wants_key(&s->row[i]))
			add_unwrap(&mb, &s->row[i]);
	ask_auth(ar, &mb, on_keys);
}

/* AUTH_CONTENT_KEYS: a key or a refusal per row asked for, in order. */
static int
on_keys(struct req *r, struct msg *m)
{
	struct app_req	*ar = app_of(r);
	struct mlist	*s = mlist_of(ar);
	struct msgcur	 c;
	uint32_t	 n, i, code, want = 0;

	if (ask_settled(ar, m, MSG_AUTH_CONTENT_KEYS, MSG_AUTH_CONTENT_KEYS))
		return 0;
	for (i = 0; i < s->n; i++)
		want += wants_key(&s->row[i]);
	msg_cursor(m, &c);
	if (msg_get_u32(&c, &n) == -1 || n != want)
		fatalx("malformed AUTH_CONTENT_KEYS from auth");
	for (i = 0; i < s->n; i++) {
		if (!wants_key(&s->row[i]))
			continue;
		if (msg_get_u32(&c, &code) == -1 ||
		    msg_get_fixed(&c, s->keys[i], MC_KEYLEN) == -1)
			fatalx("malformed AUTH_CONTENT_KEYS from auth");
		/* a refused key shows no subject; the page goes on */
		s->keyok[i] = code == 0;
	}
	if (msg_get_end(&c) == -1)
		fatalx("malformed AUTH_CONTENT_KEYS from auth");
	next_subject(ar);
	return 0;
}

static void	list_done(struct app_req *);
static int	on_subject(struct req *, struct msg *);

/* The row being opened: a conversation's newest first, for the budget. */
static uint32_t
cur_row(const struct mlist *s)
{
	return s->conv ? s->n - 1 - s->cur : s->cur;
}

static void	subject_opened(struct app_req *, int);
static void	subject_keep(struct mlist *, uint32_t, char *, int);
static char	*open_first(struct mlist *, const uint8_t *, size_t, uint8_t,
		    uint32_t, size_t, size_t *, int *);

static struct sealed_subject *
sealed_of(struct mlist *s, const uint8_t id[MC_IDLEN])
{
	uint32_t	 i;

	for (i = 0; i < s->nsealed; i++)
		if (memcmp(s->sealed[i].id, id, MC_IDLEN) == 0)
			return &s->sealed[i];
	return NULL;
}

/*
 * The subject of the next message with a key, or the page is done: the
 * chunk sent along is opened here, a longer one is asked for.
 */
static void
next_subject(struct app_req *ar)
{
	struct mlist		*s = mlist_of(ar);
	struct sealed_subject	*sub;
	struct msgbuf		 mb;
	uint32_t		 i;
	int			 cut = 0;

	while (s->cur < s->n && !s->keyok[cur_row(s)])
		s->cur++;
	if (s->cur == s->n) {
		list_done(ar);
		return;
	}
	i = cur_row(s);
	memcpy(s->ckey, s->keys[i], MC_KEYLEN);
	explicit_bzero(s->keys[i], MC_KEYLEN);
	if ((sub = sealed_of(s, s->row[i].h.id)) != NULL) {
		subject_keep(s, i, open_first(s, sub->data, sub->len, 1, 0,
		    MC_CHUNK, &s->slen[i], &cut), cut);
		subject_opened(ar, 1);
		return;
	}
	ask_store_init(ar, &mb, MSG_STORE_CHUNK_GET);
	msg_add_fixed(&mb, s->row[i].h.id, MC_IDLEN);
	msg_add_u32(&mb, 0);
	msg_add_u64(&mb, 0);
	ask_store(ar, &mb, on_subject);
}

/*
 * The first chunk of stream i of the current row, opened into a copy
 * of at most max bytes (cut at a character); NULL when it does not
 * open.  *cut says there was more.
 */
static char *
open_first(struct mlist *s, const uint8_t *data, size_t len, uint8_t last,
    uint32_t i, size_t max, size_t *outlen, int *cut)
{
	struct msg_row		*row = &s->row[cur_row(s)];
	struct mc_stream	 st;
	size_t			 olen;
	char			*copy = NULL;

	if (mc_stream_init(&st, s->ckey, row->h.id, row->h.unlock, i) == 0 &&
	    mc_stream_open(&st, data, len, last, s->out, &olen) == 0) {
		*cut = !mc_stream_finished(&st) || olen > max;
		if (olen > max)
			for (olen = max; olen > 0 &&
			    (s->out[olen] & 0xc0) == 0x80; olen--)
				;
		if ((copy = malloc(olen + 1)) != NULL) {
			memcpy(copy, s->out, olen);
			copy[olen] = '\0';
			*outlen = olen;
		}
	}
	mc_stream_clear(&st);
	/* what the open wrote, or a failed one may have: at most len */
	explicit_bzero(s->out, len < sizeof(s->out) ? len : sizeof(s->out));
	return copy;
}

/* open_first of a STORE_CHUNK. */
static char *
open_chunk(struct mlist *s, struct msg *m, uint32_t i, size_t max,
    size_t *outlen, int *cut)
{
	const uint8_t	*data;
	size_t		 len;
	uint8_t		 last;

	store_get_chunk(m, &last, &data, &len);
	return open_first(s, data, len, last, i, max, outlen, cut);
}

/* The store answered a chunk: 1 when it is one, 0 when gone. */
static int
chunk_answer(struct app_req *ar, struct msg *m)
{
	if (m == NULL) {
		app_fail(ar, 503, "unavailable", "The message store is not "
		    "available right now; try again in a moment.");
		return -1;
	}
	/* gone since the list (deleted, expired): no text, no failure */
	if (m->type != MSG_STORE_CHUNK && m->type != MSG_STORE_FAIL)
		fatalx("store answered %s, expected STORE_CHUNK",
		    msg_type_name(m->type));
	return m->type == MSG_STORE_CHUNK;
}

static void
row_opened(struct app_req *ar)
{
	struct mlist	*s = mlist_of(ar);

	explicit_bzero(s->ckey, sizeof(s->ckey));
	s->cur++;
	next_subject(ar);
}

static int
on_body(struct req *r, struct msg *m)
{
	struct app_req	*ar = app_of(r);
	struct mlist	*s = mlist_of(ar);
	uint32_t	 i = cur_row(s);
	size_t		 max = s->budget < BODY_SHOWN ? s->budget : BODY_SHOWN;
	int		 rc;

	if ((rc = chunk_answer(ar, m)) == -1)
		return 0;
	if (rc == 1 && (s->body[i] = open_chunk(s, m, 1, max, &s->blen[i],
	    &s->bcut[i])) != NULL)
		s->budget -= s->blen[i];
	row_opened(ar);
	return 0;
}

/* A conversation page shows the body's beginning, while the budget lasts. */
static int
want_body(const struct mlist *s)
{
	const struct msg_row	*row = &s->row[cur_row(s)];

	return s->budget > 0 && row->h.nstreams >= 2 && row->h.sizes[1] > 0 &&
	    !(row->h.flags & MC_F_DELETE_AFTER_READ);
}

/*
 * The subject of the current row is in (got 1), or gone since the list
 * (got 0).  A conversation page asks for the body's beginning next.
 */
static void
subject_opened(struct app_req *ar, int got)
{
	struct mlist	*s = mlist_of(ar);
	struct msgbuf	 mb;
	uint32_t	 i = cur_row(s);

	if (got && want_body(s)) {
		s->budget -= s->slen[i] < s->budget ? s->slen[i] : s->budget;
		ask_store_init(ar, &mb, MSG_STORE_CHUNK_GET);
		msg_add_fixed(&mb, s->row[i].h.id, MC_IDLEN);
		msg_add_u32(&mb, 1);
		msg_add_u64(&mb, 0);
		ask_store(ar, &mb, on_body);
		return;
	}
	row_opened(ar);
}

/* A subject is one chunk: anything else shows none. */
static void
subject_keep(struct mlist *s, uint32_t i, char *text, int cut)
{
	if (text != NULL && cut) {
		explicit_bzero(text, s->slen[i]);
		free(text);
		text = NULL;
	}
	s->subject[i] = text;
}

static int
on_subject(struct req *r, struct msg *m)
{
	struct app_req	*ar = app_of(r);
	struct mlist	*s = mlist_of(ar);
	uint32_t	 i = cur_row(s);
	int		 rc, cut = 0;

	if ((rc = chunk_answer(ar, m)) == -1)
		return 0;
	if (rc == 1)
		subject_keep(s, i, open_chunk(s, m, 0, MC_CHUNK, &s->slen[i],
		    &cut), cut);
	subject_opened(ar, rc);
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
		it.body = s->body[i];
		it.body_len = s->blen[i];
		it.body_cut = s->bcut[i];
		it.flags = row->h.flags;
		it.created = row->h.created;
		it.unlock = row->h.unlock;
		it.expires = row->h.expires;
		for (j = 0; j < row->h.nstreams; j++)
			it.size += row->h.sizes[j];
		it.files = row->h.nstreams > 2 ? row->h.nstreams - 2 : 0;
		it.read = (row->state & ROW_READ) != 0;
		it.locked = row->locked;
		ar->face->msg_row(ar, &it);
	}
	if (s->more)
		msgid_text(s->next, next);
	ar->face->msg_list_end(ar, s->more ? next : NULL);
}
