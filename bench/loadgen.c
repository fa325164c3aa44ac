/*
 * loadgen: a load generator for bench/run.sh.  Many connections to a
 * server on loopback (TLS for HTTP, plain for SMTP), each sending its
 * next request as soon as its last is answered, for a bounded time and
 * number of requests; prints one JSON object: throughput, latency
 * percentiles, errors by status, and the CPU time and memory of the
 * server's processes named with -P.
 *
 *   loadgen -w WORKLOAD -p PORT [-c CONNS] [-d SECONDS] [-n MAXREQ]
 *	[-r RATE] [-s ADDRS] [-u USERS] [-U USERFILE] [-I IDFILE] [-O IDFILE]
 *	[-P NAME:PID]... [-l LABEL]
 */
#include "config.h"

#include <sys/resource.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <err.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/err.h>

#include "loadgen.h"

static struct lg	 run;
static const char	*label = "smsg";
static const struct timeval tick_tv = { 0, 100000 };

static void
usage(void)
{
	fprintf(stderr, "usage: loadgen -w workload -p port [-c conns] "
	    "[-d seconds] [-n maxreq] [-r rate] [-s addrs]\n"
	    "\t[-u users] [-U userfile] [-I idfile] [-O idfile] "
	    "[-P name:pid]... [-l label]\nworkloads:\n");
	lg_workloads_usage();
	exit(2);
}

static int
busy_conns(struct lg *lg)
{
	int	 i, n = 0;

	for (i = 0; i < lg->nconns; i++)
		n += lg->conns[i].busy;
	return n;
}

static void
start_measuring(struct lg *lg)
{
	int	 i, up = 0;

	for (i = 0; i < lg->nconns; i++)
		if (lg->conns[i].connected)
			up++;
		else
			lg_error(lg, "connect");
	lg->measuring = 1;
	lg->t_start = lg->t_last = lg_now();
	lg_proc_sample(lg, 0);
	if (up == 0) {
		lg->stopping = 1;
		event_base_loopexit(lg->base, NULL);
		return;
	}
	for (i = 0; i < lg->nconns; i++)
		if (lg->conns[i].connected)
			lg_conn_next(&lg->conns[i]);
}

/* Called whenever a connection settles or goes idle. */
void
lg_maybe_finish(struct lg *lg)
{
	int	 i;

	if (lg->w->stream)
		return;			/* the tick decides */
	if (!lg->measuring) {
		for (i = 0; i < lg->nconns; i++)
			if (lg->conns[i].bev != NULL &&
			    !lg->conns[i].connected)
				return;
		start_measuring(lg);
		return;
	}
	if (busy_conns(lg) == 0)
		event_base_loopexit(lg->base, NULL);
}

/*
 * Event streams open LG_RAMP at a time, as many clients arriving one
 * after the other do: all at once, most would spend the front's header
 * timeout queued behind the others' TLS handshakes.
 */
void
lg_stream_settled(struct lg *lg)
{
	lg->streams_settled++;
	if (lg->streams_started < lg->nconns)
		lg_conn_next(&lg->conns[lg->streams_started++]);
}

/* idle-events: open, settle, weigh, send one message, wait for all. */
static void
events_tick(evutil_socket_t fd, short ev, void *arg)
{
	struct lg	*lg = arg;
	struct lg_conn	*sender = &lg->conns[lg->nconns];
	double		 now = lg_now();

	(void)fd;
	(void)ev;
	switch (lg->stage) {
	case 0:
		if (lg->streams_settled < lg->nconns &&
		    now - lg->t_start < LG_TIMEOUT + lg->nconns / 100)
			break;
		lg->stage = 1;
		lg->t_event = now;
		break;
	case 1:
		if (now - lg->t_event < 1.0)
			break;
		lg->rss_after = lg_proc_rss_total(lg);
		lg_proc_sample(lg, 1);
		if (lg->streams_open == 0) {
			event_base_loopexit(lg->base, NULL);
			return;
		}
		lg->stage = 2;
		lg->t_event = lg_now();
		sender->phase = 1;
		lg_conn_next(sender);
		break;
	default:
		if ((lg->streams_got >= lg->streams_open && lg->event_ms > 0) ||
		    now - lg->t_event > LG_TIMEOUT || lg->saw404 ||
		    (!sender->busy && lg->ok == 0)) {
			event_base_loopexit(lg->base, NULL);
			return;
		}
	}
	evtimer_add(lg->tick, &tick_tv);
}

static void
deadline(evutil_socket_t fd, short ev, void *arg)
{
	(void)fd;
	(void)ev;
	lg_error(arg, "unfinished");
	event_base_loopexit(((struct lg *)arg)->base, NULL);
}

static void
read_users(struct lg *lg, const char *path)
{
	FILE		*f;
	struct lg_user	*u;

	if ((f = fopen(path, "r")) == NULL)
		err(1, "%s", path);
	lg->nusers = 0;
	while (lg->nusers < LG_MAXUSERS) {
		u = &lg->users[lg->nusers];
		if (fscanf(f, "%63s %63s %159s", u->name, u->password,
		    u->token) != 3)
			break;
		lg->nusers++;
	}
	fclose(f);
	if (lg->nusers == 0)
		errx(1, "%s: no users", path);
}

