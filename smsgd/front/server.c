/*
 * The front's server core: configuration from the parent, the worker
 * threads with their listeners, and the main thread's half of the bridge
 * (it alone talks to auth and web).  Connections live in conn.c.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>
#include <event2/listener.h>

#include "bridge.h"
#include "events.h"
#include "log.h"
#include "proc.h"
#include "server_impl.h"
#include "sse.h"

#define TIMEOUT_MAX	3600	/* seconds, for any configured timeout */
#define TICK_MS		250	/* expiry and lost-peer checks */

/* Used until (or unless) the parent sends MSG_CONF_FRONT. */
struct front_conf front_conf = {
	.workers = 0,
	.header_timeout = 10,
	.body_idle_timeout = 30,
	.body_min_rate = 1024,
	.idle_timeout = 60,
	.event_heartbeat = 30,
	.event_max_per_user = 8,
	.form_max = 65536,
	.login_rate = 10,
	.register_rate = 5,
	.max_conns = 1024,
	.max_conns_net = 64,
	.net = { NETKEY_V4_DEFAULT, NETKEY_V6_DEFAULT },
	.https_port = 443,
	.retention = 604800,
	.retention_max = 2592000,
};

struct server	 srv;

static int	 got_front;

static unsigned int
online_cpus(void)
{
	long	 n = sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : (unsigned int)n;
}

static void
conf_front(struct msg *m)
{
	struct front_conf	 fc;
	struct msgcur		 cur;
	uint8_t			 v4, v6, bcast;

	msg_cursor(m, &cur);
	if (got_front || m->fd != -1 ||
	    msg_get_u32(&cur, &fc.workers) == -1 ||
	    msg_get_u32(&cur, &fc.header_timeout) == -1 ||
	    msg_get_u32(&cur, &fc.body_idle_timeout) == -1 ||
	    msg_get_u32(&cur, &fc.body_min_rate) == -1 ||
	    msg_get_u32(&cur, &fc.idle_timeout) == -1 ||
	    msg_get_u32(&cur, &fc.form_max) == -1 ||
	    msg_get_u32(&cur, &fc.login_rate) == -1 ||
	    msg_get_u32(&cur, &fc.register_rate) == -1 ||
	    msg_get_u16(&cur, &fc.https_port) == -1 ||
	    msg_get_u32(&cur, &fc.max_conns) == -1 ||
	    msg_get_u32(&cur, &fc.event_heartbeat) == -1 ||
	    msg_get_u32(&cur, &fc.event_max_per_user) == -1 ||
	    msg_get_u32(&cur, &fc.max_conns_net) == -1 ||
	    msg_get_u8(&cur, &v4) == -1 || msg_get_u8(&cur, &v6) == -1 ||
	    msg_get_u32(&cur, &fc.retention) == -1 ||
	    msg_get_u32(&cur, &fc.retention_max) == -1 ||
	    msg_get_u8(&cur, &bcast) == -1 || msg_get_end(&cur) == -1)
		fatalx("malformed CONF_FRONT from the parent");
	if (fc.header_timeout < 1 || fc.header_timeout > TIMEOUT_MAX ||
	    fc.body_idle_timeout < 1 || fc.body_idle_timeout > TIMEOUT_MAX ||
	    fc.event_heartbeat < 1 || fc.event_heartbeat > TIMEOUT_MAX ||
	    fc.event_max_per_user < 1 || fc.event_max_per_user > 1000 ||
	    fc.idle_timeout < 1 || fc.idle_timeout > TIMEOUT_MAX ||
	    fc.max_conns < 1 || fc.max_conns > 1000000 ||
	    fc.max_conns_net < 1 || fc.retention < 1 ||
	    fc.retention > fc.retention_max ||
	    !net_prefix_ok(&(struct net_prefix){ v4, v6 }) ||
	    fc.https_port == 0 || bcast >= BCAST_MAX)
		fatalx("CONF_FRONT out of range");
	fc.broadcast = bcast;
	fc.net.v4 = v4;
	fc.net.v6 = v6;
	got_front = 1;
	front_conf = fc;
	/* Counted here: sysconf reads /sys, which the chroot hides. */
	if (front_conf.workers == 0)
		front_conf.workers = online_cpus();
}

