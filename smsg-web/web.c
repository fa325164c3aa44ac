/*
 * smsg-web: renders pages from typed data the front sends.  It has no
 * filesystem and no network; its templates are compiled in.
 */
#include "config.h"

#include "log.h"
#include "proc.h"

static void
web_dispatch(enum proc_id from, struct msg *m)
{
	fatalx("unexpected %s from %s", msg_type_name(m->type),
	    proc_name(from));
}

static const struct proc_role web_role = {
	.id = PROC_WEB,
	.dispatch = web_dispatch,
};

int
main(int argc, char *argv[])
{
	return proc_child_main(&web_role);
}
