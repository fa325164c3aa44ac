/*
 * smsg-auth: accounts, passwords, second factors, sessions and the
 * custody of user keys.  Owns the account database (Berkeley DB, in its
 * chroot); never sees a message body.
 *
 * One main thread does everything but hashing: it owns the database,
 * the sessions and every transaction, so a TOTP step is checked and
 * stored without a race.  scrypt runs on the hashing threads.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "auth.h"
#include "authdb.h"
#include "hashpool.h"
#include "log.h"
#include "msgcrypt.h"
#include "proc.h"
#include "sysmsg.h"

#define AUTH_PURGE_INTERVAL	60	/* seconds between session sweeps */
#define AUTH_THROTTLE_NETS	4096	/* networks remembered */
#define AUTH_THROTTLE_PAIRS	8192	/* account and network pairs */
#define AUTH_THROTTLE_NAMES	4096	/* names that are no account */

static struct event	*purge_ev;

static void
auth_configure(struct msg *m)
{
	struct msgcur	 c;
	struct auth_conf *ac = &authconf;
	uint8_t		 v4, v6, bcast;

	if (m->type != MSG_CONF_AUTH || ac->set)
		fatalx("unexpected %s during setup", msg_type_name(m->type));
	msg_cursor(m, &c);
	if (msg_get_u8(&c, &ac->params.logn) == -1 ||
	    msg_get_u32(&c, &ac->params.r) == -1 ||
	    msg_get_u32(&c, &ac->params.p) == -1 ||
	    msg_get_u32(&c, &ac->hash_threads) == -1 ||
	    msg_get_u32(&c, &ac->idle_timeout) == -1 ||
	    msg_get_u32(&c, &ac->lifetime) == -1 ||
	    msg_get_u8(&c, &ac->min_score) == -1 ||
	    msg_get_u32(&c, &ac->lockout.threshold) == -1 ||
	    msg_get_u32(&c, &ac->lockout.max_delay) == -1 ||
	    msg_get_string(&c, ac->issuer, sizeof(ac->issuer)) == -1 ||
	    msg_get_u8(&c, &v4) == -1 || msg_get_u8(&c, &v6) == -1 ||
	    msg_get_u8(&c, &bcast) == -1 ||
	    msg_get_u32(&c, &ac->retention) == -1 ||
	    msg_get_u32(&c, &ac->subject_max) == -1 ||
	    msg_get_end(&c) == -1)
		fatalx("malformed CONF_AUTH");
	if (!pwhash_params_ok(&ac->params))
		fatalx("scrypt parameters out of range");
	if (ac->idle_timeout == 0 || ac->lifetime == 0 ||
	    ac->min_score > 4 || ac->lockout.threshold == 0 ||
	    ac->issuer[0] == '\0' || bcast >= BCAST_MAX ||
	    ac->retention == 0 || ac->subject_max == 0 ||
	    !net_prefix_ok(&(struct net_prefix){ v4, v6 }))
		fatalx("CONF_AUTH: a value out of range");
	ac->lockout.base_delay = AUTH_LOCKOUT_BASE;
	ac->broadcast = bcast;
	ac->net.v4 = v4;
	ac->net.v6 = v6;
	ac->set = 1;
	/* Still outside the chroot: load what OpenSSL and zxcvbn read. */
	if (pwhash_init() == -1 || keywrap_init() == -1 || totp_init() == -1 ||
	    msgcrypt_init() == -1)
		fatalx("cannot load the OpenSSL algorithms");
	if (pwpolicy_init() == -1)
		fatalx("password policy: cannot load its dictionary");
}

static void
auth_close(void)
{
	sessions_on_end(NULL);	/* exiting: nobody to tell */
	sessions_clear();
	authdb_close();
}

static void
auth_purge(evutil_socket_t fd, short what, void *arg)
{
	struct timeval	 tv = { AUTH_PURGE_INTERVAL, 0 };

	sessions_purge(time(NULL));
	evtimer_add(purge_ev, &tv);
}

static void
auth_init(const struct proc_settings *ps, struct event_base *base)
{
	struct timeval	 tv = { AUTH_PURGE_INTERVAL, 0 };

	if (!authconf.set)
		fatalx("no CONF_AUTH from the parent");
	authdb_open(".");
	atexit(auth_close);
	if (syskeys_init() == -1)
		fatalx("the system's keys cannot be read or made");
	sysmsg_init(base);
	notice_init(base);
	sessions_init(authconf.idle_timeout, authconf.lifetime);
	sessions_on_end(auth_push_session_end);
	auth_limits.net = throttle_new(AUTH_THROTTLE_NETS);
	auth_limits.pair = throttle_new(AUTH_THROTTLE_PAIRS);
	auth_limits.unknown = throttle_new(AUTH_THROTTLE_NAMES);
	if (auth_limits.net == NULL || auth_limits.pair == NULL ||
	    auth_limits.unknown == NULL)
		fatal("throttle_new");
	auth_hash_dummy_init();
	hashpool_init(base, authconf.hash_threads);
	if ((purge_ev = evtimer_new(base, auth_purge, NULL)) == NULL)
		fatalx("evtimer_new");
	evtimer_add(purge_ev, &tv);
	log_debug("account database open");
}

/* The store's channel closed: what waited for it has failed. */
static void
auth_peer_lost(enum proc_id id)
{
	if (id == PROC_STORE)
		sysmsg_store_lost();
}

static const struct proc_role auth_role = {
	.id = PROC_AUTH,
	.configure = auth_configure,
	.init = auth_init,
	.threads = hashpool_start,
	.dispatch = auth_dispatch,
	.peer_lost = auth_peer_lost,
};

int
main(int argc, char *argv[])
{
	return proc_child_main(&auth_role);
}
