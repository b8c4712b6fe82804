#include "seedcerts.h"

#include <stdio.h>
#include <string.h>

#define KRAKOW "/OU=TAC/O=Cisco/C=PL"

int
seed_certs_make(struct seed_certs *s)
{
	/* Cisco's CallManager certificate lists its RDNs as L, ST, CN,
	 * OU, O, C; CUCM still writes the name as CN;OU;O;L;ST;C. */
	const struct tg_spec pub = { "/L=Krakow/ST=Malopolska/CN=cucm-1051-a-pub"
	    KRAKOW, 1024, 16, EVP_sha1(), 694, NULL, NULL };
	const struct tg_spec capf = { "/CN=CAPF-e41e7d87/OU=TAC/O=Cisco"
	    "/L=Krakow/ST=Malopolska/C=PL", 1024, 16, EVP_sha1(), 680, NULL,
	    NULL };
	const struct tg_spec sub1 = { "/L=Krakow/ST=Malopolska"
	    "/CN=cucm-1051-a-sub1" KRAKOW, 1024, 16, EVP_sha1(), 696, NULL,
	    NULL };
	const struct tg_spec ca = { "/O=Cisco Systems/CN=Cisco Manufacturing CA",
	    2048, 16, EVP_sha1(), 0, NULL, NULL };
	/* 55 characters as CUCM writes them, Cisco's SUBJECTNAME length. */
	struct tg_spec t1 = { "/O=Cisco Systems/OU=IPCBU/CN=SAST-ADN0054f509"
	    "/L=San Jose", 1024, 10, EVP_sha1(), 902, NULL, NULL };
	struct tg_spec t2 = { "/O=Cisco Systems/OU=IPCBU/CN=SAST-ADN008580ef"
	    "/L=San Jose", 1024, 10, EVP_sha1(), 902, NULL, NULL };

	memset(s, 0, sizeof(*s));
	if (tg_make(&pub, &s->pub) || tg_make(&capf, &s->capf) ||
	    tg_make(&sub1, &s->sub1) || tg_make(&ca, &s->mfg_ca))
		goto fail;
	t1.issuer = t2.issuer = &s->mfg_ca;
	if (tg_make(&t1, &s->token1) || tg_make(&t2, &s->token2))
		goto fail;
	return 0;
fail:
	seed_certs_free(s);
	return -1;
}

void
seed_certs_free(struct seed_certs *s)
{
	tg_free(&s->pub);
	tg_free(&s->capf);
	tg_free(&s->sub1);
	tg_free(&s->mfg_ca);
	tg_free(&s->token1);
	tg_free(&s->token2);
}

int
seed_certs_write(const struct seed_certs *s, const char *dir)
{
	const struct {
		const char *name;
		const struct tg_cert *c;
	} all[] = {
		{ "pub", &s->pub }, { "capf", &s->capf }, { "sub1", &s->sub1 },
		{ "mfg_ca", &s->mfg_ca }, { "token1", &s->token1 },
		{ "token2", &s->token2 },
	};
	char cp[4096], kp[4096];
	size_t i;

	for (i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		snprintf(cp, sizeof(cp), "%s/%s.pem", dir, all[i].name);
		snprintf(kp, sizeof(kp), "%s/%s.key.pem", dir, all[i].name);
		if (tg_write(all[i].c, cp, kp) != 0)
			return -1;
	}
	return 0;
}
