/*
 * Contacts and blocks, per owner: a nickname, a verified mark with the
 * key fingerprint it was made for (a changed key no longer matches it),
 * and a block that refuses the contact's messages at send time.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "storedb_int.h"

static void
key_contact(uint8_t k[CONTACT_KEYLEN], uint32_t owner, uint32_t uid)
{
	key_put32(k, owner);
	key_put32(k + 4, uid);
}

/* 0 found, 1 not there (k zeroed), -1 error. */
static int
contact_load(DB_TXN *txn, uint32_t owner, uint32_t uid,
    struct store_contact *k)
{
	uint8_t	 key[CONTACT_KEYLEN], *val;
	size_t	 vlen;
	int	 r;

	memset(k, 0, sizeof(*k));
	key_contact(key, owner, uid);
	if ((r = sdb_get(sdb.contact, txn, key, sizeof(key), &val,
	    &vlen)) != 0)
		return r;
	r = contact_record_decode(val, vlen, k);
	free(val);
	if (r == -1 || k->uid != uid) {
		sdb_quarantine_later(sdb.contact, key, sizeof(key));
		memset(k, 0, sizeof(*k));
		return 1;
	}
	return 0;
}

static int
contact_save(DB_TXN *txn, uint32_t owner, const struct store_contact *k)
{
	uint8_t	 key[CONTACT_KEYLEN], *val;
	size_t	 vlen;
	int	 r;

	key_contact(key, owner, k->uid);
	if (contact_record_encode(k, &val, &vlen) == -1)
		return -1;
	r = sdb_put(sdb.contact, txn, key, sizeof(key), val, vlen);
	free(val);
	return r;
}

static uint32_t
contact_count(DB_TXN *txn, uint32_t owner)
{
	DBC		*c;
	DBT		 key, data;
	uint8_t		 k[CONTACT_KEYLEN];
	uint32_t	 n = 0;
	int		 r;

	if (sdb.contact->cursor(sdb.contact, txn, &c, 0) != 0)
		return CONTACTS_MAX;
	key_contact(k, owner, 0);
	memset(&key, 0, sizeof(key));
	memset(&data, 0, sizeof(data));
	key.data = k;
	key.size = key.ulen = sizeof(k);
	key.flags = DB_DBT_USERMEM;
	data.flags = DB_DBT_PARTIAL;
	for (r = c->get(c, &key, &data, DB_SET_RANGE); r == 0 &&
	    n < CONTACTS_MAX; r = c->get(c, &key, &data, DB_NEXT)) {
		uint8_t	 o[4];

		key_put32(o, owner);
		if (memcmp(k, o, 4) != 0)
			break;
		n++;
	}
	c->close(c);
	return n;
}

/* What contact_change may do with an entry. */
#define C_CHANGE	0	/* change it; not there is NOTFOUND */
#define C_ANY		1	/* change it, making it if need be */
#define C_NEW		2	/* make it; already there is STATE */

/*
 * Change owner's entry for uid with fn, making it when create allows
 * (within the limit), in one transaction.
 */
static int
contact_change(uint32_t owner, uint32_t uid, int create, uint64_t now,
    void (*fn)(struct store_contact *, const void *), const void *arg)
{
	struct store_contact	 k;
	DB_TXN			*txn;
	int			 r;

	if (owner == 0 || uid == 0 || owner == uid)
		return STORE_E_BADREQ;
	if ((txn = sdb_begin()) == NULL)
		return STORE_E_INTERNAL;
	if ((r = contact_load(txn, owner, uid, &k)) == -1) {
		sdb_abort(txn);
		return STORE_E_INTERNAL;
	}
	if (r == 0 && create == C_NEW) {
		sdb_abort(txn);
		return STORE_E_STATE;
	}
	if (r == 1) {
		if (create == C_CHANGE) {
			sdb_abort(txn);
			return STORE_E_NOTFOUND;
		}
		if (contact_count(txn, owner) >= CONTACTS_MAX) {
			sdb_abort(txn);
			return STORE_E_LIMIT;
		}
		k.uid = uid;
		k.added = now;
	}
	fn(&k, arg);
	if (contact_save(txn, owner, &k) == -1) {
		sdb_abort(txn);
		return STORE_E_INTERNAL;
	}
	return sdb_commit(txn) == 0 ? STORE_E_OK : STORE_E_INTERNAL;
}

static void
set_nick(struct store_contact *k, const void *arg)
{
	strlcpy(k->nick, arg, sizeof(k->nick));
}

