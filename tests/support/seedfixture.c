/* The certificates of a cmocka test group: see seedfixture.h. */
#include "seedfixture.h"

struct seed_certs seed;

int
seed_setup(void **state)
{
	(void)state;
	return seed_certs_make(&seed);
}

int
seed_teardown(void **state)
{
	(void)state;
	seed_certs_free(&seed);
	return 0;
}
