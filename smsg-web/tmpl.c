/*
 * The template engine: compile once at start-up into a flat list of
 * operations with block jumps resolved, then render with escaping on by
 * default.  See tmpl.h for the language.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "qrsvg.h"
#include "tmpl.h"

#define TMPL_MAXROWS	1024		/* rows of one {{each}} */
#define TMPL_ROWKEY	(TMPL_MAXKEY + 16)

enum op_kind {
	OP_TEXT,
	OP_VAR,
	OP_URL,
	OP_QR,
	OP_IF,
	OP_ELSE,
	OP_EACH,
	OP_END,
	OP_INCLUDE
};

struct op {
	enum op_kind	 kind;
	const char	*text;		/* OP_TEXT: a slice of the source */
	size_t		 len;
	char		 key[TMPL_MAXKEY + 1];	/* key, list or template */
	int		 rel;		/* key is ".field" of the current row */
	size_t		 alt;		/* IF: ELSE or END; ELSE, EACH: END */
	size_t		 end;		/* IF: its END */
	int		 target;	/* INCLUDE: the template's index */
};

struct tmpl {
	char		 name[TMPL_MAXKEY + 1];
	const char	*src;
	struct op	*ops;
	size_t		 nops;
};

struct tmpl_set {
	struct tmpl	*t;
	size_t		 n;
};

struct parser {
	struct tmpl	*t;
	char		*err;
	size_t		 errlen;
	size_t		 stack[TMPL_MAXDEPTH];
	const char	*opened[TMPL_MAXDEPTH];	/* where each block began */
	int		 depth;
	int		 rows;		/* open {{each}} blocks */
};

struct rctx {
	const struct tmpl_set	*set;
	const struct kv		*kv;
	size_t			 n;
	struct buf		*out;
	char			 row[TMPL_MAXDEPTH][TMPL_ROWKEY];
	int			 nrows;
	int			 depth;
};

static int __attribute__((format(printf, 3, 4)))
perr(struct parser *ps, const char *at, const char *fmt, ...)
{
	va_list		 ap;
	const char	*p;
	char		 msg[256];
	int		 line = 1;

	for (p = ps->t->src; at != NULL && p < at; p++)
		if (*p == '\n')
			line++;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(ps->err, ps->errlen, "template %s, line %d: %s",
	    ps->t->name, line, msg);
	return -1;
}

/* A new operation at the end of the list; its index is nops - 1. */
static struct op *
op_new(struct parser *ps, const char *at, enum op_kind kind)
{
	struct tmpl	*t = ps->t;
	struct op	*ops;

	if (t->nops >= TMPL_MAXOPS) {
		perr(ps, at, "too many directives");
		return NULL;
	}
	ops = reallocarray(t->ops, t->nops + 1, sizeof(*ops));
	if (ops == NULL) {
		perr(ps, at, "out of memory");
		return NULL;
	}
	t->ops = ops;
	memset(&ops[t->nops], 0, sizeof(ops[t->nops]));
	ops[t->nops].kind = kind;
	return &ops[t->nops++];
}

