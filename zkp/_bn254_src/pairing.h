/* Optimal ate pairing on BN254: the tower Fp12 = Fp6[w]/(w^2 - v), Fp6 = Fp2[v]/(v^3 - xi),
 * xi = 9 + u; G2 in homogeneous projective coordinates on the D-type twist; one shared
 * Miller loop for all pairs; the final exponentiation's hard part by the
 * Fuentes-Castaneda et al. chain (it computes a fixed power of the reduced pairing that
 * is coprime to r, which is all a product check needs). */
#pragma once

typedef struct { fp2 c0, c1, c2; } fp6;
typedef struct { fp6 c0, c1; } fp12;

static const fp2 TWIST_B = {B2_MONT};
static const fp2 FROB_G[6] = FROB_GAMMA;
static const fp2 TWIST_QX = {TWIST_Q_X};
static const fp2 TWIST_QY = {TWIST_Q_Y};
static const fe TWO_INV = TWO_INV_MONT;
static const int8_t ATE[ATE_NAF_LEN] = ATE_NAF;

static void fp6_add(fp6 *r, const fp6 *a, const fp6 *b) { fp2_add(&r->c0, &a->c0, &b->c0); fp2_add(&r->c1, &a->c1, &b->c1); fp2_add(&r->c2, &a->c2, &b->c2); }
static void fp6_sub(fp6 *r, const fp6 *a, const fp6 *b) { fp2_sub(&r->c0, &a->c0, &b->c0); fp2_sub(&r->c1, &a->c1, &b->c1); fp2_sub(&r->c2, &a->c2, &b->c2); }
static void fp6_neg(fp6 *r, const fp6 *a) { fp2_neg(&r->c0, &a->c0); fp2_neg(&r->c1, &a->c1); fp2_neg(&r->c2, &a->c2); }

/* multiply by v: (a0, a1, a2) -> (xi a2, a0, a1) */
static void fp6_mul_v(fp6 *r, const fp6 *a) {
    fp2 t;
    fp2_mul_xi(&t, &a->c2);
    r->c2 = a->c1; r->c1 = a->c0; r->c0 = t;
}

static void fp6_mul(fp6 *r, const fp6 *a, const fp6 *b) {
    fp2 aa, bb, cc, t1, t2, t3, s, u;
    fp2_mul(&aa, &a->c0, &b->c0);
    fp2_mul(&bb, &a->c1, &b->c1);
    fp2_mul(&cc, &a->c2, &b->c2);
    fp2_add(&s, &a->c1, &a->c2); fp2_add(&u, &b->c1, &b->c2); fp2_mul(&t1, &s, &u);
    fp2_sub(&t1, &t1, &bb); fp2_sub(&t1, &t1, &cc); fp2_mul_xi(&t1, &t1); fp2_add(&t1, &t1, &aa);
    fp2_add(&s, &a->c0, &a->c2); fp2_add(&u, &b->c0, &b->c2); fp2_mul(&t3, &s, &u);
    fp2_sub(&t3, &t3, &aa); fp2_add(&t3, &t3, &bb); fp2_sub(&t3, &t3, &cc);
    fp2_add(&s, &a->c0, &a->c1); fp2_add(&u, &b->c0, &b->c1); fp2_mul(&t2, &s, &u);
    fp2_sub(&t2, &t2, &aa); fp2_sub(&t2, &t2, &bb); fp2_mul_xi(&s, &cc); fp2_add(&t2, &t2, &s);
    r->c0 = t1; r->c1 = t2; r->c2 = t3;
}

static void fp6_inv(fp6 *r, const fp6 *a) {
    fp2 c0, c1, c2, t, s;
    fp2_sqr(&c0, &a->c0); fp2_mul(&t, &a->c1, &a->c2); fp2_mul_xi(&t, &t); fp2_sub(&c0, &c0, &t);
    fp2_sqr(&c1, &a->c2); fp2_mul_xi(&c1, &c1); fp2_mul(&t, &a->c0, &a->c1); fp2_sub(&c1, &c1, &t);
    fp2_sqr(&c2, &a->c1); fp2_mul(&t, &a->c0, &a->c2); fp2_sub(&c2, &c2, &t);
    fp2_mul(&t, &a->c2, &c1); fp2_mul(&s, &a->c1, &c2); fp2_add(&t, &t, &s); fp2_mul_xi(&t, &t);
    fp2_mul(&s, &a->c0, &c0); fp2_add(&t, &t, &s);
    fp2_inv(&t, &t);
    fp2_mul(&r->c0, &c0, &t); fp2_mul(&r->c1, &c1, &t); fp2_mul(&r->c2, &c2, &t);
}

static void fp12_one(fp12 *r) { memset(r, 0, sizeof *r); r->c0.c0 = FP2_ONE; }

