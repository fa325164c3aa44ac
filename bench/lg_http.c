/*
 * loadgen's reading of an HTTP/1.1 answer: the status line, the headers
 * it needs (length, chunked, close), and the body by length, by chunks or
 * to the end of the connection; the first LG_KEEPBODY bytes are kept
 * for the workload (all of them for an event stream), the rest counted.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "loadgen.h"

static int
head_line(struct lg_conn *c, const char *line)
{
	const char	*v;

	if (c->state == RD_STATUS) {
		if (strncmp(line, "HTTP/1.", 7) != 0 || strlen(line) < 12)
			return -1;
		c->status = atoi(line + 9);
		c->state = RD_HEADERS;
		return 0;
	}
	if (*line == '\0') {
		if (c->status == 100 || c->status == 103) {
			c->state = RD_STATUS;
			return 0;
		}
		if (c->chunked)
			c->state = RD_CHUNKSIZE;
		else if (c->clen == -1 && !c->lg->w->stream &&
		    (c->status == 204 || c->status == 304))
			c->clen = 0;
		else
			c->state = RD_BODY;
		if (c->clen == 0)
			c->state = RD_DONE;
		return 0;
	}
	if ((v = strchr(line, ':')) == NULL)
		return -1;
	for (v++; *v == ' ' || *v == '\t'; v++)
		;
	if (strncasecmp(line, "content-length:", 15) == 0)
		c->clen = strtoll(v, NULL, 10);
	else if (strncasecmp(line, "transfer-encoding:", 18) == 0 &&
	    strcasestr(v, "chunked") != NULL)
		c->chunked = 1;
	else if (strncasecmp(line, "connection:", 11) == 0 &&
	    strcasestr(v, "close") != NULL)
		c->conn_close = 1;
	return 0;
}

/* Body bytes: kept up to LG_KEEPBODY (all of them for a stream). */
static void
body_take(struct lg_conn *c, struct evbuffer *in, size_t n)
{
	size_t	 have = evbuffer_get_length(c->body);

	lg_count(c, n);
	if (have < LG_KEEPBODY || c->lg->w->stream)
		evbuffer_remove_buffer(in, c->body, n);
	else
		evbuffer_drain(in, n);
}

/*
 * -1 on a broken answer, 1 when it is complete, 2 when the head of an
 * event stream is in, 0 for more.
 */
int
lg_http_parse(struct lg_conn *c, struct evbuffer *in)
{
	char	*line;
	size_t	 n, len;

	for (;;) {
		len = evbuffer_get_length(in);
		switch (c->state) {
		case RD_STATUS:
		case RD_HEADERS:
		case RD_CHUNKSIZE:
		case RD_CHUNKEND:
		case RD_TRAILER:
			line = evbuffer_readln(in, &n, EVBUFFER_EOL_CRLF);
			if (line == NULL)
				return len > 16384 ? -1 : 0;
			lg_count(c, n + 2);
			if (c->state == RD_CHUNKSIZE) {
				c->chunk_left = strtoll(line, NULL, 16);
				c->state = c->chunk_left > 0 ? RD_CHUNK :
				    RD_TRAILER;
			} else if (c->state == RD_CHUNKEND)
				c->state = RD_CHUNKSIZE;
			else if (c->state == RD_TRAILER) {
				if (*line == '\0')
					c->state = RD_DONE;
			} else if (head_line(c, line) == -1) {
				free(line);
				return -1;
			}
			free(line);
			if (c->lg->w->stream && !c->headdone &&
			    c->state != RD_STATUS && c->state != RD_HEADERS) {
				c->headdone = 1;
				return 2;	/* the head of a stream */
			}
			break;
		case RD_BODY:
			if (len == 0)
				return 0;
			n = len;
			if (c->clen >= 0 && (int64_t)n > c->clen)
				n = (size_t)c->clen;
			body_take(c, in, n);
			if (c->clen >= 0) {
				c->clen -= (int64_t)n;
				if (c->clen == 0)
					c->state = RD_DONE;
			}
			break;
		case RD_CHUNK:
			if (len == 0)
				return 0;
			n = len;
			if ((int64_t)n > c->chunk_left)
				n = (size_t)c->chunk_left;
			body_take(c, in, n);
			c->chunk_left -= (int64_t)n;
			if (c->chunk_left == 0)
				c->state = RD_CHUNKEND;
			break;
		case RD_DONE:
			return 1;
		}
	}
}
