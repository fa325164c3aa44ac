/*
 * TOTP, base32, enrolment URIs and recovery codes.  See totp.h.
 *
 * Nothing here keeps state, so every function may run on any thread.
 * HMAC and SHA-256 come from OpenSSL 3's one-shot calls; secrets come
 * from getrandom().  Buffers that held a secret or a code are zeroed.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/random.h>

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <string.h>

#include <openssl/evp.h>

#include "totp.h"

#define TOTP_KEYMAX	64	/* longest secret accepted (bytes) */
#define TOTP_CODEMAX	32	/* longest code string looked at */
#define RCODE_CHARS	10	/* base32 characters in a recovery code */

static const char b32_upper[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
static const char b32_lower[] = "abcdefghijklmnopqrstuvwxyz234567";

/* getrandom() until len bytes came, or -1 (buf zeroed). */
static int
fill_random(void *buf, size_t len)
{
	uint8_t	*p = buf;
	size_t	 got = 0;
	ssize_t	 n;

	while (got < len) {
		n = getrandom(p + got, len - got, 0);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			explicit_bzero(buf, len);
			return -1;
		}
		got += (size_t)n;
	}
	return 0;
}

int
totp_secret_new(uint8_t secret[TOTP_SECRET_LEN])
{
	return fill_random(secret, TOTP_SECRET_LEN);
}

uint32_t
totp_code(const uint8_t *secret, size_t len, uint64_t step, unsigned digits)
{
	uint8_t		 msg[8], mac[EVP_MAX_MD_SIZE];
	size_t		 maclen = 0;
	uint32_t	 bin, mod = 1;
	unsigned	 i, off;

	if (secret == NULL || len == 0 || len > TOTP_KEYMAX ||
	    digits < 1 || digits > 9)
		return TOTP_ERROR;
	for (i = 0; i < sizeof(msg); i++)
		msg[i] = (uint8_t)(step >> (56 - 8 * i));
	if (EVP_Q_mac(NULL, "HMAC", NULL, "SHA1", NULL, secret, len,
	    msg, sizeof(msg), mac, sizeof(mac), &maclen) == NULL ||
	    maclen != 20) {
		explicit_bzero(mac, sizeof(mac));
		return TOTP_ERROR;
	}
	/* RFC 4226 5.3: dynamic truncation. */
	off = mac[19] & 0x0f;
	bin = (uint32_t)(mac[off] & 0x7f) << 24 |
	    (uint32_t)mac[off + 1] << 16 |
	    (uint32_t)mac[off + 2] << 8 | mac[off + 3];
	explicit_bzero(mac, sizeof(mac));
	for (i = 0; i < digits; i++)
		mod *= 10;
	return bin % mod;
}

/* Exactly TOTP_DIGITS digits, spaces ignored; 0, or -1. */
static int
parse_code(const char *s, uint32_t *out)
{
	uint32_t	 v = 0;
	size_t		 i, n = 0;

	if (s == NULL)
		return -1;
	for (i = 0; s[i] != '\0'; i++) {
		if (i >= TOTP_CODEMAX)
			return -1;
		if (s[i] == ' ')
			continue;
		if (s[i] < '0' || s[i] > '9' || ++n > TOTP_DIGITS)
			return -1;
		v = v * 10 + (uint32_t)(s[i] - '0');
	}
	if (n != TOTP_DIGITS)
		return -1;
	*out = v;
	return 0;
}

/* 1 if a == b, else 0, without a branch on the values. */
static uint32_t
ct_eq32(uint32_t a, uint32_t b)
{
	uint32_t	 x = a ^ b;

	return ((x | (0U - x)) >> 31) ^ 1;
}

enum totp_result
totp_verify(const uint8_t *secret, size_t len, const char *code,
    time_t now, uint64_t last_step, uint64_t *matched)
{
	uint64_t	 step, cand, best = 0, mask;
	uint32_t	 want = 0, got, eq, fresh, ok_new = 0, ok_old = 0;
	int		 i;

	if (matched == NULL)
		return TOTP_WRONG;
	*matched = last_step;
	if (parse_code(code, &want) == -1)
		return TOTP_MALFORMED;
	if (secret == NULL || len == 0 || now < 0)
		return TOTP_WRONG;	/* fail closed on a bad clock */

	/*
	 * Every candidate is computed and compared, and the outcome is
	 * gathered with masks, so the time taken says nothing about which
	 * step (if any) matched.
	 */
	step = (uint64_t)now / TOTP_STEP;
	for (i = -1; i <= 1; i++) {
		if (i < 0 && step == 0)
			continue;
		cand = step + (uint64_t)(int64_t)i;
		got = totp_code(secret, len, cand, TOTP_DIGITS);
		eq = ct_eq32(got, want);	/* TOTP_ERROR never equals */
		fresh = cand > last_step;
		ok_new |= eq & fresh;
		ok_old |= eq & (fresh ^ 1);
		mask = 0 - (uint64_t)(eq & fresh);
		best = (cand & mask) | (best & ~mask);
	}
	explicit_bzero(&want, sizeof(want));
	explicit_bzero(&got, sizeof(got));
	if (ok_new) {
		*matched = best;
		return TOTP_OK;
	}
	return ok_old ? TOTP_REUSED : TOTP_WRONG;
}

