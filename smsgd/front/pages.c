/*
 * Pages with no feature behind them: the forms themselves, a few
 * redirects, the style sheet, and the second sign-in step, whose pending
 * token lives in a cookie.  The page shown is the route's.
 */
#include "config.h"

#include <string.h>

#include "app.h"

void
page_show(struct app_req *ar)
{
	page_render(ar, ar->route->page, 200);
}

/* GET /: wherever a session cookie says. */
void
page_root(struct app_req *ar)
{
	char	 tok[TOKEN_MAX];

	if (http_cookie_get(ar->h, COOKIE_SESSION, tok, sizeof(tok)) == 0)
		page_redirect(ar, "/home");
	else
		page_redirect(ar, "/login");
	explicit_bzero(tok, sizeof(tok));
}

void
page_login(struct app_req *ar)
{
	if (ar->h->query != NULL && strstr(ar->h->query, "saved=") != NULL)
		vars_add(page_vars(ar), "notice", "Your account is ready. "
		    "Sign in with your new password.");
	page_show(ar);
}

void
page_settings(struct app_req *ar)
{
	page_redirect(ar, "/settings/password");
}

void
page_totp(struct app_req *ar)
{
	vars_add(page_vars(ar), "enabled", "%d", ar->who.totp_on);
	page_show(ar);
}

/* The code form, only while a password step is pending. */
void
page_otp_form(struct app_req *ar)
{
	char	 pending[TOKEN_MAX];

	if (http_cookie_get(ar->h, COOKIE_PENDING, pending,
	    sizeof(pending)) == -1) {
		page_redirect(ar, "/login");
		return;
	}
	explicit_bzero(pending, sizeof(pending));
	page_show(ar);
}

void
page_otp_post(struct app_req *ar)
{
	char	 pending[TOKEN_MAX];

	if (http_cookie_get(ar->h, COOKIE_PENDING, pending,
	    sizeof(pending)) == -1 || !a_valid_token(pending)) {
		explicit_bzero(pending, sizeof(pending));
		page_redirect(ar, "/login");
		return;
	}
	feat_login_otp(ar, pending);
	explicit_bzero(pending, sizeof(pending));
}

/*
 * The compose form, its "to" filled from ?to= (a reply from the
 * contacts page), with the person's contacts to choose from.
 */
void
page_compose(struct app_req *ar)
{
	const char	*q = ar->h->query, *to = NULL;

	if (q != NULL && http_form_parse(&ar->form, (const uint8_t *)q,
	    strlen(q)) == 0)
		to = http_form_get(&ar->form, "to");
	page_compose_vars(ar, to != NULL ? to : "", "", 0);
	feat_contacts(ar);
}
