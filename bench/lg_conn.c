/*
 * loadgen's connection machine: connect (TLS or plain), write a request
 * and its body as the socket drains, read the answer (lg_http.c for
 * HTTP, lg_smtp.c for SMTP), count it, and go on with the next request.
 */
#include "config.h"

#include <sys/socket.h>

#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <event2/bufferevent_ssl.h>

#include "loadgen.h"

static char		 filler[65536];

static void	 conn_read(struct bufferevent *, void *);
static void	 conn_write(struct bufferevent *, void *);
static void	 conn_event(struct bufferevent *, short, void *);
static void	 conn_send(struct lg_conn *);

double
lg_now(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Counts one failure under its key: an HTTP status or a kind of error. */
void
lg_error(struct lg *lg, const char *key)
{
	int	 i;

	for (i = 0; i < lg->nerrs; i++)
		if (strcmp(lg->errs[i].key, key) == 0) {
			lg->errs[i].n++;
			return;
		}
	if (lg->nerrs == LG_MAXERRKEYS)
		key = "other";
	if (i == LG_MAXERRKEYS)
		i--;
	else
		lg->nerrs++;
	snprintf(lg->errs[i].key, sizeof(lg->errs[i].key), "%s", key);
	lg->errs[i].n++;
}

/* Bytes both ways of the request out on c; mb_s counts good answers'. */
void
lg_count(struct lg_conn *c, size_t n)
{
	c->nbytes += n;
}

/*
 * After an answer on a connection of its own: a client that resumes
 * (workload newconn 2) keeps the session, with the ticket the server
 * sent, for its next connection.
 */
static void
conn_keep_session(struct lg_conn *c)
{
	SSL		*ssl = bufferevent_openssl_get_ssl(c->bev);
	SSL_SESSION	*s;

	if (ssl == NULL || !SSL_is_init_finished(ssl))
		return;
	c->lg->handshakes++;
	if (SSL_session_reused(ssl))
		c->lg->resumed++;
	if ((s = SSL_get1_session(ssl)) == NULL)
		return;
	if (!SSL_SESSION_is_resumable(s)) {
		SSL_SESSION_free(s);
		return;
	}
	SSL_SESSION_free(c->sess);
	c->sess = s;
	/*
	 * Its answer was read whole: an orderly end, after which OpenSSL
	 * keeps the session resumable (SSL_free would mark it bad).
	 */
	SSL_set_shutdown(ssl, SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN);
}

static void
conn_drop(struct lg_conn *c)
{
	if (c->bev != NULL)
		bufferevent_free(c->bev);
	c->bev = NULL;
	c->connected = 0;
}

/*
 * A non-blocking TCP socket; with -s, bound to one of the loopback
 * addresses 127.0.0.2 and up, so that a server's per-address limits see
 * many clients, as they would in use.
 */
static int
conn_socket(struct lg *lg, struct lg_conn *c)
{
	struct sockaddr_in	 src;
	int			 fd, one = 1;

	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1)
		return -1;
	/* as browsers and curl do: no small write waits for an ACK */
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (lg->nsrc > 0) {
		memset(&src, 0, sizeof(src));
		src.sin_family = AF_INET;
		src.sin_addr.s_addr = htonl(0x7f000002 +
		    (uint32_t)(c->id % lg->nsrc));
		if (bind(fd, (struct sockaddr *)&src, sizeof(src)) == -1) {
			close(fd);
			return -1;
		}
	}
	return fd;
}

int
lg_conn_start(struct lg *lg, struct lg_conn *c)
{
	struct timeval	 tv = { LG_TIMEOUT, 0 };
	SSL		*ssl = NULL;
	int		 fd;

	if (filler[0] == '\0')
		memset(filler, 'x', sizeof(filler));
	if ((fd = conn_socket(lg, c)) == -1)
		return -1;
	if (lg->w->proto == LG_SMTP)
		c->bev = bufferevent_socket_new(lg->base, fd,
		    BEV_OPT_CLOSE_ON_FREE);
	else if ((ssl = SSL_new(lg->ctx)) != NULL) {
		SSL_set_tlsext_host_name(ssl, "localhost");
		c->bev = bufferevent_openssl_socket_new(lg->base, fd, ssl,
		    BUFFEREVENT_SSL_CONNECTING,
		    BEV_OPT_CLOSE_ON_FREE | BEV_OPT_DEFER_CALLBACKS);
		if (c->bev == NULL)
			SSL_free(ssl);
	}
	if (c->bev == NULL) {
		close(fd);
		return -1;
	}
	bufferevent_setcb(c->bev, conn_read, conn_write, conn_event, c);
	bufferevent_set_timeouts(c->bev, &tv, &tv);
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
	c->state = RD_DONE;
	if (bufferevent_socket_connect(c->bev, (struct sockaddr *)&lg->addr,
	    lg->addrlen) == -1) {
		conn_drop(c);
		return -1;
	}
	/*
	 * Only now: connecting clears the SSL object (libevent calls
	 * SSL_clear), and the handshake starts from the event loop.
	 */
	if (ssl != NULL && lg->w->newconn == 2 && c->sess != NULL)
		SSL_set_session(ssl, c->sess);
	return 0;
}

