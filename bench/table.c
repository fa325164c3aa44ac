/* The benchmark's table (table.h): rows, their evaluation, text, JSON. */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "table.h"

#define MIB	"MiB"

/* The targets of the performance issue, in its order. */
const struct bt_row bt_rows[] = {
	{ "durable sends/s", "smsg-send", "rps", "smtpd-smtp", "rps",
	  "/s", BT_RATIO_MIN, 5 },
	{ "durable sends/s, 1 sender", "smsg-send-1", "rps", "rawdb-1",
	  "rps", "/s", BT_RATIO_MIN, 0.7 },
	{ "durable sends/s, 16 senders", "smsg-send-16", "rps", "rawdb-16",
	  "rps", "/s", BT_RATIO_MIN, 0.7 },
	{ "message reads/s", "smsg-read", "rps", "nginx-static-1k", "rps",
	  "/s", BT_RATIO_MIN, 0.5 },
	{ "GET /api/v1/me/s (stand-in)", "smsg-me", "rps", "nginx-static-1k",
	  "rps", "/s", BT_NONE, 0 },
	{ "logins/s", "smsg-login", "rps", "scrypt", "rps", "/s",
	  BT_RATIO_MIN, 0.9 },
	{ "new connections/s, resumed", "smsg-handshake-resume", "rps",
	  "nginx-static-1k-resume", "rps", "/s", BT_RATIO_MIN, 0.9 },
	{ "new connections/s, full handshake", "smsg-handshake",
	  "rps", "nginx-static-1k-new", "rps", "/s", BT_RATIO_MIN, 0.9 },
	{ "10 MiB download MB/s", "smsg-download", "mb_s", "nginx-static-10m",
	  "mb_s", "MB/s", BT_RATIO_MIN, 0.6 },
	{ "10 MiB upload MB/s", "smsg-upload", "mb_s", "nginx-discard-10m",
	  "mb_s", "MB/s", BT_RATIO_MIN, 0.5 },
	{ "p99 send latency at half peak", "smsg-send-half", "latency_ms.p99",
	  NULL, NULL, "ms", BT_BELOW, 10 },
	{ "inbox lists/s", "smsg-list", "rps", NULL, NULL, "/s", BT_NONE, 0 },
	{ "mixed requests/s", "smsg-mixed", "rps", NULL, NULL, "/s", BT_NONE,
	  0 },
	{ "memory per idle event connection", "smsg-idle-events",
	  "kib_per_conn", NULL, NULL, "KiB", BT_MAX, 32 },
	{ "event to every stream", "smsg-idle-events", "event_ms", NULL, NULL,
	  "ms", BT_NONE, 0 },
	{ "resident memory, idle after start", "smsg-memory", "idle_mib",
	  NULL, NULL, MIB, BT_MAX, 32 },
	{ "resident memory, after the benchmark", "smsg-memory", "after_mib",
	  NULL, NULL, MIB, BT_MAX, 64 },
};
const size_t bt_nrows = sizeof(bt_rows) / sizeof(bt_rows[0]);

/* "a.b": the member b of the member a. */
static json_t *
metric_of(json_t *run, const char *metric)
{
	char		 part[64];
	const char	*dot;
	json_t		*j = run;

	while (j != NULL && (dot = strchr(metric, '.')) != NULL) {
		if ((size_t)(dot - metric) >= sizeof(part))
			return NULL;
		memcpy(part, metric, (size_t)(dot - metric));
		part[dot - metric] = '\0';
		j = json_object_get(j, part);
		metric = dot + 1;
	}
	return j == NULL ? NULL : json_object_get(j, metric);
}

