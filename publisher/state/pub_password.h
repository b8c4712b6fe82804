/*
 * Passwords: random generation, and salted slow hashes (scrypt through
 * OpenSSL's EVP_PBE_scrypt) compared in constant time.
 */
#ifndef PUB_PASSWORD_H
#define PUB_PASSWORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ctl_diag;

#define PUB_PASSWORD_LEN   20   /* characters in a generated password */
#define PUB_PASSWORD_MAX   256  /* the longest password accepted */
#define PUB_SALT_LEN       16
#define PUB_HASH_LEN       32

/* scrypt parameters, recorded beside every hash: N = 2^log2_n. */
#define PUB_SCRYPT_LOG2_N  15
#define PUB_SCRYPT_R       8
#define PUB_SCRYPT_P       1

/* A password hash with the parameters that made it. */
struct pub_pwhash {
	unsigned log2_n, r, p;
	uint8_t salt[PUB_SALT_LEN];
	uint8_t hash[PUB_HASH_LEN];
};

/*
 * Writes a random password of PUB_PASSWORD_LEN letters and digits, NUL
 * terminated, into OUT (at least PUB_PASSWORD_LEN + 1 bytes).  Fails with
 * CTL_ERR_CRYPTO when the random generator does.
 */
int pub_password_generate(char *out, struct ctl_diag *d);

/*
 * Hashes PASSWORD with a new random salt and the default parameters into
 * *H.  Fails with CTL_ERR_USAGE for an empty password or one longer than
 * PUB_PASSWORD_MAX, CTL_ERR_CRYPTO when OpenSSL does.
 */
int pub_password_hash(const char *password, struct pub_pwhash *h,
    struct ctl_diag *d);

/*
 * Does PASSWORD hash to H (with H's salt and parameters)?  Always does
 * the full scrypt work, and compares with CRYPTO_memcmp.  Returns true
 * only on a match; a password that cannot be hashed never matches.
 */
bool pub_password_matches(const char *password, const struct pub_pwhash *h);

#endif
