/*
 * smsg-front: the network front, its own executable so that the root
 * parent links none of the HTTP, TLS-record or JSON code.  It receives
 * its sockets and TLS material as descriptors and never opens a file.
 * The work is in server.c (threads, bridge), conn.c (connections) and
 * tls.c; the application on top is handed to the server here, the only
 * place that knows both.
 */
#include "config.h"

#include "log.h"
#include "proc.h"
#include "app.h"
#include "server.h"

static void
front_init(const struct proc_settings *ps, struct event_base *base)
{
	server_init(base, &app_server);
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
main(int argc, char *argv[])
{
	return proc_child_main(&front_role);
}
