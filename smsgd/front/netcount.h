/*
 * Open connections per client network (netkey.h), so that one client
 * cannot hold every connection slot.  One table for all worker threads;
 * an entry lives while its network has a connection open, so the table
 * never holds more entries than there are connections.
 */
#ifndef SMSGD_NETCOUNT_H
#define SMSGD_NETCOUNT_H

#include <stddef.h>

#include "netkey.h"

/* A few connections over the cap are let in to be told 503, no more. */
#define NETCOUNT_GRACE	4

enum netcount_verdict {
	NETCOUNT_OK,		/* counted: serve it */
	NETCOUNT_OVER,		/* counted: answer 503 and close */
	NETCOUNT_REFUSE,	/* not counted: close at once */
};

/*
 * A connection from network key opens, cap (>= 1) being the most it may
 * have; unless REFUSE, call netcount_del when it closes.
 */
enum netcount_verdict netcount_add(const char *key, unsigned int cap);
void	 netcount_del(const char *key);
/* Connections counted for key now. */
unsigned int netcount_get(const char *key);

#endif
