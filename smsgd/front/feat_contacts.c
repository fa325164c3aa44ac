/*
 * Contacts, each feature written once for both faces.  The store keeps a
 * user's contacts by uid and knows no names or keys; auth knows both.  A
 * list asks the store for the entries, then auth for every entry's name,
 * fingerprint and safety number; a change asks auth who a name is
 * (AUTH_PUBKEYS), then the store to change the caller's entry.  The
 * store is always asked with ar->who.uid, the user auth vouched for:
 * no route names another user's list.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "log.h"
#include "proto.h"

/* The store's refusals, said of contacts. */
static const char *const contact_texts[STORE_E_MAX] = {
	[STORE_E_BADREQ] = "This contact request is not valid.",
	[STORE_E_NOTFOUND] = "That user is not one of your contacts.",
	[STORE_E_LIMIT] = "You have as many contacts as one may have.",
	[STORE_E_STATE] = "That user is already one of your contacts.",
};

struct contact_list {
	enum contact_op	 op;
	struct contact	 one;		/* the contact a change is about */
	struct contact	*rows;		/* a list, from the store */
	uint32_t	 n, cap;
};

void
contacts_free(struct contact_list *cl)
{
	if (cl == NULL)
		return;
	free(cl->rows);
	free(cl);
}

static struct contact_list *
contacts_of(struct app_req *ar)
{
	if (ar->contacts == NULL &&
	    (ar->contacts = calloc(1, sizeof(*ar->contacts))) == NULL)
		app_fail(ar, 503, "busy",
		    "The server is busy; try again in a moment.");
	return ar->contacts;
}

/* STORE_CONTACT: u32 uid, string nickname, u8 blocked, u8 verified,
 * string fingerprint, u64 added. */
static void
get_store_contact(struct msg *m, struct contact *k)
{
	struct msgcur	 c;
	uint8_t		 blocked, marked;

	memset(k, 0, sizeof(*k));
	msg_cursor(m, &c);
	msg_get_u32(&c, &k->uid);
	msg_get_string(&c, k->nick, sizeof(k->nick));
	msg_get_u8(&c, &blocked);
	msg_get_u8(&c, &marked);
	msg_get_string(&c, k->verified_fp, sizeof(k->verified_fp));
	msg_get_u64(&c, &k->added);
	if (msg_get_end(&c) == -1)
		fatalx("malformed STORE_CONTACT from store");
	k->blocked = blocked != 0;
	k->verified = marked != 0;
}

/* STORE_END: u8 more, id next; a contact list has no pages. */
static void
get_store_end(struct msg *m)
{
	struct msgcur	 c;
	uint8_t		 more, next[MC_IDLEN];

	msg_cursor(m, &c);
	msg_get_u8(&c, &more);
	msg_get_fixed(&c, next, MC_IDLEN);
	if (msg_get_end(&c) == -1)
		fatalx("malformed STORE_END from store");
}

static int
by_name(const void *a, const void *b)
{
	const struct contact	*ka = a, *kb = b;

	return strcmp(ka->name, kb->name);
}

/*
 * Every entry auth knew, by name.  The verified mark holds only for the
 * fingerprint it was made for: changed keys clear it and warn.
 */
static void
contacts_show(struct app_req *ar)
{
	struct contact_list	*cl = ar->contacts;
	struct contact		*k;
	uint32_t		 i;

	qsort(cl->rows, cl->n, sizeof(cl->rows[0]), by_name);
	for (i = 0; i < cl->n; i++) {
		k = &cl->rows[i];
		if (!k->known)
			continue;
		k->key_changed = k->verified &&
		    strcmp(k->fp, k->verified_fp) != 0;
		k->verified = k->verified && !k->key_changed;
		ar->face->contact_row(ar, k);
	}
	ar->face->list_end(ar, "contacts");
}

