/*
 * mkdatedcert OUT.pem KEY.pem CN FROM TO [ISSUERKEY.pem]
 *
 * A certificate (EC P-256) for CN valid from FROM to TO days from now,
 * either may be negative: the expired and expiring certificates the
 * trust store and health tests need, which `openssl x509 -days` cannot
 * make.  KEY.pem gets its key and certificate together.  Self-signed,
 * or issued by the key and certificate of ISSUERKEY.pem (a KEY.pem
 * this tool wrote).
 */
#include <stdio.h>
#include <stdlib.h>

#include <openssl/pem.h>

#include "certgen.h"

/* The key and the certificate of a KEY.pem that tg_write() wrote. */
static int
issuer_load(const char *path, struct tg_cert *out)
{
	FILE *f = fopen(path, "r");

	if (f == NULL)
		return -1;
	out->key = PEM_read_PrivateKey(f, NULL, NULL, NULL);
	rewind(f);
	out->cert = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	return out->key != NULL && out->cert != NULL ? 0 : -1;
}

int
main(int argc, char **argv)
{
	struct tg_cert issuer = { NULL, NULL }, c = { NULL, NULL };
	struct tg_spec spec = { 0 };
	char subject[256];
	int rc = 1;

	if (argc != 6 && argc != 7) {
		fprintf(stderr, "usage: mkdatedcert OUT.pem KEY.pem CN FROM TO "
		    "[ISSUERKEY.pem]\n");
		return 2;
	}
	if (argc == 7 && issuer_load(argv[6], &issuer) != 0) {
		fprintf(stderr, "mkdatedcert: cannot read %s\n", argv[6]);
		goto out;
	}
	snprintf(subject, sizeof(subject), "/CN=%s", argv[3]);
	spec.subject = subject;
	spec.bits = 0;
	spec.serial_len = 16;
	spec.issuer = argc == 7 ? &issuer : NULL;
	/* Made valid now, then moved in time and signed again. */
	if (tg_make(&spec, &c) != 0 ||
	    X509_gmtime_adj(X509_getm_notBefore(c.cert),
	    strtol(argv[4], NULL, 10) * 86400L) == NULL ||
	    X509_gmtime_adj(X509_getm_notAfter(c.cert),
	    strtol(argv[5], NULL, 10) * 86400L) == NULL ||
	    !X509_sign(c.cert, issuer.key ? issuer.key : c.key, EVP_sha256()) ||
	    tg_write(&c, argv[1], argv[2]) != 0) {
		fprintf(stderr, "mkdatedcert: cannot make the certificate\n");
		goto out;
	}
	rc = 0;
out:
	tg_free(&c);
	tg_free(&issuer);
	return rc;
}
