/*
 * Configuration: defaults from configure, a libconfig file on top, and a
 * printer whose output parses again to the same configuration.
 *
 * The schema is one table; a key not in it is an error.
 */
#include "config.h"

#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <libconfig.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smsgconf.h"

enum key_type { K_PATH, K_OPTPATH, K_SOCKPATH, K_OPTSOCKPATH, K_NAME, K_HOST,
    K_UINT, K_ONOFF, K_CHOICE };

struct key {
	const char	*group;		/* NULL: top level */
	const char	*name;
	enum key_type	 type;
	size_t		 off;
	size_t		 size;		/* strings: buffer size */
	long long	 min, max;	/* K_UINT */
	const char	*help;		/* printed above the key */
};

/* messages.broadcast, in enum bcast_policy order. */
static const char *const bcast_words[] = {
	"administrators", "everyone", "nobody", NULL
};

#define S(f)	offsetof(struct smsg_config, f), sizeof(((struct smsg_config *)0)->f)
#define U(f)	offsetof(struct smsg_config, f), sizeof(unsigned int)

static const struct key schema[] = {
	{ "control", "socket", K_SOCKPATH, S(ctl_socket), 0, 0,
	  "control socket for smsgctl (root and the admin group)" },
	{ "control", "group", K_NAME, S(ctl_group), 0, 0,
	  "group allowed to use the control socket" },
	{ "control", "readonly_socket", K_OPTSOCKPATH, S(ctl_rosocket), 0, 0,
	  "socket for show commands only, open to every local user (\"\": none)" },
	{ "front", "user", K_NAME, S(proc[PROC_FRONT].user), 0, 0, NULL },
	{ "front", "chroot", K_PATH, S(proc[PROC_FRONT].dir), 0, 0,
	  "an empty directory owned by root, used by no other process" },
	{ "front", "listen", K_HOST, S(front.listen), 0, 0,
	  "address to listen on: a name, an IPv4 or IPv6 address, or \"*\"" },
	{ "front", "port", K_UINT, U(front.port), 1, 65535,
	  "HTTPS port" },
	{ "front", "http_port", K_UINT, U(front.http_port), 0, 65535,
	  "plain HTTP port that only redirects to HTTPS (0: none)" },
	{ "front", "workers", K_UINT, U(front.workers), 0, 16,
	  "connection threads (0: one per CPU)" },
	{ "front", "header_timeout", K_UINT, U(front.header_timeout), 1, 300,
	  "seconds for a client to send a request's headers" },
	{ "front", "body_idle_timeout", K_UINT, U(front.body_idle_timeout), 1,
	  600, "seconds a body may stall, or a client leave a response unread" },
	{ "front", "body_min_rate", K_UINT, U(front.body_min_rate), 0,
	  100000000, "slowest average body, bytes/s, after body_idle_timeout" },
	{ "front", "idle_timeout", K_UINT, U(front.idle_timeout), 1, 3600,
	  "seconds a kept-alive connection may wait for its next request" },
	{ "front", "form_max", K_UINT, U(front.form_max), 1024, 1048576,
	  "largest form or JSON request body, in bytes" },
	{ "front", "max_connections", K_UINT, U(front.max_conns), 1, 100000,
	  "open connections at most" },
	{ "front", "event_heartbeat", K_UINT, U(front.event_heartbeat), 1, 3600,
	  "seconds between keep-alive comments on a live event stream" },
	{ "front", "event_max_per_user", K_UINT, U(front.event_max_per_user), 1,
	  1000, "live event streams one user may hold open" },
	{ "front", "max_connections_per_network", K_UINT, U(front.max_conns_net),
	  1, 100000, "open connections at most from one client network "
	  "(see limits)" },
	{ "front", "tls_tickets", K_ONOFF, U(front.tls_tickets), 0, 1,
	  "TLS session resumption with tickets: \"on\" or \"off\"" },
	{ "front", "tls_ticket_period", K_UINT, U(front.tls_ticket_period), 1,
	  86400, "seconds a ticket key seals tickets; it opens them a period "
	  "more" },
	{ "front", "login_rate", K_UINT, U(front.login_rate), 1, 100000,
	  "sign-in attempts per minute from one client network" },
	{ "front", "register_rate", K_UINT, U(front.register_rate), 1, 100000,
	  "registrations per minute from one client network" },
	{ "tls", "certificate", K_PATH, S(tls.cert), 0, 0,
	  "PEM certificate, then its chain; read by smsgd as root" },
	{ "tls", "key", K_PATH, S(tls.key), 0, 0,
	  "PEM private key; readable by root only" },
	{ "auth", "user", K_NAME, S(proc[PROC_AUTH].user), 0, 0, NULL },
	{ "auth", "datadir", K_PATH, S(proc[PROC_AUTH].dir), 0, 0,
	  "account database; owned by the auth user, mode 0700" },
	{ "auth", "hash_threads", K_UINT, U(auth.hash_threads), 0, 8,
	  "password hashing threads (0: one per CPU)" },
	{ "auth", "scrypt_logn", K_UINT, U(auth.scrypt_logn), 10, 22,
	  "scrypt cost: N = 2^scrypt_logn" },
	{ "auth", "scrypt_r", K_UINT, U(auth.scrypt_r), 1, 32,
	  "scrypt block size" },
	{ "auth", "scrypt_p", K_UINT, U(auth.scrypt_p), 1, 16,
	  "scrypt parallelism" },
	{ "auth", "password_min_score", K_UINT, U(auth.min_score), 0, 4,
	  "weakest password strength accepted, 0 to 4 (zxcvbn score)" },
	{ "auth", "lockout_threshold", K_UINT, U(auth.lockout_threshold), 1, 100,
	  "failed sign-ins in a row before an account must wait" },
	{ "auth", "lockout_max", K_UINT, U(auth.lockout_max), 60, 86400,
	  "longest wait, in seconds, after failed sign-ins" },
	{ "auth", "issuer", K_NAME, S(auth.issuer), 0, 0,
	  "name shown by authenticator apps" },
	{ "store", "user", K_NAME, S(proc[PROC_STORE].user), 0, 0, NULL },
	{ "store", "datadir", K_PATH, S(proc[PROC_STORE].dir), 0, 0,
	  "message database; owned by the store user, mode 0700" },
	{ "store", "subject_max", K_UINT, U(store.subject_max), 1, 4096,
	  "longest subject, in bytes" },
	{ "store", "body_max", K_UINT, U(store.body_max), 1, 16777216,
	  "longest message text, in bytes" },
	{ "store", "recipients_max", K_UINT, U(store.recipients_max), 1, 256,
	  "recipients of one message at most" },
	{ "store", "cache_mb", K_UINT, U(store.cache_mb), 1, 4096,
	  "MiB of Berkeley DB cache, filled as messages are read" },
	{ "store", "files_max", K_UINT, U(store.files_max), 0, 64,
	  "files attached to one message at most" },
	{ "store", "file_max", K_UINT, U(store.file_max), 1, 2147483647,
	  "largest file, in bytes" },
	{ "store", "quota_mb", K_UINT, U(store.quota_mb), 1, 1048576,
	  "MiB of stored messages each user may have sent" },
	{ "store", "retention", K_UINT, U(store.retention), 60, 31536000,
	  "seconds a message is kept unless its sender asks for less" },
	{ "store", "retention_max", K_UINT, U(store.retention_max), 60, 31536000,
	  "longest a sender may ask a message to be kept, in seconds" },
	{ "store", "upload_timeout", K_UINT, U(store.upload_timeout), 10, 86400,
	  "seconds an unfinished upload may stay idle before it is swept" },
	{ "messages", "broadcast", K_CHOICE, S(messages.broadcast), 0, 0,
	  "who may broadcast: administrators, everyone or nobody" },
	{ "web", "user", K_NAME, S(proc[PROC_WEB].user), 0, 0, NULL },
	{ "web", "chroot", K_PATH, S(proc[PROC_WEB].dir), 0, 0,
	  "an empty directory owned by root, used by no other process" },
	{ "session", "idle_timeout", K_UINT, U(session.idle_timeout), 1, 86400,
	  "seconds of inactivity that end a session" },
	{ "session", "lifetime", K_UINT, U(session.lifetime), 60, 604800,
	  "seconds after sign-in that end a session in any case" },
	{ "limits", "ipv4_prefix", K_UINT, U(limits.ipv4_prefix), 8, 32,
	  "IPv4 clients sharing this many leading bits are one network" },
	{ "limits", "ipv6_prefix", K_UINT, U(limits.ipv6_prefix), 16, 128,
	  "IPv6 clients sharing this many leading bits are one network" },
	{ "restart", "limit", K_UINT, U(restart_limit), 1, 100,
	  "a child that dies more often than this ..." },
	{ "restart", "window", K_UINT, U(restart_window), 1, 3600,
	  "... within this many seconds stops the daemon" },
};
#define NKEYS	(sizeof(schema) / sizeof(schema[0]))

