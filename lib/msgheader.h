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

#endif