/* Dot-separated words of [A-Za-z0-9_-], optionally one leading dot. */
static int
key_ok(const char *s, size_t len, int allow_rel, int allow_dots)
{
	size_t	 i;
	int	 prev_dot = 1;

	if (len == 0 || len > TMPL_MAXKEY)
		return 0;
	if (s[0] == '.' && !allow_rel)
		return 0;
	for (i = s[0] == '.' ? 1 : 0; i < len; i++) {
		if (s[i] == '.') {
			if (prev_dot || !allow_dots)
				return 0;
			prev_dot = 1;
		} else if ((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '_' || s[i] == '-')
			prev_dot = 0;
		else
			return 0;
	}
	return !prev_dot;
}

static int
block_open(struct parser *ps, const char *at)
{
	if (ps->depth >= TMPL_MAXDEPTH)
		return perr(ps, at, "blocks nested too deep");
	ps->opened[ps->depth] = at;
	ps->stack[ps->depth++] = ps->t->nops - 1;
	return 0;
}

static int
block_else(struct parser *ps, const char *at)
{
	struct op	*ifop;
	size_t		 top;

	if (ps->depth == 0)
		return perr(ps, at, "{{else}} outside {{if}}");
	top = ps->stack[ps->depth - 1];
	ifop = &ps->t->ops[top];
	if (ifop->kind != OP_IF || ifop->alt != 0)
		return perr(ps, at, "misplaced {{else}}");
	if (op_new(ps, at, OP_ELSE) == NULL)
		return -1;
	ps->t->ops[top].alt = ps->t->nops - 1;
	return 0;
}

static int
block_end(struct parser *ps, const char *at)
{
	struct op	*ops;
	size_t		 top, e;

	if (ps->depth == 0)
		return perr(ps, at, "{{end}} without a block");
	if (op_new(ps, at, OP_END) == NULL)
		return -1;
	ops = ps->t->ops;
	e = ps->t->nops - 1;
	top = ps->stack[--ps->depth];
	if (ops[top].kind == OP_EACH) {
		ops[top].alt = e;
		ps->rows--;
		return 0;
	}
	if (ops[top].alt == 0)
		ops[top].alt = e;
	else
		ops[ops[top].alt].alt = e;
	ops[top].end = e;
	return 0;
}

/* A directive with an argument: {{url k}}, {{qr k}}, {{if k}}, ... */
static int
parse_command(struct parser *ps, const char *at, const char *w, size_t wlen,
    const char *arg, size_t alen)
{
	static const struct {
		const char	*word;
		enum op_kind	 kind;
		int		 rel, dots;
	} cmds[] = {
		{ "url", OP_URL, 1, 1 },
		{ "qr", OP_QR, 1, 1 },
		{ "if", OP_IF, 1, 1 },
		{ "each", OP_EACH, 0, 1 },
		{ "include", OP_INCLUDE, 0, 0 },
	};
	struct op	*op;
	size_t		 i;

	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (strlen(cmds[i].word) == wlen &&
		    memcmp(cmds[i].word, w, wlen) == 0)
			break;
	if (i == sizeof(cmds) / sizeof(cmds[0]))
		return perr(ps, at, "unknown directive");
	if (!key_ok(arg, alen, cmds[i].rel, cmds[i].dots))
		return perr(ps, at, "bad name after %s", cmds[i].word);
	if (arg[0] == '.' && ps->rows == 0)
		return perr(ps, at, "row field outside {{each}}");
	if ((op = op_new(ps, at, cmds[i].kind)) == NULL)
		return -1;
	memcpy(op->key, arg, alen);
	op->rel = arg[0] == '.';
	if (op->kind == OP_EACH)
		ps->rows++;
	if (op->kind == OP_IF || op->kind == OP_EACH)
		return block_open(ps, at);
	return 0;
}

static int
parse_directive(struct parser *ps, const char *at, const char *d, size_t len)
{
	const char	*sp;
	struct op	*op;

	if ((sp = memchr(d, ' ', len)) != NULL)
		return parse_command(ps, at, d, sp - d, sp + 1,
		    len - (sp + 1 - d));
	if (len == 4 && memcmp(d, "else", 4) == 0)
		return block_else(ps, at);
	if (len == 3 && memcmp(d, "end", 3) == 0)
		return block_end(ps, at);
	if (!key_ok(d, len, 1, 1))
		return perr(ps, at, "unknown directive");
	if (d[0] == '.' && ps->rows == 0)
		return perr(ps, at, "row field outside {{each}}");
	if ((op = op_new(ps, at, OP_VAR)) == NULL)
		return -1;
	memcpy(op->key, d, len);
	op->rel = d[0] == '.';
	return 0;
}

static int
tmpl_parse(struct parser *ps)
{
	const char	*p = ps->t->src, *open, *close;
	struct op	*op;

	while (*p != '\0') {
		if ((open = strstr(p, "{{")) == NULL)
			open = p + strlen(p);
		if (open > p) {
			if ((op = op_new(ps, p, OP_TEXT)) == NULL)
				return -1;
			op->text = p;
			op->len = open - p;
		}
		if (*open == '\0')
			break;
		if ((close = strstr(open + 2, "}}")) == NULL)
			return perr(ps, open, "unterminated directive");
		if (memchr(open + 2, '\n', close - open - 2) != NULL)
			return perr(ps, open, "directive spans lines");
		if (parse_directive(ps, open, open + 2, close - open - 2) == -1)
			return -1;
		p = close + 2;
	}
	if (ps->depth != 0)
		return perr(ps, ps->opened[ps->depth - 1], "block without "
		    "{{end}}");
	return 0;
}

/* Resolve includes; a cycle shows up as a chain deeper than the bound. */
static int
tmpl_link(struct tmpl_set *set, size_t idx, int depth, char *err,
    size_t errlen)
{
	struct tmpl	*t = &set->t[idx];
	size_t		 i;

	if (depth > TMPL_MAXDEPTH) {
		snprintf(err, errlen, "template %s: includes nested too deep "
		    "or cyclic", t->name);
		return -1;
	}
	for (i = 0; i < t->nops; i++) {
		if (t->ops[i].kind != OP_INCLUDE)
			continue;
		t->ops[i].target = tmpl_find(set, t->ops[i].key);
		if (t->ops[i].target == -1) {
			snprintf(err, errlen, "template %s: no template %s "
			    "to include", t->name, t->ops[i].key);
			return -1;
		}
		if (tmpl_link(set, t->ops[i].target, depth + 1, err,
		    errlen) == -1)
			return -1;
	}
	return 0;
}

struct tmpl_set *
tmpl_compile(const struct tmpl_src *src, size_t n, char *err, size_t errlen)
{
	struct tmpl_set	*set;
	struct parser	 ps;
	size_t		 i;

	if ((set = calloc(1, sizeof(*set))) == NULL ||
	    (set->t = calloc(n ? n : 1, sizeof(*set->t))) == NULL) {
		free(set);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	set->n = n;
	for (i = 0; i < n; i++) {
		memset(&ps, 0, sizeof(ps));
		ps.t = &set->t[i];
		ps.err = err;
		ps.errlen = errlen;
		ps.t->src = src[i].text;
		if (!key_ok(src[i].name, strlen(src[i].name), 0, 0) ||
		    tmpl_find(set, src[i].name) != -1) {
			snprintf(err, errlen, "bad or repeated template name");
			goto fail;
		}
		strlcpy(ps.t->name, src[i].name, sizeof(ps.t->name));
		if (tmpl_parse(&ps) == -1)
			goto fail;
	}
	for (i = 0; i < n; i++)
		if (tmpl_link(set, i, 0, err, errlen) == -1)
			goto fail;
	return set;
 fail:
	tmpl_free(set);
	return NULL;
}

void
tmpl_free(struct tmpl_set *set)
{
	size_t	 i;

	if (set == NULL)
		return;
	for (i = 0; i < set->n; i++)
		free(set->t[i].ops);
	free(set->t);
	free(set);
}

int
tmpl_find(const struct tmpl_set *set, const char *name)
{
	size_t	 i;

	for (i = 0; i < set->n; i++)
		if (strcmp(set->t[i].name, name) == 0)
			return i;
	return -1;
}

static int
kv_cmp(const void *a, const void *b)
{
	return strcmp(((const struct kv *)a)->key,
	    ((const struct kv *)b)->key);
}

/* Sort for lookups; a repeated key is an error. */
int
kv_sort(struct kv *kv, size_t n)
{
	size_t	 i;

	if (n == 0)
		return 0;
	qsort(kv, n, sizeof(*kv), kv_cmp);
	for (i = 1; i < n; i++)
		if (strcmp(kv[i - 1].key, kv[i].key) == 0)
			return -1;
	return 0;
}

/* The value of key in a sorted array, NULL when missing. */
const char *
kv_get(const struct kv *kv, size_t n, const char *key)
{
	struct kv	 k = { key, NULL };
	const struct kv	*hit;

	if (n == 0)
		return NULL;
	hit = bsearch(&k, kv, n, sizeof(*kv), kv_cmp);
	return hit ? hit->value : NULL;
}

/* Whether any key starts with prefix. */
static int
kv_has_prefix(const struct kv *kv, size_t n, const char *prefix)
{
	size_t	 lo = 0, hi = n, mid, plen = strlen(prefix);

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (strcmp(kv[mid].key, prefix) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && strncmp(kv[lo].key, prefix, plen) == 0;
}

static const char *
lookup(struct rctx *c, const struct op *op)
{
	char		 full[TMPL_ROWKEY + TMPL_MAXKEY + 1];
	const char	*v;
	int		 r;

	if (!op->rel)
		v = kv_get(c->kv, c->n, op->key);
	else {
		if (c->nrows == 0)
			return "";
		r = snprintf(full, sizeof(full), "%s%s",
		    c->row[c->nrows - 1], op->key);
		if (r < 0 || (size_t)r >= sizeof(full))
			return "";
		v = kv_get(c->kv, c->n, full);
	}
	return v ? v : "";
}

static int	render_ops(struct rctx *, const struct tmpl *, size_t, size_t);

static int
render_each(struct rctx *c, const struct tmpl *t, size_t i)
{
	const struct op	*op = &t->ops[i];
	char		 prefix[TMPL_ROWKEY + 1];
	int		 r, len;

	if (c->nrows >= TMPL_MAXDEPTH)
		return -1;
	for (r = 0; r < TMPL_MAXROWS; r++) {
		len = snprintf(c->row[c->nrows], TMPL_ROWKEY, "%s.%d",
		    op->key, r);
		if (len < 0 || len >= TMPL_ROWKEY)
			return -1;
		snprintf(prefix, sizeof(prefix), "%s.", c->row[c->nrows]);
		if (!kv_has_prefix(c->kv, c->n, prefix))
			break;
		c->nrows++;
		if (render_ops(c, t, i + 1, op->alt) == -1)
			return -1;
		c->nrows--;
	}
	return 0;
}

static int
truthy(const char *v)
{
	return v[0] != '\0' && strcmp(v, "0") != 0;
}

static int
render_one(struct rctx *c, const struct tmpl *t, size_t i)
{
	const struct op	*op = &t->ops[i];
	const struct tmpl *inc;
	int		 rv;

	switch (op->kind) {
	case OP_TEXT:
		buf_add(c->out, op->text, op->len);
		break;
	case OP_VAR:
		html_escape(c->out, lookup(c, op));
		break;
	case OP_URL:
		url_escape(c->out, lookup(c, op));
		break;
	case OP_QR:
		if (qrsvg_render(c->out, lookup(c, op)) == -1)
			buf_addstr(c->out, "(QR code unavailable)");
		break;
	case OP_INCLUDE:
		if (c->depth >= TMPL_MAXDEPTH)
			return -1;
		inc = &c->set->t[op->target];
		c->depth++;
		rv = render_ops(c, inc, 0, inc->nops);
		c->depth--;
		return rv;
	default:
		break;
	}
	return c->out->err ? -1 : 0;
}

static int
render_ops(struct rctx *c, const struct tmpl *t, size_t from, size_t to)
{
	const struct op	*op;
	size_t		 i = from;

	while (i < to) {
		op = &t->ops[i];
		if (op->kind == OP_IF) {
			if (truthy(lookup(c, op))) {
				if (render_ops(c, t, i + 1, op->alt) == -1)
					return -1;
			} else if (op->alt != op->end &&
			    render_ops(c, t, op->alt + 1, op->end) == -1)
				return -1;
			i = op->end + 1;
		} else if (op->kind == OP_EACH) {
			if (render_each(c, t, i) == -1)
				return -1;
			i = op->alt + 1;
		} else {
			if (render_one(c, t, i) == -1)
				return -1;
			i++;
		}
	}
	return c->out->err ? -1 : 0;
}

/* Render template idx with kv sorted by kv_sort(). */
int
tmpl_render(const struct tmpl_set *set, int idx, const struct kv *kv,
    size_t n, struct buf *out)
{
	struct rctx	*c;
	int		 rv;

	if (idx < 0 || (size_t)idx >= set->n)
		return -1;
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return -1;
	c->set = set;
	c->kv = kv;
	c->n = n;
	c->out = out;
	rv = render_ops(c, &set->t[idx], 0, set->t[idx].nops);
	free(c);
	return rv;
}
