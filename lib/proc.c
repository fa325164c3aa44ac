/*
 * The process runner: process table, spawning, setup handshake and the
 * peer channels every process uses.  See proc.h for a child's life.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <errno.h>
#include <event.h>
#include <event2/thread.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "log.h"
#include "privdrop.h"
#include "proc.h"
#include "sandbox.h"
#ifdef SMSG_TEST_HOOKS
#include "testhook.h"
#endif

static const struct proc_desc procs[PROC_MAX] = {
	[PROC_PARENT] = { PROC_PARENT, "parent", "smsgd", NULL, 1 },
	[PROC_FRONT] = { PROC_FRONT, "front", "smsg-front", "smsg-front", 0 },
	[PROC_AUTH] = { PROC_AUTH, "auth", "smsg-auth", "smsg-auth", 0 },
	[PROC_STORE] = { PROC_STORE, "store", "smsg-store", "smsg-store", 1 },
	[PROC_WEB] = { PROC_WEB, "web", "smsg-web", "smsg-web", 0 },
};

/*
 * Batching.  A message sent from an event callback waits in its channel
 * until the end of the loop turn (flush_ev), so that every message of a
 * turn to one peer leaves in one write; a channel holding PROC_FLUSH_BYTES
 * or more is written at once.  Sent before the loop runs (start-up), a
 * message waits for its first turn; a detached channel writes what it
 * holds first, and a fatal error writes the parent's channel out
 * (proc_log.c).  A peer's readable event hands at most
 * PROC_MAXBATCH messages to dispatch, then yields to the other events of
 * the turn and comes back on the next one (a timer due at once, run
 * after the next poll), so one busy peer cannot starve the others.
 */
struct peer {
	struct chan	 chan;
	struct event	*ev;
	struct event	*more_ev;	/* the next turn, when over budget */
	short		 events;
	int		 attached;
	int		 up;		/* HELLO received */
	int		 unflushed;	/* output waits for flush_ev */
};

static struct {
	enum proc_id		 self;
	struct event_base	*base;
	proc_dispatch_cb	 dispatch;
	proc_eof_cb		 on_eof;
	struct peer		 peers[PROC_MAX];
	int			 ready_sent;
	struct event		*flush_ev;	/* the end of a loop turn */
	int			 flush_armed;
} P;

const struct proc_desc *
proc_desc(enum proc_id id)
{
	if (id >= PROC_MAX || procs[id].name == NULL)
		fatalx("no process %d", id);
	return &procs[id];
}

enum proc_id
proc_self(void)
{
	return P.self;
}

const char *
proc_exe_path(enum proc_id id, char *buf, size_t len)
{
	const struct proc_desc	*pd = proc_desc(id);

	if (pd->exe == NULL)
		fatalx("%s is not started by exec", pd->name);
	snprintf(buf, len, "%s/%s", PATH_LIBEXEC, pd->exe);
	return buf;
}

static void	peer_event(int, short, void *);
static void	peer_more(int, short, void *);
static void	peer_update_events(enum proc_id);

/*
 * Writes to a channel happen under the log lock: a child's fatal error,
 * in any thread, writes its last words to the parent's channel.
 */
static int
peer_flush(struct peer *p)
{
	int	 r;

	proc_log_lock();
	r = chan_flush(&p->chan);
	proc_log_unlock();
	return r;
}

/* Write what a peer's channel holds; a failed write reads as its end. */
static void
peer_write_out(enum proc_id id)
{
	struct peer	*p = &P.peers[id];

	p->unflushed = 0;
	if (peer_flush(p) == -1)
		log_warn("sending to %s", proc_name(id));
	peer_update_events(id);
}

/* The end of a loop turn: every channel with output waiting is written. */
static void
peers_flush(evutil_socket_t fd, short what, void *arg)
{
	int	 i;

	P.flush_armed = 0;
	for (i = 0; i < PROC_MAX; i++)
		if (P.peers[i].attached && P.peers[i].unflushed)
			peer_write_out(i);
}

static void
peer_update_events(enum proc_id id)
{
	struct peer	*p = &P.peers[id];
	short		 want = EV_READ | EV_PERSIST;
	int		 pending;

	proc_log_lock();
	pending = chan_pending(&p->chan);
	proc_log_unlock();
	/* output held for the end of the turn is written then, not here */
	if (pending && !p->unflushed)
		want |= EV_WRITE;
	if (p->ev != NULL && want == p->events)
		return;
	if (p->ev != NULL)
		event_free(p->ev);
	p->ev = event_new(P.base, p->chan.fd, want, peer_event,
	    (void *)(uintptr_t)id);
	if (p->ev == NULL || event_add(p->ev, NULL) == -1)
		fatalx("cannot watch channel to %s", proc_name(id));
	p->events = want;
}

