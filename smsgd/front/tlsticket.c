/*
 * TLS session tickets (front.tls_tickets): a client that comes back
 * resumes its session instead of a full handshake.  The ticket keys
 * live only in this process: each is drawn from OpenSSL's private
 * random generator (seeded by the kernel), seals new tickets for one
 * period (front.tls_ticket_period), opens them for one period more, and
 * is then wiped, so no key outlives its two periods and a ticket stolen
 * later opens nothing.  Nothing is cached on the server: a ticket holds
 * its session, sealed (AES-256-CBC and HMAC-SHA256, as OpenSSL's ticket
 * format wants).
 *
 * Workers run the callback; the main thread's tick rotates on time even
 * when no handshake comes, and the callback checks ages itself, so a
 * late tick never stretches a key's life.
 */
#include "config.h"

#include <pthread.h>
#include <string.h>
#include <time.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>

#include "log.h"
#include "server_impl.h"

#define TKEY_NAMELEN	16
#define TKEY_AESLEN	32
#define TKEY_MACLEN	32
#define TKEY_IVLEN	16

struct tkey {
	uint8_t		 name[TKEY_NAMELEN];
	uint8_t		 aes[TKEY_AESLEN];
	uint8_t		 mac[TKEY_MACLEN];
	time_t		 born;		/* monotonic seconds */
	int		 live;
};

static struct {
	pthread_mutex_t	 mtx;
	struct tkey	 cur, prev;	/* prev only opens, for one period */
	time_t		 period;
	int		 on;
} T = { .mtx = PTHREAD_MUTEX_INITIALIZER };

static time_t
mono_now(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

static void
tkey_wipe(struct tkey *k)
{
	explicit_bzero(k, sizeof(*k));
}

/* A fresh key; on failure none is live and no ticket is made. */
static void
tkey_make(struct tkey *k, time_t now)
{
	tkey_wipe(k);
	if (RAND_priv_bytes(k->name, sizeof(k->name)) != 1 ||
	    RAND_priv_bytes(k->aes, sizeof(k->aes)) != 1 ||
	    RAND_priv_bytes(k->mac, sizeof(k->mac)) != 1) {
		tkey_wipe(k);
		log_warnx("tls: no randomness for a ticket key; "
		    "no tickets until the next period");
		k->born = now;
		return;
	}
	k->born = now;
	k->live = 1;
}

/*
 * With the lock held: the current key retires after one period and is
 * wiped after two.  Several periods without a tick skip every key.
 */
static void
rotate_locked(time_t now)
{
	if (T.prev.live && now - T.prev.born >= 2 * T.period) {
		tkey_wipe(&T.prev);
		log_debug("tls: ticket key wiped, two periods old");
	}
	if (now - T.cur.born < T.period)
		return;
	tkey_wipe(&T.prev);
	if (T.cur.live && now - T.cur.born < 2 * T.period)
		T.prev = T.cur;
	tkey_make(&T.cur, now);
	log_debug("tls: new ticket key; the previous one opens tickets "
	    "for one period more");
}

static int
ticket_mac(EVP_MAC_CTX *hctx, const struct tkey *k)
{
	OSSL_PARAM	 params[3];

	params[0] = OSSL_PARAM_construct_octet_string(OSSL_MAC_PARAM_KEY,
	    (void *)(uintptr_t)k->mac, sizeof(k->mac));
	params[1] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
	    (char *)(uintptr_t)"SHA256", 0);
	params[2] = OSSL_PARAM_construct_end();
	return EVP_MAC_CTX_set_params(hctx, params) == 1 ? 0 : -1;
}

/*
 * OpenSSL's ticket callback: enc 1 seals a new ticket with the current
 * key; enc 0 finds the key a ticket names.  Returns 1, 2 (opened with
 * the retired key: issue a fresh ticket), 0 (no ticket, or an unknown
 * or expired key: a full handshake) or -1.
 */
static int
ticket_cb(SSL *ssl, unsigned char name[TKEY_NAMELEN],
    unsigned char iv[EVP_MAX_IV_LENGTH], EVP_CIPHER_CTX *cctx,
    EVP_MAC_CTX *hctx, int enc)
{
	struct tkey	 k;
	int		 r = 0;

	(void)ssl;
	pthread_mutex_lock(&T.mtx);
	rotate_locked(mono_now());
	memset(&k, 0, sizeof(k));
	if (enc && T.cur.live) {
		k = T.cur;
		r = 1;
	} else if (!enc && T.cur.live &&
	    memcmp(name, T.cur.name, TKEY_NAMELEN) == 0) {
		k = T.cur;
		r = 1;
	} else if (!enc && T.prev.live &&
	    memcmp(name, T.prev.name, TKEY_NAMELEN) == 0) {
		k = T.prev;
		r = 2;
	}
	pthread_mutex_unlock(&T.mtx);
	if (r == 0)
		goto done;
	if (enc) {
		memcpy(name, k.name, TKEY_NAMELEN);
		if (RAND_bytes(iv, TKEY_IVLEN) != 1 ||
		    EVP_EncryptInit_ex(cctx, EVP_aes_256_cbc(), NULL, k.aes,
		    iv) != 1)
			r = -1;
	} else if (EVP_DecryptInit_ex(cctx, EVP_aes_256_cbc(), NULL, k.aes,
	    iv) != 1)
		r = -1;
	if (r > 0 && ticket_mac(hctx, &k) == -1)
		r = -1;
done:
	tkey_wipe(&k);
	return r;
}

/*
 * tls.c builds the context with tickets off; on, they are turned on
 * here, with the first key.  Before the privilege drop.
 */
void
tls_tickets_init(SSL_CTX *ctx, int on, unsigned int period)
{
	T.on = on;
	T.period = period > 0 ? (time_t)period : 1;
	if (!on)
		return;
	tkey_make(&T.cur, mono_now());
	SSL_CTX_clear_options(ctx, SSL_OP_NO_TICKET);
	/* One ticket per handshake: enough for the next connection. */
	if (SSL_CTX_set_num_tickets(ctx, 1) != 1 ||
	    SSL_CTX_set_tlsext_ticket_key_evp_cb(ctx, ticket_cb) != 1)
		fatalx("tls: tickets");
	/* Clients need not offer a ticket no key can open any more. */
	SSL_CTX_set_timeout(ctx, (long)(2 * T.period));
	log_debug("tls: session tickets on, keys rotated every %u s",
	    period);
}

/* From the main thread's tick: retire and wipe keys on time. */
void
tls_tickets_tick(void)
{
	if (!T.on)
		return;
	pthread_mutex_lock(&T.mtx);
	rotate_locked(mono_now());
	pthread_mutex_unlock(&T.mtx);
}
