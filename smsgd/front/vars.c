/*
 * Page values for smsg-web (see vars.h).  Values may hold recovery keys
 * and TOTP secrets: they are wiped when freed.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vars.h"

void
vars_add(struct vars *v, const char *key, const char *fmt, ...)
{
	va_list	 ap;
	char	*val, *k;
	int	 len;

	if (v->failed)
		return;
	if (v->n == VARS_MAX) {
		v->failed = 1;
		return;
	}
	va_start(ap, fmt);
	len = vasprintf(&val, fmt, ap);
	va_end(ap);
	if (len == -1) {
		v->failed = 1;
		return;
	}
	if ((k = strdup(key)) == NULL) {
		freezero(val, len);
		v->failed = 1;
		return;
	}
	v->kv[v->n].key = k;
	v->kv[v->n].value = val;
	v->n++;
}

void
vars_free(struct vars *v)
{
	size_t	 i;

	for (i = 0; i < v->n; i++) {
		free(v->kv[i].key);
		freezero(v->kv[i].value, strlen(v->kv[i].value));
	}
	v->n = 0;
	v->failed = 0;
}
