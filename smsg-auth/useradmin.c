/*
 * smsgctl user admin NAME on|off: the administrator flag of an account,
 * which decides who may broadcast when the setting says administrators.
 */
#include "config.h"

#include <string.h>

#include "auth.h"
#include "authdb.h"
#include "log.h"

void
h_user_admin(struct req *r)
{
	struct account	 a;
	DB_TXN		*txn;
	char		 name[ACCOUNT_NAME_MAX + 1], why[128];
	uint8_t		 on;
	int		 found;

	req_str(r, name, sizeof(name));
	if (msg_get_u8(&r->cur, &on) == -1)
		fatalx("malformed %s from parent", msg_type_name(r->type));
	req_end(r);
	if (r->bad || on > 1 ||
	    account_name_check(name, why, sizeof(why)) == -1) {
		ctl_result(r->peerid, CTL_BADARG, "%s", r->bad || on > 1 ?
		    "bad request" : why);
		return;
	}
	if ((txn = authdb_begin()) == NULL) {
		ctl_result(r->peerid, CTL_FAILED, "database error");
		return;
	}
	if ((found = account_get(txn, name, &a)) != 1) {
		authdb_abort(txn);
		ctl_result(r->peerid, found == 0 ? CTL_NOTFOUND : CTL_FAILED,
		    found == 0 ? "no user %s" : "cannot read user %s", name);
		return;
	}
	a.admin = on;
	auth_event(txn, &a, on ? "admin_on" : "admin_off", "smsgctl",
	    "by an administrator");
	if (account_commit(txn, &a) == -1)
		ctl_result(r->peerid, CTL_FAILED, "user %s not changed", name);
	else
		ctl_result(r->peerid, CTL_OK, "user %s is %s an administrator",
		    name, on ? "now" : "no longer");
	account_clear(&a);
}