int
store_contact_add(uint32_t owner, uint32_t uid, const char *nick,
    uint64_t now)
{
	size_t	 i, len = strlen(nick);

	if (len > NICK_MAX)
		return STORE_E_LIMIT;
	for (i = 0; i < len; i++)
		if ((unsigned char)nick[i] < 0x20 || nick[i] == 0x7f)
			return STORE_E_BADREQ;
	return contact_change(owner, uid, C_NEW, now, set_nick, nick);
}

static void
set_block(struct store_contact *k, const void *arg)
{
	k->blocked = *(const int *)arg ? 1 : 0;
}

/* Blocking someone who is not a contact yet makes them one. */
int
store_contact_block(uint32_t owner, uint32_t uid, int on, uint64_t now)
{
	return contact_change(owner, uid, on ? C_ANY : C_CHANGE, now,
	    set_block, &on);
}

static void
set_verified(struct store_contact *k, const void *arg)
{
	const char	*fp = arg;

	k->verified = fp[0] != '\0';
	strlcpy(k->fingerprint, fp, sizeof(k->fingerprint));
}

/* fp: the contact's key fingerprint now, or "" to clear the mark. */
int
store_contact_verify(uint32_t owner, uint32_t uid, const char *fp)
{
	size_t	 len = strlen(fp);

	if (len != 0 && (len != MC_FPTEXTLEN - 1 ||
	    strspn(fp, "0123456789abcdef") != len))
		return STORE_E_BADREQ;
	return contact_change(owner, uid, C_CHANGE, 0, set_verified, fp);
}

int
store_contact_remove(uint32_t owner, uint32_t uid)
{
	DB_TXN	*txn;
	uint8_t	 key[CONTACT_KEYLEN], *val;
	size_t	 vlen;
	int	 r;

	key_contact(key, owner, uid);
	if ((txn = sdb_begin()) == NULL)
		return STORE_E_INTERNAL;
	if ((r = sdb_get(sdb.contact, txn, key, sizeof(key), &val,
	    &vlen)) == 0) {
		free(val);
		r = sdb_del(sdb.contact, txn, key, sizeof(key));
	}
	if (r != 0) {
		sdb_abort(txn);
		return r == 1 ? STORE_E_NOTFOUND : STORE_E_INTERNAL;
	}
	return sdb_commit(txn) == 0 ? STORE_E_OK : STORE_E_INTERNAL;
}

int
store_contact_list(uint32_t owner, store_contact_cb cb, void *arg)
{
	struct store_contact	 k;
	DB_TXN			*txn;
	DBC			*c;
	DBT			 key, data;
	uint8_t			 kb[CONTACT_KEYLEN], o[4];
	int			 r;

	if ((txn = sdb_begin()) == NULL)
		return STORE_E_INTERNAL;
	if (sdb.contact->cursor(sdb.contact, txn, &c, 0) != 0) {
		sdb_abort(txn);
		return STORE_E_INTERNAL;
	}
	key_contact(kb, owner, 0);
	key_put32(o, owner);
	memset(&key, 0, sizeof(key));
	memset(&data, 0, sizeof(data));
	key.data = kb;
	key.size = key.ulen = sizeof(kb);
	key.flags = DB_DBT_USERMEM;
	for (r = c->get(c, &key, &data, DB_SET_RANGE); r == 0;
	    r = c->get(c, &key, &data, DB_NEXT)) {
		if (key.size != CONTACT_KEYLEN || memcmp(kb, o, 4) != 0)
			break;
		if (contact_record_decode(data.data, data.size, &k) == -1) {
			sdb_quarantine_later(sdb.contact, kb, sizeof(kb));
			continue;
		}
		cb(&k, arg);
	}
	c->close(c);
	sdb_commit(txn);
	return r == 0 || r == DB_NOTFOUND ? STORE_E_OK : STORE_E_INTERNAL;
}

/* Does owner block uid?  1 yes, 0 no, -1 error. */
int
contact_blocked(DB_TXN *txn, uint32_t owner, uint32_t uid)
{
	struct store_contact	 k;
	int			 r;

	if ((r = contact_load(txn, owner, uid, &k)) == -1)
		return -1;
	return r == 0 && k.blocked;
}

int
store_blocked(uint32_t owner, uint32_t uid)
{
	DB_TXN	*txn;
	int	 r;

	if ((txn = sdb_begin()) == NULL)
		return -1;
	r = contact_blocked(txn, owner, uid);
	sdb_commit(txn);
	return r;
}
