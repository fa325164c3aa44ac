/*
 * smsg-auth/totp.c: RFC 6238 vectors, the +-1 step window, replay,
 * malformed codes, RFC 4648 base32, otpauth URIs and recovery codes.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>

#include "tap.h"
#include "totp.h"

static const uint8_t	 key[] = "12345678901234567890";
#define KEYLEN		 20

/* RFC 6238 appendix B, SHA-1 rows. */
static const struct {
	uint64_t	 t;
	uint32_t	 code;
} rfc6238[] = {
	{ 59, 94287082 },
	{ 1111111109, 7081804 },
	{ 1111111111, 14050471 },
	{ 1234567890, 89005924 },
	{ 2000000000, 69279037 },
	{ 20000000000ULL, 65353130 },
};

static enum totp_result
verify_step(uint64_t step, time_t now, uint64_t last, uint64_t *matched)
{
	char	 code[16];

	snprintf(code, sizeof(code), "%06u",
	    (unsigned)totp_code(key, KEYLEN, step, 6));
	return totp_verify(key, KEYLEN, code, now, last, matched);
}

static void
test_vectors(void)
{
	char		 code[16];
	uint64_t	 m;
	size_t		 i;
	uint32_t	 c;

	tap_ok(totp_init() == 0, "totp_init self-test");
	for (i = 0; i < sizeof(rfc6238) / sizeof(rfc6238[0]); i++) {
		c = totp_code(key, KEYLEN, rfc6238[i].t / 30, 8);
		tap_ok(c == rfc6238[i].code, "RFC 6238 T=%llu: %08u",
		    (unsigned long long)rfc6238[i].t, (unsigned)c);
		c = totp_code(key, KEYLEN, rfc6238[i].t / 30, 6);
		tap_ok(c == rfc6238[i].code % 1000000,
		    "RFC 6238 T=%llu, 6 digits: %06u",
		    (unsigned long long)rfc6238[i].t, (unsigned)c);
		if (sizeof(time_t) < 8 && rfc6238[i].t > INT32_MAX) {
			tap_skip("T=%llu does not fit a 32-bit time_t",
			    (unsigned long long)rfc6238[i].t);
			continue;
		}
		snprintf(code, sizeof(code), "%06u",
		    (unsigned)(rfc6238[i].code % 1000000));
		tap_ok(totp_verify(key, KEYLEN, code, (time_t)rfc6238[i].t, 0,
		    &m) == TOTP_OK && m == rfc6238[i].t / 30,
		    "RFC 6238 T=%llu verifies",
		    (unsigned long long)rfc6238[i].t);
	}
	tap_ok(totp_code(key, KEYLEN, 1, 0) == TOTP_ERROR &&
	    totp_code(key, KEYLEN, 1, 10) == TOTP_ERROR &&
	    totp_code(key, 0, 1, 6) == TOTP_ERROR &&
	    totp_code(NULL, KEYLEN, 1, 6) == TOTP_ERROR,
	    "totp_code refuses bad digits, empty or NULL secret");
}

static void
test_window(void)
{
	const time_t	 now = 1111111111;
	const uint64_t	 s = now / 30;
	uint64_t	 m;
	enum totp_result r;
	int		 d;

	for (d = -2; d <= 2; d++) {
		m = 7;
		r = verify_step(s + d, now, 0, &m);
		if (d >= -1 && d <= 1)
			tap_ok(r == TOTP_OK && m == s + d,
			    "step %+d accepted, matched the right step", d);
		else
			tap_ok(r == TOTP_WRONG && m == 0,
			    "step %+d refused, matched left at last_step", d);
	}
	tap_ok(verify_step(0, 10, 0, &m) == TOTP_REUSED,
	    "step 0 is never greater than last_step 0");
	tap_ok(verify_step(1, 40, 0, &m) == TOTP_OK && m == 1,
	    "near the epoch (no step -1) still works");
	tap_ok(verify_step(s, -1, 0, &m) == TOTP_WRONG,
	    "a clock before 1970 fails closed");
	tap_ok(totp_verify((const uint8_t *)"another secret......", KEYLEN,
	    "050471", now, 0, &m) == TOTP_WRONG,
	    "another secret's code is wrong");
}

static void
test_replay(void)
{
	const time_t	 now = 1111111111;
	const uint64_t	 s = now / 30;
	uint64_t	 m = 0, m2 = 0;

	tap_ok(verify_step(s, now, 0, &m) == TOTP_OK && m == s,
	    "first use accepted");
	tap_ok(verify_step(s, now, m, &m2) == TOTP_REUSED && m2 == m,
	    "same code again is TOTP_REUSED");
	tap_ok(verify_step(s, now + 20, m, &m2) == TOTP_REUSED,
	    "same code later in the window is TOTP_REUSED");
	tap_ok(verify_step(s - 1, now, m, &m2) == TOTP_REUSED,
	    "an earlier step after a later one is TOTP_REUSED");
	tap_ok(verify_step(s + 1, now + 30, m, &m2) == TOTP_OK && m2 == s + 1,
	    "the next step's code is accepted after");
	tap_ok(verify_step(s + 1, now, m, &m2) == TOTP_OK && m2 == s + 1,
	    "a step+1 code is accepted when last_step is step");
	tap_ok(verify_step(s + 1, now, s + 1, &m2) == TOTP_REUSED,
	    "and not a second time");
}