void
config_defaults(struct smsg_config *c)
{
	memset(c, 0, sizeof(*c));
	strlcpy(c->source, "built-in", sizeof(c->source));
	strlcpy(c->ctl_socket, PATH_CTLSOCK, sizeof(c->ctl_socket));
	strlcpy(c->ctl_group, SMSG_ADMIN_GROUP, sizeof(c->ctl_group));
	strlcpy(c->proc[PROC_FRONT].user, SMSG_USER_FRONT, CONFIG_NAMELEN);
	strlcpy(c->proc[PROC_AUTH].user, SMSG_USER_AUTH, CONFIG_NAMELEN);
	strlcpy(c->proc[PROC_STORE].user, SMSG_USER_STORE, CONFIG_NAMELEN);
	strlcpy(c->proc[PROC_WEB].user, SMSG_USER_WEB, CONFIG_NAMELEN);
	strlcpy(c->proc[PROC_FRONT].dir, PATH_DATADIR "/front", PATH_MAX);
	strlcpy(c->proc[PROC_WEB].dir, PATH_DATADIR "/web", PATH_MAX);
	strlcpy(c->proc[PROC_AUTH].dir, PATH_DATADIR "/auth", PATH_MAX);
	strlcpy(c->proc[PROC_STORE].dir, PATH_DATADIR "/store", PATH_MAX);
	c->restart_limit = 5;
	c->restart_window = 60;
	strlcpy(c->front.listen, "localhost", sizeof(c->front.listen));
	c->front.port = 8443;
	c->front.http_port = 0;
	c->front.workers = 0;
	c->front.header_timeout = 10;
	c->front.body_idle_timeout = 30;
	c->front.body_min_rate = 1024;
	c->front.event_heartbeat = 30;
	c->front.event_max_per_user = 8;
	c->front.idle_timeout = 60;
	c->front.form_max = 65536;
	c->front.max_conns = 1024;
	c->front.max_conns_net = 64;
	c->front.login_rate = 20;
	c->front.register_rate = 5;
	c->front.tls_tickets = 1;
	c->front.tls_ticket_period = 3600;
	strlcpy(c->tls.cert, PATH_TLSCERT, sizeof(c->tls.cert));
	strlcpy(c->tls.key, PATH_TLSKEY, sizeof(c->tls.key));
	c->auth.hash_threads = 0;
	c->auth.scrypt_logn = 17;
	c->auth.scrypt_r = 8;
	c->auth.scrypt_p = 1;
	c->auth.min_score = 3;
	c->auth.lockout_threshold = 5;
	c->auth.lockout_max = 3600;
	strlcpy(c->auth.issuer, "smsg", sizeof(c->auth.issuer));
	c->session.idle_timeout = 900;
	c->session.lifetime = 43200;
	c->store.subject_max = 256;
	c->store.body_max = 1048576;
	c->store.recipients_max = 50;
	c->store.files_max = 20;
	c->store.file_max = 104857600;
	c->store.quota_mb = 1024;
	c->store.retention = 604800;
	c->store.retention_max = 2592000;
	c->store.upload_timeout = 300;
	c->store.cache_mb = 8;
	strlcpy(c->messages.broadcast, bcast_words[BCAST_ADMINS],
	    sizeof(c->messages.broadcast));
	c->limits.ipv4_prefix = 32;
	c->limits.ipv6_prefix = 64;
}

