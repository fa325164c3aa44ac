/*
 * smsg-auth/pwhash.c: scrypt through OpenSSL and libscrypt against the
 * RFC 7914 vectors, HKDF against RFC 5869, the verifier/kek split, the
 * stored "$s1$" string, and refusal of every malformed stored string.
 * Small N (2^10) keeps it fast.
 */
#include "config.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libscrypt.h>
#include <openssl/evp.h>

#include "pwhash.h"
#include "tap.h"

static const struct pwhash_params	fast = { 10, 8, 1 };

struct vector {
	const char	*pw, *salt;
	uint8_t		 logn;
	uint32_t	 r, p;
	const char	*hex;
};

/* RFC 7914 section 12; the last needs 1 GiB and several seconds. */
static const struct vector rfc7914[] = {
	{ "", "", 4, 1, 1,
	    "77d6576238657b203b19ca42c18a0497f16b4844e3074ae8dfdffa3fede21442"
	    "fcd0069ded0948f8326a753a0fc81f17"
	    "e8d3e0fb2e0d3628cf35e20c38d18906" },
	{ "password", "NaCl", 10, 8, 16,
	    "fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b373162"
	    "2eaf30d92e22a3886ff109279d9830da"
	    "c727afb94a83ee6d8360cbdfa2cc0640" },
	{ "pleaseletmein", "SodiumChloride", 14, 8, 1,
	    "7023bdcb3afd7348461c06cd81fd38ebfda8fbba904f8e3ea9b543f6545da1f2"
	    "d5432955613f0fcf62d49705242a9af9"
	    "e61e85dc0d651e40dfcf017b45575887" },
	{ "pleaseletmein", "SodiumChloride", 20, 8, 1,
	    "2101cb9b6a511aaeaddbbe09cf70f881ec568d574a2ffd4dabe5ee9820adaa47"
	    "8e56fd8f4ba5d09ffa1c6d927c40f4c3"
	    "37304049e8a952fbcbf45c6fa77a41a4" },
};

static size_t
unhex(const char *s, uint8_t *out, size_t max)
{
	size_t		 n = 0;
	unsigned int	 b;

	while (s[0] != '\0' && s[1] != '\0' && n < max) {
		if (sscanf(s, "%2x", &b) != 1)
			break;
		out[n++] = (uint8_t)b;
		s += 2;
	}
	return n;
}

static int
iszero(const uint8_t *p, size_t n)
{
	uint8_t	 acc = 0;

	while (n-- > 0)
		acc |= *p++;
	return acc == 0;
}

static void
test_vectors(void)
{
	const struct vector	*v;
	struct pwhash_params	 pp;
	uint8_t			 want[64], got[64];
	size_t			 i;

	for (i = 0; i < sizeof(rfc7914) / sizeof(rfc7914[0]); i++) {
		v = &rfc7914[i];
		if (v->logn > 14 && getenv("SMSG_TEST_SLOW") == NULL) {
			tap_skip("RFC 7914 N=2^%u needs 1 GiB and seconds per "
			    "implementation; set SMSG_TEST_SLOW=1", v->logn);
			tap_skip("libscrypt N=2^%u: as above", v->logn);
			continue;
		}
		pp.logn = v->logn;
		pp.r = v->r;
		pp.p = v->p;
		unhex(v->hex, want, sizeof(want));
		memset(got, 0, sizeof(got));
		tap_ok(pwhash_scrypt(&pp, (const uint8_t *)v->pw,
		    strlen(v->pw), (const uint8_t *)v->salt, strlen(v->salt),
		    got, sizeof(got)) == 0 &&
		    memcmp(got, want, sizeof(want)) == 0,
		    "OpenSSL scrypt RFC 7914 vector %zu (N=2^%u)", i + 1,
		    v->logn);
		memset(got, 0, sizeof(got));
		tap_ok(libscrypt_scrypt((const uint8_t *)v->pw, strlen(v->pw),
		    (const uint8_t *)v->salt, strlen(v->salt),
		    (uint64_t)1 << v->logn, v->r, v->p, got,
		    sizeof(got)) == 0 &&
		    memcmp(got, want, sizeof(want)) == 0,
		    "libscrypt_scrypt RFC 7914 vector %zu (N=2^%u)", i + 1,
		    v->logn);
	}
	pp.logn = 0;
	tap_ok(pwhash_scrypt(&pp, (const uint8_t *)"a", 1,
	    (const uint8_t *)"b", 1, got, sizeof(got)) == -1,
	    "raw scrypt refuses N=1");
}

