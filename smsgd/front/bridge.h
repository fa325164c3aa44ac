/*
 * The bridge between the worker threads and the main thread, which alone
 * owns the channels to auth and web.
 *
 * A question gets a request id (u32, never 0) and a slot in a bounded
 * table that remembers which worker, request and callback it belongs to.
 * Questions queue for the main thread; answers (payloads copied) queue for
 * the worker that asked.  Each queue's owner is woken through the wake
 * function given to bridge_init().  One mutex guards table and queues.
 */
#ifndef SMSGD_BRIDGE_H
#define SMSGD_BRIDGE_H

#include <sys/queue.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "msg.h"
#include "proto.h"

#define BRIDGE_MAX	4096	/* questions in flight; a power of two */
#define BRIDGE_TIMEOUT	60	/* seconds to wait for an answer */
#define BRIDGE_MAIN	(-1)	/* the main thread, for wake() */
#define BRIDGE_MAXWORKERS 32

struct req;
typedef int (*bridge_cb)(struct req *, struct msg *);

/* One message crossing threads, either way. */
struct bridge_item {
	TAILQ_ENTRY(bridge_item) entry;
	uint32_t	 id;
	enum proc_id	 peer;
	uint32_t	 type;
	int		 failed;	/* no answer will come: cb(NULL) */
	uint8_t		*data;
	size_t		 len;
};
TAILQ_HEAD(bridge_queue, bridge_item);

int	 bridge_init(unsigned int nworkers, void (*wake)(int));

/* Worker side. */
uint32_t bridge_ask(int worker, struct req *, enum proc_id, struct msgbuf *,
	    bridge_cb);
void	 bridge_take(int worker, struct bridge_queue *);
int	 bridge_lookup(int worker, uint32_t id, struct req **, bridge_cb *);
void	 bridge_close(uint32_t id);
void	 bridge_item_free(struct bridge_item *);

/* Main side. */
void	 bridge_outgoing(int (*send)(enum proc_id, struct msgbuf *));
int	 bridge_answer(enum proc_id, const struct msg *);
void	 bridge_expire(time_t now);
void	 bridge_peer_lost(enum proc_id);
unsigned int bridge_inflight(void);

#endif
