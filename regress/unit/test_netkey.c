/*
 * lib/netkey.c: the client network every abuse limit counts by.
 */
#include "config.h"

#include <string.h>

#include "netkey.h"
#include "tap.h"

static int
key_is(const struct net_prefix *p, const char *addr, const char *want)
{
	char	 key[NETKEY_MAX];

	net_key(p, addr, key, sizeof(key));
	if (strcmp(key, want) == 0)
		return 1;
	tap_diag("%s: got %s, want %s", addr, key, want);
	return 0;
}

int
main(void)
{
	struct net_prefix	 def = { 32, 64 }, wide = { 24, 48 };
	struct net_prefix	 bad4 = { 7, 64 }, bad6 = { 32, 129 };
	char			 key[NETKEY_MAX];

	(void)tap_skip;
	tap_ok(net_prefix_ok(&def) && net_prefix_ok(&wide) &&
	    !net_prefix_ok(&bad4) && !net_prefix_ok(&bad6),
	    "prefix ranges: IPv4 8..32, IPv6 16..128");
	tap_ok(key_is(&def, "192.0.2.7", "192.0.2.7/32"),
	    "an IPv4 address is its own network");
	tap_ok(key_is(&def, "2001:db8:1:2:aaaa:bbbb:cccc:dddd",
	    "2001:db8:1:2::/64") &&
	    key_is(&def, "2001:db8:1:2::1", "2001:db8:1:2::/64"),
	    "two addresses of one IPv6 /64 are one network");
	tap_ok(key_is(&def, "2001:db8:1:3::1", "2001:db8:1:3::/64"),
	    "the next /64 is another");
	tap_ok(key_is(&def, "::ffff:198.51.100.4", "198.51.100.4/32"),
	    "an IPv4-mapped IPv6 address counts as IPv4");
	tap_ok(key_is(&wide, "192.0.2.7", "192.0.2.0/24") &&
	    key_is(&wide, "2001:db8:1:2::1", "2001:db8:1::/48"),
	    "configured prefixes: /24 and /48");
	tap_ok(key_is(&(struct net_prefix){ 32, 128 }, "2001:db8::5",
	    "2001:db8::5/128"), "/128: every IPv6 address alone");
	tap_ok(key_is(&(struct net_prefix){ 30, 61 }, "192.0.2.7",
	    "192.0.2.4/30") && key_is(&(struct net_prefix){ 30, 61 },
	    "2001:db8:0:f::", "2001:db8:0:8::/61"),
	    "prefixes that end inside a byte");
	tap_ok(key_is(&def, "-", "-") && key_is(&def, "", ""),
	    "text that is no address is its own key");
	net_key(&def, "x-very-long-text-that-is-no-address-at-all-and-goes-on"
	    "-and-on-for-many-more-bytes", key, 16);
	tap_ok(strlen(key) == 15, "... cut to fit");
	return tap_done();
}
