/*
 * smsg-web: the template engine, every page rendered with hostile values,
 * and MSG_WEB_RENDER through the process's own dispatch function.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <event2/event.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "escape.h"
#include "pages.h"
#include "proc.h"
#include "tmpl.h"
/* These tests have nothing to skip. */
#pragma GCC diagnostic ignored "-Wunused-function"
#include "tap.h"

#define HOSTILE	"<script>alert(1)</script>\"onmouseover=\"alert(2)" \
		"'onfocus='alert(3)"

/* ---------------------------------------------------------------- helpers */

struct kvl {
	struct kv	 kv[WEB_MAXKV + 2];
	char		 keys[WEB_MAXKV + 2][48];
	size_t		 n;
};

static void
kvl_set(struct kvl *l, const char *key, const char *value)
{
	snprintf(l->keys[l->n], sizeof(l->keys[l->n]), "%s", key);
	l->kv[l->n].key = l->keys[l->n];
	l->kv[l->n].value = value;
	l->n++;
}

static void
kvl_row(struct kvl *l, const char *list, int row, const char *field,
    const char *value)
{
	char	 key[48];

	snprintf(key, sizeof(key), "%s.%d.%s", list, row, field);
	kvl_set(l, key, value);
}

static size_t
count(const char *hay, const char *needle)
{
	size_t	 n = 0;

	while ((hay = strstr(hay, needle)) != NULL) {
		n++;
		hay += strlen(needle);
	}
	return n;
}

static int
has(const char *hay, const char *needle)
{
	return hay != NULL && strstr(hay, needle) != NULL;
}

/* Compile src as template "t" beside "part", render "t"; NULL on error. */
static char *
eng(const char *src, struct kvl *l)
{
	struct tmpl_src	 s[2] = { { "t", src }, { "part", "[{{p}}]" } };
	struct tmpl_set	*set;
	struct buf	 b;
	char		 err[256], *out = NULL;

	if ((set = tmpl_compile(s, 2, err, sizeof(err))) == NULL) {
		tap_diag("compile: %s", err);
		return NULL;
	}
	buf_init(&b, 1 << 20);
	if (kv_sort(l->kv, l->n) == 0 &&
	    tmpl_render(set, tmpl_find(set, "t"), l->kv, l->n, &b) == 0)
		out = strdup(b.data ? b.data : "");
	buf_free(&b);
	tmpl_free(set);
	return out;
}

static void
eng_is(const char *src, struct kvl *l, const char *want, const char *what)
{
	char	*got = eng(src, l);

	tap_ok(got != NULL && strcmp(got, want) == 0, "engine: %s", what);
	if (got == NULL || strcmp(got, want) != 0)
		tap_diag("got \"%s\", want \"%s\"", got ? got : "(null)",
		    want);
	free(got);
}

static void
refused(const char *src, const char *what)
{
	struct tmpl_src	 s[2] = { { "t", src }, { "part", "[{{p}}]" } };
	struct tmpl_set	*set;
	char		 err[256] = "";

	set = tmpl_compile(s, 2, err, sizeof(err));
	tap_ok(set == NULL && err[0] != '\0', "refused: %s", what);
	if (set == NULL)
		tap_diag("%s", err);
	tmpl_free(set);
}

/* ----------------------------------------------------------------- engine */

static void
test_engine(void)
{
	struct kvl	 l;

	memset(&l, 0, sizeof(l));
	kvl_set(&l, "x", "<b>&\"'");
	eng_is("a{{x}}b", &l, "a&lt;b&gt;&amp;&quot;&#39;b", "escapes a value");
	eng_is("[{{missing}}]", &l, "[]", "missing key is empty");
	eng_is("a{b}c}}d", &l, "a{b}c}}d", "single braces are text");
	eng_is("<{{include part}}>", &l, "<[]>", "include, missing key");

	memset(&l, 0, sizeof(l));
	kvl_set(&l, "one", "1");
	kvl_set(&l, "zero", "0");
	kvl_set(&l, "empty", "");
	kvl_set(&l, "word", "yes");
	kvl_set(&l, "p", "<v>");
	kvl_set(&l, "u", "javascript:alert(1)");
	kvl_set(&l, "g", "/ok?a=1&b=2");
	eng_is("{{if one}}Y{{else}}N{{end}}", &l, "Y", "if 1");
	eng_is("{{if word}}Y{{else}}N{{end}}", &l, "Y", "if non-empty");
	eng_is("{{if zero}}Y{{else}}N{{end}}", &l, "N", "if \"0\" is false");
	eng_is("{{if empty}}Y{{else}}N{{end}}", &l, "N", "if \"\" is false");
	eng_is("{{if nope}}Y{{else}}N{{end}}", &l, "N", "if missing is false");
	eng_is("a{{if nope}}Y{{end}}b", &l, "ab", "if without else");
	eng_is("{{if one}}{{if zero}}A{{else}}B{{end}}{{else}}C{{end}}", &l,
	    "B", "nested if");
	eng_is("{{if zero}}{{if one}}A{{end}}{{else}}C{{if one}}D{{end}}"
	    "{{end}}", &l, "CD", "nested if in else");
	eng_is("<{{include part}}>", &l, "<[&lt;v&gt;]>", "include");
	eng_is("<a href=\"{{url u}}\">", &l, "<a href=\"#\">",
	    "url: javascript: becomes #");
	eng_is("{{url g}}", &l, "/ok?a=1&amp;b=2", "url: path kept, escaped");
}

static void
test_engine_each(void)
{
	struct kvl	 l;
	char		 v[12][8];
	int		 i;

	memset(&l, 0, sizeof(l));
	kvl_row(&l, "l", 0, "f", "a");
	kvl_row(&l, "l", 0, "g", "1");
	kvl_row(&l, "l", 1, "f", "<b>");
	kvl_row(&l, "l", 3, "f", "d");
	kvl_set(&l, "c", "C");
	eng_is("{{each l}}({{.f}}{{if .g}}!{{end}}){{end}}", &l,
	    "(a!)(&lt;b&gt;)",
	    "each, row fields, stops at a gap");
	eng_is("{{each l}}{{c}}{{end}}", &l, "CC", "each with a page key");
	eng_is("{{each none}}x{{end}}-", &l, "-", "each without rows");
	eng_is("{{each l}}{{.nope}}{{end}}.", &l, ".", "missing row field");

	memset(&l, 0, sizeof(l));
	for (i = 0; i < 12; i++) {
		snprintf(v[i], sizeof(v[i]), "%d,", i);
		kvl_row(&l, "n", i, "v", v[i]);
	}
	eng_is("{{each n}}{{.v}}{{end}}", &l, "0,1,2,3,4,5,6,7,8,9,10,11,",
	    "each in numeric order");

	memset(&l, 0, sizeof(l));
	kvl_set(&l, "q", "otpauth://totp/x?secret=AAAA");
	{
		char *got = eng("{{qr q}}", &l);

		tap_ok(got != NULL && strncmp(got, "<svg", 4) == 0 &&
		    !has(got, "style="), "engine: qr is an inline svg");
		free(got);
	}
}

