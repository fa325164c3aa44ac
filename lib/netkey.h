/*
 * The network a client address belongs to, as the key every abuse limit
 * counts by: an IPv4 address (or its /ipv4 prefix) and an IPv6 /64 (or
 * the /ipv6 prefix configured), so that one host with a whole IPv6
 * subnet is one client, not 2^64 of them.  Shared by the front (request
 * rates, connections) and auth (sign-in failures).  Thread safe.
 */
#ifndef SMSG_NETKEY_H
#define SMSG_NETKEY_H

#include <stddef.h>

#define NETKEY_MAX	64	/* "ffff:...:ffff/128" and the NUL fit */
#define NETKEY_V4_DEFAULT	32
#define NETKEY_V6_DEFAULT	64

struct net_prefix {
	unsigned int	 v4;	/* 8..32 */
	unsigned int	 v6;	/* 16..128 */
};

/* 1 when both lengths are in range. */
int	net_prefix_ok(const struct net_prefix *);
/*
 * The network of addr (text, as inet_ntop writes it) into key, e.g.
 * "192.0.2.7/32" or "2001:db8:1:2::/64"; an IPv4-mapped IPv6 address
 * counts as IPv4.  Text that is no address is its own key, cut to fit.
 */
void	net_key(const struct net_prefix *, const char *addr, char *key,
	    size_t keysz);

#endif
