/* zkp._bn254: the C twin of zkp/_bn254_py.py (contract: zkp/_bn254.pyi).
 *
 * Bytes in, bytes out (big-endian canonical words); Montgomery form stays inside. The GIL
 * is released around every long loop; MSMs split their windows over threads. Errors are
 * zkp.errors.MalformedInputError, as in the Python twin. Variable-time arithmetic. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

#include "field.h"

#define SCALAR_BITS 254
#define MAX_THREADS 16

/* window minimising ceil((bits + 1) / c) * (n + 2^c), as the Python twin does */
static int msm_window(size_t n, int nbits) {
    int best = 1;
    double best_cost = -1;
    for (int c = 1; c <= 16; c++) {
        double cost = (double)((nbits + 1 + c - 1) / c) * ((double)n + (double)(1u << c));
        if (best_cost < 0 || cost < best_cost) { best = c; best_cost = cost; }
    }
    return best;
}

static inline uint32_t get_bits(const fe *k, int pos, int c) {
    if (pos >= 256) return 0;
    int limb = pos / 64, off = pos % 64;
    uint64_t w = k->v[limb] >> off;
    if (off + c > 64 && limb < 3) w |= k->v[limb + 1] << (64 - off);
    return (uint32_t)(w & ((1ULL << c) - 1));
}

/* the signed base-2^c digits of k, window w stored at out[w * stride] */
static void signed_digits(int32_t *out, size_t stride, const fe *k, int c, int nwin) {
    int32_t half = 1 << (c - 1), full = 1 << c, carry = 0;
    for (int w = 0; w < nwin; w++) {
        int32_t d = (int32_t)get_bits(k, w * c, c) + carry;
        carry = 0;
        if (d > half) { d -= full; carry = 1; }
        out[(size_t)w * stride] = d;
    }
}

static const fe B1 = B1_MONT;
static const fp2 B2 = {B2_MONT};

#define PT g1
#define F fe
#define F_MUL fp_mul
#define F_SQR fp_sqr
#define F_ADD fp_add
#define F_SUB fp_sub
#define F_DBL fp_dbl
#define F_NEG fp_neg
#define F_INV fp_inv
#define F_IS_ZERO fe_is_zero
#define F_EQ fe_eq
#define F_ONE (FP.one)
#define F_ZERO FE_ZERO
#define CURVE_B (&B1)
#include "curve_impl.h"
#include "curve_ops.h"

#include "glv.h"

static void g1_split(const fe *k, fe *k1, int *n1, fe *k2, int *n2) { glv_split(k, k1, n1, k2, n2); }

static void g1_endo_aff(g1_aff *r, const g1_aff *p) {
    *r = *p;
    if (!p->inf) fp_mul(&r->x, &p->x, &GLV_BETA);
}

/* k * p through the GLV endomorphism: k = k1 + k2 lambda, (x, y) -> (beta x, y) = [lambda] */
static void g1_mul_fast(g1_jac *r, const g1_jac *p, const fe *k) {
    fe k1, k2; int n1, n2;
    glv_split(k, &k1, &n1, &k2, &n2);
    g1_jac a = *p, b = *p;
    fp_mul(&b.x, &b.x, &GLV_BETA);
    if (n1) fp_neg(&a.y, &a.y);
    if (n2) fp_neg(&b.y, &b.y);
    g1_mul2(r, &a, &k1, &b, &k2);
}

#undef PT
#undef F
#undef F_MUL
#undef F_SQR
#undef F_ADD
#undef F_SUB
#undef F_DBL
#undef F_NEG
#undef F_INV
#undef F_IS_ZERO
#undef F_EQ
#undef F_ONE
#undef F_ZERO
#undef CURVE_B

#define PT g2
#define F fp2
#define F_MUL fp2_mul
#define F_SQR fp2_sqr
#define F_ADD fp2_add
#define F_SUB fp2_sub
#define F_DBL fp2_dbl
#define F_NEG fp2_neg
#define F_INV fp2_inv
#define F_IS_ZERO fp2_is_zero
#define F_EQ fp2_eq
#define F_ONE FP2_ONE
#define F_ZERO FP2_ZERO
#define CURVE_B (&B2)
#include "curve_impl.h"
#include "curve_ops.h"

static int g2_msm(g2_jac *result, const g2_aff *pts, const fe *ks, size_t n, int nthreads) {
    return g2_msm_bits(result, pts, ks, n, nthreads, SCALAR_BITS);
}

