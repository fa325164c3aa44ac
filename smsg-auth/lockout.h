#ifndef STUB_LOCKOUT
#define STUB_LOCKOUT
#include <stddef.h>
#include <stdint.h>
#include <time.h>
struct lockout_policy { uint32_t threshold, base_delay, max_delay; };
struct lockout_state { uint32_t failures; uint64_t last_failure;
	uint64_t hour_start; uint32_t hour_count; };
uint32_t lockout_wait(const struct lockout_policy *, const struct lockout_state *, time_t now);
void	lockout_fail(const struct lockout_policy *, struct lockout_state *, time_t now);
void	lockout_success(struct lockout_state *);
struct addrthrottle;
struct addrthrottle *addrthrottle_new(size_t max_entries);
uint32_t addrthrottle_wait(struct addrthrottle *, const char *addr, time_t now);
void	addrthrottle_fail(struct addrthrottle *, const char *addr, time_t now);
void	addrthrottle_success(struct addrthrottle *, const char *addr);
#endif
