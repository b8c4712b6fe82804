/*
 * A node's bundle (`ctlpublisherd bundle`): everything one host needs to
 * run one node of a cluster made by init, in one tar file.  Unpacked in
 * a directory, it is a cluster directory holding that node only, which
 * `ctlpublisherd run --dir DIR` runs (docs/publisher.md, "Bundles").
 */
#ifndef PUB_BUNDLE_H
#define PUB_BUNDLE_H

struct ctl_diag;

#define PUB_BUNDLE_FILE_MAX (64 * 1024 * 1024) /* bytes of a file it copies */

/*
 * Writes node NODE's bundle of the cluster in DIR to OUT (mode 0600):
 * the state (a subscriber's without the administrator accounts), the
 * cluster CA certificate and trust.pem, every node's certificates, the
 * node's own keys and TFTP files, bundle.node naming the node, and for
 * the publisher the reset ITL and bulk/ when there are some.  Never the
 * cluster CA key, another node's key or admin.password.  OUT is written
 * under a temporary name in its directory and linked into place, so a
 * failure leaves nothing and an existing OUT is never replaced.  Fails
 * with CTL_ERR_USAGE (OUT exists), CTL_ERR_NOT_FOUND (no such node or
 * cluster), CTL_ERR_IO (including tar failing).
 */
int pub_bundle_make(const char *dir, const char *node, const char *out,
    struct ctl_diag *d);

#endif
