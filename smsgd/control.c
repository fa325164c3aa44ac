/*
 * The control socket.  Callers are identified with getpeereid: root and
 * members of the admin group may run every command; the optional
 * read-only socket serves show commands to anyone.  A malformed request
 * ends that connection only.  Connections are bounded in number, per
 * user, and in idle time, each socket on its own: local accounts that
 * fill the read-only socket cannot crowd administrators out.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <event.h>
#include <fcntl.h>
#include <grp.h>
#include <libgen.h>
#include <stdio.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "proc.h"
#include "smsgd.h"

#define CTL_MAXCONN	16	/* the admin socket */
#define CTL_MAXPERUID	8
#define CTL_RO_MAXCONN	16	/* the read-only socket */
#define CTL_RO_MAXPERUID 4
#define CTL_IDLE	30	/* seconds */
#define CTL_RELAY_WAIT	30	/* seconds for auth to answer */

struct listener;

struct ctlconn {
	TAILQ_ENTRY(ctlconn)	 entry;
	struct listener		*l;	/* the socket it came in on */
	struct chan		 chan;
	struct event		*ev;
	struct event		*idle;	/* idle, or waiting for auth */
	short			 events;
	uint32_t		 id;	/* peerid of relayed messages */
	uid_t			 uid;
	int			 readonly;
	int			 hello;
	int			 waiting;	/* the child answering, or 0 */
	int			 closing;	/* close once output is flushed */
	int			 failed;	/* close now */
};

static TAILQ_HEAD(, ctlconn)	 conns = TAILQ_HEAD_INITIALIZER(conns);
static uint32_t			 lastid;

/*
 * Requests the parent relays to auth or the store, and the payload each
 * must have: s a string, t a text (bytes, BROADCAST_TEXT_MAX at most, no
 * NUL), q a u64, u a u32, b a u8 that is 0 or 1.  The parent
 * checks the layout so that a bad request from smsgctl ends only its
 * connection, never the child (for which a malformed message from the
 * parent is fatal).
 */
static const struct relay {
	uint32_t	 type;
	enum proc_id	 to;
	const char	*layout;
} relays[] = {
	{ MSG_CTL_USER_ADD, PROC_AUTH, "ss" },
	{ MSG_CTL_USER_LIST, PROC_AUTH, "" },
	{ MSG_CTL_USER_SHOW, PROC_AUTH, "s" },
	{ MSG_CTL_USER_LOCK, PROC_AUTH, "s" },
	{ MSG_CTL_USER_UNLOCK, PROC_AUTH, "s" },
	{ MSG_CTL_USER_RESET_2FA, PROC_AUTH, "s" },
	{ MSG_CTL_USER_RESET_PASSWORD, PROC_AUTH, "ss" },
	{ MSG_CTL_USER_DELETE, PROC_AUTH, "s" },
	{ MSG_CTL_SHOW_SESSIONS, PROC_AUTH, "s" },
	{ MSG_CTL_SESSION_REVOKE, PROC_AUTH, "q" },
	{ MSG_CTL_USER_ADMIN, PROC_AUTH, "sb" },
	{ MSG_CTL_SHOW_MESSAGES, PROC_STORE, "" },
	{ MSG_CTL_PURGE, PROC_STORE, "" },
	{ MSG_CTL_USER_USAGE, PROC_STORE, "u" },
	{ MSG_CTL_BROADCAST, PROC_AUTH, "st" },
	{ MSG_CTL_SHOW_NOTICES, PROC_AUTH, "" },
};

struct listener {
	int		 fd;
	int		 readonly;
	const char	*path;
	struct event	*ev;
	unsigned int	 nconns;
	unsigned int	 maxconn;
	unsigned int	 maxperuid;
};
static struct listener	 listeners[2] = {
	{ -1, 0, NULL, NULL, 0, CTL_MAXCONN, CTL_MAXPERUID },
	{ -1, 1, NULL, NULL, 0, CTL_RO_MAXCONN, CTL_RO_MAXPERUID }
};

static void	ctl_event(int, short, void *);

static void
ctl_close(struct ctlconn *cc)
{
	TAILQ_REMOVE(&conns, cc, entry);
	cc->l->nconns--;
	event_free(cc->ev);
	event_free(cc->idle);
	chan_clear(&cc->chan);
	free(cc);
}

