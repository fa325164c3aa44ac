/* The latency histogram of hist.h. */
#include <string.h>

#include "hist.h"

static int
msb(uint64_t v)
{
	int	 n = 0;

	while (v >>= 1)
		n++;
	return n;
}

static unsigned int
hist_index(uint64_t v)
{
	int	 shift = msb(v | 1) - HIST_SUBBITS;

	if (shift <= 0)
		return (unsigned int)v;
	if (shift > HIST_MAXSHIFT) {
		shift = HIST_MAXSHIFT;
		v = ((uint64_t)2 * HIST_SUB << shift) - 1;
	}
	return (unsigned int)(shift * HIST_SUB + (v >> shift));
}

/* The largest value that falls into bucket i. */
static uint64_t
hist_bucket_top(unsigned int i)
{
	unsigned int	 shift, sub;

	if (i < 2 * HIST_SUB)
		return i;
	shift = i / HIST_SUB - 1;
	sub = i - shift * HIST_SUB;
	return (((uint64_t)sub + 1) << shift) - 1;
}

void
hist_init(struct hist *h)
{
	memset(h, 0, sizeof(*h));
}

void
hist_record(struct hist *h, uint64_t v)
{
	h->count[hist_index(v)]++;
	if (h->total == 0 || v < h->min)
		h->min = v;
	if (v > h->max)
		h->max = v;
	h->total++;
}

void
hist_merge(struct hist *to, const struct hist *from)
{
	unsigned int	 i;

	if (from->total == 0)
		return;
	for (i = 0; i < HIST_NBUCKETS; i++)
		to->count[i] += from->count[i];
	if (to->total == 0 || from->min < to->min)
		to->min = from->min;
	if (from->max > to->max)
		to->max = from->max;
	to->total += from->total;
}

uint64_t
hist_percentile(const struct hist *h, double pct)
{
	uint64_t	 want, seen = 0, top;
	unsigned int	 i;

	if (h->total == 0)
		return 0;
	if (pct <= 0)
		return h->min;
	want = (uint64_t)(pct / 100.0 * (double)h->total + 0.999999);
	if (want > h->total)
		want = h->total;
	for (i = 0; i < HIST_NBUCKETS; i++) {
		seen += h->count[i];
		if (seen >= want) {
			top = hist_bucket_top(i);
			/* the last bucket holds every larger value too */
			if (top > h->max || i == HIST_NBUCKETS - 1)
				top = h->max;
			return top < h->min ? h->min : top;
		}
	}
	return h->max;
}
