/* An SD-JWT as received, taken apart in one call (nansen/sdjwt/compact.py, split).

   read_sd_jwt(text, max_bytes, max_disclosures, max_depth, parts_type, jws_type, disclosure_type)
   does what the Python route does step by step: it splits <jwt>~<d1>~...~<dn>~[<kb-jwt>], parses
   both compact JWS (header as a strict JSON object, payload and signature decoded, the SHA-256 of
   the signing input) and opens every disclosure (digest, strict JSON, shape, reserved names). It
   returns parts_type(jwt, disclosures, kb_jwt, sd_hash_input, parsed_jwt, parsed_disclosures,
   parsed_kb, sd_hash) with jws_type(header, payload, digest, signature) and
   disclosure_type(encoded, digest, salt, name, value), all three tuple types (NamedTuple).

   Nothing is verified here. When any step would fail it raises a bare ValueError and the caller
   takes the Python route, which finds the failure in its own order and says why. So this only
   has to be right about what it accepts, which the tests compare with the Python route. */

#include "_native.h"

#define HEADER_DEPTH 32 /* jsonstrict's default, which JWS headers are parsed with */

static PyObject *refuse(const char *why) {
    PyErr_SetString(PyExc_ValueError, why);
    return NULL;
}

/* An instance of a tuple type (a NamedTuple) holding items, which it takes over; NULL items or a
   failed allocation release them all. */
static PyObject *tuple_of(PyTypeObject *type, Py_ssize_t n, PyObject **items) {
    PyObject *made = NULL;
    for (Py_ssize_t i = 0; i < n; i++)
        if (items[i] == NULL) goto release;
    if ((made = type->tp_alloc(type, n)) == NULL) goto release;
    for (Py_ssize_t i = 0; i < n; i++) PyTuple_SET_ITEM(made, i, items[i]);
    return made;
release:
    for (Py_ssize_t i = 0; i < n; i++) Py_XDECREF(items[i]);
    return NULL;
}

/* Strict JSON from base64url text. */
static PyObject *decoded_json(const unsigned char *s, Py_ssize_t len, long max_depth) {
    unsigned char stack[1024], *raw = len / 4 * 3 + 2 <= (Py_ssize_t)sizeof stack ? stack : PyMem_Malloc(len / 4 * 3 + 2);
    if (raw == NULL) return PyErr_NoMemory();
    const char *why = NULL;
    Py_ssize_t n = nansen_b64url_decode_into(s, len, raw, &why);
    PyObject *value = n < 0 ? refuse(why) : nansen_json_parse(raw, n, max_depth);
    if (raw != stack) PyMem_Free(raw);
    return value;
}

/* A compact JWS. Its signing input (*signed_len bytes) goes into ctx, initialised by the caller,
   who may go on hashing what follows: the issuer JWT's signing input starts the sd_hash input. */
static PyObject *read_jws(PyTypeObject *jws_type, const unsigned char *s, Py_ssize_t len, SHA256_CTX *ctx,
                          Py_ssize_t *signed_len) {
    const unsigned char *end = s + len, *dot1 = memchr(s, '.', (size_t)len);
    const unsigned char *dot2 = dot1 ? memchr(dot1 + 1, '.', (size_t)(end - dot1 - 1)) : NULL;
    if (dot2 == NULL || memchr(dot2 + 1, '.', (size_t)(end - dot2 - 1)) != NULL)
        return refuse("a compact JWS has three parts");
    PyObject *header = decoded_json(s, dot1 - s, HEADER_DEPTH);
    if (header != NULL && !PyDict_CheckExact(header)) {
        Py_DECREF(header);
        return refuse("a JWS header is an object");
    }
    unsigned char digest[SHA256_DIGEST_LENGTH];
    *signed_len = dot2 - s;
    SHA256_Update(ctx, s, (size_t)(dot2 - s));
    SHA256_CTX signing_input = *ctx;
    SHA256_Final(digest, &signing_input);
    PyObject *items[4] = {
        header,
        header ? nansen_b64url_decoded(dot1 + 1, dot2 - dot1 - 1) : NULL,
        PyBytes_FromStringAndSize((const char *)digest, sizeof digest),
        NULL,
    };
    if (items[1] != NULL) items[3] = nansen_b64url_decoded(dot2 + 1, end - dot2 - 1);
    return tuple_of(jws_type, 4, items);
}

/* One disclosure: [salt, value] or [salt, name, value], salt and name strings, name not reserved. */
static PyObject *read_disclosure(PyTypeObject *disclosure_type, PyObject *encoded, long max_depth) {
    const unsigned char *s = (const unsigned char *)PyUnicode_DATA(encoded);
    Py_ssize_t len = PyUnicode_GET_LENGTH(encoded);
    PyObject *array = decoded_json(s, len, max_depth);
    if (array == NULL) return NULL;
    Py_ssize_t n = PyList_CheckExact(array) ? PyList_GET_SIZE(array) : 0;
    if ((n != 2 && n != 3) || !PyUnicode_CheckExact(PyList_GET_ITEM(array, 0)) ||
        (n == 3 && (!PyUnicode_CheckExact(PyList_GET_ITEM(array, 1)) || nansen_is_digest_name(PyList_GET_ITEM(array, 1))))) {
        Py_DECREF(array);
        return refuse("not a disclosure the Python route would accept");
    }
    unsigned char digest[SHA256_DIGEST_LENGTH];
    nansen_sha256(s, (size_t)len, digest);
    PyObject *items[5] = {
        Py_NewRef(encoded),
        nansen_digest_b64url(digest),
        Py_NewRef(PyList_GET_ITEM(array, 0)),
        Py_NewRef(n == 3 ? PyList_GET_ITEM(array, 1) : Py_None),
        Py_NewRef(PyList_GET_ITEM(array, n - 1)),
    };
    Py_DECREF(array);
    return tuple_of(disclosure_type, 5, items);
}