static void
ctl_update(struct ctlconn *cc)
{
	struct timeval	 tv = { CTL_IDLE, 0 };
	short		 want = EV_READ | EV_PERSIST;

	if (chan_pending(&cc->chan))
		want |= EV_WRITE;
	if (cc->failed || (cc->closing && !chan_pending(&cc->chan))) {
		ctl_close(cc);
		return;
	}
	if (want != cc->events) {
		event_del(cc->ev);
		event_assign(cc->ev, smsgd->base, cc->chan.fd, want,
		    ctl_event, cc);
		event_add(cc->ev, NULL);
		cc->events = want;
	}
	/* While a child works on a request, the timer is the relay's. */
	if (!cc->waiting)
		evtimer_add(cc->idle, &tv);
}

static void
ctl_send(struct ctlconn *cc, struct msgbuf *mb)
{
	if (!route_allowed(mb->type, PROC_PARENT, PROC_CTL))
		fatalx("parent may not send %s to smsgctl",
		    msg_type_name(mb->type));
	if (cc->failed)
		msg_free(mb);
	else if (chan_send(&cc->chan, mb) == -1 ||
	    chan_flush(&cc->chan) == -1) {
		log_warn("control: send to uid %u", (unsigned)cc->uid);
		cc->failed = 1;
	}
}

static void
ctl_result(struct ctlconn *cc, enum ctl_result code, const char *text)
{
	struct msgbuf	 mb;

	msg_init(&mb, MSG_CTL_RESULT, 0);
	msg_add_u32(&mb, code);
	msg_add_string(&mb, text);
	ctl_send(cc, &mb);
}

static void
ctl_show_status(struct ctlconn *cc)
{
	struct msgbuf	 mb;
	int		 i;

	msg_init(&mb, MSG_CTL_STATUS_DAEMON, 0);
	msg_add_string(&mb, PACKAGE_VERSION);
	msg_add_u32(&mb, getpid());
	msg_add_u64(&mb, smsgd->started);
	ctl_send(cc, &mb);
	for (i = PROC_FRONT; i < PROC_CTL; i++) {
		struct child	*c = &smsgd->children[i];

		msg_init(&mb, MSG_CTL_STATUS_PROC, 0);
		msg_add_string(&mb, proc_desc(i)->title);
		msg_add_u32(&mb, c->pid);
		msg_add_string(&mb, smsgd->conf.proc[i].user);
		msg_add_u64(&mb, c->pid ? c->started : 0);
		msg_add_string(&mb, child_state_name(c->state));
		msg_add_u32(&mb, c->restarts);
		ctl_send(cc, &mb);
	}
	msg_init(&mb, MSG_CTL_END, 0);
	ctl_send(cc, &mb);
}

static int
ctl_hello(struct ctlconn *cc, struct msgcur *cur)
{
	struct msgbuf	 mb;
	uint32_t	 proto;
	char		 version[64];

	if (msg_get_u32(cur, &proto) == -1 ||
	    msg_get_string(cur, version, sizeof(version)) == -1 ||
	    msg_get_end(cur) == -1)
		return -1;
	msg_init(&mb, MSG_CTL_HELLO, 0);
	msg_add_u32(&mb, SMSG_PROTO_VERSION);
	msg_add_string(&mb, PACKAGE_VERSION);
	ctl_send(cc, &mb);
	if (proto != SMSG_PROTO_VERSION) {
		log_warnx("control: smsgctl %s speaks protocol %u, we speak %u",
		    version, proto, SMSG_PROTO_VERSION);
		cc->closing = 1;
	}
	cc->hello = 1;
	return 0;
}

static const struct relay *
relay_find(uint32_t type)
{
	size_t	 i;

	for (i = 0; i < sizeof(relays) / sizeof(relays[0]); i++)
		if (relays[i].type == type)
			return &relays[i];
	return NULL;
}

