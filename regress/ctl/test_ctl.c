/*
 * smsgctl without smsgd: the command parser (actions, names, session
 * ids, -p -) and both output back ends, their stdout captured.
 */
#include "config.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "proto.h"
#include "smsgctl.h"
#include "tap.h"

static int	 saved_fd = -1;
static FILE	*capfp;

static void
capture_begin(void)
{
	fflush(stdout);
	if ((capfp = tmpfile()) == NULL || (saved_fd = dup(1)) == -1 ||
	    dup2(fileno(capfp), 1) == -1) {
		perror("capture");
		exit(1);
	}
}

/* What was printed since capture_begin(); the caller frees it. */
static char *
capture_end(void)
{
	char	*buf;
	long	 len;

	fflush(stdout);
	dup2(saved_fd, 1);
	close(saved_fd);
	len = ftell(capfp);
	if (len < 0 || (buf = calloc(1, len + 1)) == NULL)
		exit(1);
	rewind(capfp);
	if (len > 0 && fread(buf, 1, len, capfp) != (size_t)len)
		exit(1);
	fclose(capfp);
	return buf;
}

/* Show what was printed when a check of it failed. */
static void
show_if(int failed, const char *s)
{
	if (failed)
		tap_diag("printed:\n%s", s);
}

static int
parse_words(const char *line, struct parse_result *res)
{
	char	*copy, *argv[16], *w, *last;
	int	 argc = 0, r;

	if ((copy = strdup(line)) == NULL)
		exit(1);
	for (w = strtok_r(copy, " ", &last); w != NULL && argc < 16;
	    w = strtok_r(NULL, " ", &last))
		argv[argc++] = w;
	r = parse(argc, argv, res);
	free(copy);
	return r;
}

static void
test_parse_ok(void)
{
	struct parse_result	 r;

	tap_ok(parse_words("user add alice", &r) == 0 &&
	    r.action == ACT_USER_ADD && strcmp(r.name, "alice") == 0 &&
	    !r.pw_stdin, "user add alice");
	tap_ok(parse_words("user add a.b_c-9 -p -", &r) == 0 &&
	    r.action == ACT_USER_ADD && strcmp(r.name, "a.b_c-9") == 0 &&
	    r.pw_stdin, "user add NAME -p -");
	tap_ok(parse_words("user reset-password bob -p -", &r) == 0 &&
	    r.action == ACT_USER_RESET_PASSWORD && r.pw_stdin,
	    "user reset-password NAME -p -");
	tap_ok(parse_words("user list", &r) == 0 &&
	    r.action == ACT_USER_LIST, "user list");
	tap_ok(parse_words("show user bob", &r) == 0 &&
	    r.action == ACT_USER_SHOW && strcmp(r.name, "bob") == 0,
	    "show user NAME");
	tap_ok(parse_words("user lock bob", &r) == 0 &&
	    r.action == ACT_USER_LOCK, "user lock");
	tap_ok(parse_words("user unlock bob", &r) == 0 &&
	    r.action == ACT_USER_UNLOCK, "user unlock");
	tap_ok(parse_words("user reset-2fa bob", &r) == 0 &&
	    r.action == ACT_USER_RESET_2FA, "user reset-2fa");
	tap_ok(parse_words("user delete bob", &r) == 0 &&
	    r.action == ACT_USER_DELETE, "user delete");
	tap_ok(parse_words("show sessions", &r) == 0 &&
	    r.action == ACT_SHOW_SESSIONS && r.name[0] == '\0',
	    "show sessions: everyone");
	tap_ok(parse_words("show sessions carol", &r) == 0 &&
	    r.action == ACT_SHOW_SESSIONS && strcmp(r.name, "carol") == 0,
	    "show sessions NAME");
	tap_ok(parse_words("session revoke 00000000000000fF", &r) == 0 &&
	    r.action == ACT_SESSION_REVOKE && r.id == 255,
	    "session revoke: hex, either case");
	tap_ok(parse_words("session revoke ffffffffffffffff", &r) == 0 &&
	    r.id == UINT64_MAX, "session revoke: the largest id");
	tap_ok(parse_words("show status", &r) == 0 &&
	    r.action == ACT_SHOW_STATUS, "show status is still there");
	tap_ok(parse_words("show messages", &r) == 0 &&
	    r.action == ACT_SHOW_MESSAGES, "show messages");
	tap_ok(parse_words("purge", &r) == 0 && r.action == ACT_PURGE,
	    "purge");
	tap_ok(parse_words("user admin alice on", &r) == 0 &&
	    r.action == ACT_USER_ADMIN_ON && strcmp(r.name, "alice") == 0,
	    "user admin alice on");
	tap_ok(parse_words("user admin bob off", &r) == 0 &&
	    r.action == ACT_USER_ADMIN_OFF && strcmp(r.name, "bob") == 0,
	    "user admin bob off");
}

