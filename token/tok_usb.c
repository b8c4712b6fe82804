/* Spotting known eTokens on USB through libusb. */
#include "tok_usb.h"

#include <stdlib.h>

#include <libusb.h>

#include "ctl_err.h"

static const struct tok_usb_model models[] = {
#define TOK_USB_DEVICE(v, p, name, ccid, by) { v, p, name, ccid, by },
#include "tok_usb_devices.def"
#undef TOK_USB_DEVICE
};

const struct tok_usb_model *
tok_usb_models(size_t *n)
{
	*n = sizeof(models) / sizeof(models[0]);
	return models;
}

static const struct tok_usb_model *
lookup(uint16_t vendor, uint16_t product)
{
	size_t i;

	for (i = 0; i < sizeof(models) / sizeof(models[0]); i++)
		if (models[i].vendor == vendor && models[i].product == product)
			return &models[i];
	return NULL;
}

int
tok_usb_scan(struct tok_usb_device **out, size_t *n, struct ctl_diag *d)
{
	libusb_context *usb = NULL;
	libusb_device **list = NULL;
	struct libusb_device_descriptor desc;
	struct tok_usb_device *found = NULL;
	const struct tok_usb_model *m;
	ssize_t count, i;
	size_t nfound = 0;
	int rc, r = CTL_ERR_INTERNAL;

	*out = NULL;
	*n = 0;
	if ((rc = libusb_init(&usb)) != 0) {
		return ctl_diag_set(d, CTL_ERR_IO, "USB: cannot start libusb "
		    "(%s)", libusb_strerror(rc));
	}
	if ((count = libusb_get_device_list(usb, &list)) < 0) {
		r = ctl_diag_set(d, CTL_ERR_IO, "USB: cannot list devices (%s)",
		    libusb_strerror((int)count));
		goto out;
	}
	if (count > 0 && (found = calloc((size_t)count, sizeof(*found))) ==
	    NULL) {
		r = ctl_diag_set(d, CTL_ERR_NOMEM, "out of memory");
		goto out;
	}
	for (i = 0; i < count; i++) {
		if (libusb_get_device_descriptor(list[i], &desc) != 0 ||
		    (m = lookup(desc.idVendor, desc.idProduct)) == NULL)
			continue;
		found[nfound].model = m;
		found[nfound].bus = libusb_get_bus_number(list[i]);
		found[nfound].address = libusb_get_device_address(list[i]);
		nfound++;
	}
	if (nfound > 0) {
		*out = found;
		found = NULL; /* transferred */
	}
	*n = nfound;
	r = CTL_OK;
out:
	free(found);
	if (list != NULL)
		libusb_free_device_list(list, 1);
	libusb_exit(usb);
	return r;
}
