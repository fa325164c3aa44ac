/*
 * smsg-auth/keywrap.c: key pair generation and checking, sealing the
 * private halves (round trip, wrong key, wrong user, every flipped
 * bit), the sealed layout read back with plain EVP, and recovery keys.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>

#include "keywrap.h"
#include "pwhash.h"
#include "tap.h"

static int
allbytes(const uint8_t *p, size_t n, uint8_t v)
{
	while (n-- > 0)
		if (*p++ != v)
			return 0;
	return 1;
}

/* A struct with the public halves of uk and the private halves set to v. */
static void
publics(struct userkeys *dst, const struct userkeys *uk, uint8_t v)
{
	memset(dst, v, sizeof(*dst));
	memcpy(dst->x25519_pub, uk->x25519_pub, KEY_LEN);
	memcpy(dst->ed25519_pub, uk->ed25519_pub, KEY_LEN);
}

static void
test_generate(struct userkeys *uk)
{
	struct userkeys	 other, bad;

	tap_ok(keywrap_init() == 0 && pwhash_init() == 0, "init");
	tap_ok(userkeys_generate(uk) == 0, "generate");
	tap_ok(userkeys_check(uk) == 0, "fresh keys pass the check");
	tap_ok(!allbytes(uk->x25519_priv, KEY_LEN, 0) &&
	    !allbytes(uk->ed25519_priv, KEY_LEN, 0), "private halves set");
	userkeys_generate(&other);
	tap_ok(memcmp(uk, &other, sizeof(other)) != 0 &&
	    memcmp(uk->x25519_priv, other.x25519_priv, KEY_LEN) != 0,
	    "two generations differ");

	bad = *uk;
	memcpy(bad.x25519_pub, other.x25519_pub, KEY_LEN);
	tap_ok(userkeys_check(&bad) == -1, "check: foreign X25519 public");
	bad = *uk;
	memcpy(bad.ed25519_priv, other.ed25519_priv, KEY_LEN);
	tap_ok(userkeys_check(&bad) == -1, "check: foreign Ed25519 private");
	bad = *uk;
	bad.x25519_priv[5] ^= 0x10;	/* not a bit that clamping fixes */
	tap_ok(userkeys_check(&bad) == -1, "check: X25519 private bit flip");
	bad = *uk;
	bad.ed25519_pub[0] ^= 0x01;
	tap_ok(userkeys_check(&bad) == -1, "check: Ed25519 public bit flip");
	bad = *uk;
	memcpy(bad.x25519_pub, uk->ed25519_pub, KEY_LEN);
	memcpy(bad.ed25519_pub, uk->x25519_pub, KEY_LEN);
	tap_ok(userkeys_check(&bad) == -1, "check: public halves swapped");
	userkeys_clear(&other);
	tap_ok(allbytes((uint8_t *)&other, sizeof(other), 0), "clear zeroes");
}

/* Open the sealed blob with plain EVP calls: pins the layout and AD. */
static int
open_by_hand(const uint8_t key[KEY_LEN], const char *user,
    const uint8_t *in, uint8_t plain[2 * KEY_LEN])
{
	static const char	 label[] = "smsg userkeys v1";
	EVP_CIPHER_CTX		*ctx;
	uint8_t			 tag[16];
	int			 n, ok;

	memcpy(tag, in + 12 + 2 * KEY_LEN, sizeof(tag));
	ctx = EVP_CIPHER_CTX_new();
	ok = EVP_DecryptInit_ex2(ctx, EVP_chacha20_poly1305(), key, in,
	    NULL) == 1 &&
	    EVP_DecryptUpdate(ctx, NULL, &n, (const uint8_t *)label,
	    sizeof(label)) == 1 &&
	    EVP_DecryptUpdate(ctx, NULL, &n, (const uint8_t *)user,
	    (int)strlen(user)) == 1 &&
	    EVP_DecryptUpdate(ctx, plain, &n, in + 12, 2 * KEY_LEN) == 1 &&
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG, 16, tag) == 1 &&
	    EVP_DecryptFinal_ex(ctx, plain + n, &n) == 1;
	EVP_CIPHER_CTX_free(ctx);
	return ok ? 0 : -1;
}