static void
test_parse_bad(void)
{
	static const char *bad[] = {
		"user", "user add", "user add ab", "user add Alice",
		"user add alice -p", "user add alice -p x",
		"user add alice extra", "user list extra", "show user",
		"show sessions a", "show sessions bob carol",
		"session revoke", "session revoke 0x00000000000000",
		"session revoke 00000000000000ff0", "session revoke -1",
		"user frob", "session", "user lock a/b",
		"show messages all", "purge now", "user admin alice",
		"user admin alice yes", "user admin on", "user admin alice on x",
	};
	struct parse_result	 r;
	size_t			 i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		tap_ok(parse_words(bad[i], &r) == -1, "refused: %s", bad[i]);
}

static void
test_names(void)
{
	tap_ok(valid_username("abc"), "3 characters");
	tap_ok(valid_username("abcdefghijklmnopqrstuvwxyz012345"),
	    "32 characters");
	tap_ok(!valid_username("abcdefghijklmnopqrstuvwxyz0123456"),
	    "not 33");
	tap_ok(!valid_username("ab") && !valid_username(""), "not 2 or 0");
	tap_ok(valid_username("a.b_c-d"), ". _ - allowed");
	tap_ok(!valid_username("aBc") && !valid_username("a b") &&
	    !valid_username("a@b") && !valid_username("\xc3\xa9t\xc3\xa9"),
	    "capitals, spaces, @ and non-ASCII refused");
}

static const struct user_info alice = {
	"alice", 1001, 1700000000, USER_LOCK_FAILURES, 1700000600, 5, 1, 2,
	1700000300, 1
};
static const struct user_info bob = {
	"bob", 1002, 1700001000, USER_LOCK_NONE, 0, 0, 0, 0, 0, 0
};
static const struct messages_info minfo = { 3, 300000, 1, 1000, 2, 1 };
static const struct messages_day mday = { 20423, 3, 300000 };
static const struct usage_info usage = { 4, 7, 123456, 1073741824 };
static const struct session_info sess = {
	255, "alice", 1700000000, 1700000100, 1700086400, "192.0.2.1"
};

