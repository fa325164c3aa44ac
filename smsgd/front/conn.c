/*
 * One client connection on a worker thread: TLS (or the plain redirect
 * listener), the HTTP parser, one request at a time, timeouts, and the
 * response with the headers every response carries.
 *
 * A connection is in one state at a time and its timer means what the
 * state says:
 *   IDLE   between keep-alive requests; idle_timeout, then a silent close
 *   HEAD   from connection start or a request's first byte; header_timeout
 *   BODY   reading the body; checked every second: no byte for
 *          body_idle_timeout, or an average under body_min_rate once
 *          body_idle_timeout has passed, is 408.  Time the consumer of a
 *          streamed body holds it paused does not count.
 *   APP    the application has the request (its head, in app->head, or
 *          all of it); reading is off (pipelined bytes wait);
 *          SERVER_APP_TIMEOUT as a last resort
 *   STREAM a response is being written in pieces (req_begin); no
 *          application timeout, only: queued bytes the client has not
 *          taken for body_idle_timeout close the connection
 *   WRITE  the response drains; body_idle_timeout without progress, then
 *          close
 *   LINGER an answer went out before the client had sent all its body:
 *          our side is shut, what still comes is read and dropped for
 *          LINGER_SECS, then close.  Closing at once would reset the
 *          connection and the client could lose the answer unread.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>

#include <openssl/err.h>

#include "bridge.h"
#include "http.h"
#include "log.h"
#include "netcount.h"
#include "server_impl.h"

#define REQ_MAXASKS	16	/* questions one request may have open */
#define REQ_MAXHDRS	8192	/* bytes of headers the application adds */
#define HOST_MAX	256
#define LEAN_AFTER	1	/* s idle before TLS gives its buffers back */
#define LINGER_SECS	2	/* reading what follows an early answer */

enum conn_state { CONN_IDLE, CONN_HEAD, CONN_BODY, CONN_APP, CONN_STREAM,
	CONN_WRITE, CONN_LINGER };

struct conn {
	struct worker		*w;
	struct bufferevent	*bev;
	enum listen_kind	 kind;
	enum conn_state		 state;
	struct http_parser	 hp;
	int			 head;		/* hp.req holds a parsed head */
	struct req		*req;
	struct event		*timer;
	int			 close;		/* after this response */
	int			 early;		/* the app has the head only */
	int			 tls_up;	/* handshake done */
	int			 lean;		/* TLS keeps no idle buffers */
	struct timespec		 t0;		/* the request's first byte */
	char			 addr[INET6_ADDRSTRLEN];
	/* Body rate: bytes, and the time it was read while not paused. */
	uint64_t		 body_bytes;
	time_t			 body_secs;	/* ticks spent reading */
	time_t			 body_idle;	/* ticks without a byte */
	time_t			 write_idle;	/* ticks without output taken */
	int			 in_piece;	/* inside the piece callback */
	int			 linger;	/* answered with body unread */
	char			 net[NETKEY_MAX];	/* netcount.h */
	enum netcount_verdict	 netv;
};

struct req {
	struct conn	*conn;
	uint32_t	 asks[REQ_MAXASKS];
	unsigned int	 nasks;
	int		 responded;
	size_t		 body_max;	/* set by req_body_buffer */
	void		*data;
	void		(*data_free)(void *);
	void		*core;		/* the core's own: an event stream */
	void		(*core_free)(void *);
	struct evbuffer	*hdrs;
	int		 hdrs_bad;
	req_piece_cb	 piece;		/* set by req_body_stream */
	int		 paused;	/* the consumer is behind */
	int		 resumed;	/* ... and caught up at once */
	/* A streamed response (req_begin). */
	int		 chunked;
	long long	 out_left;	/* bytes still due; -1: chunked */
	req_drain_cb	 drain;
	size_t		 lowat;
	struct evbuffer_iovec space;	/* req_write_space's room */
};

static const char security_headers[] =
	"Content-Security-Policy: default-src 'none'; script-src 'self'; "
	"connect-src 'self'; style-src 'self'; img-src 'self'; "
	"form-action 'self'; frame-ancestors 'none'; base-uri 'none'\r\n"
	"Strict-Transport-Security: max-age=31536000\r\n"
	"X-Content-Type-Options: nosniff\r\n"
	"Referrer-Policy: no-referrer\r\n"
	"X-Frame-Options: DENY\r\n"
	"Cache-Control: no-store\r\n";

static void	conn_read(struct conn *);
static void	conn_read_from(struct conn *, int);
static void	conn_linger(struct conn *);

/*
 * TLS holds a read and a write buffer per connection, 34 KiB together.
 * A busy connection keeps them: releasing them after every record (the
 * context's SSL_MODE_RELEASE_BUFFERS) costs a free and an allocation
 * per record.  A connection that has gone idle, a keep-alive one
 * waiting for its next request or an event stream between events, gives
 * them back now and after each record, until it is busy again.
 */