void
proc_init(enum proc_id self, struct event_base *base,
    proc_dispatch_cb dispatch, proc_eof_cb on_eof)
{
	P.self = self;
	P.base = base;
	P.dispatch = dispatch;
	P.on_eof = on_eof;
	if (P.flush_ev != NULL)
		event_free(P.flush_ev);
	P.flush_ev = NULL;
	P.flush_armed = 0;
	if (base != NULL &&
	    (P.flush_ev = event_new(base, -1, 0, peers_flush, NULL)) == NULL)
		fatalx("event_new");
}

static int
peer_flags(enum proc_id id)
{
	if (P.self == PROC_PARENT)
		return CHAN_SENDFDS;
	if (id == PROC_PARENT)
		return CHAN_RECVFDS;
	return 0;
}

static void
send_hello(enum proc_id to)
{
	struct msgbuf	 mb;

	msg_init(&mb, MSG_HELLO, 0);
	msg_add_u32(&mb, SMSG_PROTO_VERSION);
	msg_add_string(&mb, PACKAGE_VERSION);
	msg_add_u32(&mb, P.self);
	if (proc_send(to, &mb) == -1)
		fatal("sending HELLO to %s", proc_name(to));
}

void
proc_attach(enum proc_id id, int fd)
{
	struct peer	*p = &P.peers[id];

	if (!(proc_links(P.self) & PROC_BIT(id)))
		fatalx("no link from %s to %s", proc_name(P.self),
		    proc_name(id));
	if (p->attached)
		proc_detach(id);
	if (fcntl(fd, F_SETFL, O_NONBLOCK) == -1)
		fatal("fcntl O_NONBLOCK");
	if (chan_init(&p->chan, fd, MAXMSG_PEER, peer_flags(id)) == -1)
		fatal("channel to %s", proc_name(id));
	if (P.self != PROC_PARENT && id == PROC_PARENT)
		proc_log_attach(P.base, &p->chan);
	p->attached = 1;
	p->up = 0;
	p->events = 0;
	p->unflushed = 0;
	if ((p->more_ev = evtimer_new(P.base, peer_more,
	    (void *)(uintptr_t)id)) == NULL)
		fatalx("evtimer_new");
	peer_update_events(id);
	/* A child greets every peer, and the parent once it is set up. */
	if (P.self != PROC_PARENT) {
		send_hello(id);
		peer_write_out(id);
	}
}

void
proc_detach(enum proc_id id)
{
	struct peer	*p = &P.peers[id];

	if (!p->attached)
		return;
	if (p->ev != NULL)
		event_free(p->ev);
	p->ev = NULL;
	if (p->more_ev != NULL)
		event_free(p->more_ev);
	p->more_ev = NULL;
	/* what was sent before the detach still goes, if the peer takes it */
	if (p->unflushed)
		peer_flush(p);
	p->unflushed = 0;
	proc_log_lock();
	if (P.self != PROC_PARENT && id == PROC_PARENT)
		proc_log_detach();
	chan_clear(&p->chan);
	proc_log_unlock();
	p->attached = 0;
	p->up = 0;
	if (P.self != PROC_PARENT && id != PROC_PARENT)
		P.ready_sent = 0;
}

int
proc_linked(enum proc_id id)
{
	return id < PROC_MAX && P.peers[id].attached && P.peers[id].up;
}

int
proc_send(enum proc_id to, struct msgbuf *mb)
{
	struct peer	*p;
	int		 r, big;

	if (to >= PROC_MAX || !route_allowed(mb->type, P.self, to))
		fatalx("%s may not send %s to %s", proc_name(P.self),
		    msg_type_name(mb->type), proc_name(to));
	p = &P.peers[to];
	if (!p->attached) {
		msg_free(mb);
		errno = ENOTCONN;
		return -1;
	}
	proc_log_lock();
	r = chan_send(&p->chan, mb);
	big = p->chan.outbytes >= PROC_FLUSH_BYTES;
	proc_log_unlock();
	if (r == -1)
		return -1;
	if (!big && P.flush_ev != NULL) {
		p->unflushed = 1;
		if (!P.flush_armed)
			event_active(P.flush_ev, EV_TIMEOUT, 0);
		P.flush_armed = 1;
		return 0;
	}
	p->unflushed = 0;
	if (peer_flush(p) == -1) {
		log_warn("sending to %s", proc_name(to));
		return -1;
	}
	peer_update_events(to);
	return 0;
}

