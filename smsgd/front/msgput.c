/*
 * A message sent whole: text alone (the JSON face) whose subject and
 * body each fit in one chunk, so the sealed message fits in one message
 * to the store.  The front picks the id and the creation time, seals
 * both texts, asks auth once (the recipients by name, the key wrapped
 * for them and the sender, the header signed) and the store once (the
 * upload begun, written and committed):
 *
 *	AUTH_KEY_SEAL -> STORE_UPLOAD_PUT -> 201
 *
 * instead of a lookup per recipient, a begin, a request per chunk and a
 * commit.  Every refusal is the one the upload in steps gives.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "log.h"
#include "msgheader.h"
#include "msgsend.h"
#include "proto.h"
#include "server.h"

/* The sealed texts, kept for the store's request: ciphertext only. */
struct whole {
	size_t		 len[2];
	uint8_t		*sealed[2];
	uint8_t		 buf[];
};

int
msend_fits_whole(const struct msend *s)
{
	return s->body_done && s->form == NULL && s->len[0] <= MC_CHUNK &&
	    s->len[1] <= MC_CHUNK;
}

void
msend_whole_free(struct msend *s)
{
	free(s->whole);
	s->whole = NULL;
}

/* Room for both texts sealed, each one chunk and its tag. */
static struct whole *
whole_new(const struct msend *s)
{
	struct whole	*w;

	if ((w = malloc(sizeof(*w) + s->len[0] + s->len[1] +
	    2 * MC_TAGLEN)) == NULL)
		return NULL;
	w->sealed[0] = w->buf;
	w->sealed[1] = w->buf + s->len[0] + MC_TAGLEN;
	return w;
}

/* Subject and body, one chunk each, under a fresh key and id. */
static int
seal_whole(struct msend *s)
{
	uint64_t	 index;
	int		 i;

	s->h.created = (uint64_t)time(NULL);
	s->h.expires = s->h.created + (s->lifetime != 0 ? s->lifetime :
	    front_conf.retention);
	if ((s->whole = whole_new(s)) == NULL ||
	    msgid_new(s->h.id) == -1 ||
	    msgcrypt_random(s->ckey, sizeof(s->ckey)) == -1 ||
	    (s->dg = mc_digest_new()) == NULL)
		return -1;
	for (i = 0; i < 2; i++)
		if (msend_seal_chunk(s, (const uint8_t *)s->text[i],
		    s->len[i], 1, s->whole->sealed[i], &s->whole->len[i],
		    &index) == -1)
			return -1;
	s->h.nstreams = s->stream;
	return mc_digest_final(s->dg, s->h.digest);
}

static int	on_whole_sealed(struct req *, struct msg *);

void
msend_whole(struct app_req *ar)
{
	struct msend	*s = ar->feat;

	if (seal_whole(s) == -1) {
		explicit_bzero(s->ckey, sizeof(s->ckey));
		msend_fail_with(ar, 500, "internal", "The message could not "
		    "be sealed.");
		return;
	}
	msend_ask_seal(ar, 1, on_whole_sealed);
}

static void
put_whole(struct app_req *ar)
{
	struct msend	*s = ar->feat;
	struct msgbuf	 mb;
	uint32_t	 i;

	ask_store_init(ar, &mb, MSG_STORE_UPLOAD_PUT);
	msg_add_fixed(&mb, s->h.id, MC_IDLEN);
	msg_add_u64(&mb, s->h.created);
	msg_add_u64(&mb, s->h.expires);
	msg_add_u64(&mb, s->h.unlock);
	msg_add_u64(&mb, s->lifetime);
	msg_add_u32(&mb, s->h.flags);
	msg_add_u32(&mb, s->h.nrcpt);
	for (i = 0; i < s->h.nrcpt; i++)
		msg_add_u32(&mb, s->h.rcpt[i]);
	msg_add_u32(&mb, 2);
	for (i = 0; i < 2; i++) {
		msg_add_u32(&mb, i);
		msg_add_u64(&mb, 0);
		msg_add_u8(&mb, 1);
		msg_add_bytes(&mb, s->whole->sealed[i], s->whole->len[i]);
	}
	msend_whole_free(s);
	msend_add_commit(&mb, s);
	msend_ask(ar, PROC_STORE, &mb, msend_on_sent);
}

static int
on_whole_sealed(struct req *r, struct msg *m)
{
	struct app_req	*ar = app_of(r);
	struct msend	*s = ar->feat;
	struct msgcur	 c;
	struct a_fail	 f;
	uint32_t	 i;

	if (m != NULL && m->type == MSG_AUTH_FAIL) {
		a_get_fail(m, &f);
		if (f.code == AUTH_E_NOTFOUND && f.retry < s->n) {
			msend_unknown(ar, s->name[f.retry]);
			return 0;
		}
	}
	if (msend_settled(ar, m, MSG_AUTH_SEALED))
		return 0;
	msg_cursor(m, &c);
	if (msend_get_sealed(&c, s) == -1)
		fatalx("malformed AUTH_SEALED from auth");
	/* the recipients as auth found them, the sender not among them */
	for (i = 0; i < s->n; i++) {
		if (s->wuid[i + 1] == ar->who.uid) {
			msend_self(ar);
			return 0;
		}
		s->h.rcpt[i] = s->wuid[i + 1];
	}
	s->h.nrcpt = s->n;
	put_whole(ar);
	return 0;
}
