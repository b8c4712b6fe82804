/*
 * Certificates shaped like those of Cisco's sample output (a two-node CUCM 10.5
 * cluster and two eTokens), with Cisco's subject names, serial lengths,
 * key sizes and DER lengths, so that files built from them have the
 * seed's byte counts.
 */
#ifndef TEST_SEEDCERTS_H
#define TEST_SEEDCERTS_H

#include "certgen.h"

struct seed_certs {
	struct tg_cert pub;      /* CCM+TFTP of cucm-1051-a-pub: 694 bytes */
	struct tg_cert capf;     /* CAPF-e41e7d87: 680 bytes */
	struct tg_cert sub1;     /* CCM+TFTP of cucm-1051-a-sub1: 696 bytes */
	struct tg_cert mfg_ca;   /* "Cisco Manufacturing CA" */
	struct tg_cert token1;   /* SAST-ADN0054f509: 902 bytes */
	struct tg_cert token2;   /* SAST-ADN008580ef: 902 bytes */
};

/* Makes all of them; 0 or -1.  Free with seed_certs_free(). */
int seed_certs_make(struct seed_certs *s);
void seed_certs_free(struct seed_certs *s);

/* Writes NAME.pem (certificate) and NAME.key.pem (key + certificate) for
 * each into DIR: pub, capf, sub1, mfg_ca, token1, token2.  0 or -1. */
int seed_certs_write(const struct seed_certs *s, const char *dir);

#endif
