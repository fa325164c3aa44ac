/*
 * Password policy.  See pwpolicy.h.
 *
 * Length is counted in Unicode code points because that is what a user
 * types and what ASVS 2.1 means; the byte bound (4 per code point) only
 * keeps a hostile input from costing anything before it is refused.
 * Strength is zxcvbn's estimate; Debian's libzxcvbn compiles its
 * dictionary in and keeps no mutable global state, so ZxcvbnMatch() is
 * safe on any thread and needs no file after start-up.
 */
#include "config.h"

#include <stdint.h>
#include <string.h>
#include <strings.h>

#include <zxcvbn.h>

#include "pwpolicy.h"

#ifndef PATH_ZXCVBN_DICT
#define PATH_ZXCVBN_DICT	"/usr/share/zxcvbn/zxcvbn.dict"
#endif

#define PW_USERMAX	64	/* longest user name used as dictionary words */
#define PW_USERPARTS	4	/* at most this many parts of it, too */
#define PW_PARTMIN	3	/* shorter parts would match too much */
#define LOG10_2		0.30102999566398119521

/* Code points in s[0..n), or -1 if not valid UTF-8 or a control. */
static long
utf8_count(const unsigned char *s, size_t n)
{
	size_t		 i = 0, j, k;
	uint32_t	 cp, min;
	long		 count = 0;

	while (i < n) {
		if (s[i] < 0x80) {
			cp = s[i], k = 0, min = 0;
		} else if ((s[i] & 0xe0) == 0xc0) {
			cp = s[i] & 0x1f, k = 1, min = 0x80;
		} else if ((s[i] & 0xf0) == 0xe0) {
			cp = s[i] & 0x0f, k = 2, min = 0x800;
		} else if ((s[i] & 0xf8) == 0xf0) {
			cp = s[i] & 0x07, k = 3, min = 0x10000;
		} else
			return -1;
		if (n - i - 1 < k)
			return -1;
		for (j = 1; j <= k; j++) {
			if ((s[i + j] & 0xc0) != 0x80)
				return -1;
			cp = cp << 6 | (s[i + j] & 0x3f);
		}
		/* Overlong forms, surrogates, beyond Unicode. */
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return -1;
		/* C0, DEL and C1: invisible, and terminals act on them. */
		if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f))
			return -1;
		i += k + 1;
		count++;
	}
	return count;
}

/*
 * The user's name, the parts of it between punctuation, and "smsg", as
 * a NULL-terminated list pointing into the caller's buffers.
 */
static void
user_words(const char *username, char full[PW_USERMAX + 1],
    char parts[PW_USERMAX + 1], const char *words[PW_USERPARTS + 3])
{
	char	*p, *tok;
	size_t	 n = 0, i = 0;

	if (username != NULL && *username != '\0') {
		strlcpy(full, username, PW_USERMAX + 1);
		strlcpy(parts, full, PW_USERMAX + 1);
		words[n++] = full;
		p = parts;
		while (i < PW_USERPARTS &&
		    (tok = strsep(&p, ".-_@+ ")) != NULL) {
			if (strlen(tok) >= PW_PARTMIN &&
			    strcmp(tok, full) != 0) {
				words[n++] = tok;
				i++;
			}
		}
	}
	words[n++] = "smsg";
	words[n] = NULL;
}

/* zxcvbn's estimate in bits, and (if info) what it found. */
static double
estimate(const char *pw, const char *username, ZxcMatch_t **info)
{
	char		 full[PW_USERMAX + 1], parts[PW_USERMAX + 1];
	const char	*words[PW_USERPARTS + 3];
	double		 bits;

	user_words(username, full, parts, words);
	bits = ZxcvbnMatch(pw, words, info);
	explicit_bzero(full, sizeof(full));
	explicit_bzero(parts, sizeof(parts));
	return bits;
}

static int
score_of(double bits)
{
	double	 lg = bits * LOG10_2;	/* log10 of the guesses */

	if (!(lg >= 3))		/* also NaN */
		return 0;
	if (lg < 6)
		return 1;
	if (lg < 8)
		return 2;
	if (lg < 10)
		return 3;
	return 4;
}

int
pwpolicy_score(const char *pw, const char *username)
{
	if (pw == NULL)
		return 0;
	return score_of(estimate(pw, username, NULL));
}

