/*
 * smsgctl: talk to smsgd over its control socket.
 */
#include "config.h"

#include <sys/socket.h>
#include <sys/un.h>

#include <readpassphrase.h>
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
/* smsgd gives auth 30 s between answers, then answers itself */
#define RELAY_TIMEOUT	40000	/* ms */
#define PASSWORD_MAX	1024	/* bytes; the policy allows 128 characters */

static int			 reply_timeout = REPLY_TIMEOUT;

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

	r = chan_recvnow(c, m, reply_timeout);
	if (r == 0)
		die(EXIT_DENIED, "smsgd closed the connection (not allowed "
		    "for this user, or too many connections)");
	if (r == -1 && errno == ETIMEDOUT)
		die(EXIT_NOCONN, "smsgd did not answer within %d seconds",
		    reply_timeout / 1000);
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

static void
get_user(struct msg *m, struct user_info *u)
{
	struct msgcur	 cur;

	msg_cursor(m, &cur);
	if (msg_get_string(&cur, u->name, sizeof(u->name)) == -1 ||
	    msg_get_u32(&cur, &u->uid) == -1 ||
	    msg_get_u64(&cur, &u->created) == -1 ||
	    msg_get_u8(&cur, &u->lock) == -1 ||
	    msg_get_u64(&cur, &u->locked_until) == -1 ||
	    msg_get_u32(&cur, &u->failures) == -1 ||
	    msg_get_u8(&cur, &u->totp_on) == -1 ||
	    msg_get_u32(&cur, &u->sessions) == -1 ||
	    msg_get_u64(&cur, &u->last_login) == -1 ||
	    msg_get_u8(&cur, &u->admin) == -1 ||
	    msg_get_end(&cur) == -1)
		die(EXIT_FAILED, "malformed user information from smsgd");
}

static void
get_session(struct msg *m, struct session_info *s)
{
	struct msgcur	 cur;

	msg_cursor(m, &cur);
	if (msg_get_u64(&cur, &s->id) == -1 ||
	    msg_get_string(&cur, s->name, sizeof(s->name)) == -1 ||
	    msg_get_u64(&cur, &s->created) == -1 ||
	    msg_get_u64(&cur, &s->last_seen) == -1 ||
	    msg_get_u64(&cur, &s->expires) == -1 ||
	    msg_get_string(&cur, s->addr, sizeof(s->addr)) == -1 ||
	    msg_get_end(&cur) == -1)
		die(EXIT_FAILED, "malformed session information from smsgd");
}

/* A recovery key: printed once, then wiped. */
static void
show_secret(struct msg *m)
{
	struct msgcur	 cur;
	char		 label[64], value[MSG_MAXSTR + 1];

	msg_cursor(m, &cur);
	if (msg_get_string(&cur, label, sizeof(label)) == -1 ||
	    msg_get_string(&cur, value, sizeof(value)) == -1 ||
	    msg_get_end(&cur) == -1) {
		explicit_bzero(value, sizeof(value));
		die(EXIT_FAILED, "malformed secret from smsgd");
	}
	out->secret(label, value);
	fflush(stdout);
	explicit_bzero(value, sizeof(value));
}

/* The store's totals, a day of them, or what a purge removed. */
static void
show_messages(struct msg *m)
{
	struct msgcur		 cur;
	struct messages_info	 i;
	struct messages_day	 d;
	uint32_t		 n;
	uint64_t		 chunks;

	msg_cursor(m, &cur);
	if (m->type == MSG_CTL_MESSAGES_INFO) {
		msg_get_u64(&cur, &i.messages);
		msg_get_u64(&cur, &i.bytes);
		msg_get_u64(&cur, &i.locked);
		msg_get_u64(&cur, &i.locked_bytes);
		msg_get_u64(&cur, &i.uploads);
		msg_get_u64(&cur, &i.quarantined);
	} else if (m->type == MSG_CTL_MESSAGES_DAY) {
		msg_get_u64(&cur, &d.day);
		msg_get_u64(&cur, &d.messages);
		msg_get_u64(&cur, &d.bytes);
	} else {
		msg_get_u32(&cur, &n);
		msg_get_u64(&cur, &chunks);
	}
	if (msg_get_end(&cur) == -1)
		die(EXIT_FAILED, "malformed %s from smsgd",
		    msg_type_name(m->type));
	if (m->type == MSG_CTL_MESSAGES_INFO)
		out->messages(&i);
	else if (m->type == MSG_CTL_MESSAGES_DAY)
		out->messages_day(&d);
	else
		out->purged(n, chunks);
}