static void
conn_lean(struct conn *c, int on)
{
	SSL	*ssl;

	if (c->lean == on || c->kind != LISTEN_HTTPS || c->bev == NULL ||
	    (ssl = bufferevent_openssl_get_ssl(c->bev)) == NULL)
		return;
	c->lean = on;
	if (!on) {
		SSL_clear_mode(ssl, SSL_MODE_RELEASE_BUFFERS);
		return;
	}
	SSL_set_mode(ssl, SSL_MODE_RELEASE_BUFFERS);
	/*
	 * Bytes of a record in the read buffer, or decrypted and not yet
	 * read: the buffers go after that record instead.  (OpenSSL before
	 * 3.0.14 freed them under such a record, CVE-2024-4741.)
	 */
	if (SSL_has_pending(ssl))
		return;
	if (SSL_free_buffers(ssl) != 1)
		log_debug("tls: buffers in use, released after the record");
}

static void
conn_timer(struct conn *c, unsigned int secs)
{
	struct timeval	 tv = { secs, 0 };

	evtimer_add(c->timer, &tv);
}

/* The response is queued whole: wait for it to drain. */
static void
conn_writing(struct conn *c)
{
	c->state = CONN_WRITE;
	c->write_idle = 0;
	bufferevent_disable(c->bev, EV_READ);
	bufferevent_setwatermark(c->bev, EV_WRITE, 0, 0);
	conn_timer(c, 1);
}

static void
req_cancel_asks(struct req *r)
{
	unsigned int	 i;

	for (i = 0; i < r->nasks; i++)
		bridge_close(r->asks[i]);
	r->nasks = 0;
}

static void
req_forget(struct req *r, uint32_t id)
{
	unsigned int	 i;

	for (i = 0; i < r->nasks; i++)
		if (r->asks[i] == id) {
			r->asks[i] = r->asks[--r->nasks];
			return;
		}
}

/* Open questions are closed first: their answers are dropped. */
static void
req_free(struct req *r)
{
	if (r == NULL)
		return;
	req_cancel_asks(r);
	if (r->core_free != NULL)
		r->core_free(r->core);
	if (r->data_free != NULL)
		r->data_free(r->data);
	if (r->hdrs != NULL)
		evbuffer_free(r->hdrs);
	if (r->conn != NULL)
		r->conn->req = NULL;
	free(r);
}

static void
conn_free(struct conn *c)
{
	req_free(c->req);
	http_parser_free(&c->hp);
	if (c->timer != NULL)
		event_free(c->timer);
	if (c->bev != NULL)
		bufferevent_free(c->bev);
	netcount_del(c->net);
	free(c);
	atomic_fetch_sub(&srv.conns, 1);
}

static long
ms_since(const struct timespec *t0)
{
	struct timespec	 now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - t0->tv_sec) * 1000 +
	    (now.tv_nsec - t0->tv_nsec) / 1000000;
}

/* One line per request; never the query, a header or the body. */
static void
conn_log(struct conn *c, int status)
{
	if (log_getverbose() < 1)
		return;
	if (c->head)
		log_debug("%s %.200s %d %ldms",
		    http_method_name(c->hp.req.method), c->hp.req.path,
		    status, ms_since(&c->t0));
	else
		log_debug("- - %d %ldms", status, ms_since(&c->t0));
}

/*
 * A response head is put together in one buffer and added to the output
 * at once: no printf, since this runs for every response.
 */
#define HEAD_MAX	1024	/* the head without the application's headers */

struct head {
	char	 b[HEAD_MAX];
	size_t	 n;
	int	 full;
};

static void
head_add(struct head *h, const char *s, size_t len)
{
	if (h->full || len > sizeof(h->b) - h->n) {
		h->full = 1;
		return;
	}
	memcpy(h->b + h->n, s, len);
	h->n += len;
}

static void
head_str(struct head *h, const char *s)
{
	head_add(h, s, strlen(s));
}

static void
head_num(struct head *h, unsigned long long v)
{
	char	 d[24];
	size_t	 i = sizeof(d);

	do {
		d[--i] = '0' + v % 10;
		v /= 10;
	} while (v != 0 && i > 0);
	head_add(h, d + i, sizeof(d) - i);
}

/*
 * The status line and every header: the security headers, the type, the
 * length (a number, "chunked", or none: the body ends with the
 * connection), and the application's.
 */
static int
conn_head(struct conn *c, int status, const char *ctype,
    struct evbuffer *extra, long long len, int chunked)
{
	struct evbuffer	*out = bufferevent_get_output(c->bev);
	struct head	 h;

	h.n = 0;
	h.full = status < 100 || status > 999;
	head_str(&h, "HTTP/1.1 ");
	head_num(&h, (unsigned long long)status);
	head_str(&h, " ");
	head_str(&h, http_status_text(status));
	head_add(&h, "\r\n", 2);
	head_add(&h, security_headers, sizeof(security_headers) - 1);
	if (ctype != NULL) {
		head_str(&h, "Content-Type: ");
		head_str(&h, ctype);
		head_add(&h, "\r\n", 2);
	}
	if (len >= 0) {
		head_str(&h, "Content-Length: ");
		head_num(&h, (unsigned long long)len);
		head_add(&h, "\r\n", 2);
	} else if (chunked)
		head_str(&h, "Transfer-Encoding: chunked\r\n");
	head_str(&h, c->close ? "Connection: close\r\n" :
	    "Connection: keep-alive\r\n");
	if (h.full || evbuffer_add(out, h.b, h.n) == -1 ||
	    (extra != NULL && evbuffer_add_buffer(out, extra) == -1))
		return -1;
	return evbuffer_add(out, "\r\n", 2);
}

