/*
 * Account records and the rules for account names.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "account.h"
#include "msg.h"
#include "proto.h"

/*
 * 3 to 32 of a-z 0-9 . _ -, starting with a letter or digit.  Upper case
 * is refused rather than folded: a name is shown and typed one way only.
 * 0 when acceptable; else -1 with a sentence for the user in why.
 */
int
account_name_check(const char *name, char *why, size_t whysz)
{
	size_t	 i, len = strlen(name);
	int	 upper = 0, other = 0;

	for (i = 0; i < len; i++) {
		if (name[i] >= 'A' && name[i] <= 'Z')
			upper = 1;
		else if (!((name[i] >= 'a' && name[i] <= 'z') ||
		    (name[i] >= '0' && name[i] <= '9') || name[i] == '.' ||
		    name[i] == '_' || name[i] == '-'))
			other = 1;
	}
	if (len < ACCOUNT_NAME_MIN || len > ACCOUNT_NAME_MAX)
		snprintf(why, whysz, "A user name has %d to %d characters.",
		    ACCOUNT_NAME_MIN, ACCOUNT_NAME_MAX);
	else if (upper)
		snprintf(why, whysz, "User names are lower case only: "
		    "use a-z, not A-Z.");
	else if (other)
		snprintf(why, whysz, "A user name may contain only a-z, 0-9, "
		    "dot, underscore and hyphen.");
	else if (name[0] == '.' || name[0] == '_' || name[0] == '-')
		snprintf(why, whysz, "A user name starts with a letter or "
		    "a digit.");
	else if (strcmp(name, SMSG_SYSTEM_NAME) == 0)
		snprintf(why, whysz, "The name %s is the system's: choose "
		    "another.", SMSG_SYSTEM_NAME);
	else
		return 0;
	return -1;
}

static void
lockout_encode(struct msgbuf *mb, const struct lockout_state *l)
{
	msg_add_u32(mb, l->failures);
	msg_add_u64(mb, l->last_failure);
	msg_add_u64(mb, l->hour_start);
	msg_add_u32(mb, l->hour_count);
}

static int
lockout_decode(struct msgcur *c, struct lockout_state *l)
{
	if (msg_get_u32(c, &l->failures) == -1 ||
	    msg_get_u64(c, &l->last_failure) == -1 ||
	    msg_get_u64(c, &l->hour_start) == -1 ||
	    msg_get_u32(c, &l->hour_count) == -1)
		return -1;
	return 0;
}

static void
devices_encode(struct msgbuf *mb, const struct account *a)
{
	int	 i;

	msg_add_u8(mb, a->ndevices);
	for (i = 0; i < a->ndevices && i < ACCOUNT_DEVICES; i++) {
		msg_add_fixed(mb, a->devices[i].hash, DEVICE_HASHLEN);
		msg_add_u64(mb, a->devices[i].last_used);
		lockout_encode(mb, &a->devices[i].lockout);
	}
}

static int
devices_decode(struct msgcur *c, struct account *a)
{
	int	 i;

	if (msg_get_u8(c, &a->ndevices) == -1 ||
	    a->ndevices > ACCOUNT_DEVICES)
		return -1;
	for (i = 0; i < a->ndevices; i++)
		if (msg_get_fixed(c, a->devices[i].hash, DEVICE_HASHLEN) == -1 ||
		    msg_get_u64(c, &a->devices[i].last_used) == -1 ||
		    lockout_decode(c, &a->devices[i].lockout) == -1)
			return -1;
	return 0;
}

/* Into buf; *len is the size used.  0 ok, -1 does not fit. */
int
account_encode(const struct account *a, uint8_t *buf, size_t bufsz,
    size_t *len)
{
	struct msgbuf	 mb;
	int		 i;

	msg_init(&mb, MSG_NONE, 0);
	msg_add_u8(&mb, ACCOUNT_VERSION);
	msg_add_string(&mb, a->name);
	msg_add_u32(&mb, a->uid);
	msg_add_u64(&mb, a->created);
	msg_add_u64(&mb, a->last_login);
	msg_add_string(&mb, a->pwhash);
	msg_add_u8(&mb, a->lock);
	lockout_encode(&mb, &a->lockout);
	msg_add_u8(&mb, a->totp_on);
	msg_add_fixed(&mb, a->totp_secret, TOTP_SECRET_LEN);
	msg_add_u64(&mb, a->totp_last_step);
	msg_add_u8(&mb, a->totp_pending);
	msg_add_fixed(&mb, a->totp_pending_secret, TOTP_SECRET_LEN);
	for (i = 0; i < RCODE_N; i++) {
		msg_add_fixed(&mb, a->rcode_hash[i], RCODE_HASHLEN);
		msg_add_u8(&mb, a->rcode_used[i]);
	}
	msg_add_fixed(&mb, a->x25519_pub, KEY_LEN);
	msg_add_fixed(&mb, a->ed25519_pub, KEY_LEN);
	msg_add_fixed(&mb, a->wrapped_pw, WRAPPED_LEN);
	msg_add_fixed(&mb, a->wrapped_rec, WRAPPED_LEN);
	msg_add_u8(&mb, a->admin);
	devices_encode(&mb, a);
	if (mb.err || mb.len > bufsz) {
		msg_free(&mb);
		return -1;
	}
	memcpy(buf, mb.data, mb.len);
	*len = mb.len;
	msg_free(&mb);		/* zeroes the copy: it holds secrets */
	return 0;
}

