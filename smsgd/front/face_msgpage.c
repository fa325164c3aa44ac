/*
 * The HTML face of the messages: the folders, a message, a conversation
 * and the compose form, rendered by smsg-web.  Text from a message goes
 * through vars_add_text (UTF-8 that smsg-web takes, bounded) and is
 * escaped by smsg-web; a locked message gives nothing but its sender and
 * times.  Every page is bounded so that its worst case (every byte of
 * text escaped to six) still fits the one message smsg-web answers.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "log.h"
#include "msgcrypt.h"
#include "msgsend.h"
#include "proto.h"

#define PAGE_BODY_MAX	32768	/* bytes of a body a message page shows */
#define SUBJECT_SHOWN	1024	/* bytes of a subject a message page shows */
#define SUBJECT_ROW	256	/* ... and a list's row */
#define REPLY_PREFIX	"Re: "
#define REPLY_SUBJECT	256	/* the store's default subject bound */

/* The expiry choices offered, up to the configured maximum. */
static const uint32_t expiry_choices[] = {
	3600, 86400, 604800, 2592000, 7776000, 31536000
};
#define NCHOICES	(sizeof(expiry_choices) / sizeof(expiry_choices[0]))

static void
fmt_size(uint64_t n, char *buf, size_t len)
{
	static const char	*units[] = { "KiB", "MiB", "GiB", "TiB" };
	double			 v = (double)n;
	int			 u = -1;

	if (n < 1024) {
		snprintf(buf, len, "%llu B", (unsigned long long)n);
		return;
	}
	while (v >= 1024 && u < 3) {
		v /= 1024;
		u++;
	}
	snprintf(buf, len, "%.1f %s", v, units[u]);
}

static void
fmt_duration(uint32_t s, char *buf, size_t len)
{
	if (s % 86400 == 0)
		snprintf(buf, len, "%u day%s", s / 86400, s == 86400 ? "" : "s");
	else if (s % 3600 == 0)
		snprintf(buf, len, "%u hour%s", s / 3600, s == 3600 ? "" : "s");
	else
		snprintf(buf, len, "%u minutes", s / 60);
}

/* Names joined by ", ", cut with "…" when they do not fit. */
static void
join_names(const char *const *names, uint32_t n, char *buf, size_t len)
{
	uint32_t	 i;

	buf[0] = '\0';
	for (i = 0; i < n; i++) {
		if (strlen(buf) + strlen(names[i]) + 8 >= len) {
			strlcat(buf, ", …", len);
			return;
		}
		if (i > 0)
			strlcat(buf, ", ", len);
		strlcat(buf, names[i], len);
	}
}