static void
test_refusals(void)
{
	struct tmpl_src	 cyc[2] = { { "t", "{{include u}}" },
	    { "u", "{{include t}}" } };
	struct tmpl_src	 dup[2] = { { "t", "a" }, { "t", "b" } };
	struct tmpl_set	*set;
	char		 err[256];

	refused("{{foo bar}}", "unknown directive");
	refused("{{ x}}", "leading space");
	refused("{{}}", "empty directive");
	refused("{{x y z}}", "unknown command word");
	refused("{{if a b}}{{end}}", "two words after if");
	refused("{{a..b}}", "empty key segment");
	refused("{{a<b}}", "bad key character");
	refused("{{if a}}open", "if without end");
	refused("{{each l}}open", "each without end");
	refused("{{if a}}{{each l}}{{end}}", "one end short");
	refused("{{end}}", "end without a block");
	refused("{{if a}}{{end}}{{end}}", "one end too many");
	refused("{{else}}", "else outside if");
	refused("{{if a}}{{else}}{{else}}{{end}}", "two elses");
	refused("{{each l}}{{else}}{{end}}", "else in each");
	refused("{{.f}}", "row field outside each");
	refused("{{if .f}}{{end}}", "row condition outside each");
	refused("{{each .l}}{{end}}", "relative list");
	refused("{{include nope}}", "include of an unknown template");
	refused("{{include t}}", "template including itself");
	refused("{{include ../x}}", "include with a path");
	refused("{{x", "unterminated directive");
	refused("{{x\n}}", "directive across lines");

	set = tmpl_compile(cyc, 2, err, sizeof(err));
	tap_ok(set == NULL, "refused: include cycle (%s)", err);
	tmpl_free(set);
	set = tmpl_compile(dup, 2, err, sizeof(err));
	tap_ok(set == NULL, "refused: two templates of one name");
	tmpl_free(set);

	{
		struct tmpl_src s[1] = { { "t", "a\nb\n{{bogus x}}" } };

		set = tmpl_compile(s, 1, err, sizeof(err));
		tap_ok(set == NULL && has(err, "line 3") && has(err, "t"),
		    "error names template and line: %s", err);
		tmpl_free(set);
	}
	{
		struct tmpl_src s[1] = { { "t", "x\n{{if a}}\n{{each l}}\n"
		    "{{end}}\n" } };

		set = tmpl_compile(s, 1, err, sizeof(err));
		tap_ok(set == NULL && has(err, "line 2"),
		    "unclosed block reported where it opens: %s", err);
		tmpl_free(set);
	}
	{
		struct kv kv[3] = { { "a", "1" }, { "b", "2" }, { "a", "3" } };

		tap_ok(kv_sort(kv, 3) == -1, "kv_sort refuses a repeated key");
	}
	set = tmpl_compile(tmpl_sources, tmpl_nsources, err, sizeof(err));
	tap_ok(set != NULL, "the shipped templates compile");
	tmpl_free(set);
}

/* ------------------------------------------------------------------ pages */

static char *
page(enum web_page p, uint16_t status, struct kvl *l, const char **ctype)
{
	struct buf	 b;
	char		*out = NULL;
	int		 r;

	buf_init(&b, WEB_BODY_MAX);
	r = page_render(p, status, l->kv, l->n, &b, ctype);
	if (r == PAGE_OK)
		out = strdup(b.data ? b.data : "");
	else
		tap_diag("page %d: render %d", p, r);
	buf_free(&b);
	return out;
}

/* Every visible <input> has an id that some <label for> names. */
static int
labels_ok(const char *html)
{
	const char	*p = html, *end, *id;
	char		 want[80];
	size_t		 len;

	while ((p = strstr(p, "<input")) != NULL) {
		if ((end = strchr(p, '>')) == NULL)
			return 0;
		if (memmem(p, end - p, "type=\"hidden\"", 13) != NULL) {
			p = end;
			continue;
		}
		if ((id = memmem(p, end - p, " id=\"", 5)) == NULL)
			return 0;
		id += 5;
		len = strcspn(id, "\"");
		if (len == 0 || len > 60)
			return 0;
		snprintf(want, sizeof(want), "for=\"%.*s\"", (int)len, id);
		if (!has(html, want))
			return 0;
		p = end;
	}
	return 1;
}

static void
check_html_page(const char *name, const char *html, const char *ctype,
    int signed_in)
{
	tap_ok(html != NULL, "%s: renders", name);
	if (html == NULL)
		return;
	tap_ok(strcmp(ctype, "text/html; charset=utf-8") == 0 &&
	    strncmp(html, "<!doctype html>\n<html lang=\"en\">", 31) == 0 &&
	    has(html, "<meta charset=\"utf-8\">") &&
	    has(html, "<meta name=\"viewport\"") &&
	    has(html, " · smsg</title>") &&
	    has(html, "<link rel=\"stylesheet\" href=\"/static/smsg.css\">") &&
	    has(html, "</html>"), "%s: document frame", name);
	tap_ok(count(html, "<script") == 1 && has(html, "<script "
	    "src=\"/static/smsg.js\" defer></script>") &&
	    !has(html, "\"onmouseover") &&
	    !has(html, "'onfocus") && !has(html, "style=") &&
	    !has(html, "javascript:"), "%s: no raw injection, no inline "
	    "script or style", name);
	tap_ok(count(html, "method=\"post\"") ==
	    count(html, "<input type=\"hidden\" name=\"csrf\""),
	    "%s: every POST form carries csrf", name);
	tap_ok(labels_ok(html), "%s: every input has a label", name);
	tap_ok(has(html, "action=\"/logout\"") == signed_in &&
	    has(html, "href=\"/settings/sessions\"") == signed_in,
	    "%s: navigation %s", name, signed_in ? "shown" : "hidden");
}

