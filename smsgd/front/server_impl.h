/*
 * Inside the front's server core: shared by server.c (setup, threads,
 * main-thread bridge), conn.c (connections and requests) and tls.c.
 */
#ifndef SMSGD_SERVER_IMPL_H
#define SMSGD_SERVER_IMPL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/ssl.h>

#include "proto.h"
#include "server.h"

#define SERVER_MAXWORKERS	16
#define SERVER_MAXLISTEN	8
#define SERVER_MAXRESPONSE	(16 * 1024 * 1024)	/* one response body */
#define SERVER_READ_HIWAT	(64 * 1024)	/* input buffered per conn */
#define SERVER_APP_TIMEOUT	70	/* s: the app must answer by then */

struct event;
struct event_base;
struct evconnlistener;

struct listen_sock {
	int			 fd;
	enum listen_kind	 kind;
	char			 name[64];
};

struct worker;

/* One listening socket as seen by one worker. */
struct worker_listen {
	struct worker		*w;
	enum listen_kind	 kind;
	struct evconnlistener	*lev;
};

struct worker {
	int			 id;
	pthread_t		 thread;
	struct event_base	*base;
	struct event		*wake;	/* answers from the bridge */
	struct event		*resume;	/* listeners after EMFILE */
	struct event		*events;	/* pushes for its streams */
	struct worker_listen	 wl[SERVER_MAXLISTEN];
};

struct server {
	SSL_CTX			*ctx;
	struct listen_sock	 ls[SERVER_MAXLISTEN];
	int			 nls;
	struct worker		*workers;
	unsigned int		 nworkers;
	struct event_base	*main;
	struct event		*outq;	/* questions for auth and web */
	struct event		*tick;	/* timeouts, lost peers */
	atomic_uint		 conns;
	int			 linked[PROC_MAX];
	const struct server_app	*app;
};

extern struct server	 srv;

/* tls.c */
SSL_CTX	*tls_context(const uint8_t *, size_t, const uint8_t *, size_t);

/* tlsticket.c */
void	 tls_tickets_init(SSL_CTX *, int, unsigned int);
void	 tls_tickets_tick(void);

/* memtrim.c */
void	 memtrim_init(void);
void	 memtrim_tick(void);

/* conn.c */
struct sockaddr;
void	 conn_accept(struct worker *, enum listen_kind, int,
	    const struct sockaddr *, int);
void	 conn_answers(int, short, void *);
/* The core's own per-request state (sse.c), freed before the app's. */
void	*req_core_data(const struct req *);
void	 req_set_core_data(struct req *, void *, void (*)(void *));

#endif
