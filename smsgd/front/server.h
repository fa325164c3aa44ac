/*
 * The front's server core: TLS listeners, worker threads, connections,
 * timeouts, and the bridge that carries a request's questions to auth and
 * web (through the main thread, which owns the peer channels) and their
 * answers back to the request's worker.
 *
 * The application (registered as a struct server_app) sees a request
 * twice on its worker thread: when the head is complete, before a byte
 * of the body is read, and when the body is in.  It answers exactly once
 * with req_respond().
 */
#ifndef SMSGD_SERVER_H
#define SMSGD_SERVER_H

#include <stddef.h>
#include <stdint.h>

#include "http.h"
#include "msg.h"
#include "netkey.h"
#include "proto.h"

struct event_base;

struct front_conf {
	unsigned int	 workers, header_timeout, body_idle_timeout,
			 body_min_rate, idle_timeout, form_max, login_rate,
			 register_rate, max_conns, event_heartbeat,
			 event_max_per_user, max_conns_net;
	unsigned int	 retention, retention_max;	/* the store's */
	uint16_t	 https_port;
	struct net_prefix net;		/* what one client network is */
	int		 broadcast;	/* BCAST_*: who may broadcast */
};
extern struct front_conf front_conf;

struct req;

/*
 * The application on top of the server, registered by front.c: the
 * server reaches it only through this table.  All three run on the
 * worker thread of the request, init once before the threads start.
 *
 * head: as soon as the head is complete.  Returns 0 to read the body
 * under the policy set with req_body_buffer() (default: no body at
 * all), then request(); or -1 when the app answers (or has answered)
 * without reading the body: the connection closes after that answer, so
 * a client told 413 or 415 never has to send its body.
 * request: the body is in.
 */
struct server_app {
	void	(*init)(void);
	int	(*head)(struct req *);
	void	(*request)(struct req *);
};

/* For front.c, the role. */
void	 server_configure(struct msg *);
/* main base; before the sandbox */
void	 server_init(struct event_base *, const struct server_app *);
void	 server_threads(void);
void	 server_dispatch(enum proc_id, struct msg *);	/* answers from auth and web */
/*
 * A peer's channel closed: fail its questions now.  Also found by polling
 * every 250 ms, which misses a peer restarted faster than that; those
 * questions then fail at their 60 s timeout.
 */
void	 server_peer_lost(enum proc_id);

/* For the application: */
const struct http_request *req_http(const struct req *);
const char *req_addr(const struct req *);	/* peer IP address as text */
void	*req_data(const struct req *);
void	 req_set_data(struct req *, void *, void (*)(void *));	/* freed with the req */
typedef int (*req_answer_cb)(struct req *, struct msg *);
/*
 * Ask auth or web: sets the peerid, hands mb to the main thread (which
 * proc_sends it) and calls cb on this req's worker thread with each answer
 * (m valid during the call only), or with m == NULL if the peer is gone,
 * the front lost it, or no answer came within 60 s.  cb returns 1 while it
 * expects more answers (lists end with AUTH_END), 0 when done.  -1 when it
 * cannot be sent (too many in flight): the app then answers 503.  If the
 * connection closed meanwhile, answers are dropped and the req freed when
 * the last one is done.
 */
int	 req_ask(struct req *, enum proc_id, struct msgbuf *, req_answer_cb);
int	 req_tell(struct req *, enum proc_id, struct msgbuf *);
/*
 * From app_head: the body is read whole, at most max bytes, into
 * req_http()->body.  A declared Content-Length over max is 413 from the
 * server before any byte is read.
 */
void	 req_body_buffer(struct req *, size_t max);
/*
 * From app_head: the body is not kept but handed to piece() as it
 * arrives, Content-Length and chunked alike, at most max bytes in all
 * (more is 413).  The piece is valid during the call only.  piece()
 * returns REQ_MORE to go on, REQ_PAUSE when it is behind: the front then
 * stops reading the socket (and TLS records) until req_body_resume();
 * or -1 when it has answered or will answer without the rest (the
 * connection then closes).  app_request() follows the last piece.
 */
#define REQ_MORE	0
#define REQ_PAUSE	1
typedef int (*req_piece_cb)(struct req *, const uint8_t *, size_t);
void	 req_body_stream(struct req *, size_t max, req_piece_cb);
void	 req_body_resume(struct req *);
int	 req_answered(const struct req *);	/* responded, or begun */
void	 req_header(struct req *, const char *name, const char *value);	/* e.g. Set-Cookie, Location */
/*
 * Exactly once per request.  The server adds Content-Length, Connection,
 * and on EVERY response the security headers (CSP, HSTS, nosniff,
 * Referrer-Policy, X-Frame-Options, Cache-Control no-store).  HEAD: no
 * body.
 */
void	 req_respond(struct req *, int status, const char *content_type,
	    const void *body, size_t len);
int	 req_worker_id(const struct req *);

/*
 * A response in pieces, instead of req_respond: req_begin() once (len
 * the body's length, or -1: chunked, or for HTTP/1.0 until the
 * connection closes), req_write() as pieces come (copied; -1 when the
 * client is gone or the stream failed), req_end() once.  A stream that
 * is making progress is never cut by the application timeout; a client
 * that takes nothing for body_idle_timeout is dropped.  HEAD gets the
 * head only.  Back-pressure: write while req_pending() is under the
 * producer's high-water mark, then wait for the drain callback, called
 * when what is queued falls to lowat bytes.
 */
typedef void (*req_drain_cb)(struct req *);
int	 req_begin(struct req *, int status, const char *content_type,
	    long long len);
int	 req_write(struct req *, const void *, size_t);
/*
 * Or in place, with no copy: req_write_space() gives room for len bytes
 * in the output (NULL when a chunked or HEAD stream cannot), filled and
 * then sent with req_write_commit(r, n), n <= len, before anything else
 * is written; room never committed is never sent.
 */
void	*req_write_space(struct req *, size_t len);
int	 req_write_commit(struct req *, size_t);
void	 req_end(struct req *);
void	 req_on_drain(struct req *, req_drain_cb, size_t lowat);
size_t	 req_pending(const struct req *);
int	 req_streaming(const struct req *);	/* begun, not ended */
void	 req_close_after(struct req *);	/* no keep-alive after this one */
/* The req's worker loop, for a producer's own timers. */
struct event_base *req_base(const struct req *);

#ifdef SMSG_TEST_HOOKS
/* Test builds: /test/ routes that exercise the streams (app_test.c). */
int	 apptest_head(struct req *, int *);
int	 apptest_request(struct req *);
#endif

#endif
