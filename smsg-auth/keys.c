/*
 * Steps shared by the flows: second factors, and the custody of a user's
 * keys (wrapped under the password's kek and under the recovery key).
 */
#include "config.h"

#include <openssl/crypto.h>

#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "authdb.h"
#include "log.h"

static char	 dummy_verifier[PWHASH_STRLEN];

/*
 * A verifier of a random password, made once: an unknown user's login
 * is hashed against it, so it costs what a known user's does.
 */
void
auth_hash_dummy_init(void)
{
	uint8_t	 pw[32], kek[PWHASH_KEYLEN];
	size_t	 i;

	arc4random_buf(pw, sizeof(pw));
	/* a password holds no NUL: one in 8 random draws would */
	for (i = 0; i < sizeof(pw); i++)
		if (pw[i] == '\0')
			pw[i] = 1;
	if (pwhash_create(&authconf.params, (const char *)pw, sizeof(pw),
	    dummy_verifier, sizeof(dummy_verifier), kek) == -1)
		fatalx("cannot make the dummy verifier");
	explicit_bzero(pw, sizeof(pw));
	explicit_bzero(kek, sizeof(kek));
}

const char *
auth_hash_dummy(void)
{
	return dummy_verifier;
}

/*
 * A second factor: a TOTP code, or one of the recovery codes in its
 * place.  What it uses up (the step, the code) is changed in a, to be
 * stored in the caller's transaction, which also records the event.
 */
enum otp_outcome
otp_check(DB_TXN *txn, struct account *a, const char *otp, time_t now,
    const char *addr)
{
	uint64_t	 step = 0;

	if (rcode_looks_like(otp)) {
		if (!account_rcode_use(a, otp))
			return OTP_BAD;
		auth_event(txn, a, "recovery_code_used", addr, "");
		return OTP_GOOD;
	}
	switch (totp_verify(a->totp_secret, TOTP_SECRET_LEN, otp, now,
	    a->totp_last_step, &step)) {
	case TOTP_OK:
		a->totp_last_step = step;
		return OTP_GOOD;
	case TOTP_REUSED:
		auth_event(txn, a, "totp_reused", addr, "");
		return OTP_REUSED;
	default:
		return OTP_BAD;
	}
}

/*
 * Mark the recovery code text used.  1 when it was a valid unused code,
 * 0 when not.  Every slot is compared, in constant time.
 */
int
account_rcode_use(struct account *a, const char *text)
{
	uint8_t	 h[RCODE_HASHLEN];
	int	 i, hit = -1;

	if (rcode_hash(text, h) == -1)
		return 0;
	for (i = 0; i < RCODE_N; i++)
		if (CRYPTO_memcmp(h, a->rcode_hash[i], RCODE_HASHLEN) == 0 &&
		    !a->rcode_used[i])
			hit = i;
	explicit_bzero(h, sizeof(h));
	if (hit == -1)
		return 0;
	a->rcode_used[hit] = 1;
	return 1;
}

/* Wrap keys under kek and a new recovery key (its text in reckey). */
int
account_keys_rewrap(struct account *a, const struct userkeys *keys,
    const uint8_t *kek, char reckey[RECKEY_TEXTLEN])
{
	uint8_t	 rk[KEY_LEN];
	int	 r = -1;

	if (reckey_generate(reckey, rk) == -1)
		goto done;
	if (keywrap_seal(kek, a->name, keys, a->wrapped_pw) == -1 ||
	    keywrap_seal(rk, a->name, keys, a->wrapped_rec) == -1)
		goto done;
	memcpy(a->x25519_pub, keys->x25519_pub, KEY_LEN);
	memcpy(a->ed25519_pub, keys->ed25519_pub, KEY_LEN);
	r = 0;
done:
	explicit_bzero(rk, sizeof(rk));
	if (r == -1)
		explicit_bzero(reckey, RECKEY_TEXTLEN);
	return r;
}

/* Fresh key pairs for a, wrapped; the old ones (if any) are gone. */
int
account_keys_new(struct account *a, const uint8_t *kek,
    char reckey[RECKEY_TEXTLEN])
{
	struct userkeys	 keys;
	int		 r = -1;

	if (userkeys_generate(&keys) == 0)
		r = account_keys_rewrap(a, &keys, kek, reckey);
	userkeys_clear(&keys);
	return r;
}

/*
 * Unwrap a's keys: with the kek from wrapped_pw, or with the recovery
 * key from wrapped_rec; and check that the halves belong together.
 */
int
account_keys_open(const struct account *a, const uint8_t *key,
    int recovery, struct userkeys *keys)
{
	memset(keys, 0, sizeof(*keys));
	memcpy(keys->x25519_pub, a->x25519_pub, KEY_LEN);
	memcpy(keys->ed25519_pub, a->ed25519_pub, KEY_LEN);
	if (keywrap_open(key, a->name, recovery ? a->wrapped_rec :
	    a->wrapped_pw, keys) == 0 &&
	    userkeys_check(keys) == 0)
		return 0;
	userkeys_clear(keys);
	return -1;
}

/*
 * A new account: the verifier stored, new keys, the registration event;
 * one transaction.  0 made (recovery key text in reckey), 1 the name is
 * taken, -1 error.
 */
int
account_create(const char *name, const char *stored, const uint8_t *kek,
    const char *addr, time_t now, char reckey[RECKEY_TEXTLEN])
{
	struct account	 a;
	DB_TXN		*txn;
	int		 r = -1;

	memset(&a, 0, sizeof(a));
	strlcpy(a.name, name, sizeof(a.name));
	strlcpy(a.pwhash, stored, sizeof(a.pwhash));
	a.created = now;
	account_rcodes_void(&a);
	if (account_keys_new(&a, kek, reckey) == -1 ||
	    (txn = authdb_begin()) == NULL)
		goto done;
	if (account_new_uid(txn, &a.uid) == -1 ||
	    (r = account_put(txn, &a, 1)) != 0) {
		authdb_abort(txn);
		goto done;
	}
	auth_event(txn, &a, "registered", addr, "");
	r = authdb_commit(txn);
done:
	if (r != 0)
		explicit_bzero(reckey, RECKEY_TEXTLEN);
	account_clear(&a);
	return r;
}
