/* Jacobian arithmetic, normalisation, Pippenger MSM and fixed-base multiplication for a
 * short Weierstrass curve y^2 = x^3 + b (a = 0), written once and instantiated for G1 (over
 * Fp) and G2 (over Fp2). Include with these macros defined:
 *   PT        name prefix (g1 / g2)          F         field element type
 *   F_MUL F_SQR F_ADD F_SUB F_DBL F_NEG F_INV F_IS_ZERO F_EQ   field operations
 *   F_ONE     the field's one (Montgomery)   F_ZERO    the field's zero
 *   CURVE_B   the curve constant b (pointer to F) */

#define CAT_(a, b) a##b
#define CAT(a, b) CAT_(a, b)
#define FN(name) CAT(PT, CAT(_, name))
#define JAC CAT(PT, _jac)
#define AFF CAT(PT, _aff)

typedef struct { F x, y, z; } JAC;
typedef struct { F x, y; int inf; } AFF;

static inline int FN(is_inf)(const JAC *p) { return F_IS_ZERO(&p->z); }
static inline void FN(set_inf)(JAC *p) { p->x = F_ONE; p->y = F_ONE; p->z = F_ZERO; }
static inline void FN(from_aff)(JAC *r, const AFF *a) {
    if (a->inf) { FN(set_inf)(r); return; }
    r->x = a->x; r->y = a->y; r->z = F_ONE;
}

static void FN(dbl)(JAC *r, const JAC *p) {
    if (FN(is_inf)(p) || F_IS_ZERO(&p->y)) { FN(set_inf)(r); return; }
    F A, B, C, D, E, Ff, t, X3, Y3, Z3;
    F_SQR(&A, &p->x);
    F_SQR(&B, &p->y);
    F_SQR(&C, &B);
    F_ADD(&t, &p->x, &B); F_SQR(&t, &t); F_SUB(&t, &t, &A); F_SUB(&t, &t, &C); F_DBL(&D, &t);
    F_DBL(&E, &A); F_ADD(&E, &E, &A);
    F_SQR(&Ff, &E);
    F_DBL(&t, &D); F_SUB(&X3, &Ff, &t);
    F_SUB(&t, &D, &X3); F_MUL(&Y3, &E, &t);
    F_DBL(&t, &C); F_DBL(&t, &t); F_DBL(&t, &t); F_SUB(&Y3, &Y3, &t);
    F_MUL(&Z3, &p->y, &p->z); F_DBL(&Z3, &Z3);
    r->x = X3; r->y = Y3; r->z = Z3;
}

static void FN(add)(JAC *r, const JAC *p, const JAC *q) {
    if (FN(is_inf)(p)) { *r = *q; return; }
    if (FN(is_inf)(q)) { *r = *p; return; }
    F Z1Z1, Z2Z2, U1, U2, S1, S2, H, I, J, rr, V, t, X3, Y3, Z3;
    F_SQR(&Z1Z1, &p->z);
    F_SQR(&Z2Z2, &q->z);
    F_MUL(&U1, &p->x, &Z2Z2);
    F_MUL(&U2, &q->x, &Z1Z1);
    F_MUL(&S1, &p->y, &q->z); F_MUL(&S1, &S1, &Z2Z2);
    F_MUL(&S2, &q->y, &p->z); F_MUL(&S2, &S2, &Z1Z1);
    F_SUB(&H, &U2, &U1);
    F_SUB(&rr, &S2, &S1); F_DBL(&rr, &rr);
    if (F_IS_ZERO(&H)) {
        if (F_IS_ZERO(&rr)) FN(dbl)(r, p); else FN(set_inf)(r);
        return;
    }
    F_DBL(&I, &H); F_SQR(&I, &I);
    F_MUL(&J, &H, &I);
    F_MUL(&V, &U1, &I);
    F_SQR(&X3, &rr); F_SUB(&X3, &X3, &J); F_DBL(&t, &V); F_SUB(&X3, &X3, &t);
    F_SUB(&t, &V, &X3); F_MUL(&Y3, &rr, &t); F_MUL(&t, &S1, &J); F_DBL(&t, &t); F_SUB(&Y3, &Y3, &t);
    F_ADD(&Z3, &p->z, &q->z); F_SQR(&Z3, &Z3); F_SUB(&Z3, &Z3, &Z1Z1); F_SUB(&Z3, &Z3, &Z2Z2); F_MUL(&Z3, &Z3, &H);
    r->x = X3; r->y = Y3; r->z = Z3;
}