static int
conn_is_head(const struct conn *c)
{
	return c->head && c->hp.req.method == HTTP_HEAD;
}

/* Queue a whole response and wait for it to drain. */
static void
conn_send(struct conn *c, int status, const char *ctype,
    struct evbuffer *extra, const void *body, size_t len)
{
	struct evbuffer	*out = bufferevent_get_output(c->bev);
	int		 r;

	r = conn_head(c, status, ctype, extra, (long long)len, 0);
	if (r != -1 && len > 0 && !conn_is_head(c))
		r = evbuffer_add(out, body, len);
	if (r == -1)
		c->close = 1;
	conn_log(c, status);
	conn_writing(c);
}

/* A response the server makes itself; the connection closes after it. */
static void
conn_error(struct conn *c, int status, const char *why)
{
	char	 body[128];
	int	 n;

	n = snprintf(body, sizeof(body), "%s\n", why != NULL ? why :
	    http_status_text(status));
	if (n < 0 || (size_t)n >= sizeof(body))
		n = 0;
	c->close = 1;
	if (c->req != NULL) {
		c->req->responded = 1;
		req_cancel_asks(c->req);
	}
	conn_send(c, status, "text/plain; charset=utf-8", NULL, body, n);
}

/*
 * The Host header's host, port stripped: a name of [A-Za-z0-9.-] or a
 * bracketed IPv6 literal.  -1 for anything else.
 */
static int
host_valid(const char *h, char *out, size_t outsz)
{
	static const char	 namechars[] = "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-";
	struct in6_addr		 in6;
	const char		*end, *p;
	char			 lit[INET6_ADDRSTRLEN + 1];
	size_t			 n;

	if (h == NULL)
		return -1;
	if (h[0] == '[') {
		if ((end = strchr(h, ']')) == NULL ||
		    (size_t)(end - h - 1) >= sizeof(lit))
			return -1;
		memcpy(lit, h + 1, end - h - 1);
		lit[end - h - 1] = '\0';
		if (inet_pton(AF_INET6, lit, &in6) != 1)
			return -1;
		n = end - h + 1;
	} else if ((n = strspn(h, namechars)) == 0)
		return -1;
	p = h + n;
	if (*p == ':') {
		p++;
		if (strlen(p) < 1 || strlen(p) > 5 ||
		    strspn(p, "0123456789") != strlen(p))
			return -1;
	} else if (*p != '\0')
		return -1;
	if (n >= outsz)
		return -1;
	memcpy(out, h, n);
	out[n] = '\0';
	return 0;
}

/* The plain-HTTP listener: 308 to the same target over HTTPS. */
static void
conn_redirect(struct conn *c)
{
	struct evbuffer	*hdr;
	char		 host[HOST_MAX], port[8] = "";
	const char	*target = c->hp.req.target;

	if (host_valid(http_header(&c->hp.req, "host"), host,
	    sizeof(host)) == -1) {
		conn_error(c, 400, "missing or invalid Host");
		return;
	}
	if (target == NULL || target[0] != '/')
		target = "/";
	if (front_conf.https_port != 443)
		snprintf(port, sizeof(port), ":%u", front_conf.https_port);
	if ((hdr = evbuffer_new()) == NULL ||
	    evbuffer_add_printf(hdr, "Location: https://%s%s%s\r\n", host,
	    port, target) == -1) {
		if (hdr != NULL)
			evbuffer_free(hdr);
		conn_error(c, 500, "internal error");
		return;
	}
	c->close = 1;
	conn_send(c, 308, NULL, hdr, NULL, 0);
	evbuffer_free(hdr);
}

/* The application has the request until req_respond(). */
static void
conn_to_app(struct conn *c)
{
	evtimer_del(c->timer);
	c->state = CONN_APP;
	bufferevent_disable(c->bev, EV_READ);
	conn_timer(c, SERVER_APP_TIMEOUT);
}

/* A complete request. */
static void
conn_request(struct conn *c)
{
	conn_to_app(c);
	srv.app->request(c->req);
}

/*
 * The head is in: the application decides before any body byte is read
 * whether to read it, how much of it, or to answer at once.
 */
static int
conn_head_done(struct conn *c)
{
	static const char	 cont[] = "HTTP/1.1 100 Continue\r\n\r\n";
	const struct http_request *hr = &c->hp.req;
	struct req		*r;
	int			 rc;

	c->head = 1;
	if (c->netv == NETCOUNT_OVER) {
		conn_error(c, 503, "too many connections from your network");
		return -1;
	}
	if (c->kind == LISTEN_HTTP_REDIRECT) {
		conn_redirect(c);
		return -1;
	}
	if ((r = calloc(1, sizeof(*r))) == NULL) {
		conn_error(c, 503, "out of memory");
		return -1;
	}
	r->conn = c;
	c->req = r;
	conn_to_app(c);
	/*
	 * An answer from the head leaves the body unread: nothing may
	 * follow it, and its Connection header says so.
	 */
	c->early = 1;
	rc = srv.app->head(r);
	c->early = 0;
	if (rc == -1 || r->responded) {
		c->close = 1;
		return -1;
	}
	if ((r->piece != NULL ? http_parser_body_stream(&c->hp, r->body_max) :
	    http_parser_body_max(&c->hp, r->body_max)) == -1) {
		conn_error(c, c->hp.status, c->hp.error);
		return -1;
	}
	if (hr->expect_continue && hr->minor >= 1)
		bufferevent_write(c->bev, cont, sizeof(cont) - 1);
	c->state = CONN_BODY;
	c->body_bytes = 0;
	c->body_secs = c->body_idle = 0;
	evtimer_del(c->timer);
	conn_timer(c, 1);
	bufferevent_enable(c->bev, EV_READ);
	return 0;
}