static const struct key *
schema_find(const char *group, const char *name)
{
	size_t	 i;

	for (i = 0; i < NKEYS; i++) {
		if ((group == NULL) != (schema[i].group == NULL))
			continue;
		if (group != NULL && strcmp(group, schema[i].group) != 0)
			continue;
		if (strcmp(name, schema[i].name) == 0)
			return &schema[i];
	}
	return NULL;
}

static int
schema_has_group(const char *group)
{
	size_t	 i;

	for (i = 0; i < NKEYS; i++)
		if (schema[i].group != NULL &&
		    strcmp(schema[i].group, group) == 0)
			return 1;
	return 0;
}

static int
valid_name(const char *s)
{
	size_t	 i;

	if (s[0] == '\0' || s[0] == '-')
		return 0;
	for (i = 0; s[i] != '\0'; i++)
		if (!(s[i] >= 'a' && s[i] <= 'z') &&
		    !(s[i] >= 'A' && s[i] <= 'Z') &&
		    !(s[i] >= '0' && s[i] <= '9') &&
		    s[i] != '_' && s[i] != '-' && s[i] != '.')
			return 0;
	return 1;
}

/* A name, an address (IPv6 without brackets) or "*": getaddrinfo decides. */
static int
valid_host(const char *s)
{
	size_t	 i;

	if (strcmp(s, "*") == 0)
		return 1;
	if (s[0] == '\0' || s[0] == '-' || s[0] == '.')
		return 0;
	for (i = 0; s[i] != '\0'; i++)
		if (!(s[i] >= 'a' && s[i] <= 'z') &&
		    !(s[i] >= 'A' && s[i] <= 'Z') &&
		    !(s[i] >= '0' && s[i] <= '9') &&
		    s[i] != '-' && s[i] != '.' && s[i] != ':')
			return 0;
	return 1;
}

