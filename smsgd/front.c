/*
 * The network front: smsgd re-executed as "smsgd -x front".  It receives
 * its sockets and TLS material as descriptors and never opens a file.
 */
#include "config.h"

#include <unistd.h>

#include "log.h"
#include "proc.h"
#include "smsgd.h"

static void
front_dispatch(enum proc_id from, struct msg *m)
{
	fatalx("unexpected %s from %s", msg_type_name(m->type),
	    proc_name(from));
}

/* Until the role reads its settings: accept them, keep nothing. */
static void
front_configure(struct msg *m)
{
	if (m->fd != -1)
		close(m->fd);
}

static const struct proc_role front_role = {
	.id = PROC_FRONT,
	.configure = front_configure,
	.dispatch = front_dispatch,
};

int
front_main(void)
{
	return proc_child_main(&front_role);
}
