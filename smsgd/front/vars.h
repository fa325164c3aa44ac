/*
 * The values of one page for smsg-web: keys and strings, escaped by
 * smsg-web.  Bounded: past VARS_MAX values, or when memory runs out,
 * the set is marked failed and the page is answered with an error
 * instead (a request can never make the front fail).
 */
#ifndef SMSGD_VARS_H
#define SMSGD_VARS_H

#include <stddef.h>

#define VARS_MAX	2048	/* keys sent to smsg-web for one page */
#define VARS_TEXT_MAX	4000	/* bytes of a text value, below MSG_MAXSTR */

struct vars {
	size_t		 n;
	int		 failed;	/* a value could not be kept */
	struct {
		char	*key;
		char	*value;
	} kv[VARS_MAX];
};

/* Adds key = printf(fmt, ...); on failure marks v failed. */
void	 vars_add(struct vars *, const char *, const char *, ...)
	    __attribute__((format(printf, 3, 4)));
/*
 * Adds key = the text s (len bytes) as UTF-8 that smsg-web takes: a byte
 * that is not UTF-8, NUL or a control character other than tab and line
 * ends becomes U+FFFD.  At most max (<= VARS_TEXT_MAX) bytes, cut at a
 * character: returns the bytes of s used, to go on from there.
 */
size_t	 vars_add_text(struct vars *, const char *, const char *, size_t,
	    size_t);
/* Frees (values wiped) and empties v, failure mark included. */
void	 vars_free(struct vars *);

#endif