static void
conf_tls(struct msg *m)
{
	struct msgcur	 cur;
	const uint8_t	*cert, *key;
	size_t		 certlen, keylen;
	uint32_t	 period;
	uint8_t		 tickets;

	msg_cursor(m, &cur);
	if (srv.ctx != NULL || m->fd != -1 ||
	    msg_get_bytes(&cur, &cert, &certlen, MAXMSG_PEER) == -1 ||
	    msg_get_bytes(&cur, &key, &keylen, MAXMSG_PEER) == -1 ||
	    msg_get_u8(&cur, &tickets) == -1 ||
	    msg_get_u32(&cur, &period) == -1 ||
	    msg_get_end(&cur) == -1)
		fatalx("malformed CONF_TLS from the parent");
	if (tickets > 1 || period < 1 || period > 86400)
		fatalx("CONF_TLS out of range");
	srv.ctx = tls_context(cert, certlen, key, keylen);
	tls_tickets_init(srv.ctx, tickets, period);
	/*
	 * The key's only copy outside OpenSSL is in the setup channel's
	 * receive buffer, which is ours to scribble on.
	 */
	explicit_bzero((void *)(uintptr_t)key, keylen);
}

static void
conf_listen(struct msg *m)
{
	struct listen_sock	*ls;
	struct msgcur		 cur;
	uint8_t			 kind;
	int			 flags;

	if (srv.nls >= SERVER_MAXLISTEN)
		fatalx("more than %d listeners", SERVER_MAXLISTEN);
	ls = &srv.ls[srv.nls];
	msg_cursor(m, &cur);
	if (m->fd == -1 || msg_get_u8(&cur, &kind) == -1 ||
	    msg_get_string(&cur, ls->name, sizeof(ls->name)) == -1 ||
	    msg_get_end(&cur) == -1 ||
	    (kind != LISTEN_HTTPS && kind != LISTEN_HTTP_REDIRECT))
		fatalx("malformed CONF_LISTEN from the parent");
	if ((flags = fcntl(m->fd, F_GETFL)) == -1 ||
	    fcntl(m->fd, F_SETFL, flags | O_NONBLOCK) == -1 ||
	    fcntl(m->fd, F_SETFD, FD_CLOEXEC) == -1)
		fatal("listener %s", ls->name);
	ls->fd = m->fd;
	ls->kind = kind;
	srv.nls++;
}

/* Each MSG_CONF_* from the parent, as root, before the privilege drop. */
void
server_configure(struct msg *m)
{
	switch (m->type) {
	case MSG_CONF_FRONT:
		conf_front(m);
		break;
	case MSG_CONF_TLS:
		conf_tls(m);
		break;
	case MSG_CONF_LISTEN:
		conf_listen(m);
		break;
	default:
		fatalx("unexpected %s during setup", msg_type_name(m->type));
	}
}

/* Cross-thread wake-ups: event_active is safe on a threaded base. */
static void
server_wake(int who)
{
	if (who == BRIDGE_MAIN)
		event_active(srv.outq, EV_READ, 0);
	else
		event_active(srv.workers[who].wake, EV_READ, 0);
}

static void
events_wake(int who)
{
	event_active(srv.workers[who].events, EV_READ, 0);
}

static void
worker_events(int fd, short what, void *arg)
{
	struct worker	*w = arg;

	sse_deliver(w->id);
}

static void
main_outq(int fd, short what, void *arg)
{
	bridge_outgoing(proc_send);
}

/* A peer of the front, from lib/route.c's link table: not the parent. */
static int
is_peer(enum proc_id p)
{
	return p != PROC_PARENT && p < PROC_MAX &&
	    (proc_links(PROC_FRONT) & PROC_BIT(p));
}

/* Fail questions that timed out, and those whose peer went away. */
static void
main_tick(int fd, short what, void *arg)
{
	struct timespec	 now;
	int		 p, up;

	clock_gettime(CLOCK_MONOTONIC, &now);
	bridge_expire(now.tv_sec);
	tls_tickets_tick();
	memtrim_tick();
	for (p = 0; p < PROC_MAX; p++) {
		if (!is_peer(p))
			continue;
		up = proc_linked(p);
		if (srv.linked[p] && !up)
			server_peer_lost(p);
		srv.linked[p] = up;
	}
}

void
server_peer_lost(enum proc_id peer)
{
	if (!is_peer(peer))
		return;
	log_debug("failing questions to %s", proc_name(peer));
	bridge_peer_lost(peer);
}

/* PUSH_EVENT: u32 uid, u64 sid, u64 id, string event, string data. */
static void
push_event(enum proc_id from, struct msg *m)
{
	struct msgcur	 cur;
	uint32_t	 uid;
	uint64_t	 sid, id;
	char		 name[EV_NAME_MAX];
	const uint8_t	*data;
	size_t		 len;

	msg_cursor(m, &cur);
	msg_get_u32(&cur, &uid);
	msg_get_u64(&cur, &sid);
	msg_get_u64(&cur, &id);
	msg_get_string(&cur, name, sizeof(name));
	msg_get_bytes(&cur, &data, &len, EV_DATA_MAX);
	if (msg_get_end(&cur) == -1 || !sse_name_valid(name))
		fatalx("malformed PUSH_EVENT from %s", proc_name(from));
	events_push(uid, sid, id, name, data, len);
}

