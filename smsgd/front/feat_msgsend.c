/*
 * Sending a message.  The front picks a fresh content key, seals subject,
 * body and every file as chunk streams (lib/msgcrypt), asks auth to wrap
 * the key for every recipient and the sender and to sign the header, and
 * streams it all to the store, whose commit acknowledges it once on disk:
 *
 *	names -> AUTH_PUBKEYS each -> STORE_UPLOAD_BEGIN -> STORE_UPLOAD_CHUNK
 *	... -> AUTH_KEY_WRAP -> AUTH_KEY_SIGN -> STORE_UPLOAD_COMMIT -> 201
 *
 * The text comes as JSON (this file) or as the first part of a form
 * whose files follow (feat_msgform.c); msgseal.c seals and sends the
 * chunks.  A failure once the upload is open aborts it before
 * answering.  The content key and every plaintext copy are wiped after
 * use.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "filehead.h"
#include "log.h"
#include "msgcrypt.h"
#include "msgheader.h"
#include "msgsend.h"
#include "proto.h"
#include "timeparse.h"

#define NAME_MAX_LEN	63
#define LIFETIME_MAX	(10ULL * 366 * 86400)

static void	lookup_next(struct app_req *);

/*
 * The client left with the upload open: the store drops it now, not at
 * its sweep (the request is being freed: no answer is awaited).
 */
static void
msend_abandon(struct msend *s)
{
	struct msgbuf	 mb;

	msg_init(&mb, MSG_STORE_UPLOAD_ABORT, 0);
	msg_add_u32(&mb, s->h.sender);
	msg_add_fixed(&mb, s->h.id, MC_IDLEN);
	if (req_tell(s->r, PROC_STORE, &mb) == -1)
		log_debug("an abandoned upload waits for the store's sweep");
}

static void
msend_free(void *arg)
{
	struct msend	*s = arg;

	if (s->open)
		msend_abandon(s);
	msend_release(s);
	mc_stream_clear(&s->st);
	if (s->dg != NULL)
		mc_digest_free(s->dg);
	if (s->form != NULL)
		mform_free(s->form);
	freezero(s->pend, s->pend != NULL ? MSEND_PEND_MAX : 0);
	explicit_bzero(s, sizeof(*s));
	free(s);
}

static struct msend *
msend_of(struct app_req *ar)
{
	return ar->feat;
}

static int
on_aborted(struct req *r, struct msg *m)
{
	struct app_req	*ar = app_of(r);

	app_fail_error(ar, &msend_of(ar)->err);
	return 0;
}

/* Fail with e (its text copied), once; an open upload is aborted first. */
static void
msend_fail(struct app_req *ar, const struct app_error *e)
{
	struct msend	*s = msend_of(ar);
	struct msgbuf	 mb;

	if (s->failed)
		return;
	s->failed = 1;
	s->err = *e;
	if (e->text != s->errtext)
		strlcpy(s->errtext, e->text, sizeof(s->errtext));
	s->err.text = s->errtext;
	if (!s->open) {
		app_fail_error(ar, &s->err);
		return;
	}
	s->open = 0;
	ask_store_init(ar, &mb, MSG_STORE_UPLOAD_ABORT);
	msg_add_fixed(&mb, s->h.id, MC_IDLEN);
	if (req_ask(ar->r, PROC_STORE, &mb, on_aborted) == -1)
		app_fail_error(ar, &s->err);
}

void
msend_fail_with(struct app_req *ar, int status, const char *code,
    const char *text)
{
	struct app_error	 e = { status, code, text, 0, 0 };

	msend_fail(ar, &e);
}

/* Failed, or answered (a refusal before the upload opened). */
int
msend_failed(struct app_req *ar)
{
	return msend_of(ar)->failed || req_answered(ar->r);
}

/* 1 when m settles the request: the peer gone, or a refusal. */
int
msend_settled(struct app_req *ar, struct msg *m, uint32_t want)
{
	struct msend		*s = msend_of(ar);
	struct app_error	 e;

	if (m == NULL) {
		msend_fail_with(ar, 503, "unavailable", "A service is not "
		    "available right now; try again in a moment.");
		return 1;
	}
	if (m->type == MSG_AUTH_FAIL || m->type == MSG_STORE_FAIL) {
		if (m->type == MSG_AUTH_FAIL)
			auth_error(m, &e, s->errtext, sizeof(s->errtext));
		else
			store_error(m, &e, s->errtext, sizeof(s->errtext));
		msend_fail(ar, &e);
		return 1;
	}
	if (m->type != want)
		fatalx("answered %s, expected %s", msg_type_name(m->type),
		    msg_type_name(want));
	return 0;
}

