/* The store's request handlers: the front's requests and smsgctl's. */
#ifndef SMSG_STORE_HANDLERS_H
#define SMSG_STORE_HANDLERS_H

#include <stdint.h>

#include "msg.h"
#include "proto.h"

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
