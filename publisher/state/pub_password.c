#include "pub_password.h"

#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "ctl_err.h"
#include "secret.h"

/* scrypt with N = 2^15, r = 8 needs 32 MiB; allow a little more. */
#define SCRYPT_MAXMEM (64u * 1024u * 1024u)

static const char alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

int
pub_password_generate(char *out, struct ctl_diag *d)
{
	uint8_t b[64];
	size_t have = 0, i;
	const size_t n = sizeof(alphabet) - 1;   /* 62 */

	while (have < PUB_PASSWORD_LEN) {
		if (RAND_bytes(b, sizeof(b)) != 1) {
			secret_wipe(out, have);
			return ctl_diag_set(d, CTL_ERR_CRYPTO,
			    "the random generator failed");
		}
		/* Rejection sampling: 248 = 4 * 62 keeps every letter
		 * equally likely. */
		for (i = 0; i < sizeof(b) && have < PUB_PASSWORD_LEN; i++)
			if (b[i] < 248)
				out[have++] = alphabet[b[i] % n];
	}
	out[have] = '\0';
	secret_wipe(b, sizeof(b));
	return CTL_OK;
}

static int
derive(const char *password, unsigned log2_n, unsigned r, unsigned p,
    const uint8_t *salt, uint8_t *out)
{
	size_t len = strlen(password);

	if (len == 0 || len > PUB_PASSWORD_MAX || log2_n < 10 ||
	    log2_n > 20 || r == 0 || r > 32 || p == 0 || p > 16)
		return CTL_ERR_USAGE;
	if (EVP_PBE_scrypt(password, len, salt, PUB_SALT_LEN,
	    (uint64_t)1 << log2_n, r, p, SCRYPT_MAXMEM, out,
	    PUB_HASH_LEN) != 1)
		return CTL_ERR_CRYPTO;
	return CTL_OK;
}

int
pub_password_hash(const char *password, struct pub_pwhash *h,
    struct ctl_diag *d)
{
	int rc;

	h->log2_n = PUB_SCRYPT_LOG2_N;
	h->r = PUB_SCRYPT_R;
	h->p = PUB_SCRYPT_P;
	if (RAND_bytes(h->salt, sizeof(h->salt)) != 1)
		return ctl_diag_set(d, CTL_ERR_CRYPTO,
		    "the random generator failed");
	rc = derive(password, h->log2_n, h->r, h->p, h->salt, h->hash);
	if (rc == CTL_ERR_USAGE)
		return ctl_diag_set(d, rc, "a password must be 1 to %d "
		    "characters", PUB_PASSWORD_MAX);
	if (rc != CTL_OK)
		return ctl_diag_set(d, rc, "scrypt failed");
	return CTL_OK;
}

bool
pub_password_matches(const char *password, const struct pub_pwhash *h)
{
	uint8_t got[PUB_HASH_LEN];
	bool ok;

	ok = derive(password, h->log2_n, h->r, h->p, h->salt, got) == CTL_OK &&
	    CRYPTO_memcmp(got, h->hash, PUB_HASH_LEN) == 0;
	secret_wipe(got, sizeof(got));
	return ok;
}
