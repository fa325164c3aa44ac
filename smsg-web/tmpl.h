/*
 * The template language of smsg-web.
 *
 *   {{key}}            the value, HTML-escaped (text or quoted attribute)
 *   {{url key}}        an href/action: a path starting with "/" (not "//"),
 *                      or an https: or otpauth: URI, else "#"; escaped
 *   {{qr key}}         an inline SVG QR code of the value (qrsvg.c)
 *   {{if key}} ... {{else}} ... {{end}}
 *                      true when the value is neither empty nor "0"
 *   {{each list}} ... {{end}}
 *                      once per row list.0.*, list.1.*, ... up to the
 *                      first missing row; {{.field}} is list.N.field
 *   {{include name}}   another template, in place
 *
 * Missing keys are empty.  Templates are compiled at start-up; an unknown
 * directive, an unbalanced block, an unknown include or an include cycle
 * fails the compilation, and the process with it.
 */
#ifndef SMSG_WEB_TMPL_H
#define SMSG_WEB_TMPL_H

#include <stddef.h>

struct buf;

/* One key and its value; a page's data is an array of these. */
struct kv {
	const char	*key;
	const char	*value;
};

/* A template's source; the generated templates.c holds the shipped ones. */
struct tmpl_src {
	const char	*name;		/* file name without extension */
	const char	*text;
};

extern const struct tmpl_src	tmpl_sources[];
extern const size_t		tmpl_nsources;

#define TMPL_MAXKEY	64		/* longest key or name in a template */
#define TMPL_MAXDEPTH	16		/* nested blocks and includes */
#define TMPL_MAXOPS	4096		/* directives and texts of a template */

struct tmpl_set;

struct tmpl_set	*tmpl_compile(const struct tmpl_src *, size_t, char *,
		    size_t);
void		 tmpl_free(struct tmpl_set *);
int		 tmpl_find(const struct tmpl_set *, const char *);
int		 tmpl_render(const struct tmpl_set *, int, const struct kv *,
		    size_t, struct buf *);

int		 kv_sort(struct kv *, size_t);
const char	*kv_get(const struct kv *, size_t, const char *);

#endif
