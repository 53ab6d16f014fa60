/* The witness-program interpreter (format: zkp/program.py; Python twin:
 * zkp/_bn254_py_witness.py, same checks, same messages, same results).
 *
 * witness_validate(body) checks every count, offset, wire and coefficient index and the order
 * in which wires are made, before anything runs; witness_run(body, inputs, hints) then computes
 * every wire in Montgomery form and returns (-1, the output wires, 32 big-endian bytes each) or
 * (k, b"") for the first CHECK k that fails. Hints are Python callables (the GIL is held while a
 * program that has hint slots runs, released otherwise). */

#define WP_MAGIC "ZKWP"
#define WP_VERSION 2u
#define WP_HEADER 48u
#define WP_MAX_BITS 254u
#define WP_MAX_HINT_INPUTS 65536u
#define WP_MAX_HINT_OUTPUTS 1024u
#define WP_MAX_LIMB_WIDTH 253u
#define WP_MAX_LIMBS 256u

enum { WP_MULADD = 1, WP_DIV = 2, WP_ISZERO = 3, WP_BITS = 4, WP_HINT = 5, WP_CHECK = 6, WP_DIVMOD = 7, WP_CARRIES = 8, WP_MODDIV = 9 };

typedef struct {
    uint32_t nw, ni, nc, nl, nt, ncode, nout, nh, nchk;
    fe *coeffs;        /* Montgomery form */
    uint32_t *ends;    /* LC i = terms [ends[i-1], ends[i]) */
    uint32_t *terms;   /* (wire, coefficient index) pairs */
    uint32_t *code;
    uint32_t *out;
    int big;           /* DIVMOD, CARRIES or MODDIV present: the run holds the GIL (CPython's integers) */
} wprog;

/* CARRIES: the number of columns of A * B - C * D - E for limb counts k[0..4] */
static uint64_t wp_carry_cols(const uint32_t *k) {
    uint64_t ab = k[0] && k[1] ? (uint64_t)k[0] + k[1] - 1 : 0, cd = k[2] && k[3] ? (uint64_t)k[2] + k[3] - 1 : 0;
    uint64_t n = ab > cd ? ab : cd;
    return n > k[4] ? n : k[4];
}