/* Every key of every page, all hostile. */
static void
hostile_keys(struct kvl *l)
{
	static const char *keys[] = { "user", "csrf", "error", "notice",
	    "title", "status", "message", "username", "recovery_key", "mode",
	    "enabled", "enrolling", "secret", "uri", "name", "nickname" };
	static const char *sess[] = { "id", "created", "last_seen", "expires",
	    "addr", "agent", "current" };
	static const char *ev[] = { "time", "event", "addr", "detail" };
	static const char *ct[] = { "name", "nickname", "safety_number",
	    "fingerprint", "verified", "key_changed", "blocked" };
	static const char *msg[] = { "id", "from", "to", "subject", "body",
	    "created", "created_iso", "size", "files", "read", "unlock",
	    "unlock_iso", "unlock_at", "broadcast", "system", "peer", "mine",
	    "body_cut", "once" };
	static const char *one[] = { "id", "from", "to", "subject",
	    "created", "created_iso", "expires", "expires_iso", "unlock",
	    "unlock_iso", "unlock_at", "broadcast", "system", "peer",
	    "fingerprint", "body_cut", "nfiles", "next", "before", "with",
	    "compose_to", "compose_subject", "compose_stay" };
	size_t	 i;
	int	 r;

	memset(l, 0, sizeof(*l));
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		kvl_set(l, keys[i], HOSTILE);
	for (r = 0; r < 10; r++)
		kvl_row(l, "codes", r, "code", HOSTILE);
	for (r = 0; r < 3; r++) {
		for (i = 0; i < sizeof(sess) / sizeof(sess[0]); i++)
			kvl_row(l, "sessions", r, sess[i],
			    strcmp(sess[i], "current") == 0 && r > 0 ? "0" :
			    HOSTILE);
		for (i = 0; i < sizeof(ev) / sizeof(ev[0]); i++)
			kvl_row(l, "events", r, ev[i], HOSTILE);
		for (i = 0; i < sizeof(ct) / sizeof(ct[0]); i++)
			kvl_row(l, "contacts", r, ct[i], HOSTILE);
		for (i = 0; i < sizeof(msg) / sizeof(msg[0]); i++)
			kvl_row(l, "messages", r, msg[i], HOSTILE);
		kvl_row(l, "body", r, "text", HOSTILE);
		kvl_row(l, "files", r, "n", HOSTILE);
		kvl_row(l, "files", r, "name", HOSTILE);
		kvl_row(l, "files", r, "size", HOSTILE);
		kvl_row(l, "expiry", r, "value", HOSTILE);
		kvl_row(l, "expiry", r, "label", HOSTILE);
		kvl_row(l, "expiry", r, "selected", HOSTILE);
	}
	for (i = 0; i < sizeof(one) / sizeof(one[0]); i++)
		kvl_set(l, one[i], HOSTILE);
}

static void
set_value(struct kvl *l, const char *key, const char *value)
{
	size_t	 i;

	for (i = 0; i < l->n; i++)
		if (strcmp(l->kv[i].key, key) == 0)
			l->kv[i].value = value;
}

static void
test_pages_hostile(void)
{
	static const char *names[WEB_PAGE_MAX] = { "error", "login",
	    "login_otp", "register", "registered", "recover", "home",
	    "password", "totp", "totp_codes", "sessions", "activity",
	    "contacts", "inbox", "sent", "message", "compose",
	    "conversation", "css", "js" };
	struct kvl	*l;
	const char	*ct;
	char		*html;
	int		 p;

	if ((l = calloc(1, sizeof(*l))) == NULL)
		exit(1);
	hostile_keys(l);
	for (p = 0; p < WEB_PAGE_CSS; p++) {
		html = page(p, 200, l, &ct);
		check_html_page(names[p], html, ct, 1);
		free(html);
	}
	/* The enrolment branch: the QR code and the secret. */
	set_value(l, "enabled", "0");
	html = page(WEB_PAGE_TOTP, 200, l, &ct);
	check_html_page("totp enrolling", html, ct, 1);
	tap_ok(has(html, "<svg") && has(html, "/settings/2fa/confirm"),
	    "totp enrolling: QR code and confirm form");
	free(html);
	set_value(l, "enrolling", "0");
	html = page(WEB_PAGE_TOTP, 200, l, &ct);
	check_html_page("totp off", html, ct, 1);
	free(html);
	free(l);
}

static void
test_pages_signed_out(void)
{
	struct kvl	 l;
	const char	*ct;
	char		*html;

	memset(&l, 0, sizeof(l));
	html = page(WEB_PAGE_LOGIN, 200, &l, &ct);
	check_html_page("login, no keys", html, ct, 0);
	tap_ok(has(html, "<input type=\"hidden\" name=\"csrf\" value=\"\">"),
	    "login: without csrf key the field is there, empty");
	tap_ok(has(html, "<title>Sign in · smsg</title>") &&
	    has(html, "action=\"/login\"") && has(html, "name=\"username\"") &&
	    has(html, "name=\"password\"") &&
	    has(html, "autocomplete=\"username\"") &&
	    has(html, "autocomplete=\"current-password\"") &&
	    has(html, "href=\"/register\"") && has(html, "href=\"/recover\""),
	    "login: form, fields and links");
	tap_ok(!has(html, "role=\"alert\"") && !has(html, "role=\"status\""),
	    "login: no empty alert or status");
	free(html);

	kvl_set(&l, "error", "Wrong name or password.");
	kvl_set(&l, "notice", "Signed out.");
	html = page(WEB_PAGE_LOGIN, 401, &l, &ct);
	tap_ok(has(html, "role=\"alert\">Wrong name or password.") &&
	    has(html, "role=\"status\">Signed out."), "login: error, notice");
	free(html);

	memset(&l, 0, sizeof(l));
	html = page(WEB_PAGE_LOGIN_OTP, 200, &l, &ct);
	check_html_page("login_otp, no keys", html, ct, 0);
	tap_ok(has(html, "action=\"/login/totp\"") &&
	    has(html, "name=\"code\"") && has(html, "inputmode=\"numeric\"") &&
	    has(html, "autocomplete=\"one-time-code\"") &&
	    has(html, "recovery codes works"), "login_otp: form and hint");
	free(html);

	html = page(WEB_PAGE_REGISTER, 200, &l, &ct);
	check_html_page("register, no keys", html, ct, 0);
	tap_ok(has(html, "action=\"/register\"") &&
	    has(html, "name=\"password2\"") &&
	    count(html, "autocomplete=\"new-password\"") == 2 &&
	    has(html, "12 to 128 characters"), "register: form and hint");
	free(html);

	html = page(WEB_PAGE_RECOVER, 200, &l, &ct);
	check_html_page("recover, no keys", html, ct, 0);
	tap_ok(has(html, "action=\"/recover\"") &&
	    has(html, "name=\"recovery_key\"") &&
	    has(html, "name=\"password2\""), "recover: form");
	free(html);
}