/* The words a K_CHOICE key allows (one such key so far). */
static const char *const *
key_choices(const struct key *k)
{
	return bcast_words;
}

static int
valid_choice(const struct key *k, const char *s)
{
	const char *const *w = key_choices(k);
	size_t		 i;

	for (i = 0; w[i] != NULL; i++)
		if (strcmp(s, w[i]) == 0)
			return 1;
	return 0;
}

/* "a, b or c" */
static const char *
choice_list(const struct key *k)
{
	const char *const *w = key_choices(k);
	static char	 buf[256];
	size_t		 i;

	buf[0] = '\0';
	for (i = 0; w[i] != NULL; i++) {
		if (i > 0)
			strlcat(buf, w[i + 1] == NULL ? " or " : ", ",
			    sizeof(buf));
		strlcat(buf, w[i], sizeof(buf));
	}
	return buf;
}

/* The position of a K_CHOICE key's value in its list: an enum. */
int
config_bcast_policy(const struct smsg_config *c)
{
	size_t	 i;

	for (i = 0; bcast_words[i] != NULL; i++)
		if (strcmp(c->messages.broadcast, bcast_words[i]) == 0)
			return (int)i;
	return BCAST_NOBODY;	/* never: the parser allowed no other */
}

static int
has_control(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 1;
	return 0;
}

#define SETERR(...)	snprintf(err, errlen, __VA_ARGS__)