/*
 * A piece of a streamed body, for its consumer.  0 to go on; -1 when
 * reading stops here, for now (paused) or for good.
 */
static int
conn_piece(struct conn *c)
{
	struct req	*r = c->req;
	int		 rc;

	c->in_piece = 1;
	r->resumed = 0;
	rc = r->piece(r, c->hp.piece, c->hp.piecelen);
	c->in_piece = 0;
	if (c->req != r || r->responded || rc < 0) {
		/* The consumer answered, or will: the rest stays unread. */
		c->close = 1;
		c->linger = 1;
		if (c->state == CONN_BODY)
			conn_to_app(c);
		return -1;
	}
	if (rc == REQ_PAUSE && !r->resumed) {
		r->paused = 1;
		bufferevent_disable(c->bev, EV_READ);
		return -1;
	}
	return 0;
}

/* Feed buffered input to the parser while a request is being read. */
static void
conn_read(struct conn *c)
{
	conn_read_from(c, 0);
}

/*
 * force: the parser is asked once even with no input, for the end of a
 * body whose last piece was paused (the parser says DONE on the call
 * after the last piece).
 */
static void
conn_read_from(struct conn *c, int force)
{
	struct evbuffer		*in = bufferevent_get_input(c->bev);
	struct evbuffer_iovec	 v;
	enum http_result	 r;
	size_t			 used;

	for (;;) {
		if (c->state != CONN_IDLE && c->state != CONN_HEAD &&
		    c->state != CONN_BODY)
			return;
		if (evbuffer_peek(in, -1, NULL, &v, 1) < 1) {
			v.iov_base = NULL;
			v.iov_len = 0;
		}
		if (v.iov_len == 0 && !force)
			return;
		force = 0;
		if (c->state == CONN_IDLE) {
			c->state = CONN_HEAD;
			conn_lean(c, 0);
			clock_gettime(CLOCK_MONOTONIC, &c->t0);
			conn_timer(c, front_conf.header_timeout);
		}
		used = 0;
		r = http_parse(&c->hp, v.iov_base, v.iov_len, &used);
		if (used > v.iov_len) {
			conn_error(c, 500, "internal error");
			return;
		}
		if (r == HTTP_BODY) {
			c->body_bytes += c->hp.piecelen;
			c->body_idle = 0;
			if (c->req->piece == NULL) {
				conn_error(c, 500, "internal error");
				return;
			}
		}
		if (r == HTTP_BODY && conn_piece(c) == -1) {
			/* The piece's bytes were taken: drop them. */
			if (c->bev != NULL)
				evbuffer_drain(in, used);
			return;
		}
		evbuffer_drain(in, used);
		switch (r) {
		case HTTP_MORE:
			if (used == 0)
				return;
			break;
		case HTTP_BODY:
			force = 1;	/* HTTP_DONE may follow with no byte */
			break;
		case HTTP_HEAD_DONE:
			if (conn_head_done(c) == -1)
				return;
			force = 1;	/* the body may be empty */
			break;
		case HTTP_DONE:
			conn_request(c);
			return;
		case HTTP_ERROR:
			conn_error(c, c->hp.status, c->hp.error);
			return;
		}
	}
}

/* The response has drained: close, or on to the next request. */
static void
conn_next(struct conn *c)
{
	req_free(c->req);
	if (c->close && c->linger && c->bev != NULL) {
		conn_linger(c);
		return;
	}
	if (c->close) {
		conn_free(c);
		return;
	}
	http_parser_reset(&c->hp);
	c->head = 0;
	c->state = CONN_IDLE;
	/* First the time to go lean, then the rest of idle_timeout. */
	conn_lean(c, 0);
	conn_timer(c, front_conf.idle_timeout > LEAN_AFTER ? LEAN_AFTER :
	    front_conf.idle_timeout);
	bufferevent_enable(c->bev, EV_READ);
	conn_read(c);
}

static void
conn_readcb(struct bufferevent *bev, void *arg)
{
	struct conn	*c = arg;
	struct evbuffer	*in = bufferevent_get_input(bev);

	if (c->state == CONN_LINGER) {
		evbuffer_drain(in, evbuffer_get_length(in));
		return;
	}
	conn_read(c);
}

/*
 * The answer is out: our side of the TCP connection is shut (the client
 * reads the answer, then the end), and the rest of its body is read and
 * dropped for a bounded time.
 */
