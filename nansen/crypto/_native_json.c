/* Strict JSON parsing for nansen/crypto/jsonstrict.py, in one pass over the UTF-8 text.

   It accepts exactly what Python's json module accepts under jsonstrict's rules, or less: RFC 8259
   values, no NaN or Infinity, no repeated member name in an object, no control character in a
   string, nothing nested deeper than max_depth, valid UTF-8. What it does not accept raises a bare
   ValueError, and the caller then asks Python's json for the verdict and its exact wording. So the
   rare inputs left to Python are not refused here but handed over, and the Python route refuses
   them in its words: what I-JSON (RFC 7493) forbids, lone surrogates in \u escapes, integers
   beyond +-(2^53 - 1) and numbers beyond a double's range. Fractions and exponents go through
   PyOS_string_to_double, as json's float() does.

   Results are built as json builds them: dict in member order, list, str, int, float, bool, None. */

#include <math.h>

#include "_native.h"

#define MAX_NESTING 512 /* the recursion here, whatever max_depth the caller asks for */
#define MAX_SAFE_INTEGER 9007199254740991LL /* 2^53 - 1 */

typedef struct {
    const unsigned char *p, *end;
    int depth, max_depth;
    int nested_digest_names; /* a member "_sd" or "..." in an object below the top level */
} Parser;

static PyObject *refuse(const char *why) {
    PyErr_SetString(PyExc_ValueError, why);
    return NULL;
}

static inline void skip_space(Parser *ps) {
    while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\n' || *ps->p == '\r' || *ps->p == '\t')) ps->p++;
}

