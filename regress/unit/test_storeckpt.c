/*
 * The store's checkpoints (storedb_checkpoint): after a log file's worth
 * of changes, a checkpoint lets the log before it go, so the log stays a
 * few files long however much is written; without checkpoints it grew
 * without end (and every start replayed all of it).  What was written
 * before a checkpoint reads back after the store is opened again.
 */
#include "config.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "msgcrypt.h"
#include "storedb.h"
#include "storedb_int.h"
#include "tap.h"

#define ROUNDS		4
#define CHUNKS		170	/* about 11 MiB of chunks a round */
#define NOW		1800000000ULL

static struct store_limits lim = {
	.subject_max = 256, .body_max = 64 << 20, .rcpt_max = 4,
	.files_max = 2, .file_max = 150000, .quota = 1ULL << 40,
	.retention = 86400, .retention_max = 86400, .upload_timeout = 600,
};

static int
nlogs(const char *home)
{
	DIR		*d;
	struct dirent	*e;
	int		 n = 0;

	if ((d = opendir(home)) == NULL)
		return -1;
	while ((e = readdir(d)) != NULL)
		if (strncmp(e->d_name, "log.", 4) == 0)
			n++;
	closedir(d);
	return n;
}

/* An upload of n full chunks, left open: its chunks are in the log. */
static int
write_upload(uint8_t id[MC_IDLEN], int n)
{
	static uint8_t	 data[MC_SEALED_MAX];
	uint32_t	 to[1] = { 2 };
	int		 i;

	memset(data, 0x6c, sizeof(data));
	if (store_upload_begin(100, to, 1, 0, 0, 0, NOW, id) != 0 ||
	    store_upload_chunk(100, id, 0, 0, data, 40, 1, NOW) != 0)
		return -1;
	for (i = 0; i < n; i++)
		if (store_upload_chunk(100, id, 1, i, data, sizeof(data), 0,
		    NOW) != 0)
			return -1;
	return storedb_flush();
}

int
main(void)
{
	char		 home[] = "/tmp/smsg-storeckpt.XXXXXX", cmd[64];
	uint8_t		 id[ROUNDS][MC_IDLEN];
	int		 r, ok = 1, ckok = 1, most = 0, n;
	uint32_t	 swept;

	(void)tap_skip;
	(void)tap_diag;
	if (mkdtemp(home) == NULL)
		return 1;
	storedb_open(home, &lim);
	for (r = 0; r < ROUNDS; r++) {
		if (write_upload(id[r], CHUNKS) == -1)
			ok = 0;
		if (storedb_checkpoint() == -1)
			ckok = 0;
		if ((n = nlogs(home)) > most)
			most = n;
	}
	tap_ok(ok, "%d uploads of %d chunks written", ROUNDS, CHUNKS);
	tap_ok(ckok, "a checkpoint after each");
	tap_ok(most > 0 && most <= 3, "the log never grew past 3 files (%d), "
	    "after about %d MiB", most, ROUNDS * CHUNKS / 16);
	storedb_close();

	/* the uploads are there after a start (recovery from the log) */
	storedb_open(home, &lim);
	r = store_sweep(NOW + 1, &swept);
	tap_ok(r == STORE_E_OK && swept == 0,
	    "opened again: the uploads are still open, none swept");
	r = store_sweep(NOW + 601, &swept);
	tap_ok(r == STORE_E_OK && swept == ROUNDS,
	    "... and all %d are there to sweep (%u)", ROUNDS, swept);
	storedb_close();
	snprintf(cmd, sizeof(cmd), "rm -rf %s", home);
	if (system(cmd) != 0)
		tap_ok(0, "remove %s", home);
	return tap_done();
}