static inline uint32_t wp_rd32(const uint8_t *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void wp_free(wprog *p) {
    PyMem_Free(p->coeffs); PyMem_Free(p->ends); PyMem_Free(p->terms); PyMem_Free(p->code); PyMem_Free(p->out);
    memset(p, 0, sizeof(*p));
}

static uint32_t *wp_words(const uint8_t *src, uint64_t n) {
    uint32_t *w = PyMem_Malloc(n ? n * 4 : 4);
    if (!w) { PyErr_NoMemory(); return NULL; }
    for (uint64_t i = 0; i < n; i++) w[i] = wp_rd32(src + 4 * i);
    return w;
}

#define WP_BAD(...) (malformed("witness program: " __VA_ARGS__), -1)

/* header, sizes and sections into p; 0 on success */
static int wp_parse(wprog *p, const uint8_t *b, Py_ssize_t len) {
    memset(p, 0, sizeof(*p));
    if (len < (Py_ssize_t)WP_HEADER) return WP_BAD("expected at least %u bytes, found %zd", WP_HEADER, len);
    if (memcmp(b, WP_MAGIC, 4))
        return WP_BAD("expected the magic ZKWP, found other bytes");
    uint32_t version = wp_rd32(b + 4);
    if (version != WP_VERSION) return WP_BAD("expected version %u, found %u", WP_VERSION, version);
    uint32_t c[10];
    for (int i = 0; i < 10; i++) c[i] = wp_rd32(b + 8 + 4 * i);
    p->nw = c[0]; p->ni = c[1]; p->nc = c[2]; p->nl = c[3]; p->nt = c[4];
    p->ncode = c[5]; p->nout = c[6]; p->nh = c[7]; p->nchk = c[8];
    uint64_t size = WP_HEADER + 32ull * p->nc + 4ull * p->nl + 8ull * p->nt + 4ull * p->ncode + 4ull * p->nout;
    if ((uint64_t)len != size) return WP_BAD("expected %llu bytes for its counts, found %zd", (unsigned long long)size, len);
    if (c[9]) return WP_BAD("expected the reserved word 0, found %u", c[9]);
    if ((uint64_t)p->nw < (uint64_t)p->ni + 1 || p->nc < 1 || p->nl < 1)
        return WP_BAD("expected wires > inputs, a coefficient and an LC, found %u wires, %u inputs, %u coefficients, %u LCs",
                      p->nw, p->ni, p->nc, p->nl);
    const uint8_t *s = b + WP_HEADER;
    p->coeffs = PyMem_Malloc(32ull * p->nc);
    if (!p->coeffs) { PyErr_NoMemory(); return -1; }
    for (uint32_t i = 0; i < p->nc; i++) {
        if (!mont_from_be(&p->coeffs[i], s + 32ull * i, &FR)) return WP_BAD("coefficient %u: expected a value < r, found one >= r", i);
    }
    if (!fe_eq(&p->coeffs[0], &FR.one)) return WP_BAD("coefficient 0: expected 1");
    s += 32ull * p->nc;
    if (!(p->ends = wp_words(s, p->nl))) return -1;
    s += 4ull * p->nl;
    if (!(p->terms = wp_words(s, 2ull * p->nt))) return -1;
    s += 8ull * p->nt;
    if (!(p->code = wp_words(s, p->ncode))) return -1;
    s += 4ull * p->ncode;
    if (!(p->out = wp_words(s, p->nout))) return -1;
    return 0;
}

/* the highest wire each LC reads, every term checked; NULL (error set) when malformed */
static uint32_t *wp_tops(const wprog *p) {
    uint32_t *tops = PyMem_Malloc(4ull * p->nl), start = 0;
    if (!tops) { PyErr_NoMemory(); return NULL; }
    for (uint32_t i = 0; i < p->nl; i++) {
        uint32_t end = p->ends[i], top = 0;
        if (end < start || end > p->nt) {
            PyMem_Free(tops);
            malformed("witness program: LC %u: expected its end in [%u, %u], found %u", i, start, p->nt, end);
            return NULL;
        }
        for (uint32_t k = start; k < end; k++) {
            uint32_t w = p->terms[2ull * k], cf = p->terms[2ull * k + 1];
            if (w >= p->nw || cf >= p->nc) {
                PyMem_Free(tops);
                malformed("witness program: LC %u: expected wire < %u and coefficient < %u, found %u and %u", i, p->nw, p->nc, w, cf);
                return NULL;
            }
            if (w > top) top = w;
        }
        tops[i] = top;
        start = end;
    }
    if (start != p->nt) {
        PyMem_Free(tops);
        malformed("witness program: expected the LCs to end at term %u, found %u", p->nt, start);
        return NULL;
    }
    return tops;
}

/* one pass over the code: opcodes, lengths, LC indices, wires made in order; 0 on success */
static int wp_check_code(wprog *p, const uint32_t *tops) {
    uint64_t pc = 0, n = p->ncode, nxt = (uint64_t)p->ni + 1, reads = 0;
    uint32_t checks = 0;
#define NEED(k) do { if (pc + (k) > n) return WP_BAD("instruction at word %llu: expected %llu words, found %llu", \
        (unsigned long long)pc, (unsigned long long)(k), (unsigned long long)(n - pc)); } while (0)
#define LC(i) do { uint32_t li_ = (i); if (li_ >= p->nl || tops[li_] >= nxt) return WP_BAD( \
        "instruction at word %llu: LC %u is out of range or reads a wire not yet made", (unsigned long long)pc, li_); \
        reads += p->ends[li_] - (li_ ? p->ends[li_ - 1] : 0); } while (0)
