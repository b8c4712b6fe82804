/* mkcorpus DIR: writes the seed corpus for the .tlv fuzz target. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "ctl_err.h"
#include "file_io.h"
#include "testbuild.h"

static int
save(const char *dir, const char *name, uint8_t *b, size_t len)
{
	char path[4096];
	int rc;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	rc = file_write_atomic(path, b, len, 0644, NULL);
	free(b);
	return rc;
}

int
main(int argc, char **argv)
{
	struct seed_certs s;
	struct ctl_entry e;
	uint8_t *b;
	size_t len;
	int rc = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: mkcorpus DIR\n");
		return 2;
	}
	if (seed_certs_make(&s) != 0)
		return 1;
	rc |= tb_seed_tokenless(&s, &b, &len) || save(argv[1],
	    "tokenless.tlv", b, len);
	rc |= tb_seed_tokens(&s, &s.token2, &b, &len) || save(argv[1],
	    "tokens.tlv", b, len);
	memset(&e, 0, sizeof(e));
	e.role = CTL_ROLE_TVS;
	e.cert = s.capf.cert;
	e.dns_name = "cucm-1051-a-pub";
	rc |= tb_build(&e, 1, &s.pub, CTL_DIGEST_SHA256, "ITLFile.tlv", &b,
	    &len) || save(argv[1], "itl.tlv", b, len);
	seed_certs_free(&s);
	if (rc != 0)
		fprintf(stderr, "mkcorpus: cannot write the corpus into %s\n",
		    argv[1]);
	return rc != 0;
}