static void
ask_or_fail(struct app_req *ar, enum proc_id to, struct msgbuf *mb,
    req_answer_cb cb)
{
	if (req_ask(ar->r, to, mb, cb) == -1)
		msend_fail_with(ar, 503, "busy",
		    "The server is busy; try again in a moment.");
}

/* JSON "to": 1 to MC_RCPT_MAX distinct names. */
static int
parse_to(struct app_req *ar, struct msend *s)
{
	json_t		*to = json_object_get(ar->json, "to"), *v;
	size_t		 i, j;

	if (json_is_string(to)) {
		s->name[0] = json_string_value(to);
		s->n = 1;
	} else if (json_is_array(to) && json_array_size(to) > 0) {
		if (json_array_size(to) > MC_RCPT_MAX) {
			app_fail(ar, 413, "too_many_recipients",
			    "A message has too many recipients.");
			return -1;
		}
		json_array_foreach(to, i, v) {
			if (!json_is_string(v))
				break;
			s->name[s->n++] = json_string_value(v);
		}
		if (i < json_array_size(to))
			s->n = 0;
	}
	if (s->n == 0) {
		app_fail(ar, 400, "bad_request", "\"to\" must be a list of "
		    "user names.");
		return -1;
	}
	for (i = 0; i < s->n; i++) {
		if (strlen(s->name[i]) == 0 ||
		    strlen(s->name[i]) > NAME_MAX_LEN) {
			app_fail(ar, 422, "unknown_recipient", "A recipient's "
			    "name is empty or too long.");
			return -1;
		}
		for (j = 0; j < i; j++)
			if (strcmp(s->name[i], s->name[j]) == 0) {
				snprintf(ar->text, sizeof(ar->text), "%s is "
				    "named twice in \"to\".", s->name[i]);
				app_fail(ar, 400, "bad_request", ar->text);
				return -1;
			}
	}
	return 0;
}

static int
parse_text(struct app_req *ar, struct msend *s, int i, const char *key,
    int required)
{
	json_t	*v = json_object_get(ar->json, key);

	if (v == NULL && !required) {
		s->text[i] = "";
		return 0;
	}
	if (!json_is_string(v)) {
		snprintf(ar->text, sizeof(ar->text), "\"%s\" must be %s"
		    "text.", key, required ? "given, as " : "");
		app_fail(ar, 400, "bad_request", ar->text);
		return -1;
	}
	s->text[i] = json_string_value(v);
	s->len[i] = json_string_length(v);
	return 0;
}

static int
parse_times(struct app_req *ar, struct msend *s)
{
	json_t		*u = json_object_get(ar->json, "unlock_at");
	json_t		*x = json_object_get(ar->json, "expires_in");
	json_t		*d = json_object_get(ar->json, "delete_after_read");
	char		 why[64];

	if (u != NULL && !json_is_null(u) && (!json_is_string(u) ||
	    time_parse_utc(json_string_value(u), &s->h.unlock, why,
	    sizeof(why)) == -1)) {
		/* why is bounded to fit: ar->text holds all of it */
		(void)snprintf(ar->text, sizeof(ar->text), "unlock_at: %.60s; "
		    "use 2026-12-01T09:00:00Z or 01:12:2026:09:00:00, in UTC.",
		    json_is_string(u) ? why : "not text");
		app_fail(ar, 400, "bad_unlock_at", ar->text);
		return -1;
	}
	if (x != NULL && !json_is_null(x) && (!json_is_integer(x) ||
	    json_integer_value(x) <= 0 ||
	    (uint64_t)json_integer_value(x) > LIFETIME_MAX)) {
		app_fail(ar, 400, "bad_expires_in", "expires_in: a number "
		    "of seconds, more than 0.");
		return -1;
	}
	if (x != NULL && json_is_integer(x))
		s->lifetime = (uint64_t)json_integer_value(x);
	if (d != NULL && !json_is_boolean(d)) {
		app_fail(ar, 400, "bad_request", "delete_after_read: true "
		    "or false.");
		return -1;
	}
	if (json_is_true(d))
		s->h.flags |= MC_F_DELETE_AFTER_READ;
	return 0;
}

