/*
 * Reading and deleting a message.  The store checks that the caller is
 * its sender or a recipient and that its unlock time has passed, and
 * answers the header with the caller's wrapped key, and with it the
 * sealed subject and body when each is one chunk; auth checks the
 * unlock time again, unwraps and verifies the sender's signature; the
 * front opens the chunks, checks them against the signed digest, and
 * tells the store the message was read in full (which ends a "delete
 * after read" copy), unless its header says that was told before.
 * Someone else's message is a missing one: 404.
 */
#include "config.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "filehead.h"
#include "log.h"
#include "msgcrypt.h"
#include "msgheader.h"
#include "proto.h"

#define TEXT_STREAMS	MC_TEXT_STREAMS	/* subject and body; files are streamed */

/*
 * A read in progress.  Only the fields before names are zeroed at the
 * start; the large tables after it are filled before they are read and
 * wiped as far as they were filled (out after each chunk), so a read of
 * 1 KiB does not clear 100 KiB twice.
 */
struct mread {
	struct msg_row		 row;
	uint8_t			 ckey[MC_KEYLEN];
	char			 from[MSG_NAMELEN];
	char			 fp[MC_FPTEXTLEN];
	struct mc_stream	 st;
	struct mc_digest	*dg;
	uint32_t		 stream;
	uint32_t		 coming;	/* text chunks still to come */
	int			 nomem;
	uint8_t			*sealed[TEXT_STREAMS];	/* came along */
	size_t			 sealedlen[TEXT_STREAMS];
	uint8_t			*plain[TEXT_STREAMS];
	size_t			 plen[TEXT_STREAMS];
	uint32_t		 nfiles;	/* files[] begun */
	char			 names[MC_RCPT_MAX][MSG_NAMELEN];
	const char		*to[MC_RCPT_MAX];
	struct msg_file		 files[MC_STREAM_MAX - TEXT_STREAMS];
	uint8_t			 out[MC_CHUNK];
};
#define MREAD_HEAD	offsetof(struct mread, names)

static void	get_chunk(struct app_req *);

static void
mread_free(void *arg)
{
	struct mread	*s = arg;
	int		 i;

	for (i = 0; i < TEXT_STREAMS; i++)
		free(s->sealed[i]);
	for (i = 0; i < TEXT_STREAMS; i++)
		if (s->plain[i] != NULL) {
			explicit_bzero(s->plain[i], s->row.h.sizes[i]);
			free(s->plain[i]);
		}
	mc_stream_clear(&s->st);
	if (s->dg != NULL)
		mc_digest_free(s->dg);
	explicit_bzero(s->names, s->row.h.nrcpt * sizeof(s->names[0]));
	explicit_bzero(s->files, s->nfiles * sizeof(s->files[0]));
	explicit_bzero(s, MREAD_HEAD);
	free(s);
}

static struct mread *
mread_of(struct app_req *ar)
{
	return ar->feat;
}

/* The {id} of the path as raw bytes; 404 (answered) when it is none. */
static int
path_id(struct app_req *ar, uint8_t id[MC_IDLEN])
{
	const struct route_param	*p = route_param(&ar->params, "id");

	if (p == NULL || msgid_parse(p->text, id) == -1) {
		app_fail(ar, 404, "not_found", "No such message.");
		return -1;
	}
	return 0;
}

static void
ask_id(struct app_req *ar, uint32_t type, const uint8_t id[MC_IDLEN],
    req_answer_cb cb)
{
	struct msgbuf	 mb;

	ask_store_init(ar, &mb, type);
	msg_add_fixed(&mb, id, MC_IDLEN);
	ask_store(ar, &mb, cb);
}

static void
bad_message(struct app_req *ar)
{
	app_fail(ar, 502, "bad_signature", "This message fails its "
	    "signature check.");
}

static int	on_key(struct req *, struct msg *);

/* The text chunks that follow an unlocked header (STORE_GET_TEXT). */
static uint32_t
text_coming(const struct msg_row *row)
{
	uint32_t	 i, n = 0;

	for (i = 0; i < TEXT_STREAMS && !row->locked; i++)
		n += mc_text_along(&row->h, i) ? 1 : 0;
	return n;
}

/* The header and the text that came along are in: now the key. */
static void
header_in(struct app_req *ar)
{
	struct mread	*s = mread_of(ar);

	if (s->nomem)
		app_fail(ar, 503, "busy", "Out of memory; try again later.");
	else if (s->row.h.nstreams < TEXT_STREAMS)
		bad_message(ar);
	else
		ask_unwrap(ar, &s->row, on_key);
}

