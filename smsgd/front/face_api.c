/*
 * The JSON face of the features, under /api/v1: bearer tokens, never
 * cookies; every error is {"error": code, "message": text}.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "log.h"

/* Said when an answer cannot be built (memory, or a value jansson refuses). */
static const char unbuilt[] =
    "{\"error\":\"internal\",\"message\":\"The answer could not be built.\"}";

static void
api_send(struct app_req *ar, int status, json_t *obj)
{
	char	*s = NULL;

	if (obj != NULL)
		s = json_dumps(obj, JSON_COMPACT);
	if (s == NULL) {
		log_warnx("an API answer could not be built");
		req_respond(ar->r, 500, "application/json; charset=utf-8",
		    unbuilt, sizeof(unbuilt) - 1);
	} else
		req_respond(ar->r, status, "application/json; charset=utf-8",
		    s, strlen(s));
	json_wipe_free(s);
	if (obj != NULL)
		json_decref(obj);
}

static void
api_no_content(struct app_req *ar)
{
	req_respond(ar->r, 204, NULL, NULL, 0);
}

static void
api_error(struct app_req *ar, const struct app_error *e)
{
	api_send(ar, e->status, json_pack("{s:s, s:s}", "error", e->code,
	    "message", e->text));
}

/*
 * A new account (201), or a recovered one: then every session of it was
 * ended and 2FA turned off when it was on, and the answer says so.
 */
static void
api_registered(struct app_req *ar, const struct a_registered *reg)
{
	if (ar->route->handler != feat_recover)
		api_send(ar, 201, json_pack("{s:s, s:s}", "username",
		    reg->name, "recovery_key", reg->recovery_key));
	else
		api_send(ar, 200, json_pack("{s:s, s:s, s:b, s:b}",
		    "username", reg->name, "recovery_key", reg->recovery_key,
		    "sessions_ended", 1, "totp_off", reg->totp_off));
}

static void
api_signed_in(struct app_req *ar, const struct a_session *s)
{
	/* The device token: sent back as "device" at the next login. */
	api_send(ar, 200, json_pack("{s:s, s:I, s:s}", "token", s->token,
	    "expires", (json_int_t)s->expires, "device", s->device));
}

/* The API sends password and code together: there is no pending step. */
static void
api_need_otp(struct app_req *ar, const char *pending)
{
	app_fail(ar, 401, "otp_required", "This account uses two-factor "
	    "authentication: send \"otp\" as well.");
}

static void
api_whoami(struct app_req *ar)
{
	api_send(ar, 200, json_pack("{s:s, s:I, s:I, s:b}", "username",
	    ar->who.name, "uid", (json_int_t)ar->who.uid, "expires",
	    (json_int_t)ar->who.expires, "totp", ar->who.totp_on));
}

static void
api_password_changed(struct app_req *ar)
{
	api_send(ar, 200, json_pack("{s:b}", "ok", 1));
}

static void
api_totp_secret(struct app_req *ar, const struct a_totp *t)
{
	api_send(ar, 200, json_pack("{s:s, s:s}", "secret", t->secret,
	    "uri", t->uri));
}

static void
api_totp_codes(struct app_req *ar, const struct a_codes *k)
{
	json_t		*codes;
	uint32_t	 i;

	if ((codes = json_array()) != NULL)
		for (i = 0; i < k->n; i++)
			if (json_array_append_new(codes,
			    json_string(k->code[i])) == -1) {
				json_decref(codes);
				codes = NULL;
				break;
			}
	api_send(ar, 200, codes == NULL ? NULL :
	    json_pack("{s:o}", "recovery_codes", codes));
}

/* Rows: one JSON object each, sent at the end; a row lost makes it 500. */
static void
api_row(struct app_req *ar, json_t *row)
{
	if (ar->rows == 0 && ar->list == NULL &&
	    (ar->list = json_array()) == NULL)
		ar->rows = -1;
	if (ar->rows < 0) {
		json_decref(row);
		return;
	}
	/* jansson takes row, even when it fails */
	if (json_array_append_new(ar->list, row) == -1) {
		json_decref(ar->list);
		ar->list = NULL;
		ar->rows = -1;
		return;
	}
	ar->rows++;
}