/* 0 if the payload has the layout the relay table gives for it. */
static int
relay_check(const struct relay *r, struct msg *m)
{
	struct msgcur	 cur;
	const uint8_t	*p;
	const char	*l;
	size_t		 len;
	uint64_t	 q;
	uint32_t	 u;
	uint8_t		 b;

	msg_cursor(m, &cur);
	for (l = r->layout; *l != '\0'; l++) {
		switch (*l) {
		case 's':
			if (msg_get_bytes(&cur, &p, &len, MSG_MAXSTR) == -1 ||
			    (len > 0 && memchr(p, '\0', len) != NULL))
				return -1;
			break;
		case 't':
			if (msg_get_bytes(&cur, &p, &len,
			    BROADCAST_TEXT_MAX) == -1 ||
			    (len > 0 && memchr(p, '\0', len) != NULL))
				return -1;
			break;
		case 'q':
			if (msg_get_u64(&cur, &q) == -1)
				return -1;
			break;
		case 'u':
			if (msg_get_u32(&cur, &u) == -1)
				return -1;
			break;
		case 'b':
			if (msg_get_u8(&cur, &b) == -1 || b > 1)
				return -1;
			break;
		default:
			fatalx("control: bad relay layout for %s",
			    msg_type_name(r->type));
		}
	}
	return msg_get_end(&cur);
}

/*
 * Hand a request to its child, tagged with the connection's id; the
 * answers come back through control_relay_up().  One request at a time.
 */
static int
ctl_relay(struct ctlconn *cc, const struct relay *r, struct msg *m)
{
	struct timeval	 tv = { CTL_RELAY_WAIT, 0 };
	struct msgbuf	 mb;
	char		 down[64];

	if (cc->waiting || relay_check(r, m) == -1)
		return -1;
	snprintf(down, sizeof(down), "%s is not running",
	    proc_desc(r->to)->title);
	if (!proc_linked(r->to)) {
		ctl_result(cc, CTL_FAILED, down);
		return 0;
	}
	msg_init(&mb, m->type, cc->id);
	msg_add_fixed(&mb, m->data, m->len);
	if (proc_send(r->to, &mb) == -1) {
		ctl_result(cc, CTL_FAILED, down);
		return 0;
	}
	log_debug("control: %s from uid %u relayed to %s as request %u",
	    msg_type_name(m->type), (unsigned)cc->uid, proc_name(r->to),
	    cc->id);
	cc->waiting = r->to;
	evtimer_add(cc->idle, &tv);
	return 0;
}

static struct ctlconn *
ctl_find(uint32_t id)
{
	struct ctlconn	*cc;

	TAILQ_FOREACH(cc, &conns, entry)
		if (cc->id == id)
			return cc;
	return NULL;
}

/*
 * An answer from auth: forward it to the connection it names, if that
 * is still open and waiting; a late answer is dropped.  RESULT and END
 * close the request.
 */
void
control_relay_up(enum proc_id from, struct msg *m)
{
	struct timeval	 tv = { CTL_RELAY_WAIT, 0 };
	struct ctlconn	*cc;
	struct msgbuf	 mb;

	if (!route_allowed(m->type, from, PROC_PARENT) ||
	    !route_allowed(m->type, PROC_PARENT, PROC_CTL))
		fatalx("%s sent %s, which is not an answer for smsgctl",
		    proc_name(from), msg_type_name(m->type));
	/* only the child the request went to may answer it */
	if ((cc = ctl_find(m->peerid)) == NULL ||
	    cc->waiting != (int)from) {
		log_debug("control: dropping %s for request %u, which is "
		    "closed", msg_type_name(m->type), m->peerid);
		return;
	}
	msg_init(&mb, m->type, 0);
	msg_add_fixed(&mb, m->data, m->len);
	ctl_send(cc, &mb);
	if (m->type == MSG_CTL_RESULT || m->type == MSG_CTL_END)
		cc->waiting = 0;
	else
		evtimer_add(cc->idle, &tv);	/* auth is making progress */
	ctl_update(cc);
}

/* auth died or was restarted: what it was working on fails closed. */
void
control_auth_gone(void)
{
	struct ctlconn	*cc, *next;

	TAILQ_FOREACH_SAFE(cc, &conns, entry, next) {
		if (cc->waiting != PROC_AUTH)
			continue;
		cc->waiting = 0;
		cc->closing = 1;
		ctl_result(cc, CTL_FAILED, "smsg-auth stopped before "
		    "answering");
		ctl_update(cc);
	}
}