static void
test_pages_registered(void)
{
	struct kvl	 l;
	const char	*ct;
	char		*html;

	memset(&l, 0, sizeof(l));
	kvl_set(&l, "username", "alice");
	kvl_set(&l, "recovery_key", "ABCD-EFGH-IJKL");
	kvl_set(&l, "mode", "register");
	html = page(WEB_PAGE_REGISTERED, 200, &l, &ct);
	check_html_page("registered", html, ct, 0);
	tap_ok(has(html, "<code>ABCD-EFGH-IJKL</code>") &&
	    has(html, "method=\"get\" action=\"/login\"") &&
	    has(html, "name=\"saved\" type=\"checkbox\" value=\"1\" "
	    "required") &&
	    has(html, "I have saved my recovery key") &&
	    has(html, "Continue to sign in") && has(html, "only way back") &&
	    has(html, "is ready"), "registered: key, checkbox, button");
	free(html);
	set_value(&l, "mode", "recover");
	html = page(WEB_PAGE_REGISTERED, 200, &l, &ct);
	tap_ok(has(html, "is changed") && !has(html, "is ready"),
	    "registered: recover mode says so");
	tap_ok(has(html, "Every session of this account has been signed out") &&
	    !has(html, "Two-factor authentication is now"),
	    "registered: recovery signs every session out");
	free(html);
	kvl_set(&l, "totp_off", "1");
	html = page(WEB_PAGE_REGISTERED, 200, &l, &ct);
	tap_ok(has(html, "Two-factor authentication is now") &&
	    has(html, "set it up again"),
	    "registered: recovery says two-factor authentication is off");
	free(html);

	memset(&l, 0, sizeof(l));
	kvl_set(&l, "message", "No such page.");
	html = page(WEB_PAGE_ERROR, 404, &l, &ct);
	check_html_page("error", html, ct, 0);
	tap_ok(has(html, "Error 404") && has(html, "No such page.") &&
	    has(html, "href=\"/login\"") &&
	    has(html, "<title>Error · smsg</title>"),
	    "error: status from the render, message, link home");
	free(html);
}

static void
test_pages_signed_in(void)
{
	struct kvl	 l;
	const char	*ct;
	char		*html;

	memset(&l, 0, sizeof(l));
	kvl_set(&l, "user", "alice");
	kvl_set(&l, "csrf", "tok123");
	html = page(WEB_PAGE_HOME, 200, &l, &ct);
	check_html_page("home", html, ct, 1);
	tap_ok(has(html, "href=\"/messages\"") &&
	    has(html, "href=\"/messages/sent\"") &&
	    has(html, "href=\"/compose\"") && has(html, "href=\"/home\"") &&
	    has(html, "href=\"/settings/password\"") &&
	    has(html, "href=\"/settings/2fa\"") &&
	    has(html, "href=\"/settings/activity\"") &&
	    has(html, "name=\"csrf\" value=\"tok123\"") &&
	    has(html, "Signed in as <strong>alice</strong>"),
	    "home: inbox, navigation, sign-out form");
	free(html);

	html = page(WEB_PAGE_PASSWORD, 200, &l, &ct);
	tap_ok(has(html, "action=\"/settings/password\"") &&
	    has(html, "name=\"current\"") && has(html, "name=\"password2\"") &&
	    has(html, "name=\"signout_others\" type=\"checkbox\" value=\"1\"\n"
	    " checked"), "password: form, sign out others checked");
	free(html);

	kvl_set(&l, "enabled", "1");
	html = page(WEB_PAGE_TOTP, 200, &l, &ct);
	tap_ok(has(html, "action=\"/settings/2fa/disable\"") &&
	    has(html, "name=\"password\"") && has(html, "name=\"code\"") &&
	    !has(html, "/settings/2fa/begin"), "totp on: disable form");
	free(html);
	set_value(&l, "enabled", "0");
	html = page(WEB_PAGE_TOTP, 200, &l, &ct);
	tap_ok(has(html, "action=\"/settings/2fa/begin\"") &&
	    has(html, "Set up two-factor authentication") &&
	    !has(html, "<svg"), "totp off: begin form");
	free(html);
	kvl_set(&l, "enrolling", "1");
	kvl_set(&l, "secret", "JBSWY3DPEHPK3PXPJBSWY3DP");
	kvl_set(&l, "uri", "otpauth://totp/smsg:alice?secret="
	    "JBSWY3DPEHPK3PXPJBSWY3DP&issuer=smsg");
	html = page(WEB_PAGE_TOTP, 200, &l, &ct);
	tap_ok(has(html, "<svg") &&
	    has(html, "JBSW Y3DP EHPK 3PXP JBSW Y3DP") &&
	    has(html, "action=\"/settings/2fa/confirm\"") &&
	    !has(html, "otpauth:"), "totp enrolling: QR, grouped secret, form");
	free(html);
}

