/*
 * loadgen's workloads: what each request is and what counts as a good
 * answer.  The smsg ones follow the JSON API (/api/v1); the nginx ones
 * fetch the files and the discarding location of bench/run.sh's nginx
 * configuration; smtp is in lg_smtp.c.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "loadgen.h"

#define BOUNDARY	"smsgbenchboundary7d1f"

static char	 text1k[1025];

static void
head(struct lg_conn *c, struct evbuffer *out, const char *method,
    const char *path, const char *type, uint64_t len, int bearer)
{
	struct lg_user	*u = &c->lg->users[c->user];

	evbuffer_add_printf(out, "%s %s HTTP/1.1\r\nHost: %s:%d\r\n", method,
	    path, c->lg->host, c->lg->port);
	if (bearer)
		evbuffer_add_printf(out, "Authorization: Bearer %s\r\n",
		    u->token);
	if (type != NULL)
		evbuffer_add_printf(out, "Content-Type: %s\r\n", type);
	if (type != NULL || strcmp(method, "POST") == 0)
		evbuffer_add_printf(out, "Content-Length: %llu\r\n",
		    (unsigned long long)len);
	if (c->lg->w->newconn)
		evbuffer_add_printf(out, "Connection: close\r\n");
	evbuffer_add(out, "\r\n", 2);
}

/* A top-level string of a JSON answer, copied into buf. */
int
lg_json_string(struct evbuffer *body, const char *key, char *buf,
    size_t len)
{
	json_t		*j;
	const char	*s;
	int		 r = -1;

	j = json_loadb((const char *)evbuffer_pullup(body, -1),
	    evbuffer_get_length(body), 0, NULL);
	if (j == NULL)
		return -1;
	if ((s = json_string_value(json_object_get(j, key))) != NULL &&
	    strlen(s) < len) {
		strlcpy(buf, s, len);
		r = 0;
	}
	json_decref(j);
	return r;
}

static void
keep_id(struct lg_conn *c, struct evbuffer *body)
{
	struct lg_user	*u = &c->lg->users[c->user];
	char		 id[LG_IDLEN];

	if (lg_json_string(body, "id", id, sizeof(id)) == -1)
		return;
	strlcpy(u->ids[u->nids % LG_MAXIDS], id, LG_IDLEN);
	u->nids++;
}

static const char *
some_id(struct lg_conn *c)
{
	struct lg_user	*u = &c->lg->users[c->user];
	int		 n = u->nids < LG_MAXIDS ? u->nids : LG_MAXIDS;

	if (n == 0)
		return "none";
	return u->ids[arc4random_uniform(n)];
}

static int
is200(struct lg_conn *c, int status, struct evbuffer *b)
{
	(void)c;
	(void)b;
	return status == 200;
}

static int
is201_id(struct lg_conn *c, int status, struct evbuffer *b)
{
	if (status != 201)
		return 0;
	keep_id(c, b);
	return 1;
}

static uint64_t
b_register(struct lg_conn *c, struct evbuffer *out)
{
	struct lg_user	*u = &c->lg->users[c->user];
	char		 body[256];
	int		 n;

	n = snprintf(body, sizeof(body), "{\"username\": \"%s\", "
	    "\"password\": \"%s\"}", u->name, u->password);
	head(c, out, "POST", c->phase == 0 ? "/api/v1/register" :
	    "/api/v1/login", "application/json", (uint64_t)n, 0);
	evbuffer_add(out, body, (size_t)n);
	return 0;
}

/* Registers, then signs in, each of this connection's users in turn. */
static int
a_register(struct lg_conn *c, int status, struct evbuffer *b)
{
	struct lg_user	*u = &c->lg->users[c->user];

	if (c->phase == 0) {
		if (status != 201)
			c->user += c->lg->nconns;	/* give this one up */
		else
			c->phase = 1;
		return status == 201;
	}
	c->phase = 0;
	c->user += c->lg->nconns;
	return status == 200 &&
	    lg_json_string(b, "token", u->token, sizeof(u->token)) == 0;
}

static uint64_t
b_login(struct lg_conn *c, struct evbuffer *out)
{
	c->phase = 1;
	return b_register(c, out);
}

static uint64_t
b_me(struct lg_conn *c, struct evbuffer *out)
{
	head(c, out, "GET", "/api/v1/me", NULL, 0, 1);
	return 0;
}

static int
peer_of(struct lg_conn *c)
{
	return (c->user + 1) % c->lg->nusers;
}

