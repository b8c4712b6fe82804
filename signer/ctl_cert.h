/*
 * What a .tlv record says about a certificate, derived from the
 * certificate itself: CUCM-style names, the serial, the public key field,
 * the certificate's own signature, its hashes.
 */
#ifndef CTL_CERT_H
#define CTL_CERT_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/x509.h>

/*
 * Formats NAME as CUCM writes it: "CN=..;OU=..;O=..;L=..;ST=..;C=..",
 * in that order whatever the order of the RDNs in the certificate, then
 * any other attributes in certificate order under their short names.
 * *OUT is a new string (freed by the caller).
 */
int ctl_name_format(const X509_NAME *name, char **out);

/* The serial number as unsigned big-endian bytes without leading zeros
 * (*OUT freed by the caller). */
int ctl_cert_serial(const X509 *x, uint8_t **out, size_t *len);

/* The PUBLICKEY field: PKCS#1 RSAPublicKey DER for RSA, the X9.62 point
 * for EC (*OUT freed by the caller). */
int ctl_cert_pubkey(const X509 *x, uint8_t **out, size_t *len);

/* The certificate's own signature value (borrowed, inside X). */
void ctl_cert_signature(const X509 *x, const uint8_t **sig, size_t *len);

/* SHA-1 of the DER certificate. */
int ctl_cert_sha1(const X509 *x, uint8_t out[20]);

/* Key size in bits of the certificate's public key, or 0. */
int ctl_cert_key_bits(const X509 *x);

/* The certificate's key type: "RSA", "EC", or "unknown". */
const char *ctl_cert_key_type(const X509 *x);

/* The key as `show` prints it, in BUF of LEN: "RSA 2048 bits",
 * "EC P-384 (384 bits)", or "unknown". */
const char *ctl_cert_key_describe(const X509 *x, char *buf, size_t len);

/* Loads one certificate from PATH, PEM or DER (*OUT freed by the caller). */
struct ctl_diag;
int ctl_cert_load_file(const char *path, X509 **out, struct ctl_diag *d);

#endif
