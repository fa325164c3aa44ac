/*
 * Command parsing: a tree of static token tables, walked word by word.
 * A word matches a keyword of the current table, or else a placeholder
 * (a user name, a session id).  A command may end where the table of
 * what follows holds an ENDOK token, or where nothing follows.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smsgctl.h"

enum token_type {
	ENDTOKEN,
	ENDOK,		/* the command may end here */
	KEYWORD,
	USERNAME,
	SESSIONID,
	PWSTDIN,	/* the "-" of "-p -" */
	TEXT,		/* any one word: a broadcast's text, "-" for stdin */
};

struct token {
	enum token_type		 type;
	const char		*keyword;	/* or the placeholder's name */
	enum ctl_action		 action;	/* ACT_NONE: keep the last */
	const struct token	*next;
};

static const struct token t_show[];
static const struct token t_log[];
static const struct token t_user[];
static const struct token t_session[];
static const struct token t_show_sessions[];
static const struct token t_name[];
static const struct token t_name_pw[];
static const struct token t_pwopt[];
static const struct token t_pwstdin[];
static const struct token t_session_revoke[];
static const struct token t_admin[];
static const struct token t_onoff[];
static const struct token t_text[];

static const struct token t_main[] = {
	{ KEYWORD, "show", ACT_NONE, t_show },
	{ KEYWORD, "log", ACT_NONE, t_log },
	{ KEYWORD, "user", ACT_NONE, t_user },
	{ KEYWORD, "session", ACT_NONE, t_session },
	{ KEYWORD, "stop", ACT_STOP, NULL },
	{ KEYWORD, "purge", ACT_PURGE, NULL },
	{ KEYWORD, "broadcast", ACT_BROADCAST, t_text },
	{ ENDTOKEN, NULL, ACT_NONE, NULL }
};

static const struct token t_text[] = {
	{ ENDOK, NULL, ACT_NONE, NULL },
	{ TEXT, "TEXT", ACT_NONE, NULL },
	{ ENDTOKEN, NULL, ACT_NONE, NULL }
};

static const struct token t_show[] = {
	{ KEYWORD, "status", ACT_SHOW_STATUS, NULL },
	{ KEYWORD, "user", ACT_USER_SHOW, t_name },
	{ KEYWORD, "sessions", ACT_SHOW_SESSIONS, t_show_sessions },
	{ KEYWORD, "messages", ACT_SHOW_MESSAGES, NULL },
	{ KEYWORD, "notices", ACT_SHOW_NOTICES, NULL },
	{ ENDTOKEN, NULL, ACT_NONE, NULL }
};

static const struct token t_show_sessions[] = {
	{ ENDOK, NULL, ACT_NONE, NULL },
	{ USERNAME, "NAME", ACT_NONE, NULL },
	{ ENDTOKEN, NULL, ACT_NONE, NULL }
};

static const struct token t_log[] = {
	{ KEYWORD, "verbose", ACT_LOG_VERBOSE, NULL },
	{ KEYWORD, "brief", ACT_LOG_BRIEF, NULL },
	{ ENDTOKEN, NULL, ACT_NONE, NULL }
};

static const struct token t_user[] = {
	{ KEYWORD, "add", ACT_USER_ADD, t_name_pw },
	{ KEYWORD, "list", ACT_USER_LIST, NULL },
	{ KEYWORD, "lock", ACT_USER_LOCK, t_name },
	{ KEYWORD, "unlock", ACT_USER_UNLOCK, t_name },
	{ KEYWORD, "reset-2fa", ACT_USER_RESET_2FA, t_name },
	{ KEYWORD, "reset-password", ACT_USER_RESET_PASSWORD, t_name_pw },
	{ KEYWORD, "delete", ACT_USER_DELETE, t_name },
	{ KEYWORD, "admin", ACT_NONE, t_admin },
	{ ENDTOKEN, NULL, ACT_NONE, NULL }
};

static const struct token t_admin[] = {
	{ USERNAME, "NAME", ACT_NONE, t_onoff },
	{ ENDTOKEN, NULL, ACT_NONE, NULL }
};

static const struct token t_onoff[] = {
	{ KEYWORD, "on", ACT_USER_ADMIN_ON, NULL },
	{ KEYWORD, "off", ACT_USER_ADMIN_OFF, NULL },
	{ ENDTOKEN, NULL, ACT_NONE, NULL }
};

/* The commands about one account: its name, maybe a password. */
static const struct token t_name[] = {
	{ USERNAME, "NAME", ACT_NONE, NULL },
	{ ENDTOKEN, NULL, ACT_NONE, NULL }
};

static const struct token t_name_pw[] = {
	{ USERNAME, "NAME", ACT_NONE, t_pwopt },
	{ ENDTOKEN, NULL, ACT_NONE, NULL }
};

static const struct token t_pwopt[] = {
	{ ENDOK, NULL, ACT_NONE, NULL },
	{ KEYWORD, "-p", ACT_NONE, t_pwstdin },
	{ ENDTOKEN, NULL, ACT_NONE, NULL }
};

static const struct token t_pwstdin[] = {
	{ PWSTDIN, "-", ACT_NONE, NULL },
	{ ENDTOKEN, NULL, ACT_NONE, NULL }
};

