/*
 * An account record: what smsg-auth keeps about one user, and its
 * serialisation with the message layer's typed fields (a version byte
 * first).  A record that does not parse is an error, never a match.
 */
#ifndef SMSG_AUTH_ACCOUNT_H
#define SMSG_AUTH_ACCOUNT_H

#include <stddef.h>
#include <stdint.h>

#include "keywrap.h"
#include "lockout.h"
#include "pwhash.h"
#include "totp.h"

#define ACCOUNT_VERSION		3	/* 1: without admin, 2: without devices */
#define ACCOUNT_NAME_MIN	3
#define ACCOUNT_NAME_MAX	32
#define ACCOUNT_RECMAX		2048	/* an encoded record is smaller */
#define ACCOUNT_DEVICES		8	/* device tokens kept per account */
#define DEVICE_HASHLEN		32

/*
 * A browser (or API client) that signed in before: the SHA-256 of the
 * device token it holds, and its own count of failed sign-ins.
 */
struct device {
	uint8_t			 hash[DEVICE_HASHLEN];
	uint64_t		 last_used;
	struct lockout_state	 lockout;
};

struct account {
	char		 name[ACCOUNT_NAME_MAX + 1];	/* lower case */
	uint32_t	 uid;
	uint64_t	 created;
	uint64_t	 last_login;
	char		 pwhash[PWHASH_STRLEN];
	uint8_t		 lock;		/* USER_LOCK_NONE or _ADMIN */
	struct lockout_state lockout;
	uint8_t		 totp_on;
	uint8_t		 totp_secret[TOTP_SECRET_LEN];
	uint64_t	 totp_last_step;
	uint8_t		 totp_pending;	/* enrolment begun, not confirmed */
	uint8_t		 totp_pending_secret[TOTP_SECRET_LEN];
	uint8_t		 rcode_hash[RCODE_N][RCODE_HASHLEN];
	uint8_t		 rcode_used[RCODE_N];	/* 1: used or never set */
	uint8_t		 x25519_pub[KEY_LEN];
	uint8_t		 ed25519_pub[KEY_LEN];
	uint8_t		 wrapped_pw[WRAPPED_LEN];	/* under the kek */
	uint8_t		 wrapped_rec[WRAPPED_LEN];	/* recovery key */
	uint8_t		 admin;		/* may broadcast (smsgctl user admin) */
	uint8_t		 ndevices;
	struct device	 devices[ACCOUNT_DEVICES];
};

int	account_name_check(const char *, char *, size_t);
int	account_encode(const struct account *, uint8_t *, size_t, size_t *);
int	account_decode(const uint8_t *, size_t, struct account *);
void	account_clear(struct account *);
void	account_rcodes_void(struct account *);
void	account_totp_off(struct account *);

#endif