static void
test_pages_lists(void)
{
	struct kvl	 l;
	const char	*ct;
	char		*html;
	int		 i;

	memset(&l, 0, sizeof(l));
	kvl_set(&l, "user", "alice");
	for (i = 0; i < 10; i++)
		kvl_row(&l, "codes", i, "code", "c0de-c0de");
	html = page(WEB_PAGE_TOTP_CODES, 200, &l, &ct);
	check_html_page("totp_codes", html, ct, 1);
	tap_ok(count(html, "<li><code>c0de-c0de</code></li>") == 10 &&
	    has(html, "href=\"/settings/2fa\">Done"), "totp_codes: ten codes");
	free(html);

	memset(&l, 0, sizeof(l));
	kvl_set(&l, "user", "alice");
	kvl_row(&l, "sessions", 0, "id", "11");
	kvl_row(&l, "sessions", 0, "current", "1");
	kvl_row(&l, "sessions", 0, "agent", "Firefox");
	kvl_row(&l, "sessions", 1, "id", "22");
	kvl_row(&l, "sessions", 1, "current", "0");
	kvl_row(&l, "sessions", 2, "id", "33");
	kvl_row(&l, "sessions", 2, "addr", "192.0.2.7");
	html = page(WEB_PAGE_SESSIONS, 200, &l, &ct);
	check_html_page("sessions", html, ct, 1);
	tap_ok(count(html, "action=\"/settings/sessions/revoke\"") == 2 &&
	    has(html, "name=\"id\" value=\"22\"") &&
	    has(html, "name=\"id\" value=\"33\"") &&
	    !has(html, "value=\"11\"") &&
	    count(html, "class=\"tag\">this session") == 1 &&
	    has(html, "192.0.2.7") && has(html, "Firefox"),
	    "sessions: revoke for others, current marked");
	free(html);

	memset(&l, 0, sizeof(l));
	kvl_set(&l, "user", "alice");
	kvl_row(&l, "events", 0, "event", "login");
	kvl_row(&l, "events", 0, "time", "T2");
	kvl_row(&l, "events", 1, "event", "password");
	kvl_row(&l, "events", 1, "time", "T1");
	html = page(WEB_PAGE_ACTIVITY, 200, &l, &ct);
	check_html_page("activity", html, ct, 1);
	tap_ok(html != NULL && has(html, "T2") && has(html, "T1") &&
	    strstr(html, "T2") < strstr(html, "T1"),
	    "activity: events in the order given");
	free(html);
	memset(&l, 0, sizeof(l));
	kvl_set(&l, "user", "alice");
	html = page(WEB_PAGE_ACTIVITY, 200, &l, &ct);
	tap_ok(has(html, "No activity yet"), "activity: empty list");
	free(html);

	memset(&l, 0, sizeof(l));
	kvl_set(&l, "user", "alice");
	kvl_row(&l, "contacts", 0, "name", "bob");
	kvl_row(&l, "contacts", 0, "nickname", "<script>alert(1)</script>");
	kvl_row(&l, "contacts", 0, "verified", "1");
	kvl_row(&l, "contacts", 1, "name", "carol");
	kvl_row(&l, "contacts", 1, "blocked", "1");
	kvl_row(&l, "contacts", 1, "key_changed", "1");
	kvl_row(&l, "contacts", 1, "safety_number", "12345 67890");
	html = page(WEB_PAGE_CONTACTS, 200, &l, &ct);
	check_html_page("contacts", html, ct, 1);
	tap_ok(html != NULL &&
	    has(html, "&lt;script&gt;alert(1)&lt;/script&gt;"),
	    "contacts: a hostile nickname comes out escaped");
	tap_ok(html != NULL &&
	    count(html, "action=\"/contacts/verify\"") == 1 &&
	    count(html, "action=\"/contacts/block\"") == 1 &&
	    count(html, "action=\"/contacts/unblock\"") == 1 &&
	    count(html, "action=\"/contacts/remove\"") == 2 &&
	    count(html, "action=\"/contacts/add\"") == 1,
	    "contacts: verify for the unverified, unblock for the blocked, "
	    "remove for each, one add form");
	tap_ok(html != NULL && count(html, "have\nchanged") == 1 &&
	    count(html, "class=\"tag\">verified") == 1 &&
	    count(html, "class=\"tag\">blocked") == 1 &&
	    has(html, "12345 67890"), "contacts: the warning, the marks and "
	    "the safety number");
	free(html);
	memset(&l, 0, sizeof(l));
	kvl_set(&l, "user", "alice");
	html = page(WEB_PAGE_CONTACTS, 200, &l, &ct);
	tap_ok(has(html, "No contacts yet") &&
	    has(html, "action=\"/contacts/add\""), "contacts: empty list");
	free(html);
	html = page(WEB_PAGE_HOME, 200, &l, &ct);
	tap_ok(has(html, "href=\"/contacts\""), "home: links to contacts");
	free(html);

	html = page(WEB_PAGE_CSS, 200, &l, &ct);
	tap_ok(html != NULL && strcmp(ct, "text/css; charset=utf-8") == 0 &&
	    has(html, "max-width: 40rem") && has(html, ":focus-visible") &&
	    !has(html, "{{") && !has(html, "<"), "css: the style sheet");
	free(html);
}