#define FIRST(w, count) do { uint64_t c_ = (count); if ((w) != nxt || c_ > p->nw - nxt) return WP_BAD( \
        "instruction at word %llu: expected to make wires from %llu (%u in all), found %llu from %u", (unsigned long long)pc, \
        (unsigned long long)nxt, p->nw, (unsigned long long)c_, (w)); } while (0)
    while (pc < n) {
        uint32_t op = p->code[pc];
        if (op == WP_MULADD || op == WP_DIV || op == WP_ISZERO) {
            uint64_t k = op == WP_MULADD ? 4 : op == WP_DIV ? 3 : 2;
            NEED(1 + k);
            FIRST(p->code[pc + 1], 1);
            for (uint64_t j = 2; j < 1 + k; j++) LC(p->code[pc + j]);
            nxt += 1; pc += 1 + k;
        } else if (op == WP_BITS) {
            NEED(5);
            uint32_t w = p->code[pc + 1], a = p->code[pc + 2], nb = p->code[pc + 3], lin = p->code[pc + 4];
            if (nb < 1 || nb > WP_MAX_BITS || lin >= nb)
                return WP_BAD("instruction at word %llu: expected 1 <= bits <= %u and linear < bits, found %u and %u",
                              (unsigned long long)pc, WP_MAX_BITS, nb, lin);
            FIRST(w, nb - 1);
            LC(a);
            nxt += nb - 1; pc += 5;
        } else if (op == WP_HINT) {
            NEED(5);
            uint32_t w = p->code[pc + 1], slot = p->code[pc + 2], nin = p->code[pc + 3], nout = p->code[pc + 4];
            if (slot >= p->nh || nin > WP_MAX_HINT_INPUTS || nout < 1 || nout > WP_MAX_HINT_OUTPUTS)
                return WP_BAD("instruction at word %llu: hint slot %u of %u, %u inputs, %u outputs",
                              (unsigned long long)pc, slot, p->nh, nin, nout);
            NEED(5 + (uint64_t)nin);
            FIRST(w, nout);
            for (uint64_t j = 0; j < nin; j++) LC(p->code[pc + 5 + j]);
            nxt += nout; pc += 5 + (uint64_t)nin;
        } else if (op == WP_DIVMOD || op == WP_CARRIES) {
            NEED(8);
            uint32_t w = p->code[pc + 1], width = p->code[pc + 2];
            const uint32_t *ks = p->code + pc + 3;
            uint32_t mx = 0;
            for (int j = 0; j < 5; j++) if (ks[j] > mx) mx = ks[j];
            uint64_t cols = wp_carry_cols(ks);
            uint64_t outs = op == WP_DIVMOD ? (uint64_t)ks[3] + ks[4] : (cols ? cols - 1 : 0);
            if (width < 1 || width > WP_MAX_LIMB_WIDTH || mx > WP_MAX_LIMBS ||
                outs < 1)
                return WP_BAD("instruction at word %llu: expected 1 <= width <= %u, at most %u limbs each and an output, "
                              "found width %u, limbs %u %u %u %u %u", (unsigned long long)pc, WP_MAX_LIMB_WIDTH,
                              WP_MAX_LIMBS, width, ks[0], ks[1], ks[2], ks[3], ks[4]);
            uint64_t nin = (uint64_t)ks[0] + ks[1] + ks[2] + (op == WP_DIVMOD ? 0 : (uint64_t)ks[3] + ks[4]);
            NEED(8 + nin);
            FIRST(w, outs);
            for (uint64_t j = 0; j < nin; j++) LC(p->code[pc + 8 + j]);
            nxt += outs; pc += 8 + nin;
            p->big = 1;
        } else if (op == WP_MODDIV) {
            NEED(12);
            uint32_t w = p->code[pc + 1], width = p->code[pc + 2];
            const uint32_t *ks = p->code + pc + 3;
            uint32_t mx = 0;
            uint64_t nin = 0;
            for (int j = 0; j < 9; j++) if (ks[j] > mx) mx = ks[j];
            for (int j = 0; j < 7; j++) nin += ks[j];
            uint64_t outs = (uint64_t)ks[7] + ks[8];
            if (width < 1 || width > WP_MAX_LIMB_WIDTH || mx > WP_MAX_LIMBS || outs < 1)
                return WP_BAD("instruction at word %llu: expected 1 <= width <= %u, at most %u limbs each and an output, "
                              "found width %u, limbs %u %u %u %u %u %u %u %u %u", (unsigned long long)pc,
                              WP_MAX_LIMB_WIDTH, WP_MAX_LIMBS, width, ks[0], ks[1], ks[2], ks[3], ks[4], ks[5],
                              ks[6], ks[7], ks[8]);
            NEED(12 + nin);
            FIRST(w, outs);
            for (uint64_t j = 0; j < nin; j++) LC(p->code[pc + 12 + j]);
            nxt += outs; pc += 12 + nin;
            p->big = 1;
        } else if (op == WP_CHECK) {
            NEED(4);
            for (uint64_t j = 1; j < 4; j++) LC(p->code[pc + j]);
            checks++; pc += 4;
        } else {
            return WP_BAD("instruction at word %llu: unknown opcode %u", (unsigned long long)pc, op);
        }
    }
#undef NEED
#undef LC
#undef FIRST
    if (nxt != p->nw) return WP_BAD("expected the code to make wires up to %u, found %llu", p->nw, (unsigned long long)nxt);
    if (checks != p->nchk) return WP_BAD("expected %u checks, found %u", p->nchk, checks);
    for (uint32_t i = 0; i < p->nout; i++)
        if (p->out[i] >= p->nw) return WP_BAD("output %u: expected a wire < %u, found %u", i, p->nw, p->out[i]);
    /* a run reads each LC as often as the code names it: bounded by the size of the program, so
     * a small body cannot name one long LC from every instruction and run for hours (the compiler
     * names each LC of two or more terms once: at most terms + code words reads) */
    if (reads > (uint64_t)p->nt + p->ncode)
        return WP_BAD("expected the code to read at most %llu terms in all, found %llu (an LC named again and again)",
                      (unsigned long long)p->nt + p->ncode, (unsigned long long)reads);
    return 0;
}