/* A text chunk after the header: kept sealed until the key is in. */
static int
text_in(struct app_req *ar, struct msg *m)
{
	struct mread	*s = mread_of(ar);
	const uint8_t	*data;
	size_t		 len;
	uint8_t		 last;
	uint32_t	 i;

	if (store_settled(ar, m, MSG_STORE_CHUNK, MSG_STORE_CHUNK, NULL))
		return 0;
	store_get_chunk(m, &last, &data, &len);
	for (i = 0; i < TEXT_STREAMS; i++)
		if (mc_text_along(&s->row.h, i) && s->sealed[i] == NULL)
			break;
	if (i == TEXT_STREAMS || last != 1)
		fatalx("the store sent other text than its header says");
	if ((s->sealed[i] = malloc(len > 0 ? len : 1)) == NULL)
		s->nomem = 1;
	else {
		memcpy(s->sealed[i], data, len);
		s->sealedlen[i] = len;
	}
	if (--s->coming > 0)
		return 1;
	header_in(ar);
	return 0;
}

static int
on_header(struct req *r, struct msg *m)
{
	struct app_req	*ar = app_of(r);
	struct mread	*s = mread_of(ar);

	if (s->coming > 0)
		return text_in(ar, m);
	if (store_header_settled(ar, m, &s->row))
		return 0;
	if ((s->coming = text_coming(&s->row)) > 0)
		return 1;
	header_in(ar);
	return 0;
}

void
feat_msg_read(struct app_req *ar)
{
	struct mread	*s;
	uint8_t		 id[MC_IDLEN];

	if (path_id(ar, id) == -1)
		return;
	if ((s = malloc(sizeof(*s))) == NULL) {
		app_fail(ar, 503, "busy", "Out of memory; try again later.");
		return;
	}
	memset(s, 0, MREAD_HEAD);
	ar->feat = s;
	ar->feat_free = mread_free;
	ask_id(ar, MSG_STORE_GET_TEXT, id, on_header);
}

/* The stream s->stream from its first chunk. */
static int
stream_begin(struct mread *s)
{
	uint32_t	 i = s->stream;

	if (i < TEXT_STREAMS) {
		s->plen[i] = 0;
		if ((s->plain[i] = malloc(s->row.h.sizes[i] + 1)) == NULL)
			return -1;
	} else {
		memset(&s->files[i - TEXT_STREAMS], 0, sizeof(s->files[0]));
		s->nfiles = i - TEXT_STREAMS + 1;
	}
	return mc_stream_init(&s->st, s->ckey, s->row.h.id, s->row.h.unlock, i);
}

static int
on_key(struct req *r, struct msg *m)
{
	struct app_req	*ar = app_of(r);
	struct mread	*s = mread_of(ar);
	uint32_t	 i;

	if (auth_key_settled(ar, m, &s->row))
		return 0;
	auth_get_key(m, s->row.h.nrcpt, s->ckey, s->from, s->fp, s->names);
	for (i = 0; i < s->row.h.nrcpt; i++)
		s->to[i] = s->names[i];
	if ((s->dg = mc_digest_new()) == NULL || stream_begin(s) == -1) {
		app_fail(ar, 503, "busy", "Out of memory; try again later.");
		return 0;
	}
	get_chunk(ar);
	return 0;
}

static int	on_chunk(struct req *, struct msg *);
static void	take_chunk(struct app_req *, const uint8_t *, size_t, uint8_t);

/* The next chunk: the one that came along, or asked for. */
static void
get_chunk(struct app_req *ar)
{
	struct mread	*s = mread_of(ar);
	uint32_t	 i = s->stream;

	if (i < TEXT_STREAMS && s->st.next == 0 && s->sealed[i] != NULL) {
		take_chunk(ar, s->sealed[i], s->sealedlen[i], 1);
		return;
	}
	if (ask_store_chunk(ar, s->row.h.id, s->stream, s->st.next,
	    on_chunk) == -1)
		app_fail(ar, 503, "busy", "The server is busy; try again in "
		    "a moment.");
}

static int	on_read(struct req *, struct msg *);
static void	show_read(struct app_req *);

/* A file's first chunk: its name and type, and so its size. */
static int
file_seen(struct mread *s, size_t olen)
{
	struct msg_file	*f = &s->files[s->stream - TEXT_STREAMS];
	struct filehead	 fh;
	uint64_t	 plain = filehead_plain(s->row.h.sizes[s->stream]);
	int		 hl;

	if ((hl = filehead_decode(s->out, olen, &fh)) == -1 ||
	    (uint64_t)hl > plain)
		return -1;
	strlcpy(f->name, fh.name, sizeof(f->name));
	strlcpy(f->type, fh.type, sizeof(f->type));
	f->size = plain - (uint64_t)hl;
	explicit_bzero(&fh, sizeof(fh));
	return 0;
}

