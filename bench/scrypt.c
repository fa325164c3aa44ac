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
 * implementation and size.
 *
 * With -a SECONDS it measures instead the raw limit under smsg's
 * sign-ins: hashes per second on all cores (one thread per CPU) at the
 * parameters given with -N LOGN -r R -p P, for both implementations in
 * turn, and prints one JSON object with the faster one's figure.
 * bench/run.sh runs it so beside the login workload.
 */
#include "config.h"

#include <sys/resource.h>

#include <pthread.h>
#include <unistd.h>

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

/* All cores: every thread hashes until the end time, then counts. */
struct allcores {
	struct pwhash_params	 pp;
	int			 libscrypt;
	double			 t_end;
	pthread_mutex_t		 mtx;
	unsigned long		 hashes, failures;
};

static void *
hash_thread(void *arg)
{
	static const uint8_t	 pw[] = "benchmark password";
	static const uint8_t	 salt[16] = "0123456789abcdef";
	struct allcores		*ac = arg;
	uint8_t			 out[64];
	int			 r;

	while (now(CLOCK_MONOTONIC) < ac->t_end) {
		if (ac->libscrypt)
			r = libscrypt_scrypt(pw, sizeof(pw) - 1, salt,
			    sizeof(salt), (uint64_t)1 << ac->pp.logn, ac->pp.r,
			    ac->pp.p, out, sizeof(out));
		else
			r = pwhash_scrypt(&ac->pp, pw, sizeof(pw) - 1, salt,
			    sizeof(salt), out, sizeof(out));
		pthread_mutex_lock(&ac->mtx);
		if (r == 0 && now(CLOCK_MONOTONIC) <= ac->t_end + 0.5)
			ac->hashes++;
		else if (r != 0)
			ac->failures++;
		pthread_mutex_unlock(&ac->mtx);
	}
	return NULL;
}

/* Hashes per second of one implementation on every core. */
static double
allcores_rate(struct allcores *ac, int threads, double secs)
{
	pthread_t	 tid[64];
	double		 t0 = now(CLOCK_MONOTONIC);
	int		 i;

	ac->hashes = ac->failures = 0;
	ac->t_end = t0 + secs;
	for (i = 0; i < threads; i++)
		if (pthread_create(&tid[i], NULL, hash_thread, ac) != 0)
			return -1;
	for (i = 0; i < threads; i++)
		pthread_join(tid[i], NULL);
	if (ac->failures > 0)
		return -1;
	return (double)ac->hashes / (now(CLOCK_MONOTONIC) - t0);
}

static int
allcores(double secs, const struct pwhash_params *pp)
{
	struct allcores	 ac;
	long		 n = sysconf(_SC_NPROCESSORS_ONLN);
	int		 threads = n < 1 ? 1 : n > 64 ? 64 : (int)n;
	double		 ossl, lib;

	memset(&ac, 0, sizeof(ac));
	pthread_mutex_init(&ac.mtx, NULL);
	ac.pp = *pp;
	ossl = allcores_rate(&ac, threads, secs / 2);
	ac.libscrypt = 1;
	lib = allcores_rate(&ac, threads, secs / 2);
	if (ossl < 0 || lib < 0) {
		fprintf(stderr, "scrypt failed\n");
		return 1;
	}
	printf("{\"workload\": \"scrypt\", \"what\": \"scrypt N=2^%u "
	    "r=%u p=%u on %d threads\", \"server\": \"%s\", "
	    "\"available\": true, \"threads\": %d, \"rps\": %.3f, "
	    "\"openssl_rps\": %.3f, \"libscrypt_rps\": %.3f}\n",
	    pp->logn, pp->r, pp->p, threads,
	    ossl >= lib ? "OpenSSL" : "libscrypt", threads,
	    ossl >= lib ? ossl : lib, ossl, lib);
	return 0;
}

int
main(int argc, char *argv[])
{
	struct pwhash_params	 pp = { PWHASH_DEFAULT_LOGN, PWHASH_DEFAULT_R,
	    PWHASH_DEFAULT_P };
	double			 secs = 0;
	int			 ch;

	while ((ch = getopt(argc, argv, "a:N:p:r:")) != -1) {
		switch (ch) {
		case 'a': secs = atof(optarg); break;
		case 'N': pp.logn = (uint8_t)atoi(optarg); break;
		case 'p': pp.p = (uint32_t)atoi(optarg); break;
		case 'r': pp.r = (uint32_t)atoi(optarg); break;
		default:
			fprintf(stderr, "usage: scrypt [-a seconds "
			    "[-N logn] [-r r] [-p p]]\n");
			return 2;
		}
	}
	if (pwhash_init() == -1) {
		fprintf(stderr, "OpenSSL scrypt/HKDF unavailable\n");
		return 1;
	}
	if (secs > 0) {
		if (secs > 600 || !pwhash_params_ok(&pp)) {
			fprintf(stderr, "scrypt: parameters out of range\n");
			return 2;
		}
		return allcores(secs, &pp);
	}
	if (measure(14) == -1 || measure(17) == -1)
		return 1;
	return 0;
}