#include "pairing.h"

/* psi, the untwist-Frobenius-twist endomorphism of G2, on Jacobian coordinates */
static const fp2 PSI_X = {TWIST_Q_X};
static const fp2 PSI_Y = {TWIST_Q_Y};

static void g2_psi(g2_jac *r, const g2_jac *p) {
    fp2 x, y, z;
    fp2_conj(&x, &p->x); fp2_mul(&x, &x, &PSI_X);
    fp2_conj(&y, &p->y); fp2_mul(&y, &y, &PSI_Y);
    fp2_conj(&z, &p->z);
    r->x = x; r->y = y; r->z = z;
}

/* k * q through psi, which acts on G2 as [p mod r] = [6u^2] (u the BN parameter):
 * k = k1 + k2 * 6u^2 with k1 < 6u^2 < 2^128 and k2 < 2^127 */
static void g2_split(const fe *k, fe *k1, int *n1, fe *k2, int *n2) {
    static const fe lam = {{0xf83e9682e87cfd46ULL, 0x6f4d8248eeb859fbULL, 0, 0}};
    fe rem = *k, quo = {{0, 0, 0, 0}};
    for (int bit = 128; bit >= 0; bit--) {  /* quo * lam <= k: long division, 129 steps */
        fe sh = {{0, 0, 0, 0}}, t;
        int limb = bit / 64, off = bit % 64;
        for (int i = 0; i + limb < 4; i++) {
            sh.v[i + limb] |= lam.v[i] << off;
            if (off && i + limb + 1 < 4) sh.v[i + limb + 1] |= lam.v[i] >> (64 - off);
        }
        if (bit + 128 <= 256 && !fe_sub_raw(&t, &rem, &sh)) { rem = t; quo.v[bit / 64] |= 1ULL << (bit % 64); }
    }
    *k1 = rem; *k2 = quo; *n1 = 0; *n2 = 0;
}

static void g2_endo_aff(g2_aff *r, const g2_aff *p) {
    *r = *p;
    if (p->inf) return;
    fp2_conj(&r->x, &p->x); fp2_mul(&r->x, &r->x, &PSI_X);
    fp2_conj(&r->y, &p->y); fp2_mul(&r->y, &r->y, &PSI_Y);
}

/* k * q through psi, which acts on G2 as [p mod r] = [6u^2] (u the BN parameter) */
static void g2_mul_fast(g2_jac *r, const g2_jac *q, const fe *k) {
    fe k1, k2; int n1, n2;
    g2_split(k, &k1, &n1, &k2, &n2);
    g2_jac psi;
    g2_psi(&psi, q);
    g2_mul2(r, q, &k1, &psi, &k2);
}

static int g2_eq_jac(const g2_jac *a, const g2_jac *b) {
    int ia = g2_is_inf(a), ib = g2_is_inf(b);
    if (ia || ib) return ia && ib;
    fp2 za2, zb2, l, r, t;
    fp2_sqr(&za2, &a->z); fp2_sqr(&zb2, &b->z);
    fp2_mul(&l, &a->x, &zb2); fp2_mul(&r, &b->x, &za2);
    if (!fp2_eq(&l, &r)) return 0;
    fp2_mul(&t, &zb2, &b->z); fp2_mul(&l, &a->y, &t);
    fp2_mul(&t, &za2, &a->z); fp2_mul(&r, &b->y, &t);
    return fp2_eq(&l, &r);
}

/* r-torsion membership of a point on the twist (El Housni, Guillevic, Piellard, ePrint
 * 2022/348): [x+1]Q + psi([x]Q) + psi^2([x]Q) == psi^3([2x]Q), with x the BN parameter.
 * The test suite checks it against multiplication by r. */
static int g2_in_subgroup(const g2_aff *q) {
    if (q->inf) return 1;
    static const fe u = {{BN_U, 0, 0, 0}};
    g2_jac Q, xQ, lhs, t, rhs;
    g2_from_aff(&Q, q);
    g2_mul(&xQ, &Q, &u);
    g2_add(&lhs, &xQ, &Q);
    g2_psi(&t, &xQ);
    g2_add(&lhs, &lhs, &t);
    g2_psi(&t, &t);
    g2_add(&lhs, &lhs, &t);
    g2_dbl(&rhs, &xQ);
    g2_psi(&rhs, &rhs); g2_psi(&rhs, &rhs); g2_psi(&rhs, &rhs);
    return g2_eq_jac(&lhs, &rhs);
}