static void
test_hkdf(void)
{
	uint8_t	 ikm[22], want[42], got[42];

	/* RFC 5869 test case 3: no salt, no info. */
	memset(ikm, 0x0b, sizeof(ikm));
	unhex("8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d"
	    "9d201395faa4b61a96c8", want, sizeof(want));
	tap_ok(pwhash_hkdf(ikm, sizeof(ikm), "", got, sizeof(got)) == 0 &&
	    memcmp(got, want, sizeof(want)) == 0,
	    "HKDF-SHA256 RFC 5869 case 3");
}

/* The base64 field starting at off, decoded (len bytes). */
static int
field(const char *s, size_t off, size_t b64len, uint8_t *out, size_t len)
{
	uint8_t	 buf[64];

	if (EVP_DecodeBlock(buf, (const unsigned char *)s + off,
	    (int)b64len) < (int)len)
		return -1;
	memcpy(out, buf, len);
	return 0;
}

/* Recompute the stored verifier and the kek without pwhash_create. */
static void
test_split(void)
{
	char		 s[PWHASH_STRLEN], mcf[SCRYPT_MCF_LEN], salt64[25];
	char		 ver64[45];
	uint8_t		 kek[PWHASH_KEYLEN], salt[16], ver[32], out[64];
	uint8_t		 v2[32], k2[32];
	const char	*pw = "correct horse battery staple";

	tap_ok(pwhash_create(&fast, pw, strlen(pw), s, sizeof(s), kek) == 0,
	    "create");
	tap_diag("stored: %s", s);
	tap_ok(strlen(s) == 80 && strncmp(s, "$s1$0a0801$", 11) == 0 &&
	    s[35] == '$', "stored string layout");
	tap_ok(field(s, 11, 24, salt, sizeof(salt)) == 0 &&
	    field(s, 36, 44, ver, sizeof(ver)) == 0, "fields decode");
	tap_ok(memcmp(ver, kek, sizeof(ver)) != 0 && !iszero(kek, 32),
	    "verifier and kek differ");

	libscrypt_scrypt((const uint8_t *)pw, strlen(pw), salt, sizeof(salt),
	    1 << 10, 8, 1, out, sizeof(out));
	pwhash_hkdf(out, sizeof(out), "smsg password verifier v1", v2, 32);
	pwhash_hkdf(out, sizeof(out), "smsg key encryption key v1", k2, 32);
	tap_ok(memcmp(v2, ver, 32) == 0, "verifier = HKDF(scrypt, verifier "
	    "info), scrypt by libscrypt");
	tap_ok(memcmp(k2, kek, 32) == 0, "kek = HKDF(scrypt, kek info)");

	/* libscrypt writes the same layout from the same fields. */
	memcpy(salt64, s + 11, 24);
	salt64[24] = '\0';
	memcpy(ver64, s + 36, 44);
	ver64[44] = '\0';
	tap_ok(libscrypt_mcf(1 << 10, 8, 1, salt64, ver64, mcf) == 1 &&
	    strcmp(mcf, s) == 0, "libscrypt_mcf writes the same string");
}