/* The sentence that best explains a weak verdict. */
static const char *
weak_reason(const char *pw, const ZxcMatch_t *info)
{
	const ZxcMatch_t	*m, *top = NULL;
	int			 type, dictlen = 0, len = (int)strlen(pw);

	for (m = info; m != NULL; m = m->Next) {
		type = m->Type & ~MULTIPLE_MATCH;
		if (type == USER_MATCH || type == USER_LEET_MATCH) {
			/* "smsg" is the one extra word besides the name. */
			if (m->Length >= 4 && m->Begin >= 0 &&
			    m->Begin <= len - 4 &&
			    strncasecmp(pw + m->Begin, "smsg", 4) == 0)
				return "This password contains the name of "
				    "this service.";
			return "This password contains your user name.";
		}
		if (type == DICTIONARY_MATCH || type == DICT_LEET_MATCH)
			dictlen += m->Length;
		if (type != BRUTE_MATCH && type != LONG_PWD_MATCH &&
		    (top == NULL || m->Length > top->Length))
			top = m;
	}
	if (top == NULL)
		return "This password is too easy to guess: use a few "
		    "unrelated words, or a password manager.";
	switch (top->Type & ~MULTIPLE_MATCH) {
	case DICTIONARY_MATCH:
	case DICT_LEET_MATCH:
		if (dictlen >= len)
			return "This password is among the most common "
			    "passwords.";
		return "Common words and passwords are easy to guess, "
		    "even with a few characters added.";
	case SEQUENCE_MATCH:
		return "Sequences like abcd or 1234 are easy to guess.";
	case SPATIAL_MATCH:
		return "Keyboard patterns like qwerty or asdf are easy "
		    "to guess.";
	case REPEATS_MATCH:
		return "Repeats like aaaa or abcabc are easy to guess.";
	case DATE_MATCH:
	case YEAR_MATCH:
		return "Dates and years are easy to guess.";
	default:
		return "This password is too easy to guess: use a few "
		    "unrelated words, or a password manager.";
	}
}

static enum pw_verdict
verdict(enum pw_verdict v, const char *text, char *why, size_t whysz)
{
	if (why != NULL && whysz > 0)
		strlcpy(why, text, whysz);
	return v;
}

enum pw_verdict
pwpolicy_check(const char *pw, const char *username,
    unsigned int min_score, char *why, size_t whysz)
{
	ZxcMatch_t	*info = NULL;
	const char	*reason;
	size_t		 nbytes;
	long		 n;
	int		 score;

	if (pw == NULL)
		return verdict(PW_BAD_CHARS, "No password was given.",
		    why, whysz);
	if ((nbytes = strnlen(pw, PW_MAXBYTES + 1)) > PW_MAXBYTES)
		return verdict(PW_TOO_LONG,
		    "Too long: use at most 128 characters.", why, whysz);
	if ((n = utf8_count((const unsigned char *)pw, nbytes)) == -1)
		return verdict(PW_BAD_CHARS, "Passwords may contain any "
		    "character except control characters, as valid UTF-8.",
		    why, whysz);
	if (n < PW_MINLEN)
		return verdict(PW_TOO_SHORT,
		    "Too short: use at least 12 characters.", why, whysz);
	if (n > PW_MAXLEN)
		return verdict(PW_TOO_LONG,
		    "Too long: use at most 128 characters.", why, whysz);

	if (min_score > PW_MAXSCORE)
		min_score = PW_MAXSCORE;
	score = score_of(estimate(pw, username, &info));
	if (score >= (int)min_score) {
		ZxcvbnFreeInfo(info);
		return verdict(PW_OK, "", why, whysz);
	}
	reason = weak_reason(pw, info);
	ZxcvbnFreeInfo(info);
	return verdict(PW_WEAK, reason, why, whysz);
}

const char *
pwpolicy_verdict_name(enum pw_verdict v)
{
	switch (v) {
	case PW_OK:
		return "ok";
	case PW_TOO_SHORT:
		return "too-short";
	case PW_TOO_LONG:
		return "too-long";
	case PW_BAD_CHARS:
		return "bad-chars";
	case PW_WEAK:
		return "weak";
	}
	return "unknown";
}

int
pwpolicy_init(void)
{
#ifdef USE_DICT_FILE
	/* This build of zxcvbn reads a file: only possible before chroot. */
	if (ZxcvbnInit(PATH_ZXCVBN_DICT) == 0)
		return -1;
#endif
	/* A library that cannot tell these apart would pass anything. */
	if (pwpolicy_score("password", NULL) != 0 ||
	    pwpolicy_score("motorcade tulip wavering ozone", NULL) != 4)
		return -1;
	return 0;
}
