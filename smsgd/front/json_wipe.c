/*
 * jansson's memory, wiped when freed: request bodies parsed by jansson
 * hold passwords, and its answers hold tokens, recovery keys and TOTP
 * secrets.  jansson's free hook is given no size, so each block keeps
 * its own in front of it.
 */
#include "config.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "app.h"

/* The size, padded so that the block after it stays aligned. */
union json_block {
	size_t		 size;
	max_align_t	 align;
};

static void *
json_wipe_malloc(size_t size)
{
	union json_block	*b;

	if (size > SIZE_MAX - sizeof(*b) ||
	    (b = malloc(sizeof(*b) + size)) == NULL)
		return NULL;
	b->size = size;
	return b + 1;
}

/* Also for what jansson hands out, e.g. json_dumps() text. */
void
json_wipe_free(void *p)
{
	union json_block	*b;

	if (p == NULL)
		return;
	b = (union json_block *)p - 1;
	freezero(b, sizeof(*b) + b->size);
}

/* Once, before any thread uses jansson. */
void
json_wipe_init(void)
{
	json_set_alloc_funcs(json_wipe_malloc, json_wipe_free);
}
