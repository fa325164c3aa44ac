/*
 * What the parent hands each child before it drops privileges: the front
 * its listening sockets and TLS material, auth its account settings.
 *
 * The parent opens and reads everything here, as root, once at start-up;
 * a restarted child gets the same again.  The front never opens a file.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "proc.h"
#include "smsgd.h"

#define TLS_FILE_MAX	(1024 * 1024)	/* a certificate chain or a key */
#define MAX_LISTEN	8		/* addresses one name may give */

struct listener {
	int		 fd;
	enum listen_kind kind;
	char		 name[NI_MAXHOST + 16];
};

static struct {
	uint8_t		*cert;
	size_t		 certlen;
	uint8_t		*key;
	size_t		 keylen;
	struct listener	 l[2 * MAX_LISTEN];
	int		 nl;
} rs;

/* Read a whole PEM file; the key must not be readable by everyone. */
static uint8_t *
read_tls_file(const char *what, const char *path, int secret, size_t *lenp)
{
	struct stat	 sb;
	uint8_t		*buf;
	ssize_t		 n;
	int		 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1)
		fatal("tls %s %s", what, path);
	if (fstat(fd, &sb) == -1)
		fatal("tls %s %s", what, path);
	if (!S_ISREG(sb.st_mode))
		fatalx("tls %s %s: not a regular file", what, path);
	if (sb.st_size == 0 || sb.st_size > TLS_FILE_MAX)
		fatalx("tls %s %s: %lld bytes, expected 1 to %d", what, path,
		    (long long)sb.st_size, TLS_FILE_MAX);
	if (secret && (sb.st_mode & S_IROTH))
		fatalx("tls %s %s is readable by every user: chmod o-r it "
		    "(0600 is best)", what, path);
	if (secret && sb.st_uid != 0)
		fatalx("tls %s %s must be owned by root", what, path);
	if ((buf = malloc(sb.st_size)) == NULL)
		fatal(NULL);
	if ((n = read(fd, buf, sb.st_size)) != sb.st_size)
		fatalx("tls %s %s: short read", what, path);
	close(fd);
	*lenp = n;
	return buf;
}

static void
add_listener(const struct addrinfo *ai, enum listen_kind kind,
    const char *host, unsigned int port)
{
	struct listener	*l;
	int		 fd, on = 1;

	if (rs.nl == (int)(sizeof(rs.l) / sizeof(rs.l[0])))
		fatalx("%s: too many addresses", host);
	fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, ai->ai_protocol);
	if (fd == -1)
		fatal("socket");
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) == -1)
		fatal("setsockopt SO_REUSEADDR");
	if (ai->ai_family == AF_INET6 && setsockopt(fd, IPPROTO_IPV6,
	    IPV6_V6ONLY, &on, sizeof(on)) == -1)
		fatal("setsockopt IPV6_V6ONLY");
	l = &rs.l[rs.nl];
	snprintf(l->name, sizeof(l->name), "%s%s%s:%u",
	    ai->ai_family == AF_INET6 ? "[" : "", host,
	    ai->ai_family == AF_INET6 ? "]" : "", port);
	if (bind(fd, ai->ai_addr, ai->ai_addrlen) == -1)
		fatal("cannot listen on %s", l->name);
	if (listen(fd, 128) == -1)
		fatal("listen %s", l->name);
	l->fd = fd;
	l->kind = kind;
	rs.nl++;
	log_debug("listening on %s (%s)", l->name,
	    kind == LISTEN_HTTPS ? "https" : "http redirect");
}

static void
bind_port(const char *host, unsigned int port, enum listen_kind kind)
{
	struct addrinfo	 hints, *res, *ai;
	char		 num[8], addr[NI_MAXHOST];
	int		 r;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	snprintf(num, sizeof(num), "%u", port);
	if (strcmp(host, "*") == 0)
		host = NULL;
	if ((r = getaddrinfo(host, num, &hints, &res)) != 0)
		fatalx("front.listen %s: %s", host, gai_strerror(r));
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		if (getnameinfo(ai->ai_addr, ai->ai_addrlen, addr,
		    sizeof(addr), NULL, 0, NI_NUMERICHOST) != 0)
			strlcpy(addr, "?", sizeof(addr));
		add_listener(ai, kind, addr, port);
	}
	freeaddrinfo(res);
}

/* At start-up, as root, before any child exists. */
void
rolesetup_prepare(const struct smsg_config *conf)
{
	rs.cert = read_tls_file("certificate", conf->tls.cert, 0,
	    &rs.certlen);
	rs.key = read_tls_file("key", conf->tls.key, 1, &rs.keylen);
	bind_port(conf->front.listen, conf->front.port, LISTEN_HTTPS);
	if (conf->front.http_port != 0)
		bind_port(conf->front.listen, conf->front.http_port,
		    LISTEN_HTTP_REDIRECT);
}

