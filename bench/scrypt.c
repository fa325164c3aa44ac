/*
 * Which scrypt should smsg-auth use?  Times OpenSSL's EVP_KDF scrypt (as
 * smsg-auth calls it, through pwhash_scrypt) against libscrypt_scrypt at
 * N=2^14 and N=2^17 (r=8, p=1), alternating the two so that neither
 * gets a quieter machine, and prints milliseconds per hash and the
 * ratio.  The machine may be shared, so the thread's CPU time is
 * reported beside wall time and the ratio is taken from it; system time
 * is shown apart because faulting in fresh working memory on every call
 * is a large part of the cost.
 * Bounded: at most MAXITER hashes and MAXSEC wall seconds per
 * implementation and size.  Run with `make bench`.
 */
#include "config.h"

#include <sys/resource.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libscrypt.h>

#include "pwhash.h"

#define MINITER	3
#define MAXITER	20
#define MAXSEC	10.0

struct run {
	int	 n;
	double	 total, best, usr, sys;
};

static double
now(clockid_t clk)
{
	struct timespec	 ts;

	clock_gettime(clk, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
cpu(double *usr, double *sys)
{
	struct rusage	 ru;

	getrusage(RUSAGE_THREAD, &ru);
	*usr = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6;
	*sys = (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

static void
account(struct run *r, double t0, double u0, double s0)
{
	double	 dt = now(CLOCK_MONOTONIC) - t0, u, s;

	cpu(&u, &s);
	if (r->n == 0 || dt < r->best)
		r->best = dt;
	r->total += dt;
	r->usr += u - u0;
	r->sys += s - s0;
	r->n++;
}

/* One hash each, alternating; 0 when the two disagree or one fails. */
static int
round_once(const struct pwhash_params *pp, struct run *ossl,
    struct run *lib)
{
	static const uint8_t	 pw[] = "benchmark password";
	static const uint8_t	 salt[16] = "0123456789abcdef";
	uint8_t			 a[64], b[64];
	double			 t, u, s;

	t = now(CLOCK_MONOTONIC);
	cpu(&u, &s);
	if (pwhash_scrypt(pp, pw, sizeof(pw) - 1, salt, sizeof(salt), a,
	    sizeof(a)) == -1)
		return 0;
	account(ossl, t, u, s);
	t = now(CLOCK_MONOTONIC);
	cpu(&u, &s);
	if (libscrypt_scrypt(pw, sizeof(pw) - 1, salt, sizeof(salt),
	    (uint64_t)1 << pp->logn, pp->r, pp->p, b, sizeof(b)) == -1)
		return 0;
	account(lib, t, u, s);
	return memcmp(a, b, sizeof(a)) == 0;
}

/* Prints one line; returns the mean CPU ms (user + system). */
static double
report(const char *name, const struct run *r)
{
	double	 u = r->usr / r->n * 1e3, s = r->sys / r->n * 1e3;

	printf("  %-10s cpu %8.2f (user %8.2f sys %7.2f)  wall %8.2f  "
	    "best %8.2f\n", name, u + s, u, s, r->total / r->n * 1e3,
	    r->best * 1e3);
	return u + s;
}

static int
measure(uint8_t logn)
{
	struct pwhash_params	 pp = { logn, 8, 1 };
	struct run		 ossl = { 0 }, lib = { 0 };
	double			 oc, lc;

	while (ossl.n < MAXITER && (ossl.n < MINITER ||
	    (ossl.total < MAXSEC && lib.total < MAXSEC)))
		if (!round_once(&pp, &ossl, &lib)) {
			fprintf(stderr, "scrypt failed or disagreed at "
			    "N=2^%u\n", logn);
			return -1;
		}
	printf("N=2^%u r=8 p=1, %d runs each, ms per hash\n", logn, ossl.n);
	oc = report("OpenSSL", &ossl);
	lc = report("libscrypt", &lib);
	printf("  libscrypt/OpenSSL (cpu) %.2fx\n", lc / oc);
	return 0;
}

int
main(void)
{
	if (pwhash_init() == -1) {
		fprintf(stderr, "OpenSSL scrypt/HKDF unavailable\n");
		return 1;
	}
	if (measure(14) == -1 || measure(17) == -1)
		return 1;
	return 0;
}
