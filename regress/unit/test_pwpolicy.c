/*
 * smsg-auth/pwpolicy.c: length in code points, UTF-8 and controls,
 * zxcvbn scoring with the user name, and the reasons given.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "pwpolicy.h"

#define STRONG	"motorcade tulip wavering ozone"

/* n copies of the UTF-8 character c, in a static buffer. */
static const char *
rep(const char *c, size_t n)
{
	static char	 buf[1024];
	size_t		 i, len = strlen(c);

	buf[0] = '\0';
	for (i = 0; i < n && (i + 1) * len < sizeof(buf); i++)
		memcpy(buf + i * len, c, len + 1);
	return buf;
}

static void
check(const char *pw, const char *user, unsigned min, enum pw_verdict want,
    const char *what)
{
	char		 why[256];
	enum pw_verdict	 v;

	memset(why, 'x', sizeof(why));
	v = pwpolicy_check(pw, user, min, why, sizeof(why));
	tap_ok(v == want && (v == PW_OK ? why[0] == '\0' : why[0] != '\0'),
	    "%s: %s (%s)", what, pwpolicy_verdict_name(v), why);
	if (v != want && v != PW_BAD_CHARS && pw != NULL)
		tap_diag("zxcvbn score %d", pwpolicy_score(pw, user));
}

static void
test_length(void)
{
	check(rep("Z", 11), NULL, 0, PW_TOO_SHORT, "11 ASCII");
	check(rep("Z", 12), NULL, 0, PW_OK, "12 ASCII");
	check(rep("\xc3\xa9", 11), NULL, 0, PW_TOO_SHORT, "11 x U+00E9");
	check(rep("\xc3\xa9", 12), NULL, 0, PW_OK,
	    "12 x U+00E9 (24 bytes)");
	check(rep("\xe2\x82\xac", 128), NULL, 0, PW_OK, "128 x U+20AC");
	check(rep("\xe2\x82\xac", 129), NULL, 0, PW_TOO_LONG, "129 x U+20AC");
	check(rep("\xf0\x9f\x98\x80", 128), NULL, 0, PW_OK,
	    "128 x U+1F600 (512 bytes)");
	check(rep("\xf0\x9f\x98\x80", 129), NULL, 0, PW_TOO_LONG,
	    "129 x U+1F600");
	check(rep("a", 128), NULL, 0, PW_OK, "128 ASCII");
	check(rep("a", 129), NULL, 0, PW_TOO_LONG, "129 ASCII");
	check(rep("a", 900), NULL, 0, PW_TOO_LONG, "900 bytes");
	check(rep("\xe6\x97\xa5", 11), NULL, 0, PW_TOO_SHORT,
	    "11 CJK characters (33 bytes) are still too short");
}

static void
test_chars(void)
{
	static const struct {
		const char	*s, *what;
	} bad[] = {
		{ "\xff", "byte 0xff" },
		{ "\x80", "lone continuation byte" },
		{ "\xc0\xaf", "overlong '/'" },
		{ "\xe0\x80\xaf", "three-byte overlong" },
		{ "\xed\xa0\x80", "surrogate U+D800" },
		{ "\xf4\x90\x80\x80", "beyond U+10FFFF" },
		{ "\xe2\x82", "truncated sequence" },
		{ "\t", "TAB" },
		{ "\n", "LF" },
		{ "\x1b", "ESC" },
		{ "\x7f", "DEL" },
		{ "\xc2\x85", "C1 U+0085" },
		{ "\xc2\x9f", "C1 U+009F" },
	};
	char	 pw[128];
	size_t	 i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(pw, sizeof(pw), "motorcade %s tulip ozone", bad[i].s);
		check(pw, NULL, 0, PW_BAD_CHARS, bad[i].what);
	}
	/* The same, with the bad sequence last: no read past the end. */
	snprintf(pw, sizeof(pw), "motorcade tulip ozone\xe2\x82");
	check(pw, NULL, 0, PW_BAD_CHARS, "truncated sequence at the end");
	check(NULL, NULL, 0, PW_BAD_CHARS, "NULL");
	check("motorcade\xc2\xa0tulip ozone \xe6\x97\xa5\xf0\x9f\x98\x80",
	    NULL, 3, PW_OK, "NBSP, CJK and an emoji are allowed");
}

