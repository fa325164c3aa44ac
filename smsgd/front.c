/*
 * The network front: smsgd re-executed as "smsgd -x front".  It receives
 * its sockets and TLS material as descriptors and never opens a file.
 * The work is in server.c (threads, bridge), conn.c (connections) and
 * tls.c; the application on top is app*.c.
 */
#include "config.h"

#include "log.h"
#include "proc.h"
#include "server.h"
#include "smsgd.h"

static void
front_init(const struct proc_settings *ps, struct event_base *base)
{
	server_init(base);
}

static const struct proc_role front_role = {
	.id = PROC_FRONT,
	.configure = server_configure,
	.init = front_init,
	.threads = server_threads,
	.dispatch = server_dispatch,
	.peer_lost = server_peer_lost,
};

int
front_main(void)
{
	return proc_child_main(&front_role);
}
