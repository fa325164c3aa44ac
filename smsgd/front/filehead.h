/*
 * A file's name and media type travel sealed, at the start of the
 * file's own stream, so that nothing on the store's disk says what a
 * file is called or what it holds:
 *
 *	u8 version (1), u8 name length, name, u8 type length, type,
 *	zeros up to MC_FILEHEAD_MAX bytes
 *
 * then the file's bytes.  The head is always MC_FILEHEAD_MAX bytes, in
 * the first chunk of its stream: the length of a name shows nowhere,
 * and the store bounds a file's own bytes exactly (file_max plus the
 * head).
 */
#ifndef SMSGD_FILEHEAD_H
#define SMSGD_FILEHEAD_H

#include <stddef.h>
#include <stdint.h>

#include "msgcrypt.h"

#define FILEHEAD_VERSION	1
#define FILEHEAD_NAME_MAX	255	/* bytes, without the NUL */
#define FILEHEAD_TYPE_MAX	127

struct filehead {
	char	 name[FILEHEAD_NAME_MAX + 1];
	char	 type[FILEHEAD_TYPE_MAX + 1];
};

/* The head's bytes into buf: MC_FILEHEAD_MAX of them. */
size_t	 filehead_encode(const struct filehead *, uint8_t *);
/* The head at the start of p: MC_FILEHEAD_MAX, or -1 when malformed. */
int	 filehead_decode(const uint8_t *, size_t, struct filehead *);
#define FILEHEAD_DISPOSITION_MAX (64 + 4 * FILEHEAD_NAME_MAX)

/* A download's Content-Disposition value for name. */
void	 filehead_disposition(const char *, char *, size_t);
/* A file's plaintext bytes from its stream's sealed size, head included. */
uint64_t filehead_plain(uint64_t sealed);

#endif
