/*
 * The checks before a content key leaves auth (msgunwrap.h).  Each
 * failure has its own AUTH_E_* answer; the key is zeroed on every path
 * but success.
 */
#include "config.h"

#include <string.h>

#include "msgunwrap.h"
#include "proto.h"

int
msgkeys_is_reader(const struct mc_header *h, uint32_t uid)
{
	uint32_t	 i;

	/* a broadcast's readers are every account it was sent to: the
	   wrapped key, bound to the reader's uid, says which */
	if (h->sender == uid || (h->flags & MC_F_BROADCAST))
		return 1;
	for (i = 0; i < h->nrcpt && i < MC_RCPT_MAX; i++)
		if (h->rcpt[i] == uid)
			return 1;
	return 0;
}

/*
 * 0 with the content key in ckey, or an AUTH_E_* code: TIMELOCK before
 * the unlock time, NOTFOUND for someone who is not a reader, SIGNATURE
 * when the header or the wrapped key fails its check.
 */
int
msgkeys_unwrap(const struct userkeys *keys, uint32_t self,
    const struct mc_header *h, const uint8_t sig[MC_SIGLEN],
    const uint8_t sender_edpub[MC_KEYLEN], const uint8_t wrapped[MC_WRAPLEN],
    uint64_t now, uint8_t ckey[MC_KEYLEN])
{
	memset(ckey, 0, MC_KEYLEN);
	if (h->unlock != 0 && now < h->unlock)
		return AUTH_E_TIMELOCK;
	if (!msgkeys_is_reader(h, self))
		return AUTH_E_NOTFOUND;
	if (mc_verify(h, sender_edpub, sig) == -1)
		return AUTH_E_SIGNATURE;
	if (mc_unwrap(wrapped, keys->x25519_priv, h->id, self, h->unlock,
	    ckey) == -1)
		return AUTH_E_SIGNATURE;
	return 0;
}
