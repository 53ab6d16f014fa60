/* Per-point scalar multiplication and the inverse FFT over group elements: the kernels of
 * powers-of-tau and phase-2 ceremonies. Template: included right after curve_impl.h, with
 * the same macros (PT, F, ...). Scalars are plain (non-Montgomery) 256-bit values. */

/* the group's fastest k * p (an endomorphism split, defined after this template) */
static void FN(mul_fast)(JAC *r, const JAC *p, const fe *k);

/* width-5 NAF of a scalar below 2^130: digits in {0, +-1, +-3, ..., +-15}; returns the length */
static int FN(wnaf)(int8_t *out, const fe *k_in) {
    fe k = *k_in;
    int len = 0;
    while (!fe_is_zero(&k)) {
        int d = 0;
        if (k.v[0] & 1) {
            d = (int)(k.v[0] & 31);
            if (d > 16) d -= 32;
            /* k -= d */
            if (d > 0) { fe t = {{(uint64_t)d, 0, 0, 0}}; fe_sub_raw(&k, &k, &t); }
            else { u128 c = (u128)k.v[0] + (uint64_t)(-d); k.v[0] = (uint64_t)c; c >>= 64;
                   for (int i = 1; i < 4 && c; i++) { c += k.v[i]; k.v[i] = (uint64_t)c; c >>= 64; } }
        }
        out[len++] = (int8_t)d;
        for (int i = 0; i < 3; i++) k.v[i] = (k.v[i] >> 1) | (k.v[i + 1] << 63);
        k.v[3] >>= 1;
    }
    return len;
}

/* k1 * p + k2 * q (k1, k2 < 2^130, signs applied by the caller) by interleaved width-5 NAF */
static void FN(mul2)(JAC *r, const JAC *p, const fe *k1, const JAC *q, const fe *k2) {
    int8_t d1[136], d2[136];
    int n1 = FN(wnaf)(d1, k1), n2 = FN(wnaf)(d2, k2);
    JAC t1[8], t2[8], two;
    t1[0] = *p; FN(dbl)(&two, p);
    for (int i = 1; i < 8; i++) FN(add)(&t1[i], &t1[i - 1], &two);
    t2[0] = *q; FN(dbl)(&two, q);
    for (int i = 1; i < 8; i++) FN(add)(&t2[i], &t2[i - 1], &two);
    JAC acc;
    FN(set_inf)(&acc);
    for (int i = (n1 > n2 ? n1 : n2) - 1; i >= 0; i--) {
        FN(dbl)(&acc, &acc);
        if (i < n1 && d1[i]) {
            JAC t = t1[(d1[i] > 0 ? d1[i] : -d1[i]) / 2];
            if (d1[i] < 0) F_NEG(&t.y, &t.y);
            FN(add)(&acc, &acc, &t);
        }
        if (i < n2 && d2[i]) {
            JAC t = t2[(d2[i] > 0 ? d2[i] : -d2[i]) / 2];
            if (d2[i] < 0) F_NEG(&t.y, &t.y);
            FN(add)(&acc, &acc, &t);
        }
    }
    *r = acc;
}

/* the group's endomorphism split of a scalar and its action on affine points (defined
 * after the template, in module.c) */
static void FN(split)(const fe *k, fe *k1, int *n1, fe *k2, int *n2);
static void FN(endo_aff)(AFF *r, const AFF *p);

#include "curve_batch.h"

typedef struct { AFF *pts; const fe *ks; size_t lo, hi; int ok; } FN(each_job);

static void *FN(each_worker)(void *arg) {
    FN(each_job) *j = arg;
    j->ok = 1;
    for (size_t i = j->lo; i < j->hi && j->ok; i += BATCH) {
        size_t m = j->hi - i < BATCH ? j->hi - i : BATCH;
        j->ok = FN(mul_batch)(&j->pts[i], &j->ks[i], m);
    }
    return NULL;
}

/* pts[i] = ks[i] * pts[i], in place, over nthreads threads; returns 0 on allocation failure */
static int FN(mul_each)(AFF *pts, const fe *ks, size_t n, int nthreads) {
    if (n == 0) return 1;
    if (nthreads < 1) nthreads = 1;
    if ((size_t)nthreads > n) nthreads = (int)n;
    FN(each_job) jobs[MAX_THREADS];
    pthread_t tids[MAX_THREADS];
    int started[MAX_THREADS] = {0}, ok = 1;
    for (int t = 0; t < nthreads; t++) {
        jobs[t] = (FN(each_job)){pts, ks, n * t / nthreads, n * (t + 1) / nthreads, 0};
        if (t > 0) started[t] = pthread_create(&tids[t], NULL, FN(each_worker), &jobs[t]) == 0;
    }
    FN(each_worker)(&jobs[0]);
    for (int t = 1; t < nthreads; t++) {
        if (started[t]) pthread_join(tids[t], NULL); else FN(each_worker)(&jobs[t]);
    }
    for (int t = 0; t < nthreads; t++) ok = ok && jobs[t].ok;
    return ok;
}