/* One request; -1 when it is malformed and the connection must end. */
static int
ctl_dispatch(struct ctlconn *cc, struct msg *m)
{
	const struct relay	*r;
	struct msgcur		 cur;
	uint8_t			 v;

	msg_cursor(m, &cur);
	if (!route_allowed(m->type, PROC_CTL, PROC_PARENT))
		return -1;
	if (!cc->hello)
		return m->type == MSG_CTL_HELLO ? ctl_hello(cc, &cur) : -1;
	if (cc->readonly && !route_readonly(m->type)) {
		ctl_result(cc, CTL_DENIED,
		    "this socket serves show commands only");
		return 0;
	}
	switch (m->type) {
	case MSG_CTL_SHOW_STATUS:
		if (msg_get_end(&cur) == -1)
			return -1;
		ctl_show_status(cc);
		break;
	case MSG_CTL_LOG_VERBOSE:
		if (msg_get_u8(&cur, &v) == -1 || msg_get_end(&cur) == -1 ||
		    v > 1)
			return -1;
		parent_set_verbose(v);
		log_info("log level set to %s by uid %u",
		    v ? "verbose" : "brief", (unsigned)cc->uid);
		ctl_result(cc, CTL_OK, v ? "logging verbose" : "logging brief");
		break;
	case MSG_CTL_STOP:
		if (msg_get_end(&cur) == -1)
			return -1;
		ctl_result(cc, CTL_OK, "stopping");
		chan_flush(&cc->chan);
		parent_stop(0, "stop requested by uid %u", (unsigned)cc->uid);
		break;
	default:
		if ((r = relay_find(m->type)) == NULL)
			return -1;
		return ctl_relay(cc, r, m);
	}
	return 0;
}

static void
ctl_event(int fd, short what, void *arg)
{
	struct ctlconn	*cc = arg;
	struct msg	 m;
	ssize_t		 n;
	int		 r;

	if ((what & EV_WRITE) && chan_flush(&cc->chan) == -1) {
		ctl_close(cc);
		return;
	}
	if ((what & EV_READ) && !cc->closing) {
		n = chan_read(&cc->chan);
		if (n == 0 || (n == -1 && errno != EAGAIN)) {
			if (n == -1)
				log_warnx("control: uid %u: %s",
				    (unsigned)cc->uid, strerror(errno));
			ctl_close(cc);
			return;
		}
		while (!cc->closing && (r = chan_get(&cc->chan, &m)) != 0) {
			if (r == -1 || ctl_dispatch(cc, &m) == -1) {
				log_warnx("control: malformed request from "
				    "uid %u, closing", (unsigned)cc->uid);
				ctl_close(cc);
				return;
			}
		}
	}
	ctl_update(cc);
}

static void
ctl_idle(int fd, short what, void *arg)
{
	struct ctlconn	*cc = arg;
	char		 text[64];

	if (!cc->waiting) {
		log_debug("control: closing idle connection");
		ctl_close(cc);
		return;
	}
	snprintf(text, sizeof(text), "%s did not answer",
	    proc_desc(cc->waiting)->title);
	log_warnx("control: %s request %u within %d seconds", text, cc->id,
	    CTL_RELAY_WAIT);
	/* A late answer must not pass for the answer to a later request. */
	cc->waiting = 0;
	cc->closing = 1;
	ctl_result(cc, CTL_FAILED, text);
	ctl_update(cc);
}

/* A fresh id, never one an open connection has. */
static uint32_t
ctl_newid(void)
{
	do {
		if (++lastid == 0)
			lastid = 1;
	} while (ctl_find(lastid) != NULL);
	return lastid;
}

static int
is_admin(uid_t uid, gid_t gid)
{
	struct passwd	*pw;
	gid_t		 groups[NGROUPS_MAX];
	int		 n = NGROUPS_MAX, i;

	if (uid == 0 || gid == smsgd->admin_gid)
		return 1;
	if ((pw = getpwuid(uid)) == NULL)
		return 0;
	if (getgrouplist(pw->pw_name, pw->pw_gid, groups, &n) == -1)
		return 0;
	for (i = 0; i < n; i++)
		if (groups[i] == smsgd->admin_gid)
			return 1;
	return 0;
}