static int fp12_is_one(const fp12 *a) {
    fp12 one;
    fp12_one(&one);
    return !memcmp(a, &one, sizeof one);
}

static void fp12_mul(fp12 *r, const fp12 *a, const fp12 *b) {
    fp6 aa, bb, s, u, c1;
    fp6_mul(&aa, &a->c0, &b->c0);
    fp6_mul(&bb, &a->c1, &b->c1);
    fp6_add(&s, &a->c0, &a->c1); fp6_add(&u, &b->c0, &b->c1); fp6_mul(&c1, &s, &u);
    fp6_sub(&c1, &c1, &aa); fp6_sub(&c1, &c1, &bb);
    fp6_mul_v(&bb, &bb);
    fp6_add(&r->c0, &aa, &bb);
    r->c1 = c1;
}

/* complex squaring: two Fp6 products instead of three */
static void fp12_sqr(fp12 *r, const fp12 *a) {
    fp6 ab, s, t, u;
    fp6_mul(&ab, &a->c0, &a->c1);
    fp6_add(&s, &a->c0, &a->c1);
    fp6_mul_v(&t, &a->c1);
    fp6_add(&t, &t, &a->c0);
    fp6_mul(&s, &s, &t);
    fp6_sub(&s, &s, &ab);
    fp6_mul_v(&u, &ab);
    fp6_sub(&r->c0, &s, &u);
    fp6_add(&r->c1, &ab, &ab);
}
static void fp12_conj(fp12 *r, const fp12 *a) { r->c0 = a->c0; fp6_neg(&r->c1, &a->c1); }

static void fp12_inv(fp12 *r, const fp12 *a) {
    fp6 t0, t1;
    fp6_mul(&t0, &a->c0, &a->c0);
    fp6_mul(&t1, &a->c1, &a->c1);
    fp6_mul_v(&t1, &t1);
    fp6_sub(&t0, &t0, &t1);
    fp6_inv(&t0, &t0);
    fp6_mul(&r->c0, &a->c0, &t0);
    fp6_mul(&t1, &a->c1, &t0);
    fp6_neg(&r->c1, &t1);
}

/* x -> x^p: the coefficient of w^k (k = 2j + i for c_i.c_j) is conjugated and multiplied
 * by xi^(k(p-1)/6) */
static void fp12_frob(fp12 *r, const fp12 *a) {
    const fp6 *in[2] = {&a->c0, &a->c1};
    fp6 *out[2] = {&r->c0, &r->c1};
    for (int i = 0; i < 2; i++) {
        const fp2 *src[3] = {&in[i]->c0, &in[i]->c1, &in[i]->c2};
        fp2 *dst[3] = {&out[i]->c0, &out[i]->c1, &out[i]->c2};
        for (int j = 0; j < 3; j++) {
            fp2 t;
            fp2_conj(&t, src[j]);
            fp2_mul(dst[j], &t, &FROB_G[2 * j + i]);
        }
    }
}

/* a * (c0 + c1 v), the sparse Fp6 product of the line multiplication */
static void fp6_mul_01(fp6 *r, const fp6 *a, const fp2 *c0, const fp2 *c1) {
    fp2 aa, bb, t1, t2, t3, s, u;
    fp2_mul(&aa, &a->c0, c0);
    fp2_mul(&bb, &a->c1, c1);
    fp2_add(&s, &a->c1, &a->c2); fp2_mul(&t1, &s, c1); fp2_sub(&t1, &t1, &bb);
    fp2_mul_xi(&t1, &t1); fp2_add(&t1, &t1, &aa);
    fp2_add(&s, &a->c0, &a->c2); fp2_mul(&t3, &s, c0); fp2_sub(&t3, &t3, &aa); fp2_add(&t3, &t3, &bb);
    fp2_add(&s, c0, c1); fp2_add(&u, &a->c0, &a->c1); fp2_mul(&t2, &s, &u);
    fp2_sub(&t2, &t2, &aa); fp2_sub(&t2, &t2, &bb);
    r->c0 = t1; r->c1 = t2; r->c2 = t3;
}

/* f = f * (c0 + c3 w + c4 v w): the sparse line of a D-type twist (13 Fp2 products) */
static void fp12_mul_line(fp12 *f, const fp2 *c0, const fp2 *c3, const fp2 *c4) {
    fp6 a, b, e, t;
    fp2 s;
    fp2_mul(&a.c0, &f->c0.c0, c0);
    fp2_mul(&a.c1, &f->c0.c1, c0);
    fp2_mul(&a.c2, &f->c0.c2, c0);
    fp6_mul_01(&b, &f->c1, c3, c4);
    fp2_add(&s, c0, c3);
    fp6_add(&t, &f->c0, &f->c1);
    fp6_mul_01(&e, &t, &s, c4);
    fp6_add(&t, &a, &b);
    fp6_sub(&f->c1, &e, &t);
    fp6_mul_v(&b, &b);
    fp6_add(&f->c0, &b, &a);
}

