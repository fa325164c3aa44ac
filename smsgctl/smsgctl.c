/*
 * smsgctl: talk to smsgd over its control socket.
 */
#include "config.h"

#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "msg.h"
#include "proto.h"
#include "smsgctl.h"

#define REPLY_TIMEOUT	10000	/* ms */

static const struct output	*out = &output_text;
static const char		*sockpath = PATH_CTLSOCK;

static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr, "usage: smsgctl [-j] [-s socket] command "
	    "[argument ...]\n");
	parse_usage_commands();
	exit(EXIT_USAGE);
}

static void __attribute__((noreturn, format(printf, 2, 3)))
die(int code, const char *fmt, ...)
{
	va_list	 ap;

	fprintf(stderr, "smsgctl: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	exit(code);
}

static int
ctl_connect(void)
{
	struct sockaddr_un	 sun;
	int			 fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlcpy(sun.sun_path, sockpath, sizeof(sun.sun_path)) >=
	    sizeof(sun.sun_path))
		die(EXIT_USAGE, "socket path too long: %s", sockpath);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		die(EXIT_FAILED, "socket: %s", strerror(errno));
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		if (errno == ENOENT || errno == ECONNREFUSED)
			die(EXIT_NOCONN, "smsgd is not running (nothing "
			    "answers on %s)", sockpath);
		if (errno == EACCES)
			die(EXIT_DENIED, "%s: permission denied (root or the "
			    "%s group may use it)", sockpath, SMSG_ADMIN_GROUP);
		die(EXIT_NOCONN, "%s: %s", sockpath, strerror(errno));
	}
	return fd;
}

static void
ctl_recv(struct chan *c, struct msg *m)
{
	int	 r;

	r = chan_recvnow(c, m, REPLY_TIMEOUT);
	if (r == 0)
		die(EXIT_DENIED, "smsgd closed the connection (not allowed "
		    "for this user, or too many connections)");
	if (r == -1 && errno == ETIMEDOUT)
		die(EXIT_NOCONN, "smsgd did not answer within %d seconds",
		    REPLY_TIMEOUT / 1000);
	if (r == -1)
		die(EXIT_NOCONN, "reading from smsgd: %s", strerror(errno));
	if (!route_allowed(m->type, PROC_PARENT, PROC_CTL))
		die(EXIT_FAILED, "unexpected message %u from smsgd", m->type);
}

static void
ctl_send(struct chan *c, struct msgbuf *mb)
{
	if (chan_sendnow(c, mb, REPLY_TIMEOUT) == -1)
		die(EXIT_NOCONN, "sending to smsgd: %s", strerror(errno));
}

static void
ctl_hello(struct chan *c)
{
	struct msgbuf	 mb;
	struct msg	 m;
	struct msgcur	 cur;
	uint32_t	 proto;
	char		 version[64];

	msg_init(&mb, MSG_CTL_HELLO, 0);
	msg_add_u32(&mb, SMSG_PROTO_VERSION);
	msg_add_string(&mb, PACKAGE_VERSION);
	ctl_send(c, &mb);
	ctl_recv(c, &m);
	msg_cursor(&m, &cur);
	if (m.type != MSG_CTL_HELLO || msg_get_u32(&cur, &proto) == -1 ||
	    msg_get_string(&cur, version, sizeof(version)) == -1 ||
	    msg_get_end(&cur) == -1)
		die(EXIT_NOCONN, "smsgd answered the greeting with something "
		    "else: is %s an smsgd socket?", sockpath);
	if (proto != SMSG_PROTO_VERSION)
		die(EXIT_NOCONN, "version mismatch: smsgd %s speaks control "
		    "protocol %u, this smsgctl %s speaks %u; use the smsgctl "
		    "that came with the running smsgd", version, proto,
		    PACKAGE_VERSION, SMSG_PROTO_VERSION);
}