static int hex_value(unsigned char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Four hex digits at s (s + 4 <= end checked by the caller): the code unit, or -1. */
static long hex4(const unsigned char *s) {
    int a = hex_value(s[0]), b = hex_value(s[1]), c = hex_value(s[2]), d = hex_value(s[3]);
    if ((a | b | c | d) < 0) return -1;
    return (long)a << 12 | (long)b << 8 | (long)c << 4 | (long)d;
}

static size_t put_utf8(unsigned char *out, unsigned long cp) {
    if (cp < 0x80) {
        out[0] = (unsigned char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (unsigned char)(0xC0 | cp >> 6);
        out[1] = (unsigned char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (unsigned char)(0xE0 | cp >> 12);
        out[1] = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
        out[2] = (unsigned char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (unsigned char)(0xF0 | cp >> 18);
    out[1] = (unsigned char)(0x80 | (cp >> 12 & 0x3F));
    out[2] = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
    out[3] = (unsigned char)(0x80 | (cp & 0x3F));
    return 4;
}

/* A string with escapes, from start (after the opening quote) to stop (its closing quote). The
   unescaped text is never longer than the escaped one. Raw bytes are copied and checked as UTF-8
   with the rest at the end: an escape always writes a whole sequence, so it cannot complete or
   extend a broken raw one. */
static PyObject *unescape(const unsigned char *start, const unsigned char *stop) {
    size_t room = (size_t)(stop - start);
    unsigned char stack[512], *out = room <= sizeof stack ? stack : PyMem_Malloc(room);
    if (out == NULL) return PyErr_NoMemory();
    out[0] = 0; /* room >= 2: there is a backslash and what it escapes */
    size_t n = 0;
    const char *why = NULL;
    for (const unsigned char *s = start; s < stop && why == NULL;) {
        if (*s != '\\') {
            out[n++] = *s++;
            continue;
        }
        unsigned char c = s[1]; /* a backslash is never last: the closing quote follows */
        s += 2;
        switch (c) {
        case '"': out[n++] = '"'; break;
        case '\\': out[n++] = '\\'; break;
        case '/': out[n++] = '/'; break;
        case 'b': out[n++] = '\b'; break;
        case 'f': out[n++] = '\f'; break;
        case 'n': out[n++] = '\n'; break;
        case 'r': out[n++] = '\r'; break;
        case 't': out[n++] = '\t'; break;
        case 'u': {
            long unit = stop - s >= 4 ? hex4(s) : -1;
            if (unit < 0) {
                why = "bad \\u escape";
                break;
            }
            s += 4;
            unsigned long cp = (unsigned long)unit;
            if (unit >= 0xD800 && unit <= 0xDBFF) {
                long low = stop - s >= 6 && s[0] == '\\' && s[1] == 'u' ? hex4(s + 2) : -1;
                if (low < 0xDC00 || low > 0xDFFF) {
                    why = "lone surrogate"; /* not Unicode: the Python route refuses it (I-JSON) */
                    break;
                }
                s += 6;
                cp = 0x10000 + (((unsigned long)unit - 0xD800) << 10) + ((unsigned long)low - 0xDC00);
            } else if (unit >= 0xDC00 && unit <= 0xDFFF) {
                why = "lone surrogate";
                break;
            }
            n += put_utf8(out + n, cp);
            break;
        }
        default:
            why = "bad escape";
        }
    }
    PyObject *text = why == NULL ? PyUnicode_DecodeUTF8((const char *)out, (Py_ssize_t)n, "strict") : NULL;
    if (out != stack) PyMem_Free(out);
    return why == NULL ? text : refuse(why);
}

/* Member names recur in every credential ("iss", "cnf", "_sd"...): short ASCII ones are kept in a
   small table, so each is made (and hashed, on its first dict insertion) once per process. */
#define NAME_SLOTS 512
#define NAME_MAX_LEN 24
static PyObject *known_names[NAME_SLOTS];

static PyObject *ascii_text(const unsigned char *s, Py_ssize_t n) {
    PyObject *text = PyUnicode_New(n, 127);
    if (text != NULL) memcpy(PyUnicode_DATA(text), s, (size_t)n);
    return text;
}

static PyObject *member_name(const unsigned char *s, Py_ssize_t n) {
    if (n > NAME_MAX_LEN) return ascii_text(s, n);
    unsigned h = 2166136261u; /* FNV-1a */
    for (Py_ssize_t i = 0; i < n; i++) h = (h ^ s[i]) * 16777619u;
    PyObject **slot = &known_names[h % NAME_SLOTS];
    PyObject *known = *slot;
    if (known != NULL && PyUnicode_GET_LENGTH(known) == n && memcmp(PyUnicode_DATA(known), s, (size_t)n) == 0) {
        Py_INCREF(known);
        return known;
    }
    PyObject *text = ascii_text(s, n);
    if (text == NULL) return NULL;
    Py_XSETREF(*slot, Py_NewRef(text));
    return text;
}

/* ps->p is just after the opening quote; a member name when is_name. */
static PyObject *parse_string(Parser *ps, int is_name) {
    const unsigned char *start = ps->p, *s = start, *end = ps->end;
    int ascii = 1, escaped = 0;
    for (;; s++) {
        if (s >= end) return refuse("unterminated string");
        unsigned char c = *s;
        if (c == '"') break;
        if (c < 0x20) return refuse("control character in a string");
        if (c == '\\') {
            escaped = 1;
            if (++s >= end) return refuse("unterminated string");
        } else if (c >= 0x80) {
            ascii = 0;
        }
    }
    ps->p = s + 1;
    if (escaped) return unescape(start, s);
    Py_ssize_t n = s - start;
    if (!ascii) return PyUnicode_DecodeUTF8((const char *)start, n, "strict");
    return is_name ? member_name(start, n) : ascii_text(start, n);
}

static int is_digit(const unsigned char *s, const unsigned char *end) { return s < end && *s >= '0' && *s <= '9'; }

/* -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)? as json's scanner matches it. */
static PyObject *parse_number(Parser *ps) {
    const unsigned char *start = ps->p, *s = start, *end = ps->end;
    if (s < end && *s == '-') s++;
    if (!is_digit(s, end)) return refuse("not a number"); /* -Infinity, or nothing */
    if (*s++ != '0')
        while (is_digit(s, end)) s++;
    int fractional = 0;
    if (s < end && *s == '.' && is_digit(s + 1, end)) {
        s += 2;
        while (is_digit(s, end)) s++;
        fractional = 1;
    }
    if (s < end && (*s == 'e' || *s == 'E')) {
        const unsigned char *e = s + 1;
        if (e < end && (*e == '+' || *e == '-')) e++;
        if (is_digit(e, end)) {
            s = e;
            while (is_digit(s, end)) s++;
            fractional = 1;
        }
    }
    ps->p = s;
    size_t len = (size_t)(s - start);
    if (!fractional) {
        /* I-JSON's integers: |n| <= 2^53 - 1, which has 16 digits; the Python route refuses the rest */
        const unsigned char *digits = *start == '-' ? start + 1 : start;
        if (s - digits > 16) return refuse("integer beyond I-JSON's range");
        long long value = 0;
        for (const unsigned char *d = digits; d < s; d++) value = value * 10 + (*d - '0');
        if (value > MAX_SAFE_INTEGER) return refuse("integer beyond I-JSON's range");
        return PyLong_FromLongLong(*start == '-' ? -value : value);
    }
    char stack[64], *text = len < sizeof stack ? stack : PyMem_Malloc(len + 1);
    if (text == NULL) return PyErr_NoMemory();
    memcpy(text, start, len);
    text[len] = 0;
    double value = PyOS_string_to_double(text, NULL, NULL); /* float()'s routine: 1e400 is inf */
    if (text != stack) PyMem_Free(text);
    if (value == -1.0 && PyErr_Occurred()) return NULL;
    if (!isfinite(value)) return refuse("number beyond a double's range"); /* I-JSON: the Python route refuses */
    return PyFloat_FromDouble(value);
}

static PyObject *parse_value(Parser *ps);

int nansen_is_digest_name(PyObject *name) {
    return PyUnicode_GET_LENGTH(name) == 3 &&
           (PyUnicode_CompareWithASCIIString(name, "_sd") == 0 || PyUnicode_CompareWithASCIIString(name, "...") == 0);
}

/* After a member or element: 1 for ',' (another follows), 0 for the closing bracket, -1 else. */
static int after_item(Parser *ps, unsigned char close) {
    skip_space(ps);
    if (ps->p < ps->end && (*ps->p == ',' || *ps->p == close)) {
        int another = *ps->p++ == ',';
        if (another) skip_space(ps);
        return another;
    }
    return -1;
}

static PyObject *parse_object(Parser *ps) {
    PyObject *object = PyDict_New();
    if (object == NULL) return NULL;
    skip_space(ps);
    if (ps->p < ps->end && *ps->p == '}') {
        ps->p++;
        return object;
    }
    for (;;) {
        if (ps->p >= ps->end || *ps->p != '"') goto refused;
        ps->p++;
        PyObject *name = parse_string(ps, 1);
        if (name == NULL) goto failed;
        if (ps->depth > 1 && nansen_is_digest_name(name)) ps->nested_digest_names = 1;
        skip_space(ps);
        if (ps->p >= ps->end || *ps->p != ':') {
            Py_DECREF(name);
            goto refused;
        }
        ps->p++;
        skip_space(ps);
        PyObject *member = parse_value(ps);
        Py_ssize_t before = PyDict_GET_SIZE(object);
        int stored = member != NULL ? PyDict_SetItem(object, name, member) : -1;
        Py_DECREF(name);
        Py_XDECREF(member);
        if (stored < 0) goto failed;
        if (PyDict_GET_SIZE(object) == before) goto refused; /* a repeated name */
        int another = after_item(ps, '}');
        if (another == 0) return object;
        if (another < 0) goto refused;
    }
refused:
    refuse("not strict JSON");
failed:
    Py_DECREF(object);
    return NULL;
}

/* Elements wait on the stack and the list is made at its size; past 32, it grows as usual. */
static PyObject *parse_array(Parser *ps) {
    PyObject *waiting[32], *array = NULL;
    Py_ssize_t n = 0;
    skip_space(ps);
    if (ps->p < ps->end && *ps->p == ']') {
        ps->p++;
        return PyList_New(0);
    }
    for (;;) {
        PyObject *element = parse_value(ps);
        if (element == NULL) goto failed;
        if (array == NULL && n < 32) {
            waiting[n++] = element;
        } else {
            if (array == NULL) {
                if ((array = PyList_New(n)) == NULL) {
                    Py_DECREF(element);
                    goto failed;
                }
                for (Py_ssize_t i = 0; i < n; i++) PyList_SET_ITEM(array, i, waiting[i]);
                n = 0;
            }
            int stored = PyList_Append(array, element);
            Py_DECREF(element);
            if (stored < 0) goto failed;
        }
        int another = after_item(ps, ']');
        if (another == 0) break;
        if (another < 0) {
            refuse("not strict JSON");
            goto failed;
        }
    }
    if (array != NULL) return array;
    if ((array = PyList_New(n)) == NULL) goto failed;
    for (Py_ssize_t i = 0; i < n; i++) PyList_SET_ITEM(array, i, waiting[i]);
    return array;
failed:
    for (Py_ssize_t i = 0; i < n; i++) Py_DECREF(waiting[i]);
    Py_XDECREF(array);
    return NULL;
}

static int literal(Parser *ps, const char *word, size_t len) {
    if ((size_t)(ps->end - ps->p) < len || memcmp(ps->p, word, len) != 0) return 0;
    ps->p += len;
    return 1;
}

static PyObject *parse_value(Parser *ps) {
    if (ps->p >= ps->end) return refuse("a value is missing");
    switch (*ps->p) {
    case '"':
        ps->p++;
        return parse_string(ps, 0);
    case '{':
    case '[': {
        if (++ps->depth > ps->max_depth) return refuse("nested too deeply");
        PyObject *container = *ps->p++ == '{' ? parse_object(ps) : parse_array(ps);
        ps->depth--;
        return container;
    }
    case 't':
        if (literal(ps, "true", 4)) Py_RETURN_TRUE;
        break;
    case 'f':
        if (literal(ps, "false", 5)) Py_RETURN_FALSE;
        break;
    case 'n':
        if (literal(ps, "null", 4)) Py_RETURN_NONE;
        break;
    default:
        return parse_number(ps);
    }
    return refuse("not a JSON value");
}

PyObject *nansen_json_parse_noting(const unsigned char *text, Py_ssize_t len, long max_depth, int *nested_digest_names) {
    if (max_depth < 0) return refuse("a negative depth limit: the Python route refuses every value");
    Parser ps = {text, text + len, 0, max_depth > MAX_NESTING ? MAX_NESTING : (int)max_depth, 0};
    skip_space(&ps);
    PyObject *value = parse_value(&ps);
    if (value == NULL) return NULL;
    skip_space(&ps);
    if (ps.p != ps.end) {
        Py_DECREF(value);
        return refuse("extra data after the value");
    }
    if (nested_digest_names != NULL) *nested_digest_names = ps.nested_digest_names;
    return value;
}

PyObject *nansen_json_parse(const unsigned char *text, Py_ssize_t len, long max_depth) {
    return nansen_json_parse_noting(text, len, max_depth, NULL);
}

PyObject *nansen_json_loads(PyObject *Py_UNUSED(module), PyObject *const *args, Py_ssize_t nargs) {
    if (nargs != 2 || !PyLong_Check(args[1])) {
        PyErr_SetString(PyExc_TypeError, "loads(text: str | bytes, max_depth: int)");
        return NULL;
    }
    int overflow;
    long max_depth = PyLong_AsLongAndOverflow(args[1], &overflow);
    if (max_depth == -1 && PyErr_Occurred()) return NULL;
    if (overflow) return refuse("a depth limit beyond a C long: left to the Python route");
    const char *text;
    Py_ssize_t len;
    if (PyBytes_Check(args[0])) {
        text = PyBytes_AS_STRING(args[0]);
        len = PyBytes_GET_SIZE(args[0]);
    } else if (PyUnicode_Check(args[0])) {
        text = PyUnicode_AsUTF8AndSize(args[0], &len); /* fails on a lone surrogate: a ValueError */
        if (text == NULL) return NULL;
    } else {
        PyErr_SetString(PyExc_TypeError, "loads(text: str | bytes, max_depth: int)");
        return NULL;
    }
    return nansen_json_parse((const unsigned char *)text, len, max_depth);
}
