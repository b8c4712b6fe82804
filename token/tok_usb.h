/*
 * eTokens seen on USB through libusb, whether or not any PKCS#11 module
 * offers them, so that "plugged in but not served" can be told apart from
 * "not plugged in".
 */
#ifndef CTL_TOK_USB_H
#define CTL_TOK_USB_H

#include <stddef.h>
#include <stdint.h>

struct ctl_diag;

/* One kind of eToken (an entry of tok_usb_devices.def). */
struct tok_usb_model {
	uint16_t vendor;
	uint16_t product;
	const char *name;        /* "eToken 5100/5110" */
	int ccid;                /* driven by pcsc-lite's libccid */
	const char *served_by;   /* which PKCS#11 software serves it */
};

/* The known models: a static table of *N entries. */
const struct tok_usb_model *tok_usb_models(size_t *n);

/* One known eToken plugged in. */
struct tok_usb_device {
	const struct tok_usb_model *model;  /* points into tok_usb_models() */
	uint8_t bus;
	uint8_t address;
};

/*
 * Lists the known eTokens on USB.  *OUT (freed with free(), NULL when *N
 * is 0) holds *N entries.  Fails with CTL_ERR_IO when libusb cannot look
 * at the bus (no /dev/bus/usb in a container, for one).
 */
int tok_usb_scan(struct tok_usb_device **out, size_t *n, struct ctl_diag *d);

#endif