static int wp_load(wprog *p, const Py_buffer *b) {
    if (wp_parse(p, b->buf, b->len)) { wp_free(p); return -1; }
    uint32_t *tops = wp_tops(p);
    int bad = !tops || wp_check_code(p, tops);
    PyMem_Free(tops);
    if (bad) { wp_free(p); return -1; }
    return 0;
}

static inline void wp_lc(fe *r, const wprog *p, uint32_t id, const fe *vals) {
    uint32_t s = id ? p->ends[id - 1] : 0, e = p->ends[id];
    fe acc = FE_ZERO, t;
    for (uint32_t k = s; k < e; k++) {
        uint32_t w = p->terms[2ull * k], cf = p->terms[2ull * k + 1];
        const fe *v = &vals[w];
        if (fe_is_zero(v)) continue;  /* bits are 0 or 1 most of the time: no product then */
        if (cf == 0) fr_add(&acc, &acc, v);
        else if (fe_eq(v, &FR.one)) fr_add(&acc, &acc, &p->coeffs[cf]);
        else { fr_mul(&t, v, &p->coeffs[cf]); fr_add(&acc, &acc, &t); }
    }
    *r = acc;
}

/* a Python hint: the GIL is held; returns 0, or -1 with the error set */
static int wp_call_hint(const wprog *p, PyObject *fn, const uint32_t *ins, uint32_t nin, uint32_t slot,
                        fe *dst, uint32_t nout, const fe *vals, PyObject *rmod) {
    PyObject *args = PyTuple_New(nin);
    if (!args) return -1;
    for (uint32_t j = 0; j < nin; j++) {
        fe v; uint8_t buf[32];
        wp_lc(&v, p, ins[j], vals);
        mont_to_be(buf, &v, &FR);
        PyObject *x = _PyLong_FromByteArray(buf, 32, 0, 0);
        if (!x) { Py_DECREF(args); return -1; }
        PyTuple_SET_ITEM(args, j, x);
    }
    PyObject *res = PyObject_Call(fn, args, NULL);
    Py_DECREF(args);
    if (!res) return -1;
    /* a list or tuple (subclasses too) is read once, by iteration, into a list of our own; the
     * hint's own errors (an __iter__ that raises) reach the caller unchanged */
    int listy = PyList_Check(res) || PyTuple_Check(res);
    PyObject *seq = listy ? PySequence_Fast(res, "") : NULL;
    if (listy && !seq) { Py_DECREF(res); return -1; }
    if (listy ? PySequence_Fast_GET_SIZE(seq) != (Py_ssize_t)nout : nout != 1) {
        Py_XDECREF(seq); Py_DECREF(res);
        malformed("witness program: hint %u: expected %u int(s)", slot, nout);
        return -1;
    }
    int rc = 0;
    for (uint32_t j = 0; j < nout && !rc; j++) {
        PyObject *item = listy ? PySequence_Fast_GET_ITEM(seq, j) : res;
        if (!PyLong_Check(item) || PyBool_Check(item)) {
            malformed("witness program: hint %u: expected ints, found %s", slot, Py_TYPE(item)->tp_name);
            rc = -1; break;
        }
        /* the int's own value: PyNumber_Index copies a subclass to an exact int without calling
         * any of its methods, so % below is int's, an exact int in [0, r) (a subclass's __mod__
         * may return anything: a str read as digits, a value >= r left unreduced in a wire) */
        PyObject *v = PyNumber_Index(item), *m = v ? PyNumber_Remainder(v, rmod) : NULL;
        Py_XDECREF(v);
        uint8_t buf[32];
#if PY_VERSION_HEX >= 0x030D0000
        if (!m || _PyLong_AsByteArray((PyLongObject *)m, buf, 32, 0, 0, 1) < 0) rc = -1;
#else
        if (!m || _PyLong_AsByteArray((PyLongObject *)m, buf, 32, 0, 0) < 0) rc = -1;
#endif
        Py_XDECREF(m);
        if (!rc && !mont_from_be(&dst[j], buf, &FR)) {
            PyErr_SetString(PyExc_SystemError, "witness program: a hint value reduced mod r is not below r");
            rc = -1;
        }
    }
    Py_XDECREF(seq); Py_DECREF(res);
    return rc;
}

/* ---- DIVMOD, CARRIES and MODDIV: Python's integers through CPython's C API (the GIL is held) ---- */