static PyObject *MalformedInputError;

/* The batch kernels' worker threads: 0 (the default) is one per online CPU. Python sets it
   (set_threads; zkp._backend reads ZKP_THREADS): no environment variable is read in C. */
static int threads_setting = 0;

static int nthreads(void) {
    long n = threads_setting > 0 ? threads_setting : sysconf(_SC_NPROCESSORS_ONLN);
    if (n < 1) n = 1;
    if (n > MAX_THREADS) n = MAX_THREADS;
    return (int)n;
}

static PyObject *malformed(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    PyObject *msg = PyUnicode_FromFormatV(fmt, ap);
    va_end(ap);
    if (msg) { PyErr_SetObject(MalformedInputError, msg); Py_DECREF(msg); }
    return NULL;
}

static PyObject *py_set_threads(PyObject *self, PyObject *arg) {
    (void)self;
    if (!PyLong_Check(arg) || PyBool_Check(arg))
        return malformed("set_threads: expected an int >= 0, found %s", Py_TYPE(arg)->tp_name);
    long n = PyLong_AsLong(arg);
    if (n == -1 && PyErr_Occurred()) return NULL;
    if (n < 0) return malformed("set_threads: expected an int >= 0 (0: one per CPU), found %ld", n);
    threads_setting = n > MAX_THREADS ? MAX_THREADS : (int)n;
    Py_RETURN_NONE;
}

/* The mulx/adcx/adox product runs when the CPU has BMI2 + ADX (found once, at import) and
   Python has not turned it off (set_mulx; zkp._backend reads ZKP_NO_MULX). Both products give
   the same bytes, so a switch while a kernel runs on another thread changes only its speed. */
static int cpu_has_mulx = 0;

static PyObject *py_set_mulx(PyObject *self, PyObject *arg) {
    (void)self;
    if (!PyBool_Check(arg)) return malformed("set_mulx: expected a bool, found %s", Py_TYPE(arg)->tp_name);
    bn254_has_mulx = arg == Py_True && cpu_has_mulx;
    return PyBool_FromLong(bn254_has_mulx);
}

static int count(const Py_buffer *b, Py_ssize_t width, const char *what, Py_ssize_t *n) {
    if (b->len % width) {
        malformed("%s: expected a multiple of %zd bytes, found %zd", what, width, b->len);
        return 0;
    }
    *n = b->len / width;
    return 1;
}

static int all_zero(const uint8_t *p, size_t len) {
    for (size_t i = 0; i < len; i++) if (p[i]) return 0;
    return 1;
}

/* ------------------------------------------------ decoding and encoding */

static g1_aff *decode_g1(const Py_buffer *b, Py_ssize_t *n, const char *what) {
    if (!count(b, 64, what, n)) return NULL;
    g1_aff *out = PyMem_Malloc((*n ? *n : 1) * sizeof(g1_aff));
    if (!out) { PyErr_NoMemory(); return NULL; }
    const uint8_t *p = b->buf;
    for (Py_ssize_t i = 0; i < *n; i++, p += 64) {
        out[i].inf = all_zero(p, 64);
        if (out[i].inf) { out[i].x = FE_ZERO; out[i].y = FE_ZERO; continue; }
        if (!mont_from_be(&out[i].x, p, &FP) || !mont_from_be(&out[i].y, p + 32, &FP)) {
            PyMem_Free(out);
            malformed("%s %zd: expected coordinates < p, found one >= p", what, i);
            return NULL;
        }
    }
    return out;
}

static g2_aff *decode_g2(const Py_buffer *b, Py_ssize_t *n, const char *what) {
    if (!count(b, 128, what, n)) return NULL;
    g2_aff *out = PyMem_Malloc((*n ? *n : 1) * sizeof(g2_aff));
    if (!out) { PyErr_NoMemory(); return NULL; }
    const uint8_t *p = b->buf;
    for (Py_ssize_t i = 0; i < *n; i++, p += 128) {
        out[i].inf = all_zero(p, 128);
        if (out[i].inf) { out[i].x = FP2_ZERO; out[i].y = FP2_ZERO; continue; }
        if (!mont_from_be(&out[i].x.c1, p, &FP) || !mont_from_be(&out[i].x.c0, p + 32, &FP) ||
            !mont_from_be(&out[i].y.c1, p + 64, &FP) || !mont_from_be(&out[i].y.c0, p + 96, &FP)) {
            PyMem_Free(out);
            malformed("%s %zd: expected coordinates < p, found one >= p", what, i);
            return NULL;
        }
    }
    return out;
}

