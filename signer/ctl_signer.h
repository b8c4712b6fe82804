/*
 * The signer interface: whatever holds the private key (a PEM key file, a
 * key on a USB token) signs through one function of this shape, so the
 * .tlv builder never knows where the key lives.
 */
#ifndef CTL_SIGNER_H
#define CTL_SIGNER_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

struct ctl_diag;

/*
 * Signs MSG (MSGLEN bytes, not yet hashed) with RSA PKCS#1 v1.5 over the
 * digest MD.  SIG has room for *SIGLEN bytes; on success *SIGLEN is set to
 * the signature's length.  Returns CTL_OK or a negative CTL_ERR_* code,
 * with details in D.
 */
typedef int (*ctl_sign_fn)(void *ctx, const EVP_MD *md, const uint8_t *msg,
    size_t msglen, uint8_t *sig, size_t *siglen, struct ctl_diag *d);

struct ctl_signer {
	ctl_sign_fn sign;
	void *ctx;           /* passed to sign; owned by whoever made the signer */
	X509 *cert;          /* the signer's certificate; borrowed */
	const char *label;   /* for messages: a file name or a token label */
};

/*
 * A signer for a KEY and CERT held in memory.  Both stay the caller's:
 * they must outlive S and are not freed with it.
 */
void ctl_signer_key(struct ctl_signer *s, EVP_PKEY *key, X509 *cert,
    const char *label);

/*
 * A signer backed by a key file: loads PATH (PEM holding the private key
 * and its certificate, in any order), checks that the two match, and fills
 * *S.  The key and certificate are freed by ctl_signer_file_free().
 */
int ctl_signer_file_open(const char *path, struct ctl_signer *s,
    struct ctl_diag *d);
void ctl_signer_file_free(struct ctl_signer *s);

#endif