static void
test_wrap(const struct userkeys *uk)
{
	struct userkeys	 got;
	uint8_t		 key[KEY_LEN], key2[KEY_LEN], w[WRAPPED_LEN];
	uint8_t		 w2[WRAPPED_LEN], plain[2 * KEY_LEN];
	char		 longname[KEYWRAP_ADMAX + 2];
	size_t		 i;
	int		 flips = 0;

	pwhash_random(key, sizeof(key));
	memcpy(key2, key, sizeof(key2));
	key2[7] ^= 0x10;

	tap_ok(keywrap_seal(key, "alice", uk, w) == 0, "seal");
	publics(&got, uk, 0xee);
	tap_ok(keywrap_open(key, "alice", w, &got) == 0 &&
	    memcmp(&got, uk, sizeof(got)) == 0, "open: round trip");
	publics(&got, uk, 0xee);
	memset(got.x25519_pub, 0x5a, KEY_LEN);
	tap_ok(keywrap_open(key, "alice", w, &got) == 0 &&
	    allbytes(got.x25519_pub, KEY_LEN, 0x5a) &&
	    memcmp(got.x25519_priv, uk->x25519_priv, KEY_LEN) == 0,
	    "open leaves the public halves alone");
	tap_ok(open_by_hand(key, "alice", w, plain) == 0 &&
	    memcmp(plain, uk->x25519_priv, KEY_LEN) == 0 &&
	    memcmp(plain + KEY_LEN, uk->ed25519_priv, KEY_LEN) == 0,
	    "layout: nonce | X25519 priv | Ed25519 priv | tag, AD label+user");

	publics(&got, uk, 0xee);
	tap_ok(keywrap_open(key2, "alice", w, &got) == -1 &&
	    allbytes(got.x25519_priv, KEY_LEN, 0) &&
	    allbytes(got.ed25519_priv, KEY_LEN, 0),
	    "wrong key: -1, private halves zeroed");
	tap_ok(keywrap_open(key, "alicf", w, &got) == -1, "wrong user");
	tap_ok(keywrap_open(key, "alic", w, &got) == -1, "user prefix");
	tap_ok(keywrap_open(key, "alice ", w, &got) == -1, "user + space");
	tap_ok(keywrap_open(key, "", w, &got) == -1, "empty user");
	tap_ok(keywrap_open(key, NULL, w, &got) == -1, "NULL user");

	for (i = 0; i < WRAPPED_LEN * 8; i++) {
		memcpy(w2, w, sizeof(w2));
		w2[i / 8] ^= (uint8_t)(1 << (i % 8));
		if (keywrap_open(key, "alice", w2, &got) == -1)
			flips++;
	}
	tap_ok(flips == WRAPPED_LEN * 8, "every one of %d flipped bits "
	    "refused (%d)", WRAPPED_LEN * 8, flips);

	tap_ok(keywrap_seal(key, "alice", uk, w2) == 0 &&
	    memcmp(w, w2, 12) != 0 && memcmp(w, w2, sizeof(w)) != 0,
	    "fresh nonce on every seal");
	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	tap_ok(keywrap_seal(key, longname, uk, w2) == -1 &&
	    allbytes(w2, sizeof(w2), 0), "overlong user refused");
	longname[KEYWRAP_ADMAX] = '\0';
	tap_ok(keywrap_seal(key, longname, uk, w2) == 0 &&
	    keywrap_open(key, longname, w2, &got) == 0,
	    "longest user accepted");
	userkeys_clear(&got);
}

