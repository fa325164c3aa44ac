/*
 * Berkeley DB environments for auth and store: transactional, recovered
 * at every start, opened inside the owner's chroot before its sandbox.
 * Region memory is private to the process (DB_PRIVATE): each environment
 * has exactly one user.
 */
#include "config.h"

#include <db.h>

#include "dbenv.h"
#include "log.h"

static void
dbenv_errcall(const DB_ENV *env, const char *pfx, const char *msg)
{
	log_warnx("db: %s", msg);
}

DB_ENV *
dbenv_open(const char *home)
{
	DB_ENV		*env;
	u_int32_t	 flags = DB_CREATE | DB_INIT_TXN | DB_INIT_LOCK |
	    DB_INIT_LOG | DB_INIT_MPOOL | DB_PRIVATE | DB_THREAD | DB_RECOVER;
	int		 r;

	if ((r = db_env_create(&env, 0)) != 0)
		fatalx("db_env_create: %s", db_strerror(r));
	env->set_errcall(env, dbenv_errcall);
	/* In the chroot there is no /tmp: temporary files stay at home. */
	if ((r = env->set_tmp_dir(env, home)) != 0)
		fatalx("set_tmp_dir: %s", db_strerror(r));
	/* Logs are removed once no transaction needs them. */
	if ((r = env->log_set_config(env, DB_LOG_AUTO_REMOVE, 1)) != 0)
		fatalx("log_set_config: %s", db_strerror(r));
	if ((r = env->open(env, home, flags, 0600)) != 0)
		fatalx("opening database environment in %s: %s", home,
		    db_strerror(r));
	return env;
}

DB *
dbenv_open_db(DB_ENV *env, const char *name, DBTYPE type)
{
	return dbenv_open_db_paged(env, name, type, 0);
}

/* pagesize 0: Berkeley DB's choice; it applies when the file is made. */
DB *
dbenv_open_db_paged(DB_ENV *env, const char *name, DBTYPE type,
    u_int32_t pagesize)
{
	DB	*db;
	int	 r;

	if ((r = db_create(&db, env, 0)) != 0)
		fatalx("db_create: %s", db_strerror(r));
	if (pagesize != 0 && (r = db->set_pagesize(db, pagesize)) != 0)
		fatalx("%s: set_pagesize: %s", name, db_strerror(r));
	if ((r = db->open(db, NULL, name, NULL, type,
	    DB_CREATE | DB_AUTO_COMMIT | DB_THREAD, 0600)) != 0)
		fatalx("opening %s: %s", name, db_strerror(r));
	return db;
}

void
dbenv_close(DB_ENV *env)
{
	int	 r;

	if (env == NULL)
		return;
	if ((r = env->close(env, 0)) != 0)
		log_warnx("closing database environment: %s", db_strerror(r));
}

/*
 * One transaction per change.  DB_TXN_SYNC: a change is acknowledged only
 * once it is on disk.
 */
DB_TXN *
dbenv_begin(DB_ENV *env)
{
	DB_TXN	*txn;
	int	 r;

	if ((r = env->txn_begin(env, NULL, &txn, DB_TXN_SYNC)) != 0) {
		log_warnx("txn_begin: %s", db_strerror(r));
		return NULL;
	}
	return txn;
}

/*
 * Group commit: a transaction that commits without waiting for the disk,
 * and one log flush that makes every such commit so far durable.
 */
DB_TXN *
dbenv_begin_nosync(DB_ENV *env)
{
	DB_TXN	*txn;
	int	 r;

	if ((r = env->txn_begin(env, NULL, &txn, DB_TXN_NOSYNC)) != 0) {
		log_warnx("txn_begin: %s", db_strerror(r));
		return NULL;
	}
	return txn;
}

int
dbenv_flush(DB_ENV *env)
{
	int	 r;

	if ((r = env->log_flush(env, NULL)) != 0) {
		log_warnx("log flush: %s", db_strerror(r));
		return -1;
	}
	return 0;
}

/*
 * A checkpoint when kbyte KiB of log or min minutes have gone by since
 * the last: the cache's changed pages go to the database files, so that
 * recovery starts from here and the log before it can be removed
 * (DB_LOG_AUTO_REMOVE).  Without them the log grew without end and every
 * start replayed all of it.
 */
int
dbenv_checkpoint(DB_ENV *env, u_int32_t kbyte, u_int32_t min)
{
	int	 r;

	if ((r = env->txn_checkpoint(env, kbyte, min, 0)) != 0) {
		log_warnx("checkpoint: %s", db_strerror(r));
		return -1;
	}
	return 0;
}

int
dbenv_commit(DB_TXN *txn)
{
	int	 r;

	if ((r = txn->commit(txn, 0)) != 0) {
		log_warnx("txn commit: %s", db_strerror(r));
		return -1;
	}
	return 0;
}

void
dbenv_abort(DB_TXN *txn)
{
	int	 r;

	if (txn != NULL && (r = txn->abort(txn)) != 0)
		log_warnx("txn abort: %s", db_strerror(r));
}
