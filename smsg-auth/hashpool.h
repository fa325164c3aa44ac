/*
 * Password hashing off the main thread.  scrypt takes a good part of a
 * second by design; the main thread queues a job, a pool thread computes
 * it, and the job's done callback runs back on the main thread.
 */
#ifndef SMSG_AUTH_HASHPOOL_H
#define SMSG_AUTH_HASHPOOL_H

#include <sys/queue.h>

#include <stddef.h>
#include <stdint.h>

#include "pwhash.h"
#include "pwpolicy.h"

#define HASHPOOL_MAXTHREADS	8
#define HASHPOOL_QUEUE		64	/* jobs in flight, over all threads */
/*
 * Fair shares: jobs in flight (waiting, running or done but not yet
 * finished on the main thread) for one user name and for one address.
 * One user or one address cannot keep the queue full for the others.
 */
#define HASHPOOL_PER_USER	4
#define HASHPOOL_PER_ADDR	16
#define HASHJOB_KEYMAX		64	/* longer keys are cut */

/* hashpool_submit: queued, or why not. */
#define HASHPOOL_OK		0
#define HASHPOOL_FULL		-1	/* the queue is full: busy */
#define HASHPOOL_SHARE		-2	/* over this user's or address's share */

enum hashjob_kind {
	HASHJOB_VERIFY,		/* stored + pw -> result, kek */
	HASHJOB_CREATE,		/* params + pw -> result, stored, kek */
};

struct event_base;
struct hashjob;
typedef void	(*hashjob_done)(struct hashjob *);

struct hashjob {
	TAILQ_ENTRY(hashjob)	 entry;
	TAILQ_ENTRY(hashjob)	 flight;	/* main thread only */
	char			 user[HASHJOB_KEYMAX];	/* "" for none */
	char			 addr[HASHJOB_KEYMAX];	/* "" for none */
	enum hashjob_kind	 kind;
	struct pwhash_params	 params;
	char			 pw[PW_MAXBYTES + 1];
	size_t			 pwlen;
	char			 stored[PWHASH_STRLEN];
	int			 result;	/* as pwhash_verify/create */
	uint8_t			 kek[PWHASH_KEYLEN];
	hashjob_done		 done;
	void			*arg;
};

void	 hashpool_init(struct event_base *, unsigned int);
void	 hashpool_start(void);
int	 hashpool_room(const char *, const char *);
int	 hashpool_submit(struct hashjob *);
size_t	 hashpool_pending(void);
void	 hashjob_clear(struct hashjob *);

#endif