static void
send_front(const struct smsg_config *conf)
{
	struct msgbuf	 mb;
	int		 i, fd;

	msg_init(&mb, MSG_CONF_FRONT, 0);
	msg_add_u32(&mb, conf->front.workers);
	msg_add_u32(&mb, conf->front.header_timeout);
	msg_add_u32(&mb, conf->front.body_idle_timeout);
	msg_add_u32(&mb, conf->front.body_min_rate);
	msg_add_u32(&mb, conf->front.idle_timeout);
	msg_add_u32(&mb, conf->front.form_max);
	msg_add_u32(&mb, conf->front.login_rate);
	msg_add_u32(&mb, conf->front.register_rate);
	msg_add_u16(&mb, conf->front.port);
	msg_add_u32(&mb, conf->front.max_conns);
	msg_add_u32(&mb, conf->front.event_heartbeat);
	msg_add_u32(&mb, conf->front.event_max_per_user);
	msg_add_u32(&mb, conf->front.max_conns_net);
	msg_add_u8(&mb, conf->limits.ipv4_prefix);
	msg_add_u8(&mb, conf->limits.ipv6_prefix);
	msg_add_u32(&mb, conf->store.retention);
	msg_add_u32(&mb, conf->store.retention_max);
	msg_add_u8(&mb, config_bcast_policy(conf));
	if (proc_send(PROC_FRONT, &mb) == -1)
		fatal("sending front settings");

	msg_init(&mb, MSG_CONF_TLS, 0);
	msg_add_bytes(&mb, rs.cert, rs.certlen);
	msg_add_bytes(&mb, rs.key, rs.keylen);
	msg_add_u8(&mb, conf->front.tls_tickets);
	msg_add_u32(&mb, conf->front.tls_ticket_period);
	if (proc_send(PROC_FRONT, &mb) == -1)
		fatal("sending tls material");
	/* The queued copy of the key is freed, after zeroing, by msg.c. */

	for (i = 0; i < rs.nl; i++) {
		/* The message layer closes what it sends: keep ours. */
		if ((fd = fcntl(rs.l[i].fd, F_DUPFD_CLOEXEC, 0)) == -1)
			fatal("dup");
		msg_init(&mb, MSG_CONF_LISTEN, 0);
		msg_add_u8(&mb, rs.l[i].kind);
		msg_add_string(&mb, rs.l[i].name);
		msg_set_fd(&mb, fd);
		if (proc_send(PROC_FRONT, &mb) == -1)
			fatal("sending listener %s", rs.l[i].name);
	}
}

static void
send_auth(const struct smsg_config *conf)
{
	struct msgbuf	 mb;

	msg_init(&mb, MSG_CONF_AUTH, 0);
	msg_add_u8(&mb, conf->auth.scrypt_logn);
	msg_add_u32(&mb, conf->auth.scrypt_r);
	msg_add_u32(&mb, conf->auth.scrypt_p);
	msg_add_u32(&mb, conf->auth.hash_threads);
	msg_add_u32(&mb, conf->session.idle_timeout);
	msg_add_u32(&mb, conf->session.lifetime);
	msg_add_u8(&mb, conf->auth.min_score);
	msg_add_u32(&mb, conf->auth.lockout_threshold);
	msg_add_u32(&mb, conf->auth.lockout_max);
	msg_add_string(&mb, conf->auth.issuer);
	msg_add_u8(&mb, conf->limits.ipv4_prefix);
	msg_add_u8(&mb, conf->limits.ipv6_prefix);
	msg_add_u8(&mb, config_bcast_policy(conf));
	msg_add_u32(&mb, conf->store.retention);
	msg_add_u32(&mb, conf->store.subject_max);
	if (proc_send(PROC_AUTH, &mb) == -1)
		fatal("sending auth settings");
}

static void
send_store(const struct smsg_config *conf)
{
	struct msgbuf	 mb;

	msg_init(&mb, MSG_CONF_STORE, 0);
	msg_add_u32(&mb, conf->store.subject_max);
	msg_add_u32(&mb, conf->store.body_max);
	msg_add_u32(&mb, conf->store.recipients_max);
	msg_add_u32(&mb, conf->store.files_max);
	msg_add_u64(&mb, conf->store.file_max);
	msg_add_u64(&mb, (uint64_t)conf->store.quota_mb << 20);
	msg_add_u32(&mb, conf->store.retention);
	msg_add_u32(&mb, conf->store.retention_max);
	msg_add_u32(&mb, conf->store.upload_timeout);
	msg_add_u32(&mb, conf->store.cache_mb);
	if (proc_send(PROC_STORE, &mb) == -1)
		fatal("sending store settings");
}

/* Between SETUP and SETUP_END of a (re)started child. */
void
rolesetup_send(enum proc_id id, const struct smsg_config *conf)
{
	if (id == PROC_FRONT)
		send_front(conf);
	else if (id == PROC_AUTH)
		send_auth(conf);
	else if (id == PROC_STORE)
		send_store(conf);
}
