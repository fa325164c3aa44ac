/*
 * Output back ends: human text, and JSON for scripts (-j).
 */
#include "config.h"

#include <jansson.h>
#include <stdio.h>
#include <time.h>

#include "proto.h"
#include "smsgctl.h"

static long long
uptime_of(uint64_t started)
{
	time_t	 now = time(NULL);

	if (started == 0 || (time_t)started > now)
		return 0;
	return (long long)(now - (time_t)started);
}

static const char *
fmt_duration(long long s, char *buf, size_t len)
{
	if (s >= 86400)
		snprintf(buf, len, "%lldd %02lldh", s / 86400, s % 86400 / 3600);
	else if (s >= 3600)
		snprintf(buf, len, "%lldh %02lldm", s / 3600, s % 3600 / 60);
	else if (s >= 60)
		snprintf(buf, len, "%lldm %02llds", s / 60, s % 60);
	else
		snprintf(buf, len, "%llds", s);
	return buf;
}

static void
text_status_daemon(const struct status_daemon *d)
{
	char	 up[32];

	printf("smsgd %s, pid %u, up %s\n", d->version, d->pid,
	    fmt_duration(uptime_of(d->started), up, sizeof(up)));
	printf("%-12s %-8s %-12s %-9s %-9s %s\n", "PROCESS", "PID", "USER",
	    "UPTIME", "STATE", "RESTARTS");
}

static void
text_status_proc(const struct status_proc *p)
{
	char	 up[32], pid[16];

	snprintf(pid, sizeof(pid), "%u", p->pid);
	printf("%-12s %-8s %-12s %-9s %-9s %u\n", p->name,
	    p->pid ? pid : "-", p->user,
	    p->pid ? fmt_duration(uptime_of(p->started), up, sizeof(up)) : "-",
	    p->state, p->restarts);
}

static void
text_end(void)
{
}

static void
text_result(uint32_t code, const char *text)
{
	if (code == CTL_OK)
		printf("%s\n", text);
	else
		fprintf(stderr, "smsgctl: %s: %s\n", ctl_result_str(code),
		    text);
}

const struct output output_text = {
	text_status_daemon, text_status_proc, text_end, text_result
};

/* JSON: one document per command, printed at the end. */
static json_t	*jdoc;
static json_t	*jprocs;

static void
json_status_daemon(const struct status_daemon *d)
{
	jprocs = json_array();
	jdoc = json_pack("{s:s, s:I, s:I, s:o}", "version", d->version,
	    "pid", (json_int_t)d->pid, "uptime",
	    (json_int_t)uptime_of(d->started), "processes", jprocs);
}

static void
json_status_proc(const struct status_proc *p)
{
	if (jprocs == NULL)
		return;
	json_array_append_new(jprocs, json_pack(
	    "{s:s, s:I, s:s, s:I, s:s, s:I}", "name", p->name,
	    "pid", (json_int_t)p->pid, "user", p->user,
	    "uptime", (json_int_t)(p->pid ? uptime_of(p->started) : 0),
	    "state", p->state, "restarts", (json_int_t)p->restarts));
}

static void
json_end(void)
{
	if (jdoc == NULL)
		return;
	json_dumpf(jdoc, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	printf("\n");
	json_decref(jdoc);
	jdoc = NULL;
	jprocs = NULL;
}

static void
json_result(uint32_t code, const char *text)
{
	json_t	*r;

	r = json_pack("{s:b, s:s, s:s}", "ok", code == CTL_OK,
	    "result", ctl_result_str(code), "message", text);
	json_dumpf(r, code == CTL_OK ? stdout : stderr,
	    JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	fprintf(code == CTL_OK ? stdout : stderr, "\n");
	json_decref(r);
}

const struct output output_json = {
	json_status_daemon, json_status_proc, json_end, json_result
};