/* AUTH_CONTACT_KEY: u32 uid, string name, string fp, string safety. */
static void
get_contact_key(struct contact_list *cl, struct msg *m)
{
	struct msgcur	 c;
	struct contact	 k;
	uint32_t	 i;

	msg_cursor(m, &c);
	msg_get_u32(&c, &k.uid);
	msg_get_string(&c, k.name, sizeof(k.name));
	msg_get_string(&c, k.fp, sizeof(k.fp));
	msg_get_string(&c, k.safety, sizeof(k.safety));
	if (msg_get_end(&c) == -1)
		fatalx("malformed AUTH_CONTACT_KEY from auth");
	for (i = 0; i < cl->n; i++)
		if (cl->rows[i].uid == k.uid) {
			memcpy(cl->rows[i].name, k.name, sizeof(k.name));
			memcpy(cl->rows[i].fp, k.fp, sizeof(k.fp));
			memcpy(cl->rows[i].safety, k.safety,
			    sizeof(k.safety));
			cl->rows[i].known = 1;
			return;
		}
	fatalx("auth answered AUTH_CONTACT_KEY for a uid not asked for");
}

static int
on_contact_keys(struct req *r, struct msg *m)
{
	struct app_req	*ar = app_of(r);

	if (ask_settled(ar, m, MSG_AUTH_CONTACT_KEY, MSG_AUTH_END))
		return 0;
	if (m->type == MSG_AUTH_END) {
		a_expect_empty(m);
		contacts_show(ar);
		return 0;
	}
	get_contact_key(ar->contacts, m);
	return 1;
}

static void
ask_contact_keys(struct app_req *ar)
{
	struct contact_list	*cl = ar->contacts;
	struct msgbuf		 mb;
	uint32_t		 i;

	if (cl->n == 0) {
		ar->face->list_end(ar, "contacts");
		return;
	}
	ask_prefix(ar, &mb, MSG_AUTH_CONTACT_KEYS);
	msg_add_u32(&mb, cl->n);
	for (i = 0; i < cl->n; i++)
		msg_add_u32(&mb, cl->rows[i].uid);
	ask_auth(ar, &mb, on_contact_keys);
}

/* A row more, within CONTACTS_MAX; NULL when there is no room. */
static struct contact *
contacts_grow(struct contact_list *cl)
{
	struct contact	*rows;
	uint32_t	 cap;

	if (cl->n == cl->cap) {
		if (cl->cap >= CONTACTS_MAX)
			return NULL;
		cap = cl->cap == 0 ? 16 : cl->cap * 2;
		if (cap > CONTACTS_MAX)
			cap = CONTACTS_MAX;
		if ((rows = reallocarray(cl->rows, cap, sizeof(*rows))) ==
		    NULL)
			return NULL;
		cl->rows = rows;
		cl->cap = cap;
	}
	return &cl->rows[cl->n++];
}

static int
on_store_contacts(struct req *r, struct msg *m)
{
	struct app_req	*ar = app_of(r);
	struct contact	*k, spare;

	if (store_settled(ar, m, MSG_STORE_CONTACT, MSG_STORE_END,
	    contact_texts))
		return 0;
	if (m->type == MSG_STORE_END) {
		get_store_end(m);
		ask_contact_keys(ar);
		return 0;
	}
	/* past the limit, or short of memory: read, and show the rest */
	if ((k = contacts_grow(ar->contacts)) == NULL)
		k = &spare;
	get_store_contact(m, k);
	return 1;
}

void
feat_contacts(struct app_req *ar)
{
	struct msgbuf	 mb;

	if (contacts_of(ar) == NULL)
		return;
	ask_store_init(ar, &mb, MSG_STORE_CONTACTS);
	ask_store(ar, &mb, on_store_contacts);
}

static int
on_changed(struct req *r, struct msg *m)
{
	struct app_req		*ar = app_of(r);
	struct contact_list	*cl = ar->contacts;

	if (store_settled(ar, m, MSG_STORE_OK, MSG_STORE_OK, contact_texts))
		return 0;
	if (m->len != 0)
		fatalx("malformed STORE_OK from store");
	cl->one.verified = cl->op == CONTACT_VERIFY;
	cl->one.blocked = cl->op == CONTACT_BLOCK;
	ar->face->contact_changed(ar, cl->op, &cl->one);
	return 0;
}

/* AUTH_PUBKEY: string name, u32 uid, fixed x25519, fixed ed25519, fp. */
static void
get_pubkey(struct msg *m, struct contact *k)
{
	struct msgcur	 c;
	uint8_t		 x[MC_KEYLEN], ed[MC_KEYLEN];

	msg_cursor(m, &c);
	msg_get_string(&c, k->name, sizeof(k->name));
	msg_get_u32(&c, &k->uid);
	msg_get_fixed(&c, x, sizeof(x));
	msg_get_fixed(&c, ed, sizeof(ed));
	msg_get_string(&c, k->fp, sizeof(k->fp));
	if (msg_get_end(&c) == -1)
		fatalx("malformed AUTH_PUBKEY from auth");
}

