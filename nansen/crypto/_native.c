/* The verify hot path's mechanical steps in C, on OpenSSL's libcrypto: ES256 verification,
   strict base64url decoding, SHA-256 digests in base64url, and Merkle proof walks. Beside it:
   strict JSON parsing (_native_json.c) and the canonical leaf of a payload (_native_canonical.c).

   ES256 (ECDSA P-256):

   VerifyingKey(xy) parses and validates a 64-byte x||y public key once. verify_digest(digest,
   signature) checks a raw r||s signature over a SHA-256 digest, exactly as OpenSSL's own ECDSA
   verification does (r and s in [1, n-1]; R = (e/s)G + (r/s)Q; valid when R is not the point at
   infinity and x(R) mod n == r).

   precompute() is for the few long-lived issuer keys: it builds a table of multiples of Q the way
   OpenSSL builds one for the generator G, so (r/s)Q becomes a fixed-base multiplication and a
   verification costs about half. The table is about 150 KB per key.

   Everything here handles public data only (keys, signatures, digests): no constant-time needs. */

#include "_native.h"
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/ecdsa.h>
#include <openssl/err.h>
#include <openssl/obj_mac.h>

static EC_GROUP *curve;     /* P-256 with its standard generator */
static const BIGNUM *order; /* n */

typedef struct {
    PyObject_HEAD
    EC_KEY *key;          /* Q, validated on the curve, for OpenSSL's own ECDSA verification */
    EC_POINT *point;      /* Q (owned by key) */
    EC_GROUP *q_as_base;  /* P-256 with generator Q and its precomputed table, or NULL */
} VerifyingKey;

static void VerifyingKey_dealloc(VerifyingKey *self) {
    EC_KEY_free(self->key);
    EC_GROUP_free(self->q_as_base);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyObject *VerifyingKey_new(PyTypeObject *type, PyObject *args, PyObject *kwds) {
    static char *kwlist[] = {"xy", NULL};
    Py_buffer xy;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "y*", kwlist, &xy)) return NULL;
    if (xy.len != 64) {
        PyBuffer_Release(&xy);
        PyErr_SetString(PyExc_ValueError, "a raw P-256 public key is 64 bytes (x || y)");
        return NULL;
    }
    unsigned char encoded[65];
    encoded[0] = 0x04; /* uncompressed */
    memcpy(encoded + 1, xy.buf, 64);
    PyBuffer_Release(&xy);
    EC_KEY *key = EC_KEY_new();
    EC_POINT *point = EC_POINT_new(curve);
    /* oct2point sets affine coordinates, which checks that the point is on the curve */
    if (key == NULL || point == NULL || !EC_KEY_set_group(key, curve) ||
        !EC_POINT_oct2point(curve, point, encoded, sizeof encoded, NULL) || !EC_KEY_set_public_key(key, point)) {
        EC_POINT_free(point);
        EC_KEY_free(key);
        ERR_clear_error();
        PyErr_SetString(PyExc_ValueError, "the public key is not a point on P-256");
        return NULL;
    }
    EC_POINT_free(point); /* the key holds its own copy */
    VerifyingKey *self = (VerifyingKey *)type->tp_alloc(type, 0);
    if (self == NULL) {
        EC_KEY_free(key);
        return NULL;
    }
    self->key = key;
    self->point = (EC_POINT *)EC_KEY_get0_public_key(key);
    self->q_as_base = NULL;
    return (PyObject *)self;
}

static PyObject *VerifyingKey_precompute(VerifyingKey *self, PyObject *Py_UNUSED(ignored)) {
    if (self->q_as_base != NULL) Py_RETURN_NONE;
    EC_GROUP *group = EC_GROUP_dup(curve);
    BIGNUM *one = BN_new();
    int ok = group != NULL && one != NULL && BN_one(one) && EC_GROUP_set_generator(group, self->point, order, one) &&
             EC_GROUP_precompute_mult(group, NULL);
    BN_free(one);
    if (!ok) {
        EC_GROUP_free(group);
        ERR_clear_error();
        PyErr_SetString(PyExc_MemoryError, "could not build the key's precomputed table");
        return NULL;
    }
    self->q_as_base = group;
    Py_RETURN_NONE;
}