static int
account_decode_totp(struct msgcur *c, struct account *a)
{
	int	 i;

	if (msg_get_u8(c, &a->totp_on) == -1 ||
	    msg_get_fixed(c, a->totp_secret, TOTP_SECRET_LEN) == -1 ||
	    msg_get_u64(c, &a->totp_last_step) == -1 ||
	    msg_get_u8(c, &a->totp_pending) == -1 ||
	    msg_get_fixed(c, a->totp_pending_secret, TOTP_SECRET_LEN) == -1)
		return -1;
	for (i = 0; i < RCODE_N; i++)
		if (msg_get_fixed(c, a->rcode_hash[i], RCODE_HASHLEN) == -1 ||
		    msg_get_u8(c, &a->rcode_used[i]) == -1 ||
		    a->rcode_used[i] > 1)
			return -1;
	return a->totp_on > 1 || a->totp_pending > 1 ? -1 : 0;
}

/* 0 ok; -1 when the record does not parse or holds impossible values. */
int
account_decode(const uint8_t *buf, size_t len, struct account *a)
{
	struct msg	 m;
	struct msgcur	 c;
	uint8_t		 version;
	char		 why[128];

	memset(a, 0, sizeof(*a));
	memset(&m, 0, sizeof(m));
	m.data = buf;
	m.len = len;
	m.fd = -1;
	msg_cursor(&m, &c);
	if (msg_get_u8(&c, &version) == -1 || version < 1 ||
	    version > ACCOUNT_VERSION ||
	    msg_get_string(&c, a->name, sizeof(a->name)) == -1 ||
	    msg_get_u32(&c, &a->uid) == -1 ||
	    msg_get_u64(&c, &a->created) == -1 ||
	    msg_get_u64(&c, &a->last_login) == -1 ||
	    msg_get_string(&c, a->pwhash, sizeof(a->pwhash)) == -1 ||
	    msg_get_u8(&c, &a->lock) == -1 ||
	    lockout_decode(&c, &a->lockout) == -1 ||
	    account_decode_totp(&c, a) == -1 ||
	    msg_get_fixed(&c, a->x25519_pub, KEY_LEN) == -1 ||
	    msg_get_fixed(&c, a->ed25519_pub, KEY_LEN) == -1 ||
	    msg_get_fixed(&c, a->wrapped_pw, WRAPPED_LEN) == -1 ||
	    msg_get_fixed(&c, a->wrapped_rec, WRAPPED_LEN) == -1)
		goto bad;
	/* the administrator flag came with version 2, devices with 3 */
	if (version >= 2 && msg_get_u8(&c, &a->admin) == -1)
		goto bad;
	if (version >= 3 && devices_decode(&c, a) == -1)
		goto bad;
	if (msg_get_end(&c) == -1 || a->admin > 1)
		goto bad;
	if (account_name_check(a->name, why, sizeof(why)) == -1 ||
	    (a->lock != USER_LOCK_NONE && a->lock != USER_LOCK_ADMIN) ||
	    a->uid == 0 || a->pwhash[0] == '\0')
		goto bad;
	return 0;
bad:
	account_clear(a);
	errno = EBADMSG;
	return -1;
}

void
account_clear(struct account *a)
{
	explicit_bzero(a, sizeof(*a));
}

/* No recovery code is valid any more. */
void
account_rcodes_void(struct account *a)
{
	explicit_bzero(a->rcode_hash, sizeof(a->rcode_hash));
	memset(a->rcode_used, 1, sizeof(a->rcode_used));
}

/* Two-factor authentication off: secrets wiped, enrolment and codes void. */
void
account_totp_off(struct account *a)
{
	a->totp_on = 0;
	a->totp_pending = 0;
	explicit_bzero(a->totp_secret, sizeof(a->totp_secret));
	explicit_bzero(a->totp_pending_secret, sizeof(a->totp_pending_secret));
	account_rcodes_void(a);
}