static void
test_malformed(void)
{
	static const char *bad[] = {
		"", " ", "12345", "1234567", "12a456", "+12345", "-12345",
		"123456\n", "\t123456", "12345.6", "0x1234",
		"\xef\xbc\x91\xef\xbc\x92\xef\xbc\x93\xef\xbc\x94"
		    "\xef\xbc\x95\xef\xbc\x96",
		"123456                                         ",
		"abcde-fghij",
	};
	const time_t	 now = 1111111111;
	uint64_t	 m = 5;
	size_t		 i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		tap_ok(totp_verify(key, KEYLEN, bad[i], now, 0, &m) ==
		    TOTP_MALFORMED && m == 0, "malformed code %zu refused", i);
	tap_ok(totp_verify(key, KEYLEN, NULL, now, 0, &m) == TOTP_MALFORMED,
	    "NULL code is malformed");
	tap_ok(totp_verify(key, KEYLEN, "050 471", now, 0, &m) == TOTP_OK,
	    "a space inside is ignored");
	tap_ok(totp_verify(key, KEYLEN, " 0 5 0 4 7 1 ", now, 0, &m) ==
	    TOTP_OK, "spaces everywhere are ignored");
	tap_ok(totp_verify(key, KEYLEN, "050471", now, 0, NULL) == TOTP_WRONG,
	    "NULL matched fails closed");
}

static void
test_base32(void)
{
	static const char *plain[] = {
	    "", "f", "fo", "foo", "foob", "fooba", "foobar" };
	static const char *enc[] = {
	    "", "MY", "MZXQ", "MZXW6", "MZXW6YQ", "MZXW6YTB", "MZXW6YTBOI" };
	static const char *bad[] = {
	    "MZXW6YTBO", "MZX", "MZXW6Y", "MY1", "M=Y", "MZ", "MZXW7",
	    "MZ_XW6", "MZ\xc3\x9f" };
	char		 b[80];
	uint8_t		 in[41], out[64];
	size_t		 i, n, len;
	int		 ok;

	for (i = 0; i < sizeof(plain) / sizeof(plain[0]); i++) {
		len = strlen(plain[i]);
		tap_ok(base32_encode((const uint8_t *)plain[i], len, b,
		    sizeof(b)) == (int)strlen(enc[i]) && strcmp(b, enc[i]) == 0,
		    "base32 \"%s\" -> \"%s\"", plain[i], enc[i]);
		tap_ok(base32_decode(enc[i], out, sizeof(out), &n) == 0 &&
		    n == len && memcmp(out, plain[i], len) == 0,
		    "base32 \"%s\" decodes", enc[i]);
	}
	tap_ok(base32_decode("mzxw6===", out, sizeof(out), &n) == 0 &&
	    n == 3 && memcmp(out, "foo", 3) == 0,
	    "lower case with padding decodes");
	tap_ok(base32_decode("MZXW 6YTB-OI", out, sizeof(out), &n) == 0 &&
	    n == 6 && memcmp(out, "foobar", 6) == 0,
	    "spaces and dashes are ignored");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		tap_ok(base32_decode(bad[i], out, sizeof(out), &n) == -1 &&
		    n == 0, "bad base32 \"%s\" refused", bad[i]);
	tap_ok(base32_decode("MZXW6YTBOI", out, 5, &n) == -1,
	    "decode refuses a short output buffer");

	tap_ok(base32_encode(key, KEYLEN, b, TOTP_B32LEN) == 32 &&
	    strcmp(b, "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ") == 0,
	    "a 20-byte secret fits TOTP_B32LEN");
	tap_ok(base32_encode(key, KEYLEN, b, TOTP_B32LEN - 1) == -1 &&
	    b[0] == '\0', "one byte less does not fit, and is zeroed");

	ok = 1;
	for (len = 0; len <= 40; len++) {
		arc4random_buf(in, len);
		if (base32_encode(in, len, b, sizeof(b)) == -1 ||
		    base32_decode(b, out, sizeof(out), &n) == -1 ||
		    n != len || memcmp(in, out, len) != 0)
			ok = 0;
	}
	tap_ok(ok, "random round trips of 0..40 bytes");
}