/* A broadcast sent, or the notices' counts. */
static void
show_auth_counts(struct msg *m)
{
	struct msgcur		 cur;
	struct broadcast_info	 b;
	struct notices_info	 n;

	msg_cursor(m, &cur);
	if (m->type == MSG_CTL_BROADCAST_SENT) {
		msg_get_string(&cur, b.id, sizeof(b.id));
		msg_get_u64(&cur, &b.created);
		msg_get_u64(&cur, &b.expires);
		msg_get_u32(&cur, &b.recipients);
		msg_get_u32(&cur, &b.skipped);
	} else {
		msg_get_u64(&cur, &n.sent);
		msg_get_u64(&cur, &n.dropped);
		msg_get_u64(&cur, &n.queued);
	}
	if (msg_get_end(&cur) == -1)
		die(EXIT_FAILED, "malformed %s from smsgd",
		    msg_type_name(m->type));
	if (m->type == MSG_CTL_BROADCAST_SENT)
		out->broadcast(&b);
	else
		out->notices(&n);
}

static uint32_t	 shown_uid;	/* of the account show user printed */

static void
show_usage(struct msg *m)
{
	struct msgcur		 cur;
	struct usage_info	 u;

	msg_cursor(m, &cur);
	msg_get_u32(&cur, &u.sent);
	msg_get_u32(&cur, &u.received);
	msg_get_u64(&cur, &u.bytes);
	msg_get_u64(&cur, &u.quota);
	if (msg_get_end(&cur) == -1)
		die(EXIT_FAILED, "malformed usage from smsgd");
	out->usage(&u);
}

/*
 * Print replies until the command's last one; return the exit code.
 * A list that a second request continues (show user) is not ended.
 */
static int
read_replies(struct chan *c, int last)
{
	struct msg		 m;
	struct status_daemon	 d;
	struct status_proc	 p;
	struct user_info	 u;
	struct session_info	 s;

	for (;;) {
		ctl_recv(c, &m);
		switch (m.type) {
		case MSG_CTL_RESULT:
			return show_result(&m);
		case MSG_CTL_END:
			if (last)
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
		case MSG_CTL_USER_INFO:
			get_user(&m, &u);
			shown_uid = u.uid;
			out->user(&u);
			break;
		case MSG_CTL_USAGE_INFO:
			show_usage(&m);
			break;
		case MSG_CTL_SESSION_INFO:
			get_session(&m, &s);
			out->session(&s);
			break;
		case MSG_CTL_USER_SECRET:
			show_secret(&m);
			break;
		case MSG_CTL_MESSAGES_INFO:
		case MSG_CTL_MESSAGES_DAY:
		case MSG_CTL_PURGED:
			show_messages(&m);
			break;
		case MSG_CTL_BROADCAST_SENT:
		case MSG_CTL_NOTICES_INFO:
			show_auth_counts(&m);
			break;
		default:
			die(EXIT_FAILED, "unexpected %s from smsgd",
			    msg_type_name(m.type));
		}
	}
}

/* What each command sends. */
#define A_NAME		0x01	/* string name */
#define A_PASSWORD	0x02	/* string password, read here */
#define A_ID		0x04	/* u64 session id */
#define A_VERBOSE	0x08	/* u8 1 for ACT_LOG_VERBOSE */
#define A_RELAYED	0x10	/* answered by auth, through smsgd */
#define A_ONOFF		0x20	/* u8 1 for ACT_USER_ADMIN_ON */
#define A_TEXT		0x40	/* string subject, bytes text */