static PyObject *substring(const char *s, Py_ssize_t len) {
    PyObject *text = PyUnicode_New(len, 127);
    if (text != NULL) memcpy(PyUnicode_DATA(text), s, (size_t)len);
    return text;
}

PyObject *nansen_read_sd_jwt(PyObject *Py_UNUSED(module), PyObject *const *args, Py_ssize_t nargs) {
    if (nargs != 7 || !PyUnicode_Check(args[0]) || !PyLong_Check(args[1]) || !PyLong_Check(args[2]) ||
        !PyLong_Check(args[3])) {
        PyErr_SetString(PyExc_TypeError, "read_sd_jwt(text, max_bytes, max_disclosures, max_depth, types...)");
        return NULL;
    }
    for (int i = 4; i < 7; i++) {
        if (!PyType_Check(args[i]) || !PyType_IsSubtype((PyTypeObject *)args[i], &PyTuple_Type)) {
            PyErr_SetString(PyExc_TypeError, "read_sd_jwt's types are tuple types");
            return NULL;
        }
    }
    PyObject *text = args[0];
    int overflow[3];
    long long max_bytes = PyLong_AsLongLongAndOverflow(args[1], &overflow[0]),
              max_disclosures = PyLong_AsLongLongAndOverflow(args[2], &overflow[1]);
    long max_depth = PyLong_AsLongAndOverflow(args[3], &overflow[2]);
    if (PyErr_Occurred()) return NULL;
    if (overflow[0] || overflow[1] || overflow[2] || max_bytes < 0 || max_disclosures < 0 || max_depth < 0)
        return refuse("limits out of the C route's range: left to the Python route");
    PyTypeObject *parts_type = (PyTypeObject *)args[4], *jws_type = (PyTypeObject *)args[5],
                 *disclosure_type = (PyTypeObject *)args[6];
    Py_ssize_t len = PyUnicode_GET_LENGTH(text);
    if (len > max_bytes || !PyUnicode_IS_ASCII(text)) return refuse("too long or not ASCII");
    const char *s = (const char *)PyUnicode_DATA(text), *end = s + len;
    const char *first = memchr(s, '~', (size_t)len), *last = first;
    if (first == NULL) return refuse("no '~'");
    for (const char *t = first; (t = memchr(t + 1, '~', (size_t)(end - t - 1))) != NULL;) last = t;

    PyObject *items[10] = {NULL}, *disclosures = PyList_New(0), *parsed_disclosures = PyList_New(0);
    if (disclosures == NULL || parsed_disclosures == NULL) goto failed;
    for (const char *d = first + 1; d <= last;) {
        const char *stop = memchr(d, '~', (size_t)(end - d));
        if (stop == d) {
            refuse("an empty disclosure");
            goto failed;
        }
        if (PyList_GET_SIZE(disclosures) >= max_disclosures) {
            refuse("too many disclosures");
            goto failed;
        }
        PyObject *encoded = substring(d, stop - d);
        PyObject *parsed = encoded ? read_disclosure(disclosure_type, encoded, max_depth) : NULL;
        int stored = parsed != NULL && PyList_Append(disclosures, encoded) == 0 &&
                     PyList_Append(parsed_disclosures, parsed) == 0;
        Py_XDECREF(encoded);
        Py_XDECREF(parsed);
        if (!stored) goto failed;
        d = stop + 1;
    }
    const char *kb = last + 1;
    SHA256_CTX ctx, kb_ctx;
    SHA256_Init(&ctx);
    SHA256_Init(&kb_ctx);
    items[0] = substring(s, first - s);
    items[1] = disclosures;
    items[2] = kb < end ? substring(kb, end - kb) : Py_NewRef(Py_None);
    items[3] = substring(s, kb - s);
    Py_ssize_t signed_len, kb_signed_len;
    int nested = 1;
    items[6] = PyBool_FromLong(nested);
    items[7] = parsed_disclosures;
    /* each step only once those before it succeeded: no call with an exception pending */
    if (items[0] && items[2] && items[3])
        items[4] = read_jws(jws_type, (const unsigned char *)s, first - s, &ctx, &signed_len);
    if (items[4] != NULL) {
        PyObject *payload = PyTuple_GET_ITEM(items[4], 1);
        items[5] = nansen_json_parse_noting((const unsigned char *)PyBytes_AS_STRING(payload), PyBytes_GET_SIZE(payload),
                                            max_depth, &nested);
        if (items[5] != NULL && !PyDict_CheckExact(items[5])) Py_SETREF(items[5], refuse("a payload is an object"));
        Py_SETREF(items[6], PyBool_FromLong(nested));
    }
    if (items[5] != NULL)
        items[8] = kb < end ? read_jws(jws_type, (const unsigned char *)kb, end - kb, &kb_ctx, &kb_signed_len)
                            : Py_NewRef(Py_None);
    if (items[8] != NULL) { /* the sd_hash input goes on from the issuer JWT's signing input */
        unsigned char digest[SHA256_DIGEST_LENGTH];
        SHA256_Update(&ctx, s + signed_len, (size_t)(kb - s - signed_len));
        SHA256_Final(digest, &ctx);
        items[9] = nansen_digest_b64url(digest);
    }
    return tuple_of(parts_type, 10, items);
failed:
    Py_XDECREF(disclosures);
    Py_XDECREF(parsed_disclosures);
    return NULL;
}