static void encode_g1(uint8_t *p, const g1_aff *a) {
    if (a->inf) { memset(p, 0, 64); return; }
    mont_to_be(p, &a->x, &FP); mont_to_be(p + 32, &a->y, &FP);
}

static void encode_g2(uint8_t *p, const g2_aff *a) {
    if (a->inf) { memset(p, 0, 128); return; }
    mont_to_be(p, &a->x.c1, &FP); mont_to_be(p + 32, &a->x.c0, &FP);
    mont_to_be(p + 64, &a->y.c1, &FP); mont_to_be(p + 96, &a->y.c0, &FP);
}

/* plain (non-Montgomery) scalars < r */
static fe *decode_scalars(const Py_buffer *b, Py_ssize_t expect, const char *what) {
    Py_ssize_t n;
    if (!count(b, 32, what, &n)) return NULL;
    if (expect >= 0 && n != expect) { malformed("%s: expected %zd scalars, found %zd", what, expect, n); return NULL; }
    fe *out = PyMem_Malloc((n ? n : 1) * sizeof(fe));
    if (!out) { PyErr_NoMemory(); return NULL; }
    static const fe rmod = R_MOD;
    for (Py_ssize_t i = 0; i < n; i++) {
        fe_from_be(&out[i], (const uint8_t *)b->buf + 32 * i);
        if (!fe_lt(&out[i], &rmod)) { PyMem_Free(out); malformed("%s %zd: expected a value < r", what, i); return NULL; }
    }
    return out;
}

/* Montgomery Fr elements */
static fe *decode_fr(const Py_buffer *b, Py_ssize_t *n, const char *what) {
    if (!count(b, 32, what, n)) return NULL;
    fe *out = PyMem_Malloc((*n ? *n : 1) * sizeof(fe));
    if (!out) { PyErr_NoMemory(); return NULL; }
    for (Py_ssize_t i = 0; i < *n; i++) {
        if (!mont_from_be(&out[i], (const uint8_t *)b->buf + 32 * i, &FR)) {
            PyMem_Free(out); malformed("%s %zd: expected a value < r", what, i); return NULL;
        }
    }
    return out;
}

static PyObject *encode_fr(const fe *v, Py_ssize_t n) {
    PyObject *out = PyBytes_FromStringAndSize(NULL, 32 * n);
    if (!out) return NULL;
    uint8_t *p = (uint8_t *)PyBytes_AS_STRING(out);
    for (Py_ssize_t i = 0; i < n; i++) mont_to_be(p + 32 * i, &v[i], &FR);
    return out;
}

/* ------------------------------------------------ validation */

static PyObject *py_g1_validate(PyObject *Py_UNUSED(self), PyObject *args) {
    Py_buffer b; Py_ssize_t n;
    if (!PyArg_ParseTuple(args, "y*", &b)) return NULL;
    g1_aff *pts = decode_g1(&b, &n, "G1 point");
    PyBuffer_Release(&b);
    if (!pts) return NULL;
    for (Py_ssize_t i = 0; i < n; i++) {
        if (!g1_on_curve(&pts[i])) { PyMem_Free(pts); return malformed("G1 point %zd: not on the curve y^2 = x^3 + 3", i); }
    }
    PyMem_Free(pts);
    Py_RETURN_NONE;
}

typedef struct { const g2_aff *pts; Py_ssize_t lo, hi, bad; int why; } g2v_job;

static void *g2v_worker(void *arg) {
    g2v_job *j = arg;
    j->bad = -1; j->why = 0;
    for (Py_ssize_t i = j->lo; i < j->hi; i++) {
        if (j->pts[i].inf) continue;
        if (!g2_on_curve(&j->pts[i])) { j->bad = i; j->why = 1; break; }
        if (!g2_in_subgroup(&j->pts[i])) { j->bad = i; j->why = 2; break; }
    }
    return NULL;
}