/* OpenSSL's ECDSA verification, for keys without a table. 1 valid, 0 invalid, -1 failure. */
static int verify_plain(const VerifyingKey *self, const unsigned char *digest, const unsigned char *sig) {
    ECDSA_SIG *parsed = ECDSA_SIG_new();
    BIGNUM *r = BN_bin2bn(sig, 32, NULL), *s = BN_bin2bn(sig + 32, 32, NULL);
    int result = -1;
    if (parsed != NULL && r != NULL && s != NULL && ECDSA_SIG_set0(parsed, r, s)) {
        r = s = NULL; /* owned by parsed now */
        result = ECDSA_do_verify(digest, 32, parsed, self->key); /* 1, 0, or -1 for r or s out of range */
        if (result < 0) result = 0;
    }
    BN_free(r);
    BN_free(s);
    ECDSA_SIG_free(parsed);
    ERR_clear_error();
    return result;
}

/* With Q's table: the same equation, both multiplications fixed-base. 1 valid, 0 invalid, -1 failure. */
static int verify_precomputed(const VerifyingKey *self, const unsigned char *digest, const unsigned char *sig) {
    int result = -1;
    BN_CTX *ctx = BN_CTX_new();
    if (ctx == NULL) return -1;
    BN_CTX_start(ctx);
    BIGNUM *r = BN_CTX_get(ctx), *s = BN_CTX_get(ctx), *e = BN_CTX_get(ctx);
    BIGNUM *w = BN_CTX_get(ctx), *u1 = BN_CTX_get(ctx), *u2 = BN_CTX_get(ctx), *x = BN_CTX_get(ctx);
    EC_POINT *point = EC_POINT_new(curve), *q_part = NULL;
    if (x == NULL || point == NULL || !BN_bin2bn(sig, 32, r) || !BN_bin2bn(sig + 32, 32, s) ||
        !BN_bin2bn(digest, 32, e))
        goto done;
    if (BN_is_zero(r) || BN_ucmp(r, order) >= 0 || BN_is_zero(s) || BN_ucmp(s, order) >= 0) {
        result = 0;
        goto done;
    }
    /* SHA-256 and n are both 256 bits: e is the digest as an integer, no truncation */
    if (!BN_mod_inverse(w, s, order, ctx) || !BN_mod_mul(u1, e, w, order, ctx) || !BN_mod_mul(u2, r, w, order, ctx))
        goto done;
    q_part = EC_POINT_new(self->q_as_base);
    if (q_part == NULL || !EC_POINT_mul(curve, point, u1, NULL, NULL, ctx) ||
        !EC_POINT_mul(self->q_as_base, q_part, u2, NULL, NULL, ctx) || !EC_POINT_add(curve, point, point, q_part, ctx))
        goto done;
    if (EC_POINT_is_at_infinity(curve, point)) {
        result = 0;
        goto done;
    }
    if (!EC_POINT_get_affine_coordinates(curve, point, x, NULL, ctx) || !BN_nnmod(x, x, order, ctx)) goto done;
    result = BN_ucmp(x, r) == 0;
done:
    EC_POINT_free(q_part);
    EC_POINT_free(point);
    BN_CTX_end(ctx);
    BN_CTX_free(ctx);
    ERR_clear_error();
    return result;
}

static PyObject *VerifyingKey_verify_digest(VerifyingKey *self, PyObject *const *args, Py_ssize_t nargs) {
    if (nargs != 2 || !PyBytes_Check(args[0]) || !PyBytes_Check(args[1])) {
        PyErr_SetString(PyExc_TypeError, "verify_digest(digest: bytes, signature: bytes)");
        return NULL;
    }
    if (PyBytes_GET_SIZE(args[0]) != 32 || PyBytes_GET_SIZE(args[1]) != 64) {
        PyErr_SetString(PyExc_ValueError, "a SHA-256 digest is 32 bytes and an ES256 signature 64 (r || s)");
        return NULL;
    }
    const unsigned char *digest = (const unsigned char *)PyBytes_AS_STRING(args[0]);
    const unsigned char *sig = (const unsigned char *)PyBytes_AS_STRING(args[1]);
    int result;
    Py_BEGIN_ALLOW_THREADS
    result = self->q_as_base != NULL ? verify_precomputed(self, digest, sig) : verify_plain(self, digest, sig);
    Py_END_ALLOW_THREADS
    if (result < 0) return PyErr_NoMemory();
    return PyBool_FromLong(result);
}