/* Check a HELLO: same protocol, same build, the peer we expect. */
int
proc_check_hello(enum proc_id from, struct msg *m)
{
	struct msgcur	 cur;
	uint32_t	 proto, id;
	char		 version[64];

	msg_cursor(m, &cur);
	if (msg_get_u32(&cur, &proto) == -1 ||
	    msg_get_string(&cur, version, sizeof(version)) == -1 ||
	    msg_get_u32(&cur, &id) == -1 || msg_get_end(&cur) == -1)
		fatalx("malformed HELLO from %s", proc_name(from));
	if (proto != SMSG_PROTO_VERSION || strcmp(version, PACKAGE_VERSION))
		fatalx("%s is version %s (protocol %u), %s is %s (protocol %u):"
		    " install matching binaries", proc_name(from), version,
		    proto, proc_name(P.self), PACKAGE_VERSION,
		    SMSG_PROTO_VERSION);
	if (id != from)
		fatalx("%s introduced itself as %s", proc_name(from),
		    proc_name(id));
	return 0;
}

static void
child_maybe_ready(void)
{
	uint32_t	 want = proc_links(P.self) & ~PROC_BIT(PROC_PARENT);
	struct msgbuf	 mb;
	int		 i;

	if (P.ready_sent)
		return;
	for (i = 0; i < PROC_MAX; i++)
		if ((want & PROC_BIT(i)) && !proc_linked(i))
			return;
	msg_init(&mb, MSG_READY, 0);
	if (proc_send(PROC_PARENT, &mb) == -1)
		fatal("sending READY");
	P.ready_sent = 1;
}

/* Messages the runner handles itself, in a child. */
static int
child_handle(enum proc_id from, struct msg *m)
{
	struct msgcur	 cur;
	uint32_t	 id;
	uint8_t		 v;

	switch (m->type) {
	case MSG_HELLO:
		if (P.peers[from].up)
			fatalx("second HELLO from %s", proc_name(from));
		proc_check_hello(from, m);
		P.peers[from].up = 1;
		child_maybe_ready();
		return 1;
	case MSG_PEER:
		msg_cursor(m, &cur);
		if (m->fd == -1 || msg_get_u32(&cur, &id) == -1 ||
		    msg_get_end(&cur) == -1 || id >= PROC_MAX ||
		    id == PROC_PARENT ||
		    !(proc_links(P.self) & PROC_BIT(id)))
			fatalx("malformed PEER from parent");
		proc_attach(id, m->fd);
		m->fd = -1;
		log_debug("linked to %s", proc_name(id));
		return 1;
	case MSG_LOG_VERBOSE:
		msg_cursor(m, &cur);
		if (msg_get_u8(&cur, &v) == -1 || msg_get_end(&cur) == -1)
			fatalx("malformed LOG_VERBOSE");
		log_setverbose(v);
		return 1;
	}
	return 0;
}

/*
 * Parent: a child's log line, written under the child's name as the
 * parent knows it.  Control characters are replaced, so a child cannot
 * forge a line of someone else's.
 */