/* r = p + q with q affine and not infinity (negated when neg is set) */
static void FN(add_aff)(JAC *r, const JAC *p, const AFF *q, int neg) {
    F qy;
    if (neg) F_NEG(&qy, &q->y); else qy = q->y;
    if (FN(is_inf)(p)) { r->x = q->x; r->y = qy; r->z = F_ONE; return; }
    F Z1Z1, U2, S2, H, HH, I, J, rr, V, t, X3, Y3, Z3;
    F_SQR(&Z1Z1, &p->z);
    F_MUL(&U2, &q->x, &Z1Z1);
    F_MUL(&S2, &qy, &p->z); F_MUL(&S2, &S2, &Z1Z1);
    F_SUB(&H, &U2, &p->x);
    F_SUB(&rr, &S2, &p->y); F_DBL(&rr, &rr);
    if (F_IS_ZERO(&H)) {
        if (F_IS_ZERO(&rr)) FN(dbl)(r, p); else FN(set_inf)(r);
        return;
    }
    F_SQR(&HH, &H);
    F_DBL(&I, &HH); F_DBL(&I, &I);
    F_MUL(&J, &H, &I);
    F_MUL(&V, &p->x, &I);
    F_SQR(&X3, &rr); F_SUB(&X3, &X3, &J); F_DBL(&t, &V); F_SUB(&X3, &X3, &t);
    F_SUB(&t, &V, &X3); F_MUL(&Y3, &rr, &t); F_MUL(&t, &p->y, &J); F_DBL(&t, &t); F_SUB(&Y3, &Y3, &t);
    F_ADD(&Z3, &p->z, &H); F_SQR(&Z3, &Z3); F_SUB(&Z3, &Z3, &Z1Z1); F_SUB(&Z3, &Z3, &HH);
    r->x = X3; r->y = Y3; r->z = Z3;
}

static void FN(to_aff)(AFF *r, const JAC *p) {
    if (FN(is_inf)(p)) { r->x = F_ZERO; r->y = F_ZERO; r->inf = 1; return; }
    F zi, zi2;
    F_INV(&zi, &p->z);
    F_SQR(&zi2, &zi);
    F_MUL(&r->x, &p->x, &zi2);
    F_MUL(&zi2, &zi2, &zi);
    F_MUL(&r->y, &p->y, &zi2);
    r->inf = 0;
}

/* Montgomery's trick: one inversion for n points (scratch: n field elements) */
static void FN(batch_to_aff)(AFF *out, const JAC *in, size_t n, F *scratch) {
    F acc = F_ONE;
    for (size_t i = 0; i < n; i++) {
        scratch[i] = acc;
        if (!FN(is_inf)(&in[i])) F_MUL(&acc, &acc, &in[i].z);
    }
    F_INV(&acc, &acc);
    for (size_t i = n; i-- > 0;) {
        if (FN(is_inf)(&in[i])) { out[i].x = F_ZERO; out[i].y = F_ZERO; out[i].inf = 1; continue; }
        F zi, zi2;
        F_MUL(&zi, &acc, &scratch[i]);
        F_MUL(&acc, &acc, &in[i].z);
        F_SQR(&zi2, &zi);
        F_MUL(&out[i].x, &in[i].x, &zi2);
        F_MUL(&zi2, &zi2, &zi);
        F_MUL(&out[i].y, &in[i].y, &zi2);
        out[i].inf = 0;
    }
}

static int FN(on_curve)(const AFF *a) {
    if (a->inf) return 1;
    F l, r;
    F_SQR(&l, &a->y);
    F_SQR(&r, &a->x); F_MUL(&r, &r, &a->x); F_ADD(&r, &r, CURVE_B);
    return F_EQ(&l, &r);
}

/* double-and-add by a plain 256-bit scalar */
__attribute__((unused)) static void FN(mul)(JAC *r, const JAC *p, const fe *k) {
    JAC acc;
    FN(set_inf)(&acc);
    int top = 255;
    while (top >= 0 && !((k->v[top / 64] >> (top % 64)) & 1)) top--;
    for (int i = top; i >= 0; i--) {
        FN(dbl)(&acc, &acc);
        if ((k->v[i / 64] >> (i % 64)) & 1) FN(add)(&acc, &acc, p);
    }
    *r = acc;
}

