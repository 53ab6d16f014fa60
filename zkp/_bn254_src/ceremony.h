/* Bindings of the ceremony kernels: snarkjs's point encoding (LEM), apply-key and the
 * group inverse FFT, and the odd-coset evaluations of A*B - C (snarkjs's H basis).
 * Included by module.c after ntt.h. */
#pragma once

/* LEM: ffjavascript's affine encoding in .zkey/.ptau files: each coordinate 32 bytes,
 * little-endian, in Montgomery form (R = 2^256); G2 as x.c0 x.c1 y.c0 y.c1; infinity is
 * all zero bytes. Our Montgomery limbs are the same numbers, so the conversion is a range
 * check and a reordering. */
static int lem_word(fe *r, const uint8_t *p) {
    for (int i = 0; i < 4; i++) {
        uint64_t w = 0;
        for (int j = 7; j >= 0; j--) w = (w << 8) | p[8 * i + j];
        r->v[i] = w;
    }
    return fe_lt(r, &FP.mod);
}

static void lem_put(uint8_t *p, const fe *a) {
    for (int i = 0; i < 4; i++) {
        uint64_t w = a->v[i];
        for (int j = 0; j < 8; j++) { p[8 * i + j] = (uint8_t)w; w >>= 8; }
    }
}

/* one LEM point to our encoding: 0, or 1 for a coordinate >= p, 2 for a point off its curve */
static int lem_point(uint8_t *o, const uint8_t *p, int g2) {
    int width = g2 ? 128 : 64;
    if (all_zero(p, (size_t)width)) { memset(o, 0, (size_t)width); return 0; }
    if (!g2) {
        g1_aff a = {.inf = 0};
        if (!lem_word(&a.x, p) || !lem_word(&a.y, p + 32)) return 1;
        if (!g1_on_curve(&a)) return 2;
        encode_g1(o, &a);
    } else {
        g2_aff a = {.inf = 0};
        if (!lem_word(&a.x.c0, p) || !lem_word(&a.x.c1, p + 32) || !lem_word(&a.y.c0, p + 64) ||
            !lem_word(&a.y.c1, p + 96)) return 1;
        if (!g2_on_curve(&a)) return 2;
        encode_g2(o, &a);
    }
    return 0;
}

typedef struct { const uint8_t *in; uint8_t *out; Py_ssize_t lo, hi, bad; int why, g2; } lem_job;

static void *lem_worker(void *arg) {
    lem_job *j = arg;
    size_t w = j->g2 ? 128 : 64;
    j->bad = -1; j->why = 0;
    for (Py_ssize_t i = j->lo; i < j->hi; i++) {
        int r = lem_point(j->out + w * (size_t)i, j->in + w * (size_t)i, j->g2);
        if (r) { j->bad = i; j->why = r; break; }
    }
    return NULL;
}

/* snarkjs's points (LEM) to ours, checking coordinates < p and the curve, over threads */
static PyObject *from_lem(PyObject *args, int g2) {
    Py_buffer b; Py_ssize_t n;
    const char *name = g2 ? "G2" : "G1";
    Py_ssize_t width = g2 ? 128 : 64;
    if (!PyArg_ParseTuple(args, "y*", &b)) return NULL;
    if (!count(&b, width, g2 ? "G2 point (LEM)" : "G1 point (LEM)", &n)) { PyBuffer_Release(&b); return NULL; }
    PyObject *out = PyBytes_FromStringAndSize(NULL, width * n);
    if (!out) { PyBuffer_Release(&b); return NULL; }
    int nt = nthreads();
    if (nt > n / 4096) nt = (int)(n / 4096);
    if (nt < 1) nt = 1;
    lem_job jobs[MAX_THREADS];
    pthread_t tids[MAX_THREADS];
    int started[MAX_THREADS] = {0};
    Py_BEGIN_ALLOW_THREADS
    for (int t = 0; t < nt; t++) {
        jobs[t] = (lem_job){b.buf, (uint8_t *)PyBytes_AS_STRING(out), n * t / nt, n * (t + 1) / nt, -1, 0, g2};
        if (t > 0) started[t] = pthread_create(&tids[t], NULL, lem_worker, &jobs[t]) == 0;
    }
    lem_worker(&jobs[0]);
    for (int t = 1; t < nt; t++) {
        if (started[t]) pthread_join(tids[t], NULL); else lem_worker(&jobs[t]);
    }
    Py_END_ALLOW_THREADS
    PyBuffer_Release(&b);
    for (int t = 0; t < nt; t++) {  /* the first bad point, as a sequential scan finds it */
        if (!jobs[t].why) continue;
        Py_DECREF(out);
        if (jobs[t].why == 1) return malformed("%s point %zd: expected coordinates < p, found one >= p", name, jobs[t].bad);
        return g2 ? malformed("G2 point %zd: not on the twist y^2 = x^3 + 3/(9+u)", jobs[t].bad)
                  : malformed("G1 point %zd: not on the curve y^2 = x^3 + 3", jobs[t].bad);
    }
    return out;
}

