/*
 * TOTP (RFC 6238: HMAC-SHA1, 30 s steps, 6 digits, +-1 step), base32
 * (RFC 4648), otpauth:// enrolment URIs and single-use recovery codes.
 * Every function is pure and thread-safe.
 */
#ifndef SMSG_TOTP_H
#define SMSG_TOTP_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define TOTP_SECRET_LEN	20		/* 160 bits */
#define TOTP_STEP	30
#define TOTP_DIGITS	6
#define TOTP_B32LEN	33		/* base32 of 20 bytes + NUL */
#define TOTP_ERROR	UINT32_MAX	/* totp_code() failed; never a code */

enum totp_result { TOTP_OK, TOTP_WRONG, TOTP_REUSED, TOTP_MALFORMED };

/*
 * Checks an RFC 6238 vector and a SHA-256 digest, which also makes
 * OpenSSL load what it needs; call once before the sandbox.  0, or -1.
 */
int	totp_init(void);

/* A fresh secret from getrandom(); 0, or -1 (secret zeroed). */
int	totp_secret_new(uint8_t secret[TOTP_SECRET_LEN]);

/*
 * The HOTP value of one step truncated to `digits' (1..9) digits, or
 * TOTP_ERROR.
 */
uint32_t totp_code(const uint8_t *secret, size_t len, uint64_t step,
	    unsigned digits);

/*
 * Accepts the code of step-1, step, step+1 (step = now / 30) only if that
 * step is greater than last_step (stored per user); sets *matched to the
 * step to store (to last_step when the answer is not TOTP_OK).  A right
 * code for a step <= last_step is TOTP_REUSED.  Codes: exactly 6 ASCII
 * digits, spaces allowed and ignored; anything else TOTP_MALFORMED.
 * Compares in constant time over all candidate steps.
 */
enum totp_result totp_verify(const uint8_t *secret, size_t len,
	    const char *code, time_t now, uint64_t last_step,
	    uint64_t *matched);

/*
 * RFC 4648 base32, upper case, no padding; returns the length written
 * (without the NUL), or -1 if it does not fit (out is then zeroed).
 */
int	base32_encode(const uint8_t *, size_t, char *, size_t);

/*
 * Case-insensitive; spaces and dashes are ignored, '=' padding is allowed
 * only at the end; non-zero trailing bits or an impossible length are
 * refused.  0, or -1 (out zeroed).
 */
int	base32_decode(const char *, uint8_t *, size_t, size_t *outlen);

/*
 * otpauth://totp/ISSUER:ACCOUNT?secret=B32&issuer=ISSUER&algorithm=SHA1
 * &digits=6&period=30 with ISSUER and ACCOUNT percent-encoded; returns
 * the length, or -1 if it does not fit (buf is then zeroed).
 */
int	totp_uri(char *, size_t, const char *issuer, const char *account,
	    const uint8_t *secret, size_t len);

/*
 * Ten single-use recovery codes, shown once as "xxxxx-xxxxx" (lower-case
 * base32, 50 bits each), stored as SHA-256 of the normalised code (their
 * entropy makes a slow hash unnecessary).  rcode_hash normalises case,
 * spaces and the dash, and fails (-1) on anything that is not such a code.
 */
#define RCODE_N		10
#define RCODE_TEXTLEN	12
#define RCODE_HASHLEN	32
#define RCODE_INMAX	64	/* longest input rcode_hash() looks at */

int	rcodes_generate(char text[RCODE_N][RCODE_TEXTLEN],
	    uint8_t hash[RCODE_N][RCODE_HASHLEN]);
int	rcode_hash(const char *, uint8_t hash[RCODE_HASHLEN]);
/* 1 if the input is shaped like a recovery code, not a TOTP code. */
int	rcode_looks_like(const char *);

#endif
