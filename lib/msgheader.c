/*
 * The signed header's fields on the wire (msgheader.h).
 */
#include "config.h"

#include <sys/types.h>

#include "msgheader.h"

void
mc_header_add(struct msgbuf *mb, const struct mc_header *h)
{
	uint32_t	 i;

	msg_add_fixed(mb, h->id, MC_IDLEN);
	msg_add_u64(mb, h->created);
	msg_add_u64(mb, h->unlock);
	msg_add_u64(mb, h->expires);
	msg_add_u32(mb, h->flags);
	msg_add_u32(mb, h->nrcpt);
	for (i = 0; i < h->nrcpt; i++)
		msg_add_u32(mb, h->rcpt[i]);
	msg_add_u32(mb, h->nstreams);
	for (i = 0; i < h->nstreams; i++)
		msg_add_u64(mb, h->sizes[i]);
	msg_add_fixed(mb, h->digest, MC_DIGESTLEN);
}

int
mc_header_get(struct msgcur *c, struct mc_header *h)
{
	uint32_t	 i;

	msg_get_fixed(c, h->id, MC_IDLEN);
	msg_get_u64(c, &h->created);
	msg_get_u64(c, &h->unlock);
	msg_get_u64(c, &h->expires);
	msg_get_u32(c, &h->flags);
	if (msg_get_u32(c, &h->nrcpt) == -1 || h->nrcpt > MC_RCPT_MAX)
		return -1;
	for (i = 0; i < h->nrcpt; i++)
		msg_get_u32(c, &h->rcpt[i]);
	if (msg_get_u32(c, &h->nstreams) == -1 ||
	    h->nstreams > MC_STREAM_MAX)
		return -1;
	for (i = 0; i < h->nstreams; i++)
		msg_get_u64(c, &h->sizes[i]);
	return msg_get_fixed(c, h->digest, MC_DIGESTLEN);
}

int
mc_text_along(const struct mc_header *h, uint32_t i)
{
	return i < MC_TEXT_STREAMS && i < h->nstreams && h->sizes[i] > 0 &&
	    h->sizes[i] <= MC_SEALED_MAX;
}
