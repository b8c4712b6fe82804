/*
 * ctlpublisherd start DIR / stop DIR: every node of a cluster as a
 * background process, with its log in nodes/NAME/node.log and its
 * process id in nodes/NAME/node.pid.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "commands.h"
#include "ctl_err.h"
#include "file_io.h"
#include "pub_layout.h"
#include "pub_node.h"
#include "pub_state.h"

#define START_WAIT_MS 15000
#define STOP_WAIT_MS  5000

static void
usage(FILE *out, const char *cmd)
{
	if (strcmp(cmd, "start") == 0)
		fprintf(out,
		    "usage: ctlpublisherd start DIR\n\n"
		    "Starts every node of the cluster in DIR that is not running\n"
		    "yet, in the background, and returns once all of them accept\n"
		    "connections.  Each node logs to DIR/nodes/NAME/node.log.\n");
	else
		fprintf(out,
		    "usage: ctlpublisherd stop DIR\n\n"
		    "Stops every node of the cluster in DIR that `start` "
		    "started.\n");
}

static int
parse_args(int argc, char **argv, const char **dir)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'h') {
			usage(stdout, argv[0]);
			return EXIT_OK;
		}
		usage(stderr, argv[0]);
		return EXIT_INVALID;
	}
	if (argc - optind != 1) {
		usage(stderr, argv[0]);
		return EXIT_INVALID;
	}
	*dir = argv[optind];
	return -1;
}

static int
nodes_of(const char *dir, struct pub_node **nodes, size_t *n)
{
	struct pub_state *st = NULL;
	struct ctl_diag d;
	int rc;

	if ((rc = pub_state_open(dir, &st, &d)) == CTL_OK)
		rc = pub_node_list(st, nodes, n, &d);
	pub_state_close(st);
	if (rc != CTL_OK)
		cli_error("%s", ctl_diag_msg(&d, rc));
	return rc;
}

static char *
node_file(const char *dir, const char *node, const char *name)
{
	char *p = NULL;

	return pub_layout_path(dir, node, name, &p) == CTL_OK ? p : NULL;
}

/* The pid in DIR/nodes/NODE/node.pid when that process still runs this
 * node (a stale file or a recycled pid gives 0). */
static pid_t
running_pid(const char *dir, const char *node)
{
	char *pidf = node_file(dir, node, "node.pid"), buf[4096], cmd[64];
	FILE *f;
	long pid = 0;
	size_t n, i;

	if (pidf == NULL || (f = fopen(pidf, "r")) == NULL) {
		free(pidf);
		return 0;
	}
	if (fscanf(f, "%ld", &pid) != 1 || pid <= 1)
		pid = 0;
	fclose(f);
	free(pidf);
	if (pid == 0 || kill((pid_t)pid, 0) != 0)
		return 0;
	snprintf(cmd, sizeof(cmd), "/proc/%ld/cmdline", pid);
	if ((f = fopen(cmd, "r")) == NULL)
		return 0;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	for (i = 0; i < n; i++)
		if (buf[i] == '\0')
			buf[i] = ' ';
	buf[n] = '\0';
	return strstr(buf, "ctlpublisherd") != NULL && strstr(buf, node) ?
	    (pid_t)pid : 0;
}

static bool
accepts(const char *ip, uint16_t port)
{
	struct sockaddr_in sa;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	bool ok;

	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons(port);
	ok = fd >= 0 && inet_pton(AF_INET, ip, &sa.sin_addr) == 1 &&
	    connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0;
	if (fd >= 0)
		close(fd);
	return ok;
}

static pid_t
spawn(const char *dir, const struct pub_node *node)
{
	char *log = node_file(dir, node->name, "node.log");
	pid_t pid;
	int fd;

	if (log == NULL)
		return -1;
	if ((pid = fork()) != 0) {
		free(log);
		return pid;
	}
	/* The child: its own session, its own log, then run. */
	setsid();
	if ((fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC,
	    0600)) >= 0) {
		dup2(fd, STDOUT_FILENO);
		dup2(fd, STDERR_FILENO);
	}
	if ((fd = open("/dev/null", O_RDONLY)) >= 0)
		dup2(fd, STDIN_FILENO);
	execl("/proc/self/exe", "ctlpublisherd", "run", dir, "--node",
	    node->name, (char *)NULL);
	_exit(127);
}

