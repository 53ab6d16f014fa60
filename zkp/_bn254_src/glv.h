/* G1 scalar multiplication through the GLV endomorphism (x, y) -> (beta x, y) = [lambda](x, y).
 * Included by module.c after the G1 instantiation of curve_impl.h. */
#pragma once

static const fe GLV_BETA = GLV_BETA_MONT;

/* low 4 limbs of a * b, and the limbs 4..7 (the product shifted right by 256) */
static void mul_256(fe *lo, fe *hi, const fe *a, const fe *b) {
    uint64_t t[8] = {0};
    for (int i = 0; i < 4; i++) {
        u128 carry = 0;
        for (int j = 0; j < 4; j++) {
            carry += (u128)a->v[i] * b->v[j] + t[i + j];
            t[i + j] = (uint64_t)carry;
            carry >>= 64;
        }
        t[i + 4] = (uint64_t)carry;
    }
    if (lo) memcpy(lo->v, t, 32);
    if (hi) memcpy(hi->v, t + 4, 32);
}

static void sub_256(fe *r, const fe *a, const fe *b) { fe_sub_raw(r, a, b); }

/* k = k1 + k2 * lambda (mod r) with |k1|, |k2| < 2^128; returns the signs */
static void glv_split(const fe *k, fe *k1, int *neg1, fe *k2, int *neg2) {
    static const fe g1 = GLV_G1, g2 = GLV_G2, a1 = GLV_A1, b1n = GLV_B1_NEG, a2 = GLV_A2, b2 = GLV_B2;
    fe c1, c2, t, u;
    mul_256(NULL, &c1, k, &g1);
    mul_256(NULL, &c2, k, &g2);
    mul_256(&t, NULL, &c1, &a1);
    sub_256(k1, k, &t);
    mul_256(&t, NULL, &c2, &a2);
    sub_256(k1, k1, &t);
    mul_256(&t, NULL, &c1, &b1n);
    mul_256(&u, NULL, &c2, &b2);
    sub_256(k2, &t, &u);
    static const fe zero = {{0, 0, 0, 0}};
    *neg1 = (int)(k1->v[3] >> 63);
    if (*neg1) sub_256(k1, &zero, k1);
    *neg2 = (int)(k2->v[3] >> 63);
    if (*neg2) sub_256(k2, &zero, k2);
}

/* G1 MSM through the endomorphism: 2n points with scalars of 128 bits */
static int g1_msm(g1_jac *result, const g1_aff *pts, const fe *ks, size_t n, int nthreads) {
    if (n < 32) return g1_msm_bits(result, pts, ks, n, nthreads, SCALAR_BITS);
    g1_aff *p2 = malloc(2 * n * sizeof(g1_aff));
    fe *k2s = malloc(2 * n * sizeof(fe));
    if (!p2 || !k2s) { free(p2); free(k2s); return 0; }
    for (size_t i = 0; i < n; i++) {
        int n1, n2;
        glv_split(&ks[i], &k2s[2 * i], &n1, &k2s[2 * i + 1], &n2);
        p2[2 * i] = pts[i];
        if (n1 && !pts[i].inf) fp_neg(&p2[2 * i].y, &pts[i].y);
        p2[2 * i + 1] = pts[i];
        if (!pts[i].inf) {
            fp_mul(&p2[2 * i + 1].x, &pts[i].x, &GLV_BETA);
            if (n2) fp_neg(&p2[2 * i + 1].y, &pts[i].y);
        }
    }
    int ok = g1_msm_bits(result, p2, k2s, 2 * n, nthreads, 128);
    free(p2); free(k2s);
    return ok;
}