/* ------------------------------------------------ Pippenger with signed digits */

#ifndef BN254_WINDOW_DIGIT
#define BN254_WINDOW_DIGIT
/* the signed base-2^c digit of k in window w, as signed_digits gives it, without the
 * windows below: the carry into window w is 1 when the raw bits of window w - 1 exceed
 * half, 0 when below, and when exactly half the carry into that window, and so on down
 * (one window below in all but 2^-c of cases). An MSM thus keeps no n * windows array
 * of digits (64 MB for a 2^20-point MSM; about a tenth of a 2^14 proof's peak memory). */
static inline int32_t window_digit(const fe *k, int w, int c) {
    int32_t half = 1 << (c - 1), carry = 0;
    for (int v = w - 1; v >= 0; v--) {
        int32_t below = (int32_t)get_bits(k, v * c, c);
        if (below != half) { carry = below > half; break; }
    }
    int32_t d = (int32_t)get_bits(k, w * c, c) + carry;
    return d > half ? d - (1 << c) : d;
}
#endif

/* The points of an MSM are read through FN(load): point i is at base + stride * src(i),
 * src(i) = idx[i] (or i without idx), x then y in Montgomery form (an AFF array: stride
 * sizeof(AFF); snarkjs's LEM points in place: stride 2 * sizeof(F), little-endian hosts).
 * neg (optional) negates point i. Two runs of points (two sections of a file): src(i) from
 * split on is read at base + stride * src(i) + delta (delta = second run's address - first's
 * - stride * split, wrapping; split = delta = 0, as a brace initialiser leaves them, is one run). */
typedef struct {
    const uint8_t *base; size_t stride; const uint32_t *idx; const uint8_t *neg; size_t split; uintptr_t delta;
} FN(src);

static inline void FN(load)(AFF *out, const FN(src) *s, size_t i, int neg) {
    size_t j = s->idx ? (size_t)s->idx[i] : i;
    const uint8_t *p = (const uint8_t *)((uintptr_t)s->base + s->stride * j + (j >= s->split ? s->delta : 0));
    memcpy(&out->x, p, sizeof(F));
    memcpy(&out->y, p + sizeof(F), sizeof(F));
    out->inf = 0;
    if (s->neg && s->neg[i]) neg = !neg;
    if (neg) F_NEG(&out->y, &out->y);
}

/* a job's digits: from digits (window w of entry i at digits[w * n + i]), or, without
 * digits, computed from ks window by window (window_digit) */
typedef struct {
    FN(src) src; const int32_t *digits; size_t n; int c, nwin;
    int first, step; JAC *window_sums; const fe *ks;
} FN(msm_job);

/* Batch-affine bucket accumulation: buckets stay affine; pending additions are applied in
 * batches that share one field inversion (Montgomery's trick). A bucket appears at most
 * once per batch; an addition to a bucket already in the batch waits in a queue for the
 * next batch, and only when the queue is full goes to that bucket's Jacobian side
 * accumulator, so hot buckets (repeated scalars, a short top window) cost a mixed
 * addition, never an inversion each. */
typedef struct { uint32_t bucket, point; int32_t neg; } FN(pending);

typedef struct {
    AFF *buckets; uint8_t *full; uint32_t *stamp; uint32_t epoch;
    FN(pending) *batch; size_t m; F *den; F *scratch; uint8_t *kind;
    FN(pending) *queue; size_t qlen, qcap;
    JAC *side; uint8_t *side_used;
    FN(src) src;
} FN(acc);

#ifndef BN254_KINDS
#define BN254_KINDS
enum { KIND_ADD = 0, KIND_DBL = 1, KIND_CANCEL = 2 };
#endif

/* b += p (p affine, not b's negation) given inv = 1 / (p.x - b.x), or b = 2 b when p is
 * NULL, given inv = 1 / (2 b.y): the affine step the batched inversions share */