static void
make_users(struct lg *lg, int n)
{
	uint8_t	 r[18];
	int	 i, j;
	static const char	 b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghij"
	    "klmnopqrstuvwxyz0123456789-_";

	lg->nusers = n;
	for (i = 0; i < n; i++) {
		snprintf(lg->users[i].name, sizeof(lg->users[i].name),
		    "bench%d", i);
		arc4random_buf(r, sizeof(r));
		for (j = 0; j < 24; j++)
			lg->users[i].password[j] = b64[(r[j * 3 / 4] >>
			    (j % 4)) & 63];
		lg->users[i].password[24] = '\0';
	}
}

static void
write_users(struct lg *lg, const char *path)
{
	FILE	*f;
	int	 i;

	if ((f = fopen(path, "w")) == NULL)
		err(1, "%s", path);
	for (i = 0; i < lg->nusers; i++)
		if (lg->users[i].token[0] != '\0')
			fprintf(f, "%s %s %s\n", lg->users[i].name,
			    lg->users[i].password, lg->users[i].token);
	if (fclose(f) == EOF)
		err(1, "%s", path);
}

static void
read_ids(struct lg *lg, const char *path)
{
	FILE		*f;
	char		 id[LG_IDLEN];
	int		 u;
	struct lg_user	*usr;

	if ((f = fopen(path, "r")) == NULL)
		return;		/* no ids: reads find nothing (404) */
	while (fscanf(f, "%d %63s", &u, id) == 2)
		if (u >= 0 && u < lg->nusers) {
			usr = &lg->users[u];
			strlcpy(usr->ids[usr->nids % LG_MAXIDS], id,
			    LG_IDLEN);
			usr->nids++;
		}
	fclose(f);
}

static void
write_ids(struct lg *lg, const char *path)
{
	FILE	*f;
	int	 i, j, n;

	if ((f = fopen(path, "w")) == NULL)
		err(1, "%s", path);
	for (i = 0; i < lg->nusers; i++) {
		n = lg->users[i].nids < LG_MAXIDS ? lg->users[i].nids :
		    LG_MAXIDS;
		for (j = 0; j < n; j++)
			fprintf(f, "%d %s\n", i, lg->users[i].ids[j]);
	}
	fclose(f);
}

static void
set_loopback(struct lg *lg, const char *host, int port)
{
	struct sockaddr_in	*sin = (struct sockaddr_in *)&lg->addr;

	memset(&lg->addr, 0, sizeof(lg->addr));
	sin->sin_family = AF_INET;
	sin->sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, host, &sin->sin_addr) != 1 ||
	    (ntohl(sin->sin_addr.s_addr) >> 24) != 127)
		errx(2, "%s: only an IPv4 loopback address is allowed", host);
	lg->addrlen = sizeof(*sin);
	lg->host = host;
	lg->port = port;
}

static SSL_CTX *
client_ctx(void)
{
	SSL_CTX	*ctx;

	if ((ctx = SSL_CTX_new(TLS_client_method())) == NULL)
		errx(1, "SSL_CTX_new");
	/* loopback only, a throw-away certificate: nothing to verify */
	SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
	/*
	 * No cache: every connection a full handshake, as a new client
	 * makes, unless its workload resumes (lg_conn.c keeps the session).
	 */
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
	SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
	return ctx;
}

static void
raise_nofile(int want)
{
	struct rlimit	 rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == -1)
		return;
	if (rl.rlim_cur < (rlim_t)want + 64) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 &&
	    rl.rlim_cur < (rlim_t)want + 64)
		errx(2, "%d connections need more than the %llu open files "
		    "allowed", want, (unsigned long long)rl.rlim_cur);
}

/* What the command line names; the rest of the run is set up from it. */
struct args {
	const char	*userfile, *idin, *idout, *host;
	int		 port, nusers;
};

static void
parse_args(struct lg *lg, struct args *a, int argc, char *argv[])
{
	int	 ch;

	memset(a, 0, sizeof(*a));
	a->host = "127.0.0.1";
	lg->nconns = 32;
	lg->duration = 10;
	while ((ch = getopt(argc, argv, "c:d:h:I:l:n:O:p:P:r:s:u:U:w:")) != -1) {
		switch (ch) {
		case 'c': lg->nconns = atoi(optarg); break;
		case 'd': lg->duration = atof(optarg); break;
		case 'h': a->host = optarg; break;
		case 'I': a->idin = optarg; break;
		case 'l': label = optarg; break;
		case 'n': lg->maxreq = strtoull(optarg, NULL, 10); break;
		case 'O': a->idout = optarg; break;
		case 'p': a->port = atoi(optarg); break;
		case 'P':
			if (lg_proc_add(lg, optarg) == -1)
				errx(2, "-P %s: want NAME:PID", optarg);
			break;
		case 'r': lg->rate = atof(optarg); break;
		case 's': lg->nsrc = atoi(optarg); break;
		case 'u': a->nusers = atoi(optarg); break;
		case 'U': a->userfile = optarg; break;
		case 'w':
			if ((lg->w = lg_workload(optarg)) == NULL)
				usage();
			break;
		default: usage();
		}
	}
	if (lg->w == NULL || a->port <= 0 || a->port > 65535 ||
	    lg->nconns < 1 || lg->nconns > LG_MAXCONNS || lg->duration <= 0 ||
	    lg->duration > 3600 || a->nusers < 0 || a->nusers > LG_MAXUSERS ||
	    lg->rate < 0 || lg->rate > 1e6 || lg->nsrc < 0 || lg->nsrc > 250)
		usage();
}

