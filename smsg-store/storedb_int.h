/* What the files of the message database share; nothing outside it. */
#ifndef SMSG_STORE_STOREDB_INT_H
#define SMSG_STORE_STOREDB_INT_H

#include <db.h>

#include "storedb.h"

struct storedb {
	DB_ENV			*env;
	DB			*msg;		/* id -> store_msg */
	DB			*chunk;		/* id, stream, index -> bytes */
	DB			*upload;	/* id -> store_upload */
	DB			*folder;	/* uid, folder, created, id */
	DB			*expiry;	/* expires, id */
	DB			*unlock;	/* unlock, id (not yet pushed) */
	DB			*contact;	/* owner, uid -> store_contact */
	DB			*usage;		/* uid -> store_usage */
	DB			*quarantine;	/* name, key -> raw record */
	DB			*bcopy;		/* id, uid -> a reader's copy
						   of an apart message */
	struct store_limits	 lim;
};
extern struct storedb	 sdb;

#define FOLDER_KEYLEN	(4 + 1 + 8 + MC_IDLEN)
#define TIME_KEYLEN	(8 + MC_IDLEN)
#define CHUNK_KEYLEN	(MC_IDLEN + 4 + 8)
#define CONTACT_KEYLEN	8
#define BCOPY_KEYLEN	(MC_IDLEN + 4)

DB_TXN	*sdb_begin(void);
int	 sdb_commit(DB_TXN *);
void	 sdb_abort(DB_TXN *);
int	 sdb_end(DB_TXN *, int);
int	 sdb_get(DB *, DB_TXN *, const void *, size_t, uint8_t **, size_t *);
int	 sdb_put(DB *, DB_TXN *, const void *, size_t, const void *, size_t);
int	 sdb_del(DB *, DB_TXN *, const void *, size_t);
void	 sdb_quarantine_later(DB *, const void *, size_t);
int	 sdb_walk_prefix(DB *, DB_TXN *, const uint8_t *, size_t, size_t,
	    int (*)(DBC *, const uint8_t *, void *), void *);

int	 msg_load(DB_TXN *, const uint8_t [MC_IDLEN], struct store_msg *);
int	 msg_save(DB_TXN *, const struct store_msg *);
int	 msg_remove(DB_TXN *, const struct store_msg *, uint64_t *);
int	 chunks_remove(DB_TXN *, const uint8_t [MC_IDLEN], uint64_t *);
int	 contact_blocked(DB_TXN *, uint32_t, uint32_t);
int	 usage_add(DB_TXN *, uint32_t, int64_t, int);
int	 copy_drop(DB_TXN *, struct store_msg *, struct store_copy *);

/* Copies kept apart: broadcasts and the system's messages (bcopy.c). */
int	 msg_apart(const struct store_msg *);
int	 msg_load_for(DB_TXN *, const uint8_t [MC_IDLEN], uint32_t,
	    struct store_msg *);
int	 bcopy_save(DB_TXN *, const struct store_msg *,
	    const struct store_copy *);
int	 bcopy_remove_all(DB_TXN *, const struct store_msg *);
int	 apart_drop(DB_TXN *, struct store_msg *, struct store_copy *);

void	 key_folder(uint8_t [FOLDER_KEYLEN], uint32_t, enum store_folder,
	    uint64_t, const uint8_t [MC_IDLEN]);
void	 key_time(uint8_t [TIME_KEYLEN], uint64_t, const uint8_t [MC_IDLEN]);
void	 key_chunk(uint8_t [CHUNK_KEYLEN], const uint8_t [MC_IDLEN],
	    uint32_t, uint64_t);
void	 key_put32(uint8_t *, uint32_t);
void	 key_put64(uint8_t *, uint64_t);
uint64_t key_get64(const uint8_t *);
uint32_t key_get32(const uint8_t *);

#endif