/* Connections of uid on the socket l. */
static unsigned int
conns_of(const struct listener *l, uid_t uid)
{
	struct ctlconn	*cc;
	unsigned int	 n = 0;

	TAILQ_FOREACH(cc, &conns, entry)
		if (cc->l == l && cc->uid == uid)
			n++;
	return n;
}

static void
ctl_accept(int lfd, short what, void *arg)
{
	struct listener	*l = arg;
	struct ctlconn	*cc;
	uid_t		 uid;
	gid_t		 gid;
	int		 fd;

	if ((fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) == -1)
		return;
	if (getpeereid(fd, &uid, &gid) == -1) {
		close(fd);
		return;
	}
	if ((!l->readonly && !is_admin(uid, gid)) ||
	    l->nconns >= l->maxconn || conns_of(l, uid) >= l->maxperuid) {
		log_warnx("control: refused uid %u on %s", (unsigned)uid,
		    l->path);
		close(fd);
		return;
	}
	if ((cc = calloc(1, sizeof(*cc))) == NULL ||
	    chan_init(&cc->chan, fd, MAXMSG_CTL, 0) == -1) {
		free(cc);
		close(fd);
		return;
	}
	cc->id = ctl_newid();
	cc->l = l;
	cc->uid = uid;
	cc->readonly = l->readonly;
	cc->ev = event_new(smsgd->base, fd, EV_READ | EV_PERSIST, ctl_event,
	    cc);
	cc->idle = evtimer_new(smsgd->base, ctl_idle, cc);
	if (cc->ev == NULL || cc->idle == NULL)
		fatalx("control: event_new");
	cc->events = EV_READ | EV_PERSIST;
	event_add(cc->ev, NULL);
	TAILQ_INSERT_TAIL(&conns, cc, entry);
	l->nconns++;
	ctl_update(cc);
}

/* Refuse to take over a socket another smsgd is still serving. */
static void
unlink_stale(const char *path, const struct sockaddr_un *sun)
{
	struct stat	 sb;
	int		 fd;

	if (lstat(path, &sb) == -1)
		return;
	if (!S_ISSOCK(sb.st_mode))
		fatalx("%s exists and is not a socket", path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		fatal("socket");
	if (connect(fd, (const struct sockaddr *)sun, sizeof(*sun)) == 0)
		fatalx("another smsgd is running: %s answers", path);
	close(fd);
	if (unlink(path) == -1)
		fatal("unlink %s", path);
}

static void
listen_one(struct listener *l, const char *path, int readonly)
{
	struct sockaddr_un	 sun;
	char			 dir[PATH_MAX];
	mode_t			 old;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlcpy(sun.sun_path, path, sizeof(sun.sun_path)) >=
	    sizeof(sun.sun_path))
		fatalx("control socket path too long: %s", path);
	strlcpy(dir, path, sizeof(dir));
	if (mkdir(dirname(dir), 0755) == -1 && errno != EEXIST)
		fatal("mkdir for %s", path);
	unlink_stale(path, &sun);
	if ((l->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0)) == -1)
		fatal("socket");
	old = umask(0077);
	if (bind(l->fd, (struct sockaddr *)&sun, sizeof(sun)) == -1)
		fatal("bind %s", path);
	umask(old);
	if (chown(path, 0, readonly ? 0 : smsgd->admin_gid) == -1 ||
	    chmod(path, readonly ? 0666 : 0660) == -1)
		fatal("permissions of %s", path);
	if (listen(l->fd, 16) == -1)
		fatal("listen %s", path);
	l->path = path;
	l->ev = event_new(smsgd->base, l->fd, EV_READ | EV_PERSIST,
	    ctl_accept, l);
	if (l->ev == NULL || event_add(l->ev, NULL) == -1)
		fatalx("control: event");
}

void
control_listen(void)
{
	listen_one(&listeners[0], smsgd->conf.ctl_socket, 0);
	if (smsgd->conf.ctl_rosocket[0] != '\0')
		listen_one(&listeners[1], smsgd->conf.ctl_rosocket, 1);
}

void
control_cleanup(void)
{
	int	 i;

	for (i = 0; i < 2; i++)
		if (listeners[i].fd != -1)
			unlink(listeners[i].path);
}