static PyObject *py_g1_from_lem(PyObject *Py_UNUSED(self), PyObject *args) { return from_lem(args, 0); }
static PyObject *py_g2_from_lem(PyObject *Py_UNUSED(self), PyObject *args) { return from_lem(args, 1); }

/* our points to snarkjs's (LEM): each coordinate word to Montgomery form, little-endian;
 * G2 words reordered from c1 c0 to c0 c1; infinity stays zero bytes */
static PyObject *to_lem(PyObject *args, int g2) {
    Py_buffer b; Py_ssize_t n;
    Py_ssize_t width = g2 ? 128 : 64;
    const char *what = g2 ? "G2 point" : "G1 point";
    if (!PyArg_ParseTuple(args, "y*", &b)) return NULL;
    if (!count(&b, width, what, &n)) { PyBuffer_Release(&b); return NULL; }
    PyObject *out = PyBytes_FromStringAndSize(NULL, width * n);
    if (out) {
        const uint8_t *p = b.buf;
        uint8_t *o = (uint8_t *)PyBytes_AS_STRING(out);
        for (Py_ssize_t i = 0; i < n; i++, p += width, o += width) {
            if (all_zero(p, (size_t)width)) { memset(o, 0, (size_t)width); continue; }
            for (int w = 0; w < width / 32; w++) {
                fe v;
                if (!mont_from_be(&v, p + 32 * w, &FP)) {
                    Py_DECREF(out); PyBuffer_Release(&b);
                    return malformed("%s %zd: expected coordinates < p, found one >= p", what, i);
                }
                lem_put(o + 32 * (g2 ? w ^ 1 : w), &v);
            }
        }
    }
    PyBuffer_Release(&b);
    return out;
}

static PyObject *py_g1_to_lem(PyObject *Py_UNUSED(self), PyObject *args) { return to_lem(args, 0); }
static PyObject *py_g2_to_lem(PyObject *Py_UNUSED(self), PyObject *args) { return to_lem(args, 1); }

/* one plain scalar < r from a 32-byte buffer */
static int one_scalar(PyObject *obj, fe *out, const char *what) {
    Py_buffer b;
    if (PyObject_GetBuffer(obj, &b, PyBUF_SIMPLE) < 0) return 0;
    fe *k = decode_scalars(&b, 1, what);
    PyBuffer_Release(&b);
    if (!k) return 0;
    *out = *k;
    PyMem_Free(k);
    return 1;
}

static void to_plain(fe *r, const fe *m) { mont_mul(r, m, &FE_PLAIN_ONE, &FR); }

