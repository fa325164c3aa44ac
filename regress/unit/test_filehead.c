/*
 * The sealed head of a file's stream (smsgd/front/filehead.c): round
 * trip, every malformed head refused, the plaintext size of a stream of
 * any length, and the download's Content-Disposition for hostile names.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "filehead.h"
#include "tap.h"

static void
test_roundtrip(void)
{
	struct filehead	 fh, got;
	uint8_t		 buf[MC_FILEHEAD_MAX];
	size_t		 n, cut;
	int		 bad = 0;

	memset(&fh, 0, sizeof(fh));
	strlcpy(fh.name, "r\xc3\xa9sum\xc3\xa9 2026.pdf", sizeof(fh.name));
	strlcpy(fh.type, "application/pdf", sizeof(fh.type));
	n = filehead_encode(&fh, buf);
	tap_ok(n == MC_FILEHEAD_MAX && filehead_decode(buf, n, &got) ==
	    (int)n && strcmp(got.name, fh.name) == 0 &&
	    strcmp(got.type, fh.type) == 0,
	    "a head decodes to what was encoded, always %zu bytes", n);
	for (cut = 0; cut < n; cut++)
		if (filehead_decode(buf, cut, &got) != -1)
			bad++;
	tap_ok(bad == 0, "every truncation of it is refused (%d not)", bad);
	memset(fh.name, 'n', FILEHEAD_NAME_MAX);
	fh.name[FILEHEAD_NAME_MAX] = '\0';
	memset(fh.type, 't', FILEHEAD_TYPE_MAX);
	fh.type[FILEHEAD_TYPE_MAX] = '\0';
	n = filehead_encode(&fh, buf);
	tap_ok(n == MC_FILEHEAD_MAX && filehead_decode(buf, n, &got) ==
	    (int)n && strlen(got.name) == FILEHEAD_NAME_MAX &&
	    strlen(got.type) == FILEHEAD_TYPE_MAX,
	    "the longest name and type fit the same %zu bytes", n);
	buf[0] = 2;
	tap_ok(filehead_decode(buf, n, &got) == -1, "another version: refused");
	memset(buf, 0, sizeof(buf));
	memcpy(buf, "\x01\x03" "a\nb" "\x00", 6);
	tap_ok(filehead_decode(buf, sizeof(buf), &got) == -1,
	    "a control character in the name: refused");
	memcpy(buf, "\x01\x01" "a" "\xff", 4);
	tap_ok(filehead_decode(buf, sizeof(buf), &got) == -1,
	    "a type longer than its limit: refused");
	tap_ok(filehead_decode(buf, MC_FILEHEAD_MAX - 1, &got) == -1,
	    "a head short of its full length: refused");
	memcpy(buf, "\x01\x00\x00", 3);
	tap_ok(filehead_decode(buf, sizeof(buf), &got) == MC_FILEHEAD_MAX &&
	    got.name[0] == '\0', "an empty name and type: the file's bytes "
	    "after the head");
}

static void
test_plain(void)
{
	tap_ok(filehead_plain(0) == 0, "no stream: nothing");
	tap_ok(filehead_plain(MC_TAGLEN) == 0, "one empty chunk: 0 bytes");
	tap_ok(filehead_plain(MC_SEALED_MAX) == MC_CHUNK,
	    "one full chunk: 64 KiB");
	tap_ok(filehead_plain(MC_SEALED_MAX + MC_TAGLEN + 1) ==
	    MC_CHUNK + 1, "a full chunk and one byte");
	tap_ok(filehead_plain(160ULL * MC_SEALED_MAX) == 160ULL * MC_CHUNK,
	    "10 MiB in 160 full chunks");
}

static void
test_disposition(void)
{
	char	 cd[FILEHEAD_DISPOSITION_MAX], name[FILEHEAD_NAME_MAX + 1];

	filehead_disposition("report.pdf", cd, sizeof(cd));
	tap_ok(strcmp(cd, "attachment; filename=\"report.pdf\"; "
	    "filename*=UTF-8''report.pdf") == 0, "a plain name: %s", cd);
	filehead_disposition("a\"b\\c/d;e f%.txt", cd, sizeof(cd));
	tap_ok(strcmp(cd, "attachment; filename=\"a_b_c_d;e f_.txt\"; "
	    "filename*=UTF-8''a%22b%5Cc%2Fd%3Be%20f%25.txt") == 0,
	    "quotes, slashes and percent never reach the plain form: %s",
	    cd);
	filehead_disposition("\xc3\xa9t\xc3\xa9.txt", cd, sizeof(cd));
	tap_ok(strcmp(cd, "attachment; filename=\"__t__.txt\"; "
	    "filename*=UTF-8''%C3%A9t%C3%A9.txt") == 0,
	    "UTF-8 percent-encoded, ASCII in the plain form: %s", cd);
	filehead_disposition("..", cd, sizeof(cd));
	tap_ok(strncmp(cd, "attachment; filename=\"_.\"", 24) == 0,
	    "a dot name does not stay one: %s", cd);
	filehead_disposition("", cd, sizeof(cd));
	tap_ok(strncmp(cd, "attachment; filename=\"file\"", 27) == 0,
	    "no name: \"file\"");
	memset(name, 0xff, FILEHEAD_NAME_MAX);
	name[FILEHEAD_NAME_MAX] = '\0';
	filehead_disposition(name, cd, sizeof(cd));
	tap_ok(strlen(cd) < sizeof(cd) && strstr(cd, "%FF%FF") != NULL &&
	    strlen(cd) > 3 * FILEHEAD_NAME_MAX,
	    "the longest name, all escaped, fits (%zu bytes)", strlen(cd));
	tap_ok(strchr(cd, '\r') == NULL && strchr(cd, '\n') == NULL,
	    "... on one header line");
}

int
main(void)
{
	(void)tap_skip;
	(void)tap_diag;
	test_roundtrip();
	test_plain();
	test_disposition();
	tap_done();
}
