/*
 * One set of seed-shaped certificates shared by a group of cmocka tests:
 * made before the group's first test, freed after its last.
 */
#ifndef TEST_SEEDFIXTURE_H
#define TEST_SEEDFIXTURE_H

#include "seedcerts.h"

/* The group's certificates, valid between the two fixtures. */
extern struct seed_certs seed;

/* cmocka group setup and teardown: make and free SEED. */
int seed_setup(void **state);
int seed_teardown(void **state);

#endif
