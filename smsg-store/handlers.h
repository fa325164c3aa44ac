/* The store's request handlers: the front's requests and smsgctl's. */
#ifndef SMSG_STORE_HANDLERS_H
#define SMSG_STORE_HANDLERS_H

#include <stdint.h>

#include "msg.h"
#include "msgcrypt.h"
#include "proto.h"

struct store_msg;

/* What an upload begins with: STORE_UPLOAD_BEGIN's fields after uid. */
struct upload_req {
	uint64_t	 unlock;
	uint64_t	 lifetime;
	uint32_t	 flags;
	uint32_t	 n;
	uint32_t	 rcpt[MC_RCPT_MAX];
};

struct sreq {
	enum proc_id	 from;
	uint32_t	 type;
	uint32_t	 peerid;
	struct msgcur	 cur;
	uint64_t	 now;
};

void	 sreq_end(struct sreq *);

void	 h_upload_begin(struct sreq *);
void	 h_upload_chunk(struct sreq *);
void	 h_upload_commit(struct sreq *);
void	 h_upload_abort(struct sreq *);
void	 h_upload_put(struct sreq *);
void	 store_get_begin(struct sreq *, struct upload_req *);
void	 store_get_commit(struct sreq *, struct store_msg *);
void	 store_sent(struct sreq *, struct store_msg *);
void	 store_chunk_limit_fail(uint32_t, uint32_t);
void	 h_list(struct sreq *);
void	 h_get(struct sreq *);
void	 h_get_text(struct sreq *);
void	 h_chunk_get(struct sreq *);
void	 h_read(struct sreq *);
void	 h_delete(struct sreq *);
void	 h_contacts(struct sreq *);
void	 h_contact_add(struct sreq *);
void	 h_contact_remove(struct sreq *);
void	 h_contact_verify(struct sreq *);
void	 h_contact_block(struct sreq *);
void	 h_show_messages(struct sreq *);
void	 h_purge(struct sreq *);
void	 h_user_usage(struct sreq *);
void	 h_sys_put(struct sreq *);
void	 h_sys_copies(struct sreq *);
void	 h_sys_undo(struct sreq *);
void	 h_user_gone(struct sreq *);

#endif
