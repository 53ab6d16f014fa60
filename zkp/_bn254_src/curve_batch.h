/* Batch-affine scalar multiplication: many points multiplied in lockstep, every doubling
 * and addition in affine coordinates with one field inversion shared by the whole batch
 * (Montgomery's trick): an affine addition costs about 6 multiplications instead of 16 in
 * Jacobian coordinates. Template: included from curve_ops.h (FN, JAC, AFF and the field
 * macros defined; FN(split), FN(endo_aff), FN(wnaf) declared). */

#define BATCH 2048
#define NAF_LEN 136

/* v[i] <- 1 / v[i] for i < m (all non-zero); scr holds m elements */
static void FN(batch_inv)(F *v, size_t m, F *scr) {
    if (m == 0) return;
    F acc = F_ONE;
    for (size_t i = 0; i < m; i++) { scr[i] = acc; F_MUL(&acc, &acc, &v[i]); }
    F_INV(&acc, &acc);
    for (size_t i = m; i-- > 0;) { F t; F_MUL(&t, &acc, &scr[i]); F_MUL(&acc, &acc, &v[i]); v[i] = t; }
}

/* r = a + b through Jacobian formulas (the rare cases: infinity, equal x) */
static void FN(add_slow)(AFF *r, const AFF *a, const AFF *b) {
    JAC ja, jb;
    FN(from_aff)(&ja, a); FN(from_aff)(&jb, b);
    FN(add)(&ja, &ja, &jb);
    FN(to_aff)(r, &ja);
}

typedef struct { F *den, *scr; uint32_t *idx; } FN(scratch);

/* acc[who[j]] += add[j] for j < m (the who distinct) */
static void FN(batch_add)(AFF *acc, const uint32_t *who, const AFF *add, size_t m, FN(scratch) *s) {
    size_t q = 0;
    for (size_t j = 0; j < m; j++) {
        AFF *a = &acc[who[j]];
        const AFF *b = &add[j];
        if (b->inf) continue;
        if (a->inf) { *a = *b; continue; }
        if (F_EQ(&a->x, &b->x)) { FN(add_slow)(a, a, b); continue; }
        F_SUB(&s->den[q], &b->x, &a->x);
        s->idx[q++] = (uint32_t)j;
    }
    FN(batch_inv)(s->den, q, s->scr);
    for (size_t t = 0; t < q; t++) {
        AFF *a = &acc[who[s->idx[t]]];
        const AFF *b = &add[s->idx[t]];
        F l, x3, y3;
        F_SUB(&l, &b->y, &a->y); F_MUL(&l, &l, &s->den[t]);
        F_SQR(&x3, &l); F_SUB(&x3, &x3, &a->x); F_SUB(&x3, &x3, &b->x);
        F_SUB(&y3, &a->x, &x3); F_MUL(&y3, &y3, &l); F_SUB(&y3, &y3, &a->y);
        a->x = x3; a->y = y3;
    }
}

/* acc[j] <- 2 acc[j] for j < m */
static void FN(batch_dbl)(AFF *acc, size_t m, FN(scratch) *s) {
    size_t q = 0;
    for (size_t j = 0; j < m; j++) {
        if (acc[j].inf) continue;
        if (F_IS_ZERO(&acc[j].y)) { acc[j].inf = 1; acc[j].x = F_ZERO; acc[j].y = F_ZERO; continue; }
        F_DBL(&s->den[q], &acc[j].y);
        s->idx[q++] = (uint32_t)j;
    }
    FN(batch_inv)(s->den, q, s->scr);
    for (size_t t = 0; t < q; t++) {
        AFF *a = &acc[s->idx[t]];
        F l, x3, y3;
        F_SQR(&l, &a->x); F_ADD(&x3, &l, &l); F_ADD(&l, &x3, &l);   /* 3 x^2 */
        F_MUL(&l, &l, &s->den[t]);
        F_SQR(&x3, &l); F_SUB(&x3, &x3, &a->x); F_SUB(&x3, &x3, &a->x);
        F_SUB(&y3, &a->x, &x3); F_MUL(&y3, &y3, &l); F_SUB(&y3, &y3, &a->y);
        a->x = x3; a->y = y3;
    }
}

/* pts[j] <- ks[j] * pts[j] for j < m <= BATCH, in lockstep: each scalar split by the
 * group's endomorphism into two ~128-bit halves with width-5 NAF digits; the odd multiples
 * 1..15 built in affine (the second base's table is the endomorphism of the first) */
static int FN(mul_batch)(AFF *pts, const fe *ks, size_t m) {
    AFF *tab = malloc(m * 8 * sizeof(AFF)), *acc = malloc(m * sizeof(AFF)), *cur = malloc(m * sizeof(AFF));
    AFF *two = malloc(m * sizeof(AFF)), *add = malloc(m * sizeof(AFF));
    int8_t *d = malloc(m * 2 * NAF_LEN);
    int *neg2 = malloc(m * sizeof(int));
    uint32_t *who = malloc(m * sizeof(uint32_t));
    FN(scratch) s = {malloc(m * sizeof(F)), malloc(m * sizeof(F)), malloc(m * sizeof(uint32_t))};
    int ok = tab && acc && cur && two && add && d && neg2 && who && s.den && s.scr && s.idx;
    if (ok) {
        int top = 0;
        memset(d, 0, m * 2 * NAF_LEN);
        for (size_t j = 0; j < m; j++) {
            fe k1, k2; int n1, n2;
            FN(split)(&ks[j], &k1, &n1, &k2, &n2);
            int l1 = FN(wnaf)(&d[j * 2 * NAF_LEN], &k1), l2 = FN(wnaf)(&d[j * 2 * NAF_LEN + NAF_LEN], &k2);
            if (l1 > top) top = l1;
            if (l2 > top) top = l2;
            cur[j] = pts[j];
            if (n1 && !cur[j].inf) F_NEG(&cur[j].y, &cur[j].y);
            neg2[j] = n1 ^ n2;  /* the second table is endo(+-P): its sign relative to k2 */
            tab[j * 8] = cur[j];
            two[j] = cur[j];
            acc[j].inf = 1; acc[j].x = F_ZERO; acc[j].y = F_ZERO;
            who[j] = (uint32_t)j;
        }
        FN(batch_dbl)(two, m, &s);
        for (int t = 1; t < 8; t++) {
            FN(batch_add)(cur, who, two, m, &s);
            for (size_t j = 0; j < m; j++) tab[j * 8 + t] = cur[j];
        }
        for (int pos = top - 1; pos >= 0; pos--) {
            FN(batch_dbl)(acc, m, &s);
            for (int half = 0; half < 2; half++) {
                size_t q = 0;
                for (size_t j = 0; j < m; j++) {
                    int dig = d[j * 2 * NAF_LEN + half * NAF_LEN + pos];
                    if (!dig) continue;
                    const AFF *e = &tab[j * 8 + (dig > 0 ? dig : -dig) / 2];
                    if (half) FN(endo_aff)(&add[q], e); else add[q] = *e;
                    if (((dig < 0) ^ (half ? neg2[j] : 0)) && !add[q].inf) F_NEG(&add[q].y, &add[q].y);
                    who[q++] = (uint32_t)j;
                }
                FN(batch_add)(acc, who, add, q, &s);
            }
        }
        memcpy(pts, acc, m * sizeof(AFF));
    }
    free(tab); free(acc); free(cur); free(two); free(add); free(d); free(neg2); free(who);
    free(s.den); free(s.scr); free(s.idx);
    return ok;
}
