/* The Groth16 prover's kernels on snarkjs's files in place (a mapped .zkey and .wtns):
 *
 *   qap_h_zkey(coeffs, witness, n)  the sparse A.w and B.w of a .zkey's section 4, then
 *                                   A*B - C on the odd coset (as qap_odd_coset): h, LE words
 *   g1_msm_lem(points, scalars[, points2, scalars2])   MSM of LEM points (read in place,
 *   g2_msm_lem(points, scalars[, points2, scalars2])   never copied) by little-endian scalars;
 *                                   canonical big-endian result. With a second run (another
 *                                   section of the key): the sum of both MSMs as one MSM over
 *                                   both runs (one set of windows and bucket reductions: the
 *                                   prover's C and h sections, about 10% less work than two)
 *
 * LE words are canonical little-endian Fr elements (a .wtns body). LEM points are snarkjs's
 * little-endian Montgomery coordinates, whose Montgomery radix (2^256) is ours: on a
 * little-endian host their bytes are our field elements. Coordinates are checked < p,
 * curve membership is not (as for every MSM kernel: points are validated where they enter,
 * and the prover verifies each proof before it leaves). Included by module.c. */
#pragma once

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "prove.h reads snarkjs's little-endian words in place: little-endian hosts only"
#endif

static const fe R_MOD_C = R_MOD;

/* a canonical little-endian word (< mod) at p */
static inline int le_word(fe *r, const uint8_t *p, const fe *mod) {
    memcpy(r->v, p, 32);
    return fe_lt(r, mod);
}

/* ------------------------------------------------ h from a .zkey's coefficients */

#define COEF_SIZE 44

typedef struct { fe *a, *b; } ab_vec;

/* a[row] (m = 0) or b[row] (m = 1) += coef * w[wire] (coef = k R^2, so Montgomery
 * multiplication by the plain w gives k w in Montgomery form); -1 and the bad record on error */
static Py_ssize_t sparse_ab(ab_vec *out, const uint8_t *rec, size_t count, const uint8_t *w, size_t nw,
                            size_t n, int *why) {
    for (size_t t = 0; t < count; t++, rec += COEF_SIZE) {
        uint32_t m, row, wire;
        memcpy(&m, rec, 4); memcpy(&row, rec + 4, 4); memcpy(&wire, rec + 8, 4);
        fe k, x, p;
        if (m > 1 || row >= n || wire >= nw) { *why = 1; return (Py_ssize_t)t; }
        if (!le_word(&k, rec + 12, &R_MOD_C)) { *why = 2; return (Py_ssize_t)t; }
        memcpy(x.v, w + 32 * (size_t)wire, 32);
        fr_mul(&p, &k, &x);
        fe *acc = m ? &out->b[row] : &out->a[row];
        fr_add(acc, acc, &p);
    }
    return -1;
}

static PyObject *le_bytes(const fe *v, size_t n) {
    PyObject *out = PyBytes_FromStringAndSize(NULL, 32 * (Py_ssize_t)n);
    if (!out) return NULL;
    uint8_t *p = (uint8_t *)PyBytes_AS_STRING(out);
    for (size_t i = 0; i < n; i++) {
        fe t;
        mont_mul(&t, &v[i], &FE_PLAIN_ONE, &FR);
        memcpy(p + 32 * i, t.v, 32);
    }
    return out;
}

/* the first witness value >= r, or -1 */
static Py_ssize_t bad_le_word(const uint8_t *w, size_t count) {
    for (size_t i = 0; i < count; i++) {
        fe x;
        if (!le_word(&x, w + 32 * i, &R_MOD_C)) return (Py_ssize_t)i;
    }
    return -1;
}

