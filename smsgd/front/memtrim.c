/*
 * Memory back to the system after load.  A burst of connections (ten
 * thousand live event streams, say) leaves the allocator holding what
 * they used once they close: glibc keeps it, so the front would stay at
 * its peak for good.  Two things hand it back:
 *
 * - memtrim_init fixes the allocator's thresholds.  By default glibc
 *   raises them as large blocks come and go (a 10 MiB upload's buffers:
 *   up to 32 MiB for mmap and 64 MiB for trimming), after which large
 *   blocks stay in the arenas and their free tops are kept.  It also
 *   keeps every thread on the one main arena: glibc gives each thread an
 *   arena of its own, and malloc_trim cannot shrink the free top of a
 *   thread's arena (only free() does, above the trim threshold), so
 *   after a burst each arena kept its top and its fragments: 39 MiB
 *   resident in four arenas holding 4 MiB in use.  The workers take
 *   their small blocks from their per-thread caches without the lock,
 *   and the one arena's top is returned whole.
 * - memtrim_tick, every MEMTRIM_EVERY ticks, looks at what the arenas
 *   hold free; once that has grown by MEMTRIM_GROWN since the least it
 *   held after the last trim (connections closed), malloc_trim returns
 *   the free pages inside every arena.
 *
 * No-ops where the C library returns memory on its own.
 */
#include "config.h"

#ifdef HAVE_MALLOC_H
#include <malloc.h>
#endif

#include "log.h"
#include "server_impl.h"

#define MEMTRIM_EVERY	20		/* ticks: 5 s */
#define MEMTRIM_GROWN	(4UL << 20)	/* bytes more free than the least */
#define MEMTRIM_MMAP	(1 << 20)	/* blocks this large are mapped */
#define MEMTRIM_TOP	(4 << 20)	/* an arena's free top kept */

void
memtrim_init(void)
{
#if defined(HAVE_MALLOC_TRIM) && defined(M_TRIM_THRESHOLD)
	if (mallopt(M_MMAP_THRESHOLD, MEMTRIM_MMAP) != 1 ||
	    mallopt(M_TRIM_THRESHOLD, MEMTRIM_TOP) != 1)
		log_warnx("mallopt: memory may not be returned after load");
#endif
#if defined(HAVE_MALLOC_TRIM) && defined(M_ARENA_MAX)
	if (mallopt(M_ARENA_MAX, 1) != 1)
		log_warnx("mallopt: threads keep arenas of their own");
#endif
}

void
memtrim_tick(void)
{
#if defined(HAVE_MALLOC_TRIM) && defined(HAVE_MALLINFO2)
	static unsigned int	 n;
	static size_t		 least;
	struct mallinfo2	 mi;

	if (++n < MEMTRIM_EVERY)
		return;
	n = 0;
	mi = mallinfo2();
	if (mi.fordblks < least)
		least = mi.fordblks;
	if (mi.fordblks - least < MEMTRIM_GROWN)
		return;
	malloc_trim(0);
	log_debug("returned free memory: %zu KiB free, %zu KiB in use",
	    mi.fordblks >> 10, mi.uordblks >> 10);
	/* what is free now is returned: only more free counts next time */
	least = mi.fordblks;
#endif
}