static PyObject *wp_int(const wprog *p, uint32_t lc, const fe *vals) {
    fe v; uint8_t buf[32];
    wp_lc(&v, p, lc, vals);
    mont_to_be(buf, &v, &FR);
    return _PyLong_FromByteArray(buf, 32, 0, 0);
}

/* x mod r into *dst; 0, or -1 with the error set */
static int wp_put(fe *dst, PyObject *x, PyObject *rmod) {
    PyObject *m = PyNumber_Remainder(x, rmod);
    uint8_t buf[32];
    int rc = 0;
#if PY_VERSION_HEX >= 0x030D0000
    if (!m || _PyLong_AsByteArray((PyLongObject *)m, buf, 32, 0, 0, 1) < 0) rc = -1;
#else
    if (!m || _PyLong_AsByteArray((PyLongObject *)m, buf, 32, 0, 0) < 0) rc = -1;
#endif
    Py_XDECREF(m);
    if (!rc && !mont_from_be(dst, buf, &FR)) {
        PyErr_SetString(PyExc_SystemError, "witness program: a value reduced mod r is not below r");
        rc = -1;
    }
    return rc;
}

/* acc = acc + (x << shift) (x's reference stolen); NULL with the error set */
static PyObject *wp_add_shifted(PyObject *acc, PyObject *x, uint64_t shift) {
    if (!x) { Py_DECREF(acc); return NULL; }
    PyObject *sh = PyLong_FromUnsignedLongLong(shift), *t = sh ? PyNumber_Lshift(x, sh) : NULL;
    Py_XDECREF(sh); Py_DECREF(x);
    PyObject *r = t ? PyNumber_Add(acc, t) : NULL;
    Py_XDECREF(t); Py_DECREF(acc);
    return r;
}

/* the integer of k limbs (LCs) in base 2^width */
static PyObject *wp_limbs_value(const wprog *p, const uint32_t *lcs, uint32_t k, uint32_t width, const fe *vals) {
    PyObject *acc = PyLong_FromLong(0);
    for (uint32_t i = 0; i < k && acc; i++) acc = wp_add_shifted(acc, wp_int(p, lcs[i], vals), (uint64_t)width * i);
    return acc;
}

/* k limbs of x >= 0 into dst: width bits each, the last one the rest mod r */
static int wp_split(fe *dst, PyObject *x, uint32_t k, uint32_t width, PyObject *rmod) {
    PyObject *one = PyLong_FromLong(1), *w = PyLong_FromUnsignedLong(width);
    PyObject *mask = NULL, *t = NULL;
    int rc = -1;
    if (!one || !w || !(t = PyNumber_Lshift(one, w)) || !(mask = PyNumber_Subtract(t, one))) goto done;
    Py_INCREF(x);
    PyObject *cur = x;
    rc = 0;
    for (uint32_t i = 0; i < k && !rc; i++) {  /* k >= 1 here: wp_divmod skips an empty side */
        PyObject *limb = i < k - 1 ? PyNumber_And(cur, mask) : (Py_INCREF(cur), cur);
        if (!limb || wp_put(&dst[i], limb, rmod)) rc = -1;
        Py_XDECREF(limb);
        if (!rc && i < k - 1) {
            PyObject *next = PyNumber_Rshift(cur, w);
            Py_DECREF(cur);
            cur = next;
            if (!cur) rc = -1;
        }
    }
    Py_XDECREF(cur);
done:
    Py_XDECREF(one); Py_XDECREF(w); Py_XDECREF(t); Py_XDECREF(mask);
    return rc;
}

static int wp_divmod(const wprog *p, const uint32_t *ins, fe *vals, PyObject *rmod) {
    uint32_t width = ins[2], ka = ins[3], kb = ins[4], km = ins[5], kq = ins[6], kr = ins[7];
    const uint32_t *lcs = ins + 8;
    PyObject *a = wp_limbs_value(p, lcs, ka, width, vals), *b = a ? wp_limbs_value(p, lcs + ka, kb, width, vals) : NULL;
    PyObject *m = b ? wp_limbs_value(p, lcs + ka + kb, km, width, vals) : NULL;
    PyObject *x = m ? PyNumber_Multiply(a, b) : NULL, *qr = NULL, *q = NULL, *r = NULL;
    int rc = -1;
    if (!x) goto done;
    int zero = PyObject_Not(m);
    if (zero < 0) goto done;
    if (zero) {
        q = PyLong_FromLong(0); r = PyLong_FromLong(0);
    } else {
        if (!(qr = PyNumber_Divmod(x, m))) goto done;
        q = PyTuple_GetItem(qr, 0); r = PyTuple_GetItem(qr, 1);
        Py_XINCREF(q); Py_XINCREF(r);
    }
    if (!q || !r) goto done;
    rc = (kq && wp_split(vals + ins[1], q, kq, width, rmod)) || (kr && wp_split(vals + ins[1] + kq, r, kr, width, rmod)) ? -1 : 0;
done:
    Py_XDECREF(a); Py_XDECREF(b); Py_XDECREF(m); Py_XDECREF(x); Py_XDECREF(qr); Py_XDECREF(q); Py_XDECREF(r);
    return rc;
}