struct msend *
msend_new(struct app_req *ar)
{
	struct msend	*s;

	if ((s = calloc(1, sizeof(*s))) == NULL) {
		app_fail(ar, 503, "busy", "Out of memory; try again later.");
		return NULL;
	}
	ar->feat = s;
	ar->feat_free = msend_free;
	s->r = ar->r;
	return s;
}

int
msend_started(const struct msend *s)
{
	return s->started;
}

/* The text is in ar->json: read it, then look up the recipients. */
void
msend_message(struct app_req *ar)
{
	struct msend	*s = msend_of(ar);

	s->started = 1;
	if (parse_to(ar, s) == -1 || parse_text(ar, s, 0, "subject", 0) ==
	    -1 || parse_text(ar, s, 1, "body", 1) == -1 ||
	    parse_times(ar, s) == -1)
		return;
	s->h.sender = ar->who.uid;
	lookup_next(ar);
}

/* POST /api/v1/messages with a JSON body: the text and nothing more. */
void
feat_msg_send(struct app_req *ar)
{
	struct msend	*s;

	if (ar->json == NULL) {
		app_fail(ar, 400, "bad_request", "Send the message as a JSON "
		    "object.");
		return;
	}
	if ((s = msend_new(ar)) == NULL)
		return;
	s->body_done = 1;
	msend_message(ar);
}

static int
on_pubkey(struct req *r, struct msg *m)
{
	struct app_req	*ar = app_of(r);
	struct msend	*s = msend_of(ar);
	struct msgcur	 c;
	struct a_fail	 f;
	char		 name[64], fp[MC_FPTEXTLEN];
	uint8_t		 key[MC_KEYLEN];
	uint32_t	 uid;

	if (m != NULL && m->type == MSG_AUTH_FAIL) {
		a_get_fail(m, &f);
		if (f.code == AUTH_E_NOTFOUND) {
			snprintf(ar->text, sizeof(ar->text), "No user is "
			    "named %s.", s->name[s->next]);
			app_fail(ar, 422, "unknown_recipient", ar->text);
			return 0;
		}
	}
	if (msend_settled(ar, m, MSG_AUTH_PUBKEY))
		return 0;
	msg_cursor(m, &c);
	if (msg_get_string(&c, name, sizeof(name)) == -1 ||
	    msg_get_u32(&c, &uid) == -1 ||
	    msg_get_fixed(&c, key, sizeof(key)) == -1 ||
	    msg_get_fixed(&c, key, sizeof(key)) == -1 ||
	    msg_get_string(&c, fp, sizeof(fp)) == -1 ||
	    msg_get_end(&c) == -1)
		fatalx("malformed AUTH_PUBKEY from auth");
	if (uid == ar->who.uid) {
		app_fail(ar, 422, "unknown_recipient", "A message goes to "
		    "someone else: you are among its recipients.");
		return 0;
	}
	s->h.rcpt[s->next++] = uid;
	lookup_next(ar);
	return 0;
}

static int	on_begun(struct req *, struct msg *);

/* The recipients' uids one by one, then the upload begins. */
static void
lookup_next(struct app_req *ar)
{
	struct msend	*s = msend_of(ar);
	struct msgbuf	 mb;
	uint32_t	 i;

	if (s->next < s->n) {
		ask_prefix(ar, &mb, MSG_AUTH_PUBKEYS);
		msg_add_string(&mb, s->name[s->next]);
		ask_or_fail(ar, PROC_AUTH, &mb, on_pubkey);
		return;
	}
	s->h.nrcpt = s->n;
	ask_store_init(ar, &mb, MSG_STORE_UPLOAD_BEGIN);
	msg_add_u64(&mb, s->h.unlock);
	msg_add_u64(&mb, s->lifetime);
	msg_add_u32(&mb, s->h.flags);
	msg_add_u32(&mb, s->n);
	for (i = 0; i < s->n; i++)
		msg_add_u32(&mb, s->h.rcpt[i]);
	ask_or_fail(ar, PROC_STORE, &mb, on_begun);
}

