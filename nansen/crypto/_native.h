/* What the C module's files share (see _native.c for the module itself). */
#ifndef NANSEN_NATIVE_H
#define NANSEN_NATIVE_H

#define PY_SSIZE_T_CLEAN
/* SHA256_Init/Update/Final and EC_GROUP_precompute_mult: deprecated in OpenSSL 3.0, still supported */
#define OPENSSL_SUPPRESS_DEPRECATED
#include <Python.h>
#include <openssl/sha.h>

/* SHA-256 through the low-level context (OpenSSL 3's one-shot SHA256() is slow: see _native.c). */
void nansen_sha256(const unsigned char *data, size_t len, unsigned char out[SHA256_DIGEST_LENGTH]);

/* Strict unpadded base64url: the decoded length, or -1 with *why set. out needs len * 3 / 4 + 2. */
Py_ssize_t nansen_b64url_decode_into(const unsigned char *text, Py_ssize_t len, unsigned char *out, const char **why);
/* The same as bytes, or NULL with ValueError(why) set. */
PyObject *nansen_b64url_decoded(const unsigned char *text, Py_ssize_t len);

/* _native_json.c: loads(text: str | bytes, max_depth: int) -> value, ValueError when not accepted;
   nansen_json_parse is the same over UTF-8 bytes. */
PyObject *nansen_json_loads(PyObject *module, PyObject *const *args, Py_ssize_t nargs);
PyObject *nansen_json_parse(const unsigned char *text, Py_ssize_t len, long max_depth);
/* The same, noting whether an object below the top level has a member "_sd" or "..." (where an
   SD-JWT payload would hold digests). */
PyObject *nansen_json_parse_noting(const unsigned char *text, Py_ssize_t len, long max_depth, int *nested_digest_names);

/* Whether a str is "_sd" or "...", the member names where an SD-JWT holds digests. */
int nansen_is_digest_name(PyObject *name);

/* base64url of a SHA-256 digest: 43 characters, unpadded. */
PyObject *nansen_digest_b64url(const unsigned char digest[SHA256_DIGEST_LENGTH]);

/* _native_sdjwt.c: read_sd_jwt(...) -> the parts of an SD-JWT, parsed (see there). */
PyObject *nansen_read_sd_jwt(PyObject *module, PyObject *const *args, Py_ssize_t nargs);

/* _native_canonical.c: canonical_leaf(payload: dict, skip: str) -> bytes | None. */
PyObject *nansen_canonical_leaf(PyObject *module, PyObject *const *args, Py_ssize_t nargs);

#endif
