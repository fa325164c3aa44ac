/*
 * Downloading a file of a message: GET /api/v1/messages/{id}/files/{n}
 * and its page twin.  As for reading the message, the store checks the
 * caller and the unlock time and answers the header with the caller's
 * wrapped key, auth checks the unlock time again, unwraps and verifies
 * the sender's signature.  Then the file's stream comes chunk by chunk:
 * each is opened (authenticated) straight into the connection's output
 * and written out.  Up to FILE_AHEAD chunks are asked for ahead, so the
 * store works while the client reads, but only while the client keeps
 * up (req_on_drain): what is queued and what is coming stay under
 * FILE_HIWAT, so memory stays bounded whatever the file's size.  The
 * store answers one peer's questions in order; a chunk that came out of
 * order would fail to open (its index is bound into it) and cut the
 * download.
 *
 * Always an attachment, as application/octet-stream, never shown
 * inline.  Not the caller's message, no such file, a guessed id: 404,
 * the answer a missing message gets.  A chunk that fails to open once
 * bytes have gone out cuts the connection: the client sees a short
 * body, never bytes that were not authenticated.  When the last chunk
 * is out the store is told this file was read in full ("delete after
 * first read" counts it).  The session's end (sign-out, revocation)
 * cuts a download under way, as it closes the session's event streams.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "events.h"
#include "filehead.h"
#include "log.h"
#include "msgcrypt.h"
#include "proto.h"

#define FILE_HIWAT	(256 * 1024)	/* queued and coming at most */
#define FILE_LOWAT	(64 * 1024)	/* ... and asked for more below */
#define FILE_AHEAD	4		/* chunks asked for ahead */

struct mfile {
	struct msg_row		 row;
	uint8_t			 ckey[MC_KEYLEN];
	struct mc_stream	 st;
	uint32_t		 stream;
	uint64_t		 nchunks;	/* in the stream */
	uint64_t		 asked;		/* chunks asked for */
	unsigned int		 coming;	/* ... not yet answered */
	int			 stopped;	/* cut or failed: answers
						   still coming are dropped */
	int			 last_in;	/* the last chunk is out */
	uint64_t		 watch;		/* its session's end (events.h) */
	int			 ended;		/* ... came */
	uint8_t			 out[MC_CHUNK];
};

static void	ask_ahead(struct app_req *);

static void
mfile_free(void *arg)
{
	struct mfile	*s = arg;

	if (s->watch != 0)
		events_unregister(s->watch);
	mc_stream_clear(&s->st);
	explicit_bzero(s, sizeof(*s));
	free(s);
}

static struct mfile *
mfile_of(struct app_req *ar)
{
	return ar->feat;
}

static void
not_found(struct app_req *ar)
{
	app_fail(ar, 404, "not_found", "No such message.");
}

static int	on_header(struct req *, struct msg *);

void
feat_msg_file(struct app_req *ar)
{
	const struct route_param	*id = route_param(&ar->params, "id");
	const struct route_param	*n = route_param(&ar->params, "n");
	struct mfile			*s;
	struct msgbuf			 mb;
	uint8_t				 mid[MC_IDLEN];

	if (id == NULL || n == NULL || msgid_parse(id->text, mid) == -1 ||
	    n->num >= MC_STREAM_MAX - 2) {
		not_found(ar);
		return;
	}
	if ((s = calloc(1, sizeof(*s))) == NULL) {
		app_fail(ar, 503, "busy", "Out of memory; try again later.");
		return;
	}
	ar->feat = s;
	ar->feat_free = mfile_free;
	s->stream = 2 + (uint32_t)n->num;
	ask_store_init(ar, &mb, MSG_STORE_GET);
	msg_add_fixed(&mb, mid, MC_IDLEN);
	ask_store(ar, &mb, on_header);
}

static int	on_key(struct req *, struct msg *);
static void	session_ended(void *);

static int
on_header(struct req *r, struct msg *m)
{
	struct app_req	*ar = app_of(r);
	struct mfile	*s = mfile_of(ar);

	if (store_header_ask_key(ar, m, &s->row, s->stream + 1, on_key) == -1)
		not_found(ar);
	return 0;
}