static int
by_value(const void *a, const void *b)
{
	uint32_t	 x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* The compose form's "expiry" list: choices, default and maximum. */
static void
expiry_vars(struct app_req *ar, uint32_t chosen)
{
	uint32_t	 v[NCHOICES + 2], max = front_conf.retention_max;
	size_t		 n = 0, i;
	char		 key[48], label[32];

	for (i = 0; i < NCHOICES; i++)
		if (expiry_choices[i] < max &&
		    expiry_choices[i] != front_conf.retention)
			v[n++] = expiry_choices[i];
	v[n++] = max;
	if (front_conf.retention != max)
		v[n++] = front_conf.retention;
	qsort(v, n, sizeof(v[0]), by_value);
	for (i = 0; i < n; i++) {
		fmt_duration(v[i], label, sizeof(label));
		snprintf(key, sizeof(key), "expiry.%zu.value", i);
		vars_add(page_vars(ar), key, "%u", v[i]);
		snprintf(key, sizeof(key), "expiry.%zu.label", i);
		vars_add(page_vars(ar), key, "%s", label);
		if (v[i] == chosen) {
			snprintf(key, sizeof(key), "expiry.%zu.selected", i);
			vars_add(page_vars(ar), key, "1");
		}
	}
}

/*
 * The compose form's values: to (fixed: a reply or a conversation),
 * subject, and whether the script stays on the page after sending.
 */
void
page_compose_vars(struct app_req *ar, const char *to, const char *subject,
    int fixed)
{
	struct vars	*v = page_vars(ar);

	vars_add_text(v, "compose_to", to, strlen(to), VARS_TEXT_MAX);
	vars_add_text(v, "compose_subject", subject, strlen(subject),
	    VARS_TEXT_MAX);
	if (fixed)
		vars_add(v, "compose_fixed", "1");
	if (ar->route->page == WEB_PAGE_CONVERSATION)
		vars_add(v, "compose_stay", "1");
	expiry_vars(ar, front_conf.retention);
}

void
page_msg_deleted(struct app_req *ar)
{
	page_redirect(ar, "/messages");
}

/* "list.N.field" of the current row, for a text value. */
static void
row_text(struct app_req *ar, const char *list, const char *field,
    const char *s, size_t len, size_t max)
{
	char	 key[64];

	snprintf(key, sizeof(key), "%s.%d.%s", list, ar->rows, field);
	vars_add_text(page_vars(ar), key, s, len, max);
}

static void
row_flag(struct app_req *ar, const char *field, int on)
{
	if (on)
		page_row(ar, "messages", field, "1");
}

/* Times, lock and badges: what a row and a message page both show. */
static void
common_vars(struct app_req *ar, const char *prefix, uint64_t created,
    uint64_t unlock, int locked, uint32_t flags)
{
	char	 key[64];

	snprintf(key, sizeof(key), "%screated", prefix);
	page_time(ar, key, created);
	if (locked) {
		snprintf(key, sizeof(key), "%slocked", prefix);
		vars_add(page_vars(ar), key, "1");
		snprintf(key, sizeof(key), "%sunlock", prefix);
		page_time(ar, key, unlock);
		snprintf(key, sizeof(key), "%sunlock_at", prefix);
		vars_add(page_vars(ar), key, "%llu", (unsigned long long)unlock);
	}
	snprintf(key, sizeof(key), "%sbroadcast", prefix);
	if (flags & MC_F_BROADCAST)
		vars_add(page_vars(ar), key, "1");
	snprintf(key, sizeof(key), "%ssystem", prefix);
	if (flags & MC_F_SYSTEM)
		vars_add(page_vars(ar), key, "1");
}

/* The other person of a message, for its conversation; NULL: none. */
static const char *
peer_of(struct app_req *ar, const char *from, const char *const *to,
    uint32_t nto, uint32_t flags)
{
	if (flags & (MC_F_SYSTEM | MC_F_BROADCAST))
		return NULL;
	if (from != NULL && from[0] != '\0' &&
	    strcmp(from, ar->who.name) != 0)
		return from;
	if (nto == 1 && to[0][0] != '\0' && strcmp(to[0], ar->who.name) != 0)
		return to[0];
	return NULL;
}

void
page_msg_row(struct app_req *ar, const struct msg_item *it)
{
	char		 text[VARS_TEXT_MAX], prefix[32];
	const char	*peer;

	snprintf(prefix, sizeof(prefix), "messages.%d.", ar->rows);
	page_row(ar, "messages", "id", it->id);
	page_row(ar, "messages", "from", it->from);
	join_names(it->to, it->nto, text, sizeof(text));
	page_row(ar, "messages", "to", text);
	common_vars(ar, prefix, it->created, it->unlock, it->locked,
	    it->flags);
	if (!it->locked && it->subject != NULL)
		row_text(ar, "messages", "subject", it->subject,
		    it->subject_len, SUBJECT_ROW);
	if (!it->locked && it->body != NULL)
		row_text(ar, "messages", "body", it->body, it->body_len,
		    VARS_TEXT_MAX);
	row_flag(ar, "body_cut", !it->locked && it->body_cut);
	row_flag(ar, "once", !it->locked && it->body == NULL &&
	    (it->flags & MC_F_DELETE_AFTER_READ));
	fmt_size(it->size, text, sizeof(text));
	page_row(ar, "messages", "size", text);
	snprintf(text, sizeof(text), "%u", it->files);
	page_row(ar, "messages", "files", text);
	row_flag(ar, "read", it->read);
	row_flag(ar, "mine", strcmp(it->from, ar->who.name) == 0);
	if ((peer = peer_of(ar, it->from, it->to, it->nto, it->flags)) != NULL)
		page_row(ar, "messages", "peer", peer);
	ar->rows++;
}

void
page_msg_list_end(struct app_req *ar, const char *next)
{
	const struct route_param	*p = route_param(&ar->params, "name");

	if (next != NULL)
		vars_add(page_vars(ar), "next", "%s", next);
	if (http_form_get(&ar->form, "before") != NULL)
		vars_add(page_vars(ar), "before", "1");
	if (ar->route->page == WEB_PAGE_CONVERSATION && p != NULL) {
		vars_add(page_vars(ar), "with", "%s", p->text);
		vars_add(page_vars(ar), "title", "Conversation with %s",
		    p->text);
		page_compose_vars(ar, p->text, "", 1);
	}
	page_render(ar, ar->route->page, 200);
}

/*
 * A body in pieces ("list.N.text"), at most PAGE_BODY_MAX of it; how
 * much was shown in "list_cut" when not all of it.
 */
static void
body_vars(struct app_req *ar, const char *list, const char *body, size_t len)
{
	size_t	 off = 0, used;
	char	 key[48], size[32];
	int	 i;

	for (i = 0; off < len && off < PAGE_BODY_MAX; i++) {
		snprintf(key, sizeof(key), "%s.%d.text", list, i);
		used = vars_add_text(page_vars(ar), key, body + off,
		    len - off, VARS_TEXT_MAX);
		if (used == 0)
			break;
		off += used;
	}
	if (off < len) {
		fmt_size(off, size, sizeof(size));
		snprintf(key, sizeof(key), "%s_cut", list);
		vars_add(page_vars(ar), key, "%s", size);
	}
}

static void
file_vars(struct app_req *ar, const struct msg_view *v)
{
	char		 key[48], size[32];
	uint32_t	 i;

	if (v->nfiles > 0)
		vars_add(page_vars(ar), "nfiles", "%u", v->nfiles);
	for (i = 0; i < v->nfiles; i++) {
		snprintf(key, sizeof(key), "files.%u.n", i);
		vars_add(page_vars(ar), key, "%u", i);
		snprintf(key, sizeof(key), "files.%u.name", i);
		vars_add_text(page_vars(ar), key, v->files[i].name,
		    strlen(v->files[i].name), 1024);
		fmt_size(v->files[i].size, size, sizeof(size));
		snprintf(key, sizeof(key), "files.%u.size", i);
		vars_add(page_vars(ar), key, "%s", size);
	}
}

/* A reply: to the sender, or to one's own recipients; "Re: " once. */
static void
reply_vars(struct app_req *ar, const struct msg_view *v, const char *to)
{
	char	 subject[REPLY_SUBJECT + 1];
	size_t	 len = v->subject_len, room;

	if (v->flags & MC_F_SYSTEM)
		return;
	if (len >= 3 && strncasecmp(v->subject, "Re:", 3) == 0) {
		subject[0] = '\0';
		room = REPLY_SUBJECT;
	} else {
		strlcpy(subject, REPLY_PREFIX, sizeof(subject));
		room = REPLY_SUBJECT - strlen(REPLY_PREFIX);
	}
	/* cut at a character, and never past a NUL in the subject */
	if (len > room)
		for (len = room; len > 0 &&
		    ((unsigned char)v->subject[len] & 0xc0) == 0x80; len--)
			;
	strncat(subject, v->subject, len);
	page_compose_vars(ar, to, subject, 1);
}

/* AUTH_NAME_LIST: the locked message's sender, and its page. */
static int
on_sender(struct req *r, struct msg *m)
{
	struct app_req	*ar = app_of(r);
	struct msgcur	 c;
	char		 name[MSG_NAMELEN];
	uint32_t	 n;

	if (ask_settled(ar, m, MSG_AUTH_NAME_LIST, MSG_AUTH_NAME_LIST))
		return 0;
	msg_cursor(m, &c);
	if (msg_get_u32(&c, &n) == -1 || n != 1 ||
	    msg_get_string(&c, name, sizeof(name)) == -1 ||
	    msg_get_end(&c) == -1)
		fatalx("malformed AUTH_NAME_LIST from auth");
	vars_add(page_vars(ar), "from", "%s", name);
	page_render(ar, WEB_PAGE_MESSAGE, 200);
	return 0;
}

void
page_msg_shown(struct app_req *ar, const struct msg_view *v)
{
	struct msgbuf	 mb;
	char		 to[VARS_TEXT_MAX];
	const char	*peer;

	vars_add(page_vars(ar), "id", "%s", v->id);
	common_vars(ar, "", v->created, v->unlock, v->locked, v->flags);
	page_time(ar, "expires", v->expires);
	if (v->locked) {
		/* a locked view names its sender by uid: auth says who */
		ask_prefix(ar, &mb, MSG_AUTH_NAMES);
		msg_add_u32(&mb, 1);
		msg_add_u32(&mb, v->sender);
		ask_auth(ar, &mb, on_sender);
		return;
	}
	vars_add(page_vars(ar), "from", "%s", v->from);
	join_names(v->to, v->nto, to, sizeof(to));
	vars_add(page_vars(ar), "to", "%s", to);
	vars_add_text(page_vars(ar), "subject", v->subject,
	    v->subject_len, SUBJECT_SHOWN);
	body_vars(ar, "body", v->body, v->body_len);
	file_vars(ar, v);
	vars_add(page_vars(ar), "fingerprint", "%s", v->fingerprint);
	if (strcmp(v->from, ar->who.name) != 0)
		reply_vars(ar, v, v->from);
	else
		reply_vars(ar, v, to);
	if ((peer = peer_of(ar, v->from, v->to, v->nto, v->flags)) != NULL)
		vars_add(page_vars(ar), "peer", "%s", peer);
	page_render(ar, WEB_PAGE_MESSAGE, 200);
}

/*
 * The field of the compose form a failure concerns: by its code, and
 * for the codes several fields share, by the field its text names.
 * NULL: the message as a whole (the top of the form says it).
 */
static const char *
compose_field(const struct app_error *e)
{
	static const struct {
		const char	*code;
		const char	*names;		/* in the text; NULL: any */
		const char	*field;
	} map[] = {
		{ "unknown_recipient", NULL, "to" },
		{ "too_many_recipients", NULL, "to" },
		{ "blocked", NULL, "to" },
		{ "bad_unlock_at", NULL, "unlock_at" },
		{ "bad_expires_in", NULL, "expires_in" },
		{ "bad_request", "\"to\"", "to" },
		{ "bad_request", "field to ", "to" },
		{ "bad_request", "subject", "subject" },
		{ "bad_request", "body", "body" },
		{ "too_large", "subject", "subject" },
		{ "too_large", "body", "body" },
		{ "too_large", "file", "file" },
	};
	size_t	 i;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(e->code, map[i].code) == 0 && (map[i].names ==
		    NULL || strstr(e->text, map[i].names) != NULL))
			return map[i].field;
	return NULL;
}

