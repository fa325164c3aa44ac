/*
 * smsg-auth account records: round trip, and every corrupt shape is an
 * error, never a record.  Name rules.
 */
#include "config.h"

#include <string.h>

#include "account.h"
#include "proto.h"
#include "tap.h"

static void
fill(struct account *a)
{
	memset(a, 0, sizeof(*a));
	strlcpy(a->name, "alice.b_c-9", sizeof(a->name));
	a->uid = 42;
	a->created = 1700000000;
	a->last_login = 1700000100;
	strlcpy(a->pwhash, "$s1$0e0801$c2FsdA==$dmVyaWZpZXI=",
	    sizeof(a->pwhash));
	a->lock = USER_LOCK_ADMIN;
	a->lockout.failures = 7;
	a->lockout.last_failure = 1700000200;
	a->lockout.hour_start = 1700000000;
	a->lockout.hour_count = 9;
	a->totp_on = 1;
	a->totp_last_step = 56666666;
	a->totp_pending = 1;
	memset(a->totp_secret, 0x11, sizeof(a->totp_secret));
	memset(a->totp_pending_secret, 0x22, sizeof(a->totp_pending_secret));
	memset(a->rcode_hash, 0x33, sizeof(a->rcode_hash));
	a->rcode_used[3] = 1;
	memset(a->x25519_pub, 0x44, sizeof(a->x25519_pub));
	memset(a->ed25519_pub, 0x55, sizeof(a->ed25519_pub));
	memset(a->wrapped_pw, 0x66, sizeof(a->wrapped_pw));
	memset(a->wrapped_rec, 0x77, sizeof(a->wrapped_rec));
	a->ndevices = 2;
	memset(a->devices[0].hash, 0x88, DEVICE_HASHLEN);
	a->devices[0].last_used = 1700000300;
	a->devices[0].lockout.failures = 3;
	memset(a->devices[1].hash, 0x99, DEVICE_HASHLEN);
	a->devices[1].last_used = 1700000400;
	a->devices[1].lockout.hour_count = 4;
}

static int
same(const struct account *a, const struct account *b)
{
	return strcmp(a->name, b->name) == 0 && a->uid == b->uid &&
	    a->created == b->created && a->last_login == b->last_login &&
	    strcmp(a->pwhash, b->pwhash) == 0 && a->lock == b->lock &&
	    memcmp(&a->lockout, &b->lockout, sizeof(a->lockout)) == 0 &&
	    a->totp_on == b->totp_on && a->totp_pending == b->totp_pending &&
	    a->totp_last_step == b->totp_last_step &&
	    memcmp(a->totp_secret, b->totp_secret, TOTP_SECRET_LEN) == 0 &&
	    memcmp(a->totp_pending_secret, b->totp_pending_secret,
	    TOTP_SECRET_LEN) == 0 &&
	    memcmp(a->rcode_hash, b->rcode_hash, sizeof(a->rcode_hash)) == 0 &&
	    memcmp(a->rcode_used, b->rcode_used, sizeof(a->rcode_used)) == 0 &&
	    memcmp(a->x25519_pub, b->x25519_pub, KEY_LEN) == 0 &&
	    memcmp(a->ed25519_pub, b->ed25519_pub, KEY_LEN) == 0 &&
	    memcmp(a->wrapped_pw, b->wrapped_pw, WRAPPED_LEN) == 0 &&
	    memcmp(a->wrapped_rec, b->wrapped_rec, WRAPPED_LEN) == 0 &&
	    a->ndevices == b->ndevices &&
	    memcmp(a->devices, b->devices, sizeof(a->devices)) == 0;
}