static void
api_session_row(struct app_req *ar, const struct a_sessinfo *s)
{
	char	 id[17];

	snprintf(id, sizeof(id), "%016" PRIx64, s->id);
	api_row(ar, json_pack("{s:s, s:I, s:I, s:I, s:s, s:s, s:b}", "id", id,
	    "created", (json_int_t)s->created, "last_seen",
	    (json_int_t)s->last_seen, "expires", (json_int_t)s->expires,
	    "addr", s->addr, "agent", s->agent, "current", s->current));
}

static void
api_event_row(struct app_req *ar, const struct a_event *e)
{
	api_row(ar, json_pack("{s:I, s:s, s:s, s:s}", "time",
	    (json_int_t)e->time, "event", e->event, "addr", e->addr,
	    "detail", e->detail));
}

static void
api_contact_row(struct app_req *ar, const struct contact *k)
{
	api_row(ar, json_pack("{s:s, s:s, s:s, s:s, s:b, s:b, s:b, s:I}",
	    "name", k->name, "nickname", k->nick, "fingerprint", k->fp,
	    "safety_number", k->safety, "verified", k->verified,
	    "key_changed", k->key_changed, "blocked", k->blocked, "added",
	    (json_int_t)k->added));
}

static void
api_contact_changed(struct app_req *ar, enum contact_op op,
    const struct contact *k)
{
	switch (op) {
	case CONTACT_ADD:
		api_send(ar, 201, json_pack("{s:s, s:s, s:s}", "name",
		    k->name, "nickname", k->nick, "fingerprint", k->fp));
		break;
	case CONTACT_REMOVE:
		api_no_content(ar);
		break;
	case CONTACT_VERIFY:
		api_send(ar, 200, json_pack("{s:s, s:b, s:s}", "name",
		    k->name, "verified", 1, "fingerprint", k->fp));
		break;
	case CONTACT_BLOCK:
	case CONTACT_UNBLOCK:
		api_send(ar, 200, json_pack("{s:s, s:b}", "name", k->name,
		    "blocked", k->blocked));
		break;
	}
}

static void
api_list_end(struct app_req *ar, const char *name)
{
	if (ar->rows == 0 && ar->list == NULL)
		ar->list = json_array();
	api_send(ar, 200, ar->rows < 0 || ar->list == NULL ? NULL :
	    json_pack("{s:O}", name, ar->list));
}

/* Times are seconds since the epoch; no unlock time is null. */
static json_t *
unlock_value(uint64_t unlock)
{
	return unlock == 0 ? json_null() : json_integer((json_int_t)unlock);
}

/* Names as a JSON array; NULL when it cannot be built. */
static json_t *
name_array(const char *const *names, uint32_t n)
{
	json_t		*a;
	uint32_t	 i;

	if ((a = json_array()) == NULL)
		return NULL;
	for (i = 0; i < n; i++)
		if (json_array_append_new(a, json_string(names[i])) == -1) {
			json_decref(a);
			return NULL;
		}
	return a;
}

static void
api_msg_sent(struct app_req *ar, const struct msg_sent *m)
{
	api_send(ar, 201, json_pack("{s:s, s:I, s:o, s:I}", "id", m->id,
	    "created", (json_int_t)m->created, "unlock_at",
	    unlock_value(m->unlock), "expires_at", (json_int_t)m->expires));
}