static uint64_t
b_send(struct lg_conn *c, struct evbuffer *out)
{
	struct evbuffer	*b = evbuffer_new();
	uint64_t	 n;

	if (text1k[0] == '\0')
		memset(text1k, 'm', sizeof(text1k) - 1);
	evbuffer_add_printf(b, "{\"to\": [\"%s\"], \"subject\": \"bench\", "
	    "\"body\": \"%s\"}", c->lg->users[peer_of(c)].name, text1k);
	n = evbuffer_get_length(b);
	head(c, out, "POST", "/api/v1/messages", "application/json", n, 1);
	evbuffer_add_buffer(out, b);
	evbuffer_free(b);
	return 0;
}

static uint64_t
b_read(struct lg_conn *c, struct evbuffer *out)
{
	char	 path[128];

	snprintf(path, sizeof(path), "/api/v1/messages/%s", some_id(c));
	head(c, out, "GET", path, NULL, 0, 1);
	return 0;
}

static uint64_t
b_list(struct lg_conn *c, struct evbuffer *out)
{
	head(c, out, "GET", "/api/v1/messages?folder=inbox&limit=50", NULL,
	    0, 1);
	return 0;
}

/* 70 % reads, 20 % lists, 10 % sends. */
static uint64_t
b_mixed(struct lg_conn *c, struct evbuffer *out)
{
	uint32_t	 r = arc4random_uniform(100);

	c->phase = r < 70 ? 0 : r < 90 ? 1 : 2;
	if (c->phase == 0)
		return b_read(c, out);
	if (c->phase == 1)
		return b_list(c, out);
	return b_send(c, out);
}

static int
a_mixed(struct lg_conn *c, int status, struct evbuffer *b)
{
	if (c->phase == 2)
		return is201_id(c, status, b);
	return status == 200;
}

static uint64_t
b_upload(struct lg_conn *c, struct evbuffer *out)
{
	static char	 pre[512], suf[64];
	int		 np, ns;

	np = snprintf(pre, sizeof(pre), "--" BOUNDARY "\r\n"
	    "Content-Disposition: form-data; name=\"message\"\r\n"
	    "Content-Type: application/json\r\n\r\n"
	    "{\"to\": [\"%s\"], \"body\": \"a file\"}\r\n"
	    "--" BOUNDARY "\r\n"
	    "Content-Disposition: form-data; name=\"file\"; "
	    "filename=\"bench.bin\"\r\n"
	    "Content-Type: application/octet-stream\r\n\r\n",
	    c->lg->users[peer_of(c)].name);
	ns = snprintf(suf, sizeof(suf), "\r\n--" BOUNDARY "--\r\n");
	head(c, out, "POST", "/api/v1/messages",
	    "multipart/form-data; boundary=" BOUNDARY,
	    (uint64_t)np + LG_BIGBODY + (uint64_t)ns, 1);
	evbuffer_add(out, pre, (size_t)np);
	c->suffix = suf;
	return LG_BIGBODY;
}

static uint64_t
b_download(struct lg_conn *c, struct evbuffer *out)
{
	char	 path[160];

	snprintf(path, sizeof(path), "/api/v1/messages/%s/files/0",
	    some_id(c));
	head(c, out, "GET", path, NULL, 0, 1);
	return 0;
}

/*
 * idle-events: every connection but the last holds GET /api/v1/events
 * open; the last (phase 1) sends one message to every user once the
 * streams are all open.
 */
static uint64_t
b_events(struct lg_conn *c, struct evbuffer *out)
{
	struct evbuffer	*b;
	uint64_t	 n;
	int		 i;

	if (c->phase == 0) {
		head(c, out, "GET", "/api/v1/events", NULL, 0, 1);
		return 0;
	}
	b = evbuffer_new();
	evbuffer_add_printf(b, "{\"to\": [");
	for (i = 1; i < c->lg->nusers; i++)
		evbuffer_add_printf(b, "%s\"%s\"", i > 1 ? ", " : "",
		    c->lg->users[i].name);
	evbuffer_add_printf(b, "], \"body\": \"one event for all\"}");
	n = evbuffer_get_length(b);
	head(c, out, "POST", "/api/v1/messages", "application/json", n, 1);
	evbuffer_add_buffer(out, b);
	evbuffer_free(b);
	return 0;
}

static int
a_events(struct lg_conn *c, int status, struct evbuffer *b)
{
	struct lg	*lg = c->lg;
	size_t		 len;
	char		*p, *nl;

	if (c->phase == 1) {
		lg->stopping = 1;	/* one message, once */
		return status == 201;
	}
	if (!c->settled) {		/* opened or refused: open the next */
		c->settled = 1;
		lg_stream_settled(lg);
	}
	if (status == -2) {		/* the stream ended */
		if (c->status == 200 && c->events == 0)
			lg->streams_open--;
		c->status = 0;
		return 0;
	}
	if (status >= 0) {
		if (status == 200) {
			lg->streams_open++;
			return 1;
		}
		return 0;
	}
	len = evbuffer_get_length(b);
	p = (char *)evbuffer_pullup(b, -1);
	if (c->events == 0 && len > 0 &&
	    (memmem(p, len, "event: message", 14) != NULL ||
	    memmem(p, len, "event:message", 13) != NULL)) {
		c->events = 1;
		lg->streams_got++;
		if (lg->streams_got >= lg->streams_open)
			lg->event_ms = (lg_now() - lg->t_event) * 1e3;
	}
	if ((nl = memrchr(p, '\n', len)) != NULL)
		evbuffer_drain(b, (size_t)(nl - p) + 1);
	else if (len > 16384)
		evbuffer_drain(b, len);
	return 0;
}