static const struct request {
	enum ctl_action	 action;
	uint32_t	 type;
	int		 args;
} requests[] = {
	{ ACT_SHOW_STATUS, MSG_CTL_SHOW_STATUS, 0 },
	{ ACT_LOG_VERBOSE, MSG_CTL_LOG_VERBOSE, A_VERBOSE },
	{ ACT_LOG_BRIEF, MSG_CTL_LOG_VERBOSE, A_VERBOSE },
	{ ACT_STOP, MSG_CTL_STOP, 0 },
	{ ACT_USER_ADD, MSG_CTL_USER_ADD, A_NAME | A_PASSWORD | A_RELAYED },
	{ ACT_USER_LIST, MSG_CTL_USER_LIST, A_RELAYED },
	{ ACT_USER_SHOW, MSG_CTL_USER_SHOW, A_NAME | A_RELAYED },
	{ ACT_USER_LOCK, MSG_CTL_USER_LOCK, A_NAME | A_RELAYED },
	{ ACT_USER_UNLOCK, MSG_CTL_USER_UNLOCK, A_NAME | A_RELAYED },
	{ ACT_USER_RESET_2FA, MSG_CTL_USER_RESET_2FA, A_NAME | A_RELAYED },
	{ ACT_USER_RESET_PASSWORD, MSG_CTL_USER_RESET_PASSWORD,
	    A_NAME | A_PASSWORD | A_RELAYED },
	{ ACT_USER_DELETE, MSG_CTL_USER_DELETE, A_NAME | A_RELAYED },
	{ ACT_SHOW_SESSIONS, MSG_CTL_SHOW_SESSIONS, A_NAME | A_RELAYED },
	{ ACT_SESSION_REVOKE, MSG_CTL_SESSION_REVOKE, A_ID | A_RELAYED },
	{ ACT_SHOW_MESSAGES, MSG_CTL_SHOW_MESSAGES, A_RELAYED },
	{ ACT_PURGE, MSG_CTL_PURGE, A_RELAYED },
	{ ACT_USER_ADMIN_ON, MSG_CTL_USER_ADMIN, A_NAME | A_ONOFF | A_RELAYED },
	{ ACT_USER_ADMIN_OFF, MSG_CTL_USER_ADMIN, A_NAME | A_ONOFF | A_RELAYED },
	{ ACT_BROADCAST, MSG_CTL_BROADCAST, A_TEXT | A_RELAYED },
	{ ACT_SHOW_NOTICES, MSG_CTL_SHOW_NOTICES, A_RELAYED },
};

#define BROADCAST_SUBJECT	"Announcement"

/* A broadcast's text: the argument, or standard input for "-" or none. */
static char	 text[BROADCAST_TEXT_MAX + 2];
static size_t	 textlen;

static void
text_read(const char *arg)
{
	size_t	 n;

	if (arg != NULL && strcmp(arg, "-") != 0) {
		if ((textlen = strlen(arg)) > BROADCAST_TEXT_MAX)
			die(EXIT_USAGE, "text too long (at most %d bytes)",
			    BROADCAST_TEXT_MAX);
		memcpy(text, arg, textlen);
	} else {
		while (textlen < sizeof(text) && (n = fread(text + textlen,
		    1, sizeof(text) - textlen, stdin)) > 0)
			textlen += n;
		if (ferror(stdin))
			die(EXIT_FAILED, "reading standard input: %s",
			    strerror(errno));
		/* one line end is the shell's, not the text's */
		if (textlen > 0 && text[textlen - 1] == '\n')
			textlen--;
		if (textlen > BROADCAST_TEXT_MAX)
			die(EXIT_USAGE, "text too long (at most %d bytes)",
			    BROADCAST_TEXT_MAX);
	}
	if (memchr(text, '\0', textlen) != NULL)
		die(EXIT_USAGE, "the text holds a NUL byte");
	if (strspn(text, " \t\r\n") >= textlen)
		die(EXIT_USAGE, "empty text: nothing to broadcast");
}

/* The password being sent; wiped at exit, whatever the way out. */
static char	 password[PASSWORD_MAX];

static void
password_wipe(void)
{
	explicit_bzero(password, sizeof(password));
}

