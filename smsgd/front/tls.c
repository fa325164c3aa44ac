/*
 * The front's TLS context, built from PEM in memory: the parent reads the
 * certificate and key files and sends their contents; the front never
 * opens a file.
 */
#include "config.h"

#include <limits.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>

#include "log.h"
#include "server_impl.h"

/* TLS 1.2: forward secrecy and AEAD only.  TLS 1.3 suites are all fine. */
#define TLS12_CIPHERS \
	"ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:" \
	"ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:" \
	"ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305"

static const unsigned char alpn_http11[] = "\x08http/1.1";

static void
tls_fatal(const char *what)
{
	unsigned long	 e = ERR_get_error();
	char		 buf[256];

	ERR_error_string_n(e, buf, sizeof(buf));
	ERR_clear_error();
	fatalx("tls: %s: %s", what, e ? buf : "failed");
}

/* Only http/1.1 is spoken; a client that offers something else gets none. */
static int
tls_alpn(SSL *ssl, const unsigned char **out, unsigned char *outlen,
    const unsigned char *in, unsigned int inlen, void *arg)
{
	unsigned char	*sel;

	if (SSL_select_next_proto(&sel, outlen, alpn_http11,
	    sizeof(alpn_http11) - 1, in, inlen) != OPENSSL_NPN_NEGOTIATED)
		return SSL_TLSEXT_ERR_NOACK;
	*out = sel;
	return SSL_TLSEXT_ERR_OK;
}

static void
tls_load_chain(SSL_CTX *ctx, const uint8_t *pem, size_t len)
{
	BIO	*bio;
	X509	*x;
	int	 n;

	if (len > INT_MAX || (bio = BIO_new_mem_buf(pem, (int)len)) == NULL)
		tls_fatal("certificate buffer");
	if ((x = PEM_read_bio_X509_AUX(bio, NULL, NULL, NULL)) == NULL)
		tls_fatal("no certificate");
	if (SSL_CTX_use_certificate(ctx, x) != 1)
		tls_fatal("certificate");
	X509_free(x);
	/* The rest of the file is the chain, leaf first. */
	for (n = 0; (x = PEM_read_bio_X509(bio, NULL, NULL, NULL)) != NULL;
	    n++) {
		if (n >= 16 || SSL_CTX_add0_chain_cert(ctx, x) != 1)
			tls_fatal("certificate chain");
	}
	/* Reading stops at the end of the buffer with a "no start line". */
	ERR_clear_error();
	BIO_free(bio);
}

static void
tls_load_key(SSL_CTX *ctx, const uint8_t *pem, size_t len)
{
	BIO		*bio;
	EVP_PKEY	*key;

	if (len > INT_MAX || (bio = BIO_new_mem_buf(pem, (int)len)) == NULL)
		tls_fatal("key buffer");
	/* A NULL passphrase callback would prompt; "" refuses instead. */
	if ((key = PEM_read_bio_PrivateKey(bio, NULL, NULL, "")) == NULL)
		tls_fatal("private key");
	BIO_free(bio);
	if (SSL_CTX_use_PrivateKey(ctx, key) != 1)
		tls_fatal("private key");
	EVP_PKEY_free(key);
	if (SSL_CTX_check_private_key(ctx) != 1)
		tls_fatal("the private key does not match the certificate");
}

/*
 * Build the context from the parent's MSG_CONF_TLS.  The caller zeroes
 * its copy of the key once this returns; OpenSSL holds its own.
 */
SSL_CTX *
tls_context(const uint8_t *cert, size_t certlen, const uint8_t *key,
    size_t keylen)
{
	SSL_CTX		*ctx;
	long		 opts;

	if (OPENSSL_init_ssl(OPENSSL_INIT_NO_LOAD_CONFIG, NULL) != 1)
		tls_fatal("OPENSSL_init_ssl");
	if ((ctx = SSL_CTX_new(TLS_server_method())) == NULL)
		tls_fatal("SSL_CTX_new");
	if (SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) != 1 ||
	    SSL_CTX_set_max_proto_version(ctx, TLS1_3_VERSION) != 1)
		tls_fatal("protocol versions");
	if (SSL_CTX_set_cipher_list(ctx, TLS12_CIPHERS) != 1)
		tls_fatal("cipher list");
	/* OpenSSL 3 refuses client renegotiation unless allowed; this too. */
	/*
	 * A peer closing without close_notify is an ordinary end of
	 * connection: HTTP framing, not TLS, says whether a request is whole.
	 */
	opts = SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION |
	    SSL_OP_NO_TICKET | SSL_OP_CIPHER_SERVER_PREFERENCE |
	    SSL_OP_IGNORE_UNEXPECTED_EOF;
	SSL_CTX_set_options(ctx, opts);
	/*
	 * No session cache and, until tls_tickets_init turns them on with
	 * keys of its own (front.tls_tickets), no tickets either.
	 */
	/*
	 * An idle connection (a live event stream, mostly) keeps no TLS
	 * read or write buffer: 34 KiB each otherwise.
	 */
	SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
	if (SSL_CTX_set_num_tickets(ctx, 0) != 1)
		tls_fatal("tickets");
	SSL_CTX_set_alpn_select_cb(ctx, tls_alpn, NULL);
	tls_load_chain(ctx, cert, certlen);
	tls_load_key(ctx, key, keylen);
	return ctx;
}
