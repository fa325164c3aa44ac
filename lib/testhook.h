/* Test builds only: probes that must be refused by the sandbox. */
#ifndef SMSG_TESTHOOK_H
#define SMSG_TESTHOOK_H

#include "proto.h"

void	testhook_probe(enum proc_id);
void	testhook_threads(enum proc_id);
void	testhook_running(enum proc_id);

#endif
