/*
 * smsg-auth's database: accounts keyed by name, the activity log keyed
 * by (uid, time, seq), and a counter for uids.  Every change is one
 * transaction, begun and ended on the main thread.
 */
#ifndef SMSG_AUTH_AUTHDB_H
#define SMSG_AUTH_AUTHDB_H

#include <db.h>
#include <stdint.h>

#include "account.h"

#define ACTIVITY_KEEP		200	/* newest events kept per user */
#define ACTIVITY_EVENTMAX	32
#define ACTIVITY_ADDRMAX	64
#define ACTIVITY_DETAILMAX	128

struct activity {
	uint64_t	 id;		/* time << 32 | seq: grows per user */
	uint64_t	 time;
	char		 event[ACTIVITY_EVENTMAX];
	char		 addr[ACTIVITY_ADDRMAX];
	char		 detail[ACTIVITY_DETAILMAX];
};

typedef void	(*account_cb)(const struct account *, void *);
typedef void	(*activity_cb)(const struct activity *, void *);

void	 authdb_open(const char *);
void	 authdb_close(void);
DB_TXN	*authdb_begin(void);
int	 authdb_commit(DB_TXN *);
uint64_t authdb_commits(void);
void	 authdb_abort(DB_TXN *);

int	 account_get(DB_TXN *, const char *, struct account *);
int	 account_put(DB_TXN *, const struct account *, int);
int	 account_commit(DB_TXN *, const struct account *);
int	 account_delete(DB_TXN *, const char *);
int	 account_new_uid(DB_TXN *, uint32_t *);
int	 account_get_uid(DB_TXN *, uint32_t, struct account *);
int	 authdb_meta_get(DB_TXN *, const char *, void *, size_t);
int	 authdb_meta_put(DB_TXN *, const char *, const void *, size_t);
#define AUTHDB_DECOYLEN	790	/* an account record with one device */
int	 authdb_decoy(DB_TXN *);
int	 account_foreach(account_cb, void *);

int	 activity_add(DB_TXN *, uint32_t, uint64_t, const char *,
	    const char *, const char *, uint64_t *);
int	 activity_list(uint32_t, activity_cb, void *);
/* uid's events after the one with id after, oldest first. */
int	 activity_after(uint32_t, uint64_t, activity_cb, void *);
int	 activity_delete_user(DB_TXN *, uint32_t);

#endif
