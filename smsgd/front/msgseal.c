/*
 * The sealing pump of a message being sent (msgsend.h): the streams in
 * order, each cut into 64 KiB chunks, sealed, added to the ciphertext
 * digest and sent to the store, at most MSEND_WINDOW chunks unanswered.
 * The texts are sealed from memory; a file from the bytes the form has
 * handed over (s->pend), a full chunk as soon as a byte more than one
 * is in (only a stream's last chunk may be short, or full), its last
 * when its part has ended.  Once every stream is sent and answered the
 * key is wrapped and the header signed (feat_msgsend.c).
 *
 * The window is per upload; MSEND_BUDGET bounds them all together, over
 * every worker: past it an upload sends only while none of its own is
 * unanswered, so a slow store pauses the clients' sockets and the queue
 * to the store stays bounded (beyond its bound the store could not be
 * asked at all, and uploads would fail busy).
 */
#include "config.h"

#include <stdatomic.h>
#include <string.h>

#include "app.h"
#include "log.h"
#include "msgsend.h"
#include "proto.h"

static int	on_chunk(struct req *, struct msg *);

static atomic_uint	chunks_out;	/* from every upload, unanswered */

static int
seal_failed(struct app_req *ar)
{
	msend_fail_with(ar, 500, "internal", "The message could not be "
	    "sealed.");
	return -1;
}

/* p as the next chunk of the current stream, sealed and sent. */
static int
seal_send(struct app_req *ar, const uint8_t *p, size_t len, int last)
{
	struct msend	*s = ar->feat;
	struct msgbuf	 mb;
	uint64_t	 index;
	size_t		 slen;

	if (!s->st_ready) {
		if (mc_stream_init(&s->st, s->ckey, s->h.id, s->h.unlock,
		    s->stream) == -1)
			return seal_failed(ar);
		s->st_ready = 1;
	}
	index = s->st.next;
	if (mc_stream_seal(&s->st, p, len, last, s->sealed, &slen) == -1 ||
	    mc_digest_chunk(s->dg, s->stream, index, s->sealed, slen) == -1)
		return seal_failed(ar);
	ask_store_init(ar, &mb, MSG_STORE_UPLOAD_CHUNK);
	msg_add_fixed(&mb, s->h.id, MC_IDLEN);
	msg_add_u32(&mb, s->stream);
	msg_add_u64(&mb, index);
	msg_add_u8(&mb, last);
	msg_add_bytes(&mb, s->sealed, slen);
	s->h.sizes[s->stream] += slen;
	if (req_ask(ar->r, PROC_STORE, &mb, on_chunk) == -1) {
		msend_fail_with(ar, 503, "busy", "The server is busy; try "
		    "again in a moment.");
		return -1;
	}
	s->inflight++;
	atomic_fetch_add(&chunks_out, 1);
	if (last) {
		mc_stream_clear(&s->st);
		s->st_ready = 0;
		s->stream++;
		s->off = 0;
	}
	return 0;
}

/* The next chunk of the subject or the body. */
static int
seal_text(struct app_req *ar)
{
	struct msend	*s = ar->feat;
	size_t		 left = s->len[s->stream] - s->off, n;
	const uint8_t	*p = (const uint8_t *)s->text[s->stream] + s->off;

	n = left < MC_CHUNK ? left : MC_CHUNK;
	s->off += n;
	return seal_send(ar, p, n, n == left);
}

/* The next chunk of the file arriving: 1 sent, 0 it needs more bytes. */
static int
seal_file(struct app_req *ar)
{
	struct msend	*s = ar->feat;
	size_t		 n = s->pend_len;

	if (n > MC_CHUNK) {
		if (seal_send(ar, s->pend, MC_CHUNK, 0) == -1)
			return -1;
		memmove(s->pend, s->pend + MC_CHUNK, n - MC_CHUNK);
		explicit_bzero(s->pend + n - MC_CHUNK, MC_CHUNK);
		s->pend_len = n - MC_CHUNK;
		return 1;
	}
	if (!s->file_ended)
		return 0;
	s->pend_len = 0;
	s->file_ended = s->file_open = 0;
	if (seal_send(ar, s->pend, n, 1) == -1)
		return -1;
	explicit_bzero(s->pend, n);
	return 1;
}

int
msend_sealed_all(const struct msend *s)
{
	return s->open && s->body_done && !s->file_open &&
	    s->stream == 2 + s->nfiles;
}

/* May another chunk go?  One always may, when none is unanswered. */
static int
room_to_send(const struct msend *s)
{
	return s->inflight == 0 || (s->inflight < MSEND_WINDOW &&
	    atomic_load(&chunks_out) < MSEND_BUDGET);
}

/* The request is freed: its chunks' answers will not be counted. */
void
msend_release(struct msend *s)
{
	atomic_fetch_sub(&chunks_out, s->inflight);
	s->inflight = 0;
}

/* Seal and send what can be sent now; wrap once all is answered. */
void
msend_pump(struct app_req *ar)
{
	struct msend	*s = ar->feat;
	int		 rc = 1;

	while (rc == 1 && s->open && !s->failed && !s->sealing_done &&
	    room_to_send(s)) {
		if (s->stream < 2)
			rc = seal_text(ar) == -1 ? -1 : 1;
		else if (s->stream < 2 + s->nfiles)
			rc = seal_file(ar);
		else
			rc = 0;
	}
	if (rc != -1 && !s->failed && !s->sealing_done && s->inflight == 0 &&
	    msend_sealed_all(s)) {
		s->sealing_done = 1;
		msend_wrap(ar);
	}
}

static int
on_chunk(struct req *r, struct msg *m)
{
	struct app_req	*ar = app_of(r);
	struct msend	*s = ar->feat;

	s->inflight--;
	atomic_fetch_sub(&chunks_out, 1);
	if (s->failed || msend_settled(ar, m, MSG_STORE_OK))
		return 0;
	msend_pump(ar);
	mform_caught_up(ar);
	return 0;
}