/* The message pages: folders, a message, compose, a conversation, JS. */
static void
test_pages_messages(void)
{
	struct kvl	*l;
	const char	*ct;
	char		*html;

	if ((l = calloc(1, sizeof(*l))) == NULL)
		exit(1);
	kvl_set(l, "user", "bob");
	kvl_set(l, "csrf", "C5RF");
	kvl_row(l, "messages", 0, "id", "LOCKEDID");
	kvl_row(l, "messages", 0, "from", "alice");
	kvl_row(l, "messages", 0, "locked", "1");
	kvl_row(l, "messages", 0, "subject", "SECRET-SUBJECT");
	kvl_row(l, "messages", 0, "unlock_at", "1800000000");
	kvl_row(l, "messages", 0, "unlock_iso", "2027-01-15T08:00:00Z");
	kvl_row(l, "messages", 1, "id", "OPENID");
	kvl_row(l, "messages", 1, "from", "carol");
	kvl_row(l, "messages", 1, "subject", "Tea & <cake>");
	kvl_row(l, "messages", 1, "broadcast", "1");
	kvl_row(l, "messages", 1, "files", "2");
	kvl_row(l, "messages", 1, "peer", "carol");
	kvl_row(l, "messages", 2, "id", "SYSID");
	kvl_row(l, "messages", 2, "system", "1");
	kvl_row(l, "messages", 2, "read", "1");
	kvl_set(l, "next", "NEXTID");
	html = page(WEB_PAGE_INBOX, 200, l, &ct);
	check_html_page("inbox", html, ct, 1);
	tap_ok(html != NULL && has(html, "From <strong>alice</strong>") &&
	    has(html, "data-unlock-at=\"1800000000\"") &&
	    has(html, "datetime=\"2027-01-15T08:00:00Z\"") &&
	    !has(html, "SECRET-SUBJECT"),
	    "inbox: a locked message shows its sender and countdown, no subject");
	tap_ok(html != NULL && has(html, "Tea &amp; &lt;cake&gt;") &&
	    has(html, "href=\"/messages/OPENID\"") &&
	    has(html, "href=\"/conversations/carol\"") &&
	    has(html, "2 attached") && count(html, ">unread<") == 2,
	    "inbox: subject escaped, links, attachments, read state");
	tap_ok(html != NULL &&
	    count(html, "class=\"tag badge\">Broadcast<") == 1 &&
	    count(html, "class=\"tag badge\">System<") == 1 &&
	    has(html, "<strong>System</strong>") &&
	    has(html, "href=\"/messages?before=NEXTID\"") &&
	    has(html, "data-live"), "inbox: badges, older link, live region");
	free(html);
	html = page(WEB_PAGE_SENT, 200, l, &ct);
	check_html_page("sent", html, ct, 1);
	tap_ok(html != NULL && has(html, "<title>Sent · smsg") &&
	    has(html, "To <strong>") && !has(html, ">unread<") &&
	    has(html, "href=\"/messages/sent?before=NEXTID\""),
	    "sent: recipients, no read state, its own older link");
	free(html);

	memset(l, 0, sizeof(*l));
	kvl_set(l, "user", "bob");
	kvl_set(l, "csrf", "C5RF");
	html = page(WEB_PAGE_INBOX, 200, l, &ct);
	tap_ok(has(html, "No messages.") && !has(html, "before="),
	    "inbox: empty");
	free(html);

	kvl_set(l, "id", "MSGID");
	kvl_set(l, "from", "alice");
	kvl_set(l, "locked", "1");
	kvl_set(l, "unlock_at", "1800000000");
	kvl_set(l, "subject", "SECRET-SUBJECT");
	kvl_row(l, "body", 0, "text", "SECRET-BODY");
	kvl_set(l, "compose_to", "alice");
	html = page(WEB_PAGE_MESSAGE, 200, l, &ct);
	check_html_page("message, locked", html, ct, 1);
	tap_ok(html != NULL && has(html, "data-unlock-at=\"1800000000\"") &&
	    has(html, "data-message=\"MSGID\" data-locked") &&
	    !has(html, "SECRET-SUBJECT") && !has(html, "SECRET-BODY") &&
	    !has(html, "Signature") && !has(html, "name=\"body\""),
	    "message, locked: countdown, no subject, body or reply");
	tap_ok(html != NULL && has(html, "action=\"/messages/MSGID/delete\"") &&
	    has(html, "name=\"csrf\" value=\"C5RF\""),
	    "message, locked: the delete form");
	free(html);

	memset(l, 0, sizeof(*l));
	kvl_set(l, "user", "bob");
	kvl_set(l, "id", "MSGID");
	kvl_set(l, "from", "alice");
	kvl_set(l, "to", "bob, carol");
	kvl_set(l, "subject", "Plans");
	kvl_row(l, "body", 0, "text", "line one\n<b>two</b>");
	kvl_row(l, "body", 1, "text", " & three");
	kvl_set(l, "nfiles", "1");
	kvl_row(l, "files", 0, "n", "0");
	kvl_row(l, "files", 0, "name", "a\"b.txt");
	kvl_row(l, "files", 0, "size", "12 B");
	kvl_set(l, "fingerprint", "ab12");
	kvl_set(l, "compose_to", "alice");
	kvl_set(l, "compose_subject", "Re: Plans");
	kvl_set(l, "compose_fixed", "1");
	kvl_row(l, "expiry", 0, "value", "86400");
	kvl_row(l, "expiry", 0, "label", "1 day");
	html = page(WEB_PAGE_MESSAGE, 200, l, &ct);
	check_html_page("message", html, ct, 1);
	tap_ok(html != NULL && has(html, "<div class=\"body\">line one\n"
	    "&lt;b&gt;two&lt;/b&gt; &amp; three</div>"),
	    "message: the body in order, escaped, its line break kept");
	tap_ok(html != NULL &&
	    has(html, "href=\"/messages/MSGID/files/0\" download>a&quot;b.txt") &&
	    has(html, "Signature verified") && has(html, "<code>ab12</code>"),
	    "message: the file's link, the signature");
	tap_ok(html != NULL &&
	    has(html, "<input type=\"hidden\" name=\"to\" value=\"alice\">") &&
	    has(html, "value=\"Re: Plans\"") &&
	    !has(html, "data-stay"), "message: the reply form");
	free(html);
	set_value(l, "fingerprint", "");
	html = page(WEB_PAGE_MESSAGE, 200, l, &ct);
	tap_ok(has(html, "role=\"alert\">Warning: the signature"),
	    "message: a warning when the signature is not verified");
	free(html);

	memset(l, 0, sizeof(*l));
	kvl_set(l, "user", "bob");
	kvl_set(l, "csrf", "C5RF");
	kvl_set(l, "compose_to", "carol");
	kvl_row(l, "contacts", 0, "name", "alice");
	kvl_row(l, "contacts", 0, "nickname", "Al");
	kvl_row(l, "expiry", 0, "value", "3600");
	kvl_row(l, "expiry", 0, "label", "1 hour");
	kvl_row(l, "expiry", 1, "value", "604800");
	kvl_row(l, "expiry", 1, "label", "7 days");
	kvl_row(l, "expiry", 1, "selected", "1");
	html = page(WEB_PAGE_COMPOSE, 200, l, &ct);
	check_html_page("compose", html, ct, 1);
	tap_ok(html != NULL && has(html, "action=\"/messages\" "
	    "enctype=\"multipart/form-data\"") &&
	    has(html, "name=\"to\" type=\"text\" value=\"carol\"") &&
	    has(html, "name=\"subject\"") && has(html, "name=\"body\"") &&
	    has(html, "name=\"unlock_at\" type=\"datetime-local\"") &&
	    has(html, "type=\"hidden\" name=\"tz_offset\" value=\"\"") &&
	    has(html, "name=\"delete_after_read\" type=\"checkbox\"") &&
	    has(html, "name=\"file\" type=\"file\" multiple") &&
	    has(html, "<select id=\"expires_in\" name=\"expires_in\">"),
	    "compose: the form and its field names");
	tap_ok(html != NULL && has(html, "<option value=\"alice\">Al") &&
	    has(html, "<option value=\"604800\" selected>7 days") &&
	    has(html, "<option value=\"3600\">1 hour") &&
	    has(html, "data-tz-label>(UTC)") && has(html, "<progress"),
	    "compose: contacts offered, default expiry, UTC without script");
	free(html);

	memset(l, 0, sizeof(*l));
	kvl_set(l, "user", "bob");
	kvl_set(l, "with", "alice");
	kvl_set(l, "compose_to", "alice");
	kvl_set(l, "compose_fixed", "1");
	kvl_set(l, "compose_stay", "1");
	kvl_row(l, "messages", 0, "id", "M1");
	kvl_row(l, "messages", 0, "from", "alice");
	kvl_row(l, "messages", 0, "body", "FIRST <x>");
	kvl_row(l, "messages", 1, "id", "M2");
	kvl_row(l, "messages", 1, "from", "bob");
	kvl_row(l, "messages", 1, "mine", "1");
	kvl_row(l, "messages", 1, "body", "SECOND");
	kvl_row(l, "messages", 2, "id", "M3");
	kvl_row(l, "messages", 2, "locked", "1");
	kvl_row(l, "messages", 2, "body", "HIDDEN");
	kvl_row(l, "messages", 2, "unlock_at", "1800000000");
	html = page(WEB_PAGE_CONVERSATION, 200, l, &ct);
	check_html_page("conversation", html, ct, 1);
	tap_ok(html != NULL && has(html, "FIRST &lt;x&gt;") &&
	    strstr(html, "FIRST") < strstr(html, "SECOND") &&
	    has(html, "class=\"bubble mine\"") && !has(html, "HIDDEN") &&
	    has(html, "data-unlock-at=\"1800000000\""),
	    "conversation: in order, mine marked, locked one hidden");
	tap_ok(html != NULL && has(html, "data-upload data-stay") &&
	    has(html, "name=\"to\" value=\"alice\"") &&
	    strstr(html, "SECOND") < strstr(html, "action=\"/messages\""),
	    "conversation: the reply box at the bottom, to fixed");
	free(html);

	html = page(WEB_PAGE_JS, 200, l, &ct);
	tap_ok(html != NULL &&
	    strcmp(ct, "text/javascript; charset=utf-8") == 0 &&
	    has(html, "new EventSource('/events')") &&
	    has(html, "upload.onprogress") && has(html, "data-unlock-at") &&
	    has(html, "tz_offset") && !has(html, "{{"), "js: the script");
	free(html);
	free(l);
}

