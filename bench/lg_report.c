/* loadgen's report: one JSON object on standard output. */
#include "config.h"

#include <stdio.h>

#include <jansson.h>

#include "loadgen.h"

static json_t *
report_procs(struct lg *lg, uint64_t ops)
{
	json_t		*a = json_array();
	struct lg_proc	*p;
	double		 cpu;
	int		 i;

	for (i = 0; i < lg->nprocs; i++) {
		p = &lg->procs[i];
		cpu = p->cpu0 >= 0 && p->cpu1 >= 0 ? p->cpu1 - p->cpu0 : -1;
		json_array_append_new(a, json_pack("{s:s, s:i, s:f, s:f, "
		    "s:I, s:I, s:I}", "name", p->name, "pid", p->pid,
		    "cpu_s", cpu, "cpu_us_per_op",
		    ops > 0 && cpu >= 0 ? cpu * 1e6 / (double)ops : -1.0,
		    "rss_kib_before", (json_int_t)p->rss0,
		    "rss_kib_after", (json_int_t)p->rss1,
		    "hwm_kib", (json_int_t)p->hwm));
	}
	return a;
}

static json_t *
report_latency(const struct hist *h)
{
	return json_pack("{s:f, s:f, s:f, s:f}",
	    "p50", (double)hist_percentile(h, 50) / 1e3,
	    "p99", (double)hist_percentile(h, 99) / 1e3,
	    "p999", (double)hist_percentile(h, 99.9) / 1e3,
	    "max", (double)h->max / 1e3);
}

/*
 * The streams' memory is a figure as soon as they open; the delivery of
 * one event to all of them needs the message route as well.
 */
static void
report_events(struct lg *lg, json_t *o)
{
	json_object_set_new(o, "streams", json_integer(lg->streams_open));
	json_object_set_new(o, "delivered", json_integer(lg->streams_got));
	json_object_set_new(o, "event_ms", json_real(
	    lg->streams_got > 0 && lg->streams_got >= lg->streams_open ?
	    lg->event_ms : -1.0));
	if (lg->streams_open == 0)
		json_object_set_new(o, "kib_per_conn_missing", json_string(
		    "no event stream opened (see errors)"));
	if (lg->saw404 && lg->streams_open > 0)
		json_object_set_new(o, "event_ms_missing", json_string(
		    "not available (the daemon answered 404): POST "
		    "/api/v1/messages"));
	else if (lg->streams_got < lg->streams_open)
		json_object_set_new(o, "event_ms_missing", json_sprintf(
		    "%d of %d streams had the event", lg->streams_got,
		    lg->streams_open));
	json_object_set_new(o, "kib_per_conn", json_real(
	    lg->streams_open > 0 && lg->rss_after > 0 ?
	    (double)(lg->rss_after - lg->rss_before) / lg->streams_open :
	    -1.0));
}

/* "413: 4, reset: 1419" */
static char *
errors_text(json_t *errs)
{
	static char	 buf[256];
	const char	*k;
	json_t		*v;
	size_t		 n = 0;

	buf[0] = '\0';
	json_object_foreach(errs, k, v) {
		n += (size_t)snprintf(buf + n, n < sizeof(buf) ?
		    sizeof(buf) - n : 0, "%s%s: %lld", n ? ", " : "", k,
		    (long long)json_integer_value(v));
		if (n >= sizeof(buf))
			break;
	}
	return n ? buf : "no answer";
}

int
lg_report(struct lg *lg, const char *label)
{
	json_t		*o, *errs;
	double		 el = lg->t_last - lg->t_start;
	uint64_t	 ok = lg->ok, bytes = lg->bytes_ok;
	uint64_t	 ops;
	int		 i, avail;

	if (lg->closed) {	/* what was answered within the time */
		el = lg->t_close - lg->t_start;
		ok = lg->ok_close;
		bytes = lg->bytes_close;
	}
	ops = lg->w->stream ? (uint64_t)lg->streams_open : ok;

	if (el <= 1e-6)
		el = 0;		/* nothing was answered: no rate */
	errs = json_object();
	for (i = 0; i < lg->nerrs; i++)
		json_object_set_new(errs, lg->errs[i].key,
		    json_integer((json_int_t)lg->errs[i].n));
	/* nothing answered well (a route the server lacks, say): no figure */
	avail = lg->ok > 0;
	if (lg->w->stream)
		avail = lg->streams_open > 0 || !lg->saw404;
	o = json_pack("{s:s, s:s, s:s, s:b, s:i, s:f, s:I, s:I, s:o}",
	    "workload", lg->w->name, "what", lg->w->what, "server", label,
	    "available", avail, "conns", lg->nconns, "duration_s", el,
	    "requests", (json_int_t)lg->done, "ok", (json_int_t)lg->ok,
	    "errors", errs);
	if (!avail && lg->saw404)
		json_object_set_new(o, "reason", json_sprintf("not available "
		    "(the daemon answered 404): %s", lg->w->what));
	else if (!avail)
		json_object_set_new(o, "reason", json_sprintf("no request "
		    "was answered well (%s): %s", errors_text(errs),
		    lg->w->what));
	if (lg->w->newconn) {
		json_object_set_new(o, "handshakes",
		    json_integer((json_int_t)lg->handshakes));
		json_object_set_new(o, "resumed",
		    json_integer((json_int_t)lg->resumed));
	}
	json_object_set_new(o, "ok_in_time", json_integer((json_int_t)ok));
	json_object_set_new(o, "rps", json_real(el > 0 ? (double)ok / el : 0));
	json_object_set_new(o, "mb_s", json_real(el > 0 ?
	    (double)bytes / el / 1e6 : 0));
	json_object_set_new(o, "latency_ms", report_latency(&lg->hist));
	json_object_set_new(o, "procs", report_procs(lg, ops));
	if (lg->w->stream)
		report_events(lg, o);
	if (json_dumpf(o, stdout, JSON_INDENT(1)) == -1)
		return 1;
	putchar('\n');
	json_decref(o);
	return 0;
}