static void
conn_linger(struct conn *c)
{
	struct evbuffer	*in = bufferevent_get_input(c->bev);
	evutil_socket_t	 fd = bufferevent_getfd(c->bev);

	c->req = NULL;
	c->state = CONN_LINGER;
	if (fd == -1 || shutdown(fd, SHUT_WR) == -1) {
		conn_free(c);
		return;
	}
	evbuffer_drain(in, evbuffer_get_length(in));
	bufferevent_setwatermark(c->bev, EV_READ, 0, 0);
	bufferevent_enable(c->bev, EV_READ);
	evtimer_del(c->timer);
	conn_timer(c, LINGER_SECS);
}

/* Output was taken by the client (libevent: the buffer shrank). */
static void
conn_output_cb(struct evbuffer *buf, const struct evbuffer_cb_info *info,
    void *arg)
{
	struct conn	*c = arg;

	if (info->n_deleted > 0)
		c->write_idle = 0;
}

/*
 * The output is at or under its low-water mark: a finished response is
 * done; a stream's producer may write more.
 */
static void
conn_writecb(struct bufferevent *bev, void *arg)
{
	struct conn	*c = arg;
	struct req	*r = c->req;

	if (c->state == CONN_WRITE) {
		if (evbuffer_get_length(bufferevent_get_output(bev)) == 0)
			conn_next(c);
		return;
	}
	if (c->state != CONN_STREAM)
		return;
	/* An event stream waiting: lean at once, not a second later. */
	if (evbuffer_get_length(bufferevent_get_output(bev)) == 0)
		conn_lean(c, 1);
	if (r != NULL && r->drain != NULL)
		r->drain(r);
}

static void
conn_eventcb(struct bufferevent *bev, short what, void *arg)
{
	struct conn	*c = arg;
	unsigned long	 e;
	char		 buf[128];

	if (what & BEV_EVENT_CONNECTED) {
		c->tls_up = 1;
		return;
	}
	if ((what & BEV_EVENT_ERROR) && c->kind == LISTEN_HTTPS &&
	    (e = bufferevent_get_openssl_error(bev)) != 0 &&
	    log_getverbose() >= 1) {
		ERR_error_string_n(e, buf, sizeof(buf));
		log_debug("tls: %s", buf);
	}
	while (bufferevent_get_openssl_error(bev) != 0)
		;
	conn_free(c);
}

/* Once a second while a body is read: the idle limit and the rate. */
static void
conn_body_tick(struct conn *c)
{
	uint64_t	 rate;

	if (c->req != NULL && c->req->paused) {
		conn_timer(c, 1);
		return;
	}
	c->body_secs++;
	if (++c->body_idle > front_conf.body_idle_timeout) {
		conn_error(c, 408, "request timeout: the body stalled");
		return;
	}
	rate = c->body_bytes / (uint64_t)c->body_secs;
	if (c->body_secs > front_conf.body_idle_timeout &&
	    rate < front_conf.body_min_rate) {
		log_info("%s: body at %llu bytes/s, under the minimum", c->addr,
		    (unsigned long long)rate);
		conn_error(c, 408, "request timeout: the body is too slow");
		return;
	}
	conn_timer(c, 1);
}

/*
 * Once a second while a response drains, or while a stream has bytes
 * queued: a client that takes nothing for body_idle_timeout is dropped.
 * An idle stream has no timer at all (req_write starts it again).
 */
static void
conn_write_tick(struct conn *c)
{
	if (evbuffer_get_length(bufferevent_get_output(c->bev)) == 0) {
		if (c->state == CONN_WRITE) {
			conn_next(c);	/* c may be gone */
			return;
		}
		/* A stream between events. */
		c->write_idle = 0;
		conn_lean(c, 1);
		return;
	}
	if (++c->write_idle > front_conf.body_idle_timeout) {
		conn_free(c);
		return;
	}
	conn_timer(c, 1);
}

static void
conn_timeout(int fd, short what, void *arg)
{
	struct conn	*c = arg;

	/* No TLS yet: nobody to tell about the timeout. */
	if (c->kind == LISTEN_HTTPS && !c->tls_up) {
		conn_free(c);
		return;
	}
	switch (c->state) {
	case CONN_HEAD:
		conn_error(c, 408, "request timeout");
		break;
	case CONN_BODY:
		conn_body_tick(c);
		break;
	case CONN_APP:
		log_warnx("no answer to a request in %d s",
		    SERVER_APP_TIMEOUT);
		conn_error(c, 503, "service unavailable");
		break;
	case CONN_STREAM:
	case CONN_WRITE:
		conn_write_tick(c);
		break;
	case CONN_IDLE:
		if (!c->lean && front_conf.idle_timeout > LEAN_AFTER) {
			conn_lean(c, 1);
			conn_timer(c, front_conf.idle_timeout - LEAN_AFTER);
			break;
		}
		conn_free(c);
		break;
	case CONN_LINGER:
		conn_free(c);
		break;
	}
}