static void
test_pages_invalid(void)
{
	struct kvl	*l;
	struct buf	 b;
	const char	*ct;
	int		 i;

	if ((l = calloc(1, sizeof(*l))) == NULL)
		exit(1);
	buf_init(&b, WEB_BODY_MAX);
	kvl_set(l, "user", "a");
	kvl_set(l, "user", "b");
	tap_ok(page_render(WEB_PAGE_HOME, 200, l->kv, l->n, &b, &ct) ==
	    PAGE_INVALID, "page: repeated key refused");
	memset(l, 0, sizeof(*l));
	kvl_set(l, "user", "\xc0\xaf");
	tap_ok(page_render(WEB_PAGE_HOME, 200, l->kv, l->n, &b, &ct) ==
	    PAGE_INVALID, "page: value not UTF-8 refused");
	memset(l, 0, sizeof(*l));
	kvl_set(l, "us\xffr", "x");
	tap_ok(page_render(WEB_PAGE_HOME, 200, l->kv, l->n, &b, &ct) ==
	    PAGE_INVALID, "page: key not UTF-8 refused");
	tap_ok(page_render(WEB_PAGE_MAX, 200, NULL, 0, &b, &ct) ==
	    PAGE_INVALID, "page: unknown page refused");
	memset(l, 0, sizeof(*l));
	for (i = 0; i <= WEB_MAXKV; i++)
		kvl_row(l, "k", i, "v", "x");
	tap_ok(page_render(WEB_PAGE_HOME, 200, l->kv, l->n, &b, &ct) ==
	    PAGE_INVALID, "page: %d keys refused", WEB_MAXKV + 1);
	l->n = WEB_MAXKV;
	tap_ok(page_render(WEB_PAGE_HOME, 200, l->kv, l->n, &b, &ct) ==
	    PAGE_OK, "page: %d keys accepted", WEB_MAXKV);
	buf_free(&b);
	buf_init(&b, 200);
	tap_ok(page_render(WEB_PAGE_HOME, 200, NULL, 0, &b, &ct) ==
	    PAGE_TOOBIG, "page: too large for its buffer");
	buf_free(&b);
	free(l);
}

/* ------------------------------------------------------------------- wire */

static void
build_render(struct msgbuf *mb, uint32_t peerid, uint16_t pg, uint16_t st,
    uint32_t n, const struct kv *kv, size_t nkv)
{
	size_t	 i;

	msg_init(mb, MSG_WEB_RENDER, peerid);
	msg_add_u16(mb, pg);
	msg_add_u16(mb, st);
	msg_add_u32(mb, n);
	for (i = 0; i < nkv; i++) {
		msg_add_string(mb, kv[i].key);
		msg_add_string(mb, kv[i].value);
	}
}

static void
as_msg(const struct msgbuf *mb, struct msg *m)
{
	memset(m, 0, sizeof(*m));
	m->type = mb->type;
	m->peerid = mb->peerid;
	m->fd = -1;
	m->data = mb->data;
	m->len = mb->len;
}

/* Check a MSG_WEB_PAGE against what page_render makes of the same. */
static int
reply_ok(const struct msg *r, uint32_t peerid, uint16_t status,
    const char *ctype, const char *needle)
{
	struct msgcur	 cur;
	const uint8_t	*body;
	size_t		 len;
	uint16_t	 st;
	char		 ct[128], *s;
	int		 ok;

	msg_cursor(r, &cur);
	if (r->type != MSG_WEB_PAGE || r->peerid != peerid ||
	    msg_get_u16(&cur, &st) == -1 ||
	    msg_get_string(&cur, ct, sizeof(ct)) == -1 ||
	    msg_get_bytes(&cur, &body, &len, MAXMSG_PEER) == -1 ||
	    msg_get_end(&cur) == -1)
		return 0;
	if ((s = strndup((const char *)body, len)) == NULL)
		return 0;
	ok = st == status && strcmp(ct, ctype) == 0 && has(s, needle);
	free(s);
	return ok;
}

static int
request_ok(struct msgbuf *mb)
{
	struct msgbuf	 reply;
	struct msg	 m;
	int		 r;

	as_msg(mb, &m);
	r = web_render_request(&m, &reply);
	if (r == 0)
		msg_free(&reply);
	msg_free(mb);
	return r == 0;
}

