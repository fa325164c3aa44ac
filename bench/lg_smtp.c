/*
 * loadgen's SMTP client: one 1 KiB message per request over a kept
 * connection (greeting and EHLO once), MAIL, RCPT and DATA one after
 * the other (OpenSMTPD does not pipeline), done when the server accepts the message with 250 after the final dot.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loadgen.h"

enum { SM_NEW, SM_GREETING, SM_EHLO, SM_ENVELOPE, SM_DATA, SM_READY };

static void
smtp_envelope(struct lg_conn *c, struct evbuffer *out)
{
	evbuffer_add_printf(out, "MAIL FROM:<bench@localhost>\r\n");
	c->phase = SM_ENVELOPE;
	c->chunk_left = 3;	/* replies still to come */
}

uint64_t
lg_smtp_build(struct lg_conn *c, struct evbuffer *out)
{
	if (c->phase == SM_READY)
		smtp_envelope(c, out);
	else
		c->phase = SM_GREETING;		/* wait for the server */
	return 0;
}

static void
smtp_message(struct lg_conn *c, struct evbuffer *out)
{
	static char	 line[65];
	int		 i;

	if (line[0] == '\0') {
		memset(line, 'm', sizeof(line) - 1);
	}
	evbuffer_add_printf(out, "From: <bench@localhost>\r\n"
	    "To: <sink@example.org>\r\nSubject: bench\r\n\r\n");
	for (i = 0; i < 15; i++)		/* 15 * 66 + headers: 1 KiB */
		evbuffer_add_printf(out, "%s\r\n", line);
	evbuffer_add_printf(out, ".\r\n");
	c->phase = SM_DATA;
}

/*
 * Reads replies; -1 on an unexpected one (its code in c->status), 1
 * when the message is accepted, 0 for more.
 */
int
lg_smtp_read(struct lg_conn *c, struct evbuffer *in)
{
	struct evbuffer	*out = bufferevent_get_output(c->bev);
	char		*line;
	size_t		 n;
	int		 code, last;

	while ((line = evbuffer_readln(in, &n, EVBUFFER_EOL_CRLF)) != NULL) {
		lg_count(c, n + 2);
		code = n >= 3 ? atoi(line) : 0;
		last = n < 4 || line[3] != '-';
		free(line);
		if (!last)
			continue;
		c->status = code;
		switch (c->phase) {
		case SM_GREETING:
			if (code != 220)
				return -1;
			evbuffer_add_printf(out, "EHLO bench.localhost\r\n");
			c->phase = SM_EHLO;
			break;
		case SM_EHLO:
			if (code != 250)
				return -1;
			smtp_envelope(c, out);
			break;
		case SM_ENVELOPE:
			if (--c->chunk_left > 0) {
				if (code != 250)
					return -1;
				evbuffer_add_printf(out, c->chunk_left == 2 ?
				    "RCPT TO:<sink@example.org>\r\n" :
				    "DATA\r\n");
				break;
			}
			if (code != 354)
				return -1;
			smtp_message(c, out);
			break;
		case SM_DATA:
			c->phase = SM_READY;
			return code == 250 ? 1 : -1;
		default:
			return -1;
		}
	}
	return evbuffer_get_length(in) > 4096 ? -1 : 0;
}