static void
push_session_end(enum proc_id from, struct msg *m)
{
	struct msgcur	 cur;
	uint64_t	 sid;

	msg_cursor(m, &cur);
	msg_get_u64(&cur, &sid);
	if (msg_get_end(&cur) == -1)
		fatalx("malformed PUSH_SESSION_END from %s", proc_name(from));
	events_session_end(sid);
}

/*
 * From the front's peers: answers for the worker that asked, and pushes
 * (peerid 0) for the live event streams.  lib/proc.c has checked the
 * route: only auth and store push.
 */
void
server_dispatch(enum proc_id from, struct msg *m)
{
	if (!is_peer(from))
		fatalx("unexpected %s from %s", msg_type_name(m->type),
		    proc_name(from));
	switch (m->type) {
	case MSG_PUSH_EVENT:
		push_event(from, m);
		return;
	case MSG_PUSH_SESSION_END:
		push_session_end(from, m);
		return;
	}
	if (m->peerid == 0)
		fatalx("%s from %s without a request id",
		    msg_type_name(m->type), proc_name(from));
	if (!bridge_answer(from, m))
		log_debug("late %s from %s dropped", msg_type_name(m->type),
		    proc_name(from));
}

static void
listen_accept(struct evconnlistener *lev, evutil_socket_t fd,
    struct sockaddr *sa, int salen, void *arg)
{
	struct worker_listen	*wl = arg;

	conn_accept(wl->w, wl->kind, fd, sa, salen);
}

static void
listen_resume(int fd, short what, void *arg)
{
	struct worker	*w = arg;
	int		 i;

	for (i = 0; i < srv.nls; i++)
		evconnlistener_enable(w->wl[i].lev);
}

/* Out of descriptors: stop accepting for a second rather than spin. */
static void
listen_error(struct evconnlistener *lev, void *arg)
{
	struct worker_listen	*wl = arg;
	struct worker		*w = wl->w;
	struct timeval		 tv = { 1, 0 };
	int			 i;

	if (errno != EMFILE && errno != ENFILE && errno != ENOBUFS &&
	    errno != ENOMEM) {
		log_warn("accept");
		return;
	}
	log_warn("accept, pausing");
	for (i = 0; i < srv.nls; i++)
		evconnlistener_disable(w->wl[i].lev);
	evtimer_add(w->resume, &tv);
}

/*
 * Each request turns its socket's reading and writing off and on several
 * times within one turn of the loop; with the changelist, epoll is told
 * only the net change, once, before it waits.  (Unsafe only for
 * descriptors copied with dup(), which a worker never has.)
 */
static struct event_base *
worker_base(void)
{
	struct event_config	*cfg;
	struct event_base	*base;

	if ((cfg = event_config_new()) == NULL)
		return NULL;
	if (event_config_set_flag(cfg,
	    EVENT_BASE_FLAG_EPOLL_USE_CHANGELIST) == -1) {
		event_config_free(cfg);
		return NULL;
	}
	base = event_base_new_with_config(cfg);
	event_config_free(cfg);
	return base;
}

#define FD_SLOTS_EXTRA	64	/* descriptors besides the connections */

static void
fd_slot_noop(evutil_socket_t fd, short what, void *arg)
{
}

/*
 * libevent keeps a small slot for each descriptor number a base has
 * watched, made the first time it sees the number and kept until the
 * base is freed.  Made during a burst of connections (ten thousand
 * event streams), the slots lay scattered between the connections' own
 * blocks, and once those closed they pinned the pages around them: the
 * front stayed at 47 MiB resident with 4 MiB in use, since the
 * allocator can hand back only whole free pages.  Made here, before any
 * connection, they lie together.  src is a descriptor epoll accepts;
 * a number in use is skipped, and the numbers end at the open-file
 * limit.  The base's change list folds each add and delete into
 * nothing: two system calls a number.
 */
static void
worker_fd_slots(struct worker *w, int src)
{
	struct event	*ev;
	int		 k, d, top = (int)front_conf.max_conns + FD_SLOTS_EXTRA;

	if ((ev = malloc(event_get_struct_event_size())) == NULL)
		return;
	for (k = 0; k < top; k++) {
		if ((d = fcntl(src, F_DUPFD_CLOEXEC, k)) == -1)
			break;
		if (d == k && event_assign(ev, w->base, d, EV_READ,
		    fd_slot_noop, NULL) == 0 && event_add(ev, NULL) == 0)
			event_del(ev);
		close(d);
	}
	free(ev);
}

