/*
 * A message sent as multipart/form-data, read as a stream (the routes'
 * struct body_stream): the text first, then any number of files, each
 * sealed and sent to the store as its bytes arrive (feat_msgsend.c).
 *
 * The API (POST /api/v1/messages) takes a first part named "message",
 * the JSON of the JSON form, then parts named "file".  The page
 * (POST /messages) takes the compose form: "csrf" first, then "to",
 * "subject", "body", "unlock_at", "tz_offset", "expires_in",
 * "delete_after_read", then "file" parts; a file part with no file name
 * (a browser's, when no file was chosen) is skipped.  Every text part is
 * bounded; nothing is sent before the text is complete and, on the page,
 * before the form's token matched the session's.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "app.h"
#include "formstream.h"
#include "log.h"
#include "msgsend.h"
#include "timeparse.h"

#define MESSAGE_PART_MAX	1048576	/* the API's "message" JSON */
#define IGNORED_MAX		4096	/* a page field we do not use */
#define CSRF_MAX		128
#define FORM_PARTS_MAX		(MSEND_FILES_MAX + 32)
/* A whole form: the store bounds the files, this only the absurd. */
#define MSG_BODY_MAX		(SIZE_MAX / 2 < (1ULL << 40) ? \
				    SIZE_MAX / 2 : (size_t)(1ULL << 40))

enum part { P_NONE, P_MESSAGE, P_CSRF, P_FIELD, P_IGNORE, P_FILE, P_EMPTY };

/* The compose page's fields. */
enum pfield { PF_TO, PF_SUBJECT, PF_BODY, PF_UNLOCK, PF_TZ, PF_EXPIRES,
	PF_DELETE, PF_MAX };

static const struct {
	const char	*name;
	size_t		 max;
} page_fields[PF_MAX] = {
	[PF_TO] = { "to", 16384 },
	[PF_SUBJECT] = { "subject", 65536 },
	[PF_BODY] = { "body", 1048576 },
	[PF_UNLOCK] = { "unlock_at", 64 },
	[PF_TZ] = { "tz_offset", 16 },
	[PF_EXPIRES] = { "expires_in", 32 },
	[PF_DELETE] = { "delete_after_read", 16 },
};

struct mform {
	struct multipart	*mp;
	int			 page;
	enum part		 cur;
	enum pfield		 field;
	char			*buf;		/* the text part arriving */
	size_t			 len, cap, max;
	char			*val[PF_MAX];	/* page fields, NUL-ended */
	size_t			 vlen[PF_MAX];
	unsigned int		 nparts;
	int			 files_seen;
	int			 csrf_ok;
	int			 paused;	/* the body waits for us */
};

void
mform_free(struct mform *f)
{
	int	 i;

	if (f->mp != NULL)
		multipart_free(f->mp);
	freezero(f->buf, f->cap);
	for (i = 0; i < PF_MAX; i++)
		freezero(f->val[i], f->val[i] != NULL ? f->vlen[i] + 1 : 0);
	freezero(f, sizeof(*f));
}

static struct mform *
form_of(struct app_req *ar)
{
	return ((struct msend *)ar->feat)->form;
}

static int
form_fail(struct app_req *ar, int status, const char *code, const char *text)
{
	msend_fail_with(ar, status, code, text);
	return -1;
}

/* The store is behind: the parser stops here, the body waits. */
static void
pause_if_behind(struct app_req *ar)
{
	struct mform	*f = form_of(ar);

	if (msend_behind(ar->feat)) {
		multipart_pause(f->mp);
		f->paused = 1;
	}
}

/* The store caught up: the body goes on from where it stopped. */
void
mform_caught_up(struct app_req *ar)
{
	struct mform	*f = form_of(ar);

	if (f == NULL || !f->paused || msend_behind(ar->feat) ||
	    msend_failed(ar))
		return;
	f->paused = 0;
	app_body_resume(ar);
}

