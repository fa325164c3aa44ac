/*
 * Memory back to the system after load.  A burst of connections (ten
 * thousand live event streams, say) leaves the allocator's arenas full
 * of free chunks once they close: glibc keeps them, so the front would
 * stay at its peak for good.  Every MEMTRIM_EVERY ticks the main thread
 * compares what is in use with the most in use since it last trimmed;
 * once MEMTRIM_DROP has been freed, it hands the free pages back
 * (malloc_trim walks every arena, the workers' too).  A no-op where the
 * C library returns memory on its own.
 */
#include "config.h"

#ifdef HAVE_MALLOC_H
#include <malloc.h>
#endif

#include "log.h"
#include "server_impl.h"

#define MEMTRIM_EVERY	20		/* ticks: 5 s */
#define MEMTRIM_DROP	(4UL << 20)	/* bytes freed since the peak */

void
memtrim_tick(void)
{
#if defined(HAVE_MALLOC_TRIM) && defined(HAVE_MALLINFO2)
	static unsigned int	 n;
	static size_t		 peak;
	struct mallinfo2	 mi;

	if (++n < MEMTRIM_EVERY)
		return;
	n = 0;
	mi = mallinfo2();
	if (mi.uordblks > peak)
		peak = mi.uordblks;
	if (peak - mi.uordblks < MEMTRIM_DROP)
		return;
	malloc_trim(0);
	log_debug("returned free memory: %zu KiB in use, %zu KiB at the "
	    "peak", mi.uordblks >> 10, peak >> 10);
	peak = mi.uordblks;
#endif
}
