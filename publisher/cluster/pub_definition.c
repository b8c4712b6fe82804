/* Reading a cluster definition (docs/publisher.md, "Cluster definitions"). */
#include "pub_definition.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ctl_err.h"
#include "file_io.h"
#include "log_escape.h"

#define NPORTS 4
#define MAX_WORDS 8

/* The port settings, in the order of struct pub_ports. */
static const char *const port_keys[NPORTS] = {
	"ctl-port", "tvs-port", "dist-port", "tftp-port",
};
static const unsigned std_ports[NPORTS] = {
	PUB_STD_PORT_CTL, PUB_STD_PORT_TVS, PUB_STD_PORT_DIST,
	PUB_STD_PORT_TFTP,
};

struct parse {
	const char *what;
	unsigned line;
	struct ctl_diag *d;
	struct pub_definition def;   /* nodes in file order */
	unsigned node_line[PUB_NODES_MAX];
	unsigned node_port[PUB_NODES_MAX][NPORTS]; /* 0: not set */
	unsigned all_port[NPORTS];                 /* 0: not set */
	unsigned all_line[NPORTS];
};

/* Fails line P->line with a message; the text quoted in it is escaped by
 * the caller. */
static int bad(struct parse *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int
bad(struct parse *p, const char *fmt, ...)
{
	char msg[CTL_DIAG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return ctl_diag_set(p->d, CTL_ERR_USAGE, "%s line %u: %s", p->what,
	    p->line, msg);
}

static const char *
esc(char *buf, size_t sz, const char *s)
{
	return log_escape_str(buf, sz, s);
}

/* Parses a port number, 1 to 65535, in plain decimal. */
static int
parse_port(const char *s, unsigned *out)
{
	unsigned long v = 0;
	size_t i;

	for (i = 0; s[i] != '\0'; i++) {
		if (s[i] < '0' || s[i] > '9' || i >= 5)
			return -1;
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	if (i == 0 || s[0] == '0' || v > 65535)
		return -1;
	*out = (unsigned)v;
	return 0;
}

static int
port_key(const char *s, size_t len)
{
	int k;

	for (k = 0; k < NPORTS; k++)
		if (strlen(port_keys[k]) == len &&
		    strncmp(s, port_keys[k], len) == 0)
			return k;
	return -1;
}

/* Is S a DNS label of 1 to PUB_DEF_LABEL_MAX letters, digits and '-',
 * no '-' at an end? */
static bool
is_label(const char *s)
{
	size_t n = strlen(s), i;

	if (n == 0 || n > PUB_DEF_LABEL_MAX || s[0] == '-' || s[n - 1] == '-')
		return false;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' &&
		    s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return false;
	return true;
}

/* Is S a dotted IPv4 address, as inet_ntop writes it, that a host can
 * have (not 0.0.0.0, the broadcast address or a multicast one)? */
static bool
is_host_ip(const char *s)
{
	struct in_addr a;
	char back[INET_ADDRSTRLEN];
	uint32_t h;

	if (inet_pton(AF_INET, s, &a) != 1 ||
	    inet_ntop(AF_INET, &a, back, sizeof(back)) == NULL ||
	    strcmp(back, s) != 0)
		return false;
	h = ntohl(a.s_addr);
	return h != 0 && h != 0xffffffffu && (h >> 28) != 0xe;
}

/* `ctl-port P` and the others: a default for every node. */
static int
setting_line(struct parse *p, int k, char **w, size_t nw)
{
	char e[LOG_ESCAPE_SIZE(32)];
	unsigned v;

	if (nw != 2)
		return bad(p, "write '%s PORT' (one port, 1 to 65535)",
		    port_keys[k]);
	if (parse_port(w[1], &v) != 0)
		return bad(p, "%s %s: a port is 1 to 65535 in decimal",
		    port_keys[k], esc(e, sizeof(e), w[1]));
	if (p->all_port[k] != 0) {
		return bad(p, "%s is set twice (first on line %u)",
		    port_keys[k], p->all_line[k]);
	}
	p->all_port[k] = v;
	p->all_line[k] = p->line;
	return CTL_OK;
}

/* One `KEY=PORT` word of a node line. */
static int
node_port(struct parse *p, size_t i, const char *w)
{
	char e[LOG_ESCAPE_SIZE(32)];
	const char *eq = strchr(w, '=');
	unsigned v;
	int k;

	if (eq == NULL || (k = port_key(w, (size_t)(eq - w))) < 0)
		return bad(p, "%s: a node line takes 'publisher', ctl-port=P, "
		    "tvs-port=P, dist-port=P or tftp-port=P after its address",
		    esc(e, sizeof(e), w));
	if (parse_port(eq + 1, &v) != 0)
		return bad(p, "%s: a port is 1 to 65535 in decimal",
		    esc(e, sizeof(e), w));
	if (p->node_port[i][k] != 0)
		return bad(p, "%s is set twice for this node", port_keys[k]);
	p->node_port[i][k] = v;
	return CTL_OK;
}

/* `node NAME ADDRESS [publisher] [KEY=PORT...]` */
static int
node_line(struct parse *p, char **w, size_t nw)
{
	struct pub_def_node *n;
	char e[LOG_ESCAPE_SIZE(PUB_DEF_LINE_MAX)];
	size_t i, j;
	int rc;

	if (nw < 3)
		return bad(p, "write 'node NAME ADDRESS [publisher] "
		    "[ctl-port=P] ...'");
	if (p->def.n == PUB_NODES_MAX)
		return bad(p, "a cluster has at most %d nodes", PUB_NODES_MAX);
	if (!is_label(w[1]))
		return bad(p, "node name %s: a name is a DNS label, 1 to %d "
		    "letters, digits and '-', not starting or ending with '-'",
		    esc(e, sizeof(e), w[1]), PUB_DEF_LABEL_MAX);
	if (!is_host_ip(w[2]))
		return bad(p, "node %s: %s is not an IPv4 address a host can "
		    "have (dotted decimal, as 10.1.2.3)", w[1],
		    esc(e, sizeof(e), w[2]));
	for (j = 0; j < p->def.n; j++) {
		if (strcasecmp(p->def.nodes[j].name, w[1]) == 0)
			return bad(p, "node name %s is taken (line %u)", w[1],
			    p->node_line[j]);
		if (strcmp(p->def.nodes[j].ip, w[2]) == 0)
			return bad(p, "address %s is taken (line %u): every "
			    "node has its own", w[2], p->node_line[j]);
	}
	i = p->def.n;
	n = &p->def.nodes[i];
	memset(n, 0, sizeof(*n));
	memset(p->node_port[i], 0, sizeof(p->node_port[i]));
	snprintf(n->name, sizeof(n->name), "%s", w[1]);
	snprintf(n->ip, sizeof(n->ip), "%s", w[2]);
	for (j = 3; j < nw; j++) {
		if (strcmp(w[j], "publisher") == 0) {
			if (n->publisher)
				return bad(p, "'publisher' is written twice");
			n->publisher = true;
		} else if ((rc = node_port(p, i, w[j])) != CTL_OK)
			return rc;
	}
	for (j = 0; n->publisher && j < p->def.n; j++)
		if (p->def.nodes[j].publisher)
			return bad(p, "a second publisher (the first is on "
			    "line %u): a cluster has exactly one",
			    p->node_line[j]);
	p->node_line[i] = p->line;
	p->def.n++;
	return CTL_OK;
}

/* Splits LINE (NUL-terminated, comment removed) at blanks into W. */
static size_t
split(char *line, char **w)
{
	size_t n = 0;
	char *s = line;

	for (;;) {
		while (*s == ' ' || *s == '\t' || *s == '\r')
			*s++ = '\0';
		if (*s == '\0' || n == MAX_WORDS)
			return *s == '\0' ? n : MAX_WORDS + 1;
		w[n++] = s;
		while (*s != '\0' && *s != ' ' && *s != '\t' && *s != '\r')
			s++;
	}
}

static int
one_line(struct parse *p, char *line)
{
	char *w[MAX_WORDS], *hash, e[LOG_ESCAPE_SIZE(64)];
	size_t nw;
	int k;

	if ((hash = strchr(line, '#')) != NULL)
		*hash = '\0';
	if ((nw = split(line, w)) == 0)
		return CTL_OK;
	if (nw > MAX_WORDS)
		return bad(p, "too many words");
	if (strcmp(w[0], "node") == 0)
		return node_line(p, w, nw);
	if ((k = port_key(w[0], strlen(w[0]))) >= 0)
		return setting_line(p, k, w, nw);
	return bad(p, "%s: unknown; a line is 'node NAME ADDRESS ...', "
	    "'ctl-port P', 'tvs-port P', 'dist-port P', 'tftp-port P' or a "
	    "comment", esc(e, sizeof(e), w[0]));
}

/* Gives every node its ports, checks that a node's TCP ports differ,
 * and puts the publisher first. */
static int
finish(struct parse *p, struct pub_definition *out)
{
	unsigned v[NPORTS];
	size_t i, k, pub = p->def.n;

	if (p->def.n == 0)
		return ctl_diag_set(p->d, CTL_ERR_USAGE, "%s: no node; write a "
		    "line 'node NAME ADDRESS publisher' and one per "
		    "subscriber", p->what);
	for (i = 0; i < p->def.n; i++) {
		if (p->def.nodes[i].publisher)
			pub = i;
		for (k = 0; k < NPORTS; k++)
			v[k] = p->node_port[i][k] ? p->node_port[i][k] :
			    p->all_port[k] ? p->all_port[k] : std_ports[k];
		if (v[0] == v[1] || v[0] == v[2] || v[1] == v[2]) {
			p->line = p->node_line[i];
			return bad(p, "node %s: port %u serves two of the CTL "
			    "Provider, TVS and distribution; give each its "
			    "own", p->def.nodes[i].name, v[0] == v[1] ||
			    v[0] == v[2] ? v[0] : v[1]);
		}
		p->def.nodes[i].ports = (struct pub_ports){ (uint16_t)v[0],
		    (uint16_t)v[1], (uint16_t)v[2], (uint16_t)v[3] };
	}
	if (pub == p->def.n)
		return ctl_diag_set(p->d, CTL_ERR_USAGE, "%s: no node is the "
		    "publisher; add the word 'publisher' to one node line",
		    p->what);
	out->n = p->def.n;
	out->nodes[0] = p->def.nodes[pub];
	for (i = 0, k = 1; i < p->def.n; i++)
		if (i != pub)
			out->nodes[k++] = p->def.nodes[i];
	return CTL_OK;
}

int
pub_definition_parse(const char *text, size_t len, const char *what,
    struct pub_definition *out, struct ctl_diag *d)
{
	struct parse *p = calloc(1, sizeof(*p));
	char line[PUB_DEF_LINE_MAX + 1];
	size_t off = 0, end;
	int rc = CTL_OK;

	if (p == NULL)
		return CTL_ERR_NOMEM;
	p->what = what;
	p->d = d;
	if (len > PUB_DEF_MAX_SIZE) {
		rc = ctl_diag_set(d, CTL_ERR_USAGE, "%s: %zu bytes; a definition "
		    "has at most %d", what, len, PUB_DEF_MAX_SIZE);
		goto out;
	}
	while (off < len) {
		p->line++;
		for (end = off; end < len && text[end] != '\n'; end++)
			;
		if (end - off > PUB_DEF_LINE_MAX) {
			rc = bad(p, "longer than the %d bytes a line may have",
			    PUB_DEF_LINE_MAX);
			goto out;
		}
		memcpy(line, text + off, end - off);
		line[end - off] = '\0';
		if (strlen(line) != end - off) {
			rc = bad(p, "holds a NUL byte: not a text file");
			goto out;
		}
		if ((rc = one_line(p, line)) != CTL_OK)
			goto out;
		off = end + 1;
	}
	rc = finish(p, out);
out:
	free(p);
	return rc;
}

int
pub_definition_load(const char *path, struct pub_definition *out,
    struct ctl_diag *d)
{
	uint8_t *text = NULL;
	size_t len = 0;
	int rc;

	rc = file_read_limited(path, PUB_DEF_MAX_SIZE, &text, &len, d);
	if (rc == CTL_ERR_TOO_BIG)
		rc = ctl_diag_set(d, CTL_ERR_USAGE, "%s: larger than the %d "
		    "bytes a definition may have", path, PUB_DEF_MAX_SIZE);
	if (rc == CTL_OK)
		rc = pub_definition_parse((const char *)text, len, path, out, d);
	free(text);
	return rc;
}