/* apply-key: point i times first * inc^i (snarkjs's batchApplyKey) */
#define CEREMONY_BINDINGS(PT, WIDTH, NAME)                                                     \
static PyObject *py_##PT##_apply_key(PyObject *Py_UNUSED(self), PyObject *args) {              \
    Py_buffer pb; PyObject *fo, *io; Py_ssize_t n; fe first, inc;                               \
    if (!PyArg_ParseTuple(args, "y*OO", &pb, &fo, &io)) return NULL;                            \
    PT##_aff *pts = decode_##PT(&pb, &n, NAME " point");                                        \
    PyBuffer_Release(&pb);                                                                      \
    if (!pts) return NULL;                                                                      \
    if (!one_scalar(fo, &first, NAME " apply_key first") ||                                     \
        !one_scalar(io, &inc, NAME " apply_key inc")) { PyMem_Free(pts); return NULL; }         \
    fe *ks = PyMem_Malloc((n ? n : 1) * sizeof(fe));                                            \
    if (!ks) { PyMem_Free(pts); return PyErr_NoMemory(); }                                      \
    int ok, nt = nthreads();                                                                    \
    Py_BEGIN_ALLOW_THREADS                                                                      \
    fe cur, step;                                                                               \
    mont_mul(&cur, &first, &FR.r2, &FR);                                                        \
    mont_mul(&step, &inc, &FR.r2, &FR);                                                         \
    for (Py_ssize_t i = 0; i < n; i++) { to_plain(&ks[i], &cur); fr_mul(&cur, &cur, &step); }   \
    ok = PT##_mul_each(pts, ks, (size_t)n, nt);                                                 \
    Py_END_ALLOW_THREADS                                                                        \
    PyObject *out = NULL;                                                                       \
    if (ok && (out = PyBytes_FromStringAndSize(NULL, WIDTH * n)))                               \
        for (Py_ssize_t i = 0; i < n; i++)                                                      \
            encode_##PT((uint8_t *)PyBytes_AS_STRING(out) + WIDTH * i, &pts[i]);                \
    PyMem_Free(pts); PyMem_Free(ks);                                                            \
    return ok ? out : PyErr_NoMemory();                                                         \
}                                                                                               \
static PyObject *py_##PT##_ifft(PyObject *Py_UNUSED(self), PyObject *args) {                   \
    Py_buffer pb; Py_ssize_t n;                                                                 \
    if (!PyArg_ParseTuple(args, "y*", &pb)) return NULL;                                        \
    PT##_aff *pts = decode_##PT(&pb, &n, NAME " point");                                        \
    PyBuffer_Release(&pb);                                                                      \
    if (!pts) return NULL;                                                                      \
    int log_n = log2_size(n);                                                                   \
    if (log_n < 0) { PyMem_Free(pts); return NULL; }                                            \
    size_t half = n > 1 ? (size_t)n / 2 : 1;                                                    \
    fe *tw = PyMem_Malloc(2 * half * sizeof(fe));                                               \
    if (!tw) { PyMem_Free(pts); return PyErr_NoMemory(); }                                      \
    int ok, nt = nthreads();                                                                    \
    Py_BEGIN_ALLOW_THREADS                                                                      \
    fe w, cur = FR.one, ninv = {{(uint64_t)n, 0, 0, 0}}, ninv_plain;                            \
    fr_root(&w, log_n, 1);                                                                      \
    mont_mul(&ninv, &ninv, &FR.r2, &FR);                                                        \
    fr_inv(&ninv, &ninv);                                                                       \
    for (size_t j = 0; j < half; j++) {                                                         \
        fe sc;                                                                                  \
        to_plain(&tw[j], &cur);                                                                 \
        fr_mul(&sc, &cur, &ninv); to_plain(&tw[half + j], &sc);                                 \
        fr_mul(&cur, &cur, &w);                                                                 \
    }                                                                                           \
    to_plain(&ninv_plain, &ninv);                                                               \
    ok = PT##_ifft(pts, (size_t)n, tw, tw + half, &ninv_plain, nt);                             \
    Py_END_ALLOW_THREADS                                                                        \
    PyObject *out = NULL;                                                                       \
    if (ok && (out = PyBytes_FromStringAndSize(NULL, WIDTH * n)))                               \
        for (Py_ssize_t i = 0; i < n; i++)                                                      \
            encode_##PT((uint8_t *)PyBytes_AS_STRING(out) + WIDTH * i, &pts[i]);                \
    PyMem_Free(pts); PyMem_Free(tw);                                                            \
    return ok ? out : PyErr_NoMemory();                                                         \
}

/* the CSR shape of a sparse combination: rows + 1 offsets and nnz indices (u32 LE),
 * checked: offsets non-decreasing from 0 to nnz, indices below the number of points */
static int check_csr(const Py_buffer *pb, const Py_buffer *ib, Py_ssize_t npts, Py_ssize_t nks, Py_ssize_t *rows) {
    if (pb->len % 4 || pb->len < 4 || ib->len % 4) { malformed("lincomb: offsets and indices must be u32 arrays"); return 0; }
    const uint32_t *ptr = pb->buf, *idx = ib->buf;
    Py_ssize_t nr = pb->len / 4 - 1, nnz = ib->len / 4;
    if (ptr[0] != 0 || (Py_ssize_t)ptr[nr] != nnz || nnz != nks) {
        malformed("lincomb: offsets must run from 0 to %zd (the number of indices and scalars, %zd)", nnz, nks);
        return 0;
    }
    for (Py_ssize_t r = 0; r < nr; r++)
        if (ptr[r + 1] < ptr[r]) { malformed("lincomb: offset %zd decreases", r + 1); return 0; }
    for (Py_ssize_t t = 0; t < nnz; t++)
        if ((Py_ssize_t)idx[t] >= npts) { malformed("lincomb: index %zd names point %u of %zd", t, idx[t], npts); return 0; }
    *rows = nr;
    return 1;
}

