#include "pubtest.h"

#include <dirent.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ctl_err.h"
#include "pub_init.h"
#include "pub_state.h"

char *
pt_tempdir(const char *tag)
{
	const char *base = getenv("TMPDIR");
	char *p;

	if (base == NULL || base[0] == '\0')
		base = "/tmp";
	if (asprintf(&p, "%s/pubtest-%s.XXXXXX", base, tag) < 0)
		return NULL;
	if (mkdtemp(p) == NULL) {
		free(p);
		return NULL;
	}
	return p;
}

static int
rm_entry(const char *path, const struct stat *sb, int type, struct FTW *f)
{
	(void)sb;
	(void)f;
	return type == FTW_DP ? rmdir(path) : unlink(path);
}

void
pt_rmtree(char *path)
{
	if (path == NULL)
		return;
	(void)nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(path);
}

int
pt_mode(const char *path)
{
	struct stat sb;

	if (stat(path, &sb) != 0)
		return -1;
	return (int)(sb.st_mode & 07777);
}

int
pt_exists(const char *path)
{
	return access(path, F_OK) == 0;
}

char *
pt_path(const char *a, const char *b, const char *c)
{
	char *p;
	int n = c != NULL ? asprintf(&p, "%s/%s/%s", a, b, c) :
	    asprintf(&p, "%s/%s", a, b);

	return n < 0 ? NULL : p;
}

int
pt_count_prefix(const char *dir, const char *prefix)
{
	struct dirent *e;
	DIR *dp = opendir(dir);
	int n = 0;

	if (dp == NULL)
		return -1;
	while ((e = readdir(dp)) != NULL)
		if (strncmp(e->d_name, prefix, strlen(prefix)) == 0)
			n++;
	closedir(dp);
	return n;
}

int
pt_cluster_make(const char *tag, unsigned nodes, struct pt_cluster *c)
{
	struct pub_init_opts o = { nodes, 2444, PUB_TVS_TLS12,
	    PUB_ITL_ITLRECOVERY, NULL, NULL, NULL };
	struct ctl_diag d = { "" };

	memset(c, 0, sizeof(*c));
	if ((c->top = pt_tempdir(tag)) == NULL ||
	    (c->dir = pt_path(c->top, "c", NULL)) == NULL)
		return -1;
	if (pub_init(c->dir, &o, &d) != CTL_OK ||
	    pub_state_open(c->dir, &c->st, &d) != CTL_OK) {
		fprintf(stderr, "setup: %s\n", d.msg);
		return -1;
	}
	return 0;
}

void
pt_cluster_free(struct pt_cluster *c)
{
	pub_state_close(c->st);
	free(c->dir);
	pt_rmtree(c->top);
	memset(c, 0, sizeof(*c));
}
