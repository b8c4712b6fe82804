#include "testbuild.h"

#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "ctl_err.h"

int
tb_build(const struct ctl_entry *entries, size_t n,
    const struct tg_cert *signer, int digest, const char *filename,
    uint8_t **out, size_t *len)
{
	struct ctl_signer s;
	struct ctl_build_opts o = { digest, filename ? filename :
	    "CTLFile.tlv", 1425667513 /* Cisco's sample, Fri Mar 06 2015 */ };

	ctl_signer_key(&s, signer->key, signer->cert, "test signer");
	return ctl_build(entries, n, &s, &o, out, len, NULL, NULL);
}

void
tb_entry(struct ctl_entry *e, uint16_t role, const struct tg_cert *c,
    const char *dns, uint8_t last_ip, bool token)
{
	memset(e, 0, sizeof(*e));
	e->role = role;
	e->cert = c->cert;
	e->dns_name = dns;
	if (last_ip != 0) {
		e->ip[0] = 127;
		e->ip[3] = last_ip;
	}
	e->token_style = token;
}

void
tb_seed_tokenless_entries(const struct seed_certs *s, struct ctl_entry e[4])
{
	tb_entry(&e[0], CTL_ROLE_SAST, &s->pub, "cucm-1051-a-pub", 2, false);
	tb_entry(&e[1], CTL_ROLE_CCM_TFTP, &s->pub, "cucm-1051-a-pub", 2,
	    false);
	tb_entry(&e[2], CTL_ROLE_CAPF, &s->capf, "cucm-1051-a-pub", 2, false);
	tb_entry(&e[3], CTL_ROLE_CCM_TFTP, &s->sub1, "cucm-1051-a-sub1", 3,
	    false);
}

int
tb_seed_tokenless(const struct seed_certs *s, uint8_t **out, size_t *len)
{
	struct ctl_entry e[4];

	tb_seed_tokenless_entries(s, e);
	return tb_build(e, 4, &s->pub, CTL_DIGEST_SHA1, NULL, out, len);
}

void
tb_seed_tokens_entries(const struct seed_certs *s, struct ctl_entry e[5])
{
	tb_entry(&e[0], CTL_ROLE_SAST, &s->token1, NULL, 0, true);
	tb_entry(&e[1], CTL_ROLE_CCM_TFTP, &s->pub, "cucm-1051-a-pub", 2,
	    false);
	tb_entry(&e[2], CTL_ROLE_CAPF, &s->capf, "cucm-1051-a-pub", 2, false);
	tb_entry(&e[3], CTL_ROLE_CCM_TFTP, &s->sub1, "cucm-1051-a-sub1", 3,
	    false);
	tb_entry(&e[4], CTL_ROLE_SAST, &s->token2, NULL, 0, true);
}

int
tb_seed_tokens(const struct seed_certs *s, const struct tg_cert *signer,
    uint8_t **out, size_t *len)
{
	struct ctl_entry e[5];

	tb_seed_tokens_entries(s, e);
	return tb_build(e, 5, signer, CTL_DIGEST_SHA1, NULL, out, len);
}

uint8_t *
tb_tiny_records(size_t n, size_t *len)
{
	static const uint8_t hdr[] = { 1, 0, 2, 1, 2, 2, 0, 2, 0, 10 };
	static const uint8_t rec[] = { 1, 0, 2, 0, 10, 4, 0, 2, 0, 3 };
	uint8_t *b;
	size_t i;

	*len = sizeof(hdr) + n * sizeof(rec);
	if ((b = malloc(*len)) == NULL)
		return NULL;
	memcpy(b, hdr, sizeof(hdr));
	for (i = 0; i < n; i++)
		memcpy(b + sizeof(hdr) + i * sizeof(rec), rec, sizeof(rec));
	return b;
}

const uint8_t *
tb_odd_shapes(size_t *len)
{
	/* VERSION, HEADERLENGTH, a flat SIGNERID (2-byte value giving the
	 * length of the fields after it), a nested SIGNATUREINFO, padding
	 * inside the header, an unknown header tag; then a record whose
	 * RECORDLENGTH comes last and which carries an unknown tag. */
	static const uint8_t odd[] = {
		1, 0, 2, 1, 2,
		2, 0, 2, 0, 48,
		3, 0, 2, 0, 14,                 /* flat SIGNERID: 14 bytes */
		  4, 0, 2, 'S', 0,
		  5, 0, 1, 0x42,
		  6, 0, 2, 'C', 0,
		7, 0, 8,                        /* nested SIGNATUREINFO */
		  8, 0, 1, 2,
		  13,                           /* padding inside */
		  9, 0, 0,                      /* empty SIGNATUREALGOINFO */
		13,
		99, 0, 1, 7,                    /* unknown header tag */
		13, 13, 13,
		/* record at 48 */
		4, 0, 2, 0, 21,
		77, 0, 2, 0xaa, 0xbb,           /* unknown record tag */
		10, 0, 4, 10, 0, 0, 1,
		1, 0, 2, 0, 22,
	};

	*len = sizeof(odd);
	return odd;
}