/*
 * The end of the measured time: throughput is what was answered within
 * it, as wrk counts, so that a request that hangs past it (and waits for
 * its timeout) does not stretch the time the others are divided by.
 */
static void
window_close(struct lg *lg)
{
	if (lg->closed)
		return;
	lg->closed = 1;
	lg->t_close = lg_now();
	lg->ok_close = lg->ok;
	lg->bytes_close = lg->bytes_ok;
	lg_proc_sample(lg, 1);
}

static int
conn_may_start(struct lg *lg)
{
	if (lg->stopping)
		return 0;
	if (lg->maxreq && lg->started >= lg->maxreq)
		return 0;
	if (lg->measuring && !lg->w->stream &&
	    lg_now() - lg->t_start >= lg->duration) {
		window_close(lg);
		return 0;
	}
	return 1;
}

/* The request goes out now; its latency counts from t0. */
static void
conn_go(struct lg_conn *c, double t0)
{
	struct lg	*lg = c->lg;

	lg->started++;
	c->busy = 1;
	c->t0 = t0;
	if (c->bev == NULL) {
		if (lg_conn_start(lg, c) == -1) {
			lg_error(lg, "connect");
			c->busy = 0;
			lg->done++;
			if (lg->w->stream)
				lg->w->answer(c, -2, c->body);
			lg_maybe_finish(lg);
		}
		return;			/* sent once connected */
	}
	conn_send(c);
}

static int
conn_stop(struct lg_conn *c)
{
	struct lg	*lg = c->lg;

	if (conn_may_start(lg) && c->user < lg->nusers)
		return 0;
	if (!lg->w->stream && c->user < lg->nusers)
		lg->stopping = 1;
	c->busy = 0;
	conn_drop(c);
	lg_maybe_finish(lg);
	return 1;
}

/*
 * With a rate (-r), requests go out on a schedule: one every 1/rate
 * seconds, each timed from its slot, so that a slow answer counts in
 * the latency of the requests it holds up.  Connections wait in a ring.
 */
void
lg_pace_fire(evutil_socket_t fd, short ev, void *arg)
{
	struct lg	*lg = arg;
	struct lg_conn	*c;
	struct timeval	 tv;
	double		 now = lg_now(), wait;

	(void)fd;
	(void)ev;
	while (lg->nwait > 0 && lg->next_slot <= now) {
		c = lg->wait[lg->wait_head];
		lg->wait_head = (lg->wait_head + 1) % (lg->nconns + 1);
		lg->nwait--;
		if (conn_stop(c))
			continue;
		conn_go(c, lg->next_slot);
		lg->next_slot += 1.0 / lg->rate;
	}
	if (lg->nwait > 0) {
		wait = lg->next_slot - now;
		tv.tv_sec = (time_t)wait;
		tv.tv_usec = (suseconds_t)((wait - (double)tv.tv_sec) * 1e6);
		evtimer_add(lg->pace_ev, &tv);
	}
}

/* The next request on this connection, or none when the run is over. */
void
lg_conn_next(struct lg_conn *c)
{
	struct lg	*lg = c->lg;

	c->busy = 0;
	if (conn_stop(c))
		return;
	if (lg->rate <= 0) {
		conn_go(c, lg_now());
		return;
	}
	if (lg->next_slot == 0)
		lg->next_slot = lg_now();
	c->busy = 1;		/* waiting for its slot */
	lg->wait[(lg->wait_head + lg->nwait) % (lg->nconns + 1)] = c;
	lg->nwait++;
	if (lg->nwait == 1)
		lg_pace_fire(-1, 0, lg);
}

static void
conn_send(struct lg_conn *c)
{
	struct evbuffer	*out = bufferevent_get_output(c->bev);
	size_t		 before = evbuffer_get_length(out);

	c->state = RD_STATUS;
	c->status = 0;
	c->clen = -1;
	c->chunked = 0;
	c->conn_close = 0;
	c->answered = 0;
	c->headdone = 0;
	c->sent_all = 0;
	c->suffix = NULL;
	c->nbytes = 0;
	evbuffer_drain(c->body, evbuffer_get_length(c->body));
	c->filler = c->lg->w->build(c, out);
	lg_count(c, evbuffer_get_length(out) - before);
	if (c->filler > 0)
		bufferevent_setwatermark(c->bev, EV_WRITE, 65536, 0);
	else {
		bufferevent_setwatermark(c->bev, EV_WRITE, 0, 0);
		c->sent_all = 1;
	}
	if (c->lg->w->proto == LG_SMTP &&
	    evbuffer_get_length(bufferevent_get_input(c->bev)) > 0)
		conn_read(c->bev, c);
}

