#ifndef SMSG_DBENV_H
#define SMSG_DBENV_H

#include <db.h>

DB_ENV	*dbenv_open(const char *);
DB	*dbenv_open_db(DB_ENV *, const char *, DBTYPE);
void	 dbenv_close(DB_ENV *);

/* Transactions: NULL or -1 on failure, already logged. */
DB_TXN	*dbenv_begin(DB_ENV *);
int	 dbenv_commit(DB_TXN *);
void	 dbenv_abort(DB_TXN *);

#endif