static PyObject *py_qap_h_zkey(PyObject *Py_UNUSED(self), PyObject *args) {
    Py_buffer cb, wb; Py_ssize_t n_arg;
    if (!PyArg_ParseTuple(args, "y*y*n", &cb, &wb, &n_arg)) return NULL;
    PyObject *res = NULL;
    fe *v[3] = {NULL, NULL, NULL};
    uint32_t count = 0;
    int log_n = -1;
    for (int k = 1; k < FR_TWO_ADICITY; k++) if (n_arg == (Py_ssize_t)1 << k) log_n = k;
    if (log_n < 0) { malformed("qap_h_zkey: n must be a power of two in [2, 2^%d], found %zd", FR_TWO_ADICITY - 1, n_arg); goto done; }
    if (cb.len < 4) { malformed("qap_h_zkey coefficients: expected at least 4 bytes, found %zd", cb.len); goto done; }
    memcpy(&count, cb.buf, 4);
    if ((size_t)cb.len != 4 + (size_t)COEF_SIZE * count) { malformed("qap_h_zkey coefficients: %u records need %zu bytes, found %zd", count, 4 + (size_t)COEF_SIZE * count, cb.len); goto done; }
    if (wb.len % 32) { malformed("qap_h_zkey witness: expected a multiple of 32 bytes, found %zd", wb.len); goto done; }
    size_t n = (size_t)n_arg, nw = (size_t)wb.len / 32;
    Py_ssize_t bad = bad_le_word(wb.buf, nw);
    if (bad >= 0) { malformed("witness %zd: expected a value < r", bad); goto done; }
    for (int i = 0; i < 3; i++) if (!(v[i] = PyMem_Calloc(n, sizeof(fe)))) { PyErr_NoMemory(); goto done; }
    int why = 0, ok = 1;
    ab_vec ab = {v[0], v[1]};
    Py_BEGIN_ALLOW_THREADS
    bad = sparse_ab(&ab, (const uint8_t *)cb.buf + 4, count, wb.buf, nw, n, &why);
    if (bad < 0) {
        for (size_t i = 0; i < n; i++) fr_mul(&v[2][i], &v[0][i], &v[1][i]);
        fe g;
        fr_root(&g, log_n + 1, 0);
        ok = to_coset_parallel(v, n, log_n, nthreads(), &g);
        if (ok) for (size_t i = 0; i < n; i++) { fe t; fr_mul(&t, &v[0][i], &v[1][i]); fr_sub(&v[0][i], &t, &v[2][i]); }
    }
    Py_END_ALLOW_THREADS
    if (bad >= 0) {
        malformed(why == 1 ? "qap_h_zkey coefficient %zd: the matrix is not A or B, or the row or wire is out of range"
                           : "qap_h_zkey coefficient %zd: expected a value < r", bad);
        goto done;
    }
    for (int i = 1; i < 3; i++) { PyMem_Free(v[i]); v[i] = NULL; }  /* h alone meets its output: a third less peak */
    res = ok ? le_bytes(v[0], n) : PyErr_NoMemory();
done:
    for (int i = 0; i < 3; i++) PyMem_Free(v[i]);
    PyBuffer_Release(&cb); PyBuffer_Release(&wb);
    return res;
}

/* ------------------------------------------------ MSM over LEM points in place */

/* points with a non-zero scalar and not at infinity (all-zero LEM): their index (+ first)
 * and scalar appended at idx/ks; *bad the first scalar >= r (why 2) or coordinate >= p (why
 * 1), counted from first, else -1 */
static size_t lem_gather(uint32_t *idx, fe *ks, const uint8_t *pts, size_t width, const uint8_t *sc, size_t n,
                         size_t first, Py_ssize_t *bad, int *why) {
    size_t m = 0;
    *bad = -1;
    for (size_t i = 0; i < n; i++) {
        fe k;
        if (!le_word(&k, sc + 32 * i, &R_MOD_C)) { *bad = (Py_ssize_t)(first + i); *why = 2; return 0; }
        const uint8_t *p = pts + width * i;
        if (all_zero(p, width)) continue;
        for (size_t o = 0; o < width; o += 32) {
            fe x;
            if (!le_word(&x, p + o, &FP.mod)) { *bad = (Py_ssize_t)(first + i); *why = 1; return 0; }
        }
        if (fe_is_zero(&k)) continue;
        idx[m] = (uint32_t)(first + i); ks[m] = k; m++;
    }
    return m;
}