static PyObject *VerifyingKey_is_precomputed(VerifyingKey *self, void *Py_UNUSED(closure)) {
    return PyBool_FromLong(self->q_as_base != NULL);
}

static PyMethodDef VerifyingKey_methods[] = {
    {"precompute", (PyCFunction)VerifyingKey_precompute, METH_NOARGS,
     "Build the table that halves the cost of every later verification with this key."},
    {"verify_digest", (PyCFunction)(void (*)(void))VerifyingKey_verify_digest, METH_FASTCALL,
     "verify_digest(digest, signature) -> bool: a raw r||s ES256 signature over a SHA-256 digest."},
    {NULL, NULL, 0, NULL},
};

static PyGetSetDef VerifyingKey_getset[] = {
    {"precomputed", (getter)VerifyingKey_is_precomputed, NULL, "Whether precompute() has run.", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyTypeObject VerifyingKeyType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "nansen.crypto._native.VerifyingKey",
    .tp_doc = "A validated P-256 public key that verifies ES256 signatures over SHA-256 digests.",
    .tp_basicsize = sizeof(VerifyingKey),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_new = VerifyingKey_new,
    .tp_dealloc = (destructor)VerifyingKey_dealloc,
    .tp_methods = VerifyingKey_methods,
    .tp_getset = VerifyingKey_getset,
};

/* OpenSSL 3's one-shot SHA256() fetches the algorithm on every call (about 0.3 us, more than
   hashing 64 bytes); the low-level context calls hash directly. */
void nansen_sha256(const unsigned char *data, size_t len, unsigned char out[SHA256_DIGEST_LENGTH]) {
    SHA256_CTX ctx;
    SHA256_Init(&ctx);
    SHA256_Update(&ctx, data, len);
    SHA256_Final(out, &ctx);
}

/* ---- base64url (RFC 7515 section 2): unpadded, URL-safe alphabet, canonical trailing bits ---- */

static const char B64URL[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
static signed char b64url_value[256]; /* -1 outside the alphabet */

/* Decodes text[0..len) into out (room for len * 3 / 4 bytes). Returns the decoded length, or -1
   with *why set. */
Py_ssize_t nansen_b64url_decode_into(const unsigned char *text, Py_ssize_t len, unsigned char *out, const char **why) {
    if (len % 4 == 1) {
        *why = "base64url text has an impossible length";
        return -1;
    }
    Py_ssize_t o = 0, i = 0;
    for (; i + 4 <= len; i += 4) {
        int a = b64url_value[text[i]], b = b64url_value[text[i + 1]], c = b64url_value[text[i + 2]],
            d = b64url_value[text[i + 3]];
        if ((a | b | c | d) < 0) goto outside;
        unsigned v = (unsigned)a << 18 | (unsigned)b << 12 | (unsigned)c << 6 | (unsigned)d;
        out[o++] = (unsigned char)(v >> 16);
        out[o++] = (unsigned char)(v >> 8);
        out[o++] = (unsigned char)v;
    }
    Py_ssize_t tail = len - i;
    if (tail >= 2) {
        int a = b64url_value[text[i]], b = b64url_value[text[i + 1]], c = tail == 3 ? b64url_value[text[i + 2]] : 0;
        if ((a | b | c) < 0) goto outside;
        unsigned v = (unsigned)a << 18 | (unsigned)b << 12 | (unsigned)c << 6;
        if ((tail == 2 && (v & 0xFFFF)) || (tail == 3 && (v & 0xFF))) {
            *why = "base64url text is not canonical (non-zero trailing bits)";
            return -1;
        }
        out[o++] = (unsigned char)(v >> 16);
        if (tail == 3) out[o++] = (unsigned char)(v >> 8);
    }
    return o;
outside:
    *why = "base64url text has a character outside the alphabet (or padding)";
    return -1;
}

/* The ASCII bytes of a str or bytes argument; NULL with ValueError/TypeError set otherwise. */
static const unsigned char *ascii_of(PyObject *arg, Py_ssize_t *len) {
    if (PyUnicode_Check(arg)) {
        if (!PyUnicode_IS_ASCII(arg)) {
            PyErr_SetString(PyExc_ValueError, "base64url text is not ASCII");
            return NULL;
        }
        *len = PyUnicode_GET_LENGTH(arg);
        return (const unsigned char *)PyUnicode_DATA(arg);
    }
    if (PyBytes_Check(arg)) {
        *len = PyBytes_GET_SIZE(arg);
        return (const unsigned char *)PyBytes_AS_STRING(arg);
    }
    PyErr_SetString(PyExc_TypeError, "base64url text must be a string");
    return NULL;
}

PyObject *nansen_b64url_decoded(const unsigned char *text, Py_ssize_t len) {
    PyObject *out = PyBytes_FromStringAndSize(NULL, len / 4 * 3 + 2);
    if (out == NULL) return NULL;
    const char *why = NULL;
    Py_ssize_t n = nansen_b64url_decode_into(text, len, (unsigned char *)PyBytes_AS_STRING(out), &why);
    if (n < 0) {
        Py_DECREF(out);
        PyErr_SetString(PyExc_ValueError, why);
        return NULL;
    }
    if (_PyBytes_Resize(&out, n) < 0) return NULL;
    return out;
}

static PyObject *native_b64url_decode(PyObject *Py_UNUSED(module), PyObject *arg) {
    Py_ssize_t len;
    const unsigned char *text = ascii_of(arg, &len);
    return text == NULL ? NULL : nansen_b64url_decoded(text, len);
}

static PyObject *native_sha256_b64url(PyObject *Py_UNUSED(module), PyObject *arg) {
    if (!PyUnicode_Check(arg) || !PyUnicode_IS_ASCII(arg)) {
        PyErr_SetString(PyExc_ValueError, "sha256_b64url takes ASCII text");
        return NULL;
    }
    unsigned char digest[SHA256_DIGEST_LENGTH];
    nansen_sha256((const unsigned char *)PyUnicode_DATA(arg), (size_t)PyUnicode_GET_LENGTH(arg), digest);
    return nansen_digest_b64url(digest);
}

PyObject *nansen_digest_b64url(const unsigned char digest[SHA256_DIGEST_LENGTH]) {
    char text[43];
    for (int i = 0, o = 0; i < 32; i += 3) {
        unsigned v = (unsigned)digest[i] << 16 | (i + 1 < 32 ? (unsigned)digest[i + 1] << 8 : 0) |
                     (i + 2 < 32 ? digest[i + 2] : 0);
        text[o++] = B64URL[v >> 18 & 63];
        text[o++] = B64URL[v >> 12 & 63];
        text[o++] = B64URL[v >> 6 & 63];
        if (o < 43) text[o++] = B64URL[v & 63];
    }
    return PyUnicode_FromStringAndSize(text, 43);
}

/* object_pairs_hook for strict JSON: the object as a dict, or KeyError(name) for a repeated name. */
static PyObject *native_unique_object(PyObject *Py_UNUSED(module), PyObject *pairs) {
    if (!PyList_Check(pairs)) {
        PyErr_SetString(PyExc_TypeError, "unique_object takes the decoder's list of (name, value) pairs");
        return NULL;
    }
    PyObject *object = PyDict_New();
    if (object == NULL) return NULL;
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(pairs); i++) {
        PyObject *pair = PyList_GET_ITEM(pairs, i);
        if (!PyTuple_Check(pair) || PyTuple_GET_SIZE(pair) != 2) {
            Py_DECREF(object);
            PyErr_SetString(PyExc_TypeError, "unique_object takes (name, value) pairs");
            return NULL;
        }
        PyObject *name = PyTuple_GET_ITEM(pair, 0);
        if (PyDict_SetItem(object, name, PyTuple_GET_ITEM(pair, 1)) < 0) {
            Py_DECREF(object);
            return NULL;
        }
        if (PyDict_GET_SIZE(object) != i + 1) {
            Py_DECREF(object);
            PyErr_SetObject(PyExc_KeyError, name);
            return NULL;
        }
    }
    return object;
}

/* A disclosure as presented: (base64url SHA-256 of its ASCII text, its decoded UTF-8 text). */
static PyObject *native_open_disclosure(PyObject *Py_UNUSED(module), PyObject *arg) {
    if (!PyUnicode_Check(arg)) {
        PyErr_SetString(PyExc_TypeError, "a disclosure is a string");
        return NULL;
    }
    if (!PyUnicode_IS_ASCII(arg)) {
        PyErr_SetString(PyExc_ValueError, "base64url text is not ASCII");
        return NULL;
    }
    PyObject *digest = native_sha256_b64url(NULL, arg);
    if (digest == NULL) return NULL;
    Py_ssize_t len = PyUnicode_GET_LENGTH(arg);
    unsigned char stack[1024], *raw = len / 4 * 3 + 2 <= (Py_ssize_t)sizeof stack ? stack : PyMem_Malloc(len / 4 * 3 + 2);
    if (raw == NULL) {
        Py_DECREF(digest);
        return PyErr_NoMemory();
    }
    const char *why = NULL;
    Py_ssize_t n = nansen_b64url_decode_into((const unsigned char *)PyUnicode_DATA(arg), len, raw, &why);
    PyObject *text = n < 0 ? NULL : PyUnicode_DecodeUTF8((const char *)raw, n, "strict");
    if (raw != stack) PyMem_Free(raw);
    if (n < 0) PyErr_SetString(PyExc_ValueError, why);
    if (text == NULL) {
        Py_DECREF(digest);
        return NULL;
    }
    PyObject *pair = PyTuple_Pack(2, digest, text);
    Py_DECREF(digest);
    Py_DECREF(text);
    return pair;
}

/* ---- Merkle proof walk (nansen/merkle.py): node = sha256(0x01 || left || right), root =
   sha256(0x02 || uint64be(count) || top); an odd last node is promoted without a sibling ---- */

/* Sibling i as 32 bytes: from a tuple of 32-byte bytes, or a list of canonical 43-character
   base64url strings (the proof as it travels in a credential). 0 on success, -1 if it is not one. */
static int sibling_at(PyObject *siblings, Py_ssize_t i, unsigned char out[32]) {
    PyObject *item = PyTuple_Check(siblings) ? PyTuple_GET_ITEM(siblings, i) : PyList_GET_ITEM(siblings, i);
    if (PyBytes_Check(item) && PyTuple_Check(siblings)) {
        if (PyBytes_GET_SIZE(item) != 32) return -1;
        memcpy(out, PyBytes_AS_STRING(item), 32);
        return 0;
    }
    if (!PyUnicode_Check(item) || PyTuple_Check(siblings) || !PyUnicode_IS_ASCII(item) || PyUnicode_GET_LENGTH(item) != 43)
        return -1;
    const char *why;
    return nansen_b64url_decode_into((const unsigned char *)PyUnicode_DATA(item), 43, out, &why) == 32 ? 0 : -1;
}

static PyObject *native_merkle_root(PyObject *Py_UNUSED(module), PyObject *const *args, Py_ssize_t nargs) {
    unsigned long long index, count;
    if (nargs != 4 || !PyBytes_Check(args[0]) || PyBytes_GET_SIZE(args[0]) != 32 ||
        !(PyTuple_Check(args[3]) || PyList_Check(args[3]))) {
        PyErr_SetString(PyExc_TypeError,
                        "merkle_root(leaf: 32 bytes, index, count, siblings: tuple of 32 bytes or list of base64url)");
        return NULL;
    }
    index = PyLong_AsUnsignedLongLong(args[1]);
    if (PyErr_Occurred()) return NULL;
    count = PyLong_AsUnsignedLongLong(args[2]);
    if (PyErr_Occurred()) return NULL;
    if (count == 0 || index >= count || count > (1ULL << 32)) {
        PyErr_SetString(PyExc_ValueError, "proof index or count out of range");
        return NULL;
    }
    const unsigned long long leaf_count = count;
    PyObject *siblings = args[3];
    Py_ssize_t n = Py_SIZE(siblings), used = 0;
    unsigned char buf[65], node[32], other[32];
    memcpy(node, PyBytes_AS_STRING(args[0]), 32);
    buf[0] = 0x01;
    while (count > 1) {
        if ((index & 1) || index + 1 < count) { /* else: the odd last node, promoted without a sibling */
            if (used >= n || sibling_at(siblings, used++, other) < 0) goto misfit;
            memcpy(buf + 1, (index & 1) ? other : node, 32);
            memcpy(buf + 33, (index & 1) ? node : other, 32);
            nansen_sha256(buf, 65, node);
        }
        index /= 2;
        count = (count + 1) / 2;
    }
    if (used != n) goto misfit;
    unsigned char sealed[41], root[32];
    sealed[0] = 0x02;
    for (int i = 0; i < 8; i++) sealed[1 + i] = (unsigned char)(leaf_count >> (56 - 8 * i));
    memcpy(sealed + 9, node, 32);
    nansen_sha256(sealed, 41, root);
    return PyBytes_FromStringAndSize((const char *)root, 32);
misfit:
    PyErr_SetString(PyExc_ValueError, "proof path does not fit its index and count");
    return NULL;
}

static PyMethodDef native_functions[] = {
    {"b64url_decode", native_b64url_decode, METH_O,
     "b64url_decode(text: str | bytes) -> bytes: unpadded, canonical base64url; ValueError otherwise."},
    {"sha256_b64url", native_sha256_b64url, METH_O, "sha256_b64url(ascii_text: str) -> str: base64url SHA-256."},
    {"unique_object", native_unique_object, METH_O,
     "unique_object(pairs) -> dict: an object_pairs_hook that raises KeyError(name) for a repeated name."},
    {"open_disclosure", native_open_disclosure, METH_O,
     "open_disclosure(encoded: str) -> (digest, text): its base64url SHA-256 and its decoded UTF-8 text."},
    {"merkle_root", (PyCFunction)(void (*)(void))native_merkle_root, METH_FASTCALL,
     "merkle_root(leaf, index, count, siblings) -> bytes: the sealed root a proof leads to."},
    {"json_loads", (PyCFunction)(void (*)(void))nansen_json_loads, METH_FASTCALL,
     "json_loads(text, max_depth) -> value: strict JSON, or ValueError for Python's json to judge."},
    {"read_sd_jwt", (PyCFunction)(void (*)(void))nansen_read_sd_jwt, METH_FASTCALL,
     "read_sd_jwt(text, max_bytes, max_disclosures, max_depth, jws_type, disclosure_type) -> parts."},
    {"canonical_leaf", (PyCFunction)(void (*)(void))nansen_canonical_leaf, METH_FASTCALL,
     "canonical_leaf(payload, skip) -> bytes | None: the leaf of the payload without member skip."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef p256_module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "nansen.crypto._native",
    .m_doc = "The verify hot path in C: ES256, base64url, SHA-256 digests, Merkle proofs.",
    .m_size = -1,
    .m_methods = native_functions,
};

PyMODINIT_FUNC PyInit__native(void) {
    curve = EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1);
    if (curve == NULL) {
        PyErr_SetString(PyExc_ImportError, "libcrypto has no P-256");
        return NULL;
    }
    order = EC_GROUP_get0_order(curve);
    memset(b64url_value, -1, sizeof b64url_value);
    for (int i = 0; i < 64; i++) b64url_value[(unsigned char)B64URL[i]] = (signed char)i;
    if (PyType_Ready(&VerifyingKeyType) < 0) return NULL;
    PyObject *module = PyModule_Create(&p256_module);
    if (module == NULL) return NULL;
    Py_INCREF(&VerifyingKeyType);
    if (PyModule_AddObject(module, "VerifyingKey", (PyObject *)&VerifyingKeyType) < 0) {
        Py_DECREF(&VerifyingKeyType);
        Py_DECREF(module);
        return NULL;
    }
    return module;
}