static void
sockaddr_text(const struct sockaddr *sa, char *buf, size_t len)
{
	const void	*a = NULL;

	if (sa->sa_family == AF_INET)
		a = &((const struct sockaddr_in *)sa)->sin_addr;
	else if (sa->sa_family == AF_INET6)
		a = &((const struct sockaddr_in6 *)sa)->sin6_addr;
	if (a == NULL || inet_ntop(sa->sa_family, a, buf, len) == NULL)
		strlcpy(buf, "-", len);
}

static struct bufferevent *
conn_bev(struct worker *w, enum listen_kind kind, int fd)
{
	struct bufferevent	*bev;
	SSL			*ssl;
	int			 opts = BEV_OPT_CLOSE_ON_FREE |
	    BEV_OPT_DEFER_CALLBACKS;

	if (kind == LISTEN_HTTP_REDIRECT)
		return bufferevent_socket_new(w->base, fd, opts);
	if ((ssl = SSL_new(srv.ctx)) == NULL)
		return NULL;
	/* Busy until idle: conn_lean. */
	SSL_clear_mode(ssl, SSL_MODE_RELEASE_BUFFERS);
	bev = bufferevent_openssl_socket_new(w->base, fd, ssl,
	    BUFFEREVENT_SSL_ACCEPTING, opts);
	if (bev == NULL) {
		SSL_free(ssl);
		return NULL;
	}
	/* Browsers often close without close_notify; that is no error. */
	bufferevent_openssl_set_allow_dirty_shutdown(bev, 1);
	return bev;
}

/* From a worker's listener: over the cap, the connection closes at once. */
void
conn_accept(struct worker *w, enum listen_kind kind, int fd,
    const struct sockaddr *sa, int salen)
{
	struct conn	*c;
	int		 one = 1;

	if (atomic_fetch_add(&srv.conns, 1) >= front_conf.max_conns) {
		atomic_fetch_sub(&srv.conns, 1);
		close(fd);
		return;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL)
		goto fail;
	c->w = w;
	c->kind = kind;
	sockaddr_text(sa, c->addr, sizeof(c->addr));
	/* Per client network: at the cap, a 503; far over it, nothing. */
	net_key(&front_conf.net, c->addr, c->net, sizeof(c->net));
	if ((c->netv = netcount_add(c->net, front_conf.max_conns_net)) ==
	    NETCOUNT_REFUSE) {
		free(c);
		atomic_fetch_sub(&srv.conns, 1);
		close(fd);
		return;
	}
	/* Responses go out whole; do not hold their last segment back. */
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if ((c->timer = evtimer_new(w->base, conn_timeout, c)) == NULL ||
	    (c->bev = conn_bev(w, kind, fd)) == NULL) {
		if (c->timer != NULL)
			event_free(c->timer);
		netcount_del(c->net);
		free(c);
		goto fail;
	}
	http_parser_init(&c->hp);
	bufferevent_setwatermark(c->bev, EV_READ, 0, SERVER_READ_HIWAT);
	bufferevent_setcb(c->bev, conn_readcb, conn_writecb, conn_eventcb, c);
	evbuffer_add_cb(bufferevent_get_output(c->bev), conn_output_cb, c);
	bufferevent_enable(c->bev, EV_READ);
	c->state = CONN_HEAD;
	clock_gettime(CLOCK_MONOTONIC, &c->t0);
	conn_timer(c, front_conf.header_timeout);
	return;
fail:
	log_warnx("cannot accept a connection: out of memory");
	close(fd);
	atomic_fetch_sub(&srv.conns, 1);
}

/* A worker's bridge queue: answers to this worker's questions. */
void
conn_answers(int fd, short what, void *arg)
{
	struct worker		*w = arg;
	struct bridge_queue	 q;
	struct bridge_item	*it;
	struct req		*r;
	bridge_cb		 cb;
	struct msg		 m;
	int			 more;

	bridge_take(w->id, &q);
	while ((it = TAILQ_FIRST(&q)) != NULL) {
		TAILQ_REMOVE(&q, it, entry);
		if (bridge_lookup(w->id, it->id, &r, &cb)) {
			memset(&m, 0, sizeof(m));
			m.type = it->type;
			m.peerid = it->id;
			m.fd = -1;
			m.data = it->data;
			m.len = it->len;
			more = cb(r, it->failed ? NULL : &m);
			if (!more || it->failed) {
				req_forget(r, it->id);
				bridge_close(it->id);
			}
		}
		bridge_item_free(it);
	}
}

const struct http_request *
req_http(const struct req *r)
{
	return &r->conn->hp.req;
}

const char *
req_addr(const struct req *r)
{
	return r->conn->addr;
}

void *
req_data(const struct req *r)
{
	return r->data;
}

void
req_set_data(struct req *r, void *data, void (*fn)(void *))
{
	if (r->data_free != NULL && r->data != data)
		r->data_free(r->data);
	r->data = data;
	r->data_free = fn;
}

void
req_body_buffer(struct req *r, size_t max)
{
	r->body_max = max;
}

int
req_worker_id(const struct req *r)
{
	return r->conn->w->id;
}

/* May the front send mb to peer at all?  mb is freed when not. */
static int
front_may_send(enum proc_id peer, struct msgbuf *mb)
{
	if (peer != PROC_PARENT && route_allowed(mb->type, PROC_FRONT, peer))
		return 1;
	log_warnx("the front may not ask %s with %s", proc_name(peer),
	    msg_type_name(mb->type));
	msg_free(mb);
	return 0;
}

