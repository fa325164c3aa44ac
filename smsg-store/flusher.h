/*
 * The log flusher: one thread that puts the message log on the disk
 * while the main loop goes on with the next requests.  One flush at a
 * time; the main loop asks for one, and is called back (in the loop,
 * through an event) when it is done.
 */
#ifndef SMSG_STORE_FLUSHER_H
#define SMSG_STORE_FLUSHER_H

struct event_base;

/* done(result of storedb_flush) runs in the main loop. */
void	 flusher_init(struct event_base *, void (*)(int));
void	 flusher_start(void);
int	 flusher_running(void);
void	 flusher_request(void);
void	 flusher_stop(void);

#endif
