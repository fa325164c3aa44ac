/*
 * smsg-web: renders pages from typed data the front sends.  It has no
 * filesystem and no network; its templates are compiled in and checked
 * here, before the sandbox, so a broken template stops the start-up.
 */
#include "config.h"

#include "log.h"
#include "pages.h"
#include "proc.h"

static void
web_init(const struct proc_settings *ps, struct event_base *base)
{
	char	 err[256];

	if (pages_init(err, sizeof(err)) == -1)
		fatalx("templates: %s", err);
}

static const struct proc_role web_role = {
	.id = PROC_WEB,
	.init = web_init,
	.dispatch = web_dispatch,
};

int
main(int argc, char *argv[])
{
	return proc_child_main(&web_role);
}