/* Auth said who the name is: the store changes the caller's entry. */
static int
on_pubkey(struct req *r, struct msg *m)
{
	struct app_req		*ar = app_of(r);
	struct contact_list	*cl = ar->contacts;
	struct msgbuf		 mb;
	uint32_t		 types[] = {
		[CONTACT_ADD] = MSG_STORE_CONTACT_ADD,
		[CONTACT_REMOVE] = MSG_STORE_CONTACT_REMOVE,
		[CONTACT_VERIFY] = MSG_STORE_CONTACT_VERIFY,
		[CONTACT_BLOCK] = MSG_STORE_CONTACT_BLOCK,
		[CONTACT_UNBLOCK] = MSG_STORE_CONTACT_BLOCK,
	};

	if (ask_settled(ar, m, MSG_AUTH_PUBKEY, MSG_AUTH_PUBKEY))
		return 0;
	get_pubkey(m, &cl->one);
	if (cl->one.uid == ar->who.uid) {
		app_fail(ar, 422, "self", "You cannot be your own contact.");
		return 0;
	}
	ask_store_init(ar, &mb, types[cl->op]);
	msg_add_u32(&mb, cl->one.uid);
	if (cl->op == CONTACT_ADD)
		msg_add_string(&mb, cl->one.nick);
	else if (cl->op == CONTACT_VERIFY)
		msg_add_string(&mb, cl->one.fp);
	else if (cl->op != CONTACT_REMOVE)
		msg_add_u8(&mb, cl->op == CONTACT_BLOCK);
	ask_store(ar, &mb, on_changed);
	return 0;
}

/* A nickname: bounded, UTF-8, no control characters; 0 or -1 answered. */
static int
nick_check(struct app_req *ar, const char *nick)
{
	size_t	 i, len = strlen(nick);

	if (len > CONTACT_NICK_MAX) {
		app_fail(ar, 400, "bad_request", "That nickname is too long.");
		return -1;
	}
	for (i = 0; i < len; i++)
		if ((unsigned char)nick[i] < 0x20 || nick[i] == 0x7f)
			break;
	if (i < len || !http_utf8_valid((const uint8_t *)nick, len)) {
		app_fail(ar, 400, "bad_request",
		    "A nickname holds no control characters.");
		return -1;
	}
	return 0;
}

/* The name is the route's {name} or the body's name. */
static void
contact_change(struct app_req *ar, enum contact_op op)
{
	static const enum field	 inputs[] = { F_CONTACT, F_NICKNAME, F_END };
	struct contact_list	*cl;
	struct route_param	 p;
	struct msgbuf		 mb;
	const char		*name, *nick;

	if (in_check(ar, inputs) == -1)
		return;
	name = in_text(ar, F_CONTACT);
	nick = in_text(ar, F_NICKNAME);
	if (route_param_parse("name", 4, name, strlen(name), &p) == -1) {
		app_fail(ar, 400, "bad_request", "That is not a user name.");
		return;
	}
	if (op == CONTACT_ADD && nick_check(ar, nick) == -1)
		return;
	if ((cl = contacts_of(ar)) == NULL)
		return;
	cl->op = op;
	if (op == CONTACT_ADD)
		strlcpy(cl->one.nick, nick, sizeof(cl->one.nick));
	ask_prefix(ar, &mb, MSG_AUTH_PUBKEYS);
	msg_add_string(&mb, p.text);
	ask_auth(ar, &mb, on_pubkey);
}

void
feat_contact_add(struct app_req *ar)
{
	contact_change(ar, CONTACT_ADD);
}

void
feat_contact_remove(struct app_req *ar)
{
	contact_change(ar, CONTACT_REMOVE);
}

void
feat_contact_verify(struct app_req *ar)
{
	contact_change(ar, CONTACT_VERIFY);
}

void
feat_contact_block(struct app_req *ar)
{
	contact_change(ar, CONTACT_BLOCK);
}

void
feat_contact_unblock(struct app_req *ar)
{
	contact_change(ar, CONTACT_UNBLOCK);
}