/* Apply one setting; on error write "file:line: problem" into err. */
static int
config_apply(struct smsg_config *c, const config_setting_t *s,
    const char *group, const char *file, char *err, size_t errlen)
{
	const struct key	*k;
	const char		*name = config_setting_name(s);
	const char		*str;
	char			*dst;
	long long		 v;
	int			 line = config_setting_source_line(s);

	if ((k = schema_find(group, name)) == NULL) {
		if (group != NULL)
			SETERR("%s:%d: unknown key \"%s\" in %s", file, line,
			    name, group);
		else
			SETERR("%s:%d: unknown key \"%s\"", file, line, name);
		return -1;
	}
	if (k->type == K_UINT) {
		if (config_setting_type(s) != CONFIG_TYPE_INT &&
		    config_setting_type(s) != CONFIG_TYPE_INT64) {
			SETERR("%s:%d: %s.%s must be a number", file, line,
			    k->group, name);
			return -1;
		}
		v = config_setting_get_int64(s);
		if (v < k->min || v > k->max) {
			SETERR("%s:%d: %s.%s is %lld, must be %lld to %lld",
			    file, line, k->group, name, v, k->min, k->max);
			return -1;
		}
		*(unsigned int *)((char *)c + k->off) = (unsigned int)v;
		return 0;
	}
	if (config_setting_type(s) != CONFIG_TYPE_STRING) {
		SETERR("%s:%d: %s.%s must be a string", file, line,
		    k->group, name);
		return -1;
	}
	str = config_setting_get_string(s);
	if (k->type == K_ONOFF) {
		if (strcmp(str, "on") != 0 && strcmp(str, "off") != 0) {
			SETERR("%s:%d: %s.%s must be \"on\" or \"off\"",
			    file, line, k->group, name);
			return -1;
		}
		*(unsigned int *)((char *)c + k->off) = str[1] == 'n';
		return 0;
	}
	if (strlen(str) >= k->size) {
		SETERR("%s:%d: %s.%s is too long", file, line, k->group, name);
		return -1;
	}
	if (has_control(str)) {
		SETERR("%s:%d: %s.%s contains a control character", file,
		    line, k->group, name);
		return -1;
	}
	if ((k->type == K_SOCKPATH || k->type == K_OPTSOCKPATH) &&
	    strlen(str) >= sizeof(((struct sockaddr_un *)0)->sun_path)) {
		SETERR("%s:%d: %s.%s is longer than a socket path may be "
		    "(%zu)", file, line, k->group, name,
		    sizeof(((struct sockaddr_un *)0)->sun_path) - 1);
		return -1;
	}
	if (((k->type == K_PATH || k->type == K_SOCKPATH) && str[0] != '/') ||
	    ((k->type == K_OPTPATH || k->type == K_OPTSOCKPATH) &&
	    str[0] != '\0' && str[0] != '/')) {
		SETERR("%s:%d: %s.%s must be an absolute path", file, line,
		    k->group, name);
		return -1;
	}
	if (k->type == K_HOST && !valid_host(str)) {
		SETERR("%s:%d: %s.%s is not a host name or address",
		    file, line, k->group, name);
		return -1;
	}
	if (k->type == K_CHOICE && !valid_choice(k, str)) {
		SETERR("%s:%d: %s.%s is \"%s\", must be %s", file, line,
		    k->group, name, str, choice_list(k));
		return -1;
	}
	if (k->type == K_NAME && !valid_name(str)) {
		SETERR("%s:%d: %s.%s is not a valid user or group name",
		    file, line, k->group, name);
		return -1;
	}
	dst = (char *)c + k->off;
	strlcpy(dst, str, k->size);
	return 0;
}

static int
config_walk(struct smsg_config *c, const config_setting_t *root,
    const char *file, char *err, size_t errlen)
{
	const config_setting_t	*g, *s;
	int			 i, j;

	for (i = 0; (g = config_setting_get_elem(root, i)) != NULL; i++) {
		const char	*gname = config_setting_name(g);

		if (config_setting_type(g) != CONFIG_TYPE_GROUP) {
			if (config_apply(c, g, NULL, file, err, errlen) == -1)
				return -1;
			continue;
		}
		if (!schema_has_group(gname)) {
			SETERR("%s:%d: unknown section \"%s\"", file,
			    config_setting_source_line(g), gname);
			return -1;
		}
		for (j = 0; (s = config_setting_get_elem(g, j)) != NULL; j++) {
			if (config_setting_type(s) == CONFIG_TYPE_GROUP) {
				SETERR("%s:%d: unexpected section \"%s\" in "
				    "%s", file, config_setting_source_line(s),
				    config_setting_name(s), gname);
				return -1;
			}
			if (config_apply(c, s, gname, file, err, errlen) == -1)
				return -1;
		}
	}
	return 0;
}