static int
on_key(struct req *r, struct msg *m)
{
	struct app_req	*ar = app_of(r);
	struct mfile	*s = mfile_of(ar);
	char		 from[MSG_NAMELEN], fp[MC_FPTEXTLEN];

	if (auth_key_settled(ar, m, &s->row))
		return 0;
	auth_get_key(m, s->row.h.nrcpt, s->ckey, from, fp, NULL);
	if (mc_stream_init(&s->st, s->ckey, s->row.h.id, s->row.h.unlock,
	    s->stream) == -1) {
		app_fail(ar, 500, "internal", "The file could not be opened.");
		return 0;
	}
	explicit_bzero(s->ckey, sizeof(s->ckey));
	if ((s->watch = events_watch(req_worker_id(ar->r), ar->who.uid,
	    ar->who.sid, session_ended, ar)) == 0) {
		app_fail(ar, 503, "busy", "Out of memory; try again later.");
		return 0;
	}
	/* every chunk full but the last: the signed size says how many */
	s->nchunks = (s->row.h.sizes[s->stream] + MC_SEALED_MAX - 1) /
	    MC_SEALED_MAX;
	if (s->nchunks == 0)
		s->nchunks = 1;
	ask_ahead(ar);
	return 0;
}

static int	on_chunk(struct req *, struct msg *);

/* May one more chunk be asked for now? */
static int
room_ahead(struct app_req *ar)
{
	struct mfile	*s = mfile_of(ar);

	if (s->stopped || s->ended || s->last_in || s->asked >= s->nchunks)
		return 0;
	/* the first chunk alone: it says whether the download begins */
	if (!req_streaming(ar->r))
		return s->asked == 0;
	return s->coming < FILE_AHEAD && req_pending(ar->r) +
	    (size_t)(s->coming + 1) * MC_CHUNK <= FILE_HIWAT;
}

static void
ask_ahead(struct app_req *ar)
{
	struct mfile	*s = mfile_of(ar);

	while (room_ahead(ar)) {
		if (ask_store_chunk(ar, s->row.h.id, s->stream, s->asked,
		    on_chunk) == -1) {
			s->stopped = 1;
			if (req_streaming(ar->r))
				req_end(ar->r);	/* short: the client sees it */
			else
				app_fail(ar, 503, "busy", "The server is busy; "
				    "try again in a moment.");
			return;
		}
		s->asked++;
		s->coming++;
	}
}

/* The client took enough: more chunks, as many as there is room for. */
static void
on_drain(struct req *r)
{
	if (req_streaming(r))
		ask_ahead(app_of(r));
}

/* The first chunk: the head says the name; the response begins. */
static int
begin_file(struct app_req *ar, size_t olen, size_t *skip)
{
	struct mfile	*s = mfile_of(ar);
	struct filehead	 fh;
	char		 cd[FILEHEAD_DISPOSITION_MAX];
	uint64_t	 plain = filehead_plain(s->row.h.sizes[s->stream]);
	int		 hl;

	if ((hl = filehead_decode(s->out, olen, &fh)) == -1 ||
	    (uint64_t)hl > plain) {
		log_warnx("a file's sealed head does not decode");
		app_fail(ar, 502, "bad_signature", "This file fails its "
		    "integrity check.");
		return -1;
	}
	filehead_disposition(fh.name, cd, sizeof(cd));
	explicit_bzero(&fh, sizeof(fh));
	req_header(ar->r, "Content-Disposition", cd);
	req_header(ar->r, "X-Content-Type-Options", "nosniff");
	explicit_bzero(cd, sizeof(cd));
	*skip = (size_t)hl;
	if (req_begin(ar->r, 200, "application/octet-stream",
	    (long long)(plain - (uint64_t)hl)) == -1)
		return -1;
	if (ar->h->method == HTTP_HEAD) {
		req_end(ar->r);
		return -1;
	}
	req_on_drain(ar->r, on_drain, FILE_LOWAT);
	return 0;
}

static int	on_read(struct req *, struct msg *);

/* Every byte is out: the store counts the file as read. */
static void
file_done(struct app_req *ar)
{
	struct mfile	*s = mfile_of(ar);
	struct msgbuf	 mb;

	s->last_in = 1;
	s->stopped = 1;
	ask_store_stream(ar, &mb, MSG_STORE_READ, s->row.h.id, s->stream);
	if (req_ask(ar->r, PROC_STORE, &mb, on_read) == -1)
		req_end(ar->r);
}

