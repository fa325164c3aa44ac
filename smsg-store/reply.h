/*
 * Answers from the store, and group commit: once a request has changed
 * the database, every answer waits for the log flush that covers it, so
 * an acknowledged message is on the disk.  One flush serves every change
 * of a turn; it runs on the flusher's thread (flusher.c) while the loop
 * goes on, and the changes made meanwhile share the next one.
 */
#ifndef SMSG_STORE_REPLY_H
#define SMSG_STORE_REPLY_H

#include <stdint.h>

#include "msg.h"
#include "proto.h"

struct event_base;

void	 reply_init(struct event_base *);
void	 reply_dirty(void);
void	 reply_queue(enum proc_id, struct msgbuf *);
void	 reply_flush_now(void);
uint64_t reply_flushes(void);
uint64_t reply_flushes_begun(void);

void	 store_fail(uint32_t, int, uint64_t);
void	 store_fail_text(uint32_t, int, uint64_t, const char *);
void	 store_ok(uint32_t);
void	 store_answer(uint32_t, int);
void	 store_changed(uint32_t, int);
void	 store_changed_to(enum proc_id, uint32_t, int);
void	 store_push(uint32_t, const char *, const char *);

#endif