static PyObject *py_g2_validate(PyObject *Py_UNUSED(self), PyObject *args) {
    Py_buffer b; Py_ssize_t n;
    if (!PyArg_ParseTuple(args, "y*", &b)) return NULL;
    g2_aff *pts = decode_g2(&b, &n, "G2 point");
    PyBuffer_Release(&b);
    if (!pts) return NULL;
    int nt = nthreads();
    if (nt > n / 64) nt = (int)(n / 64);  /* threads only for long vectors */
    if (nt < 1) nt = 1;
    g2v_job jobs[MAX_THREADS];
    pthread_t tids[MAX_THREADS];
    int started[MAX_THREADS] = {0};
    Py_BEGIN_ALLOW_THREADS
    for (int t = 0; t < nt; t++) {
        jobs[t] = (g2v_job){pts, n * t / nt, n * (t + 1) / nt, -1, 0};
        if (t > 0) started[t] = pthread_create(&tids[t], NULL, g2v_worker, &jobs[t]) == 0;
    }
    g2v_worker(&jobs[0]);
    for (int t = 1; t < nt; t++) {
        if (started[t]) pthread_join(tids[t], NULL); else g2v_worker(&jobs[t]);
    }
    Py_END_ALLOW_THREADS
    PyMem_Free(pts);
    for (int t = 0; t < nt; t++) {  /* the first bad point, as a sequential scan finds it */
        if (jobs[t].why == 1) return malformed("G2 point %zd: not on the twist y^2 = x^3 + 3/(9+u)", jobs[t].bad);
        if (jobs[t].why == 2) return malformed("G2 point %zd: on the twist but not in the r-torsion subgroup", jobs[t].bad);
    }
    Py_RETURN_NONE;
}

/* ------------------------------------------------ MSM and fixed base */

/* the MSM and fixed-base wrappers, once for each group */
#define GROUP_BINDINGS(PT, WIDTH, NAME)                                                        \
static PyObject *py_##PT##_msm(PyObject *Py_UNUSED(self), PyObject *args) {                    \
    Py_buffer pb, sb; Py_ssize_t n;                                                             \
    if (!PyArg_ParseTuple(args, "y*y*", &pb, &sb)) return NULL;                                 \
    PT##_aff *pts = decode_##PT(&pb, &n, NAME " point coordinate");                             \
    fe *ks = pts ? decode_scalars(&sb, n, NAME " MSM scalars") : NULL;                          \
    PyBuffer_Release(&pb); PyBuffer_Release(&sb);                                               \
    if (!ks) { PyMem_Free(pts); return NULL; }                                                  \
    PT##_jac res; PT##_aff aff; int ok; int nt = nthreads();                                    \
    Py_BEGIN_ALLOW_THREADS                                                                      \
    ok = PT##_msm(&res, pts, ks, (size_t)n, nt);                                                \
    if (ok) PT##_to_aff(&aff, &res);                                                            \
    Py_END_ALLOW_THREADS                                                                        \
    PyMem_Free(pts); PyMem_Free(ks);                                                            \
    if (!ok) return PyErr_NoMemory();                                                           \
    PyObject *out = PyBytes_FromStringAndSize(NULL, WIDTH);                                     \
    if (out) encode_##PT((uint8_t *)PyBytes_AS_STRING(out), &aff);                              \
    return out;                                                                                 \
}                                                                                               \
static PyObject *py_##PT##_batch_mul(PyObject *Py_UNUSED(self), PyObject *args) {              \
    Py_buffer bb, sb; Py_ssize_t nb, n;                                                         \
    if (!PyArg_ParseTuple(args, "y*y*", &bb, &sb)) return NULL;                                 \
    PT##_aff *base = decode_##PT(&bb, &nb, NAME " base");                                       \
    PyBuffer_Release(&bb);                                                                      \
    if (!base) { PyBuffer_Release(&sb); return NULL; }                                          \
    if (nb != 1) { PyMem_Free(base); PyBuffer_Release(&sb);                                     \
                   return malformed(NAME " base: expected exactly one point"); }                \
    fe *ks = decode_scalars(&sb, -1, NAME " batch scalars");                                    \
    n = sb.len / 32;                                                                            \
    PyBuffer_Release(&sb);                                                                      \
    if (!ks) { PyMem_Free(base); return NULL; }                                                 \
    PT##_aff *out = PyMem_Malloc((n ? n : 1) * sizeof(PT##_aff));                               \
    int ok = out != NULL, nt = nthreads();                                                      \
    Py_BEGIN_ALLOW_THREADS                                                                      \
    if (ok) ok = PT##_fixed_base(out, base, ks, (size_t)n, nt);                                 \
    Py_END_ALLOW_THREADS                                                                        \
    PyObject *res = NULL;                                                                       \
    if (ok && (res = PyBytes_FromStringAndSize(NULL, WIDTH * n)))                               \
        for (Py_ssize_t i = 0; i < n; i++)                                                      \
            encode_##PT((uint8_t *)PyBytes_AS_STRING(res) + WIDTH * i, &out[i]);                \
    PyMem_Free(base); PyMem_Free(ks); PyMem_Free(out);                                          \
    return ok ? res : PyErr_NoMemory();                                                         \
}

