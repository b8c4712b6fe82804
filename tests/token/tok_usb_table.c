/*
 * Prints the USB eToken table compiled into ctltoken, one "vvvv:pppp" per
 * line, so that a test can hold the generated udev rules against it.
 */
#include <stdio.h>

#include "tok_usb.h"

int
main(void)
{
	const struct tok_usb_model *m;
	size_t i, n;

	m = tok_usb_models(&n);
	for (i = 0; i < n; i++)
		printf("%04x:%04x\n", m[i].vendor, m[i].product);
	return n > 0 ? 0 : 1;
}
