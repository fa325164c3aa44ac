/*
 * ctlhold SOCKET N: open N connections to a control socket as the
 * calling user, greet on each, print how many smsgd accepted (its hello
 * came back) and how many it refused (closed), then hold the accepted
 * ones open until standard input ends.  For tests of the connection
 * limits: a refusal is seen as end of file, never guessed from a delay.
 */
#include "config.h"

#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "msg.h"
#include "proto.h"

#define HOLD_MAX	64
#define HOLD_WAIT	10000	/* ms for smsgd to answer a hello */

/* 1 accepted, 0 refused, -1 error. */
static int
greet(const char *path, struct chan *c)
{
	struct sockaddr_un	 sun;
	struct msgbuf		 mb;
	struct msg		 m;
	int			 fd, r;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlcpy(sun.sun_path, path, sizeof(sun.sun_path)) >=
	    sizeof(sun.sun_path) ||
	    (fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1 ||
	    chan_init(c, fd, MAXMSG_CTL, 0) == -1) {
		close(fd);
		return -1;
	}
	msg_init(&mb, MSG_CTL_HELLO, 0);
	msg_add_u32(&mb, SMSG_PROTO_VERSION);
	msg_add_string(&mb, "ctlhold");
	/* A refused connection may be closed before the hello is read. */
	if (chan_send(c, &mb) == -1 || chan_flush(c) == -1)
		return 0;
	r = chan_recvnow(c, &m, HOLD_WAIT);
	if (r == 1)
		return m.type == MSG_CTL_HELLO ? 1 : -1;
	/* Closed with our hello unread: a reset is a refusal too. */
	return r == 0 || errno == ECONNRESET ? 0 : -1;
}

int
main(int argc, char *argv[])
{
	struct chan	 c[HOLD_MAX];
	const char	*errstr;
	char		 buf[64];
	int		 i, n, r, ok = 0, refused = 0;

	if (argc != 3) {
		fprintf(stderr, "usage: ctlhold socket n\n");
		return 2;
	}
	n = strtonum(argv[2], 1, HOLD_MAX, &errstr);
	if (errstr != NULL) {
		fprintf(stderr, "n is %s\n", errstr);
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	for (i = 0; i < n; i++) {
		if ((r = greet(argv[1], &c[ok])) == -1) {
			perror("ctlhold");
			return 1;
		}
		if (r == 1)
			ok++;
		else {
			chan_clear(&c[ok]);
			refused++;
		}
	}
	printf("accepted %d refused %d\n", ok, refused);
	fflush(stdout);
	while (read(STDIN_FILENO, buf, sizeof(buf)) > 0)
		;
	for (i = 0; i < ok; i++)
		chan_clear(&c[i]);
	return 0;
}
