/*
 * The system's key pairs: made at auth's first start, kept in meta.db
 * ("system_keys") and in memory while auth runs.  They sign broadcasts
 * from smsgctl and security notices; readers check them against the
 * fingerprint shown for the sender "smsg".
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "authdb.h"
#include "log.h"
#include "sysmsg.h"

#define SYSKEYS_VERSION	1
#define SYSKEYS_LEN	(1 + 4 * KEY_LEN)

static struct userkeys	 sys;
static int		 have;

static void
syskeys_clear(void)
{
	userkeys_clear(&sys);
	have = 0;
}

static void
syskeys_pack(uint8_t buf[SYSKEYS_LEN])
{
	buf[0] = SYSKEYS_VERSION;
	memcpy(buf + 1, sys.x25519_pub, KEY_LEN);
	memcpy(buf + 1 + KEY_LEN, sys.x25519_priv, KEY_LEN);
	memcpy(buf + 1 + 2 * KEY_LEN, sys.ed25519_pub, KEY_LEN);
	memcpy(buf + 1 + 3 * KEY_LEN, sys.ed25519_priv, KEY_LEN);
}

static void
syskeys_unpack(const uint8_t buf[SYSKEYS_LEN])
{
	memcpy(sys.x25519_pub, buf + 1, KEY_LEN);
	memcpy(sys.x25519_priv, buf + 1 + KEY_LEN, KEY_LEN);
	memcpy(sys.ed25519_pub, buf + 1 + 2 * KEY_LEN, KEY_LEN);
	memcpy(sys.ed25519_priv, buf + 1 + 3 * KEY_LEN, KEY_LEN);
}

/* Load the keys, or make them the first time.  0 ok, -1 error. */
int
syskeys_init(void)
{
	uint8_t	 buf[SYSKEYS_LEN];
	DB_TXN	*txn;
	int	 r;

	if ((txn = authdb_begin()) == NULL)
		return -1;
	r = authdb_meta_get(txn, "system_keys", buf, sizeof(buf));
	if (r == 1 && buf[0] == SYSKEYS_VERSION) {
		syskeys_unpack(buf);
		authdb_abort(txn);
		r = userkeys_check(&sys) == 0 ? 0 : -1;
	} else if (r == 0) {
		if (userkeys_generate(&sys) == -1) {
			authdb_abort(txn);
			r = -1;
		} else {
			syskeys_pack(buf);
			r = authdb_meta_put(txn, "system_keys", buf,
			    sizeof(buf));
			r = r == 0 ? authdb_commit(txn) : (authdb_abort(txn),
			    -1);
			if (r == 0)
				log_info("made the system's keys");
		}
	} else {
		authdb_abort(txn);
		r = -1;
	}
	explicit_bzero(buf, sizeof(buf));
	if (r == -1) {
		syskeys_clear();
		return -1;
	}
	have = 1;
	atexit(syskeys_clear);
	return 0;
}

const struct userkeys *
syskeys(void)
{
	return have ? &sys : NULL;
}

/* The system as an account for lookups by uid: name and public keys. */
int
syskeys_account(struct account *a)
{
	memset(a, 0, sizeof(*a));
	if (!have)
		return 0;
	strlcpy(a->name, SMSG_SYSTEM_NAME, sizeof(a->name));
	a->uid = SMSG_SYSTEM_UID;
	memcpy(a->x25519_pub, sys.x25519_pub, KEY_LEN);
	memcpy(a->ed25519_pub, sys.ed25519_pub, KEY_LEN);
	return 1;
}