static int
exit_code(uint32_t code)
{
	switch (code) {
	case CTL_OK:
		return 0;
	case CTL_DENIED:
		return EXIT_DENIED;
	case CTL_NOTSUP:
		return EXIT_NOTSUP;
	case CTL_NOTFOUND:
		return EXIT_NOTFOUND;
	case CTL_BADARG:
		return EXIT_USAGE;
	default:
		return EXIT_FAILED;
	}
}

static int
show_result(struct msg *m)
{
	struct msgcur	 cur;
	uint32_t	 code;
	char		 text[MSG_MAXSTR + 1];

	msg_cursor(m, &cur);
	if (msg_get_u32(&cur, &code) == -1 ||
	    msg_get_string(&cur, text, sizeof(text)) == -1 ||
	    msg_get_end(&cur) == -1)
		die(EXIT_FAILED, "malformed result from smsgd");
	out->result(code, text);
	return exit_code(code);
}

static void
get_daemon(struct msg *m, struct status_daemon *d)
{
	struct msgcur	 cur;

	msg_cursor(m, &cur);
	if (msg_get_string(&cur, d->version, sizeof(d->version)) == -1 ||
	    msg_get_u32(&cur, &d->pid) == -1 ||
	    msg_get_u64(&cur, &d->started) == -1 || msg_get_end(&cur) == -1)
		die(EXIT_FAILED, "malformed status from smsgd");
}

static void
get_proc(struct msg *m, struct status_proc *p)
{
	struct msgcur	 cur;

	msg_cursor(m, &cur);
	if (msg_get_string(&cur, p->name, sizeof(p->name)) == -1 ||
	    msg_get_u32(&cur, &p->pid) == -1 ||
	    msg_get_string(&cur, p->user, sizeof(p->user)) == -1 ||
	    msg_get_u64(&cur, &p->started) == -1 ||
	    msg_get_string(&cur, p->state, sizeof(p->state)) == -1 ||
	    msg_get_u32(&cur, &p->restarts) == -1 || msg_get_end(&cur) == -1)
		die(EXIT_FAILED, "malformed status from smsgd");
}

/* Print replies until the command's last one; return the exit code. */
static int
read_replies(struct chan *c)
{
	struct msg		 m;
	struct status_daemon	 d;
	struct status_proc	 p;

	for (;;) {
		ctl_recv(c, &m);
		switch (m.type) {
		case MSG_CTL_RESULT:
			return show_result(&m);
		case MSG_CTL_END:
			out->end();
			return 0;
		case MSG_CTL_STATUS_DAEMON:
			get_daemon(&m, &d);
			out->status_daemon(&d);
			break;
		case MSG_CTL_STATUS_PROC:
			get_proc(&m, &p);
			out->status_proc(&p);
			break;
		default:
			die(EXIT_FAILED, "unexpected %s from smsgd",
			    msg_type_name(m.type));
		}
	}
}

int
main(int argc, char *argv[])
{
	struct parse_result	 res;
	struct chan		 c;
	struct msgbuf		 mb;
	int			 ch;

	while ((ch = getopt(argc, argv, "js:")) != -1) {
		switch (ch) {
		case 'j':
			out = &output_json;
			break;
		case 's':
			sockpath = optarg;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc == 0)
		usage();
	if (parse(argc, argv, &res) == -1)
		exit(EXIT_USAGE);

	if (chan_init(&c, ctl_connect(), MAXMSG_CTL, 0) == -1)
		die(EXIT_FAILED, "out of memory");
	ctl_hello(&c);
	switch (res.action) {
	case ACT_SHOW_STATUS:
		msg_init(&mb, MSG_CTL_SHOW_STATUS, 0);
		break;
	case ACT_LOG_VERBOSE:
	case ACT_LOG_BRIEF:
		msg_init(&mb, MSG_CTL_LOG_VERBOSE, 0);
		msg_add_u8(&mb, res.action == ACT_LOG_VERBOSE);
		break;
	case ACT_STOP:
		msg_init(&mb, MSG_CTL_STOP, 0);
		break;
	default:
		usage();
	}
	ctl_send(&c, &mb);
	return read_replies(&c);
}
