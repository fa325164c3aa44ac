/*
 * Durability of group commit: a writer process sends messages through
 * the store's code, ten per turn, one log flush per turn, and reports
 * each message only after its flush (as smsg-store acknowledges).  It
 * is killed with SIGKILL in the middle of its work; recovery must then
 * find every reported message, readable, and nothing half-written.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/wait.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "msgcrypt.h"
#include "storedb.h"
#include "storedb_int.h"
#include "tap.h"

#define SENDERS		10
#define ACKS_BEFORE	300	/* acknowledged messages before the kill */
#define ACKS_MAX	100000	/* the writer stops here if never killed */
#define NOW		1800000000ULL

static struct store_limits lim = {
	.subject_max = 256, .body_max = 100000, .rcpt_max = 4,
	.files_max = 2, .file_max = 150000, .quota = 1ULL << 40,
	.retention = 86400, .retention_max = 86400, .upload_timeout = 600,
};

static int
send_turn(uint8_t ids[SENDERS][MC_IDLEN])
{
	static struct store_msg	 m;
	static uint8_t		 data[2000];
	uint32_t		 to[1] = { 2 };
	uint64_t		 sizes[2] = { 40, sizeof(data) };
	int			 i;

	/* ten senders, each with a message under way */
	for (i = 0; i < SENDERS; i++)
		if (store_upload_begin(100 + i, to, 1, 0, 0, 0, NOW,
		    ids[i]) != 0 ||
		    store_upload_chunk(100 + i, ids[i], 0, 0, data, 40, 1,
		    NOW) != 0 ||
		    store_upload_chunk(100 + i, ids[i], 1, 0, data,
		    sizeof(data), 1, NOW) != 0)
			return -1;
	for (i = 0; i < SENDERS; i++) {
		memset(&m, 0, sizeof(m));
		m.h.nstreams = 2;
		memcpy(m.h.sizes, sizes, sizeof(sizes));
		m.ncopy = 2;
		m.copy[0].uid = 100 + i;
		m.copy[1].uid = 2;
		memset(m.copy[1].wrapped, 0x5b, MC_WRAPLEN);
		if (store_upload_commit(100 + i, ids[i], &m, NOW) != 0)
			return -1;
	}
	return storedb_flush();
}

/* The writer: acknowledges each turn's ids on fd after the flush. */
static void
writer(const char *home, int fd)
{
	uint8_t	 ids[SENDERS][MC_IDLEN];
	long	 n;

	storedb_open(home, &lim);
	for (n = 0; n < ACKS_MAX; n += SENDERS) {
		if (send_turn(ids) == -1)
			_exit(1);
		if (write(fd, ids, sizeof(ids)) != (ssize_t)sizeof(ids))
			_exit(1);
	}
	_exit(0);
}

static uint64_t
nkeys(DB *db)
{
	DB_BTREE_STAT	*bs;
	uint64_t	 n;

	if (db->stat(db, NULL, &bs, 0) != 0)
		return UINT64_MAX;
	n = bs->bt_nkeys;
	free(bs);
	return n;
}

int
main(void)
{
	static uint8_t		 acked[ACKS_MAX][MC_IDLEN];
	static struct store_msg	 m;
	char			 home[] = "/tmp/smsg-storecrash.XXXXXX";
	char			 cmd[64];
	uint8_t			*p;
	long			 n = 0, i, readable = 0;
	ssize_t			 r;
	size_t			 got = 0;
	int			 fds[2], status;
	pid_t			 pid;

	(void)tap_skip;		/* tap.h helpers this test has no use for */
	(void)tap_diag;
	if (mkdtemp(home) == NULL || pipe(fds) == -1)
		return 1;
	if ((pid = fork()) == 0) {
		close(fds[0]);
		writer(home, fds[1]);
	}
	close(fds[1]);
	/* wait for enough acknowledgements: a condition, not a time */
	p = (uint8_t *)acked;
	while (got < ACKS_BEFORE * MC_IDLEN &&
	    (r = read(fds[0], p + got, sizeof(acked) - got)) > 0)
		got += (size_t)r;
	kill(pid, SIGKILL);
	/* what was acknowledged before the kill took effect counts too */
	while ((r = read(fds[0], p + got, sizeof(acked) - got)) > 0)
		got += (size_t)r;
	waitpid(pid, &status, 0);
	n = (long)(got / MC_IDLEN);
	tap_ok(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
	    "the writer was killed (after %ld acknowledgements)", n);
	tap_ok(n >= ACKS_BEFORE, "it had acknowledged at least %d",
	    ACKS_BEFORE);

	storedb_open(home, &lim);
	for (i = 0; i < n; i++)
		if (store_get(2, acked[i], NOW, &m) == STORE_E_OK &&
		    msg_copy(&m, 2)->wrapped[0] == 0x5b)
			readable++;
	tap_ok(readable == n, "after recovery every acknowledged message is "
	    "readable (%ld of %ld)", readable, n);
	tap_ok(nkeys(sdb.msg) >= (uint64_t)n &&
	    nkeys(sdb.msg) <= (uint64_t)n + SENDERS,
	    "no more messages than were being sent (%llu)",
	    (unsigned long long)nkeys(sdb.msg));
	tap_ok(nkeys(sdb.quarantine) == 0, "no record failed to decode");
	storedb_close();
	snprintf(cmd, sizeof(cmd), "rm -rf %s", home);
	if (system(cmd) != 0)
		tap_ok(0, "remove %s", home);
	return tap_done();
}