/* Feeds the filler of a large body as the socket drains. */
static void
conn_write(struct bufferevent *bev, void *arg)
{
	struct lg_conn	*c = arg;
	struct evbuffer	*out = bufferevent_get_output(bev);
	size_t		 n;

	if (c->filler == 0)
		return;
	while (c->filler > 0 && evbuffer_get_length(out) < 4 * 65536) {
		n = c->filler < sizeof(filler) ? c->filler : sizeof(filler);
		evbuffer_add_reference(out, filler, n, NULL, NULL);
		c->filler -= n;
		lg_count(c, n);
	}
	if (c->filler == 0) {
		if (c->suffix != NULL) {
			evbuffer_add(out, c->suffix, strlen(c->suffix));
			lg_count(c, strlen(c->suffix));
		}
		bufferevent_setwatermark(bev, EV_WRITE, 0, 0);
		c->sent_all = 1;
		if (c->answered)
			lg_conn_next(c);
	}
}

/* One answer is in: count it and go on. */
static void
conn_answered(struct lg_conn *c)
{
	struct lg	*lg = c->lg;
	char		 key[16];
	double		 dt = lg_now() - c->t0;

	lg->done++;
	lg->t_last = lg_now();
	hist_record(&lg->hist, (uint64_t)(dt * 1e6));
	if (c->status == 404 && lg->ok == 0) {
		lg->saw404 = 1;
		lg->stopping = 1;	/* a route the server lacks: no figure */
	}
	if (lg->w->answer(c, c->status, c->body)) {
		lg->ok++;
		lg->bytes_ok += c->nbytes;
	} else {
		snprintf(key, sizeof(key), "%d", c->status);
		lg_error(lg, key);
	}
	if (lg->w->newconn && lg->w->proto == LG_HTTP && c->bev != NULL)
		conn_keep_session(c);
	if (c->conn_close || lg->w->newconn)
		conn_drop(c);
	c->answered = 1;
	if (c->sent_all)
		lg_conn_next(c);
}

static void
conn_read(struct bufferevent *bev, void *arg)
{
	struct lg_conn	*c = arg;
	struct evbuffer	*in = bufferevent_get_input(bev);
	int		 r;

	if (c->lg->w->proto == LG_SMTP) {
		if (!c->busy)
			return;		/* the greeting waits for the request */
		if ((r = lg_smtp_read(c, in)) == -1) {
			char	 key[16];

			snprintf(key, sizeof(key), "smtp %d", c->status);
			lg_error(c->lg, key);
			conn_drop(c);
			c->lg->done++;
			c->lg->t_last = lg_now();
			lg_conn_next(c);
		} else if (r == 1)
			conn_answered(c);
		return;
	}
	if (!c->busy) {
		evbuffer_drain(in, evbuffer_get_length(in));
		return;
	}
	r = lg_http_parse(c, in);
	if (c->lg->w->stream && c->headdone && r != 2 && r != -1) {
		c->lg->w->answer(c, -1, c->body);
		return;
	}
	if (r == -1) {
		lg_error(c->lg, "protocol");
		conn_drop(c);
		c->lg->done++;
		lg_conn_next(c);
	} else if (r == 2) {
		bufferevent_set_timeouts(bev, NULL, NULL);
		if (c->status == 404)
			c->lg->saw404 = 1;
		if (!c->lg->w->answer(c, c->status, c->body)) {
			char	 key[16];

			snprintf(key, sizeof(key), "%d", c->status);
			lg_error(c->lg, key);
			conn_drop(c);
			c->busy = 0;
			return;
		}
		if (evbuffer_get_length(in) > 0)
			conn_read(bev, arg);
	} else if (r == 1)
		conn_answered(c);
}

static void
conn_event(struct bufferevent *bev, short what, void *arg)
{
	struct lg_conn	*c = arg;
	const char	*key;

	(void)bev;
	if (what & BEV_EVENT_CONNECTED) {
		c->connected = 1;
		if (c->busy)
			conn_send(c);
		else if (!c->busy)
			lg_maybe_finish(c->lg);	/* counts the connections */
		return;
	}
	/* A body that ends with the connection is complete. */
	if ((what & BEV_EVENT_EOF) && c->busy && c->state == RD_BODY &&
	    c->clen == -1 && !c->chunked && !c->lg->w->stream) {
		c->conn_close = 1;
		conn_answered(c);
		return;
	}
	if (what & BEV_EVENT_TIMEOUT)
		key = "timeout";
	else if (!c->connected)
		key = "connect";
	else if (what & BEV_EVENT_EOF)
		key = "closed";
	else
		key = "reset";
	conn_drop(c);
	if (c->lg->w->stream) {
		if (c->busy)
			lg_error(c->lg, key);
		c->lg->w->answer(c, -2, c->body);
		c->busy = 0;
		lg_maybe_finish(c->lg);
		return;
	}
	if (c->busy) {
		lg_error(c->lg, key);
		c->lg->done++;
		c->lg->t_last = lg_now();
		lg_conn_next(c);
	} else
		lg_maybe_finish(c->lg);
}