static void
test_match(void)
{
	char		 s[PWHASH_STRLEN];
	uint8_t		 kek[PWHASH_KEYLEN], k2[PWHASH_KEYLEN];
	char		 pw[] = "Tr0ub4dor&3 and more words";
	size_t		 len = strlen(pw);

	pwhash_create(&fast, pw, len, s, sizeof(s), kek);
	tap_ok(pwhash_verify(s, pw, len, k2) == 1 &&
	    memcmp(kek, k2, sizeof(kek)) == 0, "verify: match, same kek");
	tap_ok(pwhash_verify(s, "Tr0ub4dor&3", 11, k2) == 0 &&
	    iszero(k2, sizeof(k2)), "verify: prefix is no match, kek zeroed");
	tap_ok(pwhash_verify(s, pw, len - 1, k2) == 0,
	    "verify: one byte shorter is no match");
	pw[3] ^= 0x01;
	tap_ok(pwhash_verify(s, pw, len, k2) == 0,
	    "verify: one bit different is no match");
	pw[3] ^= 0x01;
	tap_ok(pwhash_verify(s, pw, len + 1, k2) == 0,
	    "verify: trailing NUL is no match (HMAC key padding closed)");
	tap_ok(pwhash_verify(s, "", 0, k2) == 0, "verify: empty password");

	tap_ok(pwhash_create(&fast, "p\xc3\xa9ss\xff\x01", 6, s, sizeof(s),
	    kek) == 0 && pwhash_verify(s, "p\xc3\xa9ss\xff\x01", 6, k2) == 1 &&
	    pwhash_verify(s, "p\xc3\xa9ss\xff", 5, k2) == 0,
	    "non-ASCII bytes are password bytes");
	tap_ok(pwhash_create(&fast, "pass\0word", 9, s, sizeof(s), kek) ==
	    -1 && iszero(kek, sizeof(kek)), "create: embedded NUL refused");

	tap_ok(pwhash_create(&fast, pw, len, s, 80, kek) == -1 &&
	    iszero(kek, sizeof(kek)), "create: 80-byte buffer is too small");
	tap_ok(pwhash_create(&fast, pw, PWHASH_PWMAX + 1, s, sizeof(s),
	    kek) == -1, "create: overlong password refused");
	tap_ok(pwhash_create(&fast, NULL, 3, s, sizeof(s), kek) == -1,
	    "create: NULL password refused");
	tap_ok(pwhash_verify(s, NULL, 3, k2) == -1,
	    "verify: NULL password refused");
}

static void
test_reuse(void)
{
	char		 s[PWHASH_STRLEN], first[PWHASH_STRLEN];
	uint8_t		 kek[PWHASH_KEYLEN], ka[PWHASH_KEYLEN];
	uint8_t		 kb[PWHASH_KEYLEN];

	pwhash_create(&fast, "alpha password", 14, s, sizeof(s), kek);
	memcpy(ka, kek, sizeof(ka));
	strlcpy(first, s, sizeof(first));
	/* Same buffers: the old string and key must not leak through. */
	pwhash_create(&fast, "beta", 4, s, sizeof(s), kek);
	memcpy(kb, kek, sizeof(kb));
	tap_ok(strcmp(first, s) != 0 && memcmp(ka, kb, sizeof(ka)) != 0,
	    "second create into the same buffers differs");
	tap_ok(strlen(s) == 80, "shorter password: string fully rewritten");
	memcpy(kek, ka, sizeof(kek));
	tap_ok(pwhash_verify(s, "beta", 4, kek) == 1 &&
	    memcmp(kek, kb, sizeof(kek)) == 0,
	    "kek buffer holding another key gets the right one");
	memcpy(kek, kb, sizeof(kek));
	tap_ok(pwhash_verify(s, "alpha password", 14, kek) == 0 &&
	    iszero(kek, sizeof(kek)), "no match clears a kek buffer");
	tap_ok(pwhash_verify(first, "alpha password", 14, kek) == 1 &&
	    memcmp(kek, ka, sizeof(kek)) == 0, "first string still verifies");
	memcpy(kek, ka, sizeof(kek));
	tap_ok(pwhash_verify("$s1$", "alpha password", 14, kek) == -1 &&
	    iszero(kek, sizeof(kek)), "error clears a kek buffer");
	tap_ok(pwhash_create(&fast, "beta", 4, first, sizeof(first),
	    kek) == 0 && strcmp(first, s) != 0, "fresh salt each time");
}