GROUP_BINDINGS(g1, 64, "G1")
GROUP_BINDINGS(g2, 128, "G2")

/* ------------------------------------------------ Fr: inversion, NTT, h(x) */

static PyObject *py_fr_batch_inverse(PyObject *Py_UNUSED(self), PyObject *args) {
    Py_buffer b; Py_ssize_t n;
    if (!PyArg_ParseTuple(args, "y*", &b)) return NULL;
    fe *v = decode_fr(&b, &n, "Fr element");
    PyBuffer_Release(&b);
    if (!v) return NULL;
    for (Py_ssize_t i = 0; i < n; i++)
        if (fe_is_zero(&v[i])) { PyMem_Free(v); return malformed("Fr element %zd: zero has no inverse", i); }
    fe *pre = PyMem_Malloc((n ? n : 1) * sizeof(fe));
    if (!pre) { PyMem_Free(v); return PyErr_NoMemory(); }
    Py_BEGIN_ALLOW_THREADS
    fe acc = FR.one;
    for (Py_ssize_t i = 0; i < n; i++) { pre[i] = acc; fr_mul(&acc, &acc, &v[i]); }
    fr_inv(&acc, &acc);
    for (Py_ssize_t i = n; i-- > 0;) { fe t; fr_mul(&t, &acc, &pre[i]); fr_mul(&acc, &acc, &v[i]); v[i] = t; }
    Py_END_ALLOW_THREADS
    PyObject *out = encode_fr(v, n);
    PyMem_Free(v); PyMem_Free(pre);
    return out;
}

static int log2_size(Py_ssize_t n) {
    int k = 0;
    while (((Py_ssize_t)1 << k) < n) k++;
    if (n == 0 || ((Py_ssize_t)1 << k) != n || k > FR_TWO_ADICITY) {
        malformed("NTT: expected a power-of-two length up to 2^%d, found %zd", FR_TWO_ADICITY, n);
        return -1;
    }
    return k;
}

#include "ntt.h"
#include "ceremony.h"
#include "blake2b.h"
#include "poseidon.h"
#include "witness.h"
#include "prove.h"

static PyObject *py_fr_poseidon(PyObject *Py_UNUSED(self), PyObject *args) {
    Py_buffer brc, bm, bs; int full;
    if (!PyArg_ParseTuple(args, "y*y*iy*", &brc, &bm, &full, &bs)) return NULL;
    Py_ssize_t nrc, nm, ns;
    fe *rc = decode_fr(&brc, &nrc, "round constant");
    fe *mds = rc ? decode_fr(&bm, &nm, "MDS entry") : NULL;
    fe *st = mds ? decode_fr(&bs, &ns, "state element") : NULL;
    PyBuffer_Release(&brc); PyBuffer_Release(&bm); PyBuffer_Release(&bs);
    if (!st) { PyMem_Free(rc); PyMem_Free(mds); return NULL; }
    int t = 0;
    while (t <= POSEIDON_MAX_T && (Py_ssize_t)t * t < nm) t++;
    PyObject *err = NULL;
    if (t < 2 || t > POSEIDON_MAX_T || (Py_ssize_t)t * t != nm)
        err = malformed("poseidon: the MDS matrix must be t x t with 2 <= t <= 17, found %zd elements", nm);
    else if (full < 0 || full % 2)
        err = malformed("poseidon: full_rounds must be an even int >= 0, found %d", full);
    else if (nrc % t || nrc / t < full)
        err = malformed("poseidon: %zd round constants for width %d and %d full rounds", nrc, t, full);
    else if (ns % t)
        err = malformed("poseidon: %zd state elements is not a multiple of the width %d", ns, t);
    if (err || PyErr_Occurred()) { PyMem_Free(rc); PyMem_Free(mds); PyMem_Free(st); return NULL; }
    int partial = (int)(nrc / t) - full, nt = nthreads();
    Py_BEGIN_ALLOW_THREADS
    poseidon_batch(st, (size_t)(ns / t), rc, mds, t, full, partial, nt);
    Py_END_ALLOW_THREADS
    PyObject *out = encode_fr(st, ns);
    PyMem_Free(rc); PyMem_Free(mds); PyMem_Free(st);
    return out;
}

