/*
 * The system as a sender, and the messages auth seals itself.
 *
 * syskeys.c: the system's key pairs (X25519 + Ed25519), made at first
 * start and kept in meta.db.  There is no password to wrap them under:
 * they are protected as the database is (auth's directory, mode 0700,
 * its own user), and smsg-auth.8 says so.
 *
 * sysmsg.c: a message sealed here (a fresh content key each, wiped
 * after) from subject and body, signed, its key wrapped for each reader,
 * and handed to the store (STORE_SYS_PUT, then STORE_SYS_COPIES in
 * batches).  A job waits for the store's answers and then answers its
 * asker; notices have no asker.  A job that fails partway has the store
 * remove what it took of it (STORE_SYS_UNDO) before it answers, so a
 * broadcast reaches every account or none.
 *
 * broadcast.c: broadcasts from a session or from smsgctl.
 * notice.c: security notices, queued and sent after the transaction.
 */
#ifndef SMSG_AUTH_SYSMSG_H
#define SMSG_AUTH_SYSMSG_H

#include <stdint.h>

#include "account.h"
#include "keywrap.h"
#include "msgcrypt.h"
#include "proto.h"

#define SYSJOBS_MAX	64	/* messages waiting for the store at once */

/* A reader: uid and X25519 public key. */
struct reader {
	uint32_t	 uid;
	uint8_t		 x25519[MC_KEYLEN];
};

struct sealed {
	struct mc_header h;
	uint8_t		 sig[MC_SIGLEN];
	uint8_t		 ckey[MC_KEYLEN];
	uint8_t		 text[2][BROADCAST_TEXT_MAX + MC_TAGLEN];
	size_t		 len[2];
};

/* Who waits for a job's end. */
struct sysasker {
	enum proc_id	 to;		/* PROC_FRONT, PROC_PARENT; PROC_AUTH:
					   nobody (a notice) */
	uint32_t	 peerid;
	uint32_t	 skipped;	/* accounts without keys */
};

struct event_base;
void	 sysmsg_init(struct event_base *);
int	 syskeys_init(void);
const struct userkeys *syskeys(void);
int	 syskeys_account(struct account *);

int	 sysmsg_seal(struct sealed *, uint32_t, const uint8_t [MC_KEYLEN],
	    uint32_t, uint32_t, const char *, const char *, uint64_t);
int	 sysmsg_take(struct sealed *, uint32_t, const uint8_t [MC_KEYLEN],
	    uint32_t, const uint8_t [MC_IDLEN], const uint8_t [MC_KEYLEN],
	    const uint8_t *[2], const size_t [2], uint64_t);
int	 sysmsg_send(struct sealed *, const struct reader *,
	    const struct reader *, uint32_t, const struct sysasker *);
void	 sysmsg_answer(uint32_t, int, const char *);
void	 sysmsg_store_lost(void);
uint32_t sysmsg_jobs(void);

/* Notices (notice.c). */
void	 notice_init(struct event_base *);
void	 notice_queue(uint32_t, const char *, const char *, uint64_t);
void	 notice_done(int);

#endif