/* a limb read signed: above (r - 1) / 2 it is value - r */
static PyObject *wp_signed(const wprog *p, uint32_t lc, const fe *vals, PyObject *rmod, PyObject *half) {
    PyObject *v = wp_int(p, lc, vals);
    if (!v) return NULL;
    int above = PyObject_RichCompareBool(v, half, Py_GT);
    if (above <= 0) { if (above < 0) { Py_DECREF(v); return NULL; } return v; }
    PyObject *s = PyNumber_Subtract(v, rmod);
    Py_DECREF(v);
    return s;
}

/* cols[i] += sign * (x * y) over the limbs of two operands (already signed ints) */
static int wp_poly_acc(PyObject **cols, PyObject **x, uint32_t kx, PyObject **y, uint32_t ky, int negate) {
    for (uint32_t i = 0; i < kx; i++)
        for (uint32_t j = 0; j < ky; j++) {
            PyObject *t = PyNumber_Multiply(x[i], y[j]);
            if (!t) return -1;
            PyObject *s = negate ? PyNumber_Subtract(cols[i + j], t) : PyNumber_Add(cols[i + j], t);
            Py_DECREF(t);
            if (!s) return -1;
            Py_SETREF(cols[i + j], s);
        }
    return 0;
}

static int wp_carries(const wprog *p, const uint32_t *ins, fe *vals, PyObject *rmod, PyObject *half) {
    uint32_t width = ins[2];
    const uint32_t *ks = ins + 3, *lcs = ins + 8;
    uint64_t n = wp_carry_cols(ks), nin = (uint64_t)ks[0] + ks[1] + ks[2] + ks[3] + ks[4];
    PyObject **limbs = PyMem_Calloc(nin + n + 1, sizeof(PyObject *)), **cols = limbs ? limbs + nin : NULL;
    PyObject *carry = NULL, *w = NULL;
    int rc = -1;
    if (!limbs) { PyErr_NoMemory(); return -1; }
    for (uint64_t i = 0; i < nin; i++) if (!(limbs[i] = wp_signed(p, lcs[i], vals, rmod, half))) goto done;
    for (uint64_t i = 0; i < n; i++) if (!(cols[i] = PyLong_FromLong(0))) goto done;
    PyObject **a = limbs, **b = a + ks[0], **c = b + ks[1], **d = c + ks[2], **e = d + ks[3];
    if (wp_poly_acc(cols, a, ks[0], b, ks[1], 0) || wp_poly_acc(cols, c, ks[2], d, ks[3], 1)) goto done;
    for (uint32_t i = 0; i < ks[4]; i++) {
        PyObject *s = PyNumber_Subtract(cols[i], e[i]);
        if (!s) goto done;
        Py_SETREF(cols[i], s);
    }
    if (!(carry = PyLong_FromLong(0)) || !(w = PyLong_FromUnsignedLong(width))) goto done;
    for (uint64_t i = 0; i + 1 < n; i++) {
        PyObject *s = PyNumber_Add(cols[i], carry);
        if (!s) goto done;
        Py_SETREF(carry, PyNumber_Rshift(s, w));
        Py_DECREF(s);
        if (!carry || wp_put(&vals[ins[1] + i], carry, rmod)) goto done;
    }
    rc = 0;
done:
    for (uint64_t i = 0; i < nin + n; i++) Py_XDECREF(limbs[i]);
    PyMem_Free(limbs);
    Py_XDECREF(carry); Py_XDECREF(w);
    return rc;
}

/* the signed integer of k limbs (LCs) in base 2^width */
static PyObject *wp_signed_value(const wprog *p, const uint32_t *lcs, uint32_t k, uint32_t width, const fe *vals,
                                 PyObject *rmod, PyObject *half) {
    PyObject *acc = PyLong_FromLong(0);
    for (uint32_t i = 0; i < k && acc; i++)
        acc = wp_add_shifted(acc, wp_signed(p, lcs[i], vals, rmod, half), (uint64_t)width * i);
    return acc;
}

