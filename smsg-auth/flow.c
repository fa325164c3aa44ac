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

/* A flow for request r; NULL answered (out of memory is no crash). */
struct flow *
flow_new(const struct req *r)
{
	struct flow	*f;

	if ((f = calloc(1, sizeof(*f))) == NULL) {
		log_warn("flow");
		if (r->from == PROC_PARENT)
			ctl_result(r->peerid, CTL_FAILED, "smsg-auth: out of "
			    "memory");
		else
			reply_fail(r, AUTH_E_INTERNAL, 0, "Out of memory.");
		return NULL;
	}
	f->type = r->type;
	f->from = r->from;
	f->peerid = r->peerid;
	strlcpy(f->addr, r->addr, sizeof(f->addr));
	if (r->sess != NULL) {
		f->sess_id = r->sess->id;
		strlcpy(f->name, r->sess->name, sizeof(f->name));
	}
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

/* The share of the pool f counts against: its client's network. */
static void
flow_netkey(const struct flow *f, char *key, size_t keysz)
{
	if (f->addr[0] == '\0')
		key[0] = '\0';		/* smsgctl: no network */
	else
		net_key(&authconf.net, f->addr, key, keysz);
}

/* Would f's job be queued now?  As hashpool_room. */
int
flow_room(const struct flow *f)
{
	char	 net[NETKEY_MAX];

	flow_netkey(f, net, sizeof(net));
	return hashpool_room(f->name, net);
}

/*
 * Hash pw (verify against stored, or create a verifier when stored is
 * NULL), then call done(f) on the main thread.  The job counts toward
 * the shares of f->name and of f->addr's network.  HASHPOOL_OK, or why not (see
 * hashpool_submit; HASHPOOL_FULL too for a password too long): the
 * caller answers with flow_busy and frees f.
 */
int
flow_hash(struct flow *f, enum hashjob_kind kind, const char *pw,
    const char *stored, void (*done)(struct flow *))
{
	struct hashjob	*j = &f->job;
	int		 r;

	hashjob_clear(j);
	j->kind = kind;
	j->params = authconf.params;
	strlcpy(j->user, f->name, sizeof(j->user));
	flow_netkey(f, j->addr, sizeof(j->addr));
	if (strlcpy(j->pw, pw, sizeof(j->pw)) >= sizeof(j->pw)) {
		hashjob_clear(j);
		return HASHPOOL_FULL;
	}
	j->pwlen = strlen(j->pw);
	if (stored != NULL)
		strlcpy(j->stored, stored, sizeof(j->stored));
	j->done = flow_done;
	j->arg = f;
	f->next = done;
	if ((r = hashpool_submit(j)) != HASHPOOL_OK)
		hashjob_clear(j);
	return r;
}

void
flow_fail(struct flow *f, uint32_t code, uint32_t retry, const char *text)
{
	reply_fail_to(f->from, f->peerid, code, retry, text);
}

/* The answer to a job not queued: busy, or over a fair share. */
static void
flow_refusal(int why, uint32_t *code, const char **text)
{
	if (why == HASHPOOL_SHARE) {
		*code = AUTH_E_THROTTLED;
		*text = "Too many password checks are waiting for this "
		    "account or your address. Try again in a moment.";
	} else {
		*code = AUTH_E_BUSY;
		*text = "The server is busy. Try again in a moment.";
	}
}

void
flow_busy(const struct req *r, int why)
{
	const char	*text;
	uint32_t	 code;

	flow_refusal(why, &code, &text);
	if (r->from == PROC_PARENT)
		ctl_result(r->peerid, CTL_FAILED, "smsg-auth: %s", text);
	else
		reply_fail(r, code, 1, text);
}

void
flow_busy_later(struct flow *f, int why)
{
	const char	*text;
	uint32_t	 code;

	flow_refusal(why, &code, &text);
	flow_fail(f, code, 1, text);
}
