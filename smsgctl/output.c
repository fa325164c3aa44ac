/*
 * Output back ends: human text, and JSON for scripts (-j).
 */
#include "config.h"

#include <ctype.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "proto.h"
#include "smsgctl.h"

#define TABLE_COLS	8
#define TABLE_MAXROWS	100000	/* more than any install has users */

static enum ctl_action	 command;

static long long
uptime_of(uint64_t started)
{
	time_t	 now = time(NULL);

	if (started == 0 || (time_t)started > now)
		return 0;
	return (long long)(now - (time_t)started);
}

static const char *
fmt_duration(long long s, char *buf, size_t len)
{
	if (s >= 86400)
		snprintf(buf, len, "%lldd %02lldh", s / 86400, s % 86400 / 3600);
	else if (s >= 3600)
		snprintf(buf, len, "%lldh %02lldm", s / 3600, s % 3600 / 60);
	else if (s >= 60)
		snprintf(buf, len, "%lldm %02llds", s / 60, s % 60);
	else
		snprintf(buf, len, "%llds", s);
	return buf;
}

/* ISO 8601 in UTC; "-" for 0, which means never. */
static const char *
fmt_time(uint64_t t, char *buf, size_t len)
{
	time_t		 tt = (time_t)t;
	struct tm	 tm;

	if (t == 0 || t > (uint64_t)INT64_MAX || gmtime_r(&tt, &tm) == NULL ||
	    strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		strlcpy(buf, "-", len);
	return buf;
}

static const char *
lock_text(const struct user_info *u, char *buf, size_t len)
{
	char	 until[32];

	switch (u->lock) {
	case USER_LOCK_NONE:
		strlcpy(buf, "-", len);
		break;
	case USER_LOCK_FAILURES:
		snprintf(buf, len, "failures until %s",
		    fmt_time(u->locked_until, until, sizeof(until)));
		break;
	case USER_LOCK_ADMIN:
		strlcpy(buf, "admin", len);
		break;
	default:
		snprintf(buf, len, "unknown (%u)", u->lock);
	}
	return buf;
}

/*
 * Text tables are kept until the list ends, so every column is as wide
 * as its widest cell.
 */
static struct {
	int	 ncols;
	char	**cells;	/* nrows * ncols, row 0 the header */
	size_t	 nrows;
} tbl;

static void
table_row(const char *cols[], int n)
{
	char	**cells;
	int	 i;

	if (tbl.nrows >= TABLE_MAXROWS)
		return;
	cells = reallocarray(tbl.cells, (tbl.nrows + 1) * TABLE_COLS,
	    sizeof(*cells));
	if (cells == NULL) {
		fprintf(stderr, "smsgctl: out of memory\n");
		exit(EXIT_FAILED);
	}
	tbl.cells = cells;
	for (i = 0; i < TABLE_COLS; i++) {
		cells[tbl.nrows * TABLE_COLS + i] =
		    strdup(i < n && cols[i] != NULL ? cols[i] : "");
		if (cells[tbl.nrows * TABLE_COLS + i] == NULL) {
			fprintf(stderr, "smsgctl: out of memory\n");
			exit(EXIT_FAILED);
		}
	}
	tbl.ncols = n;
	tbl.nrows++;
}

static void
table_print(void)
{
	size_t	 width[TABLE_COLS] = { 0 }, r, len;
	int	 c;

	for (r = 0; r < tbl.nrows; r++)
		for (c = 0; c < tbl.ncols; c++)
			if ((len = strlen(tbl.cells[r * TABLE_COLS + c])) >
			    width[c])
				width[c] = len;
	for (r = 0; r < tbl.nrows; r++) {
		for (c = 0; c < tbl.ncols; c++) {
			const char	*s = tbl.cells[r * TABLE_COLS + c];

			if (c == tbl.ncols - 1)
				printf("%s\n", s);
			else
				printf("%-*s  ", (int)width[c], s);
		}
	}
	for (r = 0; r < tbl.nrows * TABLE_COLS; r++)
		free(tbl.cells[r]);
	free(tbl.cells);
	memset(&tbl, 0, sizeof(tbl));
}

static void
text_begin(enum ctl_action a)
{
	static const char *users[] = { "NAME", "UID", "CREATED", "LOCK",
	    "2FA", "SESSIONS", "LAST-LOGIN" };
	static const char *sessions[] = { "ID", "NAME", "CREATED",
	    "LAST-SEEN", "EXPIRES", "ADDRESS" };

	command = a;
	if (a == ACT_USER_LIST)
		table_row(users, 7);
	else if (a == ACT_SHOW_SESSIONS)
		table_row(sessions, 6);
}

static void
text_status_daemon(const struct status_daemon *d)
{
	char	 up[32];

	printf("smsgd %s, pid %u, up %s\n", d->version, d->pid,
	    fmt_duration(uptime_of(d->started), up, sizeof(up)));
	printf("%-12s %-8s %-12s %-9s %-9s %s\n", "PROCESS", "PID", "USER",
	    "UPTIME", "STATE", "RESTARTS");
}

static void
text_status_proc(const struct status_proc *p)
{
	char	 up[32], pid[16];

	snprintf(pid, sizeof(pid), "%u", p->pid);
	printf("%-12s %-8s %-12s %-9s %-9s %u\n", p->name,
	    p->pid ? pid : "-", p->user,
	    p->pid ? fmt_duration(uptime_of(p->started), up, sizeof(up)) : "-",
	    p->state, p->restarts);
}

/* show user: one block of "key: value" lines. */
static void
text_user_block(const struct user_info *u)
{
	char	 t[32], lock[64];

	printf("name:        %s\n", u->name);
	printf("uid:         %u\n", u->uid);
	printf("created:     %s\n", fmt_time(u->created, t, sizeof(t)));
	printf("lock:        %s\n", lock_text(u, lock, sizeof(lock)));
	printf("failures:    %u\n", u->failures);
	printf("2fa:         %s\n", u->totp_on ? "on" : "off");
	printf("sessions:    %u\n", u->sessions);
	printf("last login:  %s\n", fmt_time(u->last_login, t, sizeof(t)));
	printf("admin:       %s\n", u->admin ? "yes" : "no");
}

static void
text_user(const struct user_info *u)
{
	char		 uid[16], created[32], lock[64], nsess[16], last[32];
	const char	*row[7];

	if (command != ACT_USER_LIST) {
		text_user_block(u);
		return;
	}
	snprintf(uid, sizeof(uid), "%u", u->uid);
	snprintf(nsess, sizeof(nsess), "%u", u->sessions);
	row[0] = u->name;
	row[1] = uid;
	row[2] = fmt_time(u->created, created, sizeof(created));
	row[3] = lock_text(u, lock, sizeof(lock));
	row[4] = u->totp_on ? "on" : "off";
	row[5] = nsess;
	row[6] = fmt_time(u->last_login, last, sizeof(last));
	table_row(row, 7);
}

static void
text_session(const struct session_info *s)
{
	char		 id[20], created[32], seen[32], expires[32];
	const char	*row[6];

	snprintf(id, sizeof(id), "%016llx", (unsigned long long)s->id);
	row[0] = id;
	row[1] = s->name;
	row[2] = fmt_time(s->created, created, sizeof(created));
	row[3] = fmt_time(s->last_seen, seen, sizeof(seen));
	row[4] = fmt_time(s->expires, expires, sizeof(expires));
	row[5] = s->addr;
	table_row(row, 6);
}

static void
text_secret(const char *label, const char *value)
{
	printf("%s: %s\n", label, value);
	printf("This %s is shown once: store it somewhere safe now.\n",
	    label);
}

static void
text_messages(const struct messages_info *i)
{
	printf("messages:     %llu\n", (unsigned long long)i->messages);
	printf("bytes:        %llu\n", (unsigned long long)i->bytes);
	printf("locked:       %llu\n", (unsigned long long)i->locked);
	printf("locked bytes: %llu\n", (unsigned long long)i->locked_bytes);
	printf("uploads:      %llu\n", (unsigned long long)i->uploads);
	printf("quarantined:  %llu\n", (unsigned long long)i->quarantined);
}

/* The day as a date: days since the epoch, in UTC. */
static const char *
fmt_day(uint64_t day, char *buf, size_t len)
{
	char	 t[32];

	fmt_time(day * 86400 + 1, t, sizeof(t));
	snprintf(buf, len, "%.10s", t);
	return buf;
}

static void
text_messages_day(const struct messages_day *d)
{
	static const char *head[] = { "EXPIRES", "MESSAGES", "BYTES" };
	char		 day[16], n[24], b[24];
	const char	*row[3];

	if (tbl.nrows == 0)
		table_row(head, 3);
	snprintf(n, sizeof(n), "%llu", (unsigned long long)d->messages);
	snprintf(b, sizeof(b), "%llu", (unsigned long long)d->bytes);
	row[0] = fmt_day(d->day, day, sizeof(day));
	row[1] = n;
	row[2] = b;
	table_row(row, 3);
}

static void
text_purged(uint32_t n, uint64_t chunks)
{
	/* the result line that follows says it in words */
}

static void
text_usage(const struct usage_info *u)
{
	printf("sent:        %u message%s\n", u->sent, u->sent == 1 ? "" : "s");
	printf("received:    %u message%s\n", u->received,
	    u->received == 1 ? "" : "s");
	printf("stored:      %llu of %llu bytes\n",
	    (unsigned long long)u->bytes, (unsigned long long)u->quota);
}

static void
text_broadcast(const struct broadcast_info *b)
{
	/* the result line that follows says it in words */
}

static void
text_notices(const struct notices_info *n)
{
	printf("notices sent:     %llu\n", (unsigned long long)n->sent);
	printf("notices dropped:  %llu\n", (unsigned long long)n->dropped);
	printf("notices queued:   %llu\n", (unsigned long long)n->queued);
}

static void
text_end(void)
{
	if (tbl.nrows > 0)
		table_print();
}

static void
text_result(uint32_t code, const char *text)
{
	if (tbl.nrows > 0)
		table_print();
	if (code == CTL_OK)
		printf("%s\n", text);
	else
		fprintf(stderr, "smsgctl: %s: %s\n", ctl_result_str(code),
		    text);
}

const struct output output_text = {
	text_begin, text_status_daemon, text_status_proc, text_user,
	text_session, text_secret, text_messages, text_messages_day,
	text_purged, text_usage, text_broadcast, text_notices, text_end,
	text_result
};

/* JSON: one document per command, printed at the end. */
static json_t	*jdoc;
static json_t	*jprocs;

static void
json_print(json_t *doc, FILE *fp)
{
	json_dumpf(doc, fp, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	fprintf(fp, "\n");
}

/* A date as an ISO 8601 string, or null for never. */
static json_t *
json_time(uint64_t t)
{
	char	 buf[32];

	if (t == 0)
		return json_null();
	return json_string(fmt_time(t, buf, sizeof(buf)));
}

static void
json_begin(enum ctl_action a)
{
	command = a;
	if (a == ACT_USER_LIST || a == ACT_SHOW_SESSIONS)
		jdoc = json_array();
}

static void
json_status_daemon(const struct status_daemon *d)
{
	jprocs = json_array();
	jdoc = json_pack("{s:s, s:I, s:I, s:o}", "version", d->version,
	    "pid", (json_int_t)d->pid, "uptime",
	    (json_int_t)uptime_of(d->started), "processes", jprocs);
}

static void
json_status_proc(const struct status_proc *p)
{
	if (jprocs == NULL)
		return;
	json_array_append_new(jprocs, json_pack(
	    "{s:s, s:I, s:s, s:I, s:s, s:I}", "name", p->name,
	    "pid", (json_int_t)p->pid, "user", p->user,
	    "uptime", (json_int_t)(p->pid ? uptime_of(p->started) : 0),
	    "state", p->state, "restarts", (json_int_t)p->restarts));
}

/* An object for a list, or the document itself for a single one. */
static void
json_add(json_t *obj)
{
	if (obj == NULL)
		return;
	if (json_is_array(jdoc))
		json_array_append_new(jdoc, obj);
	else {
		json_decref(jdoc);
		jdoc = obj;
	}
}

static void
json_user(const struct user_info *u)
{
	static const char *locks[] = { "none", "failures", "admin" };

	json_add(json_pack("{s:s, s:I, s:o, s:s, s:o, s:I, s:b, s:I, s:o, s:b}",
	    "name", u->name, "uid", (json_int_t)u->uid,
	    "created", json_time(u->created),
	    "lock", u->lock <= USER_LOCK_ADMIN ? locks[u->lock] : "unknown",
	    "locked_until", json_time(u->lock == USER_LOCK_FAILURES ?
	    u->locked_until : 0),
	    "failures", (json_int_t)u->failures, "two_factor", u->totp_on,
	    "sessions", (json_int_t)u->sessions,
	    "last_login", json_time(u->last_login), "admin", u->admin));
}

static void
json_session(const struct session_info *s)
{
	char	 id[20];

	/* a string: a u64 does not fit a JSON number exactly */
	snprintf(id, sizeof(id), "%016llx", (unsigned long long)s->id);
	json_add(json_pack("{s:s, s:s, s:o, s:o, s:o, s:s}", "id", id,
	    "name", s->name, "created", json_time(s->created),
	    "last_seen", json_time(s->last_seen),
	    "expires", json_time(s->expires), "address", s->addr));
}

/* A label such as "recovery key" becomes the key recovery_key. */
static void
json_secret(const char *label, const char *value)
{
	char	 key[64];
	size_t	 i;

	for (i = 0; label[i] != '\0' && i < sizeof(key) - 1; i++)
		key[i] = isalnum((unsigned char)label[i]) ?
		    tolower((unsigned char)label[i]) : '_';
	key[i] = '\0';
	if (!json_is_object(jdoc)) {
		json_decref(jdoc);
		jdoc = json_object();
	}
	json_object_set_new(jdoc, key, json_string(value));
}

static json_t	*jdays;

static void
json_messages(const struct messages_info *i)
{
	jdays = json_array();
	json_decref(jdoc);
	jdoc = json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:o}",
	    "messages", (json_int_t)i->messages, "bytes", (json_int_t)i->bytes,
	    "locked", (json_int_t)i->locked,
	    "locked_bytes", (json_int_t)i->locked_bytes,
	    "uploads", (json_int_t)i->uploads,
	    "quarantined", (json_int_t)i->quarantined,
	    "by_expiry_day", jdays);
}