static inline void FN(aff_step)(AFF *b, const AFF *p, const F *inv) {
    F lambda, t, x3, y3;
    if (p) {
        F_SUB(&t, &p->y, &b->y);
        F_MUL(&lambda, &t, inv);
        F_SQR(&x3, &lambda); F_SUB(&x3, &x3, &b->x); F_SUB(&x3, &x3, &p->x);
    } else {
        F_SQR(&t, &b->x); F_DBL(&lambda, &t); F_ADD(&t, &lambda, &t);
        F_MUL(&lambda, &t, inv);
        F_SQR(&x3, &lambda); F_SUB(&x3, &x3, &b->x); F_SUB(&x3, &x3, &b->x);
    }
    F_SUB(&t, &b->x, &x3); F_MUL(&y3, &lambda, &t); F_SUB(&y3, &y3, &b->y);
    b->x = x3; b->y = y3;
}

static void FN(flush)(FN(acc) *a) {
    size_t m = a->m;
    for (size_t j = 0; j < m; j++) {
        const AFF *b = &a->buckets[a->batch[j].bucket];
        AFF p;
        FN(load)(&p, &a->src, a->batch[j].point, a->batch[j].neg);
        if (F_EQ(&p.x, &b->x)) {
            if (F_EQ(&p.y, &b->y)) { a->kind[j] = KIND_DBL; F_DBL(&a->den[j], &b->y); }
            else { a->kind[j] = KIND_CANCEL; a->den[j] = F_ONE; }
        } else {
            a->kind[j] = KIND_ADD;
            F_SUB(&a->den[j], &p.x, &b->x);
        }
    }
    F acc = F_ONE;
    for (size_t j = 0; j < m; j++) { a->scratch[j] = acc; F_MUL(&acc, &acc, &a->den[j]); }
    F_INV(&acc, &acc);
    for (size_t j = m; j-- > 0;) {
        F inv;
        F_MUL(&inv, &acc, &a->scratch[j]);
        F_MUL(&acc, &acc, &a->den[j]);
        uint32_t bi = a->batch[j].bucket;
        AFF *b = &a->buckets[bi];
        if (a->kind[j] == KIND_CANCEL) { a->full[bi] = 0; continue; }
        AFF p;
        if (a->kind[j] == KIND_ADD) FN(load)(&p, &a->src, a->batch[j].point, a->batch[j].neg);
        FN(aff_step)(b, a->kind[j] == KIND_ADD ? &p : NULL, &inv);
    }
    a->m = 0;
    a->epoch++;
}

/* the addition of point (negated if neg) to the bucket's Jacobian side accumulator */
static void FN(side_add)(FN(acc) *a, uint32_t bucket, uint32_t point, int32_t neg) {
    if (!a->side_used[bucket]) { FN(set_inf)(&a->side[bucket]); a->side_used[bucket] = 1; }
    AFF p;
    FN(load)(&p, &a->src, point, 0);
    FN(add_aff)(&a->side[bucket], &a->side[bucket], &p, neg);
}

/* an empty bucket takes the point; a bucket not yet in the batch joins it (flushed when
 * full); 0 when the bucket is already in the batch (the caller defers the addition) */
static int FN(place)(FN(acc) *a, FN(pending) e, size_t cap) {
    if (!a->full[e.bucket]) {
        FN(load)(&a->buckets[e.bucket], &a->src, e.point, e.neg);
        a->full[e.bucket] = 1;
        return 1;
    }
    if (a->stamp[e.bucket] == a->epoch) return 0;
    a->stamp[e.bucket] = a->epoch;
    a->batch[a->m++] = e;
    if (a->m == cap) FN(flush)(a);
    return 1;
}

/* after a flush: the queued additions join the new batch where their bucket is free */
static void FN(drain)(FN(acc) *a, size_t cap) {
    size_t keep = 0, n = a->qlen;
    for (size_t i = 0; i < n; i++)
        if (!FN(place)(a, a->queue[i], cap)) a->queue[keep++] = a->queue[i];
    a->qlen = keep;
}

static void FN(feed)(FN(acc) *a, uint32_t bucket, uint32_t point, int32_t neg, size_t cap) {
    FN(pending) e = {bucket, point, neg};
    uint32_t before = a->epoch;
    if (FN(place)(a, e, cap)) {
        if (a->epoch != before) FN(drain)(a, cap);
        return;
    }
    if (a->qlen < a->qcap) a->queue[a->qlen++] = e;
    else FN(side_add)(a, bucket, point, neg);
}

/* the end of a window: one last batch with what the queue can place, the rest (repeated
 * buckets) into the side accumulators */