int
req_ask(struct req *r, enum proc_id peer, struct msgbuf *mb,
    req_answer_cb cb)
{
	uint32_t	 id;

	if (!front_may_send(peer, mb))
		return -1;
	/* A stream may still ask: a producer feeds it from a peer. */
	if ((r->responded && !req_streaming(r)) || r->conn == NULL ||
	    r->nasks >= REQ_MAXASKS) {
		msg_free(mb);
		return -1;
	}
	if ((id = bridge_ask(r->conn->w->id, r, peer, mb, cb)) == 0)
		return -1;
	r->asks[r->nasks++] = id;
	return 0;
}

/*
 * A notice that wants no answer, sent even while r is being freed (the
 * store told that an upload whose client left is abandoned): the
 * question goes out and its answer, when it comes, is dropped.
 */
int
req_tell(struct req *r, enum proc_id peer, struct msgbuf *mb)
{
	uint32_t	 id;

	if (!front_may_send(peer, mb))
		return -1;
	if ((id = bridge_ask(r->conn != NULL ? r->conn->w->id : 0, NULL,
	    peer, mb, NULL)) == 0)
		return -1;
	bridge_close(id);
	return 0;
}

/* No CR, LF or NUL may reach the header block. */
static int
header_safe(const char *s, size_t max)
{
	size_t	 i;

	for (i = 0; s[i] != '\0'; i++)
		if (i >= max || ((unsigned char)s[i] < 0x20 && s[i] != '\t') ||
		    s[i] == 0x7f)
			return 0;
	return 1;
}

/* The buffer is made for the first header: most responses add none. */
void
req_header(struct req *r, const char *name, const char *value)
{
	if (r->hdrs == NULL && (r->hdrs = evbuffer_new()) == NULL) {
		log_warnx("no memory for a response header");
		r->hdrs_bad = 1;
		return;
	}
	if (name == NULL || value == NULL || name[0] == '\0' ||
	    !header_safe(name, 64) || strchr(name, ':') != NULL ||
	    !header_safe(value, REQ_MAXHDRS) ||
	    evbuffer_get_length(r->hdrs) + strlen(name) + strlen(value) + 4 >
	    REQ_MAXHDRS ||
	    evbuffer_add_printf(r->hdrs, "%s: %s\r\n", name, value) == -1) {
		log_warnx("refused a response header");
		r->hdrs_bad = 1;
	}
}

void
req_respond(struct req *r, int status, const char *ctype, const void *body,
    size_t len)
{
	struct conn	*c = r->conn;

	if (r->responded) {
		log_warnx("second response to one request ignored");
		return;
	}
	r->responded = 1;
	req_cancel_asks(r);
	if (c == NULL || (c->state != CONN_APP && c->state != CONN_BODY))
		return;
	/* A consumer may answer before the body is all in: no keep-alive. */
	if (!c->hp.req.keep_alive || c->state == CONN_BODY || c->early)
		c->close = 1;
	if (c->state == CONN_BODY)
		c->linger = 1;
	/* Fail closed: a response we cannot send as asked becomes a 500. */
	if (r->hdrs_bad || status < 200 || status > 599 ||
	    len > SERVER_MAXRESPONSE || (len > 0 && body == NULL) ||
	    (ctype != NULL && !header_safe(ctype, 128))) {
		log_warnx("malformed response to %s refused", c->hp.req.path);
		conn_error(c, 500, "internal error");
		return;
	}
	conn_send(c, status, ctype, r->hdrs, body, len);
}

void
req_body_stream(struct req *r, size_t max, req_piece_cb piece)
{
	r->body_max = max;
	r->piece = piece;
}

void
req_body_resume(struct req *r)
{
	struct conn	*c = r->conn;

	if (c == NULL)
		return;
	if (c->in_piece) {
		r->resumed = 1;
		return;
	}
	if (!r->paused)
		return;
	r->paused = 0;
	if (c->state != CONN_BODY)
		return;
	bufferevent_enable(c->bev, EV_READ);
	conn_read_from(c, 1);
}

int
req_answered(const struct req *r)
{
	return r->responded;
}

/* HEAD, or HTTP/1.0 (no chunks): how the stream's body is framed. */
int
req_begin(struct req *r, int status, const char *ctype, long long len)
{
	struct conn	*c = r->conn;

	if (r->responded || c == NULL || c->state != CONN_APP) {
		log_warnx("a stream begun out of turn ignored");
		return -1;
	}
	r->responded = 1;
	if (!c->hp.req.keep_alive || c->early)
		c->close = 1;
	if (r->hdrs_bad || status < 200 || status > 599 || len < -1 ||
	    (ctype != NULL && !header_safe(ctype, 128))) {
		log_warnx("malformed stream to %s refused", c->hp.req.path);
		conn_error(c, 500, "internal error");
		return -1;
	}
	r->out_left = len;
	r->chunked = len == -1 && c->hp.req.minor >= 1;
	if (len == -1 && !r->chunked)
		c->close = 1;	/* the body ends with the connection */
	if (conn_head(c, status, ctype, r->hdrs, len, r->chunked) == -1) {
		c->close = 1;
		conn_writing(c);
		return -1;
	}
	conn_log(c, status);
	evtimer_del(c->timer);
	c->state = CONN_STREAM;
	c->write_idle = 0;
	conn_timer(c, 1);
	/*
	 * An open-ended stream (a live event stream) lasts until its client
	 * goes: read on, so that its going is seen at once, not when a
	 * heartbeat finds the connection dead.  Bytes that come are left
	 * unparsed, up to the read watermark.
	 */
	if (len == -1)
		bufferevent_enable(c->bev, EV_READ);
	return 0;
}

