#include "ctl_err.h"

#include <stdarg.h>
#include <stdio.h>

const char *
ctl_strerror(int code)
{
	switch (code) {
	case CTL_OK: return "success";
	case CTL_ERR_INTERNAL: return "internal error";
	case CTL_ERR_NOMEM: return "out of memory";
	case CTL_ERR_USAGE: return "invalid argument";
	case CTL_ERR_IO: return "input/output error";
	case CTL_ERR_TOO_BIG: return "input exceeds its maximum size";
	case CTL_ERR_TRUNCATED: return "input is truncated";
	case CTL_ERR_FORMAT: return "not a valid .tlv file";
	case CTL_ERR_CRYPTO: return "cryptographic operation failed";
	case CTL_ERR_NO_SIGNER: return "no record matches the signer";
	case CTL_ERR_BAD_SIGNATURE: return "signature does not verify";
	case CTL_ERR_UNTRUSTED: return "not trusted";
	case CTL_ERR_KEY: return "key or certificate cannot be used";
	case CTL_ERR_NOT_FOUND: return "not found";
	case CTL_ERR_MODULE: return "PKCS#11 module cannot be loaded";
	case CTL_ERR_TOKEN_ABSENT: return "token not present";
	case CTL_ERR_PIN_INCORRECT: return "PIN incorrect";
	case CTL_ERR_PIN_LOCKED: return "PIN locked";
	case CTL_ERR_PIN_FINAL_TRY: return "one PIN try left";
	case CTL_ERR_CANCELLED: return "cancelled";
	case CTL_ERR_TIMEOUT: return "timed out";
	case CTL_ERR_TOKEN: return "token operation failed";
	case CTL_ERR_URI: return "invalid PKCS#11 URI";
	case CTL_ERR_NETWORK: return "network error";
	case CTL_ERR_TLS: return "TLS error";
	case CTL_ERR_PROTOCOL: return "protocol error";
	case CTL_ERR_AUTH: return "login refused";
	case CTL_ERR_CONFLICT: return "the CTL changed since it was read";
	case CTL_ERR_REFUSED: return "request refused";
	case CTL_ERR_LOGIN_REQUIRED: return "log in first";
	case CTL_ERR_RATE_LIMITED: return "too many failed logins";
	case CTL_ERR_NOT_ALLOWED: return "not allowed";
	case CTL_ERR_UNSUPPORTED: return "request not supported";
	}
	return "unknown error";
}

int
ctl_diag_set(struct ctl_diag *d, int code, const char *fmt, ...)
{
	va_list ap;

	if (d == NULL)
		return code;
	va_start(ap, fmt);
	vsnprintf(d->msg, sizeof(d->msg), fmt, ap);
	va_end(ap);
	return code;
}

const char *
ctl_diag_msg(const struct ctl_diag *d, int code)
{
	if (d != NULL && d->msg[0] != '\0')
		return d->msg;
	return ctl_strerror(code);
}

void
ctl_diag_clear(struct ctl_diag *d)
{
	if (d != NULL)
		d->msg[0] = '\0';
}