static void FN(finish)(FN(acc) *a, size_t cap) {
    if (a->m) FN(flush)(a);
    FN(drain)(a, cap);
    if (a->m) FN(flush)(a);
    for (size_t i = 0; i < a->qlen; i++) FN(side_add)(a, a->queue[i].bucket, a->queue[i].point, a->queue[i].neg);
    a->qlen = 0;
}

/* below this many buckets a batch is too short to amortise its inversion: buckets stay
 * Jacobian and take mixed additions (11 multiplications against about 6 + 380 / batch) */
#ifndef MSM_AFFINE_BUCKETS
#define MSM_AFFINE_BUCKETS 1024
#endif

static void *FN(msm_worker)(void *arg) {
    FN(msm_job) *job = arg;
    size_t nb = (size_t)1 << (job->c - 1);
    /* batches of up to half the buckets (the queue takes the repeats): one inversion per
     * 512 additions at c = 11 (2^14 points), per 1,024 from c = 12 (larger batches lose
     * more in cache misses than they save) */
    size_t cap = nb / 2 < 16 ? 16 : (nb / 2 > 1024 ? 1024 : nb / 2);
    FN(acc) a;
    memset(&a, 0, sizeof a);
    a.src = job->src;
    a.buckets = malloc(nb * sizeof(AFF));
    a.full = malloc(nb);
    a.stamp = calloc(nb, sizeof(uint32_t));
    a.batch = malloc(cap * sizeof(FN(pending)));
    a.den = malloc(cap * sizeof(F));
    a.scratch = malloc(cap * sizeof(F));
    a.kind = malloc(cap);
    a.qcap = cap;
    a.queue = malloc(cap * sizeof(FN(pending)));
    a.side = malloc(nb * sizeof(JAC));
    a.side_used = malloc(nb);
    void *rv = NULL;
    if (!a.buckets || !a.full || !a.stamp || !a.batch || !a.den || !a.scratch || !a.kind || !a.queue || !a.side || !a.side_used) {
        rv = (void *)1;
        goto done;
    }
    for (int w = job->first; w < job->nwin; w += job->step) {
        memset(a.full, 0, nb);
        memset(a.side_used, 0, nb);
        a.epoch++;
        if (nb < MSM_AFFINE_BUCKETS) {  /* few buckets: Jacobian buckets, mixed additions */
            for (size_t i = 0; i < job->n; i++) {
                int32_t d = job->digits ? job->digits[(size_t)w * job->n + i] : window_digit(&job->ks[i], w, job->c);
                if (!d) continue;
                uint32_t b = (uint32_t)(d > 0 ? d - 1 : -d - 1);
                if (!a.side_used[b]) { FN(set_inf)(&a.side[b]); a.side_used[b] = 1; }
                AFF p;
                FN(load)(&p, &a.src, i, d < 0);
                FN(add_aff)(&a.side[b], &a.side[b], &p, 0);
            }
        } else {
            for (size_t i = 0; i < job->n; i++) {
                int32_t d = job->digits ? job->digits[(size_t)w * job->n + i] : window_digit(&job->ks[i], w, job->c);
                if (d) FN(feed)(&a, (uint32_t)(d > 0 ? d - 1 : -d - 1), (uint32_t)i, d < 0, cap);
            }
            FN(finish)(&a, cap);
        }
        JAC running, total;
        FN(set_inf)(&running); FN(set_inf)(&total);
        for (size_t b = nb; b-- > 0;) {
            if (a.full[b]) FN(add_aff)(&running, &running, &a.buckets[b], 0);
            if (a.side_used[b]) FN(add)(&running, &running, &a.side[b]);
            FN(add)(&total, &total, &running);
        }
        job->window_sums[w] = total;
    }
done:
    free(a.buckets); free(a.full); free(a.stamp); free(a.batch); free(a.den);
    free(a.scratch); free(a.kind); free(a.queue); free(a.side); free(a.side_used);
    return rv;
}

/* sum of k_i * P_i over the n points of src (none at infinity) with non-zero scalars below
 * 2^nbits. Returns 0 on allocation failure. */
