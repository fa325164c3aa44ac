/*
 * loadgen's figures of the server's processes, from /proc: CPU seconds
 * (utime + stime of every thread) at the start and end of the measured
 * time, resident memory then, and the peak resident memory (VmHWM).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "loadgen.h"

/* NAME:PID */
int
lg_proc_add(struct lg *lg, const char *arg)
{
	struct lg_proc	*p;
	const char	*colon = strrchr(arg, ':');
	char		*end;
	long		 pid;

	if (colon == NULL || lg->nprocs == LG_MAXPROCS ||
	    (size_t)(colon - arg) >= sizeof(p->name))
		return -1;
	pid = strtol(colon + 1, &end, 10);
	if (*end != '\0' || pid <= 0 || pid > 1 << 22)
		return -1;
	p = &lg->procs[lg->nprocs++];
	memset(p, 0, sizeof(*p));
	memcpy(p->name, arg, (size_t)(colon - arg));
	p->pid = (int)pid;
	return 0;
}

static double
proc_cpu(int pid)
{
	char			 path[64], buf[1024], *p;
	unsigned long long	 ut, st;
	FILE			*f;
	size_t			 n;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* after "(comm) ": state is field 3, utime 14, stime 15 */
	if ((p = strrchr(buf, ')')) == NULL ||
	    sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u "
	    "%llu %llu", &ut, &st) != 2)
		return -1;
	return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

static long
proc_status_kib(int pid, const char *key)
{
	char	 path[64], line[256];
	size_t	 klen = strlen(key);
	long	 v = -1;
	FILE	*f;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, key, klen) == 0 && line[klen] == ':') {
			v = strtol(line + klen + 1, NULL, 10);
			break;
		}
	fclose(f);
	return v;
}

/* end: 0 at the start of the measured time, 1 at its end. */
void
lg_proc_sample(struct lg *lg, int end)
{
	struct lg_proc	*p;
	int		 i;

	for (i = 0; i < lg->nprocs; i++) {
		p = &lg->procs[i];
		if (end) {
			p->cpu1 = proc_cpu(p->pid);
			p->rss1 = proc_status_kib(p->pid, "VmRSS");
			p->hwm = proc_status_kib(p->pid, "VmHWM");
		} else {
			p->cpu0 = proc_cpu(p->pid);
			p->rss0 = proc_status_kib(p->pid, "VmRSS");
		}
	}
}

/* Resident KiB of all the processes named with -P. */
long
lg_proc_rss_total(struct lg *lg)
{
	long	 sum = 0, v;
	int	 i;

	for (i = 0; i < lg->nprocs; i++)
		if ((v = proc_status_kib(lg->procs[i].pid, "VmRSS")) > 0)
			sum += v;
	return sum;
}