/* MODDIV: N = A*B - C*D - E, X = N * F^-1 mod M (0 if none), Q = (N - X*F) // M */
static int wp_moddiv(const wprog *p, const uint32_t *ins, fe *vals, PyObject *rmod, PyObject *half) {
    uint32_t width = ins[2];
    const uint32_t *ks = ins + 3, *lcs = ins + 12;
    PyObject *v[7] = {NULL, NULL, NULL, NULL, NULL, NULL, NULL};
    PyObject *ab = NULL, *cd = NULL, *t = NULL, *n = NULL, *inv = NULL, *x = NULL, *xf = NULL, *q = NULL, *one = NULL;
    int rc = -1;
    for (int j = 0; j < 7; j++) {
        v[j] = j < 6 ? wp_signed_value(p, lcs, ks[j], width, vals, rmod, half) : wp_limbs_value(p, lcs, ks[j], width, vals);
        if (!v[j]) goto done;
        lcs += ks[j];
    }
    if (!(ab = PyNumber_Multiply(v[0], v[1])) || !(cd = PyNumber_Multiply(v[2], v[3])) ||
        !(t = PyNumber_Subtract(ab, cd)) || !(n = PyNumber_Subtract(t, v[4])) || !(one = PyLong_FromLong(1)))
        goto done;
    int big = PyObject_RichCompareBool(v[6], one, Py_GT);
    if (big < 0) goto done;
    if (big) {
        PyObject *minus = PyLong_FromLong(-1);
        if (!minus) goto done;
        inv = PyNumber_Power(v[5], minus, v[6]);
        Py_DECREF(minus);
        if (!inv) {
            if (!PyErr_ExceptionMatches(PyExc_ValueError)) goto done;
            PyErr_Clear();
        }
    }
    if (inv) {
        PyObject *nx = PyNumber_Multiply(n, inv);
        if (!nx) goto done;
        x = PyNumber_Remainder(nx, v[6]);
        Py_DECREF(nx);
        if (!x || !(xf = PyNumber_Multiply(x, v[5]))) goto done;
        Py_SETREF(t, PyNumber_Subtract(n, xf));
        if (!t || !(q = PyNumber_FloorDivide(t, v[6]))) goto done;
    } else {
        if (!(x = PyLong_FromLong(0)) || !(q = PyLong_FromLong(0))) goto done;
    }
    rc = (ks[7] && wp_split(vals + ins[1], q, ks[7], width, rmod)) ||
         (ks[8] && wp_split(vals + ins[1] + ks[7], x, ks[8], width, rmod)) ? -1 : 0;
done:
    for (int j = 0; j < 7; j++) Py_XDECREF(v[j]);
    Py_XDECREF(ab); Py_XDECREF(cd); Py_XDECREF(t); Py_XDECREF(n); Py_XDECREF(inv); Py_XDECREF(x); Py_XDECREF(xf);
    Py_XDECREF(q); Py_XDECREF(one);
    return rc;
}

/* run the validated program; returns the failing check, -1 when all pass, -2 on a hint error */
static int64_t wp_exec(const wprog *p, fe *vals, PyObject *hints, PyObject *rmod, PyObject *half) {
    uint64_t pc = 0;
    uint32_t checks = 0;
    fe a, b, c, t;
    while (pc < p->ncode) {
        const uint32_t *ins = p->code + pc;
        switch (ins[0]) {
        case WP_MULADD:
            wp_lc(&a, p, ins[2], vals); wp_lc(&b, p, ins[3], vals); wp_lc(&c, p, ins[4], vals);
            fr_mul(&t, &a, &b); fr_add(&vals[ins[1]], &t, &c);
            pc += 5; break;
        case WP_DIV:
            wp_lc(&b, p, ins[3], vals);
            if (fe_is_zero(&b)) vals[ins[1]] = FE_ZERO;
            else { wp_lc(&a, p, ins[2], vals); fr_inv(&t, &b); fr_mul(&vals[ins[1]], &a, &t); }
            pc += 4; break;
        case WP_ISZERO:
            wp_lc(&a, p, ins[2], vals);
            vals[ins[1]] = fe_is_zero(&a) ? FR.one : FE_ZERO;
            pc += 3; break;
        case WP_BITS: {
            wp_lc(&a, p, ins[2], vals);
            mont_mul(&t, &a, &FE_PLAIN_ONE, &FR);
            uint32_t w = ins[1];
            for (uint32_t i = 0; i < ins[3]; i++) {
                if (i == ins[4]) continue;
                vals[w++] = (t.v[i / 64] >> (i % 64)) & 1 ? FR.one : FE_ZERO;
            }
            pc += 5; break;
        }
        case WP_HINT:
            if (wp_call_hint(p, PyList_GET_ITEM(hints, ins[2]), ins + 5, ins[3], ins[2], vals + ins[1], ins[4], vals, rmod))
                return -2;
            pc += 5 + (uint64_t)ins[3]; break;
        case WP_DIVMOD:
            if (wp_divmod(p, ins, vals, rmod)) return -2;
            pc += 8 + (uint64_t)ins[3] + ins[4] + ins[5]; break;
        case WP_CARRIES:
            if (wp_carries(p, ins, vals, rmod, half)) return -2;
            pc += 8 + (uint64_t)ins[3] + ins[4] + ins[5] + ins[6] + ins[7]; break;
        case WP_MODDIV:
            if (wp_moddiv(p, ins, vals, rmod, half)) return -2;
            pc += 12 + (uint64_t)ins[3] + ins[4] + ins[5] + ins[6] + ins[7] + ins[8] + ins[9]; break;
        default: /* WP_CHECK, the only opcode left after validation */
            wp_lc(&a, p, ins[1], vals); wp_lc(&b, p, ins[2], vals); wp_lc(&c, p, ins[3], vals);
            fr_mul(&t, &a, &b);
            if (!fe_eq(&t, &c)) return checks;
            checks++; pc += 4; break;
        }
    }
    return -1;
}

