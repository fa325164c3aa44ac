/*
 * The network front: smsgd re-executed as "smsgd -x front".  It receives
 * its sockets and TLS material as descriptors and never opens a file.
 */
#include "config.h"

#include "log.h"
#include "proc.h"
#include "smsgd.h"

static void
front_dispatch(enum proc_id from, struct msg *m)
{
	fatalx("unexpected %s from %s", msg_type_name(m->type),
	    proc_name(from));
}

static const struct proc_role front_role = {
	.id = PROC_FRONT,
	.dispatch = front_dispatch,
};

int
front_main(void)
{
	return proc_child_main(&front_role);
}