static void
test_wire(void)
{
	struct kv	 kv[2] = { { "user", "alice" }, { "csrf", "t" } };
	struct kv	 dup[2] = { { "user", "a" }, { "user", "b" } };
	struct kv	 bad[1] = { { "user", "\xed\xa0\x80" } };
	struct kv	*many;
	struct msgbuf	 mb, reply;
	struct msg	 m, r;
	uint32_t	 i;

	build_render(&mb, 77, WEB_PAGE_HOME, 200, 2, kv, 2);
	as_msg(&mb, &m);
	tap_ok(web_render_request(&m, &reply) == 0, "wire: a good request");
	as_msg(&reply, &r);
	tap_ok(reply_ok(&r, 77, 200, "text/html; charset=utf-8",
	    "Signed in as <strong>alice</strong>"),
	    "wire: page with echoed request id, status and type");
	msg_free(&reply);
	msg_free(&mb);

	build_render(&mb, 1, WEB_PAGE_HOME, 200, 2, kv, 2);
	mb.len--;
	tap_ok(!request_ok(&mb), "wire: truncated request refused");
	build_render(&mb, 1, WEB_PAGE_HOME, 200, 2, kv, 2);
	msg_add_u8(&mb, 0);
	tap_ok(!request_ok(&mb), "wire: trailing byte refused");
	build_render(&mb, 1, WEB_PAGE_HOME, 200, 3, kv, 2);
	tap_ok(!request_ok(&mb), "wire: fewer pairs than n refused");
	build_render(&mb, 1, WEB_PAGE_MAX, 200, 2, kv, 2);
	tap_ok(!request_ok(&mb), "wire: unknown page refused");
	build_render(&mb, 1, WEB_PAGE_HOME, 200, 2, dup, 2);
	tap_ok(!request_ok(&mb), "wire: repeated key refused");
	build_render(&mb, 1, WEB_PAGE_HOME, 200, 1, bad, 1);
	tap_ok(!request_ok(&mb), "wire: value not UTF-8 refused");
	build_render(&mb, 1, WEB_PAGE_HOME, 200, 1, NULL, 0);
	msg_add_bytes(&mb, "a\0b", 3);
	msg_add_string(&mb, "x");
	tap_ok(!request_ok(&mb), "wire: NUL inside a key refused");
	build_render(&mb, 1, WEB_PAGE_HOME, 200, 2, kv, 2);
	mb.type = MSG_WEB_PAGE;
	tap_ok(!request_ok(&mb), "wire: wrong message type refused");

	if ((many = calloc(WEB_MAXKV + 1, sizeof(*many))) == NULL)
		exit(1);
	for (i = 0; i <= WEB_MAXKV; i++) {
		char *k;

		if (asprintf(&k, "k%u", i) == -1)
			exit(1);
		many[i].key = k;
		many[i].value = "v";
	}
	build_render(&mb, 1, WEB_PAGE_HOME, 200, WEB_MAXKV, many, WEB_MAXKV);
	tap_ok(request_ok(&mb), "wire: %d pairs accepted", WEB_MAXKV);
	build_render(&mb, 1, WEB_PAGE_HOME, 200, WEB_MAXKV + 1, many,
	    WEB_MAXKV + 1);
	tap_ok(!request_ok(&mb), "wire: %d pairs refused", WEB_MAXKV + 1);
	for (i = 0; i <= WEB_MAXKV; i++)
		free((char *)many[i].key);
	free(many);
}

/* Whether web_dispatch() ends the process on this request. */
static int
dispatch_dies(enum proc_id from, enum web_page pg)
{
	struct kv	 kv[1] = { { "message", "x" } };
	struct msgbuf	 mb;
	struct msg	 m;
	pid_t		 pid;
	int		 st;

	fflush(stdout);
	if ((pid = fork()) == -1)
		exit(1);
	if (pid == 0) {
		build_render(&mb, 1, pg, 200, 1, kv, 1);
		as_msg(&mb, &m);
		web_dispatch(from, &m);
		_exit(0);
	}
	return waitpid(pid, &st, 0) == pid && WIFEXITED(st) &&
	    WEXITSTATUS(st) != 0;
}

/* The real path: web_dispatch() answering over a channel to "front". */
static void
test_dispatch(void)
{
	struct kv		 kv[1] = { { "message", "gone" } };
	struct event_base	*base;
	struct msgbuf		 mb;
	struct msg		 m, r;
	struct chan		 front;
	int			 sv[2];

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == -1 ||
	    (base = event_base_new()) == NULL)
		exit(1);
	proc_init(PROC_WEB, base, web_dispatch, NULL);
	proc_attach(PROC_FRONT, sv[0]);
	if (chan_init(&front, sv[1], MAXMSG_PEER, 0) == -1)
		exit(1);
	tap_ok(chan_recvnow(&front, &r, 2000) == 1 && r.type == MSG_HELLO,
	    "dispatch: web greets the front");

	build_render(&mb, 4242, WEB_PAGE_ERROR, 410, 1, kv, 1);
	as_msg(&mb, &m);
	web_dispatch(PROC_FRONT, &m);
	msg_free(&mb);
	/* the answer leaves at the end of the loop turn (lib/proc.c) */
	event_base_loop(base, EVLOOP_NONBLOCK);
	tap_ok(chan_recvnow(&front, &r, 2000) == 1 &&
	    reply_ok(&r, 4242, 410, "text/html; charset=utf-8",
	    "<p>gone</p>"), "dispatch: one MSG_WEB_PAGE for the request");

	tap_ok(dispatch_dies(PROC_FRONT, WEB_PAGE_MAX),
	    "dispatch: malformed request is fatal");
	tap_ok(dispatch_dies(PROC_STORE, WEB_PAGE_HOME),
	    "dispatch: a render from store is fatal");

	proc_detach(PROC_FRONT);
	chan_clear(&front);
	event_base_free(base);
}

int
main(void)
{
	char	 err[256];

	test_engine();
	test_engine_each();
	test_refusals();
	tap_ok(pages_init(err, sizeof(err)) == 0, "pages_init");
	test_pages_hostile();
	test_pages_signed_out();
	test_pages_registered();
	test_pages_signed_in();
	test_pages_lists();
	test_pages_messages();
	test_pages_invalid();
	test_wire();
	test_dispatch();
	pages_free();
	return tap_done();
}
