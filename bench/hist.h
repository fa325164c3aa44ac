/*
 * A latency histogram in the manner of HdrHistogram: buckets whose width
 * doubles every 64 values, so any recorded value is known to within 1/64
 * (about 1.6 %) whatever its size, in a fixed array, with no allocation
 * while recording.  Values are microseconds.
 */
#ifndef BENCH_HIST_H
#define BENCH_HIST_H

#include <stdint.h>

#define HIST_SUBBITS	6
#define HIST_SUB	(1 << HIST_SUBBITS)
#define HIST_MAXSHIFT	32	/* values up to about 2^38 µs are exact enough */
#define HIST_NBUCKETS	((HIST_MAXSHIFT + 2) * HIST_SUB)

struct hist {
	uint64_t	 count[HIST_NBUCKETS];
	uint64_t	 total;
	uint64_t	 min, max;
};

void		 hist_init(struct hist *);
void		 hist_record(struct hist *, uint64_t);
void		 hist_merge(struct hist *, const struct hist *);
/* The value at or below which pct percent of the recorded values lie. */
uint64_t	 hist_percentile(const struct hist *, double pct);

#endif