static void
worker_setup(struct worker *w, int id)
{
	struct worker_listen	*wl;
	int			 i;

	w->id = id;
	if ((w->base = worker_base()) == NULL ||
	    (w->wake = event_new(w->base, -1, 0, conn_answers, w)) == NULL ||
	    (w->resume = evtimer_new(w->base, listen_resume, w)) == NULL ||
	    (w->events = event_new(w->base, -1, 0, worker_events, w)) == NULL)
		fatalx("worker %d: event base", id);
	for (i = 0; i < srv.nls; i++) {
		wl = &w->wl[i];
		wl->w = w;
		wl->kind = srv.ls[i].kind;
		/* Shared descriptor: no close on free; already listening. */
		wl->lev = evconnlistener_new(w->base, listen_accept, wl, 0, 0,
		    srv.ls[i].fd);
		if (wl->lev == NULL)
			fatalx("worker %d: listener %s", id, srv.ls[i].name);
		evconnlistener_set_error_cb(wl->lev, listen_error);
	}
	if (srv.nls > 0)
		worker_fd_slots(w, srv.ls[0].fd);
}

/* After the privilege drop, before the sandbox. */
void
server_init(struct event_base *base, const struct server_app *app)
{
	struct timeval	 tick = { 0, TICK_MS * 1000 };
	unsigned int	 i;
	int		 j;

	if (!got_front)
		log_debug("no front configuration, using defaults");
	if (front_conf.workers == 0)
		front_conf.workers = online_cpus();
	if (front_conf.workers > SERVER_MAXWORKERS)
		front_conf.workers = SERVER_MAXWORKERS;
	for (j = 0; j < srv.nls; j++)
		if (srv.ls[j].kind == LISTEN_HTTPS && srv.ctx == NULL)
			fatalx("listener %s: no TLS certificate",
			    srv.ls[j].name);
	srv.main = base;
	srv.app = app;
	memtrim_init();
	srv.nworkers = front_conf.workers;
	if ((srv.workers = calloc(srv.nworkers,
	    sizeof(*srv.workers))) == NULL)
		fatal("workers");
	if (bridge_init(srv.nworkers, server_wake) == -1)
		fatalx("bridge");
	if (events_init(srv.nworkers, events_wake) == -1)
		fatalx("events");
	if ((srv.outq = event_new(base, -1, 0, main_outq, NULL)) == NULL ||
	    (srv.tick = event_new(base, -1, EV_PERSIST, main_tick,
	    NULL)) == NULL || event_add(srv.tick, &tick) == -1)
		fatalx("server events");
	for (i = 0; i < srv.nworkers; i++)
		worker_setup(&srv.workers[i], i);
	app->init();
	for (j = 0; j < srv.nls; j++)
		log_info("listening on %s (%s)", srv.ls[j].name,
		    srv.ls[j].kind == LISTEN_HTTPS ? "https" :
		    "http redirect");
	if (srv.nls == 0)
		log_info("no listeners configured");
}

/* server_threads() waits until every worker has started. */
static pthread_mutex_t	 start_mtx = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t	 start_cv = PTHREAD_COND_INITIALIZER;
static unsigned int	 started;

static void *
worker_main(void *arg)
{
	struct worker	*w = arg;

	pthread_mutex_lock(&start_mtx);
	started++;
	pthread_cond_signal(&start_cv);
	pthread_mutex_unlock(&start_mtx);
	event_base_loop(w->base, EVLOOP_NO_EXIT_ON_EMPTY);
	log_warnx("worker %d stopped", w->id);
	return NULL;
}

/* Inside sandbox_enter: the only place threads may be started. */
void
server_threads(void)
{
	unsigned int	 i;
	int		 r;

	for (i = 0; i < srv.nworkers; i++)
		if ((r = pthread_create(&srv.workers[i].thread, NULL,
		    worker_main, &srv.workers[i])) != 0)
			fatalx("pthread_create: %s", strerror(r));
	/*
	 * A new thread's own start-up (set_robust_list, rseq, ...) must be
	 * over before seccomp, which would otherwise kill it mid-way.
	 */
	pthread_mutex_lock(&start_mtx);
	while (started < srv.nworkers)
		pthread_cond_wait(&start_cv, &start_mtx);
	pthread_mutex_unlock(&start_mtx);
	log_debug("%u workers, %d listeners, at most %u connections",
	    srv.nworkers, srv.nls, front_conf.max_conns);
}