/* One typed field as compose_NAME, bounded; 0 when it did not come. */
static size_t
typed_var(struct app_req *ar, const char *name, size_t max)
{
	const char	*s;
	size_t		 len;
	char		 key[48];

	if ((s = mform_typed(ar, name, &len)) == NULL)
		return 0;
	snprintf(key, sizeof(key), "compose_%s", name);
	vars_add_text(page_vars(ar), key, s, len, max);
	return len;
}

/*
 * A compose form that failed: the form again, with what was typed (the
 * files and the form's token aside: a file is never echoed, and the
 * token comes fresh with the page) and the reason beside its field.
 */
void
page_compose_again(struct app_req *ar, const struct app_error *e)
{
	const char	*field = compose_field(e), *s;
	char		 key[48], *end;
	size_t		 len;
	unsigned long	 secs = front_conf.retention;

	typed_var(ar, "to", VARS_TEXT_MAX);
	typed_var(ar, "subject", VARS_TEXT_MAX);
	typed_var(ar, "unlock_at", 64);
	if ((s = mform_typed(ar, "body", &len)) != NULL)
		body_vars(ar, "compose_body", s, len);
	if (mform_typed(ar, "delete_after_read", &len) != NULL)
		vars_add(page_vars(ar), "compose_delete", "1");
	if ((s = mform_typed(ar, "expires_in", &len)) != NULL) {
		secs = strtoul(s, &end, 10);
		if (*s == '\0' || *end != '\0' || secs > UINT32_MAX)
			secs = front_conf.retention;
	}
	expiry_vars(ar, (uint32_t)secs);
	vars_add(page_vars(ar), "compose_again", "1");
	if (field != NULL) {
		snprintf(key, sizeof(key), "error_%s", field);
		vars_add(page_vars(ar), key, "%s", e->text);
		vars_add(page_vars(ar), "error", "The message was not sent: "
		    "the field marked says why.");
	} else
		vars_add(page_vars(ar), "error", "The message was not sent. "
		    "%s", e->text);
	page_render(ar, WEB_PAGE_COMPOSE, e->status);
}