#define LINCOMB_BINDING(PT, WIDTH, NAME)                                                       \
static PyObject *py_##PT##_lincomb(PyObject *Py_UNUSED(self), PyObject *args) {                \
    Py_buffer bb, pb, ib, sb; Py_ssize_t n, rows = 0;                                           \
    if (!PyArg_ParseTuple(args, "y*y*y*y*", &bb, &pb, &ib, &sb)) return NULL;                   \
    PT##_aff *pts = decode_##PT(&bb, &n, NAME " point");                                        \
    fe *ks = pts ? decode_scalars(&sb, -1, NAME " lincomb scalars") : NULL;                     \
    int ok = ks && check_csr(&pb, &ib, n, sb.len / 32, &rows);                                  \
    PT##_aff *res = ok ? PyMem_Malloc((rows ? rows : 1) * sizeof(PT##_aff)) : NULL;             \
    if (ok && !res) { PyErr_NoMemory(); ok = 0; }                                               \
    int nt = nthreads();                                                                        \
    if (ok) {                                                                                   \
        Py_BEGIN_ALLOW_THREADS                                                                  \
        ok = PT##_lincomb(res, pts, pb.buf, ib.buf, ks, (size_t)rows, nt);                      \
        Py_END_ALLOW_THREADS                                                                    \
        if (!ok) PyErr_NoMemory();                                                              \
    }                                                                                           \
    PyObject *out = NULL;                                                                       \
    if (ok && (out = PyBytes_FromStringAndSize(NULL, WIDTH * rows)))                            \
        for (Py_ssize_t i = 0; i < rows; i++)                                                   \
            encode_##PT((uint8_t *)PyBytes_AS_STRING(out) + WIDTH * i, &res[i]);                \
    PyBuffer_Release(&bb); PyBuffer_Release(&pb); PyBuffer_Release(&ib); PyBuffer_Release(&sb); \
    PyMem_Free(pts); PyMem_Free(ks); PyMem_Free(res);                                           \
    return out;                                                                                 \
}

LINCOMB_BINDING(g1, 64, "G1")
LINCOMB_BINDING(g2, 128, "G2")

CEREMONY_BINDINGS(g1, 64, "G1")
CEREMONY_BINDINGS(g2, 128, "G2")

/* A*B - C on the coset g*H, g a primitive 2n-th root of unity (the odd powers of it), from
 * the evaluations of A, B, C on H: the scalars of snarkjs's H basis [L^(2n)_(2i+1)(tau)/delta]. */
static PyObject *py_qap_odd_coset(PyObject *Py_UNUSED(self), PyObject *args) {
    Py_buffer b[3]; Py_ssize_t n[3];
    if (!PyArg_ParseTuple(args, "y*y*y*", &b[0], &b[1], &b[2])) return NULL;
    fe *v[3] = {NULL, NULL, NULL};
    int ok = 1;
    for (int i = 0; i < 3 && ok; i++) ok = (v[i] = decode_fr(&b[i], &n[i], "QAP evaluation")) != NULL;
    for (int i = 0; i < 3; i++) PyBuffer_Release(&b[i]);
    if (ok && (n[1] != n[0] || n[2] != n[0])) {
        malformed("qap_odd_coset: expected three vectors of one length, found %zd, %zd, %zd", n[0], n[1], n[2]);
        ok = 0;
    }
    int log_n = ok ? log2_size(n[0]) : -1;
    if (ok && log_n >= FR_TWO_ADICITY) { malformed("qap_odd_coset: the domain 2^%d has no 2n-th root of unity", log_n); log_n = -1; }
    if (!ok || log_n < 0) { for (int i = 0; i < 3; i++) PyMem_Free(v[i]); return NULL; }
    size_t len = (size_t)n[0];
    Py_BEGIN_ALLOW_THREADS
    fe g;
    fr_root(&g, log_n + 1, 0);
    ok = to_coset_parallel(v, len, log_n, nthreads(), &g);
    if (ok) {
        for (size_t i = 0; i < len; i++) {
            fe t;
            fr_mul(&t, &v[0][i], &v[1][i]);
            fr_sub(&v[0][i], &t, &v[2][i]);
        }
    }
    Py_END_ALLOW_THREADS
    PyObject *out = ok ? encode_fr(v[0], n[0]) : PyErr_NoMemory();
    for (int i = 0; i < 3; i++) PyMem_Free(v[i]);
    return out;
}