static void
test_params(void)
{
	static const struct pwhash_params	 good[] = {
		{ 10, 8, 1 }, { 12, 4, 2 }, { 14, 1, 16 }, { 11, 32, 3 },
	};
	static const struct pwhash_params	 bad[] = {
		{ 9, 8, 1 }, { 23, 1, 1 }, { 10, 0, 1 }, { 10, 33, 1 },
		{ 10, 8, 0 }, { 10, 8, 17 }, { 22, 8, 1 }, { 21, 8, 1 },
		{ 255, 8, 1 }, { 10, 0xffffffff, 1 },
	};
	struct pwhash_params	 pp;
	char			 s[PWHASH_STRLEN];
	uint8_t			 kek[PWHASH_KEYLEN];
	size_t			 i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		memset(&pp, 0, sizeof(pp));
		tap_ok(pwhash_create(&good[i], "pw", 2, s, sizeof(s),
		    kek) == 0 && pwhash_params_of(s, &pp) == 0 &&
		    pwhash_params_eq(&pp, &good[i]) &&
		    pwhash_verify(s, "pw", 2, kek) == 1,
		    "round trip logn=%u r=%u p=%u", good[i].logn, good[i].r,
		    good[i].p);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		tap_ok(!pwhash_params_ok(&bad[i]) && pwhash_create(&bad[i],
		    "pw", 2, s, sizeof(s), kek) == -1,
		    "out of range logn=%u r=%u p=%u refused", bad[i].logn,
		    bad[i].r, bad[i].p);
	pp.logn = 22; pp.r = 2; pp.p = 1;
	tap_ok(pwhash_params_ok(&pp) && pwhash_params_mem(&pp) == 1ULL << 30,
	    "exactly 1 GiB is in range");
	pp.logn = PWHASH_DEFAULT_LOGN; pp.r = PWHASH_DEFAULT_R;
	pp.p = PWHASH_DEFAULT_P;
	tap_ok(pwhash_params_ok(&pp), "default parameters are in range");
}

/* A stored string with bytes [at, at + strlen(with)) replaced. */
static void
mutate(char *dst, const char *src, size_t at, const char *with)
{
	strlcpy(dst, src, PWHASH_STRLEN);
	memcpy(dst + at, with, strlen(with));
}

static void
refused(const char *s, const char *what)
{
	uint8_t	 kek[PWHASH_KEYLEN];
	int	 rv;

	memset(kek, 0xa5, sizeof(kek));
	rv = pwhash_verify(s, "hunter2hunter2", 14, kek);
	tap_ok(rv == -1 && iszero(kek, sizeof(kek)),
	    "malformed (%s): verify %d", what, rv);
}