/* Every stream is in and matches the signed digest: the read is done. */
static void
all_read(struct app_req *ar)
{
	struct mread	*s = mread_of(ar);
	struct msgbuf	 mb;
	uint8_t		 digest[MC_DIGESTLEN];

	explicit_bzero(s->ckey, sizeof(s->ckey));
	if (mc_digest_final(s->dg, digest) == -1 ||
	    memcmp(digest, s->row.h.digest, MC_DIGESTLEN) != 0) {
		bad_message(ar);
		return;
	}
	/* read before: the mark is there, and marking again changes nothing
	   (a "delete after read" copy that stayed waits for its files) */
	if (s->row.state & ROW_READ) {
		show_read(ar);
		return;
	}
	/* the text, stream 1, read in full (files count on their own) */
	ask_store_stream(ar, &mb, MSG_STORE_READ, s->row.h.id, 1);
	ask_store(ar, &mb, on_read);
}

static int
on_chunk(struct req *r, struct msg *m)
{
	struct app_req	*ar = app_of(r);
	const uint8_t	*data;
	size_t		 len;
	uint8_t		 last;

	if (store_settled(ar, m, MSG_STORE_CHUNK, MSG_STORE_CHUNK, NULL))
		return 0;
	store_get_chunk(m, &last, &data, &len);
	take_chunk(ar, data, len, last);
	return 0;
}

/* A sealed chunk of the stream being read: opened, checked, kept. */
static void
take_chunk(struct app_req *ar, const uint8_t *data, size_t len, uint8_t last)
{
	struct mread	*s = mread_of(ar);
	size_t		 olen;
	uint32_t	 i = s->stream;

	if (mc_digest_chunk(s->dg, i, s->st.next, data, len) == -1 ||
	    mc_stream_open(&s->st, data, len, last, s->out, &olen) == -1 ||
	    (i < TEXT_STREAMS && s->plen[i] + olen > s->row.h.sizes[i])) {
		/* whatever a failed open left in out */
		explicit_bzero(s->out, len < sizeof(s->out) ? len :
		    sizeof(s->out));
		bad_message(ar);
		return;
	}
	if (i < TEXT_STREAMS) {
		memcpy(s->plain[i] + s->plen[i], s->out, olen);
		s->plen[i] += olen;
	} else if (s->st.next == 1 && file_seen(s, olen) == -1) {
		explicit_bzero(s->out, olen);
		bad_message(ar);
		return;
	}
	explicit_bzero(s->out, olen);
	if (!mc_stream_finished(&s->st)) {
		get_chunk(ar);
		return;
	}
	mc_stream_clear(&s->st);
	if (++s->stream == s->row.h.nstreams) {
		all_read(ar);
		return;
	}
	if (stream_begin(s) == -1) {
		app_fail(ar, 503, "busy", "Out of memory; try again later.");
		return;
	}
	get_chunk(ar);
}

static int
on_read(struct req *r, struct msg *m)
{
	struct app_req	*ar = app_of(r);

	if (!store_settled(ar, m, MSG_STORE_OK, MSG_STORE_OK, NULL))
		show_read(ar);
	return 0;
}

/* The message, read and checked, to the route's face. */
static void
show_read(struct app_req *ar)
{
	struct mread	*s = mread_of(ar);
	struct msg_view	 v;

	memset(&v, 0, sizeof(v));
	msgid_text(s->row.h.id, v.id);
	v.flags = s->row.h.flags;
	v.created = s->row.h.created;
	v.unlock = s->row.h.unlock;
	v.expires = s->row.h.expires;
	v.from = s->from;
	v.to = s->to;
	v.nto = s->row.h.nrcpt;
	v.subject = (const char *)s->plain[0];
	v.subject_len = s->plen[0];
	v.body = (const char *)s->plain[1];
	v.body_len = s->plen[1];
	v.fingerprint = s->fp;
	v.files = s->files;
	v.nfiles = s->row.h.nstreams - TEXT_STREAMS;
	ar->face->msg_shown(ar, &v);
}

static int
on_deleted(struct req *r, struct msg *m)
{
	struct app_req	*ar = app_of(r);

	if (store_settled(ar, m, MSG_STORE_OK, MSG_STORE_OK, NULL))
		return 0;
	ar->face->msg_deleted(ar);
	return 0;
}

void
feat_msg_delete(struct app_req *ar)
{
	uint8_t		 id[MC_IDLEN];

	if (path_id(ar, id) == -1)
		return;
	ask_id(ar, MSG_STORE_DELETE, id, on_deleted);
}