/* A text part's bytes, up to its bound. */
static int
text_add(struct app_req *ar, const uint8_t *p, size_t n)
{
	struct mform	*f = form_of(ar);
	size_t		 cap;
	char		*nb;

	if (n > f->max - f->len) {
		snprintf(ar->text, sizeof(ar->text), "The %s part is over "
		    "its limit of %zu bytes.", f->cur == P_MESSAGE ? "message" :
		    f->cur == P_FIELD ? page_fields[f->field].name : "form",
		    f->max);
		return form_fail(ar, 413, "too_large", ar->text);
	}
	if (f->len + n + 1 > f->cap) {
		for (cap = f->cap ? f->cap : 256; cap < f->len + n + 1; )
			cap *= 2;
		if ((nb = malloc(cap)) == NULL)
			return form_fail(ar, 503, "busy", "Out of memory; try "
			    "again later.");
		if (f->len > 0)
			memcpy(nb, f->buf, f->len);
		freezero(f->buf, f->cap);
		f->buf = nb;
		f->cap = cap;
	}
	memcpy(f->buf + f->len, p, n);
	f->len += n;
	f->buf[f->len] = '\0';
	return 0;
}

static void
text_begin(struct mform *f, enum part cur, size_t max)
{
	f->cur = cur;
	f->max = max;
	f->len = 0;
	if (f->buf != NULL)
		f->buf[0] = '\0';
}

static int	start_message(struct app_req *);

static int
file_begin(struct app_req *ar, const struct mp_part *part)
{
	struct mform	*f = form_of(ar);

	if (!part->has_filename || part->filename[0] == '\0') {
		f->cur = P_EMPTY;	/* no file chosen: skipped */
		return 0;
	}
	if (!msend_started(ar->feat) && start_message(ar) == -1)
		return -1;
	f->files_seen = 1;
	f->cur = P_FILE;
	if (msend_file_begin(ar, part->filename, part->type) == -1)
		return -1;
	pause_if_behind(ar);
	return 0;
}

static int
api_part(struct app_req *ar, const struct mp_part *part)
{
	struct mform	*f = form_of(ar);

	if (f->nparts == 0) {
		if (strcmp(part->name, "message") != 0)
			return form_fail(ar, 400, "bad_request", "The first "
			    "part must be \"message\": the message as JSON.");
		text_begin(f, P_MESSAGE, MESSAGE_PART_MAX);
		return 0;
	}
	if (strcmp(part->name, "file") != 0)
		return form_fail(ar, 400, "bad_request", "Only parts named "
		    "\"file\" may follow \"message\".");
	return file_begin(ar, part);
}

static int
page_part(struct app_req *ar, const struct mp_part *part)
{
	struct mform	*f = form_of(ar);
	int		 i;

	if (f->nparts == 0) {
		if (strcmp(part->name, "csrf") != 0)
			return form_fail(ar, 403, "csrf", "This form did not "
			    "come from this site.");
		text_begin(f, P_CSRF, CSRF_MAX);
		return 0;
	}
	if (strcmp(part->name, "file") == 0)
		return file_begin(ar, part);
	for (i = 0; i < PF_MAX; i++)
		if (strcmp(part->name, page_fields[i].name) == 0)
			break;
	if (i == PF_MAX) {
		text_begin(f, P_IGNORE, IGNORED_MAX);
		return 0;
	}
	if (f->files_seen || f->val[i] != NULL) {
		snprintf(ar->text, sizeof(ar->text), "The field %s comes "
		    "twice, or after the files.", page_fields[i].name);
		return form_fail(ar, 400, "bad_request", ar->text);
	}
	f->field = i;
	text_begin(f, P_FIELD, page_fields[i].max);
	return 0;
}

static int
on_part_begin(void *arg, const struct mp_part *part)
{
	struct app_req	*ar = arg;
	struct mform	*f = form_of(ar);
	int		 rc;

	if (msend_failed(ar))
		return -1;
	rc = f->page ? page_part(ar, part) : api_part(ar, part);
	f->nparts++;
	return rc;
}

static int
on_part_data(void *arg, const uint8_t *p, size_t n)
{
	struct app_req	*ar = arg;
	struct mform	*f = form_of(ar);

	if (msend_failed(ar))
		return -1;
	switch (f->cur) {
	case P_FILE:
		if (msend_file_data(ar, p, n) == -1)
			return -1;
		pause_if_behind(ar);
		return 0;
	case P_EMPTY:
		return n == 0 ? 0 : form_fail(ar, 400, "bad_request",
		    "A file part has no file name.");
	case P_NONE:
		return 0;
	default:
		return text_add(ar, p, n);
	}
}

/* The page's token against the session's, in constant time. */
static int
csrf_check(struct app_req *ar)
{
	struct mform	*f = form_of(ar);
	size_t		 n = strlen(ar->who.csrf);

	if (f->len != n || n == 0 ||
	    CRYPTO_memcmp(f->buf, ar->who.csrf, n) != 0)
		return form_fail(ar, 403, "csrf", "This form has expired or "
		    "did not come from this site.");
	f->csrf_ok = 1;
	return 0;
}