static const struct token t_session[] = {
	{ KEYWORD, "revoke", ACT_SESSION_REVOKE, t_session_revoke },
	{ ENDTOKEN, NULL, ACT_NONE, NULL }
};

static const struct token t_session_revoke[] = {
	{ SESSIONID, "ID", ACT_NONE, NULL },
	{ ENDTOKEN, NULL, ACT_NONE, NULL }
};

static void
list_choices(const char *prefix, const struct token *table)
{
	const struct token	*t;
	char			 sub[256];
	size_t			 n;

	for (t = table; t->type != ENDTOKEN; t++) {
		if (t->type == ENDOK) {
			/* the prefix alone is a command */
			n = strlen(prefix);
			if (n > 0)
				fprintf(stderr, "\t%.*s\n", (int)n - 1, prefix);
			continue;
		}
		if (t->next != NULL) {
			snprintf(sub, sizeof(sub), "%s%s ", prefix, t->keyword);
			list_choices(sub, t->next);
		} else
			fprintf(stderr, "\t%s%s\n", prefix, t->keyword);
	}
}

void
parse_usage_commands(void)
{
	fprintf(stderr, "commands:\n");
	list_choices("", t_main);
}

/* 3 to 32 of a-z 0-9 . _ - */
int
valid_username(const char *s)
{
	size_t	 n = strlen(s), i;

	if (n < USERNAME_MIN || n > USERNAME_MAX)
		return 0;
	for (i = 0; i < n; i++)
		if (!(s[i] >= 'a' && s[i] <= 'z') &&
		    !(s[i] >= '0' && s[i] <= '9') &&
		    s[i] != '.' && s[i] != '_' && s[i] != '-')
			return 0;
	return 1;
}

/* Exactly 16 hex digits, as show sessions prints them. */
static int
parse_sessionid(const char *s, uint64_t *id)
{
	size_t	 i;

	if (strlen(s) != 16)
		return -1;
	for (i = 0; i < 16; i++)
		if (!isxdigit((unsigned char)s[i]))
			return -1;
	*id = strtoull(s, NULL, 16);
	return 0;
}

static const struct token *
match(const struct token *table, const char *word)
{
	const struct token	*t;

	for (t = table; t->type != ENDTOKEN; t++)
		if ((t->type == KEYWORD || t->type == PWSTDIN) &&
		    strcmp(word, t->keyword) == 0)
			return t;
	for (t = table; t->type != ENDTOKEN; t++)
		if (t->type == USERNAME || t->type == SESSIONID ||
		    t->type == TEXT)
			return t;
	return NULL;
}

/* Store what a placeholder stands for; -1 after saying what is wrong. */
static int
take_word(const struct token *t, const char *word, struct parse_result *res)
{
	switch (t->type) {
	case USERNAME:
		if (!valid_username(word)) {
			fprintf(stderr, "smsgctl: invalid user name \"%s\": "
			    "%d to %d characters of a-z, 0-9, '.', '_' and "
			    "'-'\n", word, USERNAME_MIN, USERNAME_MAX);
			return -1;
		}
		strlcpy(res->name, word, sizeof(res->name));
		break;
	case SESSIONID:
		if (parse_sessionid(word, &res->id) == -1) {
			fprintf(stderr, "smsgctl: invalid session id \"%s\": "
			    "16 hexadecimal digits, as show sessions prints "
			    "them\n", word);
			return -1;
		}
		break;
	case PWSTDIN:
		res->pw_stdin = 1;
		break;
	case TEXT:
		res->text = word;
		break;
	default:
		break;
	}
	if (t->action != ACT_NONE)
		res->action = t->action;
	return 0;
}

static int
may_end(const struct token *t)
{
	const struct token	*n;

	if (t == NULL)
		return 0;
	if (t->next == NULL)
		return 1;
	for (n = t->next; n->type != ENDTOKEN; n++)
		if (n->type == ENDOK)
			return 1;
	return 0;
}

/* 0 with res filled in, or -1 after saying what was wrong. */
int
parse(int argc, char *argv[], struct parse_result *res)
{
	const struct token	*table = t_main, *t = NULL;
	char			 so_far[256] = "", pre[260];
	int			 i;

	memset(res, 0, sizeof(*res));
	for (i = 0; i < argc; i++) {
		if (table == NULL) {
			fprintf(stderr, "smsgctl: unexpected \"%s\" after "
			    "\"%s\"\n", argv[i], so_far);
			return -1;
		}
		snprintf(pre, sizeof(pre), "%s%s", so_far,
		    so_far[0] ? " " : "");
		if ((t = match(table, argv[i])) == NULL) {
			fprintf(stderr, "smsgctl: unknown command \"%s%s\"; "
			    "valid here:\n", pre, argv[i]);
			list_choices(pre, table);
			return -1;
		}
		if (take_word(t, argv[i], res) == -1)
			return -1;
		if (so_far[0] != '\0')
			strlcat(so_far, " ", sizeof(so_far));
		strlcat(so_far, argv[i], sizeof(so_far));
		table = t->next;
	}
	if (!may_end(t) || res->action == ACT_NONE) {
		snprintf(pre, sizeof(pre), "%s%s", so_far,
		    so_far[0] ? " " : "");
		fprintf(stderr, "smsgctl: incomplete command \"%s\"; "
		    "complete it with one of:\n", so_far);
		list_choices(pre, table ? table : t_main);
		return -1;
	}
	return 0;
}