int
bt_metric(json_t *results, const char *run, const char *metric,
    double *out, char *why, size_t whylen)
{
	json_t		*r = json_object_get(results, run), *v, *reason;
	char		 key[80];

	if (r == NULL) {
		snprintf(why, whylen, "not measured");
		return -1;
	}
	if (json_is_false(json_object_get(r, "available"))) {
		reason = json_object_get(r, "reason");
		snprintf(why, whylen, "%s", json_is_string(reason) ?
		    json_string_value(reason) : "not available");
		return -1;
	}
	v = metric_of(r, metric);
	if (!json_is_number(v) || json_number_value(v) < 0) {
		/* a run may say why one of its figures is missing */
		snprintf(key, sizeof(key), "%s_missing", metric);
		reason = json_object_get(r, key);
		if (json_is_string(reason))
			snprintf(why, whylen, "%s", json_string_value(reason));
		else
			snprintf(why, whylen, "no %s in %s", metric, run);
		return -1;
	}
	*out = json_number_value(v);
	return 0;
}

void
bt_eval(json_t *results, const struct bt_row *row, struct bt_eval *e)
{
	json_t	*r;

	memset(e, 0, sizeof(*e));
	e->met = -1;
	e->have = bt_metric(results, row->run, row->metric, &e->value,
	    e->why, sizeof(e->why)) == 0;
	if (row->ref_run != NULL) {
		e->ref_have = bt_metric(results, row->ref_run,
		    row->ref_metric, &e->ref_value, e->ref_why,
		    sizeof(e->ref_why)) == 0;
		r = json_object_get(json_object_get(results, row->ref_run),
		    "server");
		snprintf(e->ref_name, sizeof(e->ref_name), "%s",
		    json_is_string(r) ? json_string_value(r) : row->ref_run);
	}
	if (e->have && e->ref_have && e->ref_value > 0)
		e->ratio = e->value / e->ref_value;
	switch (row->goal) {
	case BT_RATIO_MIN:
		if (e->have && e->ref_have && e->ref_value > 0)
			e->met = e->ratio >= row->target;
		break;
	case BT_MAX:
		if (e->have)
			e->met = e->value <= row->target;
		break;
	case BT_BELOW:
		if (e->have)
			e->met = e->value < row->target;
		break;
	case BT_NONE:
		break;
	}
}

static void
format_figure(char *buf, size_t len, double v, const char *unit)
{
	if (v >= 100)
		snprintf(buf, len, "%.0f %s", v, unit);
	else
		snprintf(buf, len, "%.3g %s", v, unit);
}

static void
format_target(char *buf, size_t len, const struct bt_row *row)
{
	switch (row->goal) {
	case BT_RATIO_MIN:
		snprintf(buf, len, ">= %gx", row->target);
		break;
	case BT_MAX:
		snprintf(buf, len, "<= %g %s", row->target, row->unit);
		break;
	case BT_BELOW:
		snprintf(buf, len, "< %g %s", row->target, row->unit);
		break;
	case BT_NONE:
		snprintf(buf, len, "-");
		break;
	}
}

static void
print_row(FILE *f, json_t *results, const struct bt_row *row)
{
	struct bt_eval	 e;
	char		 v[48], rv[48], ratio[24], target[32];

	bt_eval(results, row, &e);
	if (e.have)
		format_figure(v, sizeof(v), e.value, row->unit);
	else
		snprintf(v, sizeof(v), "n/a");
	if (row->ref_run == NULL)
		snprintf(rv, sizeof(rv), "-");
	else if (e.ref_have)
		format_figure(rv, sizeof(rv), e.ref_value, row->unit);
	else
		snprintf(rv, sizeof(rv), "n/a");
	if (e.have && e.ref_have && e.ref_value > 0)
		snprintf(ratio, sizeof(ratio), "%.2fx", e.ratio);
	else
		snprintf(ratio, sizeof(ratio), "-");
	format_target(target, sizeof(target), row);
	fprintf(f, "%-37s %14s  %-20s %14s %8s %12s %s\n", row->label, v,
	    row->ref_run != NULL ? e.ref_name : "-", rv, ratio, target,
	    e.met == 1 ? "met" : e.met == 0 ? "NOT MET" : "");
	if (!e.have)
		fprintf(f, "    smsg: %s\n", e.why);
	if (row->ref_run != NULL && !e.ref_have)
		fprintf(f, "    %s: %s\n", e.ref_name, e.ref_why);
}

