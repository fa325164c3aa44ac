/*
 * Opening a message's content key for a session's user: the second,
 * independent check of the unlock time (the store made the first), the
 * reader's place in the header, and the sender's signature, before the
 * key is unwrapped.  No database: unit tests call it directly.
 */
#ifndef SMSG_AUTH_MSGUNWRAP_H
#define SMSG_AUTH_MSGUNWRAP_H

#include <stdint.h>

#include "keywrap.h"
#include "msgcrypt.h"

int	msgkeys_is_reader(const struct mc_header *, uint32_t);
int	msgkeys_unwrap(const struct userkeys *, uint32_t,
	    const struct mc_header *, const uint8_t [MC_SIGLEN],
	    const uint8_t [MC_KEYLEN], const uint8_t [MC_WRAPLEN], uint64_t,
	    uint8_t [MC_KEYLEN]);

#endif