static void
parent_log_line(enum proc_id from, struct msg *m)
{
	struct msgcur	 cur;
	uint8_t		 pri;
	char		 line[LOG_MAXLINE], *c;

	msg_cursor(m, &cur);
	if (msg_get_u8(&cur, &pri) == -1 ||
	    msg_get_string(&cur, line, sizeof(line)) == -1 ||
	    msg_get_end(&cur) == -1 || pri < LOG_CRIT || pri > LOG_DEBUG)
		fatalx("malformed LOG from %s", proc_name(from));
	for (c = line; *c != '\0'; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			*c = '?';
	log_emit(proc_name(from), pri, line);
}

static void
peer_dispatch(enum proc_id from, struct msg *m)
{
	if (!route_allowed(m->type, from, P.self))
		fatalx("%s sent %s (%u), which it may not send to %s",
		    proc_name(from), msg_type_name(m->type), m->type,
		    proc_name(P.self));
	/* A child logs from its first moment, HELLO or not. */
	if (m->type == MSG_LOG) {
		parent_log_line(from, m);
		return;
	}
	/* Nothing but HELLO before HELLO. */
	if (!P.peers[from].up && m->type != MSG_HELLO &&
	    !(P.self != PROC_PARENT && from == PROC_PARENT))
		fatalx("%s sent %s before HELLO", proc_name(from),
		    msg_type_name(m->type));
	if (P.self != PROC_PARENT && child_handle(from, m))
		return;
	P.dispatch(from, m);
}

/*
 * Dispatch the complete messages buffered on a peer's channel, at most
 * *budget of them.  A malformed frame is the peer breaking the protocol.
 */
static void
peer_take(enum proc_id id, struct peer *p, int *budget)
{
	struct msg	 m;
	int		 r;

	while (*budget > 0 && p->attached &&
	    (r = chan_get(&p->chan, &m)) != 0) {
		if (r == -1)
			fatalx("malformed message from %s: %s",
			    proc_name(id), strerror(errno));
		(*budget)--;
		peer_dispatch(id, &m);
		if (m.fd != -1)
			close(m.fd);
	}
}

static void
peer_more(int fd, short what, void *arg)
{
	peer_event(fd, EV_READ, arg);
}

static void
peer_event(int fd, short what, void *arg)
{
	enum proc_id	 id = (enum proc_id)(uintptr_t)arg;
	struct peer	*p = &P.peers[id];
	ssize_t		 n;
	int		 budget = PROC_MAXBATCH;

	if (what & EV_WRITE) {
		if (peer_flush(p) == -1) {
			log_warn("write to %s", proc_name(id));
			goto eof;
		}
	}
	if (what & EV_READ) {
		/* first what an earlier turn left, then what the socket has */
		peer_take(id, p, &budget);
		if (budget > 0 && p->attached) {
			n = chan_read(&p->chan);
			if (n == 0)
				goto eof;
			if (n == -1 && errno == EBADMSG)
				fatalx("%s sent a descriptor it may not send",
				    proc_name(id));
			if (n == -1 && errno != EAGAIN) {
				log_warn("read from %s", proc_name(id));
				goto eof;
			}
			peer_take(id, p, &budget);
		}
	}
	if (!p->attached)
		return;
	peer_update_events(id);
	/* over budget: the rest on the next turn, after a poll */
	if (budget == 0) {
		struct timeval	 now = { 0, 0 };

		evtimer_add(p->more_ev, &now);
	}
	return;
eof:
	proc_detach(id);
	if (P.on_eof != NULL)
		P.on_eof(id);
}

/*
 * What a child's environment may carry over from the parent's: the test
 * build's sandbox probe and knobs (testhook.h), and in a sanitizer build
 * the sanitizers' options (so that a report ends the child and reaches
 * the parent's stderr).
 */
static const char *const spawn_env_names[] = {
#ifdef SMSG_TEST_HOOKS
	"SMSG_PROBE", "SMSG_TEST_WRAP_SLICE", "SMSG_TEST_BCAST_FAIL_AT",
	"SMSG_TEST_STORE_IGNORES_LOCK",
#endif
#ifdef SMSG_SANITIZER
	"ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS",
#endif
	NULL
};

#define SPAWN_ENV_MAX	8

static void
spawn_env(char *envp[SPAWN_ENV_MAX + 1])
{
	static char	 buf[SPAWN_ENV_MAX][512];
	const char	*v;
	int		 i, n = 0;

	for (i = 0; spawn_env_names[i] != NULL && n < SPAWN_ENV_MAX; i++) {
		if ((v = getenv(spawn_env_names[i])) == NULL)
			continue;
		snprintf(buf[n], sizeof(buf[n]), "%s=%s", spawn_env_names[i],
		    v);
		envp[n] = buf[n];
		n++;
	}
	envp[n] = NULL;
}

/*
 * In the new process: the channel on fd 3, /dev/null on stdin, stdout
 * and stderr (a child must not reach the terminal of whoever started
 * smsgd), nothing else.  A sanitizer build keeps stderr for its reports.
 */
static void
spawn_fds(int chanfd)
{
	int	 null, top = STDERR_FILENO;

#ifdef SMSG_SANITIZER
	top = STDOUT_FILENO;
#endif
	if (dup2(chanfd, PROC_FD) == -1)
		_exit(127);
	closefrom(PROC_FD + 1);
	if ((null = open("/dev/null", O_RDWR)) == -1)
		_exit(127);
	while (top >= 0)
		if (dup2(null, top--) == -1)
			_exit(127);
	if (null > STDERR_FILENO)
		close(null);
}

/*
 * Parent: start one child.  Its channel ends up on fd 3; nothing else
 * is inherited, and the environment is empty but for spawn_env_names.
 */
pid_t
proc_spawn(enum proc_id id, int foreground)
{
	const struct proc_desc	*pd = proc_desc(id);
	char			 path[PATH_MAX];
	char			*argv[2];
	char			*envp[SPAWN_ENV_MAX + 1];
	int			 sp[2];
	pid_t			 pid;

	proc_exe_path(id, path, sizeof(path));
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) == -1)
		fatal("socketpair");
	spawn_env(envp);
	switch (pid = fork()) {
	case -1:
		fatal("fork");
	case 0:
		spawn_fds(sp[1]);
		argv[0] = (char *)pd->title;
		argv[1] = NULL;
		execve(path, argv, envp);
		/* The parent reads this as the child's log line. */
		proc_log_start(PROC_FD);
		log_warn("cannot execute %s", path);
		_exit(127);
	}
	close(sp[1]);
	proc_attach(id, sp[0]);
	return pid;
}