static PyObject *ntt_entry(PyObject *args, PyObject *kw, int coset) {
    static char *names[] = {"values", "inverse", NULL};
    Py_buffer b; int inverse = 0; Py_ssize_t n;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "y*|p", names, &b, &inverse)) return NULL;
    fe *v = decode_fr(&b, &n, "Fr element");
    PyBuffer_Release(&b);
    if (!v) return NULL;
    int log_n = log2_size(n), ok;
    if (log_n < 0) { PyMem_Free(v); return NULL; }
    Py_BEGIN_ALLOW_THREADS
    ok = coset ? coset_ntt(v, (size_t)n, log_n, inverse, &FR_GEN) : ntt(v, (size_t)n, log_n, inverse);
    Py_END_ALLOW_THREADS
    PyObject *out = ok ? encode_fr(v, n) : PyErr_NoMemory();
    PyMem_Free(v);
    return out;
}

static PyObject *py_fr_ntt(PyObject *Py_UNUSED(self), PyObject *args, PyObject *kw) { return ntt_entry(args, kw, 0); }
static PyObject *py_fr_coset_ntt(PyObject *Py_UNUSED(self), PyObject *args, PyObject *kw) { return ntt_entry(args, kw, 1); }

/* ------------------------------------------------ pairing */

static PyObject *py_pairing_check(PyObject *Py_UNUSED(self), PyObject *args) {
    Py_buffer b1, b2; Py_ssize_t n1, n2;
    if (!PyArg_ParseTuple(args, "y*y*", &b1, &b2)) return NULL;
    g1_aff *p = decode_g1(&b1, &n1, "pairing G1 point");
    g2_aff *q = p ? decode_g2(&b2, &n2, "pairing G2 point") : NULL;
    PyBuffer_Release(&b1); PyBuffer_Release(&b2);
    if (!q) { PyMem_Free(p); return NULL; }
    if (n1 != n2) { PyMem_Free(p); PyMem_Free(q); return malformed("pairing_check: %zd G1 points but %zd G2 points", n1, n2); }
    pair_state *st = PyMem_Malloc((n1 ? n1 : 1) * sizeof(pair_state));
    if (!st) { PyMem_Free(p); PyMem_Free(q); return PyErr_NoMemory(); }
    size_t k = 0;
    for (Py_ssize_t i = 0; i < n1; i++) {
        if (p[i].inf || q[i].inf) continue;
        st[k].px = p[i].x; st[k].py = p[i].y; st[k].qx = q[i].x; st[k].qy = q[i].y; k++;
    }
    int one;
    Py_BEGIN_ALLOW_THREADS
    fp12 f, e;
    miller_loop(&f, st, k);
    final_exponentiation(&e, &f);
    one = fp12_is_one(&e);
    Py_END_ALLOW_THREADS
    PyMem_Free(p); PyMem_Free(q); PyMem_Free(st);
    return PyBool_FromLong(one);
}

