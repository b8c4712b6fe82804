/* LOGIN: see net_login.h. */
#include "net_login.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>

#include "ctl_err.h"
#include "net_reply.h"
#include "secret.h"

int
net_login_answer(uint8_t type, const uint8_t *payload, size_t len,
    const char *peer, const char *user, struct ctl_diag *d)
{
	struct proto_fields fs = { NULL, 0 };
	struct ctl_diag pd;
	char msg[NET_MAX_MESSAGE + 1] = "";
	uint32_t code = 0;
	int r;

	if (type != PROTO_OK && type != PROTO_ERROR)
		return ctl_diag_set(d, CTL_ERR_PROTOCOL, "%s: answer of type "
		    "0x%02x to LOGIN, expected OK or ERROR", peer, type);
	ctl_diag_clear(&pd);
	if ((r = proto_fields_parse(payload, len, false, &fs, &pd))) {
		r = ctl_diag_set(d, r, "%s: malformed answer to LOGIN: %s",
		    peer, pd.msg);
		goto out;
	}
	if (type == PROTO_OK) {
		r = net_only_fields(&fs, NULL, 0, "LOGIN", d);
		goto out;
	}
	if ((r = proto_get_u32(&fs, PT_ERROR, true, &code, &pd)) != CTL_OK) {
		r = ctl_diag_set(d, CTL_ERR_PROTOCOL, "%s: malformed error "
		    "answer to LOGIN: %s", peer, pd.msg);
		goto out;
	}
	(void)proto_get_str(&fs, PT_MESSAGE, false, msg, NET_MAX_MESSAGE,
	    NULL);
	net_clean_text(msg);
	r = ctl_diag_set(d, proto_error_code(code), "%s: login as %s refused: "
	    "%s", peer, user, msg[0] ? msg : "no reason given");
out:
	proto_fields_free(&fs);
	return r;
}

int
net_login(struct net_session *s, const char *user, char *pw,
    struct ctl_diag *d)
{
	struct proto_out o;
	struct proto_header h;
	uint8_t *frame = NULL, *payload = NULL;
	size_t len = 0, done = 0;
	int r, ret;

	net_request(s, &o, PROTO_LOGIN);
	proto_put_str(&o, PT_USER, user);
	proto_put_str(&o, PT_PASSWORD, pw);
	r = proto_out_finish(&o, &frame, &len);
	secret_wipe(o.payload.p, o.payload.len);
	proto_out_free(&o);
	if (r != CTL_OK) {
		r = ctl_diag_set(d, r, "cannot encode LOGIN: %s",
		    ctl_strerror(r));
		goto out;
	}
	while (done < len) {
		ERR_clear_error();
		ret = SSL_write(s->conn->ssl, frame + done, (int)(len - done));
		if (ret <= 0) {
			r = ctl_diag_set(d, CTL_ERR_NETWORK, "%s: the "
			    "connection broke while logging in", s->peer);
			ERR_clear_error();
			goto out;
		}
		done += (size_t)ret;
	}
	secret_wipe(frame, len);
	secret_wipe(pw, strlen(pw));
	if ((r = proto_recv(s->conn, &h, &payload, d)) != CTL_OK)
		goto out;
	if (h.id != o.id || (h.type != PROTO_OK && h.type != PROTO_ERROR)) {
		r = ctl_diag_set(d, CTL_ERR_PROTOCOL, "%s: answer of type "
		    "0x%02x to request %u, expected one to LOGIN (request %u)",
		    s->peer, h.type, h.id, o.id);
		goto out;
	}
	r = net_login_answer(h.type, payload, h.length, s->peer, user, d);
out:
	if (frame != NULL) {
		secret_wipe(frame, len);
		free(frame);
	}
	free(payload);
	return r;
}
