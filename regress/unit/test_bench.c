/*
 * The benchmark's own arithmetic: the latency histogram (bench/hist.c)
 * and the table (bench/table.c) that sets smsg's figures beside the
 * references', as text and as JSON.  No speed is measured here.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hist.h"
#include "table.h"
#pragma GCC diagnostic ignored "-Wunused-function"
#include "tap.h"

/* Every value is found within the histogram's precision, 1/64. */
static int
within(uint64_t got, uint64_t want)
{
	uint64_t	 slack = want / 64 + 1;

	return got + slack >= want && got <= want + slack;
}

static void
test_hist(void)
{
	struct hist	 h, a, b;
	uint64_t	 v;

	hist_init(&h);
	tap_ok(hist_percentile(&h, 50) == 0, "empty histogram: 0");
	for (v = 1; v <= 1000; v++)
		hist_record(&h, v);
	tap_ok(h.total == 1000 && h.min == 1 && h.max == 1000,
	    "count, min and max of 1..1000");
	tap_ok(within(hist_percentile(&h, 50), 500),
	    "p50 of 1..1000 is 500 (%llu)",
	    (unsigned long long)hist_percentile(&h, 50));
	tap_ok(within(hist_percentile(&h, 99), 990),
	    "p99 of 1..1000 is 990 (%llu)",
	    (unsigned long long)hist_percentile(&h, 99));
	tap_ok(within(hist_percentile(&h, 99.9), 999),
	    "p99.9 of 1..1000 is 999 (%llu)",
	    (unsigned long long)hist_percentile(&h, 99.9));
	tap_ok(hist_percentile(&h, 100) == 1000, "p100 is the maximum");
	tap_ok(hist_percentile(&h, 0) == 1, "p0 is the minimum");

	/* a long tail: 990 fast values and 10 slow ones */
	hist_init(&h);
	for (v = 0; v < 990; v++)
		hist_record(&h, 100);
	for (v = 0; v < 10; v++)
		hist_record(&h, 5000000);
	tap_ok(hist_percentile(&h, 99) == 100, "p99 below the tail: 100");
	tap_ok(within(hist_percentile(&h, 99.9), 5000000),
	    "p99.9 in the tail: 5 s (%llu)",
	    (unsigned long long)hist_percentile(&h, 99.9));

	/* huge values stay in range; small ones are exact */
	hist_init(&h);
	hist_record(&h, UINT64_MAX);
	hist_record(&h, 3);
	tap_ok(hist_percentile(&h, 50) == 3, "small values are exact");
	tap_ok(hist_percentile(&h, 100) == UINT64_MAX,
	    "the largest value is clamped into the last bucket, max kept");

	/* merging two halves gives the whole */
	hist_init(&a);
	hist_init(&b);
	hist_init(&h);
	for (v = 1; v <= 2000; v++) {
		hist_record(v % 2 ? &a : &b, v * 37);
		hist_record(&h, v * 37);
	}
	hist_merge(&a, &b);
	tap_ok(a.total == h.total && a.min == h.min && a.max == h.max &&
	    hist_percentile(&a, 99) == hist_percentile(&h, 99) &&
	    memcmp(a.count, h.count, sizeof(a.count)) == 0,
	    "merged halves equal the whole");
}

static const struct bt_row	 rows[] = {
	{ "sends", "smsg-send", "rps", "smtpd-smtp", "rps", "/s",
	  BT_RATIO_MIN, 5 },
	{ "reads", "smsg-read", "rps", "nginx-1k", "rps", "/s",
	  BT_RATIO_MIN, 0.5 },
	{ "p99", "smsg-send", "latency_ms.p99", NULL, NULL, "ms", BT_BELOW,
	  10 },
	{ "memory", "smsg-mem", "idle_mib", NULL, NULL, "MiB", BT_MAX, 32 },
	{ "absent", "smsg-none", "rps", "nginx-none", "rps", "/s",
	  BT_RATIO_MIN, 1 },
};

static json_t *
results(void)
{
	return json_pack("{s:{s:i, s:s, s:s}, "
	    "s:{s:b, s:f, s:{s:f}}, s:{s:b, s:s, s:f}, "
	    "s:{s:b, s:s, s:f}, s:{s:b, s:s}, s:{s:f}}",
	    "machine", "cores", 2, "kernel", "Linux 6.1", "cpu", "test CPU",
	    "smsg-send", "available", 1, "rps", 6000.0, "latency_ms",
	    "p99", 12.5,
	    "smtpd-smtp", "available", 1, "server", "OpenSMTPD", "rps",
	    1000.0,
	    "nginx-1k", "available", 1, "server", "nginx", "rps", 40000.0,
	    "smsg-read", "available", 0, "reason",
	    "not available (the daemon answered 404)",
	    "smsg-mem", "idle_mib", 30.0);
}