static void
test_text(void)
{
	char	*s;

	capture_begin();
	output_text.begin(ACT_USER_LIST);
	output_text.user(&alice);
	output_text.user(&bob);
	output_text.end();
	s = capture_end();
	tap_ok(strncmp(s, "NAME   UID   CREATED               LOCK",
	    strlen("NAME   UID   CREATED               LOCK")) == 0,
	    "user list: header, columns as wide as their cells");
	tap_ok(strstr(s, "alice  1001  2023-11-14T22:13:20Z  failures until "
	    "2023-11-14T22:23:20Z  on   2         2023-11-14T22:18:20Z\n")
	    != NULL, "user list: alice, ISO 8601 UTC, failure lock");
	tap_ok(strstr(s, "bob    1002  2023-11-14T22:30:00Z  -") != NULL &&
	    strstr(s, "off  0         -\n") != NULL,
	    "user list: bob unlocked, never signed in");
	show_if(tap_failed > 0, s);
	free(s);

	capture_begin();
	output_text.begin(ACT_USER_SHOW);
	output_text.user(&bob);
	output_text.end();
	s = capture_end();
	tap_ok(strstr(s, "name:        bob\n") != NULL &&
	    strstr(s, "lock:        -\n") != NULL &&
	    strstr(s, "last login:  -\n") != NULL &&
	    strstr(s, "admin:       no\n") != NULL, "show user: a block");
	free(s);

	capture_begin();
	output_text.begin(ACT_USER_SHOW);
	output_text.user(&bob);
	output_text.usage(&usage);
	output_text.end();
	s = capture_end();
	tap_ok(strstr(s, "admin:       no\nsent:        4 messages\n"
	    "received:    7 messages\nstored:      123456 of 1073741824 "
	    "bytes\n") != NULL, "show user: then its messages");
	free(s);

	capture_begin();
	output_text.begin(ACT_SHOW_MESSAGES);
	output_text.messages(&minfo);
	output_text.messages_day(&mday);
	output_text.end();
	s = capture_end();
	tap_ok(strstr(s, "messages:     3\n") != NULL &&
	    strstr(s, "locked:       1\n") != NULL &&
	    strstr(s, "quarantined:  1\n") != NULL &&
	    strstr(s, "EXPIRES     MESSAGES  BYTES\n"
	    "2025-12-01  3         300000\n") != NULL,
	    "show messages: totals, then a row per expiry day");
	show_if(tap_failed > 0, s);
	free(s);

	capture_begin();
	output_text.begin(ACT_PURGE);
	output_text.purged(2, 9);
	output_text.result(CTL_OK, "purged 2 messages and 9 chunks");
	s = capture_end();
	tap_ok(strcmp(s, "purged 2 messages and 9 chunks\n") == 0,
	    "purge: one line");
	free(s);

	capture_begin();
	output_text.begin(ACT_SHOW_SESSIONS);
	output_text.end();
	s = capture_end();
	tap_ok(strcmp(s, "ID  NAME  CREATED  LAST-SEEN  EXPIRES  ADDRESS\n")
	    == 0, "show sessions: an empty list is its header");
	free(s);

	capture_begin();
	output_text.begin(ACT_SHOW_SESSIONS);
	output_text.session(&sess);
	output_text.end();
	s = capture_end();
	tap_ok(strstr(s, "\n00000000000000ff  alice  2023-11-14T22:13:20Z  "
	    "2023-11-14T22:15:00Z  2023-11-15T22:13:20Z  192.0.2.1\n")
	    != NULL, "show sessions: the id as 16 hex digits");
	free(s);

	capture_begin();
	output_text.begin(ACT_USER_ADD);
	output_text.secret("recovery key", "KEY-123");
	output_text.result(CTL_OK, "user alice added");
	s = capture_end();
	tap_ok(strcmp(s, "recovery key: KEY-123\nThis recovery key is shown "
	    "once: store it somewhere safe now.\nuser alice added\n") == 0,
	    "user add: the key, shown once, then the result");
	free(s);
}

static json_t *
json_of(const char *s)
{
	json_error_t	 e;

	return json_loads(s, 0, &e);
}

