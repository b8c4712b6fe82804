/*
 * Fuzz target for what a TVS server does with bytes from a phone: the
 * header, the whole request, the certificate in it, and the lookup in a
 * small fixed cache.  The certificate of a request that parses is also
 * put in a cache of its own, where it must then be found: a lookup that
 * misses a certificate it holds is a bug, and aborts.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <openssl/x509.h>

#include "certgen.h"
#include "ctl.h"
#include "ctl_err.h"
#include "pub_tvs_cache.h"
#include "tvs_msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct pub_tvs_snap *fixed;

/* Two certificates of the database part, one of the CTL part. */
static struct pub_tvs_snap *
make_fixed(void)
{
	static const char *subjects[] = { "/CN=cucm-pub/O=Open CTL",
	    "/CN=SAST1", "/CN=tftp-only" };
	struct pub_tvs_snap *s = pub_tvs_snap_new();

	for (int i = 0; s && i < 3; i++) {
		struct tg_spec spec = { subjects[i], 0, 16, NULL, 0, NULL,
		    NULL };
		struct tg_cert c;
		unsigned char *der = NULL;
		int n;

		if (tg_make(&spec, &c) != 0)
			abort();
		n = i2d_X509(c.cert, &der);
		if (n <= 0 || pub_tvs_snap_add(s, i == 2, der, (size_t)n,
		    (uint8_t)i, "fixed", NULL) != CTL_OK)
			abort();
		OPENSSL_free(der);
		tg_free(&c);
	}
	if (s == NULL)
		abort();
	pub_tvs_snap_seal(s);
	return s;
}

/* The request at DATA (one whole message), as the server handles it. */
static void
one_request(const uint8_t *data, size_t size)
{
	struct tvs_request r;
	struct pub_tvs_answer a;
	struct pub_tvs_snap *own;
	X509 *x = NULL;

	if (tvs_request_parse(data, size, &r, NULL) != CTL_OK)
		return;
	if (tvs_request_cert(&r, &x, NULL) != CTL_OK)
		return;
	pub_tvs_lookup(fixed, x, r.cert, r.cert_len, &a);
	if ((own = pub_tvs_snap_new()) == NULL)
		abort();
	if (pub_tvs_snap_add(own, r.session & 1, r.cert, r.cert_len,
	    (uint8_t)r.session, "own", NULL) == CTL_OK) {
		pub_tvs_snap_seal(own);
		pub_tvs_lookup(own, x, r.cert, r.cert_len, &a);
		if (!a.valid || a.nroles != 1 || a.roles[0] != (uint8_t)r.session)
			abort();
	}
	pub_tvs_snap_put(own);
	X509_free(x);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tvs_header h;

	if (fixed == NULL)
		fixed = make_fixed();
	/* as the server reads a stream: header, then exactly its body */
	while (size >= TVS_HEADER_LEN &&
	    tvs_header_parse(data, size, &h, NULL) == CTL_OK &&
	    h.length <= TVS_REQUEST_MAX &&
	    h.length <= size - TVS_HEADER_LEN) {
		one_request(data, TVS_HEADER_LEN + (size_t)h.length);
		data += TVS_HEADER_LEN + (size_t)h.length;
		size -= TVS_HEADER_LEN + (size_t)h.length;
	}
	/* and the whole input as one message, which must be refused
	 * unless it is exactly one request */
	one_request(data, size);
	return 0;
}
