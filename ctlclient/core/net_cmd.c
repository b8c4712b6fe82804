/* The network commands' skeleton: see net_cmd.h. */
#include "net_cmd.h"

#include <stdlib.h>
#include <string.h>

#include "change_json.h"
#include "cli.h"
#include "ctl_err.h"

int
net_exit_status(int code)
{
	if (code == CTL_OK)
		return EXIT_OK;
	if (code == CTL_ERR_FORMAT || code == CTL_ERR_USAGE)
		return EXIT_INVALID;
	return EXIT_FAIL;
}

int
net_exit_status_usage(int code)
{
	if (code == CTL_OK)
		return EXIT_OK;
	return code == CTL_ERR_USAGE ? EXIT_INVALID : EXIT_FAIL;
}

/* The shared options, the command's own and --help, in one table. */
static int
options_table(const struct net_cmd *c, struct option *t, size_t n)
{
	static const struct option shared[] = { NET_LONG_OPTIONS };
	static const struct option help = { "help", no_argument, NULL, 'h' };
	size_t k = 0, i;

	for (i = 0; i < sizeof(shared) / sizeof(shared[0]); i++)
		t[k++] = shared[i];
	for (i = 0; c->opts != NULL && c->opts[i].name != NULL; i++) {
		if (k + 2 >= n)
			return CTL_ERR_INTERNAL;
		t[k++] = c->opts[i];
	}
	t[k++] = help;
	memset(&t[k], 0, sizeof(t[k]));
	return CTL_OK;
}

int
net_cmd_main(const struct net_cmd *c, void *ctx, int argc, char **argv)
{
	struct option opts[NET_CMD_MAX_OPTIONS + 8];
	struct net_opts no;
	struct net_session *s = NULL;
	struct ctl_diag d;
	char shortopts[32];
	int ch, rc, offline;

	if (options_table(c, opts, sizeof(opts) / sizeof(opts[0])) != CTL_OK) {
		cli_error("%s: too many options", c->name);
		return EXIT_FAIL;
	}
	snprintf(shortopts, sizeof(shortopts), "h%s",
	    c->shortopts != NULL ? c->shortopts : "");
	net_opts_init(&no);
	ctl_diag_clear(&d);
	optind = 1;
	while ((ch = cli_getopt_named(c->name, argc, argv, shortopts, opts)) !=
	    -1) {
		/* cli_getopt_named() has said in one line what was wrong. */
		if (ch == '?') {
			ctl_diag_set(&d, CTL_ERR_USAGE, "%s: bad option (see "
			    "ctlclient %s --help)", c->name, c->name);
			change_json_finish(CTL_ERR_USAGE, &d);
			return EXIT_INVALID;
		}
		if (ch == 'h') {
			c->usage(stdout);
			return EXIT_OK;
		}
		if (ch >= NET_OPT_SERVER && ch <= NET_OPT_TIMEOUT)
			rc = net_opt(&no, ch, optarg, &d);
		else
			rc = c->option(ctx, ch, optarg, &d);
		if (rc != CTL_OK) {
			/* Nothing in D: the option's parser has said why. */
			if (d.msg[0] != '\0')
				cli_error("%s: %s", c->name, d.msg);
			change_json_finish(CTL_ERR_USAGE, &d);
			return EXIT_INVALID;
		}
	}
	if (c->operands != NULL)
		rc = c->operands(ctx, argc - optind, argv + optind, &d);
	else
		rc = optind == argc ? CTL_OK : CTL_ERR_USAGE;
	if (rc != CTL_OK) {
		/* One line, as for a bad option: the usage is for --help. */
		if (d.msg[0] != '\0')
			cli_error("%s", d.msg);
		else if (c->operands == NULL)
			cli_error("%s: unexpected argument '%s' (see ctlclient %s "
			    "--help)", c->name, argv[optind], c->name);
		else
			cli_error("%s: arguments missing or extra (see ctlclient "
			    "%s --help)", c->name, c->name);
		change_json_finish(CTL_ERR_USAGE, &d);
		return EXIT_INVALID;
	}
	offline = c->offline != NULL && c->offline(ctx);
	if (!offline && (rc = net_opts_check(&no, &d)) != CTL_OK) {
		cli_error("%s", ctl_diag_msg(&d, rc));
		change_json_finish(rc, &d);
		return EXIT_INVALID;
	}
	if (c->before != NULL)
		rc = c->before(ctx, &d);
	if (rc == CTL_OK && c->run != NULL && !offline &&
	    (rc = net_open(&no, &s, &d)) == CTL_OK) {
		change_json_server(s->peer);
		rc = c->run(s, ctx, &d);
	}
	net_close(s);
	if (rc == CTL_OK && c->after != NULL)
		rc = c->after(ctx, &d);
	if (rc != CTL_OK)
		cli_error("%s%s", c->prefix != NULL ? c->prefix : "",
		    ctl_diag_msg(&d, rc));
	change_json_finish(rc, &d);
	return c->status != NULL ? c->status(ctx, rc) : net_exit_status(rc);
}
