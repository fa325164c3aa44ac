/*
 * The parent's end of the log channel (lib/proc.c): a child's MSG_LOG
 * is written under the name the parent knows the child by, with control
 * characters replaced so that a child cannot forge another process's
 * line; a malformed one, or one claiming a priority above LOG_CRIT, is
 * fatal (a peer breaking the protocol).
 */
#include "config.h"

#include <sys/socket.h>
#include <sys/wait.h>

#include <event2/event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "log.h"
#include "proc.h"
#include "tap.h"

static void
no_dispatch(enum proc_id from, struct msg *m)
{
	tap_diag("dispatched %s from %s", msg_type_name(m->type),
	    proc_name(from));
	exit(3);
}

/* The parent reads one frame from the front; what it wrote to stderr. */
static int
parent_reads(struct msgbuf *mb, char *out, size_t outsz)
{
	struct event_base	*base;
	struct chan		 child;
	FILE			*err;
	size_t			 n;
	int			 sp[2], i;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sp) == -1 ||
	    (base = event_base_new()) == NULL || (err = tmpfile()) == NULL)
		return -1;
	fflush(stderr);
	dup2(fileno(err), STDERR_FILENO);
	proc_init(PROC_PARENT, base, no_dispatch, NULL);
	proc_attach(PROC_FRONT, sp[0]);
	chan_init(&child, sp[1], MAXMSG_PEER, 0);
	chan_sendnow(&child, mb, 1000);
	for (i = 0; i < 5; i++)
		event_base_loop(base, EVLOOP_ONCE | EVLOOP_NONBLOCK);
	fflush(stderr);
	rewind(err);
	n = fread(out, 1, outsz - 1, err);
	out[n] = '\0';
	return 0;
}

/* How a forked parent ends after reading mb: its exit status, or -1. */
static int
parent_status(struct msgbuf *mb)
{
	char	 out[4096];
	pid_t	 pid;
	int	 status;

	if ((pid = fork()) == 0) {
		if (parent_reads(mb, out, sizeof(out)) == -1)
			_exit(2);
		_exit(0);
	}
	msg_free(mb);
	if (pid == -1 || waitpid(pid, &status, 0) == -1 || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/* A forked parent's output after reading one line. */
static void
parent_output(struct msgbuf *mb, char *out, size_t outsz)
{
	int	 p[2];
	pid_t	 pid;
	ssize_t	 n;
	size_t	 got = 0;

	out[0] = '\0';
	if (pipe(p) == -1)
		return;
	if ((pid = fork()) == 0) {
		char	 buf[4096];

		close(p[0]);
		if (parent_reads(mb, buf, sizeof(buf)) == -1)
			_exit(2);
		_exit(write(p[1], buf, strlen(buf)) == -1);
	}
	close(p[1]);
	msg_free(mb);
	while (got < outsz - 1 &&
	    (n = read(p[0], out + got, outsz - 1 - got)) > 0)
		got += n;
	out[got] = '\0';
	close(p[0]);
	waitpid(pid, NULL, 0);
}

static void
log_msg(struct msgbuf *mb, uint8_t pri, const char *line)
{
	msg_init(mb, MSG_LOG, 0);
	msg_add_u8(mb, pri);
	msg_add_string(mb, line);
}

int
main(void)
{
	struct msgbuf	 mb;
	char		 out[4096], big[LOG_MAXLINE + 1];

	log_init(1, 0);
	log_procinit("parent");

	log_msg(&mb, LOG_INFO, "hello from the front");
	parent_output(&mb, out, sizeof(out));
	tap_ok(strcmp(out, "front: hello from the front\n") == 0,
	    "a line is written under the child's name");

	log_msg(&mb, LOG_WARNING, "x\nparent: forged\r\x1b[2J\x7f");
	parent_output(&mb, out, sizeof(out));
	tap_ok(strcmp(out, "front: x?parent: forged??[2J?\n") == 0,
	    "control characters are replaced: no forged line");

	log_msg(&mb, LOG_DEBUG, "");
	tap_ok(parent_status(&mb) == 0, "an empty debug line is fine");

	log_msg(&mb, LOG_ALERT, "wake everyone");
	tap_ok(parent_status(&mb) == 1, "LOG_ALERT from a child is fatal");
	log_msg(&mb, LOG_DEBUG + 1, "no such priority");
	tap_ok(parent_status(&mb) == 1, "an unknown priority is fatal");

	log_msg(&mb, LOG_INFO, "line");
	msg_add_u8(&mb, 0);
	tap_ok(parent_status(&mb) == 1, "a trailing byte is fatal");

	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	log_msg(&mb, LOG_INFO, big);
	tap_ok(parent_status(&mb) == 1, "a line longer than LOG_MAXLINE is "
	    "fatal");

	msg_init(&mb, MSG_LOG, 0);
	msg_add_u8(&mb, LOG_INFO);
	tap_ok(parent_status(&mb) == 1, "a line without its string is fatal");
	(void)tap_skip;
	return tap_done();
}
