/*
 * smsg-store: the message store.  Owns the message database (Berkeley
 * DB, in its chroot); never sees plaintext or a key.
 */
#include "config.h"

#include <stdlib.h>

#include "dbenv.h"
#include "log.h"
#include "proc.h"

static struct {
	DB_ENV	*env;
	DB	*messages;
} store;

static void
store_close(void)
{
	if (store.messages != NULL)
		store.messages->close(store.messages, 0);
	store.messages = NULL;
	dbenv_close(store.env);
	store.env = NULL;
}

static void
store_init(const struct proc_settings *ps, struct event_base *base)
{
	store.env = dbenv_open(".");
	store.messages = dbenv_open_db(store.env, "messages.db", DB_BTREE);
	atexit(store_close);
	log_debug("message database open");
}

static void
store_dispatch(enum proc_id from, struct msg *m)
{
	fatalx("unexpected %s from %s", msg_type_name(m->type),
	    proc_name(from));
}

static const struct proc_role store_role = {
	.id = PROC_STORE,
	.init = store_init,
	.dispatch = store_dispatch,
};

int
main(int argc, char *argv[])
{
	return proc_child_main(&store_role);
}
