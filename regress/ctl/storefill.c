/*
 * Test helper: put messages into a store's data directory through the
 * store's own code, while no daemon has it open.  The bytes are random
 * stand-ins for sealed chunks; the store never reads them.
 *
 *   storefill DIR COUNT LIFETIME UNLOCK_IN FILE_BYTES
 *
 * Each message goes from uid 1 to uid 2, lives LIFETIME seconds from
 * now (in the past when negative), unlocks UNLOCK_IN seconds from now
 * (0: not locked), with a subject, a body and a file of FILE_BYTES.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "msgcrypt.h"
#include "storedb.h"

static struct store_limits lim = {
	.subject_max = 4096, .body_max = 1048576, .rcpt_max = 10,
	.files_max = 4, .file_max = 104857600, .quota = 1ULL << 40,
	.retention = 604800, .retention_max = 31536000,
	.upload_timeout = 300,
};

static int
put_stream(const uint8_t *id, uint32_t stream, uint64_t bytes, uint64_t now)
{
	static uint8_t	 chunk[MC_SEALED_MAX];
	uint64_t	 i = 0, n;

	do {
		n = bytes > MC_SEALED_MAX ? MC_SEALED_MAX : bytes;
		msgcrypt_random(chunk, n);
		if (store_upload_chunk(1, id, stream, i++, chunk, n, bytes == n,
		    now) != STORE_E_OK)
			return -1;
		bytes -= n;
	} while (bytes > 0);
	return 0;
}

static int
fill_one(long long lifetime, long long unlock_in, uint64_t file)
{
	static struct store_msg	 m;
	uint32_t		 to[1] = { 2 };
	uint64_t		 now = (uint64_t)time(NULL), created;
	uint64_t		 sizes[3] = { 48, 400, file };
	uint8_t			 id[MC_IDLEN];
	uint32_t		 ns = file > 0 ? 3 : 2, i;

	/* one that expired already was made an hour ago */
	created = now;
	if (lifetime <= 0) {
		created = now - 3600;
		lifetime += 3600;
	}
	if (store_upload_begin(1, to, 1, unlock_in ? now + unlock_in : 0,
	    (uint64_t)lifetime, 0, created, id) != STORE_E_OK)
		return -1;
	for (i = 0; i < ns; i++)
		if (put_stream(id, i, sizes[i], created) == -1)
			return -1;
	memset(&m, 0, sizeof(m));
	m.h.nstreams = ns;
	memcpy(m.h.sizes, sizes, sizeof(sizes));
	m.ncopy = 2;
	m.copy[0].uid = 1;
	m.copy[1].uid = 2;
	msgcrypt_random(m.sig, MC_SIGLEN);
	if (store_upload_commit(1, id, &m, created) != STORE_E_OK)
		return -1;
	return storedb_flush();
}

int
main(int argc, char *argv[])
{
	long long	 count, i;

	if (argc != 6) {
		fprintf(stderr, "usage: storefill dir count lifetime "
		    "unlock_in file_bytes\n");
		return 2;
	}
	count = atoll(argv[2]);
	storedb_open(argv[1], &lim);
	for (i = 0; i < count; i++)
		if (fill_one(atoll(argv[3]), atoll(argv[4]),
		    strtoull(argv[5], NULL, 10)) == -1) {
			fprintf(stderr, "storefill: message %lld failed\n", i);
			storedb_close();
			return 1;
		}
	storedb_close();
	return 0;
}