static int FN(msm_src)(JAC *result, const FN(src) *src, const fe *ks, size_t n, int nthreads, int nbits) {
    FN(set_inf)(result);
    if (n == 0) return 1;
    int c = msm_window(n, nbits);
    int nwin = (nbits + 1 + c - 1) / c;
    JAC *sums = malloc((size_t)nwin * sizeof(JAC));
    if (!sums) return 0;
    if (nthreads > nwin) nthreads = nwin;
    if (nthreads < 1) nthreads = 1;
    FN(msm_job) jobs[MAX_THREADS];
    pthread_t tids[MAX_THREADS];
    int started[MAX_THREADS] = {0};
    for (int t = 0; t < nthreads; t++) {
        jobs[t] = (FN(msm_job)){*src, NULL, n, c, nwin, t, nthreads, sums, ks};
        if (t > 0) started[t] = pthread_create(&tids[t], NULL, FN(msm_worker), &jobs[t]) == 0;
    }
    int ok = FN(msm_worker)(&jobs[0]) == NULL;
    for (int t = 1; t < nthreads; t++) {
        if (started[t]) { void *rv; pthread_join(tids[t], &rv); ok = ok && rv == NULL; }
        else ok = ok && FN(msm_worker)(&jobs[t]) == NULL;
    }
    if (ok) {
        for (int w = nwin - 1; w >= 0; w--) {
            for (int j = 0; j < c; j++) FN(dbl)(result, result);
            FN(add)(result, result, &sums[w]);
        }
    }
    free(sums);
    return ok;
}

/* sum of k_i * P_i for scalars below 2^nbits; points with a zero scalar or at infinity are
 * skipped (read in place through an index). Returns 0 on allocation failure. */
static int FN(msm_bits)(JAC *result, const AFF *pts_in, const fe *ks_in, size_t n_in, int nthreads, int nbits) {
    FN(set_inf)(result);
    uint32_t *idx = malloc((n_in ? n_in : 1) * sizeof(uint32_t));
    fe *ks = malloc((n_in ? n_in : 1) * sizeof(fe));
    if (!idx || !ks || n_in > UINT32_MAX) { free(idx); free(ks); return 0; }
    size_t n = 0;
    for (size_t i = 0; i < n_in; i++) {
        if (pts_in[i].inf || fe_is_zero(&ks_in[i])) continue;
        idx[n] = (uint32_t)i; ks[n] = ks_in[i]; n++;
    }
    FN(src) src = {(const uint8_t *)pts_in, sizeof(AFF), idx, NULL, 0, 0};
    int ok = FN(msm_src)(result, &src, ks, n, nthreads, nbits);
    free(idx); free(ks);
    return ok;
}

/* Fixed base: out[i] = k_i * base, as the sum over windows w of table[w][d_w(k_i)] with
 * table[w][d - 1] = d * 2^(c*w) * base (affine). The accumulators stay affine: a chunk of
 * FB_CHUNK scalars adds its window-w entries in one batch that shares one field inversion
 * (Montgomery's trick), about half the field multiplications of a mixed Jacobian addition
 * and no normalisation at the end. For a base of prime order r and scalars below r an
 * accumulator never meets its entry or its negation (the partial sum's scalar is below
 * 2^(c*w), the entry's at least 2^(c*w), both below r); the doubling and cancelling cases
 * are still handled, as the bucket batches do. */
#ifndef FB_CHUNK
#define FB_CHUNK 256
#endif
#ifndef FB_MAX_WINDOW
#define FB_MAX_WINDOW 10
#endif

typedef struct {
    const AFF *table; const fe *ks; AFF *out; size_t lo, hi, width; int c, nwin;
} FN(fb_job);

