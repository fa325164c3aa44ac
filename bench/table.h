/*
 * The benchmark's table: each row sets one of smsg's figures beside a
 * reference's from the same run, with the ratio and the target of the
 * performance issue; written as text for people and as JSON.
 *
 * Results are a JSON object of named runs ("smsg-send", "nginx-static-1k",
 * ...), each the object loadgen, rawdb or scrypt printed.  A run that is
 * missing, or says "available": false, gives no figure: the row says why.
 */
#ifndef BENCH_TABLE_H
#define BENCH_TABLE_H

#include <stdio.h>

#include <jansson.h>

enum bt_goal {
	BT_NONE,		/* shown for orientation */
	BT_RATIO_MIN,		/* smsg / reference >= target */
	BT_MAX,			/* smsg's own figure <= target */
	BT_BELOW,		/* smsg's own figure < target */
};

struct bt_row {
	const char	*label;
	const char	*run;		/* smsg's run */
	const char	*metric;	/* "rps", "mb_s", "latency_ms.p99" */
	const char	*ref_run;	/* NULL: no reference */
	const char	*ref_metric;
	const char	*unit;
	enum bt_goal	 goal;
	double		 target;
};

/* A row's figures once evaluated against the results. */
struct bt_eval {
	int		 have, ref_have;
	double		 value, ref_value, ratio;
	int		 met;		/* -1: no verdict */
	char		 why[160];	/* why a figure is missing */
	char		 ref_why[160];
	char		 ref_name[64];
};

extern const struct bt_row	 bt_rows[];
extern const size_t		 bt_nrows;

/* A metric of a run: 0 and *out, or -1 with the reason in why. */
int	 bt_metric(json_t *results, const char *run, const char *metric,
	    double *out, char *why, size_t whylen);
void	 bt_eval(json_t *results, const struct bt_row *, struct bt_eval *);
/* The table as text; the machine line comes from results["machine"]. */
void	 bt_print(FILE *, json_t *results, const struct bt_row *, size_t);
/* The same as JSON: machine, rows, and every run's figures. */
json_t	*bt_json(json_t *results, const struct bt_row *, size_t);

#endif