#define LEM_MSM(PT, WIDTH, NAME)                                                                \
static PyObject *py_##PT##_msm_lem(PyObject *Py_UNUSED(self), PyObject *args) {                 \
    Py_buffer pb, sb, pb2 = {0}, sb2 = {0};                                                     \
    if (!PyArg_ParseTuple(args, "y*y*|y*y*", &pb, &sb, &pb2, &sb2)) return NULL;                \
    PyObject *res = NULL;                                                                       \
    uint32_t *idx = NULL; fe *ks = NULL;                                                        \
    if (!!pb2.obj != !!sb2.obj) { malformed(NAME " MSM: a second run needs points and scalars, found points only"); goto done; } \
    if (pb.len % WIDTH) { malformed(NAME " LEM points: expected a multiple of %d bytes, found %zd", WIDTH, pb.len); goto done; } \
    size_t n1 = (size_t)pb.len / WIDTH;                                                         \
    if ((size_t)sb.len != 32 * n1) { malformed(NAME " MSM scalars: expected %zu scalars, found %zd bytes", n1, sb.len); goto done; } \
    if (pb2.len % WIDTH) { malformed(NAME " LEM points: expected a multiple of %d bytes, found %zd", WIDTH, pb2.len); goto done; } \
    size_t n2 = (size_t)pb2.len / WIDTH, n = n1 + n2;                                           \
    if ((size_t)sb2.len != 32 * n2) { malformed(NAME " MSM scalars: expected %zu scalars, found %zd bytes", n2, sb2.len); goto done; } \
    if (n > UINT32_MAX) { malformed(NAME " LEM points: more than 2^32 points"); goto done; }      \
    idx = PyMem_Malloc((n ? n : 1) * sizeof(uint32_t));                                        \
    ks = PyMem_Malloc((n ? n : 1) * sizeof(fe));                                               \
    if (!idx || !ks) { PyErr_NoMemory(); goto done; }                                           \
    Py_ssize_t bad; int why = 0, ok; size_t m;                                                  \
    PT##_jac acc; PT##_aff aff;                                                                 \
    int nt = nthreads();                                                                        \
    Py_BEGIN_ALLOW_THREADS                                                                      \
    m = lem_gather(idx, ks, pb.buf, WIDTH, sb.buf, n1, 0, &bad, &why);                          \
    if (bad < 0 && n2) m += lem_gather(idx + m, ks + m, pb2.buf, WIDTH, sb2.buf, n2, n1, &bad, &why); \
    ok = 1;                                                                                     \
    if (bad < 0) {                                                                              \
        PT##_src src = {pb.buf, WIDTH, idx, NULL, n1,                                           \
                        n2 ? (uintptr_t)pb2.buf - (uintptr_t)pb.buf - (uintptr_t)(WIDTH * n1) : 0}; \
        ok = PT##_msm_src(&acc, &src, ks, m, nt, SCALAR_BITS);                                  \
        if (ok) PT##_to_aff(&aff, &acc);                                                        \
    }                                                                                           \
    Py_END_ALLOW_THREADS                                                                        \
    if (bad >= 0) {                                                                             \
        if (why == 2) malformed(NAME " MSM scalars %zd: expected a value < r", bad);            \
        else malformed(NAME " LEM point %zd: expected coordinates < p, found one >= p", bad);  \
        goto done;                                                                              \
    }                                                                                           \
    if (!ok) { PyErr_NoMemory(); goto done; }                                                   \
    res = PyBytes_FromStringAndSize(NULL, WIDTH);                                               \
    if (res) encode_##PT((uint8_t *)PyBytes_AS_STRING(res), &aff);                              \
done:                                                                                           \
    PyMem_Free(idx); PyMem_Free(ks);                                                            \
    PyBuffer_Release(&pb); PyBuffer_Release(&sb);                                               \
    if (pb2.obj) PyBuffer_Release(&pb2);                                                        \
    if (sb2.obj) PyBuffer_Release(&sb2);                                                        \
    return res;                                                                                 \
}

LEM_MSM(g1, 64, "G1")
LEM_MSM(g2, 128, "G2")

/* ------------------------------------------------ MSM over a table of shifted bases
 *
 * A long-lived prover keeps, for its n bases, L levels: level j holds 2^(c j) P_i (LEM, n
 * points a level, level 0 the bases), with c = ceil(255 / L). The signed base-2^c digits d_ij
 * of k_i then make one window: sum_ij d_ij (2^(c j) P_i), one set of buckets, one bucket
 * reduction and no doublings, instead of L windows each with its own reduction. The
 * entries (i, j) with d_ij != 0 are split over the threads, each with its own buckets. */

static int table_digits(uint32_t *idx, int32_t *dig, size_t *m, const fe *ks, const uint32_t *pt, size_t count,
                        size_t n, int c, int levels) {
    int32_t *d = malloc((size_t)levels * sizeof(int32_t));
    if (!d) return 0;
    size_t out = 0;
    for (size_t t = 0; t < count; t++) {
        signed_digits(d, 1, &ks[t], c, levels);
        for (int j = 0; j < levels; j++) {
            if (!d[j]) continue;
            idx[out] = (uint32_t)((size_t)j * n + pt[t]);
            dig[out] = d[j];
            out++;
        }
    }
    free(d);
    *m = out;
    return 1;
}

