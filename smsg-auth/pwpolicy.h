/*
 * Password policy (ASVS 2.1): 12..128 characters (Unicode code points,
 * valid UTF-8, any characters except C0/C1 controls, DEL and NUL), no
 * composition rules, never truncated, refused when zxcvbn scores it below
 * min_score (0..4), with the user name (and "smsg") as extra dictionary
 * words.  Pure and thread-safe once pwpolicy_init() has run.
 */
#ifndef SMSG_PWPOLICY_H
#define SMSG_PWPOLICY_H

#include <stddef.h>

#define PW_MINLEN	12
#define PW_MAXLEN	128
#define PW_MAXBYTES	512
#define PW_MAXSCORE	4

enum pw_verdict { PW_OK, PW_TOO_SHORT, PW_TOO_LONG, PW_BAD_CHARS, PW_WEAK };

/*
 * Loads zxcvbn's dictionary if this build of the library reads it from a
 * file (Debian's compiles it in) and checks that scoring works; call once
 * before chroot and sandbox.  0, or -1.
 */
int	pwpolicy_init(void);

/*
 * why: a sentence for the user, e.g. "This password is among the most
 * common passwords." or "Too short: use at least 12 characters."; set to
 * "" on PW_OK.  A min_score above 4 counts as 4.
 */
enum pw_verdict pwpolicy_check(const char *pw, const char *username,
	    unsigned int min_score, char *why, size_t whysz);

/*
 * 0..4 as zxcvbn: guesses <1e3:0, <1e6:1, <1e8:2, <1e10:3, else 4.
 * 0 for NULL.
 */
int	pwpolicy_score(const char *pw, const char *username);

/* The verdict's name for logs ("ok", "too-short", ...). */
const char *pwpolicy_verdict_name(enum pw_verdict);

#endif