static void
test_json(void)
{
	json_t	*j, *o;
	char	*s;

	capture_begin();
	output_json.begin(ACT_USER_SHOW);
	output_json.user(&bob);
	output_json.usage(&usage);
	output_json.end();
	s = capture_end();
	j = json_of(s);
	tap_ok(json_integer_value(json_object_get(j, "messages_sent")) == 4 &&
	    json_integer_value(json_object_get(j, "messages_received")) == 7 &&
	    json_integer_value(json_object_get(j, "bytes_stored")) == 123456 &&
	    json_integer_value(json_object_get(j, "quota_bytes")) ==
	    1073741824 && strcmp(json_string_value(json_object_get(j,
	    "name")), "bob") == 0, "show user -j: its messages in the object");
	json_decref(j);
	free(s);

	capture_begin();
	output_json.begin(ACT_USER_LIST);
	output_json.user(&alice);
	output_json.user(&bob);
	output_json.end();
	s = capture_end();
	j = json_of(s);
	o = json_array_get(j, 0);
	tap_ok(json_is_array(j) && json_array_size(j) == 2,
	    "user list -j: an array");
	tap_ok(json_is_object(o) &&
	    strcmp(json_string_value(json_object_get(o, "name")), "alice")
	    == 0 && json_integer_value(json_object_get(o, "uid")) == 1001 &&
	    strcmp(json_string_value(json_object_get(o, "lock")),
	    "failures") == 0 &&
	    strcmp(json_string_value(json_object_get(o, "locked_until")),
	    "2023-11-14T22:23:20Z") == 0 &&
	    json_is_true(json_object_get(o, "two_factor")) &&
	    json_is_true(json_object_get(o, "admin")) &&
	    json_integer_value(json_object_get(o, "failures")) == 5,
	    "user list -j: alice's members in snake_case");
	o = json_array_get(j, 1);
	tap_ok(json_is_null(json_object_get(o, "last_login")) &&
	    json_is_null(json_object_get(o, "locked_until")) &&
	    json_is_false(json_object_get(o, "two_factor")),
	    "user list -j: never is null");
	json_decref(j);
	free(s);

	capture_begin();
	output_json.begin(ACT_USER_SHOW);
	output_json.user(&bob);
	output_json.end();
	s = capture_end();
	j = json_of(s);
	tap_ok(json_is_object(j) && strcmp(json_string_value(
	    json_object_get(j, "name")), "bob") == 0,
	    "show user -j: one object");
	json_decref(j);
	free(s);

	capture_begin();
	output_json.begin(ACT_SHOW_SESSIONS);
	output_json.session(&sess);
	output_json.end();
	s = capture_end();
	j = json_of(s);
	o = json_array_get(j, 0);
	tap_ok(json_array_size(j) == 1 && strcmp(json_string_value(
	    json_object_get(o, "id")), "00000000000000ff") == 0 &&
	    strcmp(json_string_value(json_object_get(o, "address")),
	    "192.0.2.1") == 0 && json_is_string(json_object_get(o,
	    "last_seen")), "show sessions -j: id as a hex string");
	json_decref(j);
	free(s);

	capture_begin();
	output_json.begin(ACT_SHOW_SESSIONS);
	output_json.end();
	s = capture_end();
	tap_ok(strcmp(s, "[]\n") == 0, "show sessions -j: empty is []");
	free(s);

	capture_begin();
	output_json.begin(ACT_USER_RESET_PASSWORD);
	output_json.secret("recovery key", "KEY-456");
	output_json.result(CTL_OK, "older messages are now unreadable");
	s = capture_end();
	j = json_of(s);
	tap_ok(j != NULL && strcmp(json_string_value(json_object_get(j,
	    "recovery_key")), "KEY-456") == 0 &&
	    json_is_true(json_object_get(j, "ok")) &&
	    strstr(json_string_value(json_object_get(j, "message")),
	    "unreadable") != NULL,
	    "reset-password -j: one object, key and warning");
	json_decref(j);
	free(s);

	capture_begin();
	output_json.begin(ACT_SHOW_MESSAGES);
	output_json.messages(&minfo);
	output_json.messages_day(&mday);
	output_json.end();
	s = capture_end();
	j = json_of(s);
	o = json_array_get(json_object_get(j, "by_expiry_day"), 0);
	tap_ok(json_integer_value(json_object_get(j, "messages")) == 3 &&
	    json_integer_value(json_object_get(j, "locked_bytes")) == 1000 &&
	    json_integer_value(json_object_get(j, "uploads")) == 2 &&
	    o != NULL && strcmp(json_string_value(json_object_get(o,
	    "expires")), "2025-12-01") == 0 &&
	    json_integer_value(json_object_get(o, "bytes")) == 300000,
	    "show messages -j: totals and by_expiry_day");
	json_decref(j);
	free(s);

	capture_begin();
	output_json.begin(ACT_PURGE);
	output_json.purged(2, 9);
	output_json.result(CTL_OK, "purged 2 messages and 9 chunks");
	s = capture_end();
	j = json_of(s);
	tap_ok(json_integer_value(json_object_get(j, "messages")) == 2 &&
	    json_integer_value(json_object_get(j, "chunks")) == 9 &&
	    json_is_true(json_object_get(j, "ok")),
	    "purge -j: counts with the result");
	json_decref(j);
	free(s);

	capture_begin();
	output_json.begin(ACT_SHOW_SESSIONS);
	output_json.result(CTL_NOTFOUND, "no such user");
	s = capture_end();
	tap_ok(s[0] == '\0', "-j: a failure prints nothing on stdout");
	free(s);
}

/* Dates must be UTC whatever the local zone: make it one that is not. */
static void
set_zone(void)
{
	setenv("TZ", "Asia/Tokyo", 1);
	tzset();
	if (access("/usr/share/zoneinfo/Asia/Tokyo", R_OK) == -1)
		tap_skip("no zoneinfo for Asia/Tokyo: the dates below do not "
		    "show that the local zone is ignored");
	else
		tap_ok(timezone != 0, "the local zone is not UTC here");
}

int
main(void)
{
	set_zone();
	test_parse_ok();
	test_parse_bad();
	test_names();
	test_text();
	test_json();
	return tap_done();
}
