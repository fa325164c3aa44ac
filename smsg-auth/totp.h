#ifndef STUB_TOTP
#define STUB_TOTP
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#define TOTP_SECRET_LEN	20
#define TOTP_STEP	30
#define TOTP_B32LEN	33
enum totp_result { TOTP_OK, TOTP_WRONG, TOTP_REUSED, TOTP_MALFORMED };
int	totp_secret_new(uint8_t secret[TOTP_SECRET_LEN]);
uint32_t totp_code(const uint8_t *secret, size_t len, uint64_t step, unsigned digits);
enum totp_result totp_verify(const uint8_t *secret, size_t len, const char *code,
	    time_t now, uint64_t last_step, uint64_t *matched);
int	base32_encode(const uint8_t *, size_t, char *, size_t);
int	base32_decode(const char *, uint8_t *, size_t, size_t *outlen);
int	totp_uri(char *, size_t, const char *issuer, const char *account,
	    const uint8_t *secret, size_t len);
#define RCODE_N		10
#define RCODE_TEXTLEN	12
#define RCODE_HASHLEN	32
int	rcodes_generate(char text[RCODE_N][RCODE_TEXTLEN], uint8_t hash[RCODE_N][RCODE_HASHLEN]);
int	rcode_hash(const char *, uint8_t hash[RCODE_HASHLEN]);
int	rcode_looks_like(const char *);
#endif