/* -p -: one line of standard input, without its line end. */
static void
password_stdin(void)
{
	size_t	 n;

	/* unbuffered: no copy of the password left in a stdio buffer */
	setvbuf(stdin, NULL, _IONBF, 0);
	if (fgets(password, sizeof(password), stdin) == NULL)
		die(EXIT_USAGE, "no password on standard input");
	n = strcspn(password, "\r\n");
	if (password[n] == '\0' && n == sizeof(password) - 1)
		die(EXIT_USAGE, "password too long (at most %zu bytes)",
		    sizeof(password) - 2);
	password[n] = '\0';
}

/* From the terminal, without echo, twice. */
static void
password_tty(const char *name)
{
	char	 prompt[128], again[PASSWORD_MAX];
	int	 same;

	snprintf(prompt, sizeof(prompt), "New password for %s: ", name);
	if (readpassphrase(prompt, password, sizeof(password),
	    RPP_REQUIRE_TTY) == NULL)
		die(EXIT_USAGE, "cannot read a password: no terminal "
		    "(use -p - to read it from standard input)");
	if (readpassphrase("Repeat it: ", again, sizeof(again),
	    RPP_REQUIRE_TTY) == NULL) {
		explicit_bzero(again, sizeof(again));
		die(EXIT_USAGE, "cannot read a password: no terminal");
	}
	same = strcmp(password, again) == 0;
	explicit_bzero(again, sizeof(again));
	if (!same)
		die(EXIT_FAILED, "the two passwords differ; nothing changed");
}

static const struct request *
request_of(enum ctl_action a)
{
	size_t	 i;

	for (i = 0; i < sizeof(requests) / sizeof(requests[0]); i++)
		if (requests[i].action == a)
			return &requests[i];
	return NULL;
}

static void
build_request(const struct request *rq, const struct parse_result *res,
    struct msgbuf *mb)
{
	msg_init(mb, rq->type, 0);
	if (rq->args & A_VERBOSE)
		msg_add_u8(mb, res->action == ACT_LOG_VERBOSE);
	if (rq->args & A_NAME)
		msg_add_string(mb, res->name);
	if (rq->args & A_PASSWORD)
		msg_add_string(mb, password);
	if (rq->args & A_ID)
		msg_add_u64(mb, res->id);
	if (rq->args & A_ONOFF)
		msg_add_u8(mb, res->action == ACT_USER_ADMIN_ON);
	if (rq->args & A_TEXT) {
		msg_add_string(mb, BROADCAST_SUBJECT);
		msg_add_bytes(mb, text, textlen);
	}
}

int
main(int argc, char *argv[])
{
	const struct request	*rq;
	struct parse_result	 res;
	struct chan		 c;
	struct msgbuf		 mb;
	int			 ch, rv;

	/* "+": options end at the command, whose own words may start with - */
	while ((ch = getopt(argc, argv, "+js:")) != -1) {
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
	if ((rq = request_of(res.action)) == NULL)
		usage();

	/* Before connecting: smsgd closes a connection idle for 30 s. */
	atexit(password_wipe);
	if (rq->args & A_PASSWORD) {
		if (res.pw_stdin)
			password_stdin();
		else
			password_tty(res.name);
		if (password[0] == '\0')
			die(EXIT_USAGE, "empty password");
	}
	if (rq->args & A_TEXT)
		text_read(res.text);

	if (chan_init(&c, ctl_connect(), MAXMSG_CTL, 0) == -1)
		die(EXIT_FAILED, "out of memory");
	ctl_hello(&c);
	build_request(rq, &res, &mb);
	password_wipe();
	ctl_send(&c, &mb);
	if (rq->args & A_RELAYED)
		reply_timeout = RELAY_TIMEOUT;
	out->begin(res.action);
	if (res.action != ACT_USER_SHOW)
		return read_replies(&c, 1);
	/* show user: the account from auth, then its messages from store */
	if ((rv = read_replies(&c, 0)) != 0 || shown_uid == 0)
		return rv;
	msg_init(&mb, MSG_CTL_USER_USAGE, 0);
	msg_add_u32(&mb, shown_uid);
	ctl_send(&c, &mb);
	return read_replies(&c, 1);
}
