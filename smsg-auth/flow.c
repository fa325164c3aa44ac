/*
 * Requests that wait for a hashing thread.  The main thread never waits
 * for scrypt: it queues a job with the request's context and finishes
 * the request in the job's done callback.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "log.h"

struct flow *
flow_new(const struct req *r)
{
	struct flow	*f;

	if ((f = calloc(1, sizeof(*f))) == NULL) {
		log_warn("flow");
		return NULL;
	}
	f->type = r->type;
	f->from = r->from;
	f->peerid = r->peerid;
	strlcpy(f->addr, r->addr, sizeof(f->addr));
	if (r->sess != NULL)
		f->sess_id = r->sess->id;
	return f;
}

void
flow_free(struct flow *f)
{
	if (f != NULL)
		freezero(f, sizeof(*f));
}

static void
flow_done(struct hashjob *j)
{
	struct flow	*f = j->arg;

	f->next(f);
}

/*
 * Hash pw (verify against stored, or create a verifier when stored is
 * NULL), then call done(f) on the main thread.  -1 when the queue is
 * full: the caller answers BUSY and frees f.
 */
int
flow_hash(struct flow *f, enum hashjob_kind kind, const char *pw,
    const char *stored, void (*done)(struct flow *))
{
	struct hashjob	*j = &f->job;

	hashjob_clear(j);
	j->kind = kind;
	j->params = authconf.params;
	if (strlcpy(j->pw, pw, sizeof(j->pw)) >= sizeof(j->pw))
		return -1;
	j->pwlen = strlen(j->pw);
	if (stored != NULL)
		strlcpy(j->stored, stored, sizeof(j->stored));
	j->done = flow_done;
	j->arg = f;
	f->next = done;
	if (hashpool_submit(j) == -1) {
		hashjob_clear(j);
		return -1;
	}
	return 0;
}

void
flow_fail(struct flow *f, uint32_t code, uint32_t retry, const char *text)
{
	reply_fail_to(f->from, f->peerid, code, retry, text);
}

void
flow_busy(const struct req *r)
{
	if (r->from == PROC_PARENT)
		ctl_result(r->peerid, CTL_FAILED, "smsg-auth is busy: try "
		    "again in a moment");
	else
		reply_fail(r, AUTH_E_BUSY, 1, "The server is busy. Try again "
		    "in a moment.");
}
