/*
 * Client networks for the abuse limits.  See netkey.h.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "netkey.h"

int
net_prefix_ok(const struct net_prefix *p)
{
	return p->v4 >= 8 && p->v4 <= 32 && p->v6 >= 16 && p->v6 <= 128;
}

/* Keep the first bits of b (len bytes), zero the rest. */
static void
mask_bits(uint8_t *b, size_t len, unsigned int bits)
{
	size_t	 i;

	for (i = 0; i < len; i++) {
		if (bits >= 8)
			bits -= 8;
		else {
			b[i] &= (uint8_t)(0xff00 >> bits);
			bits = 0;
		}
	}
}

void
net_key(const struct net_prefix *p, const char *addr, char *key,
    size_t keysz)
{
	static const uint8_t	 mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	    0xff, 0xff };
	struct in6_addr		 a6;
	struct in_addr		 a4;
	char			 text[INET6_ADDRSTRLEN];
	int			 v6 = 0;
	unsigned int		 bits;

	if (inet_pton(AF_INET, addr, &a4) == 1)
		;
	else if (inet_pton(AF_INET6, addr, &a6) == 1) {
		v6 = memcmp(&a6, mapped, sizeof(mapped)) != 0;
		if (!v6)
			memcpy(&a4, (uint8_t *)&a6 + sizeof(mapped), 4);
	} else {
		strlcpy(key, addr, keysz);
		return;
	}
	bits = v6 ? p->v6 : p->v4;
	if (v6)
		mask_bits((uint8_t *)&a6, sizeof(a6), bits);
	else
		mask_bits((uint8_t *)&a4, sizeof(a4), bits);
	if (inet_ntop(v6 ? AF_INET6 : AF_INET, v6 ? (void *)&a6 : (void *)&a4,
	    text, sizeof(text)) == NULL)
		strlcpy(text, "-", sizeof(text));
	snprintf(key, keysz, "%s/%u", text, bits);
}
