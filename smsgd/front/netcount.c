/*
 * Connections per client network.  See netcount.h.
 *
 * A chained hash table with a per-process random seed, so that chains
 * cannot be aimed at; entries are allocated when a network's first
 * connection opens and freed when its last one closes.
 */
#include "config.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "netcount.h"

#define NETCOUNT_BUCKETS	1024

struct netcount_entry {
	char			 key[NETKEY_MAX];
	unsigned int		 n;
	struct netcount_entry	*next;
};

static struct {
	pthread_mutex_t		 mtx;
	pthread_once_t		 once;
	uint64_t		 seed;
	struct netcount_entry	*tab[NETCOUNT_BUCKETS];
} nc = { .mtx = PTHREAD_MUTEX_INITIALIZER, .once = PTHREAD_ONCE_INIT };

static void
netcount_seed(void)
{
	arc4random_buf(&nc.seed, sizeof(nc.seed));
}

/* Seeded FNV-1a. */
static struct netcount_entry **
bucket(const char *key)
{
	uint64_t	 h = 0xcbf29ce484222325ULL ^ nc.seed;

	for (; *key != '\0'; key++) {
		h ^= (unsigned char)*key;
		h *= 0x100000001b3ULL;
	}
	return &nc.tab[(h ^ (h >> 32)) % NETCOUNT_BUCKETS];
}

/* The link that points at key's entry (or at the NULL ending its chain). */
static struct netcount_entry **
find(const char *key)
{
	struct netcount_entry	**p;

	for (p = bucket(key); *p != NULL; p = &(*p)->next)
		if (strcmp((*p)->key, key) == 0)
			break;
	return p;
}

enum netcount_verdict
netcount_add(const char *key, unsigned int cap)
{
	struct netcount_entry	**p, *e;
	enum netcount_verdict	 v = NETCOUNT_REFUSE;

	pthread_once(&nc.once, netcount_seed);
	pthread_mutex_lock(&nc.mtx);
	p = find(key);
	if ((e = *p) == NULL && (e = calloc(1, sizeof(*e))) != NULL) {
		strlcpy(e->key, key, sizeof(e->key));
		*p = e;
	}
	if (e != NULL && e->n < cap + NETCOUNT_GRACE) {
		v = e->n < cap ? NETCOUNT_OK : NETCOUNT_OVER;
		e->n++;
	}
	pthread_mutex_unlock(&nc.mtx);
	return v;
}

void
netcount_del(const char *key)
{
	struct netcount_entry	**p, *e;

	pthread_once(&nc.once, netcount_seed);
	pthread_mutex_lock(&nc.mtx);
	p = find(key);
	if ((e = *p) != NULL && --e->n == 0) {
		*p = e->next;
		freezero(e, sizeof(*e));
	}
	pthread_mutex_unlock(&nc.mtx);
}

unsigned int
netcount_get(const char *key)
{
	struct netcount_entry	*e;
	unsigned int		 n;

	pthread_once(&nc.once, netcount_seed);
	pthread_mutex_lock(&nc.mtx);
	n = (e = *find(key)) != NULL ? e->n : 0;
	pthread_mutex_unlock(&nc.mtx);
	return n;
}
