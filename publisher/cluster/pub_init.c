#include "pub_init.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/rand.h>

#include "ctl_err.h"
#include "file_io.h"
#include "hex.h"
#include "pub_audit.h"
#include "pub_certgen.h"
#include "pub_node_cert.h"
#include "pub_itl.h"
#include "pub_layout.h"
#include "pub_node.h"
#include "pub_password.h"
#include "pub_state.h"
#include "pub_store.h"
#include "pub_tftp.h"
#include "pub_user.h"
#include "secret.h"

#define INIT_ACTOR "init"


static int
rm_entry(const char *path, const struct stat *sb, int type, struct FTW *f)
{
	(void)sb;
	(void)f;
	return type == FTW_DP ? rmdir(path) : unlink(path);
}

void
pub_remove_tree(const char *path)
{
	(void)nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* Is DIR free for a new cluster: absent, or an empty directory? */
static int
check_target(const char *dir, struct ctl_diag *d)
{
	struct dirent *e;
	struct stat sb;
	char db[4096];
	DIR *dp;
	int empty = 1;

	snprintf(db, sizeof(db), "%s/%s", dir, PUB_STATE_FILE);
	if (access(db, F_OK) == 0)
		return ctl_diag_set(d, CTL_ERR_USAGE, "%s already holds a "
		    "cluster (%s exists); choose another directory, or remove "
		    "this one to start again", dir, db);
	if (lstat(dir, &sb) != 0) {
		if (errno == ENOENT)
			return CTL_OK;
		return ctl_diag_set(d, CTL_ERR_IO, "%s: %s", dir,
		    strerror(errno));
	}
	if (!S_ISDIR(sb.st_mode))
		return ctl_diag_set(d, CTL_ERR_USAGE, "%s exists and is not a "
		    "directory", dir);
	if ((dp = opendir(dir)) == NULL)
		return ctl_diag_set(d, CTL_ERR_IO, "%s: %s", dir,
		    strerror(errno));
	while ((e = readdir(dp)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			empty = 0;
	closedir(dp);
	if (!empty)
		return ctl_diag_set(d, CTL_ERR_USAGE, "%s is not empty; a "
		    "cluster is made in a new or empty directory", dir);
	return CTL_OK;
}

static int
make_dir(const char *path, mode_t mode, struct ctl_diag *d)
{
	if (mkdir(path, mode) != 0)
		return ctl_diag_set(d, CTL_ERR_IO, "%s: cannot create: %s", path,
		    strerror(errno));
	/* mkdir honours the umask; the mode is meant as given. */
	if (chmod(path, mode) != 0)
		return ctl_diag_set(d, CTL_ERR_IO, "%s: cannot set its mode: %s",
		    path, strerror(errno));
	return CTL_OK;
}

/* Node INDEX: from the definition, or the lab layout (one machine). */
static int
node_at(unsigned index, const struct pub_init_opts *o, struct pub_node *n,
    struct ctl_diag *d)
{
	int rc;

	memset(n, 0, sizeof(*n));
	n->index = index;
	n->publisher = index == 0;
	if (o->def != NULL) {
		/* pub_definition_parse() put the publisher first */
		snprintf(n->name, sizeof(n->name), "%s", o->def->nodes[index].name);
		snprintf(n->ip, sizeof(n->ip), "%s", o->def->nodes[index].ip);
		n->ports = o->def->nodes[index].ports;
		return CTL_OK;
	}
	pub_layout_node_name(o->prefix, index, n->name);
	pub_layout_node_ip(o->subnet, index, n->ip);
	if ((rc = pub_layout_ports(o->port, index, &n->ports, d)) != CTL_OK)
		return rc;
	/* The node's TFTP server (dnsmasq) listens on the standard port
	 * only; each node has its own address for it. */
	n->ports.tftp = PUB_TFTP_PORT;
	return CTL_OK;
}

static int
make_node(struct pub_state *st, const char *top, unsigned index,
    const struct pub_init_opts *o, const struct pub_cert_ca *ca, struct ctl_diag *d)
{
	struct pub_node n;
	char *path = NULL;
	unsigned p;
	int rc;

	if ((rc = node_at(index, o, &n, d)) != CTL_OK ||
	    (rc = pub_layout_path(top, n.name, "", &path)) != CTL_OK ||
	    (rc = make_dir(path, 0700, d)) != CTL_OK)
		goto out;
	free(path);
	if ((rc = pub_layout_path(top, n.name, "tftp", &path)) != CTL_OK ||
	    (rc = make_dir(path, 0755, d)) != CTL_OK ||
	    (rc = pub_node_add(st, &n, d)) != CTL_OK)
		goto out;
	/* The node's certificate types, and the internal TLS client. */
	for (p = 0; p < PUB_CERT_NPURPOSES; p++)
		if ((pub_cert_type_on_node((enum pub_cert_purpose)p,
		    n.publisher) || p == PUB_CERT_CLIENT) &&
		    (rc = pub_node_cert_make(st, INIT_ACTOR, &n,
		    (enum pub_cert_purpose)p, PUB_KEY_DEFAULT, ca, NULL, d)) !=
		    CTL_OK)
			goto out;
out:
	free(path);
	return rc;
}

static int
make_ca(const char *top, struct pub_cert_ca *ca, struct ctl_diag *d)
{
	struct pub_certgen g = { 0 };
	char *cpath = NULL, *kpath = NULL, *tpath = NULL;
	int rc;

	g.kind = PUB_CERT_CLUSTER_CA;
	g.cn = "Open CTL cluster CA";
	if ((rc = pub_layout_path(top, NULL, PUB_FILE_CA, &cpath)) != CTL_OK ||
	    (rc = pub_layout_path(top, NULL, PUB_FILE_CA_KEY, &kpath)) !=
	    CTL_OK ||
	    (rc = pub_layout_path(top, NULL, PUB_FILE_TRUST, &tpath)) !=
	    CTL_OK ||
	    (rc = pub_certgen_make(&g, &ca->cert, &ca->key, d)) != CTL_OK ||
	    (rc = pub_certgen_write(ca->cert, ca->key, cpath, kpath, d)) !=
	    CTL_OK ||
	    (rc = pub_certgen_write(ca->cert, NULL, tpath, NULL, d)) != CTL_OK)
		goto out;
	rc = CTL_OK;
out:
	free(cpath);
	free(kpath);
	free(tpath);
	return rc;
}

static int
make_admin(struct pub_state *st, const char *top, struct ctl_diag *d)
{
	char pw[PUB_PASSWORD_LEN + 1], *path = NULL;
	int rc;

	if ((rc = pub_password_generate(pw, d)) != CTL_OK ||
	    (rc = pub_user_set(st, INIT_ACTOR, PUB_ADMIN_USER, pw, d)) !=
	    CTL_OK ||
	    (rc = pub_layout_path(top, NULL, PUB_FILE_PASSWORD, &path)) !=
	    CTL_OK)
		goto out;
	/* One line without a newline: read as is, or stripped, it is the
	 * same password. */
	rc = file_write_atomic(path, pw, strlen(pw), 0600, d);
out:
	secret_wipe(pw, sizeof(pw));
	free(path);
	return rc;
}

/* Puts the cluster's ITL, one file for all, in every node's TFTP
 * directory: phones download it before anything else, so a new cluster
 * serves it from the start. */
static int
write_itl(struct pub_state *st, struct ctl_diag *d)
{
	struct pub_node *nodes = NULL;
	uint8_t *itl = NULL;
	size_t n = 0, i, len = 0;
	int rc;

	if ((rc = pub_node_list(st, &nodes, &n, d)) != CTL_OK ||
	    (rc = pub_itl_build(st, 0, &itl, &len, d)) != CTL_OK)
		goto out;
	for (i = 0; i < n; i++)
		if ((rc = pub_store_write(nodes[i].tftp_dir, PUB_ITL_FILENAME,
		    itl, len, d)) != CTL_OK)
			goto out;
out:
	free(itl);
	free(nodes);
	return rc;
}

/* Fills the temporary directory TOP with the whole cluster. */
static int
make_cluster(const char *top, const struct pub_init_opts *o,
    struct ctl_diag *d)
{
	struct pub_state *st = NULL;
	struct pub_cert_ca ca = { NULL, NULL };
	char *path = NULL, detail[160];
	unsigned i, nodes = o->def != NULL ? (unsigned)o->def->n : o->nodes;
	unsigned port = o->def != NULL ? o->def->nodes[0].ports.ctl : o->port;
	int rc, committed = 0;

	if ((rc = make_ca(top, &ca, d)) != CTL_OK ||
	    (rc = pub_layout_path(top, NULL, PUB_DIR_NODES, &path)) != CTL_OK ||
	    (rc = make_dir(path, 0700, d)) != CTL_OK ||
	    (rc = pub_state_create(top, port, &st, d)) != CTL_OK ||
	    (rc = pub_state_begin(st, d)) != CTL_OK)
		goto out;
	for (i = 0; i < nodes; i++)
		if ((rc = make_node(st, top, i, o, &ca, d)) != CTL_OK)
			goto out;
	if (o->def != NULL)
		snprintf(detail, sizeof(detail), "%u nodes from a cluster "
		    "definition, publisher %s on %s", nodes,
		    o->def->nodes[0].name, o->def->nodes[0].ip);
	else
		snprintf(detail, sizeof(detail), "%u nodes, base port %u, names "
		    "%s-*, addresses %s.*", nodes, port, o->prefix != NULL ?
		    o->prefix : PUB_DEFAULT_PREFIX, o->subnet != NULL ?
		    o->subnet : PUB_DEFAULT_SUBNET);
	if ((rc = pub_audit_add(st, INIT_ACTOR, "init", NULL, NULL, detail,
	    d)) != CTL_OK ||
	    (rc = make_admin(st, top, d)) != CTL_OK ||
	    ((o->tvs_tls != PUB_TVS_TLS12 ||
	    o->itl_signer != PUB_ITL_ITLRECOVERY) &&
	    (rc = pub_settings_set_options(st, INIT_ACTOR, o->tvs_tls,
	    o->itl_signer, d)) != CTL_OK) ||
	    (rc = pub_state_commit(st, d)) != CTL_OK)
		goto out;
	committed = 1;
	rc = write_itl(st, d);
out:
	if (st != NULL && rc != CTL_OK && !committed)
		pub_state_rollback(st);
	pub_state_close(st);
	X509_free(ca.cert);
	EVP_PKEY_free(ca.key);
	free(path);
	return rc;
}

static void
sync_parent(const char *dir)
{
	char *copy = strdup(dir);
	int fd;

	if (copy == NULL)
		return;
	if ((fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
		(void)fsync(fd);
		close(fd);
	}
	free(copy);
}

int
pub_init(const char *dir_in, const struct pub_init_opts *o,
    struct ctl_diag *d)
{
	struct pub_ports last;
	char *dir = NULL, *tmp = NULL;
	size_t n;
	int rc;

	if (o->def != NULL && (o->def->n < PUB_NODES_MIN ||
	    o->def->n > PUB_NODES_MAX))
		return ctl_diag_set(d, CTL_ERR_USAGE, "a cluster definition "
		    "has %d to %d nodes", PUB_NODES_MIN, PUB_NODES_MAX);
	if (o->def == NULL && (o->nodes < PUB_NODES_MIN ||
	    o->nodes > PUB_NODES_MAX))
		return ctl_diag_set(d, CTL_ERR_USAGE, "--nodes %u: a cluster has "
		    "%d to %d nodes", o->nodes, PUB_NODES_MIN, PUB_NODES_MAX);
	if ((o->def == NULL &&
	    (rc = pub_layout_ports(o->port, o->nodes - 1, &last, d)) !=
	    CTL_OK) ||
	    (o->prefix != NULL &&
	    (rc = pub_layout_check_prefix(o->prefix, d)) != CTL_OK) ||
	    (o->subnet != NULL &&
	    (rc = pub_layout_check_subnet(o->subnet, d)) != CTL_OK))
		return rc;
	if (dir_in == NULL || dir_in[0] == '\0')
		return ctl_diag_set(d, CTL_ERR_USAGE, "no cluster directory");
	if ((dir = strdup(dir_in)) == NULL)
		return CTL_ERR_NOMEM;
	for (n = strlen(dir); n > 1 && dir[n - 1] == '/'; n--)
		dir[n - 1] = '\0';
	if ((rc = check_target(dir, d)) != CTL_OK)
		goto out;
	if (asprintf(&tmp, "%s.tmp-XXXXXX", dir) < 0) {
		tmp = NULL;
		rc = CTL_ERR_NOMEM;
		goto out;
	}
	if (mkdtemp(tmp) == NULL) {
		rc = ctl_diag_set(d, CTL_ERR_IO, "%s: cannot create: %s", tmp,
		    strerror(errno));
		free(tmp);
		tmp = NULL;
		goto out;
	}
	if ((rc = make_cluster(tmp, o, d)) != CTL_OK)
		goto out;
	/* rename() replaces an empty directory, and fails on anything else:
	 * a cluster made meanwhile by someone else is not overwritten. */
	if (rename(tmp, dir) != 0) {
		rc = ctl_diag_set(d, errno == ENOTEMPTY || errno == EEXIST ?
		    CTL_ERR_USAGE : CTL_ERR_IO, "%s: cannot move the new cluster "
		    "into place: %s", dir, strerror(errno));
		goto out;
	}
	sync_parent(dir);
	free(tmp);
	tmp = NULL; /* renamed: nothing to remove */
	rc = CTL_OK;
out:
	if (tmp != NULL) {
		pub_remove_tree(tmp);
		free(tmp);
	}
	free(dir);
	return rc;
}
