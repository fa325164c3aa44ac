/*
 * Durable sends per second through the store's own code, with 1 and 16
 * concurrent senders, against raw Berkeley DB durable commits in the
 * same run on the same disk.
 *
 * A store send is what smsg-store does for one message: begin, two
 * sealed chunks (a subject and a 1 KiB body), commit; then the log
 * flush that makes it durable.  With N concurrent senders, N commits
 * arrive in one event-loop turn and share one flush (group commit).
 * The raw figure is a 1 KiB put committed with DB_TXN_SYNC, by 1 and by
 * 16 threads (Berkeley DB's own group commit across threads).
 *
 *   bench/sends [DIR] [SECONDS]
 */
#include "config.h"

#include <sys/stat.h>

#include <db.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dbenv.h"
#include "msgcrypt.h"
#include "storedb.h"

#define MAXSENDERS	16
#define MAXSENDS	200000	/* bound on any one run */

static double	 seconds = 3;

static double
now_s(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int
store_round(int senders)
{
	static struct store_msg	 m;
	static uint8_t		 data[1040];
	uint8_t			 id[MAXSENDERS][MC_IDLEN];
	uint32_t		 to[1] = { 2 };
	uint64_t		 now = (uint64_t)time(NULL);
	uint64_t		 sizes[2] = { 56, sizeof(data) };
	int			 i;

	/* sender i is user 100 + i */
	for (i = 0; i < senders; i++)
		if (store_upload_begin(100 + i, to, 1, 0, 3600, 0, now,
		    id[i]) != 0 ||
		    store_upload_chunk(100 + i, id[i], 0, 0, data, sizes[0], 1,
		    now) != 0 ||
		    store_upload_chunk(100 + i, id[i], 1, 0, data, sizes[1], 1,
		    now) != 0)
			return -1;
	for (i = 0; i < senders; i++) {
		memset(&m, 0, sizeof(m));
		m.h.nstreams = 2;
		memcpy(m.h.sizes, sizes, sizeof(sizes));
		m.ncopy = 2;
		m.copy[0].uid = 100 + i;
		m.copy[1].uid = 2;
		if (store_upload_commit(100 + i, id[i], &m, now) != 0)
			return -1;
	}
	/* the end of the turn: one flush, then every answer */
	return storedb_flush();
}

static double
bench_store(const char *dir, int senders)
{
	struct store_limits	 lim = { 256, 65536, 10, 4, 1 << 20,
	    1ULL << 40, 3600, 86400, 300, 8 };
	double			 t0, t;
	long			 sends = 0;

	mkdir(dir, 0700);
	storedb_open(dir, &lim);
	t0 = now_s();
	do {
		if (store_round(senders) == -1) {
			fprintf(stderr, "store send failed\n");
			exit(1);
		}
		sends += senders;
	} while ((t = now_s() - t0) < seconds && sends < MAXSENDS);
	storedb_close();
	return sends / t;
}

struct raw {
	DB_ENV		*env;
	DB		*db;
	long		 commits;
	int		 thread;
};

static double	 raw_t0;

static void *
raw_thread(void *arg)
{
	struct raw	*r = arg;
	char		 key[16];
	uint8_t		 val[1024];
	DBT		 k, v;
	DB_TXN		*txn;

	memset(val, 0x5a, sizeof(val));
	do {
		memset(&k, 0, sizeof(k));
		memset(&v, 0, sizeof(v));
		snprintf(key, sizeof(key), "%02d%05ld", r->thread % 100,
		    r->commits % 100000);
		k.data = key;
		k.size = sizeof(key);
		v.data = val;
		v.size = sizeof(val);
		if ((txn = dbenv_begin(r->env)) == NULL ||
		    r->db->put(r->db, txn, &k, &v, 0) != 0 ||
		    dbenv_commit(txn) == -1) {
			fprintf(stderr, "raw commit failed\n");
			exit(1);
		}
		r->commits++;
	} while (now_s() - raw_t0 < seconds &&
	    r->commits < MAXSENDS / MAXSENDERS);
	return NULL;
}

static double
bench_raw(const char *dir, int threads)
{
	struct raw	 r[MAXSENDERS];
	pthread_t	 tid[MAXSENDERS];
	DB_ENV		*env;
	DB		*db;
	long		 total = 0;
	double		 t;
	int		 i;

	mkdir(dir, 0700);
	env = dbenv_open(dir);
	db = dbenv_open_db_paged(env, "raw.db", DB_BTREE, STORE_PAGESIZE);
	raw_t0 = now_s();
	for (i = 0; i < threads; i++) {
		r[i].env = env;
		r[i].db = db;
		r[i].commits = 0;
		r[i].thread = i;
		pthread_create(&tid[i], NULL, raw_thread, &r[i]);
	}
	for (i = 0; i < threads; i++) {
		pthread_join(tid[i], NULL);
		total += r[i].commits;
	}
	t = now_s() - raw_t0;
	db->close(db, 0);
	dbenv_close(env);
	return total / t;
}

int
main(int argc, char *argv[])
{
	char		 dir[1024], sub[1100], cmd[1200];
	double		 s1, s16, r1, r16;

	snprintf(dir, sizeof(dir), "%s/smsg-bench.XXXXXX",
	    argc > 1 ? argv[1] : ".");
	if (argc > 2)
		seconds = atof(argv[2]);
	if (mkdtemp(dir) == NULL) {
		perror(dir);
		return 1;
	}
	snprintf(sub, sizeof(sub), "%s/raw1", dir);
	r1 = bench_raw(sub, 1);
	snprintf(sub, sizeof(sub), "%s/store1", dir);
	s1 = bench_store(sub, 1);
	snprintf(sub, sizeof(sub), "%s/raw16", dir);
	r16 = bench_raw(sub, 16);
	snprintf(sub, sizeof(sub), "%s/store16", dir);
	s16 = bench_store(sub, 16);
	printf("durable commits per second (%.0f s each, in %s)\n", seconds,
	    argc > 1 ? argv[1] : ".");
	printf("  raw Berkeley DB, 1 thread:     %8.0f\n", r1);
	printf("  raw Berkeley DB, 16 threads:   %8.0f\n", r16);
	printf("  smsg-store sends, 1 sender:    %8.0f  (%.2f x raw 1)\n",
	    s1, s1 / r1);
	printf("  smsg-store sends, 16 senders:  %8.0f  (%.2f x raw 16, "
	    "%.1f x 1 sender)\n", s16, s16 / r16, s16 / s1);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : 1;
}
