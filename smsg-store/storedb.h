/*
 * The message database: one Berkeley DB environment in the store's data
 * directory, several B-trees, short transactions.  Changes commit
 * without waiting for the disk; storedb_flush() puts every change so far
 * on the disk with one log flush, and a message is acknowledged only
 * after it (group commit, store.c).
 *
 * Every function answers a STORE_E_* code; STORE_E_OK is 0.
 */
#ifndef SMSG_STORE_STOREDB_H
#define SMSG_STORE_STOREDB_H

#include <stddef.h>
#include <stdint.h>

#include "proto.h"
#include "msgheader.h"
#include "record.h"

#define STORE_PAGESIZE	8192	/* a 1 KiB record stays on its page */
#define STATS_DAYS_MAX	400	/* expiry days shown (retention <= 365) */
#define UPLOADS_MAX	1024	/* uploads open at once, in all */
#define UPLOADS_PER_USER 8	/* ... and per sender */

struct store_limits {
	uint32_t	 subject_max;	/* plaintext bytes */
	uint32_t	 body_max;
	uint32_t	 rcpt_max;
	uint32_t	 files_max;
	uint64_t	 file_max;
	uint64_t	 quota;		/* sealed bytes a user may have sent */
	uint32_t	 retention;	/* seconds, default */
	uint32_t	 retention_max;
	uint32_t	 upload_timeout;
	uint32_t	 cache_mb;	/* Berkeley DB cache; 0: STORE_CACHE_MB */
};

#define STORE_CACHE_MB	8

struct store_day {
	uint64_t	 day;		/* days since the epoch */
	uint64_t	 messages;
	uint64_t	 bytes;
};

struct store_stats {
	uint64_t	 messages;
	uint64_t	 bytes;
	uint64_t	 locked;
	uint64_t	 locked_bytes;
	uint64_t	 uploads;
	uint64_t	 quarantined;
	uint32_t	 ndays;
	struct store_day day[STATS_DAYS_MAX];
};

enum store_folder { FOLDER_INBOX, FOLDER_SENT, FOLDER_MAX };

/*
 * What a folder listing yields for each message: the message, the uid,
 * and the sealed chunk of its subject when it is unlocked and that is
 * one chunk of at most LIST_SUBJECT_MAX bytes (else NULL).
 */
#define LIST_SUBJECT_MAX	4096
typedef void (*store_list_cb)(const struct store_msg *, uint32_t,
	    const uint8_t *, size_t, void *);
/* What the unlock timer yields for each message that came unlocked. */
typedef void (*store_msg_cb)(const struct store_msg *, void *);
typedef void (*store_contact_cb)(const struct store_contact *, void *);

int	 storedb_open(const char *, const struct store_limits *);
void	 storedb_close(void);
int	 storedb_flush(void);
int	 storedb_checkpoint(void);
const struct store_limits *storedb_limits(void);

/* Uploads (msgstore.c). */
uint64_t store_lifetime(uint64_t);
int	 store_upload_begin(uint32_t, const uint32_t *, uint32_t, uint64_t,
	    uint64_t, uint32_t, uint64_t, uint8_t [MC_IDLEN]);
int	 store_upload_begin_as(uint32_t, const uint32_t *, uint32_t,
	    uint64_t, uint64_t, uint32_t, uint64_t, const uint8_t [MC_IDLEN]);
int	 store_upload_chunk(uint32_t, const uint8_t [MC_IDLEN], uint32_t,
	    uint64_t, const uint8_t *, size_t, int, uint64_t);
int	 store_upload_commit(uint32_t, const uint8_t [MC_IDLEN],
	    struct store_msg *, uint64_t);
int	 store_upload_abort(uint32_t, const uint8_t [MC_IDLEN]);
int	 store_sweep(uint64_t, uint32_t *);

/* Reading and deleting (msgstore.c, msgread.c). */
int	 store_get(uint32_t, const uint8_t [MC_IDLEN], uint64_t,
	    struct store_msg *);
/* The text's sealed chunks that come along with a header. */
struct store_text {
	uint8_t		*data[MC_TEXT_STREAMS];
	size_t		 len[MC_TEXT_STREAMS];
};
int	 store_get_text(uint32_t, const uint8_t [MC_IDLEN], uint64_t,
	    struct store_msg *, struct store_text *);
void	 store_text_free(struct store_text *);
int	 store_chunk(uint32_t, const uint8_t [MC_IDLEN], uint32_t, uint64_t,
	    uint64_t, uint8_t *, size_t, size_t *, int *);
int	 store_read_done(uint32_t, const uint8_t [MC_IDLEN], uint32_t,
	    uint64_t);
int	 store_delete(uint32_t, const uint8_t [MC_IDLEN], uint64_t);
int	 store_list(uint32_t, enum store_folder, const uint8_t *, uint32_t,
	    int, uint64_t, store_list_cb, void *, uint8_t [MC_IDLEN], int *);

/* Timers and statistics. */
int	 store_purge(uint64_t, uint32_t *, uint64_t *);
int	 store_unlocked(uint64_t, store_msg_cb, void *);
int	 store_stats(uint64_t, struct store_stats *);
int	 store_usage(uint32_t, struct store_usage *);
int	 store_folder_count(uint32_t, enum store_folder, uint32_t *);

/* What auth sealed itself (sysput.c); an account deleted (usergone.c). */
int	 store_sys_put(struct store_msg *, const uint8_t *, const uint8_t *,
	    const size_t [2], uint64_t);
int	 store_sys_copies(const uint8_t [MC_IDLEN], const struct store_copy *,
	    uint32_t, uint64_t, uint32_t *, uint32_t *);
int	 store_sys_undo(const uint8_t [MC_IDLEN]);
int	 store_user_gone(uint32_t, uint32_t *, uint32_t *);

/* Contacts and blocks (contacts.c). */
int	 store_contact_add(uint32_t, uint32_t, const char *, uint64_t);
int	 store_contact_remove(uint32_t, uint32_t);
int	 store_contact_block(uint32_t, uint32_t, int, uint64_t);
int	 store_contact_verify(uint32_t, uint32_t, const char *);
int	 store_contact_list(uint32_t, store_contact_cb, void *);
int	 store_blocked(uint32_t, uint32_t);

/* Test builds: write a raw record as if the disk had changed it. */
int	 storedb_poke(const char *, const void *, size_t, const void *,
	    size_t);

#endif
