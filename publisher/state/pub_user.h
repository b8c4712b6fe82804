/*
 * Administrator accounts.  Passwords are kept only as salted scrypt
 * hashes (pub_password.h).
 */
#ifndef PUB_USER_H
#define PUB_USER_H

struct ctl_diag;
struct pub_state;

#define PUB_ADMIN_USER   "admin"
#define PUB_USER_NAME_MAX 63    /* bytes in a user name */

/*
 * Adds user NAME with PASSWORD (hashed here; the caller wipes its copy),
 * or sets a new password for an existing NAME; records ACTOR's "user-add"
 * or "user-password" in the audit log (never the password).  Fails with
 * CTL_ERR_USAGE for a name that is empty, too long, or holds anything
 * but letters, digits, '.', '_' and '-', or a bad password; CTL_ERR_IO.
 */
int pub_user_set(struct pub_state *st, const char *actor, const char *name,
    const char *password, struct ctl_diag *d);

/*
 * Checks NAME's PASSWORD.  Returns CTL_OK when they match, and
 * CTL_ERR_UNTRUSTED ("wrong user name or password") when the user is
 * unknown or the password wrong: the two cases cost the same scrypt
 * work and give the same code and message.  CTL_ERR_IO when the
 * database cannot be read.
 */
int pub_user_check(struct pub_state *st, const char *name,
    const char *password, struct ctl_diag *d);

#endif