/* The memory lines read smsg-memory, by that name. */
static void
test_memory_lines(void)
{
	json_t	*r = json_pack("{s:{s:f, s:{s:f, s:f}}}", "smsg-memory",
	    "idle_mib", 10.5, "idle", "smsg-front", 8.5, "all", 10.5);
	char	*text = NULL;
	size_t	 len = 0;
	FILE	*f = open_memstream(&text, &len);

	bt_print(f, r, rows, 0);
	fclose(f);
	tap_ok(strstr(text, "resident MiB, idle  smsg-front 8.5 all 10.5") !=
	    NULL, "each process's resident memory is shown");
	if (strstr(text, "resident MiB") == NULL)
		tap_diag("%s", text);
	free(text);
	json_decref(r);
}

static void
test_table(void)
{
	json_t		*r = results(), *j, *row;
	struct bt_eval	 e;
	char		*text = NULL;
	size_t		 len = 0;
	FILE		*f;
	double		 v;
	char		 why[160];

	tap_ok(bt_metric(r, "smsg-send", "latency_ms.p99", &v, why,
	    sizeof(why)) == 0 && v == 12.5, "a nested metric is found");
	json_object_set_new(json_object_get(r, "smsg-mem"), "after_mib",
	    json_real(-1));
	json_object_set_new(json_object_get(r, "smsg-mem"),
	    "after_mib_missing", json_string("the daemon died"));
	tap_ok(bt_metric(r, "smsg-mem", "after_mib", &v, why, sizeof(why)) ==
	    -1 && strcmp(why, "the daemon died") == 0,
	    "a run says why one of its figures is missing");
	tap_ok(bt_metric(r, "smsg-mem", "nothing", &v, why, sizeof(why)) ==
	    -1 && strcmp(why, "no nothing in smsg-mem") == 0,
	    "an absent figure is named");
	tap_ok(bt_metric(r, "smsg-x", "rps", &v, why, sizeof(why)) == -1 &&
	    strcmp(why, "not measured") == 0, "a missing run: not measured");
	tap_ok(bt_metric(r, "smsg-read", "rps", &v, why, sizeof(why)) == -1 &&
	    strstr(why, "answered 404") != NULL,
	    "an unavailable run gives its reason, no figure");

	bt_eval(r, &rows[0], &e);
	tap_ok(e.have && e.ref_have && e.ratio == 6.0 && e.met == 1,
	    "6000 against 1000 is 6x, target 5x met");
	tap_ok(strcmp(e.ref_name, "OpenSMTPD") == 0,
	    "the reference is named by its server");
	bt_eval(r, &rows[1], &e);
	tap_ok(!e.have && e.ref_have && e.met == -1,
	    "no smsg figure: no ratio, no verdict");
	bt_eval(r, &rows[2], &e);
	tap_ok(e.have && e.met == 0, "p99 12.5 ms against < 10 ms: not met");
	bt_eval(r, &rows[3], &e);
	tap_ok(e.have && e.met == 1, "30 MiB against <= 32 MiB: met");
	bt_eval(r, &rows[4], &e);
	tap_ok(!e.have && !e.ref_have && e.met == -1,
	    "neither measured: no verdict");

	f = open_memstream(&text, &len);
	bt_print(f, r, rows, sizeof(rows) / sizeof(rows[0]));
	fclose(f);
	tap_ok(strstr(text, "machine: 2 cores, test CPU, kernel Linux 6.1")
	    != NULL, "the text names the machine");
	tap_ok(strstr(text, "6.00x") != NULL && strstr(text, " met") != NULL,
	    "the text gives the ratio and the verdict");
	tap_ok(strstr(text, "NOT MET") != NULL, "and says what is not met");
	tap_ok(strstr(text, "smsg: not available (the daemon answered 404)")
	    != NULL, "and why a figure is missing");
	free(text);

	j = bt_json(r, rows, sizeof(rows) / sizeof(rows[0]));
	tap_ok(json_array_size(json_object_get(j, "rows")) == 5,
	    "JSON: one row per row");
	row = json_array_get(json_object_get(j, "rows"), 0);
	tap_ok(json_real_value(json_object_get(row, "ratio")) == 6.0 &&
	    json_is_true(json_object_get(row, "met")) &&
	    strcmp(json_string_value(json_object_get(row, "target")),
	    ">= 5x") == 0, "JSON: ratio, verdict and target");
	row = json_array_get(json_object_get(j, "rows"), 1);
	tap_ok(json_is_null(json_object_get(row, "smsg")) &&
	    json_is_null(json_object_get(row, "ratio")) &&
	    json_is_null(json_object_get(row, "met")) &&
	    json_is_string(json_object_get(row, "smsg_missing")),
	    "JSON: a missing figure is null, with the reason");
	tap_ok(json_integer_value(json_object_get(json_object_get(j,
	    "machine"), "cores")) == 2, "JSON: the machine");
	tap_ok(json_object_get(json_object_get(j, "runs"), "smsg-send") !=
	    NULL, "JSON: every run's figures");
	json_decref(j);
	json_decref(r);
}

int
main(void)
{
	test_hist();
	test_table();
	test_memory_lines();
	return tap_done();
}
