/*
 * Device tokens of an account.  See device.h.
 */
#include "config.h"

#include <openssl/crypto.h>

#include <string.h>

#include "device.h"

static int
device_alive(const struct device *d, time_t now)
{
	return now >= 0 && d->last_used + DEVICE_LIFETIME > (uint64_t)now;
}

struct device *
device_find(struct account *a, const char *token, time_t now)
{
	uint8_t		 h[SESSION_HASHLEN];
	struct device	*hit = NULL;
	int		 i;

	if (strlen(token) != SESSION_TOKENLEN - 1 ||
	    token_hash(token, h) == -1)
		return NULL;
	for (i = 0; i < a->ndevices && i < ACCOUNT_DEVICES; i++)
		if (CRYPTO_memcmp(h, a->devices[i].hash, DEVICE_HASHLEN) ==
		    0 && device_alive(&a->devices[i], now))
			hit = &a->devices[i];
	explicit_bzero(h, sizeof(h));
	return hit;
}

/* A slot for a new device: a free one, else the one unused longest. */
static struct device *
device_slot(struct account *a)
{
	struct device	*d;
	int		 i;

	if (a->ndevices < ACCOUNT_DEVICES)
		return &a->devices[a->ndevices++];
	d = &a->devices[0];
	for (i = 1; i < ACCOUNT_DEVICES; i++)
		if (a->devices[i].last_used < d->last_used)
			d = &a->devices[i];
	return d;
}

int
device_issue(struct account *a, const char *presented, time_t now,
    char out[SESSION_TOKENLEN])
{
	struct device	*d;
	uint8_t		 h[SESSION_HASHLEN];

	if ((d = device_find(a, presented, now)) != NULL) {
		d->last_used = now < 0 ? 0 : (uint64_t)now;
		strlcpy(out, presented, SESSION_TOKENLEN);
		return 0;
	}
	if (token_new(out, h) == -1) {
		explicit_bzero(out, SESSION_TOKENLEN);
		return -1;
	}
	d = device_slot(a);
	memset(d, 0, sizeof(*d));
	memcpy(d->hash, h, DEVICE_HASHLEN);
	d->last_used = now < 0 ? 0 : (uint64_t)now;
	explicit_bzero(h, sizeof(h));
	return 0;
}