static void
stop_pid(pid_t pid)
{
	int waited;

	kill(pid, SIGTERM);
	for (waited = 0; waited < STOP_WAIT_MS && kill(pid, 0) == 0;
	    waited += 50) {
		(void)waitpid(pid, NULL, WNOHANG);   /* when it is our child */
		usleep(50000);
	}
	if (kill(pid, 0) == 0)
		kill(pid, SIGKILL);
	(void)waitpid(pid, NULL, WNOHANG);
}

int
cmd_start(int argc, char **argv)
{
	struct pub_node *nodes = NULL;
	pid_t *pids = NULL;
	const char *dir;
	char *pidf, buf[32];
	size_t n = 0, i;
	int rc, waited, status = EXIT_FAIL;
	bool ready;

	if ((rc = parse_args(argc, argv, &dir)) >= 0)
		return rc;
	if (nodes_of(dir, &nodes, &n) != CTL_OK)
		return EXIT_FAIL;
	if ((pids = calloc(n ? n : 1, sizeof(*pids))) == NULL)
		goto out;
	for (i = 0; i < n; i++) {
		if (running_pid(dir, nodes[i].name) != 0) {
			printf("%s is running already\n", nodes[i].name);
			continue;
		}
		if ((pids[i] = spawn(dir, &nodes[i])) < 0) {
			cli_error("cannot start node %s: %s", nodes[i].name,
			    strerror(errno));
			goto fail;
		}
		snprintf(buf, sizeof(buf), "%ld\n", (long)pids[i]);
		pidf = node_file(dir, nodes[i].name, "node.pid");
		if (pidf == NULL || file_write_atomic(pidf, buf, strlen(buf),
		    0644, NULL) != CTL_OK) {
			cli_error("cannot write the pid file of node %s",
			    nodes[i].name);
			free(pidf);
			goto fail;
		}
		free(pidf);
	}
	for (waited = 0; waited < START_WAIT_MS; waited += 50) {
		ready = true;
		for (i = 0; i < n; i++) {
			if (pids[i] > 0 &&
			    waitpid(pids[i], NULL, WNOHANG) == pids[i]) {
				cli_error("node %s exited while starting: see "
				    "%s/nodes/%s/node.log", nodes[i].name, dir,
				    nodes[i].name);
				pids[i] = 0;
				goto fail;
			}
			ready = ready && accepts(nodes[i].ip,
			    nodes[i].ports.dist) && (!nodes[i].publisher ||
			    accepts(nodes[i].ip, nodes[i].ports.ctl));
		}
		if (ready)
			break;
		usleep(50000);
	}
	if (!ready) {
		cli_error("the nodes did not all accept connections within "
		    "%d s: see the logs in %s/nodes/*/node.log",
		    START_WAIT_MS / 1000, dir);
		goto fail;
	}
	for (i = 0; i < n; i++)
		if (pids[i] > 0)
			printf("started %s (%s, pid %ld)\n", nodes[i].name,
			    nodes[i].publisher ? "publisher" : "subscriber",
			    (long)pids[i]);
	status = EXIT_OK;
	goto out;
fail:
	for (i = 0; i < n; i++)
		if (pids[i] > 0)
			stop_pid(pids[i]);
out:
	free(pids);
	free(nodes);
	return status;
}

int
cmd_stop(int argc, char **argv)
{
	struct pub_node *nodes = NULL;
	const char *dir;
	char *pidf;
	size_t n = 0, i, stopped = 0;
	pid_t pid;
	int rc;

	if ((rc = parse_args(argc, argv, &dir)) >= 0)
		return rc;
	if (nodes_of(dir, &nodes, &n) != CTL_OK)
		return EXIT_FAIL;
	for (i = 0; i < n; i++) {
		if ((pid = running_pid(dir, nodes[i].name)) != 0) {
			stop_pid(pid);
			printf("stopped %s (pid %ld)\n", nodes[i].name,
			    (long)pid);
			stopped++;
		}
		if ((pidf = node_file(dir, nodes[i].name, "node.pid")) != NULL)
			unlink(pidf);
		free(pidf);
	}
	if (stopped == 0)
		printf("no node of %s was running\n", dir);
	free(nodes);
	return EXIT_OK;
}