#define TABLE_MSM(PT, WIDTH, NAME)                                                              \
static int PT##_msm_entries(PT##_jac *result, const uint8_t *table, const uint32_t *idx, const int32_t *dig, \
                            size_t m, int c, int nt) {                                          \
    PT##_set_inf(result);                                                                       \
    if (m == 0) return 1;                                                                       \
    if (nt < 1) nt = 1;                                                                         \
    if ((size_t)nt > m) nt = (int)m;                                                            \
    PT##_msm_job jobs[MAX_THREADS];                                                             \
    PT##_jac sums[MAX_THREADS];                                                                 \
    pthread_t tids[MAX_THREADS];                                                                \
    int started[MAX_THREADS] = {0};                                                             \
    for (int t = 0; t < nt; t++) {                                                              \
        size_t lo = m * (size_t)t / (size_t)nt, hi = m * (size_t)(t + 1) / (size_t)nt;          \
        PT##_src src = {table, WIDTH, idx + lo, NULL, 0, 0};                                    \
        jobs[t] = (PT##_msm_job){src, dig + lo, hi - lo, c, 1, 0, 1, &sums[t], NULL};           \
        if (t > 0) started[t] = pthread_create(&tids[t], NULL, PT##_msm_worker, &jobs[t]) == 0; \
    }                                                                                           \
    int ok = PT##_msm_worker(&jobs[0]) == NULL;                                                 \
    for (int t = 1; t < nt; t++) {                                                              \
        if (started[t]) { void *rv; pthread_join(tids[t], &rv); ok = ok && rv == NULL; }       \
        else ok = ok && PT##_msm_worker(&jobs[t]) == NULL;                                      \
    }                                                                                           \
    for (int t = 0; ok && t < nt; t++) PT##_add(result, result, &sums[t]);                     \
    return ok;                                                                                  \
}                                                                                               \
static PyObject *py_##PT##_msm_lem_table(PyObject *Py_UNUSED(self), PyObject *args) {           \
    Py_buffer tb, sb;                                                                           \
    if (!PyArg_ParseTuple(args, "y*y*", &tb, &sb)) return NULL;                                 \
    PyObject *res = NULL;                                                                       \
    uint32_t *pt = NULL, *idx = NULL; fe *ks = NULL; int32_t *dig = NULL;                      \
    size_t n = (size_t)sb.len / 32, levels = 0;                                                 \
    if (sb.len % 32 || n == 0 || tb.len % ((Py_ssize_t)WIDTH * (Py_ssize_t)n)) {                \
        malformed(NAME " table MSM: expected n scalars and a table of L levels of n points, found %zd and %zd bytes", sb.len, tb.len); \
        goto done;                                                                              \
    }                                                                                           \
    levels = (size_t)tb.len / ((size_t)WIDTH * n);                                              \
    if (levels < 1 || levels > SCALAR_BITS + 1 || (size_t)tb.len / WIDTH > UINT32_MAX) {        \
        malformed(NAME " table MSM: %zu levels, expected 1 to %d (and under 2^32 points)", levels, SCALAR_BITS + 1); \
        goto done;                                                                              \
    }                                                                                           \
    int c = (int)((SCALAR_BITS + 1 + levels - 1) / levels);                                     \
    if (c > 20) { malformed(NAME " table MSM: %zu levels give %d-bit digits, at most 20", levels, c); goto done; } \
    pt = PyMem_Malloc(n * sizeof(uint32_t)); ks = PyMem_Malloc(n * sizeof(fe));                \
    idx = PyMem_Malloc(n * levels * sizeof(uint32_t)); dig = PyMem_Malloc(n * levels * sizeof(int32_t)); \
    if (!pt || !ks || !idx || !dig) { PyErr_NoMemory(); goto done; }                            \
    Py_ssize_t bad; int why = 0, ok = 1; size_t count, m = 0;                                   \
    PT##_jac acc; PT##_aff aff;                                                                 \
    int nt = nthreads();                                                                        \
    Py_BEGIN_ALLOW_THREADS                                                                      \
    count = lem_gather(pt, ks, tb.buf, WIDTH, sb.buf, n, 0, &bad, &why);                        \
    if (bad < 0) {                                                                              \
        ok = table_digits(idx, dig, &m, ks, pt, count, n, c, (int)levels);                      \
        if (ok) ok = PT##_msm_entries(&acc, tb.buf, idx, dig, m, c, nt);                        \
        if (ok) PT##_to_aff(&aff, &acc);                                                        \
    }                                                                                           \
    Py_END_ALLOW_THREADS                                                                        \
    if (bad >= 0) {                                                                             \
        if (why == 2) malformed(NAME " MSM scalars %zd: expected a value < r", bad);            \
        else malformed(NAME " LEM point %zd: expected coordinates < p, found one >= p", bad);  \
        goto done;                                                                              \
    }                                                                                           \
    if (!ok) { PyErr_NoMemory(); goto done; }                                                   \
    res = PyBytes_FromStringAndSize(NULL, WIDTH);                                               \
    if (res) encode_##PT((uint8_t *)PyBytes_AS_STRING(res), &aff);                              \
done:                                                                                           \
    PyMem_Free(pt); PyMem_Free(ks); PyMem_Free(idx); PyMem_Free(dig);                          \
    PyBuffer_Release(&tb); PyBuffer_Release(&sb);                                               \
    return res;                                                                                 \
}

TABLE_MSM(g1, 64, "G1")
TABLE_MSM(g2, 128, "G2")