/* one window's additions for the chunk acc[0..m) (ks its scalars) */
static void FN(fb_window)(AFF *acc, const fe *ks, size_t m, const AFF *row, int pos, int c) {
    F den[FB_CHUNK], pre[FB_CHUNK];
    uint16_t who[FB_CHUNK];
    uint8_t kind[FB_CHUNK];
    const AFF *add[FB_CHUNK];
    size_t cnt = 0;
    for (size_t i = 0; i < m; i++) {
        uint32_t d = get_bits(&ks[i], pos, c);
        if (!d || row[d - 1].inf) continue;
        const AFF *p = &row[d - 1];
        AFF *b = &acc[i];
        if (b->inf) { *b = *p; continue; }
        if (F_EQ(&p->x, &b->x)) {
            if (F_EQ(&p->y, &b->y) && !F_IS_ZERO(&b->y)) { kind[cnt] = KIND_DBL; F_DBL(&den[cnt], &b->y); }
            else { kind[cnt] = KIND_CANCEL; den[cnt] = F_ONE; }
        } else {
            kind[cnt] = KIND_ADD;
            F_SUB(&den[cnt], &p->x, &b->x);
        }
        who[cnt] = (uint16_t)i; add[cnt] = p; cnt++;
    }
    if (!cnt) return;
    F inv_all = F_ONE;
    for (size_t k = 0; k < cnt; k++) { pre[k] = inv_all; F_MUL(&inv_all, &inv_all, &den[k]); }
    F_INV(&inv_all, &inv_all);
    for (size_t k = cnt; k-- > 0;) {
        F inv;
        F_MUL(&inv, &inv_all, &pre[k]);
        F_MUL(&inv_all, &inv_all, &den[k]);
        AFF *b = &acc[who[k]];
        if (kind[k] == KIND_CANCEL) { b->x = F_ZERO; b->y = F_ZERO; b->inf = 1; continue; }
        FN(aff_step)(b, kind[k] == KIND_ADD ? add[k] : NULL, &inv);
    }
}

static void *FN(fb_worker)(void *arg) {
    FN(fb_job) *j = arg;
    for (size_t lo = j->lo; lo < j->hi; lo += FB_CHUNK) {
        size_t m = j->hi - lo < FB_CHUNK ? j->hi - lo : FB_CHUNK;
        AFF *acc = &j->out[lo];
        for (size_t i = 0; i < m; i++) { acc[i].x = F_ZERO; acc[i].y = F_ZERO; acc[i].inf = 1; }
        for (int w = 0; w < j->nwin; w++)
            FN(fb_window)(acc, &j->ks[lo], m, &j->table[(size_t)w * j->width], w * j->c, j->c);
    }
    return NULL;
}

/* out[i] = k_i * base (k_i < r), via a table of d * 2^(c*j) * base (affine); the scalars
 * are split over nthreads threads */
static int FN(fixed_base)(AFF *out, const AFF *base, const fe *ks, size_t n, int nthreads) {
    if (n == 0) return 1;
    if (base->inf) { for (size_t i = 0; i < n; i++) { out[i].x = F_ZERO; out[i].y = F_ZERO; out[i].inf = 1; } return 1; }
    int c = msm_window(n, SCALAR_BITS);
    if (c > FB_MAX_WINDOW) c = FB_MAX_WINDOW;
    int nwin = (SCALAR_BITS + c - 1) / c;
    size_t width = ((size_t)1 << c) - 1, tsize = width * (size_t)nwin;
    JAC *jt = malloc(tsize * sizeof(JAC));
    AFF *table = malloc(tsize * sizeof(AFF));
    F *scratch = malloc(tsize * sizeof(F));
    if (!jt || !table || !scratch) { free(jt); free(table); free(scratch); return 0; }
    JAC start;
    FN(from_aff)(&start, base);
    for (int w = 0; w < nwin; w++) {
        JAC *row = &jt[(size_t)w * width];
        row[0] = start;
        for (size_t d = 1; d < width; d++) FN(add)(&row[d], &row[d - 1], &start);
        for (int j = 0; j < c; j++) FN(dbl)(&start, &start);
    }
    FN(batch_to_aff)(table, jt, tsize, scratch);
    free(jt); free(scratch);
    if (nthreads < 1) nthreads = 1;
    if ((size_t)nthreads > n) nthreads = (int)n;
    FN(fb_job) jobs[MAX_THREADS];
    pthread_t tids[MAX_THREADS];
    int started[MAX_THREADS] = {0};
    for (int t = 0; t < nthreads; t++) {
        jobs[t] = (FN(fb_job)){table, ks, out, n * t / nthreads, n * (t + 1) / nthreads, width, c, nwin};
        if (t > 0) started[t] = pthread_create(&tids[t], NULL, FN(fb_worker), &jobs[t]) == 0;
    }
    FN(fb_worker)(&jobs[0]);
    for (int t = 1; t < nthreads; t++) {
        if (started[t]) pthread_join(tids[t], NULL); else FN(fb_worker)(&jobs[t]);
    }
    free(table);
    return 1;
}

/* FN, JAC and AFF stay defined for curve_ops.h, which undefines them */