/*
 * Can the stream take len more bytes?  1 yes, 0 nothing to do (a HEAD
 * answer), -1 no: the connection closes after what is queued.
 */
static int
req_write_check(struct req *r, size_t len)
{
	struct conn	*c = r->conn;

	if (c == NULL || c->state != CONN_STREAM)
		return -1;
	if (len == 0 || conn_is_head(c))
		return 0;
	conn_lean(c, 0);
	if (r->out_left >= 0 && (unsigned long long)len >
	    (unsigned long long)r->out_left) {
		log_warnx("a stream wrote past its length");
		c->close = 1;
		conn_writing(c);
		return -1;
	}
	return 1;
}

/* len bytes are in the output: counted, and the write timer runs. */
static void
req_wrote(struct req *r, size_t len)
{
	struct conn	*c = r->conn;

	if (r->out_left >= 0)
		r->out_left -= len;
	if (!evtimer_pending(c->timer, NULL))
		conn_timer(c, 1);
}

int
req_write(struct req *r, const void *data, size_t len)
{
	struct conn	*c = r->conn;
	struct evbuffer	*out;
	int		 rc;

	if ((rc = req_write_check(r, len)) <= 0)
		return rc;
	out = bufferevent_get_output(c->bev);
	rc = 0;
	if (r->chunked)
		rc = evbuffer_add_printf(out, "%zx\r\n", len);
	if (rc != -1)
		rc = evbuffer_add(out, data, len);
	if (rc != -1 && r->chunked)
		rc = evbuffer_add(out, "\r\n", 2);
	if (rc == -1) {
		c->close = 1;
		conn_writing(c);
		return -1;
	}
	req_wrote(r, len);
	return 0;
}

void *
req_write_space(struct req *r, size_t len)
{
	struct conn	*c = r->conn;

	if (c == NULL || c->state != CONN_STREAM || r->chunked ||
	    conn_is_head(c) || len == 0 ||
	    evbuffer_reserve_space(bufferevent_get_output(c->bev),
	    (ev_ssize_t)len, &r->space, 1) != 1 || r->space.iov_len < len)
		return NULL;
	return r->space.iov_base;
}

int
req_write_commit(struct req *r, size_t len)
{
	struct conn	*c = r->conn;
	int		 rc;

	if ((rc = req_write_check(r, len)) <= 0 || len > r->space.iov_len)
		return rc <= 0 ? rc : -1;
	r->space.iov_len = len;
	if (evbuffer_commit_space(bufferevent_get_output(c->bev), &r->space,
	    1) == -1) {
		c->close = 1;
		conn_writing(c);
		return -1;
	}
	req_wrote(r, len);
	return 0;
}

void
req_end(struct req *r)
{
	struct conn	*c = r->conn;

	if (c == NULL || c->state != CONN_STREAM)
		return;
	if (r->out_left > 0 && !conn_is_head(c)) {
		/* Fewer bytes than promised: only a close can say so. */
		log_warnx("a stream ended %lld bytes short", r->out_left);
		c->close = 1;
	} else if (r->chunked && !conn_is_head(c) &&
	    evbuffer_add(bufferevent_get_output(c->bev), "0\r\n\r\n", 5) == -1)
		c->close = 1;
	r->drain = NULL;
	conn_writing(c);
	/* Already drained: the write callback will not come. */
	if (evbuffer_get_length(bufferevent_get_output(c->bev)) == 0)
		event_active(c->timer, EV_TIMEOUT, 0);
}

void
req_on_drain(struct req *r, req_drain_cb cb, size_t lowat)
{
	struct conn	*c = r->conn;

	r->drain = cb;
	r->lowat = lowat;
	if (c != NULL && c->bev != NULL)
		bufferevent_setwatermark(c->bev, EV_WRITE, lowat, 0);
}

size_t
req_pending(const struct req *r)
{
	if (r->conn == NULL || r->conn->bev == NULL)
		return 0;
	return evbuffer_get_length(bufferevent_get_output(r->conn->bev));
}

int
req_streaming(const struct req *r)
{
	return r->conn != NULL && r->conn->state == CONN_STREAM;
}

struct event_base *
req_base(const struct req *r)
{
	return r->conn->w->base;
}

void *
req_core_data(const struct req *r)
{
	return r->core;
}

void
req_set_core_data(struct req *r, void *data, void (*fn)(void *))
{
	if (r->core_free != NULL && r->core != data)
		r->core_free(r->core);
	r->core = data;
	r->core_free = fn;
}

void
req_close_after(struct req *r)
{
	if (r->conn != NULL)
		r->conn->close = 1;
}