static void
test_reckey(const struct userkeys *uk)
{
	char		 text[RECKEY_TEXTLEN], t2[RECKEY_TEXTLEN];
	char		 in[RECKEY_INMAX * 2];
	uint8_t		 key[KEY_LEN], k2[KEY_LEN], want[KEY_LEN];
	uint8_t		 w[WRAPPED_LEN];
	struct userkeys	 got;
	size_t		 i, j;
	int		 shape = 1;

	tap_ok(reckey_generate(text, key) == 0, "reckey: generate");
	tap_diag("sample recovery key %s", text);
	if (strlen(text) != RECKEY_TEXTLEN - 1)
		shape = 0;
	for (i = 0; i < strlen(text); i++) {
		if (i % 5 == 4)
			shape &= text[i] == '-';
		else
			shape &= strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567",
			    text[i]) != NULL && text[i] != '\0';
	}
	tap_ok(shape, "reckey: 8 dash-joined groups of 4 base32 characters");
	tap_ok(reckey_derive(text, k2) == 0 && memcmp(key, k2, KEY_LEN) == 0,
	    "reckey: derive gives the generated key");
	reckey_generate(t2, k2);
	tap_ok(strcmp(text, t2) != 0 && memcmp(key, k2, KEY_LEN) != 0,
	    "reckey: two generations differ");

	/* Known answer, computed with Python's base64 and hmac modules. */
	memcpy(want, "\x2d\x2b\x6f\x11\xbb\xa5\xd9\xd8\x5b\xa4\x59\x56"
	    "\x69\x86\x80\xca\x06\x5b\x51\x0c\x63\x30\xd4\xb8\x72\xbe"
	    "\xbc\x97\xa4\xb8\x65\xba", KEY_LEN);
	tap_ok(reckey_derive("ABCD-EFGH-IJKL-MNOP-QRST-UVWX-YZ23-4567",
	    k2) == 0 && memcmp(k2, want, KEY_LEN) == 0,
	    "reckey: known answer");
	tap_ok(reckey_derive("abcd-efgh-ijkl-mnop-qrst-uvwx-yz23-4567",
	    k2) == 0 && memcmp(k2, want, KEY_LEN) == 0, "reckey: lower case");
	tap_ok(reckey_derive("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", k2) == 0 &&
	    memcmp(k2, want, KEY_LEN) == 0, "reckey: no dashes");
	tap_ok(reckey_derive(" abcd efgh IJKL mnop-qrst\tuvwx yz23 4567\n",
	    k2) == 0 && memcmp(k2, want, KEY_LEN) == 0,
	    "reckey: spaces, tab, newline, mixed case");

	/* The text as the user would retype it. */
	for (i = j = 0; text[i] != '\0'; i++)
		in[j++] = text[i] == '-' ? ' ' :
		    (char)(text[i] >= 'A' && text[i] <= 'Z' ?
		    text[i] - 'A' + 'a' : text[i]);
	in[j] = '\0';
	tap_ok(reckey_derive(in, k2) == 0 && memcmp(k2, key, KEY_LEN) == 0,
	    "reckey: generated text retyped in lower case with spaces");

	tap_ok(reckey_derive("ABCD-EFGH-IJKL-MNOP-QRST-UVWX-YZ23-456", k2) ==
	    -1 && allbytes(k2, KEY_LEN, 0), "reckey: 31 symbols");
	tap_ok(reckey_derive("ABCD-EFGH-IJKL-MNOP-QRST-UVWX-YZ23-4567A", k2) ==
	    -1, "reckey: 33 symbols");
	tap_ok(reckey_derive("ABCD-EFGH-IJKL-MNOP-QRST-UVWX-YZ23-4560", k2) ==
	    -1, "reckey: digit 0 is not base32");
	tap_ok(reckey_derive("ABCD-EFGH-IJKL-MNOP-QRST-UVWX-YZ23-45=7", k2) ==
	    -1, "reckey: '='");
	tap_ok(reckey_derive("ABCD-EFGH-IJKL-MNOP-QRST-UVWX-YZ23-45\xc3\xa9",
	    k2) == -1, "reckey: non-ASCII");
	tap_ok(reckey_derive("", k2) == -1 && reckey_derive(NULL, k2) == -1,
	    "reckey: empty, NULL");
	memset(in, ' ', RECKEY_INMAX);
	strlcpy(in + RECKEY_INMAX - 32, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567",
	    sizeof(in) - RECKEY_INMAX + 32);
	tap_ok(reckey_derive(in, k2) == 0, "reckey: %d characters accepted",
	    RECKEY_INMAX);
	memset(in, ' ', RECKEY_INMAX + 1);
	strlcpy(in + RECKEY_INMAX + 1 - 32, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567",
	    sizeof(in) - RECKEY_INMAX - 1 + 32);
	tap_ok(reckey_derive(in, k2) == -1, "reckey: %d characters refused",
	    RECKEY_INMAX + 1);

	/* The recovery key opens what it sealed. */
	publics(&got, uk, 0);
	tap_ok(keywrap_seal(key, "bob", uk, w) == 0 &&
	    reckey_derive(text, k2) == 0 &&
	    keywrap_open(k2, "bob", w, &got) == 0 && userkeys_check(&got) == 0,
	    "reckey: wraps and unwraps user keys");
	userkeys_clear(&got);
}

int
main(void)
{
	struct userkeys	 uk;

	(void)tap_skip;		/* nothing here is ever skipped */
	test_generate(&uk);
	test_wrap(&uk);
	test_reckey(&uk);
	userkeys_clear(&uk);
	return tap_done();
}
