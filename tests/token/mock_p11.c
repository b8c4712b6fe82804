/*
 * A test-only PKCS#11 module (p11-kit mock.c style): it forwards every
 * call to a real module (SoftHSM, or $MOCK_P11_MODULE) and overrides the
 * entry points that $MOCK_P11_FAULT names, to act out what SoftHSM
 * cannot:
 *
 *   init-fail      C_Initialize fails with CKR_GENERAL_ERROR
 *   final-try      C_GetTokenInfo reports CKF_USER_PIN_FINAL_TRY
 *   locked         C_GetTokenInfo reports CKF_USER_PIN_LOCKED, and
 *                  C_Login aborts the process: it must never be called
 *   lock-on-login  C_Login fails with CKR_PIN_INCORRECT, after which
 *                  C_GetTokenInfo reports CKF_USER_PIN_LOCKED
 *   sign-removed   C_Sign fails with CKR_DEVICE_REMOVED (the token is
 *                  pulled out mid-signature)
 */
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>

#include <p11-kit/pkcs11.h>

static CK_FUNCTION_LIST mock;
static CK_FUNCTION_LIST_PTR real;
static int login_failed;

static const char *
fault(void)
{
	const char *f = getenv("MOCK_P11_FAULT");

	return f != NULL ? f : "";
}

static CK_RV
mock_C_Initialize(CK_VOID_PTR args)
{
	(void)args;
	return CKR_GENERAL_ERROR;
}

static CK_RV
mock_C_GetTokenInfo(CK_SLOT_ID id, CK_TOKEN_INFO_PTR info)
{
	CK_RV rv = real->C_GetTokenInfo(id, info);

	if (rv != CKR_OK)
		return rv;
	if (strcmp(fault(), "final-try") == 0)
		info->flags |= CKF_USER_PIN_FINAL_TRY | CKF_USER_PIN_COUNT_LOW;
	else if (strcmp(fault(), "locked") == 0 || login_failed)
		info->flags |= CKF_USER_PIN_LOCKED;
	return CKR_OK;
}

static CK_RV
mock_C_Login(CK_SESSION_HANDLE s, CK_USER_TYPE user, CK_UTF8CHAR_PTR pin,
    CK_ULONG len)
{
	(void)s;
	(void)user;
	(void)pin;
	(void)len;
	if (strcmp(fault(), "locked") == 0)
		abort();
	login_failed = 1;
	return CKR_PIN_INCORRECT;
}

static CK_RV
mock_C_Sign(CK_SESSION_HANDLE s, CK_BYTE_PTR data, CK_ULONG len,
    CK_BYTE_PTR sig, CK_ULONG_PTR siglen)
{
	(void)s;
	(void)data;
	(void)len;
	(void)sig;
	(void)siglen;
	return CKR_DEVICE_REMOVED;
}

CK_RV C_GetFunctionList(CK_FUNCTION_LIST_PTR_PTR list);

CK_RV
C_GetFunctionList(CK_FUNCTION_LIST_PTR_PTR list)
{
	const char *path = getenv("MOCK_P11_MODULE");
	CK_C_GetFunctionList get;
	void *h;
	CK_RV rv;

	if (path == NULL)
		path = "/usr/lib/softhsm/libsofthsm2.so";
	if (real == NULL) {
		if ((h = dlopen(path, RTLD_NOW | RTLD_LOCAL)) == NULL ||
		    (get = (CK_C_GetFunctionList)dlsym(h,
		    "C_GetFunctionList")) == NULL)
			return CKR_GENERAL_ERROR;
		if ((rv = get(&real)) != CKR_OK)
			return rv;
	}
	mock = *real;
	if (strcmp(fault(), "init-fail") == 0)
		mock.C_Initialize = mock_C_Initialize;
	if (strcmp(fault(), "final-try") == 0 || strcmp(fault(), "locked") == 0 ||
	    strcmp(fault(), "lock-on-login") == 0)
		mock.C_GetTokenInfo = mock_C_GetTokenInfo;
	if (strcmp(fault(), "locked") == 0 ||
	    strcmp(fault(), "lock-on-login") == 0)
		mock.C_Login = mock_C_Login;
	if (strcmp(fault(), "sign-removed") == 0)
		mock.C_Sign = mock_C_Sign;
	*list = &mock;
	return CKR_OK;
}
