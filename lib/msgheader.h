/*
 * A message's signed header on the wire between processes: the fields
 * the sender's signature covers after the sender (who travels apart),
 * in one order for every reader and writer.
 */
#ifndef SMSG_MSGHEADER_H
#define SMSG_MSGHEADER_H

#include <sys/types.h>

#include "msg.h"
#include "msgcrypt.h"

void	mc_header_add(struct msgbuf *, const struct mc_header *);
/* 0, or -1 when a field is missing or a count is out of bounds. */
int	mc_header_get(struct msgcur *, struct mc_header *);
/*
 * Does text stream i (the subject 0, the body 1) of an unlocked message
 * come along with its header in STORE_GET_TEXT?  When it is one chunk.
 */
int	mc_text_along(const struct mc_header *, uint32_t);
#define MC_TEXT_STREAMS	2

#endif