typedef struct { fp2 x, y, z; } g2_proj;

static void line_double(g2_proj *r, fp2 *c0, fp2 *c1, fp2 *c2) {
    fp2 a, b, c, e, f, g, h, i, j, es, t;
    fp2_mul(&a, &r->x, &r->y); fp2_mul_fp(&a, &a, &TWO_INV);
    fp2_sqr(&b, &r->y);
    fp2_sqr(&c, &r->z);
    fp2_dbl(&t, &c); fp2_add(&t, &t, &c); fp2_mul(&e, &TWIST_B, &t);
    fp2_dbl(&f, &e); fp2_add(&f, &f, &e);
    fp2_add(&g, &b, &f); fp2_mul_fp(&g, &g, &TWO_INV);
    fp2_add(&h, &r->y, &r->z); fp2_sqr(&h, &h); fp2_add(&t, &b, &c); fp2_sub(&h, &h, &t);
    fp2_sub(&i, &e, &b);
    fp2_sqr(&j, &r->x);
    fp2_sqr(&es, &e);
    fp2_sub(&t, &b, &f); fp2_mul(&r->x, &a, &t);
    fp2_sqr(&r->y, &g); fp2_dbl(&t, &es); fp2_add(&t, &t, &es); fp2_sub(&r->y, &r->y, &t);
    fp2_mul(&r->z, &b, &h);
    fp2_neg(c0, &h);
    fp2_dbl(c1, &j); fp2_add(c1, c1, &j);
    *c2 = i;
}

static void line_add(g2_proj *r, const fp2 *qx, const fp2 *qy, fp2 *c0, fp2 *c1, fp2 *c2) {
    fp2 theta, lambda, c, d, e, f, g, h, t, j;
    fp2_mul(&t, qy, &r->z); fp2_sub(&theta, &r->y, &t);
    fp2_mul(&t, qx, &r->z); fp2_sub(&lambda, &r->x, &t);
    fp2_sqr(&c, &theta);
    fp2_sqr(&d, &lambda);
    fp2_mul(&e, &lambda, &d);
    fp2_mul(&f, &r->z, &c);
    fp2_mul(&g, &r->x, &d);
    fp2_add(&h, &e, &f); fp2_dbl(&t, &g); fp2_sub(&h, &h, &t);
    fp2_mul(&r->x, &lambda, &h);
    fp2_sub(&t, &g, &h); fp2_mul(&t, &theta, &t); fp2_mul(&c, &e, &r->y); fp2_sub(&r->y, &t, &c);
    fp2_mul(&r->z, &r->z, &e);
    fp2_mul(&j, &theta, qx); fp2_mul(&t, &lambda, qy); fp2_sub(&j, &j, &t);
    *c0 = lambda;
    fp2_neg(c1, &theta);
    *c2 = j;
}

typedef struct { fe px, py; fp2 qx, qy; g2_proj r; } pair_state;

static void ell(fp12 *f, const pair_state *s, fp2 *c0, fp2 *c1, const fp2 *c2) {
    fp2_mul_fp(c0, c0, &s->py);
    fp2_mul_fp(c1, c1, &s->px);
    fp12_mul_line(f, c0, c1, c2);
}

static void miller_loop(fp12 *f, pair_state *st, size_t n) {
    fp12_one(f);
    for (size_t k = 0; k < n; k++) { st[k].r.x = st[k].qx; st[k].r.y = st[k].qy; st[k].r.z = FP2_ONE; }
    for (int i = ATE_NAF_LEN - 1; i > 0; i--) {
        if (i != ATE_NAF_LEN - 1) fp12_sqr(f, f);
        for (size_t k = 0; k < n; k++) {
            fp2 c0, c1, c2;
            line_double(&st[k].r, &c0, &c1, &c2);
            ell(f, &st[k], &c0, &c1, &c2);
        }
        int bit = ATE[i - 1];
        if (!bit) continue;
        for (size_t k = 0; k < n; k++) {
            fp2 c0, c1, c2, ny;
            if (bit > 0) ny = st[k].qy; else fp2_neg(&ny, &st[k].qy);
            line_add(&st[k].r, &st[k].qx, &ny, &c0, &c1, &c2);
            ell(f, &st[k], &c0, &c1, &c2);
        }
    }
    for (size_t k = 0; k < n; k++) {
        fp2 q1x, q1y, q2x, q2y, c0, c1, c2;
        fp2_conj(&q1x, &st[k].qx); fp2_mul(&q1x, &q1x, &TWIST_QX);
        fp2_conj(&q1y, &st[k].qy); fp2_mul(&q1y, &q1y, &TWIST_QY);
        fp2_conj(&q2x, &q1x); fp2_mul(&q2x, &q2x, &TWIST_QX);
        fp2_conj(&q2y, &q1y); fp2_mul(&q2y, &q2y, &TWIST_QY); fp2_neg(&q2y, &q2y);
        line_add(&st[k].r, &q1x, &q1y, &c0, &c1, &c2);
        ell(f, &st[k], &c0, &c1, &c2);
        line_add(&st[k].r, &q2x, &q2y, &c0, &c1, &c2);
        ell(f, &st[k], &c0, &c1, &c2);
    }
}