static void
test_strength(void)
{
	char		 why[256], pw[64];
	uint8_t		 rnd[24];
	size_t		 i;

	check("password1234", NULL, 3, PW_WEAK, "password1234");
	pwpolicy_check("password1234", NULL, 3, why, sizeof(why));
	tap_ok(strstr(why, "common") != NULL, "why names common passwords");
	check("qwertyuiopasdf", NULL, 3, PW_WEAK, "qwertyuiopasdf");
	check("abcdefghijklmnop", NULL, 3, PW_WEAK, "a sequence");
	pwpolicy_check("abcdefghijklmnop", NULL, 3, why, sizeof(why));
	tap_ok(strstr(why, "Sequences") != NULL, "why names sequences");

	check("Gertrude2024gertrude!", "gertrude", 3, PW_WEAK,
	    "user name embedded twice");
	pwpolicy_check("Gertrude2024gertrude!", "gertrude", 3, why,
	    sizeof(why));
	tap_ok(strstr(why, "user name") != NULL, "why names the user name");
	tap_ok(pwpolicy_score("xq7vhzkwgrmbtp", "xq7vhzkwgrmbtp") <
	    pwpolicy_score("xq7vhzkwgrmbtp", "alice"),
	    "the user name itself scores lower than for another user");
	tap_ok(pwpolicy_score("vanbergen.loewe", "j.vanbergen-loewe") <
	    pwpolicy_score("vanbergen.loewe", NULL),
	    "parts of the user name count as words");
	check("smsgsmsgsmsg123", NULL, 3, PW_WEAK, "the service name");
	pwpolicy_check("smsgsmsgsmsg123", "alice", 3, why, sizeof(why));
	tap_ok(strstr(why, "service") != NULL, "why names the service");

	check(STRONG, "alice", 3, PW_OK, "a long random passphrase");
	check(STRONG, "alice", 4, PW_OK, "it even scores 4");
	tap_ok(pwpolicy_score(STRONG, NULL) == 4, "passphrase scores 4");
	tap_ok(pwpolicy_score("password", NULL) == 0, "password scores 0");
	tap_ok(pwpolicy_score(NULL, NULL) == 0, "NULL scores 0");

	arc4random_buf(rnd, sizeof(rnd));
	for (i = 0; i < sizeof(rnd); i++)
		pw[i] = "abcdefghijkmnpqrstuvwxyz23456789"[rnd[i] & 31];
	pw[i] = '\0';
	check(pw, "alice", 4, PW_OK, "24 random characters");

	/* min_score decides; above 4 counts as 4. */
	tap_ok(pwpolicy_score("qwertyuiopasdf", NULL) == 1,
	    "qwertyuiopasdf scores 1");
	check("qwertyuiopasdf", NULL, 1, PW_OK, "score 1 passes min 1");
	check("qwertyuiopasdf", NULL, 2, PW_WEAK, "score 1 fails min 2");
	check(STRONG, NULL, 99, PW_OK, "min_score 99 is treated as 4");

	tap_ok(pwpolicy_check("password1234", NULL, 3, why, 8) == PW_WEAK &&
	    strlen(why) == 7, "why is bounded by whysz");
	tap_ok(pwpolicy_check("password1234", NULL, 3, NULL, 0) == PW_WEAK,
	    "why may be NULL");
}

int
main(void)
{
	tap_ok(pwpolicy_init() == 0, "pwpolicy_init");
	test_length();
	test_chars();
	test_strength();
	(void)tap_skip;
	return tap_done();
}
