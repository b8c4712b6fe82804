/* The TVS certificate and its TLS context. */
#include "pub_tvs_tls.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <openssl/err.h>

#include "ctl_cert.h"
#include "ctl_err.h"
#include "hex.h"
#include "ossl_err.h"
#include "pub_node.h"
#include "pub_log.h"

struct key_id {         /* the key file as last loaded */
	ino_t ino;
	off_t size;
	struct timespec mtime;
};

struct pub_tvs_cert {
	char path[PUB_PATH_MAX];
	enum pub_tvs_tls floor;
	struct key_id id;
	pthread_mutex_t lock;   /* guards ctx */
	SSL_CTX *ctx;           /* what new connections get */
};

/* The context for KEY_PEM; fails with CTL_ERR_TLS. */
static int
tls_ctx(const char *key_pem, enum pub_tvs_tls floor, SSL_CTX **out,
    struct ctl_diag *d)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
	char why[512];

	*out = NULL;
	ERR_clear_error();
	if (ctx == NULL)
		goto fail;
	if (floor == PUB_TVS_TLS10) {
		/* 7900-series phones speak TLS 1.0 with SHA-1 signatures,
		 * which OpenSSL 3 allows only at security level 0. */
		SSL_CTX_set_security_level(ctx, 0);
		if (!SSL_CTX_set_min_proto_version(ctx, TLS1_VERSION) ||
		    !SSL_CTX_set_cipher_list(ctx, "DEFAULT:@SECLEVEL=0"))
			goto fail;
	} else if (!SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION)) {
		goto fail;
	}
	/* A phone never renegotiates; a client that does only costs us. */
	SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION);
	/* A phone asks now and then, one connection per question: session
	 * tickets (TLS 1.3 sends two after each handshake by default, each
	 * a session serialised, encrypted and written) and a session cache
	 * (a lock, an insert and a periodic sweep per handshake) would cost
	 * every connection and spare few handshakes. */
	SSL_CTX_set_num_tickets(ctx, 0);
	SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
	/* Phones (and most clients) close without a TLS close_notify: an
	 * ordinary end, reported as end of file, not as an error. */
	SSL_CTX_set_options(ctx, SSL_OP_IGNORE_UNEXPECTED_EOF);
	/* The .key file holds the key and then the certificate, written
	 * as one atomic file, so the two always match. */
	if (SSL_CTX_use_PrivateKey_file(ctx, key_pem, SSL_FILETYPE_PEM) != 1 ||
	    SSL_CTX_use_certificate_chain_file(ctx, key_pem) != 1 ||
	    SSL_CTX_check_private_key(ctx) != 1)
		goto fail;
	*out = ctx;
	return CTL_OK;
fail:
	ossl_err_drain(why, sizeof(why));
	SSL_CTX_free(ctx);
	return ctl_diag_set(d, CTL_ERR_TLS, "TVS: cannot use the TVS "
	    "certificate and key in %s: %s; regenerate it (ctlpublisherd "
	    "regenerate --cert TVS)", key_pem, why);
}

/* Has the file at PATH changed since ID?  With UPDATE, ID becomes what
 * it is now. */
static bool
key_changed(const char *path, struct key_id *id, bool update)
{
	struct stat sb;
	bool changed;

	if (stat(path, &sb) != 0)
		return false;   /* mid-rename or gone: keep what we have */
	changed = sb.st_ino != id->ino || sb.st_size != id->size ||
	    sb.st_mtim.tv_sec != id->mtime.tv_sec ||
	    sb.st_mtim.tv_nsec != id->mtime.tv_nsec;
	if (update) {
		id->ino = sb.st_ino;
		id->size = sb.st_size;
		id->mtime = sb.st_mtim;
	}
	return changed;
}

int
pub_tvs_cert_open(const char *key_pem, enum pub_tvs_tls floor,
    struct pub_tvs_cert **out, struct ctl_diag *d)
{
	struct pub_tvs_cert *c = calloc(1, sizeof(*c));
	int rc;

	*out = NULL;
	if (c == NULL)
		return ctl_diag_set(d, CTL_ERR_NOMEM, "TVS");
	pthread_mutex_init(&c->lock, NULL);
	snprintf(c->path, sizeof(c->path), "%s", key_pem);
	c->floor = floor;
	key_changed(c->path, &c->id, true);
	if ((rc = tls_ctx(c->path, floor, &c->ctx, d)) != CTL_OK) {
		pub_tvs_cert_close(c);
		return rc;
	}
	*out = c;
	return CTL_OK;
}

SSL *
pub_tvs_cert_ssl(struct pub_tvs_cert *c)
{
	SSL *ssl;

	pthread_mutex_lock(&c->lock);
	ssl = SSL_new(c->ctx);
	pthread_mutex_unlock(&c->lock);
	return ssl;
}

/* The SHA1 of CTX's certificate. */
static void
ctx_sha1(SSL_CTX *ctx, char hex[41])
{
	X509 *x = SSL_CTX_get0_certificate(ctx);
	uint8_t md[20];

	if (x == NULL || ctl_cert_sha1(x, md) != CTL_OK)
		snprintf(hex, 41, "?");
	else
		hex_format(hex, 41, md, sizeof(md), '\0', 0);
}

void
pub_tvs_cert_sha1(struct pub_tvs_cert *c, char hex[41])
{
	pthread_mutex_lock(&c->lock);
	ctx_sha1(c->ctx, hex);
	pthread_mutex_unlock(&c->lock);
}

void
pub_tvs_cert_reload(struct pub_tvs_cert *c)
{
	SSL_CTX *ctx = NULL, *old;
	struct key_id id = c->id;
	struct ctl_diag d;
	char sha1[41];

	if (!key_changed(c->path, &id, true))
		return;
	if (tls_ctx(c->path, c->floor, &ctx, &d) != CTL_OK) {
		/* tried again next time: the key id is not updated */
		pub_log("%s", d.msg);
		return;
	}
	c->id = id;
	ctx_sha1(ctx, sha1);
	pthread_mutex_lock(&c->lock);
	old = c->ctx;
	c->ctx = ctx;
	pthread_mutex_unlock(&c->lock);
	/* each SSL holds a reference to its context */
	SSL_CTX_free(old);
	pub_log("TVS: the TVS certificate changed (sha1 %s); new connections "
	    "get it", sha1);
}

void
pub_tvs_cert_close(struct pub_tvs_cert *c)
{
	if (c == NULL)
		return;
	SSL_CTX_free(c->ctx);
	pthread_mutex_destroy(&c->lock);
	free(c);
}