static void
json_messages_day(const struct messages_day *d)
{
	char	 day[16];

	if (jdays == NULL)
		return;
	json_array_append_new(jdays, json_pack("{s:s, s:I, s:I}",
	    "expires", fmt_day(d->day, day, sizeof(day)),
	    "messages", (json_int_t)d->messages,
	    "bytes", (json_int_t)d->bytes));
}

/* Joined to the result that follows. */
static void
json_purged(uint32_t n, uint64_t chunks)
{
	json_decref(jdoc);
	jdoc = json_pack("{s:I, s:I}", "messages", (json_int_t)n,
	    "chunks", (json_int_t)chunks);
}

/* Members of the show user object. */
static void
json_usage(const struct usage_info *u)
{
	if (!json_is_object(jdoc))
		return;
	json_object_set_new(jdoc, "messages_sent", json_integer(u->sent));
	json_object_set_new(jdoc, "messages_received",
	    json_integer(u->received));
	json_object_set_new(jdoc, "bytes_stored",
	    json_integer((json_int_t)u->bytes));
	json_object_set_new(jdoc, "quota_bytes",
	    json_integer((json_int_t)u->quota));
}

/* Joined to the result that follows. */
static void
json_broadcast(const struct broadcast_info *b)
{
	json_decref(jdoc);
	jdoc = json_pack("{s:s, s:I, s:I, s:I, s:I}", "id", b->id,
	    "created", (json_int_t)b->created,
	    "expires_at", (json_int_t)b->expires,
	    "recipients", (json_int_t)b->recipients,
	    "skipped", (json_int_t)b->skipped);
}