void
proc_send_setup(enum proc_id id, const struct proc_settings *ps)
{
	struct msgbuf	 mb;

	msg_init(&mb, MSG_SETUP, 0);
	msg_add_u32(&mb, SMSG_PROTO_VERSION);
	msg_add_string(&mb, PACKAGE_VERSION);
	msg_add_u8(&mb, ps->verbose);
	msg_add_u8(&mb, ps->foreground);
	msg_add_string(&mb, ps->user);
	msg_add_string(&mb, ps->root);
	msg_add_u32(&mb, ps->max_files);
	if (proc_send(id, &mb) == -1)
		fatal("sending setup to %s", proc_name(id));
}

/* Parent: hand a socketpair end to id and to each of its running peers. */
void
proc_link_peers(enum proc_id id)
{
	struct msgbuf	 mb;
	int		 p, sp[2];

	for (p = PROC_FRONT; p < PROC_CTL; p++) {
		if (p == (int)id || !(proc_links(id) & PROC_BIT(p)) ||
		    !proc_linked(p))
			continue;
		if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0,
		    sp) == -1)
			fatal("socketpair");
		msg_init(&mb, MSG_PEER, 0);
		msg_add_u32(&mb, p);
		msg_set_fd(&mb, sp[0]);
		if (proc_send(id, &mb) == -1)
			log_warn("linking %s to %s", proc_name(id),
			    proc_name(p));
		msg_init(&mb, MSG_PEER, 0);
		msg_add_u32(&mb, id);
		msg_set_fd(&mb, sp[1]);
		if (proc_send(p, &mb) == -1)
			log_warn("linking %s to %s", proc_name(p),
			    proc_name(id));
	}
}

/* Parent: a child's HELLO has been checked. */
void
proc_mark_up(enum proc_id id)
{
	P.peers[id].up = 1;
}

/* Child: read the parent's MSG_SETUP synchronously, before anything else. */
void
proc_send_setup_end(enum proc_id id)
{
	struct msgbuf	 mb;

	msg_init(&mb, MSG_SETUP_END, 0);
	if (proc_send(id, &mb) == -1)
		fatal("sending setup to %s", proc_name(id));
}

/* Role configuration until SETUP_END, each message checked by route. */
static void
child_configure(const struct proc_role *role, struct chan *c)
{
	struct msg	 m;

	for (;;) {
		if (chan_recvnow(c, &m, PROC_SETUP_TIMEOUT * 1000) != 1)
			fatalx("setup from the parent ended early");
		if (!route_allowed(m.type, PROC_PARENT, role->id))
			fatalx("unexpected %s during setup",
			    msg_type_name(m.type));
		if (m.type == MSG_SETUP_END)
			break;
		if (m.type == MSG_SETUP || m.type == MSG_PEER ||
		    m.type == MSG_HELLO || m.type == MSG_LOG_VERBOSE ||
		    role->configure == NULL)
			fatalx("unexpected %s during setup",
			    msg_type_name(m.type));
		role->configure(&m);
	}
	if (m.len != 0 || m.fd != -1)
		fatalx("malformed SETUP_END from the parent");
}