static PyObject *py_witness_validate(PyObject *Py_UNUSED(self), PyObject *args) {
    Py_buffer b;
    if (!PyArg_ParseTuple(args, "y*", &b)) return NULL;
    wprog p;
    int bad = wp_load(&p, &b);
    PyBuffer_Release(&b);
    if (bad) return NULL;
    wp_free(&p);
    Py_RETURN_NONE;
}

static PyObject *py_witness_run(PyObject *Py_UNUSED(self), PyObject *args) {
    Py_buffer b, in;
    PyObject *hints_arg;
    if (!PyArg_ParseTuple(args, "y*y*O", &b, &in, &hints_arg)) return NULL;
    wprog p;
    PyObject *hints = NULL, *rmod = NULL, *half = NULL, *result = NULL;
    fe *vals = NULL;
    if (wp_load(&p, &b)) goto done;
    if (!(hints = PySequence_List(hints_arg))) goto done;
    if (PyList_GET_SIZE(hints) != (Py_ssize_t)p.nh) {
        malformed("witness program: expected %u hint functions, found %zd", p.nh, PyList_GET_SIZE(hints));
        goto done;
    }
    if (in.len != 32 * (Py_ssize_t)p.ni) {
        malformed("witness program: inputs: expected %u values (%llu bytes), found %zd bytes", p.ni,
                  32ull * p.ni, in.len);
        goto done;
    }
    if (!(vals = PyMem_Malloc(32ull * p.nw))) { PyErr_NoMemory(); goto done; }
    vals[0] = FR.one;
    for (uint32_t i = 0; i < p.ni; i++)
        if (!mont_from_be(&vals[1 + i], (const uint8_t *)in.buf + 32ull * i, &FR)) {
            malformed("witness program: input %u: expected a value < r, found one >= r", i);
            goto done;
        }
    uint8_t rbuf[32];
    fe_to_be(rbuf, &FR.mod);
    if (!(rmod = _PyLong_FromByteArray(rbuf, 32, 0, 0))) goto done;
    PyObject *one = PyLong_FromLong(1);
    half = one ? PyNumber_Rshift(rmod, one) : NULL;
    Py_XDECREF(one);
    if (!half) goto done;
    int64_t k;
    if (p.nh || p.big) {
        k = wp_exec(&p, vals, hints, rmod, half);
    } else {
        Py_BEGIN_ALLOW_THREADS
        k = wp_exec(&p, vals, hints, rmod, half);
        Py_END_ALLOW_THREADS
    }
    if (k == -2) goto done;
    if (k >= 0) { result = Py_BuildValue("(Ly#)", (long long)k, "", (Py_ssize_t)0); goto done; }
    PyObject *out = PyBytes_FromStringAndSize(NULL, 32 * (Py_ssize_t)p.nout);
    if (!out) goto done;
    uint8_t *o = (uint8_t *)PyBytes_AS_STRING(out);
    for (uint32_t i = 0; i < p.nout; i++) mont_to_be(o + 32ull * i, &vals[p.out[i]], &FR);
    result = Py_BuildValue("(iN)", -1, out);
done:
    PyBuffer_Release(&b); PyBuffer_Release(&in);
    Py_XDECREF(hints); Py_XDECREF(rmod); Py_XDECREF(half);
    PyMem_Free(vals);
    wp_free(&p);
    return result;
}