static void
test_malformed(void)
{
	char			 good[PWHASH_STRLEN], s[PWHASH_STRLEN * 2];
	struct pwhash_params	 pp;
	uint8_t			 kek[PWHASH_KEYLEN];
	size_t			 len;

	pwhash_create(&fast, "hunter2hunter2", 14, good, sizeof(good), kek);
	tap_ok(pwhash_verify(good, "hunter2hunter2", 14, kek) == 1,
	    "the unmutated string matches");
	len = strlen(good);

	refused("", "empty");
	refused(NULL, "NULL");
	mutate(s, good, 0, "$s0$"); refused(s, "prefix $s0$");
	mutate(s, good, 0, "$S1$"); refused(s, "prefix $S1$");
	mutate(s, good, 0, "#"); refused(s, "prefix #s1$");
	mutate(s, good, 3, "#"); refused(s, "no $ after s1");
	mutate(s, good, 4, "0A0801"); refused(s, "upper-case hex");
	mutate(s, good, 4, "0g0801"); refused(s, "non-hex digit");
	mutate(s, good, 4, " a0801"); refused(s, "space in hex");
	mutate(s, good, 10, "x"); refused(s, "no $ after params");
	mutate(s, good, 35, "x"); refused(s, "no $ after salt");
	mutate(s, good, 12, "*"); refused(s, "bad base64 char in salt");
	mutate(s, good, 40, "."); refused(s, "bad base64 char in verifier");
	mutate(s, good, 20, " "); refused(s, "space in salt");
	mutate(s, good, 33, "A="); refused(s, "padding moved in salt");
	mutate(s, good, 79, "A"); refused(s, "verifier padding missing");
	/* Last verifier symbol carries 2 bits of padding: make them 1. */
	mutate(s, good, 78, good[78] == '/' ? "+" : "/");
	refused(s, "non-canonical base64 padding bits");
	mutate(s, good, 4, "090801"); refused(s, "logN 9 below range");
	mutate(s, good, 4, "170801"); refused(s, "logN 23 above range");
	mutate(s, good, 4, "0a0001"); refused(s, "r 0");
	mutate(s, good, 4, "0a2101"); refused(s, "r 33");
	mutate(s, good, 4, "0a0800"); refused(s, "p 0");
	mutate(s, good, 4, "0a0811"); refused(s, "p 17");
	mutate(s, good, 4, "160801"); refused(s, "4 GiB of memory");
	mutate(s, good, 4, "ff0801"); refused(s, "logN 255");

	strlcpy(s, good, sizeof(s)); s[len - 1] = '\0';
	refused(s, "one character short");
	strlcpy(s, good, sizeof(s)); strlcat(s, "\n", sizeof(s));
	refused(s, "trailing newline");
	strlcpy(s, good, sizeof(s)); strlcat(s, "$", sizeof(s));
	refused(s, "trailing $");
	strlcpy(s, good, sizeof(s)); strlcat(s, "AAAA", sizeof(s));
	refused(s, "four more base64 characters");
	snprintf(s, sizeof(s), " %s", good); refused(s, "leading space");
	/* A libscrypt_hash() string: 64-byte hash, 88 characters. */
	snprintf(s, sizeof(s), "%.36s%s", good,
	    "dn+9ujljVc5JTJMC2fYu1ZEHdJyqYkOurmcrBQbMHUfnD6qxbTmNiR075ohNBZjv"
	    "p66E2aV1pfOrmyNHUefjMg==");
	refused(s, "libscrypt 64-byte hash");
	/* Salt a character shorter and verifier a character longer. */
	snprintf(s, sizeof(s), "%.34s$A%s", good, good + 36);
	refused(s, "fields shifted");

	tap_ok(pwhash_params_of(good, &pp) == 0 && pwhash_params_eq(&pp, &fast),
	    "params_of on the good string");
	tap_ok(pwhash_params_of("", &pp) == -1 &&
	    pwhash_params_of(NULL, &pp) == -1, "params_of: empty, NULL");
	mutate(s, good, 12, "*");
	tap_ok(pwhash_params_of(s, &pp) == -1, "params_of: bad base64");
	mutate(s, good, 4, "160801");
	tap_ok(pwhash_params_of(s, &pp) == 0 && pp.logn == 22 && pp.r == 8 &&
	    !pwhash_params_ok(&pp), "params_of reads out-of-range parameters, "
	    "params_ok rejects them");
	/* In range but different: parses, and is simply no match. */
	mutate(s, good, 4, "0b0801");
	tap_ok(pwhash_verify(s, "hunter2hunter2", 14, kek) == 0,
	    "other in-range parameters: no match");
}

struct job {
	char	 stored[PWHASH_STRLEN];
	char	 pw[16];
	uint8_t	 kek[PWHASH_KEYLEN];
	int	 ok;
};

static void *
worker(void *arg)
{
	struct job	*j = arg;
	uint8_t		 k[PWHASH_KEYLEN];
	int		 i;

	j->ok = 1;
	for (i = 0; i < 8; i++) {
		if (pwhash_verify(j->stored, j->pw, strlen(j->pw), k) != 1 ||
		    memcmp(k, j->kek, sizeof(k)) != 0)
			j->ok = 0;
		if (pwhash_verify(j->stored, "nope", 4, k) != 0)
			j->ok = 0;
	}
	return NULL;
}

static void
test_threads(void)
{
	struct job	 jobs[4];
	pthread_t	 t[4];
	int		 i, ok = 1;

	for (i = 0; i < 4; i++) {
		snprintf(jobs[i].pw, sizeof(jobs[i].pw), "password %d", i);
		pwhash_create(&fast, jobs[i].pw, strlen(jobs[i].pw),
		    jobs[i].stored, sizeof(jobs[i].stored), jobs[i].kek);
	}
	for (i = 0; i < 4; i++)
		if (pthread_create(&t[i], NULL, worker, &jobs[i]) != 0)
			ok = 0;
	for (i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		ok &= jobs[i].ok;
	}
	tap_ok(ok, "4 threads verifying concurrently agree");
}

int
main(void)
{
	tap_ok(pwhash_init() == 0, "init");
	test_vectors();
	test_hkdf();
	test_split();
	test_match();
	test_reuse();
	test_params();
	test_malformed();
	test_threads();
	return tap_done();
}