static void
json_notices(const struct notices_info *n)
{
	json_decref(jdoc);
	jdoc = json_pack("{s:I, s:I, s:I}", "sent", (json_int_t)n->sent,
	    "dropped", (json_int_t)n->dropped,
	    "queued", (json_int_t)n->queued);
}

static void
json_end(void)
{
	if (jdoc != NULL)
		json_print(jdoc, stdout);
	json_decref(jdoc);
	jdoc = NULL;
	jprocs = NULL;
	jdays = NULL;
}

/*
 * The result joins what came before it (a secret); a list cut short by
 * an error is dropped in favour of the error.
 */
static void
json_result(uint32_t code, const char *text)
{
	json_t	*r = json_is_object(jdoc) ? jdoc : json_object();

	if (r != jdoc)
		json_decref(jdoc);
	jdoc = NULL;
	json_object_set_new(r, "ok", json_boolean(code == CTL_OK));
	json_object_set_new(r, "result", json_string(ctl_result_str(code)));
	json_object_set_new(r, "message", json_string(text));
	json_print(r, code == CTL_OK ? stdout : stderr);
	json_decref(r);
}

const struct output output_json = {
	json_begin, json_status_daemon, json_status_proc, json_user,
	json_session, json_secret, json_messages, json_messages_day,
	json_purged, json_usage, json_broadcast, json_notices, json_end,
	json_result
};
