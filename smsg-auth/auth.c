/*
 * smsg-auth: accounts, passwords, second factors, sessions and the
 * custody of user keys.  Owns the account database (Berkeley DB, in its
 * chroot); never sees a message body.
 */
#include "config.h"

#include <stdlib.h>

#include "dbenv.h"
#include <unistd.h>

#include "log.h"
#include "proc.h"

static struct {
	DB_ENV	*env;
	DB	*accounts;
} auth;

static void
auth_close(void)
{
	if (auth.accounts != NULL)
		auth.accounts->close(auth.accounts, 0);
	auth.accounts = NULL;
	dbenv_close(auth.env);
	auth.env = NULL;
}

static void
auth_init(const struct proc_settings *ps, struct event_base *base)
{
	auth.env = dbenv_open(".");
	auth.accounts = dbenv_open_db(auth.env, "accounts.db", DB_BTREE);
	atexit(auth_close);
	log_debug("account database open");
}

static void
auth_dispatch(enum proc_id from, struct msg *m)
{
	fatalx("unexpected %s from %s", msg_type_name(m->type),
	    proc_name(from));
}

/* Until the role reads its settings: accept them, keep nothing. */
static void
auth_configure(struct msg *m)
{
	if (m->fd != -1)
		close(m->fd);
}

static const struct proc_role auth_role = {
	.id = PROC_AUTH,
	.configure = auth_configure,
	.init = auth_init,
	.dispatch = auth_dispatch,
};

int
main(int argc, char *argv[])
{
	return proc_child_main(&auth_role);
}
