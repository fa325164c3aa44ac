/*
 * The page table: which template renders each page, its default title
 * and content type, and the few keys derived here rather than in the
 * template language (which has no comparisons or string functions).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "pages.h"
#include "tmpl.h"

#define CT_HTML		"text/html; charset=utf-8"
#define CT_CSS		"text/css; charset=utf-8"
#define CT_JS		"text/javascript; charset=utf-8"
#define PAGE_NDERIVED	4		/* keys pages_derive() may add */

static const struct page_desc {
	const char	*tmpl;
	const char	*title;
	const char	*ctype;
} page_descs[WEB_PAGE_MAX] = {
	[WEB_PAGE_ERROR] = { "error", "Error", CT_HTML },
	[WEB_PAGE_LOGIN] = { "login", "Sign in", CT_HTML },
	[WEB_PAGE_LOGIN_OTP] = { "login_otp", "Two-factor code", CT_HTML },
	[WEB_PAGE_REGISTER] = { "register", "Create an account", CT_HTML },
	[WEB_PAGE_REGISTERED] = { "registered", "Your recovery key",
	    CT_HTML },
	[WEB_PAGE_RECOVER] = { "recover", "Recover your account", CT_HTML },
	[WEB_PAGE_HOME] = { "home", "Inbox", CT_HTML },
	[WEB_PAGE_PASSWORD] = { "password", "Change password", CT_HTML },
	[WEB_PAGE_TOTP] = { "totp", "Two-factor authentication", CT_HTML },
	[WEB_PAGE_TOTP_CODES] = { "totp_codes", "Recovery codes", CT_HTML },
	[WEB_PAGE_SESSIONS] = { "sessions", "Sessions", CT_HTML },
	[WEB_PAGE_ACTIVITY] = { "activity", "Activity", CT_HTML },
	[WEB_PAGE_CONTACTS] = { "contacts", "Contacts", CT_HTML },
	[WEB_PAGE_INBOX] = { "folder", "Inbox", CT_HTML },
	[WEB_PAGE_SENT] = { "folder", "Sent", CT_HTML },
	[WEB_PAGE_MESSAGE] = { "message", "Message", CT_HTML },
	[WEB_PAGE_COMPOSE] = { "compose", "New message", CT_HTML },
	[WEB_PAGE_CONVERSATION] = { "conversation", "Conversation", CT_HTML },
	[WEB_PAGE_CSS] = { "smsg_css", "", CT_CSS },
	[WEB_PAGE_JS] = { "smsg_js", "", CT_JS },
	[WEB_PAGE_BROADCAST] = { "broadcast", "Broadcast", CT_HTML },
};

static struct tmpl_set	*pages_set;
static int		 pages_idx[WEB_PAGE_MAX];

/* Compile the built-in templates; every page must have its template. */
int
pages_init(char *err, size_t errlen)
{
	int	 i;

	pages_free();
	if ((pages_set = tmpl_compile(tmpl_sources, tmpl_nsources, err,
	    errlen)) == NULL)
		return -1;
	for (i = 0; i < WEB_PAGE_MAX; i++) {
		pages_idx[i] = tmpl_find(pages_set, page_descs[i].tmpl);
		if (pages_idx[i] == -1) {
			snprintf(err, errlen, "no template %s",
			    page_descs[i].tmpl);
			pages_free();
			return -1;
		}
	}
	return 0;
}

void
pages_free(void)
{
	tmpl_free(pages_set);
	pages_set = NULL;
}

/* The TOTP secret in groups of four, easier to type from the screen. */
static char *
group_secret(const char *s)
{
	size_t	 len = strlen(s), i, o = 0;
	char	*g;

	if ((g = malloc(len + len / 4 + 1)) == NULL)
		return NULL;
	for (i = 0; i < len; i++) {
		if (i > 0 && i % 4 == 0)
			g[o++] = ' ';
		g[o++] = s[i];
	}
	g[o] = '\0';
	return g;
}

/* Append key unless the sorted first base entries hold it. */
static void
kv_default(struct kv *kv, size_t base, size_t *n, const char *key,
    const char *value)
{
	if (kv_get(kv, base, key) == NULL) {
		kv[*n].key = key;
		kv[*n].value = value;
		(*n)++;
	}
}

/*
 * Add the derived keys to kv (sorted, with room for PAGE_NDERIVED more)
 * and sort again.  *grouped is the caller's to free.
 */
static int
pages_derive(enum web_page page, const char *status, struct kv *kv,
    size_t *n, char **grouped)
{
	const char	*v;
	size_t		 base = *n;

	*grouped = NULL;
	kv_default(kv, base, n, "title", page_descs[page].title);
	if (page == WEB_PAGE_ERROR)
		kv_default(kv, base, n, "status", status);
	if (page == WEB_PAGE_SENT)
		kv_default(kv, base, n, "sent", "1");
	if ((v = kv_get(kv, base, "mode")) != NULL &&
	    strcmp(v, "recover") == 0)
		kv_default(kv, base, n, "recovered", "1");
	if ((v = kv_get(kv, base, "secret")) != NULL) {
		if ((*grouped = group_secret(v)) == NULL)
			return -1;
		kv_default(kv, base, n, "secret_groups", *grouped);
	}
	return kv_sort(kv, *n);
}

static int
kv_valid(const struct kv *kv, size_t n)
{
	size_t	 i;

	if (n > WEB_MAXKV)
		return 0;
	for (i = 0; i < n; i++)
		if (kv[i].key == NULL || kv[i].value == NULL ||
		    !utf8_valid(kv[i].key, strlen(kv[i].key)) ||
		    !utf8_valid(kv[i].value, strlen(kv[i].value)))
			return 0;
	return 1;
}

/*
 * Render page into out (initialised by the caller, with its bound).
 * PAGE_INVALID for an unknown page, too many keys, a repeated key or
 * text that is not UTF-8; PAGE_TOOBIG when the page outgrew out.
 */
int
page_render(enum web_page page, uint16_t status, const struct kv *in,
    size_t n, struct buf *out, const char **ctype)
{
	struct kv	*kv;
	char		 st[8], *grouped = NULL;
	int		 rv = PAGE_INVALID;

	if (pages_set == NULL || (unsigned)page >= WEB_PAGE_MAX ||
	    !kv_valid(in, n))
		return PAGE_INVALID;
	if ((kv = calloc(n + PAGE_NDERIVED, sizeof(*kv))) == NULL)
		return PAGE_NOMEM;
	if (n > 0)
		memcpy(kv, in, n * sizeof(*kv));
	snprintf(st, sizeof(st), "%u", status);
	if (kv_sort(kv, n) == -1)
		goto done;
	if (pages_derive(page, st, kv, &n, &grouped) == -1) {
		rv = PAGE_NOMEM;
		goto done;
	}
	*ctype = page_descs[page].ctype;
	if (tmpl_render(pages_set, pages_idx[page], kv, n, out) == -1)
		rv = out->err ? PAGE_TOOBIG : PAGE_INVALID;
	else
		rv = PAGE_OK;
 done:
	if (grouped != NULL)
		freezero(grouped, strlen(grouped) + 1);
	free(kv);
	return rv;
}