static PyMethodDef methods[] = {
    {"set_threads", py_set_threads, METH_O, "Worker threads of the batch kernels (0: one per online CPU, at most 16)."},
    {"set_mulx", py_set_mulx, METH_O, "Use the BMI2/ADX product when the CPU has it (True) or not; returns whether it is used."},
    {"g1_validate", py_g1_validate, METH_VARARGS, "Raise MalformedInputError for a G1 point off the curve."},
    {"g2_validate", py_g2_validate, METH_VARARGS, "Raise MalformedInputError for a G2 point off the twist or outside the subgroup."},
    {"g1_msm", py_g1_msm, METH_VARARGS, "Multi-scalar multiplication over G1 (Pippenger)."},
    {"g2_msm", py_g2_msm, METH_VARARGS, "Multi-scalar multiplication over G2 (Pippenger)."},
    {"g1_batch_mul", py_g1_batch_mul, METH_VARARGS, "Fixed-base multiplication of one G1 point by many scalars."},
    {"g2_batch_mul", py_g2_batch_mul, METH_VARARGS, "Fixed-base multiplication of one G2 point by many scalars."},
    {"fr_batch_inverse", py_fr_batch_inverse, METH_VARARGS, "Inverses of non-zero Fr elements."},
    {"fr_ntt", (PyCFunction)(void (*)(void))py_fr_ntt, METH_VARARGS | METH_KEYWORDS, "Radix-2 NTT over Fr."},
    {"fr_coset_ntt", (PyCFunction)(void (*)(void))py_fr_coset_ntt, METH_VARARGS | METH_KEYWORDS, "NTT on the coset FR_COSET_SHIFT * H."},
    {"qap_odd_coset", py_qap_odd_coset, METH_VARARGS, "A*B - C on the odd powers of a 2n-th root of unity."},
    {"g1_from_lem", py_g1_from_lem, METH_VARARGS, "snarkjs LEM G1 points -> canonical encoding (on-curve checked)."},
    {"g2_from_lem", py_g2_from_lem, METH_VARARGS, "snarkjs LEM G2 points -> canonical encoding (on-curve checked)."},
    {"g1_to_lem", py_g1_to_lem, METH_VARARGS, "Canonical G1 points -> snarkjs LEM."},
    {"g2_to_lem", py_g2_to_lem, METH_VARARGS, "Canonical G2 points -> snarkjs LEM."},
    {"g1_apply_key", py_g1_apply_key, METH_VARARGS, "Point i times first * inc^i (G1)."},
    {"g2_apply_key", py_g2_apply_key, METH_VARARGS, "Point i times first * inc^i (G2)."},
    {"blake2b_update", py_blake2b_update, METH_VARARGS, "BLAKE2b-512 on snarkjs's resumable 216-byte state."},
    {"g1_lincomb", py_g1_lincomb, METH_VARARGS, "Sparse linear combinations of G1 points (CSR)."},
    {"g2_lincomb", py_g2_lincomb, METH_VARARGS, "Sparse linear combinations of G2 points (CSR)."},
    {"g1_ifft", py_g1_ifft, METH_VARARGS, "Inverse FFT over G1 points (the Lagrange basis)."},
    {"g2_ifft", py_g2_ifft, METH_VARARGS, "Inverse FFT over G2 points (the Lagrange basis)."},
    {"pairing_check", py_pairing_check, METH_VARARGS, "True iff the product of the pairings is 1."},
    {"fr_poseidon", py_fr_poseidon, METH_VARARGS, "The Poseidon permutation of each width-t state."},
    {"witness_validate", py_witness_validate, METH_VARARGS, "Check a witness program (zkp/program.py) without running it."},
    {"witness_run", py_witness_run, METH_VARARGS, "Run a witness program: (-1, witness) or (failing check, b'')."},
    {"qap_h_zkey", py_qap_h_zkey, METH_VARARGS, "h from a .zkey's A/B coefficients and a witness (LE words out)."},
    {"g1_msm_lem", py_g1_msm_lem, METH_VARARGS, "G1 MSM of snarkjs LEM points (in place) by LE scalars; with a second run, the sum of both."},
    {"g2_msm_lem", py_g2_msm_lem, METH_VARARGS, "G2 MSM of snarkjs LEM points (in place) by LE scalars; with a second run, the sum of both."},
    {"g1_msm_lem_table", py_g1_msm_lem_table, METH_VARARGS, "G1 MSM over a table of shifted LEM bases (one window)."},
    {"g2_msm_lem_table", py_g2_msm_lem_table, METH_VARARGS, "G2 MSM over a table of shifted LEM bases (one window)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "zkp._bn254", "BN254 kernels in C (see zkp/_bn254.pyi).", -1, methods, NULL, NULL, NULL, NULL};

PyMODINIT_FUNC PyInit__bn254(void) {
    bn254_detect_cpu();
    cpu_has_mulx = bn254_has_mulx;  /* zkp._backend passes ZKP_NO_MULX in through set_mulx */
    PyObject *errors = PyImport_ImportModule("zkp.errors");
    if (!errors) return NULL;
    MalformedInputError = PyObject_GetAttrString(errors, "MalformedInputError");
    Py_DECREF(errors);
    if (!MalformedInputError) return NULL;
    PyObject *m = PyModule_Create(&module);
    if (m && PyModule_AddStringConstant(m, "BACKEND", "c") < 0) { Py_DECREF(m); return NULL; }
    return m;
}
