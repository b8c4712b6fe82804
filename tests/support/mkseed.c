/* mkseed DIR: writes seed-shaped certificates and keys into DIR, for the
 * command-line tests and the fuzz corpus. */
#include <stdio.h>

#include "seedcerts.h"

int
main(int argc, char **argv)
{
	struct seed_certs s;
	int rc;

	if (argc != 2) {
		fprintf(stderr, "usage: mkseed DIR\n");
		return 2;
	}
	if (seed_certs_make(&s) != 0) {
		fprintf(stderr, "mkseed: cannot make the certificates\n");
		return 1;
	}
	rc = seed_certs_write(&s, argv[1]);
	seed_certs_free(&s);
	if (rc != 0) {
		fprintf(stderr, "mkseed: cannot write into %s\n", argv[1]);
		return 1;
	}
	return 0;
}
