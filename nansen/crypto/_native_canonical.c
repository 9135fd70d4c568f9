/* The Merkle leaf of a credential's content (nansen/credential/anchor.py, content_leaf):
   sha256(0x00 || canonical JSON of the payload without one top-level member), the canonical text
   streamed into the hash and never built.

   The text is exactly what nansen.canonical.canonicalize_simple writes (json.dumps with sorted
   keys, compact separators and ensure_ascii=False), which is RFC 8785 for the simple JSON issuers
   anchor. Only the parser's exact types are written: dict, list, str, int, bool and None, with
   integers that fit 64 bits. Anything else (a float, a huge integer, a lone surrogate, deeper
   than 64 levels) returns None and the caller takes the Python route, which gives its answer. */

#include "_native.h"

#define MAX_NESTING 64

typedef struct {
    SHA256_CTX ctx;
    size_t used;
    unsigned char buf[2048];
} HashWriter;

static void put(HashWriter *w, const void *data, size_t len) {
    if (w->used + len > sizeof w->buf) {
        SHA256_Update(&w->ctx, w->buf, w->used);
        w->used = 0;
        if (len > sizeof w->buf) {
            SHA256_Update(&w->ctx, data, len);
            return;
        }
    }
    memcpy(w->buf + w->used, data, len);
    w->used += len;
}

static void put_byte(HashWriter *w, unsigned char c) {
    if (w->used == sizeof w->buf) {
        SHA256_Update(&w->ctx, w->buf, w->used);
        w->used = 0;
    }
    w->buf[w->used++] = c;
}

/* json's escaping with ensure_ascii=False: " and \ and the C0 controls, \b \f \n \r \t by name and
   the rest as \u00xx in lower-case hex; everything else as its UTF-8 bytes. 1: not writable. */
static int put_string(HashWriter *w, PyObject *text) {
    Py_ssize_t len;
    const unsigned char *s = (const unsigned char *)PyUnicode_AsUTF8AndSize(text, &len);
    if (s == NULL) { /* a lone surrogate has no UTF-8 form */
        PyErr_Clear();
        return 1;
    }
    static const char hex[] = "0123456789abcdef";
    put_byte(w, '"');
    Py_ssize_t run = 0; /* bytes copied as they are, pending */
    for (Py_ssize_t i = 0; i < len; i++) {
        unsigned char c = s[i];
        if (c >= 0x20 && c != '"' && c != '\\') continue;
        put(w, s + run, (size_t)(i - run));
        run = i + 1;
        char escaped[6] = {'\\', 0};
        size_t n = 2;
        switch (c) {
        case '"': escaped[1] = '"'; break;
        case '\\': escaped[1] = '\\'; break;
        case '\b': escaped[1] = 'b'; break;
        case '\f': escaped[1] = 'f'; break;
        case '\n': escaped[1] = 'n'; break;
        case '\r': escaped[1] = 'r'; break;
        case '\t': escaped[1] = 't'; break;
        default:
            memcpy(escaped + 1, "u00", 3);
            escaped[4] = hex[c >> 4];
            escaped[5] = hex[c & 15];
            n = 6;
        }
        put(w, escaped, n);
    }
    put(w, s + run, (size_t)(len - run));
    put_byte(w, '"');
    return 0;
}

/* 0 written, 1 not writable here, -1 error (exception set). */
static int put_value(HashWriter *w, PyObject *value, int depth, PyObject *skip);

static int put_object(HashWriter *w, PyObject *object, int depth, PyObject *skip) {
    PyObject *names = PyDict_Keys(object);
    if (names == NULL) return -1;
    Py_ssize_t n = PyList_GET_SIZE(names);
    for (Py_ssize_t i = 0; i < n; i++) {
        if (!PyUnicode_CheckExact(PyList_GET_ITEM(names, i))) {
            Py_DECREF(names);
            return 1;
        }
    }
    if (PyList_Sort(names) < 0) { /* str against str: code point order, as sorted() */
        Py_DECREF(names);
        return -1;
    }
    int status = 0, first = 1;
    put_byte(w, '{');
    for (Py_ssize_t i = 0; i < n && status == 0; i++) {
        PyObject *name = PyList_GET_ITEM(names, i);
        if (skip != NULL && PyUnicode_Compare(name, skip) == 0) continue;
        if (!first) put_byte(w, ',');
        first = 0;
        status = put_string(w, name);
        if (status == 0) {
            put_byte(w, ':');
            PyObject *member = PyDict_GetItemWithError(object, name);
            status = member != NULL ? put_value(w, member, depth + 1, NULL) : PyErr_Occurred() ? -1 : 1;
        }
    }
    put_byte(w, '}');
    Py_DECREF(names);
    return status;
}

static int put_value(HashWriter *w, PyObject *value, int depth, PyObject *skip) {
    if (depth > MAX_NESTING) return 1;
    if (value == Py_None) {
        put(w, "null", 4);
    } else if (value == Py_True) {
        put(w, "true", 4);
    } else if (value == Py_False) {
        put(w, "false", 5);
    } else if (PyUnicode_CheckExact(value)) {
        return put_string(w, value);
    } else if (PyLong_CheckExact(value)) {
        int overflow;
        long long number = PyLong_AsLongLongAndOverflow(value, &overflow);
        if (overflow) return 1;
        if (number == -1 && PyErr_Occurred()) return -1;
        char digits[24];
        int n = snprintf(digits, sizeof digits, "%lld", number);
        put(w, digits, (size_t)n);
    } else if (PyDict_CheckExact(value)) {
        return put_object(w, value, depth, skip);
    } else if (PyList_CheckExact(value)) {
        put_byte(w, '[');
        for (Py_ssize_t i = 0; i < PyList_GET_SIZE(value); i++) {
            if (i) put_byte(w, ',');
            int status = put_value(w, PyList_GET_ITEM(value, i), depth + 1, NULL);
            if (status) return status;
        }
        put_byte(w, ']');
    } else {
        return 1; /* a float, a tuple, a subclass: the Python route decides */
    }
    return 0;
}

PyObject *nansen_canonical_leaf(PyObject *Py_UNUSED(module), PyObject *const *args, Py_ssize_t nargs) {
    if (nargs != 2 || !PyDict_CheckExact(args[0]) || !PyUnicode_CheckExact(args[1])) {
        PyErr_SetString(PyExc_TypeError, "canonical_leaf(payload: dict, skip: str)");
        return NULL;
    }
    HashWriter *w = PyMem_Malloc(sizeof *w);
    if (w == NULL) return PyErr_NoMemory();
    SHA256_Init(&w->ctx);
    w->used = 0;
    put_byte(w, 0x00); /* the leaf domain (nansen/merkle.py) */
    int status = put_value(w, args[0], 1, args[1]);
    unsigned char leaf[SHA256_DIGEST_LENGTH];
    if (status == 0) {
        SHA256_Update(&w->ctx, w->buf, w->used);
        SHA256_Final(leaf, &w->ctx);
    }
    PyMem_Free(w);
    if (status < 0) return NULL;
    if (status > 0) Py_RETURN_NONE;
    return PyBytes_FromStringAndSize((const char *)leaf, sizeof leaf);
}