static uint64_t
b_static1k(struct lg_conn *c, struct evbuffer *out)
{
	head(c, out, "GET", "/1k", NULL, 0, 0);
	return 0;
}

static uint64_t
b_static10m(struct lg_conn *c, struct evbuffer *out)
{
	head(c, out, "GET", "/10m", NULL, 0, 0);
	return 0;
}

static uint64_t
b_discard(struct lg_conn *c, struct evbuffer *out)
{
	head(c, out, "POST", "/upload", "application/octet-stream",
	    LG_BIGBODY, 0);
	return LG_BIGBODY;
}

static int
is2xx(struct lg_conn *c, int status, struct evbuffer *b)
{
	(void)c;
	(void)b;
	return status >= 200 && status < 300;
}

static int
a_smtp(struct lg_conn *c, int status, struct evbuffer *b)
{
	(void)c;
	(void)b;
	return status == 250;
}

static const struct lg_workload workloads[] = {
	{ "register", LG_HTTP, 0, 0, b_register, a_register,
	  "POST /api/v1/register, then /api/v1/login" },
	{ "login", LG_HTTP, 0, 0, b_login, is200,
	  "POST /api/v1/login (a full scrypt sign-in)" },
	{ "handshake", LG_HTTP, 1, 0, b_me, is200,
	  "GET /api/v1/me on a new TLS connection each" },
	{ "handshake-resume", LG_HTTP, 2, 0, b_me, is200,
	  "GET /api/v1/me on a new TLS connection each, resuming the "
	  "last one's session" },
	{ "me", LG_HTTP, 0, 0, b_me, is200,
	  "GET /api/v1/me, keep-alive" },
	{ "send", LG_HTTP, 0, 0, b_send, is201_id,
	  "POST /api/v1/messages, 1 KiB to one recipient" },
	{ "read", LG_HTTP, 0, 0, b_read, is200,
	  "GET /api/v1/messages/{id}" },
	{ "list", LG_HTTP, 0, 0, b_list, is200,
	  "GET /api/v1/messages?folder=inbox&limit=50" },
	{ "mixed", LG_HTTP, 0, 0, b_mixed, a_mixed,
	  "70 % read, 20 % list, 10 % send" },
	{ "upload", LG_HTTP, 0, 0, b_upload, is201_id,
	  "POST /api/v1/messages with a 10 MiB file" },
	{ "download", LG_HTTP, 0, 0, b_download, is200,
	  "GET /api/v1/messages/{id}/files/0, 10 MiB" },
	{ "idle-events", LG_HTTP, 0, 1, b_events, a_events,
	  "GET /api/v1/events held open, then one message to all" },
	{ "static-1k", LG_HTTP, 0, 0, b_static1k, is200,
	  "GET /1k, keep-alive" },
	{ "static-1k-new", LG_HTTP, 1, 0, b_static1k, is200,
	  "GET /1k on a new TLS connection each" },
	{ "static-1k-resume", LG_HTTP, 2, 0, b_static1k, is200,
	  "GET /1k on a new TLS connection each, resuming the last one's "
	  "session" },
	{ "static-10m", LG_HTTP, 0, 0, b_static10m, is200,
	  "GET /10m" },
	{ "discard-10m", LG_HTTP, 0, 0, b_discard, is2xx,
	  "POST /upload, 10 MiB, discarded" },
	{ "smtp", LG_SMTP, 0, 0, lg_smtp_build, a_smtp,
	  "MAIL, RCPT, DATA of 1 KiB over SMTP, keep-alive" },
};

const struct lg_workload *
lg_workload(const char *name)
{
	size_t	 i;

	for (i = 0; i < sizeof(workloads) / sizeof(workloads[0]); i++)
		if (strcmp(workloads[i].name, name) == 0)
			return &workloads[i];
	return NULL;
}

void
lg_workloads_usage(void)
{
	size_t	 i;

	for (i = 0; i < sizeof(workloads) / sizeof(workloads[0]); i++)
		fprintf(stderr, "  %-14s %s\n", workloads[i].name,
		    workloads[i].what);
}