static int
on_read(struct req *r, struct msg *m)
{
	req_end(r);	/* the bytes are out, whatever the store said */
	return 0;
}

/* Once bytes went out, a failure can only cut the response short. */
static void
cut(struct app_req *ar, const char *why)
{
	char	 id[MC_IDTEXTLEN];

	mfile_of(ar)->stopped = 1;
	msgid_text(mfile_of(ar)->row.h.id, id);
	log_warnx("download of a file of %s cut: %s", id, why);
	req_end(ar->r);
}

/*
 * A chunk after the first: opened straight into the output, never sent
 * unless it opens (authenticated).  0, or -1 when the download is cut.
 */
static int
write_chunk(struct app_req *ar, const uint8_t *data, size_t len, int last)
{
	struct mfile	*s = mfile_of(ar);
	uint8_t		*out;
	size_t		 olen;

	if ((out = req_write_space(ar->r, MC_CHUNK)) == NULL) {
		cut(ar, "no room for a chunk");
		return -1;
	}
	if (mc_stream_open(&s->st, data, len, last, out, &olen) == -1) {
		explicit_bzero(out, MC_CHUNK);
		cut(ar, "a chunk failed authentication");
		return -1;
	}
	return req_write_commit(ar->r, olen);
}

/* The first chunk: its head begins the response; the rest goes out. */
static int
first_chunk(struct app_req *ar, const uint8_t *data, size_t len, int last)
{
	struct mfile	*s = mfile_of(ar);
	size_t		 olen, skip = 0;
	int		 rc;

	if (mc_stream_open(&s->st, data, len, last, s->out, &olen) == -1) {
		/* never sent as if it were the file's */
		s->stopped = 1;
		app_fail(ar, 502, "bad_signature", "This file fails its "
		    "integrity check.");
		return -1;
	}
	if (begin_file(ar, olen, &skip) == -1) {
		s->stopped = 1;
		explicit_bzero(s->out, olen);
		return -1;
	}
	rc = req_write(ar->r, s->out + skip, olen - skip);
	explicit_bzero(s->out, olen);
	return rc;
}

static int
on_chunk(struct req *r, struct msg *m)
{
	struct app_req	*ar = app_of(r);
	struct mfile	*s = mfile_of(ar);
	struct msgcur	 c;
	const uint8_t	*data;
	size_t		 len;
	uint8_t		 last;
	int		 first = !req_streaming(r);

	s->coming--;
	if (s->stopped)
		return 0;
	if (s->ended) {
		session_ended(ar);
		return 0;
	}
	if (!first && (m == NULL || m->type == MSG_STORE_FAIL)) {
		cut(ar, m == NULL ? "the store is gone" : "the store refused");
		return 0;
	}
	if (first && store_settled(ar, m, MSG_STORE_CHUNK, MSG_STORE_CHUNK,
	    NULL)) {
		s->stopped = 1;
		return 0;
	}
	msg_cursor(m, &c);
	if (msg_get_u8(&c, &last) == -1 ||
	    msg_get_bytes(&c, &data, &len, MC_SEALED_MAX) == -1 ||
	    msg_get_end(&c) == -1)
		fatalx("malformed STORE_CHUNK from store");
	if ((first ? first_chunk(ar, data, len, last) :
	    write_chunk(ar, data, len, last)) == -1) {
		s->stopped = 1;
		return 0;
	}
	if (mc_stream_finished(&s->st))
		file_done(ar);
	else if (s->asked >= s->nchunks && s->coming == 0)
		cut(ar, "the stream ends before its last chunk");
	else
		ask_ahead(ar);
	return 0;
}

/*
 * The session ended: nothing more goes out.  Chunks on their way are
 * let come (on_chunk calls again after the last); begun, the response is
 * cut short; not yet begun, it is refused as any request of an ended
 * session is.
 */
static void
session_ended(void *arg)
{
	struct app_req	*ar = arg;
	struct mfile	*s = mfile_of(ar);

	s->ended = 1;
	if (s->stopped || s->coming > 0 || s->last_in)
		return;		/* on_chunk comes; or every byte is out */
	if (req_streaming(ar->r))
		cut(ar, "its session ended");
	else if (!req_answered(ar->r))
		app_fail(ar, 401, "session_invalid", "Your session has "
		    "ended; sign in again.");
}
