/*
 * ctlpublisherd start DIR / stop DIR: every node of a cluster as a
 * background process, with its log in nodes/NAME/node.log and its
 * process id in nodes/NAME/node.pid; and beside each node its TFTP
 * server (dnsmasq, TFTP only, serving nodes/NAME/tftp on the node's
 * address, port 69), with nodes/NAME/tftp.log and tftp.pid.
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
#include <limits.h>
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
#include "pub_tftp.h"

#define START_WAIT_MS 15000
#define STOP_WAIT_MS  5000
#define PROBE_MS      100       /* one TFTP probe waits this long */

static void
usage(FILE *out, const char *cmd)
{
	if (strcmp(cmd, "start") == 0)
		fprintf(out,
		    "usage: ctlpublisherd start DIR\n\n"
		    "Starts every node of the cluster in DIR that is not running\n"
		    "yet, in the background, with its TFTP server (dnsmasq,\n"
		    "serving DIR/nodes/NAME/tftp on the node's address, UDP port\n"
		    "%d), and returns once all of them accept connections and\n"
		    "every TFTP server answers.  Each node logs to\n"
		    "DIR/nodes/NAME/node.log, its TFTP server to tftp.log there.\n"
		    "Port %d needs root, or CAP_NET_BIND_SERVICE for dnsmasq.\n"
		    "$%s names another dnsmasq.\n", PUB_TFTP_PORT,
		    PUB_TFTP_PORT, PUB_TFTPD_ENV);
	else
		fprintf(out,
		    "usage: ctlpublisherd stop DIR\n\n"
		    "Stops every node of the cluster in DIR that `start` "
		    "started,\nand their TFTP servers.\n");
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
	while ((c = cli_getopt(argc, argv, "h", opts)) != -1) {
		if (c == 'h') {
			usage(stdout, argv[0]);
			return EXIT_OK;
		}
		return EXIT_INVALID;
	}
	if (argc - optind != 1) {
		cli_error("%s needs one DIR (see ctlpublisherd %s --help)",
		    argv[0], argv[0]);
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

/*
 * The pid in DIR/nodes/NODE/PIDNAME when that process still runs, and its
 * command line (NUL-separated arguments, N bytes) into BUF; 0 for no
 * file, a stale one or a process gone.
 */
static pid_t
pid_from_file(const char *dir, const char *node, const char *pidname,
    char *buf, size_t size, size_t *n)
{
	char *pidf = node_file(dir, node, pidname), cmd[64];
	FILE *f;
	long pid = 0;

	*n = 0;
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
	*n = fread(buf, 1, size - 1, f);
	fclose(f);
	buf[*n] = '\0';
	return (pid_t)pid;
}

/* The pid in DIR/nodes/NODE/node.pid when that process still runs this
 * node (a stale file or a recycled pid gives 0). */
static pid_t
running_pid(const char *dir, const char *node)
{
	char buf[4096];
	pid_t pid;
	size_t n, i;

	if ((pid = pid_from_file(dir, node, "node.pid", buf, sizeof(buf),
	    &n)) == 0)
		return 0;
	for (i = 0; i < n; i++)
		if (buf[i] == '\0')
			buf[i] = ' ';
	return strstr(buf, "ctlpublisherd") != NULL && strstr(buf, node) ?
	    pid : 0;
}

/* The directory node N's TFTP server serves, resolved, so that `stop`
 * recognises the server whatever path `start` was given; NULL when it
 * does not exist. */
static char *
tftp_root(const struct pub_node *n)
{
	return realpath(n->tftp_dir, NULL);
}

/* The pid in nodes/NODE/tftp.pid when that process is still a dnsmasq
 * serving the node's TFTP directory (its --tftp-root= argument), else
 * 0: a recycled pid is not stopped. */
static pid_t
running_tftp(const char *dir, const struct pub_node *n)
{
	static const char opt[] = "--tftp-root=";
	char buf[8192], *root = tftp_root(n);
	const char *p;
	bool serves = false;
	pid_t pid;
	size_t len;

	if (root == NULL)
		return 0;
	pid = pid_from_file(dir, n->name, "tftp.pid", buf, sizeof(buf), &len);
	for (p = buf; pid != 0 && p < buf + len; p += strlen(p) + 1)
		if (strncmp(p, opt, sizeof(opt) - 1) == 0 &&
		    strcmp(p + sizeof(opt) - 1, root) == 0)
			serves = true;
	if (!serves || strstr(buf, PUB_TFTPD_NAME) == NULL)
		pid = 0;
	free(root);
	return pid;
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

/* Writes PID to nodes/NODE/PIDNAME; 0 or -1 (message printed). */
static int
write_pid(const char *dir, const char *node, const char *pidname, pid_t pid)
{
	char *pidf = node_file(dir, node, pidname), buf[32];
	int rc = 0;

	snprintf(buf, sizeof(buf), "%ld\n", (long)pid);
	if (pidf == NULL || file_write_atomic(pidf, buf, strlen(buf), 0644,
	    NULL) != CTL_OK) {
		cli_error("cannot write %s/nodes/%s/%s: check that the "
		    "directory is writable", dir, node, pidname);
		rc = -1;
	}
	free(pidf);
	return rc;
}

/* Removes nodes/NODE/PIDNAME, once its process is gone. */
static void
remove_pid(const char *dir, const char *node, const char *pidname)
{
	char *pidf = node_file(dir, node, pidname);

	if (pidf != NULL)
		unlink(pidf);
	free(pidf);
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

/*
 * The dnsmasq to run, or NULL (warning printed): the nodes run without
 * TFTP then, as the CTL operations do not need it, but phones could not
 * download anything.
 */
static const char *
find_tftpd(char *buf, size_t len)
{
	struct ctl_diag d;

	ctl_diag_clear(&d);
	if (pub_tftpd_find(buf, len, &d) != CTL_OK) {
		cli_error("warning: %s; starting the nodes without TFTP servers",
		    d.msg);
		return NULL;
	}
	return buf;
}

/* 0 when every node whose TFTP server is not running yet can have it
 * (its port is 69, and free), else -1, the port named: checked before
 * anything starts, so that a failure changes nothing. */
static int
tftp_ports_free(const char *dir, const struct pub_node *nodes, size_t n)
{
	struct ctl_diag d;
	size_t i;

	for (i = 0; i < n; i++) {
		/* A cluster made before the nodes served TFTP on port 69. */
		if (nodes[i].ports.tftp != PUB_TFTP_PORT) {
			cli_error("node %s: its TFTP port is %u in %s, but its "
			    "TFTP server (dnsmasq) serves port %d only: make "
			    "the cluster again with `ctlpublisherd init`",
			    nodes[i].name, nodes[i].ports.tftp, dir,
			    PUB_TFTP_PORT);
			return -1;
		}
		ctl_diag_clear(&d);
		if (running_tftp(dir, &nodes[i]) == 0 &&
		    pub_tftp_port_free(nodes[i].ip, nodes[i].ports.tftp, &d) !=
		    CTL_OK) {
			cli_error("cannot start the TFTP server of node %s: %s",
			    nodes[i].name, d.msg);
			return -1;
		}
	}
	return 0;
}

int
cmd_start(int argc, char **argv)
{
	struct pub_node *nodes = NULL;
	pid_t *pids = NULL, *tpids = NULL;
	bool *tready = NULL, *tserve = NULL;
	const char *dir, *tftpd;
	char tftpd_buf[PATH_MAX], why[160], last[512];
	struct ctl_diag d;
	size_t n = 0, i;
	int rc, waited, wst, status = EXIT_FAIL;
	bool ready = false;

	if ((rc = parse_args(argc, argv, &dir)) >= 0)
		return rc;
	if (nodes_of(dir, &nodes, &n) != CTL_OK)
		return EXIT_FAIL;
	if ((pids = calloc(n ? n : 1, sizeof(*pids))) == NULL ||
	    (tpids = calloc(n ? n : 1, sizeof(*tpids))) == NULL ||
	    (tready = calloc(n ? n : 1, sizeof(*tready))) == NULL ||
	    (tserve = calloc(n ? n : 1, sizeof(*tserve))) == NULL)
		goto out;
	tftpd = find_tftpd(tftpd_buf, sizeof(tftpd_buf));
	if (tftpd != NULL && tftp_ports_free(dir, nodes, n) != 0)
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
		if (write_pid(dir, nodes[i].name, "node.pid", pids[i]) != 0)
			goto fail;
	}
	for (i = 0; tftpd != NULL && i < n; i++) {
		tserve[i] = true;
		if (running_tftp(dir, &nodes[i]) != 0)
			continue;
		if ((tpids[i] = pub_tftp_spawn(dir, &nodes[i], tftpd, false)) < 0) {
			tpids[i] = 0;
			cli_error("cannot start the TFTP server of node %s: %s",
			    nodes[i].name, strerror(errno));
			goto fail;
		}
		if (write_pid(dir, nodes[i].name, "tftp.pid", tpids[i]) != 0)
			goto fail;
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
				remove_pid(dir, nodes[i].name, "node.pid");
				goto fail;
			}
			if (tpids[i] > 0 &&
			    waitpid(tpids[i], &wst, WNOHANG) == tpids[i]) {
				if (WIFEXITED(wst))
					snprintf(why, sizeof(why), "exit status "
					    "%d", WEXITSTATUS(wst));
				else
					snprintf(why, sizeof(why), "signal %d",
					    WTERMSIG(wst));
				pub_tftp_last_line(dir, &nodes[i], last,
				    sizeof(last));
				cli_error("the TFTP server of node %s exited "
				    "while starting (%s: \"%s\"): it needs "
				    "%s:%u/udp free, and root or "
				    "CAP_NET_BIND_SERVICE for a port below "
				    "1024 (run `ctlpublisherd start` as root, "
				    "or `setcap cap_net_bind_service=+ep %s`); "
				    "see %s/nodes/%s/tftp.log", nodes[i].name,
				    why, last, nodes[i].ip, nodes[i].ports.tftp,
				    tftpd, dir, nodes[i].name);
				tpids[i] = 0;
				remove_pid(dir, nodes[i].name, "tftp.pid");
				goto fail;
			}
			/* A read request proves more than a bound port: the
			 * server answers, from the right directory. */
			ctl_diag_clear(&d);
			if (tserve[i] && !tready[i])
				tready[i] = pub_tftp_probe(nodes[i].ip,
				    nodes[i].ports.tftp, "ITLFile.tlv", PROBE_MS,
				    &d) == CTL_OK;
			ready = ready && accepts(nodes[i].ip,
			    nodes[i].ports.dist) && (!nodes[i].publisher ||
			    accepts(nodes[i].ip, nodes[i].ports.ctl)) &&
			    (!tserve[i] || tready[i]);
		}
		if (ready)
			break;
		usleep(50000);
	}
	if (!ready) {
		cli_error("the nodes did not all accept connections, or their "
		    "TFTP servers answer, within %d s: see the logs in "
		    "%s/nodes/*/node.log and tftp.log", START_WAIT_MS / 1000,
		    dir);
		goto fail;
	}
	for (i = 0; i < n; i++) {
		if (pids[i] > 0)
			printf("started %s (%s, pid %ld)\n", nodes[i].name,
			    nodes[i].publisher ? "publisher" : "subscriber",
			    (long)pids[i]);
		if (tpids[i] > 0)
			printf("started the TFTP server of %s on %s:%u/udp "
			    "(pid %ld)\n", nodes[i].name, nodes[i].ip,
			    nodes[i].ports.tftp, (long)tpids[i]);
	}
	status = EXIT_OK;
	goto out;
fail:
	/* What this start began ends, with its pid files. */
	for (i = 0; i < n; i++) {
		if (pids[i] > 0) {
			stop_pid(pids[i]);
			remove_pid(dir, nodes[i].name, "node.pid");
		}
		if (tpids != NULL && tpids[i] > 0) {
			pub_tftp_stop(tpids[i]);
			remove_pid(dir, nodes[i].name, "tftp.pid");
		}
	}
out:
	free(pids);
	free(tpids);
	free(tready);
	free(tserve);
	free(nodes);
	return status;
}

int
cmd_stop(int argc, char **argv)
{
	struct pub_node *nodes = NULL;
	const char *dir;
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
		remove_pid(dir, nodes[i].name, "node.pid");
		if ((pid = running_tftp(dir, &nodes[i])) != 0) {
			pub_tftp_stop(pid);
			printf("stopped the TFTP server of %s (pid %ld)\n",
			    nodes[i].name, (long)pid);
			stopped++;
		}
		remove_pid(dir, nodes[i].name, "tftp.pid");
	}
	if (stopped == 0)
		printf("no node of %s was running\n", dir);
	free(nodes);
	return EXIT_OK;
}
