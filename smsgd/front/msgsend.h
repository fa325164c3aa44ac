/*
 * Sending a message, shared by its two inputs: the JSON body (the text
 * alone) and a multipart form (the text, then files as they arrive).
 * feat_msgsend.c seals and uploads; feat_msgform.c reads the form.
 *
 * Streams: 0 the subject, 1 the body, 2 and on one per file, each file's
 * stream starting with its sealed name and type (filehead.h).  Chunks go
 * to the store as they are sealed, at most MSEND_WINDOW at a time; the
 * form pauses while the store is behind (msend_behind).
 */
#ifndef SMSGD_MSGSEND_H
#define SMSGD_MSGSEND_H

#include <stddef.h>
#include <stdint.h>

#include "app.h"
#include "msgcrypt.h"

struct app_req;
struct mform;

#define MSEND_WINDOW	8		/* chunks in flight to the store */
#define MSEND_BUDGET	64		/* ... from all uploads: 4 MiB */
#define MSEND_SLICE	16384		/* form bytes parsed at a time */
#define MSEND_FILES_MAX	(MC_STREAM_MAX - 2)

struct msend {
	struct req		*r;		/* whose upload, until freed */
	uint32_t		 n, next;	/* recipients; next to look up */
	const char		*name[MC_RCPT_MAX];
	const char		*text[2];	/* subject, body (ar->json's) */
	size_t			 len[2];
	uint64_t		 lifetime;
	struct mc_header	 h;
	uint8_t			 ckey[MC_KEYLEN];
	struct mc_digest	*dg;
	/* The stream being sealed: a text from memory, or a file's pend. */
	struct mc_stream	 st;
	int			 st_ready;
	uint32_t		 stream;
	size_t			 off;		/* into a text */
	uint32_t		 inflight;	/* chunks the store has not
						   answered */
	uint32_t		 nfiles;	/* file parts begun */
	int			 file_open;	/* a file part is arriving */
	int			 file_ended;	/* ... and ended, not all sent */
	uint8_t			*pend;		/* its bytes not yet sealed */
	size_t			 pend_len;
	uint8_t			 sealed[MC_SEALED_MAX];
	uint8_t			 sig[MC_SIGLEN];
	uint32_t		 nwrap;
	uint32_t		 wuid[MC_RCPT_MAX + 1];
	uint8_t			 wrapped[MC_RCPT_MAX + 1][MC_WRAPLEN];
	int			 started;	/* the text is read */
	int			 open;		/* the upload is begun */
	int			 body_done;	/* no more files will come */
	int			 sealing_done;	/* wrap, sign, commit under way */
	int			 failed;
	struct app_error	 err;		/* said once the abort is done */
	char			 errtext[160];
	struct mform		*form;
};

/* The pending bytes of a file: a chunk, and what one parse step adds. */
#define MSEND_PEND_MAX	(MC_CHUNK + MSEND_SLICE + MC_FILEHEAD_MAX)

/* feat_msgsend.c */
struct msend *msend_new(struct app_req *);
void	 msend_message(struct app_req *);	/* ar->json is the text */
int	 msend_started(const struct msend *);
int	 msend_file_begin(struct app_req *, const char *, const char *);
int	 msend_file_data(struct app_req *, const uint8_t *, size_t);
int	 msend_file_end(struct app_req *);
void	 msend_body_end(struct app_req *);
int	 msend_behind(const struct msend *);
int	 msend_failed(struct app_req *);
int	 msend_settled(struct app_req *, struct msg *, uint32_t);
void	 msend_fail_with(struct app_req *, int, const char *, const char *);
/* msgseal.c: sealing and sending chunks */
void	 msend_pump(struct app_req *);
void	 msend_release(struct msend *);	/* its answers will not come */
int	 msend_sealed_all(const struct msend *);
void	 msend_wrap(struct app_req *);	/* feat_msgsend.c, after the pump */

/* feat_msgform.c */
void	 mform_free(struct mform *);
void	 mform_caught_up(struct app_req *);
const char *mform_typed(struct app_req *, const char *, size_t *);

#endif
