#include "testbuild.h"

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
	    "CTLFile.tlv", 1425667513 /* the seed's Fri Mar 06 2015 */ };

	ctl_signer_key(&s, signer->key, signer->cert, "test signer");
	return ctl_build(entries, n, &s, &o, out, len, NULL, NULL);
}

static void
entry(struct ctl_entry *e, uint16_t role, const struct tg_cert *c,
    const char *dns, uint8_t last_ip, bool token)
{
	memset(e, 0, sizeof(*e));
	e->role = role;
	e->cert = c->cert;
	e->dns_name = dns;
	e->ip[0] = 127;
	e->ip[3] = last_ip;
	e->token_style = token;
}

int
tb_seed_tokenless(const struct seed_certs *s, uint8_t **out, size_t *len)
{
	struct ctl_entry e[4];

	entry(&e[0], CTL_ROLE_SAST, &s->pub, "cucm-1051-a-pub", 2, false);
	entry(&e[1], CTL_ROLE_CCM_TFTP, &s->pub, "cucm-1051-a-pub", 2, false);
	entry(&e[2], CTL_ROLE_CAPF, &s->capf, "cucm-1051-a-pub", 2, false);
	entry(&e[3], CTL_ROLE_CCM_TFTP, &s->sub1, "cucm-1051-a-sub1", 3,
	    false);
	return tb_build(e, 4, &s->pub, CTL_DIGEST_SHA1, NULL, out, len);
}

int
tb_seed_tokens(const struct seed_certs *s, const struct tg_cert *signer,
    uint8_t **out, size_t *len)
{
	struct ctl_entry e[5];

	entry(&e[0], CTL_ROLE_SAST, &s->token1, NULL, 0, true);
	entry(&e[1], CTL_ROLE_CCM_TFTP, &s->pub, "cucm-1051-a-pub", 2, false);
	entry(&e[2], CTL_ROLE_CAPF, &s->capf, "cucm-1051-a-pub", 2, false);
	entry(&e[3], CTL_ROLE_CCM_TFTP, &s->sub1, "cucm-1051-a-sub1", 3,
	    false);
	entry(&e[4], CTL_ROLE_SAST, &s->token2, NULL, 0, true);
	memset(e[0].ip, 0, 4);
	memset(e[4].ip, 0, 4);
	return tb_build(e, 5, signer, CTL_DIGEST_SHA1, NULL, out, len);
}