/* "files": [{"n", "name", "size", "type"}, ...] */
static json_t *
file_array(const struct msg_file *f, uint32_t n)
{
	json_t		*a = json_array(), *o;
	uint32_t	 i;

	for (i = 0; a != NULL && i < n; i++) {
		o = json_pack("{s:i, s:s, s:I, s:s}", "n", (int)i, "name",
		    f[i].name, "size", (json_int_t)f[i].size, "type",
		    f[i].type);
		if (o == NULL || json_array_append_new(a, o) == -1) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

static void
api_msg_shown(struct app_req *ar, const struct msg_view *v)
{
	json_t		*to, *files;

	if (v->locked) {
		api_send(ar, 423, json_pack("{s:s, s:s, s:s, s:I}", "error",
		    "locked", "message", "This message is locked until its "
		    "unlock time.", "id", v->id, "unlock_at",
		    (json_int_t)v->unlock));
		return;
	}
	to = name_array(v->to, v->nto);
	files = file_array(v->files, v->nfiles);
	if (to == NULL || files == NULL) {
		json_decref(to);
		json_decref(files);
		api_send(ar, 200, NULL);
		return;
	}
	api_send(ar, 200, json_pack("{s:s, s:s, s:o, "
	    "s:s%, s:s%, s:I, s:o, s:I, s:o, s:{s:b, s:s}, s:b, s:b}",
	    "id", v->id, "from", v->from, "to", to, "subject", v->subject,
	    v->subject_len, "body", v->body, v->body_len, "created",
	    (json_int_t)v->created, "unlock_at", unlock_value(v->unlock),
	    "expires_at", (json_int_t)v->expires, "files", files,
	    "signature", "verified", 1, "fingerprint", v->fingerprint,
	    "broadcast", (v->flags & MC_F_BROADCAST) != 0,
	    "system", (v->flags & MC_F_SYSTEM) != 0));
}

static void
api_msg_row(struct app_req *ar, const struct msg_item *it)
{
	json_t	*row, *to = name_array(it->to, it->nto);

	if (to == NULL) {
		api_row(ar, NULL);
		return;
	}
	row = json_pack("{s:s, s:s, s:o, s:I, s:o, s:I, s:I, s:i, s:b, "
	    "s:b, s:b, s:b}", "id", it->id, "from", it->from, "to", to,
	    "created", (json_int_t)it->created, "unlock_at",
	    unlock_value(it->unlock), "expires_at", (json_int_t)it->expires,
	    "size", (json_int_t)it->size, "files", (int)it->files, "read",
	    it->read, "locked", it->locked,
	    "broadcast", (it->flags & MC_F_BROADCAST) != 0,
	    "system", (it->flags & MC_F_SYSTEM) != 0);
	if (row != NULL && it->subject != NULL &&
	    json_object_set_new(row, "subject", json_stringn(it->subject,
	    it->subject_len)) == -1) {
		json_decref(row);
		row = NULL;
	}
	api_row(ar, row);
}

static void
api_msg_list_end(struct app_req *ar, const char *next)
{
	if (ar->rows == 0 && ar->list == NULL)
		ar->list = json_array();
	api_send(ar, 200, ar->rows < 0 || ar->list == NULL ? NULL :
	    json_pack("{s:O, s:o}", "messages", ar->list, "next",
	    next != NULL ? json_string(next) : json_null()));
}

static void
api_broadcast_sent(struct app_req *ar, const struct bcast_sent *b)
{
	api_send(ar, 201, json_pack("{s:s, s:I, s:I, s:I, s:I}", "id", b->id,
	    "created", (json_int_t)b->created, "expires_at",
	    (json_int_t)b->expires, "recipients", (json_int_t)b->recipients,
	    "skipped", (json_int_t)b->skipped));
}

const struct face face_api = {
	.error = api_error,
	.registered = api_registered,
	.signed_in = api_signed_in,
	.need_otp = api_need_otp,
	.signed_out = api_no_content,
	.whoami = api_whoami,
	.password_changed = api_password_changed,
	.totp_secret = api_totp_secret,
	.totp_codes = api_totp_codes,
	.totp_off = api_no_content,
	.revoked = api_no_content,
	.session_row = api_session_row,
	.event_row = api_event_row,
	.contact_row = api_contact_row,
	.list_end = api_list_end,
	.contact_changed = api_contact_changed,
	.msg_sent = api_msg_sent,
	.msg_shown = api_msg_shown,
	.msg_deleted = api_no_content,
	.msg_row = api_msg_row,
	.msg_list_end = api_msg_list_end,
	.broadcast_sent = api_broadcast_sent,
};
