/*
 * A message's header as auth reads it (MSG_AUTH_KEY_SIGN and, after the
 * sender, MSG_AUTH_KEY_UNWRAP): the fields the sender's signature covers.
 */
#include "config.h"

#include "app.h"
#include "msgcrypt.h"

void
msg_add_header(struct msgbuf *mb, const struct mc_header *h)
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