static void
setup_users(struct lg *lg, const struct args *a)
{
	if ((lg->users = calloc(LG_MAXUSERS, sizeof(*lg->users))) == NULL)
		err(1, NULL);
	if (strcmp(lg->w->name, "register") == 0) {
		if (a->userfile == NULL || a->nusers < 1)
			errx(2, "register needs -u users and -U userfile");
		make_users(lg, a->nusers);
	} else if (a->userfile != NULL)
		read_users(lg, a->userfile);
	else
		make_users(lg, 1);
	if (lg->w->stream && lg->nusers < 2)
		errx(2, "idle-events needs at least two users");
	if (a->idin != NULL)
		read_ids(lg, a->idin);
}

/* The connections, and one more: idle-events' sender, as user 0. */
static void
setup_conns(struct lg *lg)
{
	int	 i;

	if ((lg->conns = calloc((size_t)lg->nconns + 1,
	    sizeof(*lg->conns))) == NULL ||
	    (lg->wait = calloc((size_t)lg->nconns + 1,
	    sizeof(*lg->wait))) == NULL)
		err(1, NULL);
	for (i = 0; i <= lg->nconns; i++) {
		lg->conns[i].lg = lg;
		lg->conns[i].id = i;
		lg->conns[i].user = i % lg->nusers;
		if (lg->w->stream)
			lg->conns[i].user = 1 + i % (lg->nusers - 1);
		if ((lg->conns[i].body = evbuffer_new()) == NULL)
			err(1, NULL);
	}
	lg->conns[lg->nconns].user = 0;
}

static void
setup_loop(struct lg *lg)
{
	struct timeval		 hard = { 0, 0 };
	struct event		*dl;
	struct event_config	*cfg;

	hist_init(&lg->hist);
	lg->ctx = client_ctx();
	/* paced requests (-r) leave on time, not a millisecond late */
	if ((cfg = event_config_new()) == NULL ||
	    event_config_set_flag(cfg, EVENT_BASE_FLAG_PRECISE_TIMER) == -1)
		errx(1, "event_config");
	lg->base = event_base_new_with_config(cfg);
	event_config_free(cfg);
	if (lg->base == NULL ||
	    (lg->pace_ev = evtimer_new(lg->base, lg_pace_fire, lg)) == NULL ||
	    (dl = evtimer_new(lg->base, deadline, lg)) == NULL)
		errx(1, "event_base_new");
	/* whatever happens, the run ends */
	hard.tv_sec = (time_t)(lg->duration + 2 * LG_TIMEOUT + 10 +
	    lg->nconns / 100);
	evtimer_add(dl, &hard);
}

/*
 * Keep-alive workloads connect every connection first and start the
 * clock once all are up; the others start at once.
 */
static void
start(struct lg *lg)
{
	int	 i;

	if (lg->w->stream) {
		lg->rss_before = lg_proc_rss_total(lg);
		lg->measuring = 1;
		lg->t_start = lg_now();
		lg_proc_sample(lg, 0);
		while (lg->streams_started < lg->nconns &&
		    lg->streams_started < LG_RAMP)
			lg_conn_next(&lg->conns[lg->streams_started++]);
		if ((lg->tick = evtimer_new(lg->base, events_tick, lg)) ==
		    NULL)
			errx(1, "evtimer_new");
		evtimer_add(lg->tick, &tick_tv);
	} else if (lg->w->newconn || strcmp(lg->w->name, "register") == 0) {
		lg->measuring = 1;
		lg->t_start = lg->t_last = lg_now();
		lg_proc_sample(lg, 0);
		for (i = 0; i < lg->nconns; i++)
			lg_conn_next(&lg->conns[i]);
	} else
		for (i = 0; i < lg->nconns; i++)
			if (lg_conn_start(lg, &lg->conns[i]) == -1)
				lg_error(lg, "connect");
}

int
main(int argc, char *argv[])
{
	struct lg	*lg = &run;
	struct args	 a;

	parse_args(lg, &a, argc, argv);
	set_loopback(lg, a.host, a.port);
	signal(SIGPIPE, SIG_IGN);
	raise_nofile(lg->nconns + 1);
	setup_users(lg, &a);
	setup_conns(lg);
	setup_loop(lg);
	start(lg);
	event_base_dispatch(lg->base);
	if (!lg->w->stream && !lg->closed)
		lg_proc_sample(lg, 1);
	if (strcmp(lg->w->name, "register") == 0)
		write_users(lg, a.userfile);
	if (a.idout != NULL)
		write_ids(lg, a.idout);
	return lg_report(lg, label);
}