int
base32_encode(const uint8_t *in, size_t inlen, char *out, size_t outsz)
{
	uint32_t	 acc = 0;
	size_t		 i, o = 0, need;
	unsigned	 bits = 0;

	if (out == NULL || outsz == 0)
		return -1;
	if ((in == NULL && inlen > 0) || inlen > (size_t)INT_MAX / 8)
		goto fail;
	need = (inlen * 8 + 4) / 5;
	if (need >= outsz)
		goto fail;
	for (i = 0; i < inlen; i++) {
		acc = acc << 8 | in[i];
		bits += 8;
		while (bits >= 5) {
			bits -= 5;
			out[o++] = b32_upper[(acc >> bits) & 31];
		}
	}
	if (bits > 0)
		out[o++] = b32_upper[(acc << (5 - bits)) & 31];
	out[o] = '\0';
	explicit_bzero(&acc, sizeof(acc));
	return (int)o;
 fail:
	explicit_bzero(out, outsz);
	return -1;
}

/* The value of one base32 character, either case, or -1. */
static int
b32_value(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a';
	if (c >= '2' && c <= '7')
		return c - '2' + 26;
	return -1;
}

int
base32_decode(const char *in, uint8_t *out, size_t outsz, size_t *outlen)
{
	uint32_t	 acc = 0;
	size_t		 o = 0;
	unsigned	 bits = 0;
	int		 v, padded = 0;

	if (outlen != NULL)
		*outlen = 0;
	if (in == NULL || out == NULL || outlen == NULL)
		return -1;
	for (; *in != '\0'; in++) {
		if (*in == ' ' || *in == '-')
			continue;
		if (*in == '=') {
			padded = 1;
			continue;
		}
		if (padded || (v = b32_value(*in)) == -1)
			goto fail;
		acc = acc << 5 | (uint32_t)v;
		bits += 5;
		if (bits >= 8) {
			if (o >= outsz)
				goto fail;
			bits -= 8;
			out[o++] = (uint8_t)(acc >> bits);
		}
	}
	/*
	 * 1, 3 or 6 characters after the last full group leave 5..7 bits:
	 * no encoder writes that.  Left-over bits must be zero, or two
	 * strings would decode to the same secret.
	 */
	if (bits >= 5 || (acc & ((1U << bits) - 1)) != 0)
		goto fail;
	explicit_bzero(&acc, sizeof(acc));
	*outlen = o;
	return 0;
 fail:
	explicit_bzero(&acc, sizeof(acc));
	explicit_bzero(out, outsz);
	return -1;
}

/* Appends s, percent-encoding all but RFC 3986 unreserved if esc. */
static int
uri_put(char *buf, size_t sz, size_t *off, const char *s, int esc)
{
	static const char	 hex[] = "0123456789ABCDEF";
	unsigned char		 c;

	for (; *s != '\0'; s++) {
		c = (unsigned char)*s;
		if (!esc || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '.' ||
		    c == '_' || c == '~') {
			if (sz - *off < 2)
				return -1;
			buf[(*off)++] = (char)c;
		} else {
			if (sz - *off < 4)
				return -1;
			buf[(*off)++] = '%';
			buf[(*off)++] = hex[c >> 4];
			buf[(*off)++] = hex[c & 15];
		}
	}
	buf[*off] = '\0';
	return 0;
}

int
totp_uri(char *buf, size_t sz, const char *issuer, const char *account,
    const uint8_t *secret, size_t len)
{
	char	 b32[(TOTP_KEYMAX * 8 + 4) / 5 + 1];
	size_t	 off = 0;
	int	 rc = -1;

	if (buf == NULL || sz == 0)
		return -1;
	if (issuer == NULL || account == NULL || *issuer == '\0' ||
	    *account == '\0' || secret == NULL || len == 0 ||
	    len > TOTP_KEYMAX ||
	    base32_encode(secret, len, b32, sizeof(b32)) == -1)
		goto done;
	if (uri_put(buf, sz, &off, "otpauth://totp/", 0) == -1 ||
	    uri_put(buf, sz, &off, issuer, 1) == -1 ||
	    uri_put(buf, sz, &off, ":", 0) == -1 ||
	    uri_put(buf, sz, &off, account, 1) == -1 ||
	    uri_put(buf, sz, &off, "?secret=", 0) == -1 ||
	    uri_put(buf, sz, &off, b32, 0) == -1 ||
	    uri_put(buf, sz, &off, "&issuer=", 0) == -1 ||
	    uri_put(buf, sz, &off, issuer, 1) == -1 ||
	    uri_put(buf, sz, &off,
	    "&algorithm=SHA1&digits=6&period=30", 0) == -1 ||
	    off > INT_MAX)
		goto done;
	rc = (int)off;
 done:
	explicit_bzero(b32, sizeof(b32));
	if (rc == -1)
		explicit_bzero(buf, sz);
	return rc;
}