static void
test_roundtrip(void)
{
	struct account	 a, b;
	uint8_t		 buf[ACCOUNT_RECMAX], bad[ACCOUNT_RECMAX + 1];
	size_t		 len, cut;
	int		 r, short_ok = 0;

	fill(&a);
	len = 0;
	r = account_encode(&a, buf, sizeof(buf), &len);
	tap_ok(r == 0 && len > 0, "a full record encodes (%zu bytes)", len);
	tap_ok(account_decode(buf, len, &b) == 0 && same(&a, &b),
	    "and decodes to the same account");
	tap_ok(account_encode(&a, buf, 10, &len) == -1,
	    "a record that does not fit the buffer is refused");
	account_encode(&a, buf, sizeof(buf), &len);
	for (cut = 0; cut < len; cut++)
		if (account_decode(buf, cut, &b) == 0)
			short_ok++;
	tap_ok(short_ok == 0, "every truncation of the record is an error");
	memcpy(bad, buf, len);
	bad[len] = 0;
	tap_ok(account_decode(bad, len + 1, &b) == -1,
	    "a trailing byte is an error");
	tap_ok(b.uid == 0 && b.name[0] == '\0',
	    "a failed decode leaves nothing behind");
	memcpy(bad, buf, len);
	bad[0] = ACCOUNT_VERSION + 1;
	tap_ok(account_decode(bad, len, &b) == -1, "an unknown version");
	a.admin = 1;
	account_encode(&a, buf, sizeof(buf), &len);
	tap_ok(account_decode(buf, len, &b) == 0 && b.admin == 1,
	    "the administrator flag is kept");

	/* Older records still read: 1 before the flag, 2 before devices. */
	a.ndevices = 0;
	memset(a.devices, 0, sizeof(a.devices));
	account_encode(&a, buf, sizeof(buf), &len);
	memcpy(bad, buf, len);
	bad[0] = 2;
	tap_ok(account_decode(bad, len - 1, &b) == 0 && same(&a, &b),
	    "a version 2 record decodes, with no devices");
	bad[0] = 1;
	tap_ok(account_decode(bad, len - 2, &b) == 0 && b.admin == 0 &&
	    strcmp(b.name, a.name) == 0, "a version 1 record still decodes");
	tap_ok(account_decode(bad, len - 1, &b) == -1,
	    "a version 1 record with the flag is refused");
	a.admin = 0;
}

/* Change one field, encode, and expect the decoder to refuse it. */
static void
test_values(void)
{
	struct account	 a, b;
	uint8_t		 buf[ACCOUNT_RECMAX];
	size_t		 len;

	fill(&a);
	a.lock = 7;
	account_encode(&a, buf, sizeof(buf), &len);
	tap_ok(account_decode(buf, len, &b) == -1, "a lock state out of range");
	fill(&a);
	strlcpy(a.name, "Alice", sizeof(a.name));
	account_encode(&a, buf, sizeof(buf), &len);
	tap_ok(account_decode(buf, len, &b) == -1, "a name out of the rules");
	fill(&a);
	a.uid = 0;
	account_encode(&a, buf, sizeof(buf), &len);
	tap_ok(account_decode(buf, len, &b) == -1, "uid 0");
	fill(&a);
	a.pwhash[0] = '\0';
	account_encode(&a, buf, sizeof(buf), &len);
	tap_ok(account_decode(buf, len, &b) == -1, "no verifier");
	fill(&a);
	a.totp_on = 2;
	account_encode(&a, buf, sizeof(buf), &len);
	tap_ok(account_decode(buf, len, &b) == -1, "a flag that is not 0/1");
	fill(&a);
	a.rcode_used[0] = 9;
	account_encode(&a, buf, sizeof(buf), &len);
	tap_ok(account_decode(buf, len, &b) == -1, "a used flag not 0/1");
	fill(&a);
	a.ndevices = ACCOUNT_DEVICES + 1;
	account_encode(&a, buf, sizeof(buf), &len);
	tap_ok(account_decode(buf, len, &b) == -1, "more devices than kept");
}

static void
test_names(void)
{
	static const char *good[] = { "bob", "alice", "a.b_c-d", "x99",
	    "0day", "abcdefghijklmnopqrstuvwxyz012345" };
	static const char *bad[] = { "", "ab", "Alice", "BOB", "al ice",
	    "al@ice", "_bob", ".bob", "-bob", "bob\xc3\xa9",
	    "abcdefghijklmnopqrstuvwxyz0123456", "a/b", "a:b" };
	char	 why[128];
	size_t	 i;
	int	 ok;

	for (i = 0, ok = 1; i < sizeof(good) / sizeof(good[0]); i++)
		if (account_name_check(good[i], why, sizeof(why)) != 0) {
			tap_diag("refused %s: %s", good[i], why);
			ok = 0;
		}
	tap_ok(ok, "valid names are accepted");
	for (i = 0, ok = 1; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why[0] = '\0';
		if (account_name_check(bad[i], why, sizeof(why)) == 0 ||
		    why[0] == '\0') {
			tap_diag("accepted \"%s\"", bad[i]);
			ok = 0;
		}
	}
	tap_ok(ok, "invalid names are refused, each with a reason");
	account_name_check("Alice", why, sizeof(why));
	tap_ok(strstr(why, "lower case") != NULL,
	    "upper case is refused with a clear message: %s", why);
}

int
main(void)
{
	(void)tap_skip;
	test_roundtrip();
	test_values();
	test_names();
	return tap_done();
}
