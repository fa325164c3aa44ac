/* Primitives shared by the files of lib/msgcrypt*.c, nothing more. */
#ifndef SMSG_MSGCRYPT_INT_H
#define SMSG_MSGCRYPT_INT_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

#include "msgcrypt.h"

const EVP_MD *mc_sha256(void);
int	mc_hkdf(const uint8_t *, size_t, const uint8_t *, size_t,
	    const uint8_t *, size_t, uint8_t *, size_t);
int	mc_aead(int, const uint8_t [MC_KEYLEN], const uint8_t [12],
	    const uint8_t *, size_t, const uint8_t *, size_t, uint8_t *);
void	mc_put64(uint8_t *, uint64_t);
void	mc_put32(uint8_t *, uint32_t);

#endif
