/*
 * loadgen: drives a server on loopback over HTTPS (or SMTP) with many
 * connections and measures throughput and latency; see loadgen.c.
 */
#ifndef BENCH_LOADGEN_H
#define BENCH_LOADGEN_H

#include <stdint.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <openssl/ssl.h>

#include "hist.h"

#define LG_MAXCONNS	20000
#define LG_MAXUSERS	4096
#define LG_MAXIDS	64	/* message ids kept per user */
#define LG_IDLEN	64
#define LG_MAXERRKEYS	32
#define LG_MAXPROCS	8
#define LG_KEEPBODY	65536	/* response bytes kept for parsing */
#define LG_BIGBODY	(10 * 1024 * 1024)
#define LG_TIMEOUT	60	/* seconds any one request may take */
#define LG_RAMP		64	/* event streams being opened at once */

enum lg_proto { LG_HTTP, LG_SMTP };

struct lg_user {
	char		 name[64];
	char		 password[64];
	char		 token[160];
	char		 ids[LG_MAXIDS][LG_IDLEN];
	int		 nids;
};

struct lg_conn;
struct lg;

/* One kind of request; the connection machine calls it. */
struct lg_workload {
	const char	*name;
	enum lg_proto	 proto;
	int		 newconn;	/* a new connection per request; 2:
					   resuming the last one's session */
	int		 stream;	/* an event stream: no end of body */
	/* Writes the next request; returns the filler bytes that follow. */
	uint64_t	 (*build)(struct lg_conn *, struct evbuffer *);
	/* Takes the answer; returns 1 when it counts as done well. */
	int		 (*answer)(struct lg_conn *, int, struct evbuffer *);
	const char	*what;		/* the request, for the report */
};

struct lg_proc {
	char		 name[32];
	int		 pid;
	double		 cpu0, cpu1;	/* seconds, start and end */
	long		 rss0, rss1, hwm;	/* KiB */
};

struct lg_conn {
	struct lg	*lg;
	struct bufferevent *bev;
	int		 id;
	int		 user;		/* index into lg->users */
	int		 phase;		/* step of a multi-request workload */
	int		 busy;		/* a request is out */
	int		 connected;
	double		 t0;		/* when the request went out */
	/* the answer being read */
	int		 state;
	int		 headdone;
	int		 status;
	int64_t		 clen;
	int		 chunked;
	int64_t		 chunk_left;
	int		 conn_close;
	struct evbuffer	*body;
	uint64_t	 nbytes;	/* of the request out, both ways */
	SSL_SESSION	*sess;		/* to resume (newconn 2) */
	/* the request body still to write */
	uint64_t	 filler;
	const char	*suffix;
	int		 sent_all;
	int		 answered;
	/* event streams */
	int		 events;
	int		 settled;	/* its stream opened or was refused */
};

struct lg_errkey {
	char		 key[24];
	uint64_t	 n;
};

struct lg {
	struct event_base *base;
	SSL_CTX		*ctx;
	const struct lg_workload *w;
	struct sockaddr_storage addr;
	int		 addrlen;
	const char	*host;
	int		 port;
	int		 nconns;
	int		 nsrc;		/* source addresses, 0: any */
	double		 duration;
	uint64_t	 maxreq;
	double		 rate;		/* requests/s, 0: as fast as possible */
	struct lg_conn	*conns;
	struct lg_user	*users;
	int		 nusers;
	int		 usersgiven;	/* users were read from a file */
	/* counters */
	double		 t_start, t_last;
	int		 closed;	/* the measured time is over */
	double		 t_close;
	uint64_t	 ok_close, bytes_close;
	int		 measuring, stopping;
	uint64_t	 started, done, ok;
	uint64_t	 bytes_ok;	/* both ways, of good answers */
	uint64_t	 handshakes, resumed;	/* new connections */
	struct hist	 hist;
	struct lg_errkey errs[LG_MAXERRKEYS];
	int		 nerrs;
	int		 saw404;
	/* pacing */
	double		 next_slot;
	struct event	*pace_ev;
	struct lg_conn	**wait;		/* a ring of connections */
	int		 wait_head, nwait;
	/* per-process figures */
	struct lg_proc	 procs[LG_MAXPROCS];
	int		 nprocs;
	/* idle-events */
	int		 streams_open;
	int		 streams_got;
	int		 streams_settled;
	int		 streams_started;
	double		 t_event;
	double		 event_ms;
	long		 rss_before, rss_after;
	struct event	*tick;
	int		 stage;
};

/* lg_conn.c: the connection machine */
int	 lg_conn_start(struct lg *, struct lg_conn *);
void	 lg_count(struct lg_conn *, size_t);
void	 lg_conn_next(struct lg_conn *);
void	 lg_pace_fire(evutil_socket_t, short, void *);
void	 lg_error(struct lg *, const char *);
double	 lg_now(void);
void	 lg_maybe_finish(struct lg *);
void	 lg_stream_settled(struct lg *);

/* lg_http.c: reading an answer; c->state is one of these */
enum { RD_STATUS, RD_HEADERS, RD_BODY, RD_CHUNKSIZE, RD_CHUNK, RD_CHUNKEND,
	RD_TRAILER, RD_DONE };
int	 lg_http_parse(struct lg_conn *, struct evbuffer *);

/* lg_work.c: the workloads */
const struct lg_workload *lg_workload(const char *);
void	 lg_workloads_usage(void);
int	 lg_json_string(struct evbuffer *, const char *, char *, size_t);

/* lg_proc.c: figures of other processes from /proc */
int	 lg_proc_add(struct lg *, const char *);
void	 lg_proc_sample(struct lg *, int);
long	 lg_proc_rss_total(struct lg *);

/* lg_report.c */
int	 lg_report(struct lg *, const char *);

/* lg_smtp.c */
uint64_t lg_smtp_build(struct lg_conn *, struct evbuffer *);
int	 lg_smtp_read(struct lg_conn *, struct evbuffer *);

#endif
