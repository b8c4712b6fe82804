/*
 * mkdatedcert OUT.pem KEY.pem CN FROM TO [ISSUER.pem ISSUERKEY.pem]
 *
 * A certificate (EC P-256) for CN valid from FROM to TO days from now,
 * either may be negative: the expired and expiring certificates the
 * trust store and health tests need, which `openssl x509 -days` cannot
 * make.  Self-signed, or issued by ISSUER with ISSUERKEY.
 */
#include <stdio.h>
#include <stdlib.h>

#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

static X509 *
load_cert(const char *path)
{
	FILE *f = fopen(path, "r");
	X509 *x = NULL;

	if (f != NULL) {
		x = PEM_read_X509(f, NULL, NULL, NULL);
		fclose(f);
	}
	return x;
}

static EVP_PKEY *
load_key(const char *path)
{
	FILE *f = fopen(path, "r");
	EVP_PKEY *k = NULL;

	if (f != NULL) {
		k = PEM_read_PrivateKey(f, NULL, NULL, NULL);
		fclose(f);
	}
	return k;
}

static int
add_ext(X509 *x, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX ctx;
	X509_EXTENSION *e;
	int ok;

	X509V3_set_ctx(&ctx, issuer, x, NULL, NULL, 0);
	if ((e = X509V3_EXT_conf_nid(NULL, &ctx, nid, value)) == NULL)
		return 0;
	ok = X509_add_ext(x, e, -1);
	X509_EXTENSION_free(e);
	return ok;
}

int
main(int argc, char **argv)
{
	EVP_PKEY *key = NULL, *ikey = NULL;
	X509 *x = NULL, *issuer = NULL;
	unsigned char serial[16];
	BIGNUM *bn = NULL;
	FILE *f;
	long from, to;
	int rc = 1;

	if (argc != 6 && argc != 8) {
		fprintf(stderr, "usage: mkdatedcert OUT.pem KEY.pem CN FROM TO "
		    "[ISSUER.pem ISSUERKEY.pem]\n");
		return 2;
	}
	from = strtol(argv[4], NULL, 10);
	to = strtol(argv[5], NULL, 10);
	if (argc == 8 && ((issuer = load_cert(argv[6])) == NULL ||
	    (ikey = load_key(argv[7])) == NULL)) {
		fprintf(stderr, "mkdatedcert: cannot read the issuer\n");
		goto out;
	}
	if ((key = EVP_EC_gen("P-256")) == NULL || (x = X509_new()) == NULL ||
	    RAND_bytes(serial, sizeof(serial)) != 1)
		goto out;
	serial[0] &= 0x7f;
	if ((bn = BN_bin2bn(serial, sizeof(serial), NULL)) == NULL ||
	    BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)) == NULL ||
	    !X509_set_version(x, 2) ||
	    !X509_NAME_add_entry_by_txt(X509_get_subject_name(x), "CN",
	    MBSTRING_UTF8, (const unsigned char *)argv[3], -1, -1, 0) ||
	    !X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer) :
	    X509_get_subject_name(x)) ||
	    X509_gmtime_adj(X509_getm_notBefore(x), from * 86400L) == NULL ||
	    X509_gmtime_adj(X509_getm_notAfter(x), to * 86400L) == NULL ||
	    !X509_set_pubkey(x, key) ||
	    !add_ext(x, issuer ? issuer : x, NID_basic_constraints,
	    "critical,CA:TRUE") ||
	    !add_ext(x, issuer ? issuer : x, NID_subject_key_identifier,
	    "hash") ||
	    !X509_sign(x, ikey ? ikey : key, EVP_sha256()))
		goto out;
	if ((f = fopen(argv[1], "w")) == NULL)
		goto out;
	PEM_write_X509(f, x);
	fclose(f);
	if ((f = fopen(argv[2], "w")) == NULL)
		goto out;
	PEM_write_PrivateKey(f, key, NULL, NULL, 0, NULL, NULL);
	fclose(f);
	rc = 0;
out:
	if (rc != 0)
		fprintf(stderr, "mkdatedcert: cannot make the certificate\n");
	BN_free(bn);
	X509_free(x);
	X509_free(issuer);
	EVP_PKEY_free(key);
	EVP_PKEY_free(ikey);
	return rc;
}