static void
test_uri(void)
{
	const char	*want = "otpauth://totp/Example%20Co%3A%20Mail:"
	    "alice%40example.org?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
	    "&issuer=Example%20Co%3A%20Mail&algorithm=SHA1&digits=6"
	    "&period=30";
	char		 buf[512];
	int		 n;

	n = totp_uri(buf, sizeof(buf), "Example Co: Mail",
	    "alice@example.org", key, KEYLEN);
	tap_ok(n == (int)strlen(want) && strcmp(buf, want) == 0,
	    "totp_uri escapes spaces and ':' in the issuer");
	if (n < 0 || strcmp(buf, want) != 0)
		tap_diag("got %s", buf);
	tap_ok(totp_uri(buf, strlen(want) + 1, "Example Co: Mail",
	    "alice@example.org", key, KEYLEN) == (int)strlen(want),
	    "an exactly sized buffer is enough");
	tap_ok(totp_uri(buf, strlen(want), "Example Co: Mail",
	    "alice@example.org", key, KEYLEN) == -1 && buf[0] == '\0' &&
	    memchr(buf, 'G', strlen(want)) == NULL,
	    "one byte less is -1 and leaves no secret behind");
	tap_ok(totp_uri(buf, sizeof(buf), "", "alice", key, KEYLEN) == -1 &&
	    totp_uri(buf, sizeof(buf), "smsg", NULL, key, KEYLEN) == -1,
	    "empty issuer or missing account refused");
}

static void
test_secret(void)
{
	uint8_t	 a[TOTP_SECRET_LEN], b[TOTP_SECRET_LEN], z[TOTP_SECRET_LEN];

	memset(z, 0, sizeof(z));
	tap_ok(totp_secret_new(a) == 0 && totp_secret_new(b) == 0 &&
	    memcmp(a, b, sizeof(a)) != 0 && memcmp(a, z, sizeof(a)) != 0,
	    "two new secrets differ and are not zero");
}

static int
valid_shape(const char *s)
{
	size_t	 i;

	if (strlen(s) != 11 || s[5] != '-')
		return 0;
	for (i = 0; i < 11; i++)
		if (i != 5 && !((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= '2' && s[i] <= '7')))
			return 0;
	return 1;
}

static void
test_rcodes(void)
{
	char		 text[RCODE_N][RCODE_TEXTLEN], alt[32];
	uint8_t		 hash[RCODE_N][RCODE_HASHLEN], h[RCODE_HASHLEN];
	uint8_t		 want[RCODE_HASHLEN];
	unsigned int	 wlen;
	size_t		 i, j, k;
	int		 distinct = 1, shape = 1, same = 1, hdistinct = 1;

	tap_ok(rcodes_generate(text, hash) == 0, "rcodes_generate");
	for (i = 0; i < RCODE_N; i++) {
		shape &= valid_shape(text[i]);
		same &= rcode_hash(text[i], h) == 0 &&
		    memcmp(h, hash[i], RCODE_HASHLEN) == 0;
		for (j = 0; j < i; j++) {
			distinct &= strcmp(text[i], text[j]) != 0;
			hdistinct &= memcmp(hash[i], hash[j],
			    RCODE_HASHLEN) != 0;
		}
	}
	tap_ok(distinct, "ten distinct codes");
	tap_ok(hdistinct, "ten distinct hashes");
	tap_ok(shape, "every code is xxxxx-xxxxx in lower-case base32");
	tap_ok(same, "each stored hash is rcode_hash of its code");

	/* Upper case, spaces, no dash: the same code. */
	for (i = 0, k = 0; text[0][i] != '\0'; i++) {
		if (text[0][i] == '-')
			continue;
		alt[k++] = (char)(text[0][i] >= 'a' ? text[0][i] - 32 :
		    text[0][i]);
		if (i == 2 || i == 8)
			alt[k++] = ' ';
	}
	alt[k] = '\0';
	tap_ok(rcode_hash(alt, h) == 0 &&
	    memcmp(h, hash[0], RCODE_HASHLEN) == 0,
	    "\"%s\" normalises to the first code", alt);

	EVP_Digest("abcdefghij", 10, want, &wlen, EVP_sha256(), NULL);
	tap_ok(rcode_hash("ABCDE-fghij", h) == 0 &&
	    memcmp(h, want, sizeof(want)) == 0,
	    "the hash is SHA-256 of the ten lower-case characters");

	tap_ok(rcode_hash("abcde-fghi", h) == -1, "nine characters refused");
	tap_ok(rcode_hash("abcde-fghijk", h) == -1, "eleven refused");
	tap_ok(rcode_hash("abcde-fgh1j", h) == -1, "'1' is not base32");
	tap_ok(rcode_hash("abcde_fghij", h) == -1, "'_' is not a dash");
	tap_ok(rcode_hash("123456", h) == -1, "a TOTP code is refused");
	tap_ok(rcode_hash(NULL, h) == -1, "NULL refused");

	tap_ok(rcode_looks_like(text[3]) == 1, "a code looks like one");
	tap_ok(rcode_looks_like("ABCDE FGHIJ") == 1,
	    "upper case with a space looks like one");
	tap_ok(rcode_looks_like("123456") == 0 &&
	    rcode_looks_like("123 456") == 0, "TOTP codes do not");
	tap_ok(rcode_looks_like("") == 0 && rcode_looks_like(NULL) == 0,
	    "empty and NULL do not");
}

int
main(void)
{
	test_vectors();
	test_window();
	test_replay();
	test_malformed();
	test_base32();
	test_uri();
	test_secret();
	test_rcodes();
	return tap_done();
}