void
proc_child_setup(const struct proc_role *role, struct proc_settings *ps)
{
	enum proc_id	 self = role->id;
	struct chan	 c;
	struct msg	 m;
	struct msgcur	 cur;
	uint32_t	 proto, maxfiles;
	uint8_t		 verbose, fg;
	char		 version[64];
	int		 r;

	P.self = self;
	log_procinit(proc_desc(self)->name);
	if (fcntl(PROC_FD, F_GETFD) == -1)
		fatalx("%s is started by smsgd, not by hand",
		    proc_desc(self)->title);
	proc_log_start(PROC_FD);
	if (chan_init(&c, PROC_FD, MAXMSG_PEER, CHAN_RECVFDS) == -1)
		fatal("channel");
	r = chan_recvnow(&c, &m, PROC_SETUP_TIMEOUT * 1000);
	if (r != 1)
		fatalx("no setup from the parent");
	if (m.type != MSG_SETUP || m.fd != -1)
		fatalx("expected SETUP from the parent, got %s",
		    msg_type_name(m.type));
	memset(ps, 0, sizeof(*ps));
	msg_cursor(&m, &cur);
	if (msg_get_u32(&cur, &proto) == -1 ||
	    msg_get_string(&cur, version, sizeof(version)) == -1 ||
	    msg_get_u8(&cur, &verbose) == -1 || msg_get_u8(&cur, &fg) == -1 ||
	    msg_get_string(&cur, ps->user, sizeof(ps->user)) == -1 ||
	    msg_get_string(&cur, ps->root, sizeof(ps->root)) == -1 ||
	    msg_get_u32(&cur, &maxfiles) == -1 ||
	    msg_get_end(&cur) == -1)
		fatalx("malformed SETUP from the parent");
	ps->verbose = verbose;
	ps->foreground = fg;
	ps->max_files = maxfiles;
	log_setverbose(verbose);
	if (proto != SMSG_PROTO_VERSION || strcmp(version, PACKAGE_VERSION))
		fatalx("smsgd is version %s (protocol %u), %s is %s "
		    "(protocol %u): install matching binaries", version, proto,
		    proc_desc(self)->title, PACKAGE_VERSION,
		    SMSG_PROTO_VERSION);
	child_configure(role, &c);
	/* Hand the unread rest, if any, to the event loop's channel. */
	if (c.rlen != c.rpos)
		fatalx("parent sent more than its setup before HELLO");
	c.fd = -1;
	chan_clear(&c);
}

static const struct proc_role	*child_role;

/* The role's threads, and in a test build the log probe's. */
static void
child_threads(void)
{
	if (child_role->threads != NULL)
		child_role->threads();
#ifdef SMSG_TEST_HOOKS
	testhook_threads(child_role->id);
#endif
}

static void
child_eof(enum proc_id id)
{
	if (id == PROC_PARENT) {
		log_info("parent went away, exiting");
		exit(0);
	}
	log_warnx("lost connection to %s", proc_name(id));
	/* What was asked of the lost peer will never be answered. */
	if (child_role->peer_lost != NULL)
		child_role->peer_lost(id);
}

/*
 * The life of every child: setup from the parent, privilege drop, the
 * role's own initialisation, sandbox, then the event loop.
 */
int
proc_child_main(const struct proc_role *role)
{
	struct proc_settings	 ps;
	struct event_base	*base;

	proc_child_setup(role, &ps);
	signal(SIGPIPE, SIG_IGN);
	/* Ctrl-C in the parent's terminal is the parent's business. */
	signal(SIGINT, SIG_IGN);
	privdrop(ps.user, ps.root);
	/* Roles with threads wake the main loop from them. */
	if (evthread_use_pthreads() == -1)
		fatalx("evthread_use_pthreads");
	if ((base = event_base_new()) == NULL)
		fatalx("event_base_new");
	if (role->init != NULL)
		role->init(&ps, base);
	child_role = role;
	sandbox_enter(role->id, ps.max_files, child_threads);
#ifdef SMSG_TEST_HOOKS
	testhook_probe(role->id);
#endif
	proc_init(role->id, base, role->dispatch, child_eof);
	proc_attach(PROC_PARENT, PROC_FD);
	/* The parent is up by definition once it has sent SETUP. */
	P.peers[PROC_PARENT].up = 1;
	log_debug("%s running", proc_desc(role->id)->title);
#ifdef SMSG_TEST_HOOKS
	testhook_running(role->id);
#endif
	event_base_dispatch(base);
	return 0;
}
