/*
 * A request's inputs by meaning, whatever the face: the features ask for
 * F_NEW_PASSWORD, and get the JSON member "new" of an API body or the
 * form field "password" of a page.  Path parameters come first: a
 * route's {id} is the same input as a form's id field.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "app.h"

static const struct {
	const char	*api;		/* JSON member; NULL: none */
	const char	*page;		/* form field; NULL: none */
	int		 flag;		/* a yes/no input */
	int		 api_default;	/* a flag absent from JSON */
} fields[F_END] = {
	[F_USERNAME] = { "username", "username", 0, 0 },
	[F_PASSWORD] = { "password", "password", 0, 0 },
	[F_PASSWORD2] = { NULL, "password2", 0, 0 },
	[F_NEW_PASSWORD] = { "new", "password", 0, 0 },
	[F_CURRENT] = { "current", "current", 0, 0 },
	[F_OTP] = { "otp", "code", 0, 0 },
	[F_RECOVERY_KEY] = { "recovery_key", "recovery_key", 0, 0 },
	/* an unticked checkbox sends nothing: absent is no on a page */
	[F_SIGNOUT_OTHERS] = { "signout_others", "signout_others", 1, 1 },
	[F_SESSION_ID] = { "id", "id", 0, 0 },
	[F_CONTACT] = { "name", "name", 0, 0 },
	[F_NICKNAME] = { "nickname", "nickname", 0, 0 },
	/* a page's device token is its cookie: see in_device */
	[F_DEVICE] = { "device", NULL, 0, 0 },
	[F_SUBJECT] = { "subject", "subject", 0, 0 },
	[F_BODY] = { "body", "body", 0, 0 },
};

static const char *
name_of(struct app_req *ar, enum field f)
{
	return ar->route->face == FACE_API ? fields[f].api : fields[f].page;
}

/* The raw value: NULL when absent. */
static json_t *
member(struct app_req *ar, enum field f)
{
	const char	*name = name_of(ar, f);

	if (name == NULL || ar->json == NULL)
		return NULL;
	return json_object_get(ar->json, name);
}

/*
 * Every listed input (ended by F_END) present in a JSON body has the
 * right type; otherwise 400, answered.  Forms carry only strings.
 */
int
in_check(struct app_req *ar, const enum field *list)
{
	json_t	*v;

	for (; *list != F_END; list++) {
		if ((v = member(ar, *list)) == NULL)
			continue;
		if (fields[*list].flag ? json_is_boolean(v) : json_is_string(v))
			continue;
		snprintf(ar->text, sizeof(ar->text), "\"%s\" must be %s.",
		    name_of(ar, *list), fields[*list].flag ? "true or false" :
		    "a string");
		app_fail(ar, 400, "bad_request", ar->text);
		return -1;
	}
	return 0;
}

/* A text input; "" when absent (or not a string: see in_check). */
const char *
in_text(struct app_req *ar, enum field f)
{
	const struct route_param	*p;
	const char			*name = name_of(ar, f), *v;
	json_t				*j;

	if (name == NULL)
		return "";
	if ((p = route_param(&ar->params, name)) != NULL)
		return p->text;
	if (ar->json != NULL)
		return (j = member(ar, f)) != NULL && json_is_string(j) ?
		    json_string_value(j) : "";
	v = http_form_get(&ar->form, name);
	return v != NULL ? v : "";
}

/*
 * The device token the client holds for the account it signs in to
 * (smsg-auth.8): the API's "device" member, a browser's device cookie.
 * "" when none, or not of a token's shape.
 */
const char *
in_device(struct app_req *ar, char *buf, size_t len)
{
	if (ar->route->face == FACE_API)
		strlcpy(buf, in_text(ar, F_DEVICE), len);
	else if (http_cookie_get(ar->h, COOKIE_DEVICE, buf, len) == -1)
		buf[0] = '\0';
	if (!a_valid_token(buf))
		buf[0] = '\0';
	return buf;
}

int
in_flag(struct app_req *ar, enum field f)
{
	json_t	*j;

	if (ar->route->face == FACE_API)
		return (j = member(ar, f)) == NULL ? fields[f].api_default :
		    json_is_true(j);
	return strcmp(in_text(ar, f), "1") == 0;
}

/* A session id (16 hex digits): 0, or -1 answered with 400. */
int
in_session_id(struct app_req *ar, uint64_t *sid)
{
	struct route_param	 p;
	const char		*s = in_text(ar, F_SESSION_ID);

	if (route_param_parse("hex64", 5, s, strlen(s), &p) == -1) {
		app_fail(ar, 400, "bad_request", "That is not a session.");
		return -1;
	}
	*sid = p.num;
	return 0;
}

/*
 * A face that asks for a password twice (a page's password2) must have
 * got it twice alike before anything is hashed: 0, or -1 answered.
 */
int
in_confirmed(struct app_req *ar, enum field f)
{
	struct app_error	 e = { 422, "mismatch",
	    "The two passwords are not the same.", 0, 1 };

	if (name_of(ar, F_PASSWORD2) == NULL ||
	    strcmp(in_text(ar, f), in_text(ar, F_PASSWORD2)) == 0)
		return 0;
	ar->face->error(ar, &e);
	return -1;
}