/* What no single key can say. */
static int
config_check(const struct smsg_config *c, const char *file, char *err,
    size_t errlen)
{
	unsigned long long	 mem;

	mem = 128ULL * c->auth.scrypt_r << c->auth.scrypt_logn;
	if (mem > CONFIG_SCRYPT_MAXMEM) {
		SETERR("%s: auth.scrypt_logn %u with scrypt_r %u needs %llu "
		    "MiB per password, more than %llu", file,
		    c->auth.scrypt_logn, c->auth.scrypt_r, mem >> 20,
		    CONFIG_SCRYPT_MAXMEM >> 20);
		return -1;
	}
	if (c->front.http_port == c->front.port) {
		SETERR("%s: front.http_port and front.port are both %u",
		    file, c->front.port);
		return -1;
	}
	if (c->store.retention > c->store.retention_max) {
		SETERR("%s: store.retention is longer than store.retention_max",
		    file);
		return -1;
	}
	if (c->session.idle_timeout > c->session.lifetime) {
		SETERR("%s: session.idle_timeout is longer than "
		    "session.lifetime", file);
		return -1;
	}
	return 0;
}

/*
 * Read path over the defaults already in c.  Returns 0, or -1 with a
 * message naming the file and line in err.
 */
int
config_load(struct smsg_config *c, const char *path, char *err, size_t errlen)
{
	config_t	 cf;
	struct stat	 sb;
	FILE		*fp;
	int		 r;

	if ((fp = fopen(path, "r")) == NULL) {
		SETERR("%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fileno(fp), &sb) == -1 || !S_ISREG(sb.st_mode)) {
		SETERR("%s: not a regular file", path);
		fclose(fp);
		return -1;
	}
	config_init(&cf);
	r = config_read(&cf, fp);
	fclose(fp);
	if (r != CONFIG_TRUE) {
		SETERR("%s:%d: %s", path, config_error_line(&cf),
		    config_error_text(&cf));
		config_destroy(&cf);
		return -1;
	}
	r = config_walk(c, config_root_setting(&cf), path, err, errlen);
	config_destroy(&cf);
	if (r == 0)
		r = config_check(c, path, err, errlen);
	if (r == 0)
		strlcpy(c->source, path, sizeof(c->source));
	return r;
}

static void
print_string(FILE *fp, const char *s)
{
	fputc('"', fp);
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', fp);
		fputc(*s, fp);
	}
	fputc('"', fp);
}

/* Every key, grouped, in schema order: the output parses again. */
void
config_print(const struct smsg_config *c, FILE *fp)
{
	const char	*group = NULL;
	size_t		 i;

	for (i = 0; i < NKEYS; i++) {
		const struct key	*k = &schema[i];
		const char		*p = (const char *)c + k->off;

		if (group == NULL || strcmp(group, k->group) != 0) {
			if (group != NULL)
				fprintf(fp, "};\n\n");
			group = k->group;
			fprintf(fp, "%s:\n{\n", group);
		}
		if (k->help != NULL)
			fprintf(fp, "\t# %s\n", k->help);
		fprintf(fp, "\t%s = ", k->name);
		if (k->type == K_UINT)
			fprintf(fp, "%u", *(const unsigned int *)p);
		else if (k->type == K_ONOFF)
			print_string(fp, *(const unsigned int *)p ? "on" : "off");
		else
			print_string(fp, p);
		fprintf(fp, ";\n");
	}
	if (group != NULL)
		fprintf(fp, "};\n");
}