static int
on_begun(struct req *r, struct msg *m)
{
	struct app_req	*ar = app_of(r);
	struct msend	*s = msend_of(ar);
	struct msgcur	 c;

	if (msend_settled(ar, m, MSG_STORE_UPLOADING))
		return 0;
	msg_cursor(m, &c);
	if (msg_get_fixed(&c, s->h.id, MC_IDLEN) == -1 ||
	    msg_get_u64(&c, &s->h.created) == -1 ||
	    msg_get_u64(&c, &s->h.expires) == -1 || msg_get_end(&c) == -1)
		fatalx("malformed STORE_UPLOADING from store");
	s->open = 1;
	if (msgcrypt_random(s->ckey, sizeof(s->ckey)) == -1 ||
	    (s->dg = mc_digest_new()) == NULL) {
		msend_fail_with(ar, 500, "internal", "The message could not "
		    "be sealed.");
		return 0;
	}
	msend_pump(ar);
	mform_caught_up(ar);
	return 0;
}

/*
 * A file's name or type as its readers get it in JSON: UTF-8 without
 * controls.  Anything else becomes '_' (a name cut at its limit may
 * end inside a character, too).
 */
static void
text_clean(char *s)
{
	json_t	*t;
	size_t	 i;

	for (i = 0; s[i] != '\0'; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			s[i] = '_';
	if ((t = json_string(s)) != NULL) {
		json_decref(t);
		return;
	}
	for (i = 0; s[i] != '\0'; i++)
		if ((unsigned char)s[i] >= 0x80)
			s[i] = '_';
}

/* A file part begins: its sealed head is the first bytes of its stream. */
int
msend_file_begin(struct app_req *ar, const char *name, const char *type)
{
	struct msend	*s = msend_of(ar);
	struct filehead	 fh;

	if (s->nfiles >= MSEND_FILES_MAX) {
		snprintf(ar->text, sizeof(ar->text), "A message may carry at "
		    "most %d files.", MSEND_FILES_MAX);
		msend_fail_with(ar, 413, "too_large", ar->text);
		return -1;
	}
	if (s->pend == NULL && (s->pend = malloc(MSEND_PEND_MAX)) == NULL) {
		msend_fail_with(ar, 503, "busy", "Out of memory; try again "
		    "later.");
		return -1;
	}
	memset(&fh, 0, sizeof(fh));
	strlcpy(fh.name, name, sizeof(fh.name));
	strlcpy(fh.type, type, sizeof(fh.type));
	text_clean(fh.name);
	text_clean(fh.type);
	s->pend_len = filehead_encode(&fh, s->pend);
	explicit_bzero(&fh, sizeof(fh));
	s->nfiles++;
	s->file_open = 1;
	msend_pump(ar);
	return s->failed ? -1 : 0;
}

int
msend_file_data(struct app_req *ar, const uint8_t *p, size_t len)
{
	struct msend	*s = msend_of(ar);

	if (len > MSEND_PEND_MAX - s->pend_len) {
		/* the form pauses long before: a bug, not the client's */
		log_warnx("a file's pending bytes overflowed");
		msend_fail_with(ar, 500, "internal", "The file could not be "
		    "read.");
		return -1;
	}
	memcpy(s->pend + s->pend_len, p, len);
	s->pend_len += len;
	msend_pump(ar);
	return s->failed ? -1 : 0;
}

int
msend_file_end(struct app_req *ar)
{
	struct msend	*s = msend_of(ar);

	s->file_ended = 1;
	msend_pump(ar);
	return s->failed ? -1 : 0;
}

/* No more files: the message is complete once the pump has sent it all. */
void
msend_body_end(struct app_req *ar)
{
	struct msend	*s = msend_of(ar);

	s->body_done = 1;
	msend_pump(ar);
}

/* Is the upload behind what the form hands it?  The form then pauses. */
int
msend_behind(const struct msend *s)
{
	return !s->open || s->stream < 2 || s->pend_len > MC_CHUNK ||
	    s->file_ended;
}

static int	on_wrapped(struct req *, struct msg *);

/* Everything is sealed: the key is wrapped, then never needed again. */
void
msend_wrap(struct app_req *ar)
{
	struct msend	*s = msend_of(ar);
	struct msgbuf	 mb;
	uint32_t	 i;

	s->h.nstreams = s->stream;
	if (mc_digest_final(s->dg, s->h.digest) == -1) {
		msend_fail_with(ar, 500, "internal", "The message could not "
		    "be sealed.");
		return;
	}
	ask_prefix(ar, &mb, MSG_AUTH_KEY_WRAP);
	msg_add_fixed(&mb, s->h.id, MC_IDLEN);
	msg_add_u64(&mb, s->h.unlock);
	msg_add_fixed(&mb, s->ckey, MC_KEYLEN);
	explicit_bzero(s->ckey, sizeof(s->ckey));
	msg_add_u32(&mb, s->n);
	for (i = 0; i < s->n; i++)
		msg_add_u32(&mb, s->h.rcpt[i]);
	ask_or_fail(ar, PROC_AUTH, &mb, on_wrapped);
}

/* The wrapped keys, uid and key each: AUTH_WRAPPED in, COMMIT out. */
static int
get_wrapped(struct msgcur *c, struct msend *s)
{
	uint32_t	 i;

	if (msg_get_u32(c, &s->nwrap) == -1 || s->nwrap != s->n + 1)
		return -1;
	for (i = 0; i < s->nwrap; i++) {
		msg_get_u32(c, &s->wuid[i]);
		msg_get_fixed(c, s->wrapped[i], MC_WRAPLEN);
	}
	return msg_get_end(c);
}

static void
add_wrapped(struct msgbuf *mb, const struct msend *s)
{
	uint32_t	 i;

	msg_add_u32(mb, s->nwrap);
	for (i = 0; i < s->nwrap; i++) {
		msg_add_u32(mb, s->wuid[i]);
		msg_add_fixed(mb, s->wrapped[i], MC_WRAPLEN);
	}
}

static int	on_signed(struct req *, struct msg *);

static int
on_wrapped(struct req *r, struct msg *m)
{
	struct app_req	*ar = app_of(r);
	struct msend	*s = msend_of(ar);
	struct msgbuf	 mb;
	struct msgcur	 c;

	if (msend_settled(ar, m, MSG_AUTH_WRAPPED))
		return 0;
	msg_cursor(m, &c);
	if (get_wrapped(&c, s) == -1)
		fatalx("malformed AUTH_WRAPPED from auth");
	ask_prefix(ar, &mb, MSG_AUTH_KEY_SIGN);
	mc_header_add(&mb, &s->h);
	ask_or_fail(ar, PROC_AUTH, &mb, on_signed);
	return 0;
}

static int	on_sent(struct req *, struct msg *);

static int
on_signed(struct req *r, struct msg *m)
{
	struct app_req	*ar = app_of(r);
	struct msend	*s = msend_of(ar);
	struct msgbuf	 mb;
	struct msgcur	 c;
	uint32_t	 i;

	if (msend_settled(ar, m, MSG_AUTH_SIGNATURE))
		return 0;
	msg_cursor(m, &c);
	if (msg_get_fixed(&c, s->sig, MC_SIGLEN) == -1 ||
	    msg_get_end(&c) == -1)
		fatalx("malformed AUTH_SIGNATURE from auth");
	ask_store_init(ar, &mb, MSG_STORE_UPLOAD_COMMIT);
	msg_add_fixed(&mb, s->h.id, MC_IDLEN);
	msg_add_u32(&mb, s->h.nstreams);
	for (i = 0; i < s->h.nstreams; i++)
		msg_add_u64(&mb, s->h.sizes[i]);
	msg_add_fixed(&mb, s->h.digest, MC_DIGESTLEN);
	msg_add_fixed(&mb, s->sig, MC_SIGLEN);
	add_wrapped(&mb, s);
	ask_or_fail(ar, PROC_STORE, &mb, on_sent);
	return 0;
}

static int
on_sent(struct req *r, struct msg *m)
{
	struct app_req	*ar = app_of(r);
	struct msend	*s = msend_of(ar);
	struct msg_sent	 sent;
	struct msgcur	 c;
	uint8_t		 id[MC_IDLEN];

	if (msend_settled(ar, m, MSG_STORE_SENT))
		return 0;
	s->open = 0;
	msg_cursor(m, &c);
	if (msg_get_fixed(&c, id, MC_IDLEN) == -1 ||
	    msg_get_u64(&c, &sent.created) == -1 ||
	    msg_get_u64(&c, &sent.unlock) == -1 ||
	    msg_get_u64(&c, &sent.expires) == -1 || msg_get_end(&c) == -1)
		fatalx("malformed STORE_SENT from store");
	msgid_text(id, sent.id);
	ar->face->msg_sent(ar, &sent);
	return 0;
}
