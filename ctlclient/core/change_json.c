/* --json of the commands that change the cluster: see change_json.h. */
#include "change_json.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctl_err.h"
#include "json_out.h"
#include "net_reply.h"

#define MAX_STEPS 4     /* distributions in one command: to-tokens has 2 */

struct step {
	const char *name;
	struct net_result *r;
	size_t n;
};

static struct {
	bool on;
	const char *operation;
	FILE *out;              /* the real standard output */
	char server[300];
	char ctl_sha1[41];
	char itl_sha1[41];
	int security_mode;      /* -1: not changed */
	struct step steps[MAX_STEPS];
	size_t nsteps;
	void (*extra)(struct json_out *j, void *ctx);
	void *extra_ctx;
} cj = { .security_mode = -1 };

int
change_json_start(const char *operation, struct ctl_diag *d)
{
	int fd;

	if (cj.on)
		return CTL_OK;
	fflush(stdout);
	if ((fd = dup(STDOUT_FILENO)) < 0 ||
	    (cj.out = fdopen(fd, "w")) == NULL) {
		if (fd >= 0)
			close(fd);
		return ctl_diag_set(d, CTL_ERR_IO, "--json: cannot keep "
		    "standard output: %s", strerror(errno));
	}
	if (dup2(STDERR_FILENO, STDOUT_FILENO) < 0) {
		fclose(cj.out);
		cj.out = NULL;
		return ctl_diag_set(d, CTL_ERR_IO, "--json: cannot move the "
		    "text to standard error: %s", strerror(errno));
	}
	cj.on = true;
	cj.operation = operation;
	return CTL_OK;
}

void
change_json_operation(const char *operation)
{
	cj.operation = operation;
}

bool
change_json_on(void)
{
	return cj.on;
}

int
change_json_need_yes(bool yes, struct ctl_diag *d)
{
	if (!cj.on || yes)
		return CTL_OK;
	return ctl_diag_set(d, CTL_ERR_USAGE, "--json never asks: after "
	    "checking what %s does, confirm it with --yes", cj.operation);
}

void
change_json_server(const char *peer)
{
	snprintf(cj.server, sizeof(cj.server), "%s", peer);
}

size_t
change_json_results(const char *step, const struct net_result *r, size_t n)
{
	struct step *s;

	if (cj.on && cj.nsteps < MAX_STEPS && n > 0) {
		s = &cj.steps[cj.nsteps];
		/* Kept only for the object: without memory, it lacks them. */
		if ((s->r = calloc(n, sizeof(*r))) != NULL) {
			memcpy(s->r, r, n * sizeof(*r));
			s->n = n;
			s->name = step;
			cj.nsteps++;
		}
	}
	return net_results_print(stdout, r, n);
}

void
change_json_extra(void (*write)(struct json_out *j, void *ctx), void *ctx)
{
	cj.extra = write;
	cj.extra_ctx = ctx;
}

void
change_json_ctl_sha1(const char *sha1)
{
	snprintf(cj.ctl_sha1, sizeof(cj.ctl_sha1), "%s", sha1);
}

void
change_json_security_mode(int mode)
{
	cj.security_mode = mode;
}

void
change_json_itl_sha1(const char *sha1)
{
	snprintf(cj.itl_sha1, sizeof(cj.itl_sha1), "%s", sha1);
}

static void
json_nodes(struct json_out *j, const char *key, const struct step *s)
{
	size_t i;

	json_array_begin(j, key);
	for (i = 0; s != NULL && i < s->n; i++) {
		json_object_begin(j, NULL);
		json_string(j, "name", s->r[i].name);
		json_string(j, "filename", s->r[i].filename);
		json_bool(j, "passed", s->r[i].passed);
		json_string(j, "message", s->r[i].message[0] ?
		    s->r[i].message : NULL);
		json_object_end(j);
	}
	json_array_end(j);
}

/* One word for scripts to branch on. */
static const char *
result_name(int rc)
{
	switch (rc) {
	case CTL_OK: return "done";
	case CTL_ERR_CANCELLED: return "not_confirmed";
	case CTL_ERR_USAGE: case CTL_ERR_FORMAT: return "bad_usage";
	case CTL_ERR_REFUSED: case CTL_ERR_CONFLICT: case CTL_ERR_NOT_ALLOWED:
	case CTL_ERR_UNTRUSTED:
		return "refused";
	default: return "failed";
	}
}

void
change_json_finish(int rc, const struct ctl_diag *d)
{
	struct json_out j;
	size_t i, failed = 0;
	const struct step *last;

	if (!cj.on)
		return;
	last = cj.nsteps > 0 ? &cj.steps[cj.nsteps - 1] : NULL;
	for (i = 0; last != NULL && i < last->n; i++)
		failed += !last->r[i].passed;
	fflush(stdout);
	json_init(&j, cj.out);
	json_object_begin(&j, NULL);
	json_string(&j, "operation", cj.operation);
	json_bool(&j, "ok", rc == CTL_OK);
	json_string(&j, "result", result_name(rc));
	json_string(&j, "server", cj.server[0] ? cj.server : NULL);
	json_string(&j, "ctl_sha1", cj.ctl_sha1[0] ? cj.ctl_sha1 : NULL);
	if (cj.security_mode >= 0)
		json_int(&j, "security_mode", cj.security_mode);
	else
		json_null(&j, "security_mode");
	json_string(&j, "itl_sha1", cj.itl_sha1[0] ? cj.itl_sha1 : NULL);
	json_int(&j, "nodes_failed", (long long)failed);
	json_nodes(&j, "nodes", last);
	json_array_begin(&j, "steps");
	for (i = 0; i < cj.nsteps; i++) {
		json_object_begin(&j, NULL);
		json_string(&j, "step", cj.steps[i].name);
		json_nodes(&j, "nodes", &cj.steps[i]);
		json_object_end(&j);
	}
	json_array_end(&j);
	if (cj.extra != NULL)
		cj.extra(&j, cj.extra_ctx);
	json_error(&j, "error", rc, rc != CTL_OK ? ctl_diag_msg(d, rc) :
	    NULL);
	json_object_end(&j);
	json_finish(&j);
	fclose(cj.out);
	cj.out = NULL;
	for (i = 0; i < cj.nsteps; i++)
		free(cj.steps[i].r);
	cj.nsteps = 0;
	cj.extra = NULL;
	cj.extra_ctx = NULL;
	cj.on = false;
}