/* one radix-2 stage of the FFT: butterflies [lo, hi) of the n/2, twiddles tw[j * stride];
 * in the last stage (scale set) the twiddles already include the final factor and u is
 * multiplied by it, so no separate pass scales the output */
typedef struct { JAC *a; const fe *tw; size_t m, stride, lo, hi; const fe *scale; int ok; } FN(fft_job);

static void *FN(fft_worker)(void *arg) {
    FN(fft_job) *j = arg;
    /* per chunk: the points to multiply (v, and u in the last stage) normalised with one
     * inversion, multiplied in batch-affine lockstep, then the butterflies (mixed additions) */
    size_t chunk = BATCH / 2;
    JAC *vj = malloc(BATCH * sizeof(JAC));
    AFF *va = malloc(BATCH * sizeof(AFF));
    fe *ks = malloc(BATCH * sizeof(fe));
    F *scr = malloc(BATCH * sizeof(F));
    int *slot = malloc(2 * chunk * sizeof(int));
    j->ok = vj && va && ks && scr && slot;
    for (size_t b0 = j->lo; j->ok && b0 < j->hi; b0 += chunk) {
        size_t cnt = j->hi - b0 < chunk ? j->hi - b0 : chunk, q = 0;
        for (size_t c = 0; c < cnt; c++) {
            size_t b = b0 + c, k = (b / j->m) * 2 * j->m, i = b % j->m;
            slot[2 * c] = slot[2 * c + 1] = -1;
            if (j->scale || i) { vj[q] = j->a[k + i + j->m]; ks[q] = j->tw[i * j->stride]; slot[2 * c] = (int)q++; }
            if (j->scale) { vj[q] = j->a[k + i]; ks[q] = *j->scale; slot[2 * c + 1] = (int)q++; }
        }
        FN(batch_to_aff)(va, vj, q, scr);
        if (q && !FN(mul_batch)(va, ks, q)) { j->ok = 0; break; }
        for (size_t c = 0; c < cnt; c++) {
            size_t b = b0 + c, k = (b / j->m) * 2 * j->m, i = b % j->m;
            JAC u = j->a[k + i];
            if (slot[2 * c + 1] >= 0) FN(from_aff)(&u, &va[slot[2 * c + 1]]);
            if (slot[2 * c] < 0) {  /* twiddle 1: a Jacobian butterfly */
                JAC v = j->a[k + i + j->m];
                FN(add)(&j->a[k + i], &u, &v);
                F_NEG(&v.y, &v.y);
                FN(add)(&j->a[k + i + j->m], &u, &v);
                continue;
            }
            AFF t = va[slot[2 * c]];
            if (t.inf) { j->a[k + i] = u; j->a[k + i + j->m] = u; continue; }
            FN(add_aff)(&j->a[k + i], &u, &t, 0);
            FN(add_aff)(&j->a[k + i + j->m], &u, &t, 1);
        }
    }
    free(vj); free(va); free(ks); free(scr); free(slot);
    return NULL;
}

static int FN(fft_stage)(JAC *a, const fe *tw, size_t n, size_t m, const fe *scale, int nthreads) {
    size_t half = n / 2;
    if ((size_t)nthreads > half) nthreads = (int)half;
    if (nthreads < 1) nthreads = 1;
    FN(fft_job) jobs[MAX_THREADS];
    pthread_t tids[MAX_THREADS];
    int started[MAX_THREADS] = {0};
    for (int t = 0; t < nthreads; t++) {
        jobs[t] = (FN(fft_job)){a, tw, m, n / (2 * m), half * t / nthreads, half * (t + 1) / nthreads, scale, 0};
        if (t > 0) started[t] = pthread_create(&tids[t], NULL, FN(fft_worker), &jobs[t]) == 0;
    }
    FN(fft_worker)(&jobs[0]);
    for (int t = 1; t < nthreads; t++) {
        if (started[t]) pthread_join(tids[t], NULL); else FN(fft_worker)(&jobs[t]);
    }
    int ok = 1;
    for (int t = 0; t < nthreads; t++) ok = ok && jobs[t].ok;
    return ok;
}

