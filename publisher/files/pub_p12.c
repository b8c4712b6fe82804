/* Strict PKCS12 reading: see pub_p12.h. */
#include "pub_p12.h"

#include <limits.h>

#include <openssl/err.h>
#include <openssl/pkcs12.h>

#include "ossl_err.h"

enum pub_p12_step
pub_p12_open(const uint8_t *p, size_t len, size_t max, const char *password,
    EVP_PKEY **key, X509 **cert, STACK_OF(X509) **ca, char *why,
    size_t whylen)
{
	const unsigned char *q = p;
	enum pub_p12_step step;
	PKCS12 *pk = NULL;

	*key = NULL;
	*cert = NULL;
	*ca = NULL;
	if (len == 0 || len > max || len > LONG_MAX ||
	    (pk = d2i_PKCS12(NULL, &q, (long)len)) == NULL || q != p + len) {
		step = PUB_P12_NOT_PKCS12;
		goto out;
	}
	if (!PKCS12_mac_present(pk)) {
		step = PUB_P12_NO_MAC;
		goto out;
	}
	if (PKCS12_verify_mac(pk, password, -1) != 1) {
		step = PUB_P12_WRONG_PASSWORD;
		goto out;
	}
	if (PKCS12_parse(pk, password, key, cert, ca) != 1) {
		if (why != NULL)
			ossl_err_drain(why, whylen);
		/* OpenSSL frees and clears the key and certificate on
		 * failure, but can leave a stack it began. */
		EVP_PKEY_free(*key);
		X509_free(*cert);
		sk_X509_pop_free(*ca, X509_free);
		*key = NULL;
		*cert = NULL;
		*ca = NULL;
		step = PUB_P12_UNREADABLE;
		goto out;
	}
	step = PUB_P12_OK;
out:
	ERR_clear_error();
	PKCS12_free(pk);
	return step;
}