/* CPU time per operation of each process, and its peak memory. */
static void
print_procs(FILE *f, json_t *results)
{
	const char	*name;
	json_t		*run, *p;
	size_t		 i;

	fprintf(f, "\nper process: CPU microseconds per operation, peak "
	    "resident memory (VmHWM)\n");
	json_object_foreach(results, name, run) {
		if (strncmp(name, "smsg-", 5) != 0 ||
		    json_array_size(json_object_get(run, "procs")) == 0 ||
		    json_is_false(json_object_get(run, "available")))
			continue;
		fprintf(f, "  %-18s", name + 5);
		json_array_foreach(json_object_get(run, "procs"), i, p)
			fprintf(f, " %s %.0f us %.1f MiB",
			    json_string_value(json_object_get(p, "name")),
			    json_number_value(json_object_get(p,
			    "cpu_us_per_op")),
			    json_number_value(json_object_get(p,
			    "hwm_kib")) / 1024);
		fprintf(f, "\n");
	}
}

/* Resident memory of each process, idle after start and at the end. */
static void
print_memory(FILE *f, json_t *results)
{
	static const char	*when[] = { "idle", "after" };
	const char		*name;
	json_t			*m, *v;
	size_t			 i;

	for (i = 0; i < 2; i++) {
		m = json_object_get(json_object_get(results, "smsg-memory"),
		    when[i]);
		if (!json_is_object(m))
			continue;
		fprintf(f, "  resident MiB, %-5s", when[i]);
		json_object_foreach(m, name, v)
			fprintf(f, " %s %.1f", name, json_number_value(v));
		fprintf(f, "\n");
	}
}

void
bt_print(FILE *f, json_t *results, const struct bt_row *rows, size_t n)
{
	json_t	*m = json_object_get(results, "machine");
	size_t	 i;

	fprintf(f, "machine: %lld cores, %s, kernel %s\n",
	    (long long)json_integer_value(json_object_get(m, "cores")),
	    json_is_string(json_object_get(m, "cpu")) ?
	    json_string_value(json_object_get(m, "cpu")) : "unknown CPU",
	    json_is_string(json_object_get(m, "kernel")) ?
	    json_string_value(json_object_get(m, "kernel")) : "unknown");
	fprintf(f, "%-37s %14s  %-20s %14s %8s %12s\n", "workload", "smsg",
	    "reference", "reference's", "ratio", "target");
	for (i = 0; i < n; i++)
		print_row(f, results, &rows[i]);
	print_procs(f, results);
	print_memory(f, results);
}

static json_t *
num_or_null(int have, double v)
{
	return have ? json_real(v) : json_null();
}

json_t *
bt_json(json_t *results, const struct bt_row *rows, size_t n)
{
	json_t		*out = json_object(), *arr = json_array(), *o;
	struct bt_eval	 e;
	char		 target[32];
	size_t		 i;

	for (i = 0; i < n; i++) {
		bt_eval(results, &rows[i], &e);
		format_target(target, sizeof(target), &rows[i]);
		o = json_pack("{s:s, s:s, s:o, s:s}", "workload",
		    rows[i].label, "unit", rows[i].unit, "smsg",
		    num_or_null(e.have, e.value), "target", target);
		if (!e.have)
			json_object_set_new(o, "smsg_missing",
			    json_string(e.why));
		if (rows[i].ref_run != NULL) {
			json_object_set_new(o, "reference",
			    json_string(e.ref_name));
			json_object_set_new(o, "reference_value",
			    num_or_null(e.ref_have, e.ref_value));
			if (!e.ref_have)
				json_object_set_new(o, "reference_missing",
				    json_string(e.ref_why));
			json_object_set_new(o, "ratio", num_or_null(e.have &&
			    e.ref_have && e.ref_value > 0, e.ratio));
		}
		json_object_set_new(o, "met", e.met == -1 ? json_null() :
		    json_boolean(e.met));
		json_array_append_new(arr, o);
	}
	json_object_set(out, "machine", json_object_get(results, "machine"));
	json_object_set_new(out, "rows", arr);
	json_object_set(out, "runs", results);
	return out;
}