/* The API's "message" part: the JSON form's object. */
static int
message_part(struct app_req *ar)
{
	struct mform	*f = form_of(ar);
	json_error_t	 jerr;

	ar->json = json_loadb(f->buf != NULL ? f->buf : "", f->len,
	    JSON_REJECT_DUPLICATES, &jerr);
	explicit_bzero(&jerr, sizeof(jerr));
	if (ar->json == NULL || !json_is_object(ar->json))
		return form_fail(ar, 400, "bad_request", "The message part "
		    "is not a JSON object.");
	return start_message(ar);
}

static int
on_part_end(void *arg)
{
	struct app_req	*ar = arg;
	struct mform	*f = form_of(ar);
	enum part	 cur = f->cur;

	if (msend_failed(ar))
		return -1;
	f->cur = P_NONE;
	switch (cur) {
	case P_MESSAGE:
		return message_part(ar);
	case P_CSRF:
		return csrf_check(ar);
	case P_FIELD:
		/* the field keeps the buffer; the next part grows its own */
		f->val[f->field] = f->buf != NULL ? f->buf : strdup("");
		f->vlen[f->field] = f->len;
		f->buf = NULL;
		f->cap = f->len = 0;
		return f->val[f->field] == NULL ? form_fail(ar, 503, "busy",
		    "Out of memory; try again later.") : 0;
	case P_FILE:
		if (msend_file_end(ar) == -1)
			return -1;
		pause_if_behind(ar);
		return 0;
	default:
		return 0;
	}
}

static const struct mp_callbacks form_callbacks = {
	on_part_begin, on_part_data, on_part_end
};

/* The page's "to": user names separated by commas and/or blanks. */
static json_t *
page_recipients(const char *to)
{
	json_t		*a = json_array();
	const char	*p = to;
	size_t		 n;

	while (a != NULL && p != NULL && *p != '\0') {
		p += strspn(p, ", \t\r\n");
		if ((n = strcspn(p, ", \t\r\n")) == 0)
			break;
		if (json_array_append_new(a, json_stringn(p, n)) == -1) {
			json_decref(a);
			return NULL;
		}
		p += n;
	}
	return a;
}

/* unlock_at and tz_offset as the JSON form's UTC time. */
static int
page_unlock(struct app_req *ar, json_t *o)
{
	struct mform	*f = form_of(ar);
	const char	*tz = f->val[PF_TZ];
	char		 why[80], utc[32], *end;
	uint64_t	 t;
	long		 off = 0;

	if (f->val[PF_UNLOCK] == NULL || f->val[PF_UNLOCK][0] == '\0')
		return 0;
	if (tz != NULL && tz[0] != '\0') {
		off = strtol(tz, &end, 10);
		if (*end != '\0' || off < -TIMEPARSE_OFFSET_MAX ||
		    off > TIMEPARSE_OFFSET_MAX)
			return form_fail(ar, 400, "bad_unlock_at", "tz_offset: "
			    "minutes east of UTC.");
	}
	if (time_parse_local(f->val[PF_UNLOCK], (int)off, &t, why,
	    sizeof(why)) == -1) {
		snprintf(ar->text, sizeof(ar->text), "Unlock time: %s.", why);
		return form_fail(ar, 400, "bad_unlock_at", ar->text);
	}
	time_format_utc(t, utc, sizeof(utc));
	if (json_object_set_new(o, "unlock_at", json_string(utc)) == -1)
		return form_fail(ar, 503, "busy", "Out of memory.");
	return 0;
}

