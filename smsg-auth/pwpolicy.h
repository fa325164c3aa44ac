#ifndef STUB_PWPOLICY
#define STUB_PWPOLICY
#define PW_MINLEN	12
#define PW_MAXLEN	128
#define PW_MAXBYTES	512
enum pw_verdict { PW_OK, PW_TOO_SHORT, PW_TOO_LONG, PW_BAD_CHARS, PW_WEAK };
enum pw_verdict pwpolicy_check(const char *pw, const char *username,
	    unsigned int min_score, char *why, size_t whysz);
int	pwpolicy_score(const char *pw, const char *username);
int	pwpolicy_init(void);
#endif