/* In place: pts[i] <- ninv * sum_j w^(i j) pts[j] (tw[j] = w^j and tws[j] = ninv w^j plain,
 * j < n/2; ninv plain): with w the inverse root of unity and ninv = 1/n this is the inverse
 * FFT, which turns [tau^j]G into the Lagrange basis [L_i(tau)]G. Returns 0 on allocation
 * failure. */
static int FN(ifft)(AFF *pts, size_t n, const fe *tw, const fe *tws, const fe *ninv, int nthreads) {
    if (n < 2) return 1;  /* 1/1 = 1 */
    JAC *a = malloc(n * sizeof(JAC));
    if (!a) return 0;
    for (size_t i = 0; i < n; i++) FN(from_aff)(&a[i], &pts[i]);
    for (size_t i = 1, j = 0; i < n; i++) {
        size_t bit = n >> 1;
        for (; j & bit; bit >>= 1) j ^= bit;
        j ^= bit;
        if (i < j) { JAC t = a[i]; a[i] = a[j]; a[j] = t; }
    }
    for (size_t m = 1; m < n; m <<= 1)
        if (!FN(fft_stage)(a, m == n / 2 ? tws : tw, n, m, m == n / 2 ? ninv : NULL, nthreads)) { free(a); return 0; }
    F *scratch = malloc(n * sizeof(F));
    if (!scratch) { free(a); return 0; }
    FN(batch_to_aff)(pts, a, n, scratch);
    free(a); free(scratch);
    return 1;
}

/* out[r] = sum of ks[t] * pts[idx[t]] for t in [ptr[r], ptr[r + 1]): sparse linear
 * combinations (a key's columns from the Lagrange basis). Scalars 1 and r - 1, the common
 * coefficients, cost one addition. */
typedef struct {
    const AFF *pts; const uint32_t *ptr, *idx; const fe *ks; JAC *out; size_t lo, hi;
} FN(comb_job);

static void *FN(comb_worker)(void *arg) {
    FN(comb_job) *j = arg;
    static const fe one = {{1, 0, 0, 0}};
    static const fe minus_one = {{0x43e1f593f0000000ULL, 0x2833e84879b97091ULL,
                                  0xb85045b68181585dULL, 0x30644e72e131a029ULL}};
    for (size_t r = j->lo; r < j->hi; r++) {
        JAC acc;
        FN(set_inf)(&acc);
        for (uint32_t t = j->ptr[r]; t < j->ptr[r + 1]; t++) {
            const AFF *p = &j->pts[j->idx[t]];
            if (p->inf || fe_is_zero(&j->ks[t])) continue;
            if (fe_eq(&j->ks[t], &one)) { FN(add_aff)(&acc, &acc, p, 0); continue; }
            if (fe_eq(&j->ks[t], &minus_one)) { FN(add_aff)(&acc, &acc, p, 1); continue; }
            JAC q, m;
            FN(from_aff)(&q, p);
            FN(mul_fast)(&m, &q, &j->ks[t]);
            FN(add)(&acc, &acc, &m);
        }
        j->out[r] = acc;
    }
    return NULL;
}

static int FN(lincomb)(AFF *res, const AFF *pts, const uint32_t *ptr, const uint32_t *idx, const fe *ks,
                       size_t rows, int nthreads) {
    JAC *out = malloc((rows ? rows : 1) * sizeof(JAC));
    F *scratch = malloc((rows ? rows : 1) * sizeof(F));
    if (!out || !scratch) { free(out); free(scratch); return 0; }
    if (nthreads < 1) nthreads = 1;
    if ((size_t)nthreads > rows) nthreads = rows ? (int)rows : 1;
    FN(comb_job) jobs[MAX_THREADS];
    pthread_t tids[MAX_THREADS];
    int started[MAX_THREADS] = {0};
    for (int t = 0; t < nthreads; t++) {
        jobs[t] = (FN(comb_job)){pts, ptr, idx, ks, out, rows * t / nthreads, rows * (t + 1) / nthreads};
        if (t > 0) started[t] = pthread_create(&tids[t], NULL, FN(comb_worker), &jobs[t]) == 0;
    }
    FN(comb_worker)(&jobs[0]);
    for (int t = 1; t < nthreads; t++) {
        if (started[t]) pthread_join(tids[t], NULL); else FN(comb_worker)(&jobs[t]);
    }
    FN(batch_to_aff)(res, out, rows, scratch);
    free(out); free(scratch);
    return 1;
}

#undef FN
#undef JAC
#undef AFF