/*
 * The canonical form of a recovery code: its ten base32 characters in
 * lower case, spaces and dashes dropped.  0, or -1 (norm zeroed).
 */
static int
rcode_normalise(const char *s, char norm[RCODE_CHARS])
{
	size_t	 i, n = 0;
	int	 v;

	if (s == NULL)
		goto fail;
	for (i = 0; s[i] != '\0'; i++) {
		if (i >= RCODE_INMAX)
			goto fail;
		if (s[i] == ' ' || s[i] == '-')
			continue;
		if ((v = b32_value(s[i])) == -1 || n >= RCODE_CHARS)
			goto fail;
		norm[n++] = b32_lower[v];
	}
	if (n == RCODE_CHARS)
		return 0;
 fail:
	explicit_bzero(norm, RCODE_CHARS);
	return -1;
}

int
rcode_hash(const char *s, uint8_t hash[RCODE_HASHLEN])
{
	char		 norm[RCODE_CHARS];
	unsigned int	 hlen = 0;
	int		 rc = -1;

	if (rcode_normalise(s, norm) == 0 &&
	    EVP_Digest(norm, sizeof(norm), hash, &hlen, EVP_sha256(),
	    NULL) == 1 && hlen == RCODE_HASHLEN)
		rc = 0;
	explicit_bzero(norm, sizeof(norm));
	if (rc == -1)
		explicit_bzero(hash, RCODE_HASHLEN);
	return rc;
}

int
rcode_looks_like(const char *s)
{
	char	 norm[RCODE_CHARS];
	int	 ok;

	ok = rcode_normalise(s, norm) == 0;
	explicit_bzero(norm, sizeof(norm));
	return ok;
}

/* Fills text with codes; 1 if two of them are equal. */
static int
rcodes_fill(char text[RCODE_N][RCODE_TEXTLEN], const uint8_t *rnd)
{
	size_t	 i, j, k;

	for (i = 0; i < RCODE_N; i++) {
		/* 256 is a multiple of 32: every character is uniform. */
		for (j = 0, k = 0; j < RCODE_CHARS; j++) {
			if (j == RCODE_CHARS / 2)
				text[i][k++] = '-';
			text[i][k++] = b32_lower[rnd[i * RCODE_CHARS + j] & 31];
		}
		text[i][k] = '\0';
		for (j = 0; j < i; j++)
			if (strcmp(text[i], text[j]) == 0)
				return 1;
	}
	return 0;
}

int
rcodes_generate(char text[RCODE_N][RCODE_TEXTLEN],
    uint8_t hash[RCODE_N][RCODE_HASHLEN])
{
	uint8_t	 rnd[RCODE_N * RCODE_CHARS];
	size_t	 i;
	int	 tries, dup = 1;

	/* A repeat has odds of about 2^-44; retry a few times, then fail. */
	for (tries = 0; tries < 4 && dup; tries++) {
		if (fill_random(rnd, sizeof(rnd)) == -1)
			goto fail;
		dup = rcodes_fill(text, rnd);
	}
	explicit_bzero(rnd, sizeof(rnd));
	if (dup)
		goto fail;
	for (i = 0; i < RCODE_N; i++)
		if (rcode_hash(text[i], hash[i]) == -1)
			goto fail;
	return 0;
 fail:
	explicit_bzero(rnd, sizeof(rnd));
	explicit_bzero(text, sizeof(char[RCODE_N][RCODE_TEXTLEN]));
	explicit_bzero(hash, sizeof(uint8_t[RCODE_N][RCODE_HASHLEN]));
	return -1;
}

int
totp_init(void)
{
	static const uint8_t	 key[] = "12345678901234567890";
	uint8_t			 h[RCODE_HASHLEN];
	int			 rc;

	/*
	 * RFC 6238's first SHA-1 vector, and one digest: this makes
	 * OpenSSL fetch HMAC, SHA-1 and SHA-256 now, before the sandbox.
	 */
	rc = totp_code(key, 20, 59 / TOTP_STEP, 8) == 94287082 &&
	    rcode_hash("abcde-fghij", h) == 0 ? 0 : -1;
	explicit_bzero(h, sizeof(h));
	return rc;
}
