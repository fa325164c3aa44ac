/*
 * Raw Berkeley DB: the physical limit under smsg's durable sends.  N
 * writer threads each commit 1 KiB records, one per transaction, with
 * the default synchronous commit (the log is on disk before commit
 * returns), into a bare transactional environment in DIR: the same
 * flags smsg opens its environments with, nothing of smsg's above them.
 * Prints one JSON object: commits per second and latency.
 *
 *   rawdb -t THREADS -d SECONDS [-n MAXCOMMITS] DIR
 *
 * DIR must not exist; it is made and removed.  Bounded by SECONDS and
 * MAXCOMMITS (default 1,000,000).
 */
#include "config.h"

#include <sys/stat.h>

#include <db.h>
#include <dirent.h>
#include <err.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAXTHREADS	256
#define RECORD		1024
#define PAGESIZE	8192	/* a 1 KiB record stays on its page */

static DB_ENV		*env;
static DB		*db;
static double		 t_end;
static uint64_t		 maxcommits = 1000000;
static uint64_t		 commits, failures;
static double		 lat_sum, lat_max;
static pthread_mutex_t	 mtx = PTHREAD_MUTEX_INITIALIZER;

static double
now(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
commit_one(uint32_t thread, uint64_t seq, const uint8_t *rec)
{
	DB_TXN	*txn;
	DBT	 k, d;
	uint8_t	 key[12];

	memcpy(key, &thread, 4);
	memcpy(key + 4, &seq, 8);
	memset(&k, 0, sizeof(k));
	memset(&d, 0, sizeof(d));
	k.data = key;
	k.size = sizeof(key);
	d.data = (void *)rec;
	d.size = RECORD;
	if (env->txn_begin(env, NULL, &txn, 0) != 0)
		return -1;
	if (db->put(db, txn, &k, &d, 0) != 0) {
		txn->abort(txn);
		return -1;
	}
	return txn->commit(txn, 0) == 0 ? 0 : -1;
}

static void *
writer(void *arg)
{
	uint32_t	 thread = (uint32_t)(uintptr_t)arg;
	uint8_t		 rec[RECORD];
	uint64_t	 seq = 0;
	double		 t0, dt;
	int		 r;

	arc4random_buf(rec, sizeof(rec));
	while ((t0 = now()) < t_end) {
		r = commit_one(thread, seq++, rec);
		dt = now() - t0;
		pthread_mutex_lock(&mtx);
		if (r == 0) {
			commits++;
			lat_sum += dt;
			if (dt > lat_max)
				lat_max = dt;
		} else
			failures++;
		r = commits + failures >= maxcommits;
		pthread_mutex_unlock(&mtx);
		if (r)
			break;
	}
	return NULL;
}

static void
open_env(const char *dir)
{
	if (mkdir(dir, 0700) == -1)
		err(1, "%s", dir);
	/* writers on neighbouring keys may deadlock: one of them retries */
	if (db_env_create(&env, 0) != 0 ||
	    env->set_lk_detect(env, DB_LOCK_DEFAULT) != 0 ||
	    env->open(env, dir, DB_CREATE | DB_INIT_TXN | DB_INIT_LOCK |
	    DB_INIT_LOG | DB_INIT_MPOOL | DB_PRIVATE | DB_THREAD |
	    DB_RECOVER, 0600) != 0)
		errx(1, "%s: cannot open a Berkeley DB environment", dir);
	env->log_set_config(env, DB_LOG_AUTO_REMOVE, 1);
	if (db_create(&db, env, 0) != 0 ||
	    db->set_pagesize(db, PAGESIZE) != 0 ||
	    db->open(db, NULL, "raw.db", NULL, DB_BTREE,
	    DB_CREATE | DB_AUTO_COMMIT | DB_THREAD, 0600) != 0)
		errx(1, "%s: cannot open raw.db", dir);
}

static void
remove_env(const char *dir)
{
	char		 path[4096];
	struct dirent	*de;
	DIR		*d;

	db->close(db, 0);
	env->close(env, 0);
	/* a flat directory this program made */
	if ((d = opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.' && snprintf(path, sizeof(path),
		    "%s/%s", dir, de->d_name) < (int)sizeof(path))
			unlink(path);
	closedir(d);
	if (rmdir(dir) == -1)
		warn("%s", dir);
}

int
main(int argc, char *argv[])
{
	pthread_t	 tid[MAXTHREADS];
	double		 secs = 3, t0, el;
	int		 ch, i, threads = 1;

	while ((ch = getopt(argc, argv, "d:n:t:")) != -1) {
		switch (ch) {
		case 'd': secs = atof(optarg); break;
		case 'n': maxcommits = strtoull(optarg, NULL, 10); break;
		case 't': threads = atoi(optarg); break;
		default: goto usage;
		}
	}
	if (argc - optind != 1 || threads < 1 || threads > MAXTHREADS ||
	    secs <= 0 || secs > 3600 || maxcommits == 0)
		goto usage;
	open_env(argv[optind]);
	t0 = now();
	t_end = t0 + secs;
	for (i = 0; i < threads; i++)
		if (pthread_create(&tid[i], NULL, writer,
		    (void *)(uintptr_t)i) != 0)
			errx(1, "pthread_create");
	for (i = 0; i < threads; i++)
		pthread_join(tid[i], NULL);
	el = now() - t0;
	remove_env(argv[optind]);
	printf("{\"workload\": \"rawdb\", \"what\": \"durable 1 KiB "
	    "commits, %d writer%s\", \"server\": \"Berkeley DB %d.%d\", "
	    "\"available\": true, \"threads\": %d, \"duration_s\": %.3f, "
	    "\"ok\": %llu, \"errors\": {\"failed\": %llu}, \"rps\": %.1f, "
	    "\"latency_ms\": {\"mean\": %.3f, \"max\": %.3f}}\n", threads,
	    threads == 1 ? "" : "s", DB_VERSION_MAJOR, DB_VERSION_MINOR,
	    threads, el, (unsigned long long)commits,
	    (unsigned long long)failures, (double)commits / el,
	    commits ? lat_sum / (double)commits * 1e3 : 0.0, lat_max * 1e3);
	return commits > 0 ? 0 : 1;
usage:
	fprintf(stderr, "usage: rawdb -t threads -d seconds [-n max] dir\n");
	return 2;
}
