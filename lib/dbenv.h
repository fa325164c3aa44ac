#ifndef SMSG_DBENV_H
#define SMSG_DBENV_H

#include <db.h>

DB_ENV	*dbenv_open(const char *);
DB	*dbenv_open_db(DB_ENV *, const char *, DBTYPE);
DB	*dbenv_open_db_paged(DB_ENV *, const char *, DBTYPE, u_int32_t);
void	 dbenv_close(DB_ENV *);

/* Transactions: NULL or -1 on failure, already logged. */
DB_TXN	*dbenv_begin(DB_ENV *);
int	 dbenv_commit(DB_TXN *);
void	 dbenv_abort(DB_TXN *);
/* Commits that do not wait for the disk, and the flush that does. */
DB_TXN	*dbenv_begin_nosync(DB_ENV *);
int	 dbenv_flush(DB_ENV *);
int	 dbenv_checkpoint(DB_ENV *, u_int32_t, u_int32_t);

#endif