/* The page's text fields as the JSON form's object. */
static int
page_json(struct app_req *ar)
{
	struct mform	*f = form_of(ar);
	json_t		*o = json_object(), *v;
	const char	*x = f->val[PF_EXPIRES];
	char		*end;
	long long	 secs;
	int		 i;

	if ((ar->json = o) == NULL)
		return form_fail(ar, 503, "busy", "Out of memory.");
	json_object_set_new(o, "to", page_recipients(f->val[PF_TO] != NULL ?
	    f->val[PF_TO] : ""));
	for (i = PF_SUBJECT; i <= PF_BODY; i++) {
		v = json_stringn(f->val[i] != NULL ? f->val[i] : "",
		    f->vlen[i]);
		if (v == NULL) {
			snprintf(ar->text, sizeof(ar->text), "The %s is not "
			    "UTF-8 text.", page_fields[i].name);
			return form_fail(ar, 400, "bad_request", ar->text);
		}
		json_object_set_new(o, page_fields[i].name, v);
	}
	if (x != NULL && x[0] != '\0') {
		secs = strtoll(x, &end, 10);
		if (*end != '\0' || secs <= 0)
			return form_fail(ar, 400, "bad_expires_in", "Expiry: "
			    "a number of seconds, more than 0.");
		json_object_set_new(o, "expires_in", json_integer(secs));
	}
	if (f->val[PF_DELETE] != NULL)
		json_object_set_new(o, "delete_after_read", json_true());
	return page_unlock(ar, o);
}

/*
 * A compose page field as it was typed (NUL-ended, *len bytes), for the
 * form shown again after a failure; NULL when it did not come (yet).
 */
const char *
mform_typed(struct app_req *ar, const char *name, size_t *len)
{
	struct msend	*s = ar->feat;
	int		 i;

	if (s == NULL || s->form == NULL || !s->form->page)
		return NULL;
	for (i = 0; i < PF_MAX; i++)
		if (strcmp(page_fields[i].name, name) == 0 &&
		    s->form->val[i] != NULL) {
			*len = s->form->vlen[i];
			return s->form->val[i];
		}
	return NULL;
}

/* The text is complete: the recipients are looked up, the upload opens. */
static int
start_message(struct app_req *ar)
{
	struct mform	*f = form_of(ar);

	if (f->page && page_json(ar) == -1)
		return -1;
	if (!f->page && ar->json == NULL)
		return form_fail(ar, 400, "bad_request", "The first part must "
		    "be \"message\": the message as JSON.");
	msend_message(ar);
	return msend_failed(ar) ? -1 : 0;
}

static void
form_start(struct app_req *ar)
{
	struct msend	*s;
	struct mform	*f;
	char		 boundary[MP_BOUNDARY_MAX + 1];

	if ((s = msend_new(ar)) == NULL)
		return;
	if ((f = calloc(1, sizeof(*f))) == NULL) {
		app_fail(ar, 503, "busy", "Out of memory; try again later.");
		return;
	}
	s->form = f;
	f->page = ar->route->face == FACE_PAGE;
	if (multipart_boundary(http_header(ar->h, "content-type"), boundary,
	    sizeof(boundary)) == -1 ||
	    (f->mp = multipart_new(boundary, FORM_PARTS_MAX, &form_callbacks,
	    ar)) == NULL)
		app_fail(ar, 400, "bad_request", "The form's boundary is "
		    "missing or malformed.");
}

/* A piece of the body, parsed a slice at a time while the store keeps up. */
static int
form_piece(struct app_req *ar, const uint8_t *p, size_t len, size_t *used)
{
	struct mform	*f = form_of(ar);
	size_t		 off = 0, n, u;
	int		 rc;

	*used = 0;
	if (msend_failed(ar))
		return -1;
	while (off < len && !f->paused) {
		n = len - off < MSEND_SLICE ? len - off : MSEND_SLICE;
		rc = multipart_feed_some(f->mp, p + off, n, &u);
		off += u;
		if (msend_failed(ar))
			return -1;
		if (rc == -1) {
			snprintf(ar->text, sizeof(ar->text), "The form could "
			    "not be read: %s.", multipart_error(f->mp));
			return form_fail(ar, 400, "bad_request", ar->text);
		}
	}
	*used = off;
	return f->paused ? REQ_PAUSE : REQ_MORE;
}

static void
form_end(struct app_req *ar)
{
	struct mform	*f = form_of(ar);

	if (msend_failed(ar))
		return;
	if (multipart_finish(f->mp) == -1) {
		form_fail(ar, 400, "bad_request", "The form ends before its "
		    "final boundary.");
		return;
	}
	if (f->page && !f->csrf_ok) {
		form_fail(ar, 403, "csrf", "This form did not come from this "
		    "site.");
		return;
	}
	if (!msend_started(ar->feat) && start_message(ar) == -1)
		return;
	msend_body_end(ar);
}

const struct body_stream msg_form_api = {
	MSG_BODY_MAX, form_start, form_piece, form_end
};
const struct body_stream msg_form_page = {
	MSG_BODY_MAX, form_start, form_piece, form_end
};
