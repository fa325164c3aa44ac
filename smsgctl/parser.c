/*
 * Command parsing: a tree of static token tables, walked word by word.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "smsgctl.h"

enum token_type {
	ENDTOKEN,
	KEYWORD,
};

struct token {
	enum token_type		 type;
	const char		*keyword;
	enum ctl_action		 action;
	const struct token	*next;
};

static const struct token t_show[];
static const struct token t_log[];

static const struct token t_main[] = {
	{ KEYWORD, "show", ACT_NONE, t_show },
	{ KEYWORD, "log", ACT_NONE, t_log },
	{ KEYWORD, "stop", ACT_STOP, NULL },
	{ ENDTOKEN, NULL, ACT_NONE, NULL }
};

static const struct token t_show[] = {
	{ KEYWORD, "status", ACT_SHOW_STATUS, NULL },
	{ ENDTOKEN, NULL, ACT_NONE, NULL }
};

static const struct token t_log[] = {
	{ KEYWORD, "verbose", ACT_LOG_VERBOSE, NULL },
	{ KEYWORD, "brief", ACT_LOG_BRIEF, NULL },
	{ ENDTOKEN, NULL, ACT_NONE, NULL }
};

static void
list_choices(const char *prefix, const struct token *table)
{
	const struct token	*t;

	for (t = table; t->type != ENDTOKEN; t++) {
		if (t->next != NULL) {
			char	 sub[128];

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

static const struct token *
match(const struct token *table, const char *word)
{
	const struct token	*t;

	for (t = table; t->type != ENDTOKEN; t++)
		if (t->type == KEYWORD && strcmp(word, t->keyword) == 0)
			return t;
	return NULL;
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
		if ((t = match(table, argv[i])) == NULL) {
			snprintf(pre, sizeof(pre), "%s%s", so_far,
			    so_far[0] ? " " : "");
			fprintf(stderr, "smsgctl: unknown command \"%s%s\"; "
			    "valid here:\n", pre, argv[i]);
			list_choices(pre, table);
			return -1;
		}
		if (so_far[0] != '\0')
			strlcat(so_far, " ", sizeof(so_far));
		strlcat(so_far, argv[i], sizeof(so_far));
		table = t->next;
	}
	if (t == NULL || t->action == ACT_NONE) {
		snprintf(pre, sizeof(pre), "%s%s", so_far,
		    so_far[0] ? " " : "");
		fprintf(stderr, "smsgctl: incomplete command \"%s\"; "
		    "complete it with one of:\n", so_far);
		list_choices(pre, table ? table : t_main);
		return -1;
	}
	res->action = t->action;
	return 0;
}