/* squaring in the cyclotomic subgroup (Granger and Scott): 9 Fp2 products instead of 12;
 * valid only after the easy part of the final exponentiation */
static void fp2_sq_pair(fp2 *t0, fp2 *t1, const fp2 *a, const fp2 *b) {
    fp2 tmp, s, u, v;
    fp2_mul(&tmp, a, b);
    fp2_add(&s, a, b);
    fp2_mul_xi(&u, b); fp2_add(&u, &u, a);
    fp2_mul(&s, &s, &u);
    fp2_mul_xi(&v, &tmp);
    fp2_sub(&s, &s, &tmp); fp2_sub(t0, &s, &v);
    fp2_dbl(t1, &tmp);
}

static void three_minus_two(fp2 *z, const fp2 *t) {  /* z = 3t - 2z */
    fp2 d;
    fp2_sub(&d, t, z); fp2_dbl(&d, &d); fp2_add(z, &d, t);
}

static void three_plus_two(fp2 *z, const fp2 *t) {  /* z = 3t + 2z */
    fp2 d;
    fp2_add(&d, t, z); fp2_dbl(&d, &d); fp2_add(z, &d, t);
}

static void fp12_cyc_sqr(fp12 *r, const fp12 *a) {
    fp2 t0, t1, t2, t3, t4, t5, x;
    fp2_sq_pair(&t0, &t1, &a->c0.c0, &a->c1.c1);
    fp2_sq_pair(&t2, &t3, &a->c1.c0, &a->c0.c2);
    fp2_sq_pair(&t4, &t5, &a->c0.c1, &a->c1.c2);
    *r = *a;
    three_minus_two(&r->c0.c0, &t0);
    three_plus_two(&r->c1.c1, &t1);
    fp2_mul_xi(&x, &t5);
    three_plus_two(&r->c1.c0, &x);
    three_minus_two(&r->c0.c2, &t4);
    three_minus_two(&r->c0.c1, &t2);
    three_plus_two(&r->c1.c2, &t3);
}

/* f^(-u) for an element of the cyclotomic subgroup (inverse = conjugate) */
static void exp_by_neg_u(fp12 *r, const fp12 *a) {
    fp12 acc = *a;  /* bit 62, the top bit of u */
    for (int i = 61; i >= 0; i--) {
        fp12_cyc_sqr(&acc, &acc);
        if ((BN_U >> i) & 1) fp12_mul(&acc, &acc, a);
    }
    fp12_conj(r, &acc);
}

static void final_exponentiation(fp12 *out, const fp12 *f) {
    fp12 t, r;
    /* easy part: f^((p^6 - 1)(p^2 + 1)) */
    fp12_inv(&t, f);
    fp12_conj(&r, f);
    fp12_mul(&r, &r, &t);
    fp12_frob(&t, &r); fp12_frob(&t, &t);
    fp12_mul(&r, &t, &r);
    /* hard part */
    fp12 y0, y1, y2, y3, y4, y5, y6, y7, y8, y9, y10, y11, y12, y13, y14, y15;
    exp_by_neg_u(&y0, &r);
    fp12_cyc_sqr(&y1, &y0);
    fp12_cyc_sqr(&y2, &y1);
    fp12_mul(&y3, &y2, &y1);
    exp_by_neg_u(&y4, &y3);
    fp12_cyc_sqr(&y5, &y4);
    exp_by_neg_u(&y6, &y5);
    fp12_conj(&y3, &y3);
    fp12_conj(&y6, &y6);
    fp12_mul(&y7, &y6, &y4);
    fp12_mul(&y8, &y7, &y3);
    fp12_mul(&y9, &y8, &y1);
    fp12_mul(&y10, &y8, &y4);
    fp12_mul(&y11, &y10, &r);
    fp12_frob(&y12, &y9);
    fp12_mul(&y13, &y12, &y11);
    fp12_frob(&y8, &y8); fp12_frob(&y8, &y8);
    fp12_mul(&y14, &y8, &y13);
    fp12_conj(&r, &r);
    fp12_mul(&y15, &r, &y9);
    fp12_frob(&y15, &y15); fp12_frob(&y15, &y15); fp12_frob(&y15, &y15);
    fp12_mul(out, &y15, &y14);
}
