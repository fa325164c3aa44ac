/*
 * Test builds only: probes that must be refused by the sandbox, and
 * knobs (SMSG_TEST_<NAME> in the environment) that make a failure come
 * where a test wants it.
 */
#ifndef SMSG_TESTHOOK_H
#define SMSG_TESTHOOK_H

#include "proto.h"

void	testhook_probe(enum proc_id);
void	testhook_threads(enum proc_id);
void	testhook_running(enum proc_id);
long	testhook_knob(const char *);

#endif
