/* BN254 field arithmetic: Montgomery form on 4 x 64-bit limbs (little-endian limbs).
 *
 * Both moduli have a top limb below 2^62, so the "no-carry" CIOS multiplication applies.
 * Values in Montgomery form never leave the C code: the Python boundary is canonical
 * big-endian bytes. Variable-time: never use where timing leaks secrets. */
#pragma once
#define FE_INLINE static inline __attribute__((always_inline))
#include <stdint.h>
#include <string.h>
#include "constants.h"

typedef unsigned __int128 u128;
typedef struct { uint64_t v[4]; } fe;
typedef struct { fe mod; uint64_t inv; fe r2; fe one; } mont_t;

static const mont_t FP = {P_MOD, P_INV, P_R2, P_ONE};
static const mont_t FR = {R_MOD, R_INV, R_R2, R_ONE};
static const fe FE_ZERO = {{0, 0, 0, 0}};
static const fe FE_PLAIN_ONE = {{1, 0, 0, 0}};

/* r = a - b over 256 bits; returns the borrow */
static inline uint64_t fe_sub_raw(fe *r, const fe *a, const fe *b) {
    uint64_t borrow = 0;
    for (int i = 0; i < 4; i++) {
        u128 d = (u128)a->v[i] - b->v[i] - borrow;
        r->v[i] = (uint64_t)d;
        borrow = (uint64_t)(d >> 64) & 1;
    }
    return borrow;
}

static inline void fe_reduce_once(fe *a, const fe *q) {
    fe t;
    if (!fe_sub_raw(&t, a, q)) *a = t;
}

static inline int fe_lt(const fe *a, const fe *q) {
    fe t;
    return (int)fe_sub_raw(&t, a, q);
}

FE_INLINE int fe_is_zero(const fe *a) { return !(a->v[0] | a->v[1] | a->v[2] | a->v[3]); }
static inline int fe_eq(const fe *a, const fe *b) {
    return !((a->v[0] ^ b->v[0]) | (a->v[1] ^ b->v[1]) | (a->v[2] ^ b->v[2]) | (a->v[3] ^ b->v[3]));
}

/* set once at import (bn254_detect_cpu) when the CPU has BMI2 and ADX; stays 0 elsewhere */
static int bn254_has_mulx = 0;

/* portable no-carry CIOS (the top limb of both moduli is below 2^62) */
FE_INLINE void mont_mul_portable(fe *r, const fe *a, const fe *b, const mont_t *m) {
    uint64_t t[4] = {0, 0, 0, 0};
    const uint64_t *q = m->mod.v;
    for (int i = 0; i < 4; i++) {
        u128 x = (u128)a->v[0] * b->v[i] + t[0];
        uint64_t A = (uint64_t)(x >> 64);
        t[0] = (uint64_t)x;
        uint64_t k = t[0] * m->inv;
        u128 y = (u128)k * q[0] + t[0];
        uint64_t C = (uint64_t)(y >> 64);
        for (int j = 1; j < 4; j++) {
            x = (u128)a->v[j] * b->v[i] + t[j] + A;
            A = (uint64_t)(x >> 64);
            t[j] = (uint64_t)x;
            y = (u128)k * q[j] + t[j] + C;
            C = (uint64_t)(y >> 64);
            t[j - 1] = (uint64_t)y;
        }
        t[3] = C + A;
    }
    memcpy(r->v, t, sizeof t);
    fe_reduce_once(r, &m->mod);
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__)) && !defined(BN254_PORTABLE)
#include <x86intrin.h>
/* CIOS with the products of a round computed independently and summed through two
 * add-with-carry chains (_addcarry_u64): about 24 ns against 33 ns for the portable
 * loop below with gcc 12 on this project's machines (benchmarks/fq_mul.c). */
static inline void mul_wide(unsigned long long *lo, unsigned long long *hi, uint64_t a, uint64_t b) {
    u128 p = (u128)a * b;
    *lo = (unsigned long long)p;
    *hi = (unsigned long long)(p >> 64);
}

FE_INLINE void mont_mul_adx(fe *r, const fe *a, const fe *b, const mont_t *m) {
    unsigned long long t0 = 0, t1 = 0, t2 = 0, t3 = 0, t4, l0, h0, l1, h1, l2, h2, l3, h3;
    const uint64_t *q = m->mod.v;
    unsigned char c;
    for (int i = 0; i < 4; i++) {
        uint64_t bi = b->v[i];
        mul_wide(&l0, &h0, a->v[0], bi); mul_wide(&l1, &h1, a->v[1], bi);
        mul_wide(&l2, &h2, a->v[2], bi); mul_wide(&l3, &h3, a->v[3], bi);
        c = _addcarry_u64(0, t0, l0, &t0); c = _addcarry_u64(c, t1, l1, &t1);
        c = _addcarry_u64(c, t2, l2, &t2); c = _addcarry_u64(c, t3, l3, &t3); t4 = c;
        c = _addcarry_u64(0, t1, h0, &t1); c = _addcarry_u64(c, t2, h1, &t2);
        c = _addcarry_u64(c, t3, h2, &t3); _addcarry_u64(c, t4, h3, &t4);
        uint64_t k = t0 * m->inv;
        mul_wide(&l0, &h0, k, q[0]); mul_wide(&l1, &h1, k, q[1]);
        mul_wide(&l2, &h2, k, q[2]); mul_wide(&l3, &h3, k, q[3]);
        c = _addcarry_u64(0, t0, l0, &t0); c = _addcarry_u64(c, t1, l1, &t1);
        c = _addcarry_u64(c, t2, l2, &t2); c = _addcarry_u64(c, t3, l3, &t3); t4 += c;
        c = _addcarry_u64(0, t1, h0, &t1); c = _addcarry_u64(c, t2, h1, &t2);
        c = _addcarry_u64(c, t3, h2, &t3); _addcarry_u64(c, t4, h3, &t4);
        t0 = t1; t1 = t2; t2 = t3; t3 = t4;
    }
    unsigned long long s0, s1, s2, s3;
    c = _subborrow_u64(0, t0, q[0], &s0); c = _subborrow_u64(c, t1, q[1], &s1);
    c = _subborrow_u64(c, t2, q[2], &s2); c = _subborrow_u64(c, t3, q[3], &s3);
    if (c) { r->v[0] = t0; r->v[1] = t1; r->v[2] = t2; r->v[3] = t3; }
    else { r->v[0] = s0; r->v[1] = s1; r->v[2] = s2; r->v[3] = s3; }
}
#include <cpuid.h>

static void bn254_detect_cpu(void) {
    unsigned int a, b, c, d;
    if (__get_cpuid_max(0, NULL) >= 7) {
        __cpuid_count(7, 0, a, b, c, d);
        bn254_has_mulx = ((b >> 8) & 1) && ((b >> 19) & 1);  /* BMI2, ADX */
    }
}

#include "mont_mulx.h"

/* With BMI2 + ADX both fields take the mulx/adcx/adox assembly (Fq mul 18 ns in a latency
 * chain against 21 ns for the intrinsic carry chains and 31 ns for the portable loop,
 * benchmarks/fq_mul.c; NTT 2^16 21 ms against 29 ms portable). Without it, Fp products
 * (latency-bound curve arithmetic) take the intrinsic carry chains, and Fr products (NTT
 * butterflies, throughput-bound) the portable loop, which gcc 12 schedules better there
 * (NTT 2^16 28 ms vs 60 ms). */
FE_INLINE void mont_mul(fe *r, const fe *a, const fe *b, const mont_t *m) {
    if (__builtin_expect(bn254_has_mulx, 1)) mont_mul_mulx(r, a, b, m);
    else if (m == &FR) mont_mul_portable(r, a, b, m);
    else mont_mul_adx(r, a, b, m);
}
#else
static void bn254_detect_cpu(void) {}
FE_INLINE void mont_mul(fe *r, const fe *a, const fe *b, const mont_t *m) { mont_mul_portable(r, a, b, m); }
#endif

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__)) && !defined(BN254_PORTABLE)
FE_INLINE void mont_add(fe *r, const fe *a, const fe *b, const mont_t *m) {
    unsigned long long t0, t1, t2, t3, s0, s1, s2, s3;
    const uint64_t *q = m->mod.v;
    unsigned char c = _addcarry_u64(0, a->v[0], b->v[0], &t0);
    c = _addcarry_u64(c, a->v[1], b->v[1], &t1);
    c = _addcarry_u64(c, a->v[2], b->v[2], &t2);
    _addcarry_u64(c, a->v[3], b->v[3], &t3);  /* no carry out: a + b < 2^255 */
    c = _subborrow_u64(0, t0, q[0], &s0); c = _subborrow_u64(c, t1, q[1], &s1);
    c = _subborrow_u64(c, t2, q[2], &s2); c = _subborrow_u64(c, t3, q[3], &s3);
    uint64_t keep = (uint64_t)0 - c;  /* select without a branch: the borrow is data-dependent */
    r->v[0] = (t0 & keep) | (s0 & ~keep); r->v[1] = (t1 & keep) | (s1 & ~keep);
    r->v[2] = (t2 & keep) | (s2 & ~keep); r->v[3] = (t3 & keep) | (s3 & ~keep);
}

FE_INLINE void mont_sub(fe *r, const fe *a, const fe *b, const mont_t *m) {
    unsigned long long t0, t1, t2, t3;
    const uint64_t *q = m->mod.v;
    unsigned char c = _subborrow_u64(0, a->v[0], b->v[0], &t0);
    c = _subborrow_u64(c, a->v[1], b->v[1], &t1);
    c = _subborrow_u64(c, a->v[2], b->v[2], &t2);
    c = _subborrow_u64(c, a->v[3], b->v[3], &t3);
    uint64_t mask = (uint64_t)0 - c;  /* add q back after a borrow */
    c = _addcarry_u64(0, t0, q[0] & mask, &t0); c = _addcarry_u64(c, t1, q[1] & mask, &t1);
    c = _addcarry_u64(c, t2, q[2] & mask, &t2); _addcarry_u64(c, t3, q[3] & mask, &t3);
    r->v[0] = t0; r->v[1] = t1; r->v[2] = t2; r->v[3] = t3;
}
#else
FE_INLINE void mont_add(fe *r, const fe *a, const fe *b, const mont_t *m) {
    u128 c = 0;
    for (int i = 0; i < 4; i++) {
        c += (u128)a->v[i] + b->v[i];
        r->v[i] = (uint64_t)c;
        c >>= 64;
    }
    fe_reduce_once(r, &m->mod);
}

FE_INLINE void mont_sub(fe *r, const fe *a, const fe *b, const mont_t *m) {
    if (fe_sub_raw(r, a, b)) {
        u128 c = 0;
        for (int i = 0; i < 4; i++) {
            c += (u128)r->v[i] + m->mod.v[i];
            r->v[i] = (uint64_t)c;
            c >>= 64;
        }
    }
}
#endif

FE_INLINE void mont_neg(fe *r, const fe *a, const mont_t *m) {
    if (fe_is_zero(a)) { *r = *a; return; }
    fe_sub_raw(r, &m->mod, a);
}

/* a^e for a 256-bit plain exponent (square and multiply, most significant bit first) */
static inline void mont_pow(fe *r, const fe *a, const fe *e, const mont_t *m) {
    fe acc = m->one, base = *a;
    for (int i = 255; i >= 0; i--) {
        mont_mul(&acc, &acc, &acc, m);
        if ((e->v[i / 64] >> (i % 64)) & 1) mont_mul(&acc, &acc, &base, m);
    }
    *r = acc;
}

static const fe P_MINUS_2_C = P_MINUS_2;
static const fe R_MINUS_2_C = R_MINUS_2;

static inline void fp_inv(fe *r, const fe *a) { mont_pow(r, a, &P_MINUS_2_C, &FP); }
static inline void fr_inv(fe *r, const fe *a) { mont_pow(r, a, &R_MINUS_2_C, &FR); }

/* 32 big-endian bytes -> plain limbs; no range check */
static inline void fe_from_be(fe *r, const uint8_t *b) {
    for (int i = 0; i < 4; i++) {
        uint64_t w = 0;
        for (int j = 0; j < 8; j++) w = (w << 8) | b[(3 - i) * 8 + j];
        r->v[i] = w;
    }
}

static inline void fe_to_be(uint8_t *b, const fe *a) {
    for (int i = 0; i < 4; i++) {
        uint64_t w = a->v[i];
        for (int j = 7; j >= 0; j--) { b[(3 - i) * 8 + j] = (uint8_t)w; w >>= 8; }
    }
}

/* canonical bytes -> Montgomery form; returns 0 when the value is >= the modulus */
static inline int mont_from_be(fe *r, const uint8_t *b, const mont_t *m) {
    fe_from_be(r, b);
    if (!fe_lt(r, &m->mod)) return 0;
    mont_mul(r, r, &m->r2, m);
    return 1;
}

static inline void mont_to_be(uint8_t *b, const fe *a, const mont_t *m) {
    fe t;
    mont_mul(&t, a, &FE_PLAIN_ONE, m);
    fe_to_be(b, &t);
}

/* ---------------------------------------------------------------- Fp shorthands */
FE_INLINE void fp_mul(fe *r, const fe *a, const fe *b) { mont_mul(r, a, b, &FP); }
FE_INLINE void fp_sqr(fe *r, const fe *a) { mont_mul(r, a, a, &FP); }
FE_INLINE void fp_add(fe *r, const fe *a, const fe *b) { mont_add(r, a, b, &FP); }
FE_INLINE void fp_sub(fe *r, const fe *a, const fe *b) { mont_sub(r, a, b, &FP); }
FE_INLINE void fp_neg(fe *r, const fe *a) { mont_neg(r, a, &FP); }
FE_INLINE void fp_dbl(fe *r, const fe *a) { mont_add(r, a, a, &FP); }
FE_INLINE void fr_mul(fe *r, const fe *a, const fe *b) { mont_mul(r, a, b, &FR); }
FE_INLINE void fr_add(fe *r, const fe *a, const fe *b) { mont_add(r, a, b, &FR); }
FE_INLINE void fr_sub(fe *r, const fe *a, const fe *b) { mont_sub(r, a, b, &FR); }

/* ---------------------------------------------------------------- Fp2 = Fp[u]/(u^2 + 1) */
typedef struct { fe c0, c1; } fp2;

static inline void fp2_add(fp2 *r, const fp2 *a, const fp2 *b) { fp_add(&r->c0, &a->c0, &b->c0); fp_add(&r->c1, &a->c1, &b->c1); }
static inline void fp2_sub(fp2 *r, const fp2 *a, const fp2 *b) { fp_sub(&r->c0, &a->c0, &b->c0); fp_sub(&r->c1, &a->c1, &b->c1); }
static inline void fp2_dbl(fp2 *r, const fp2 *a) { fp_dbl(&r->c0, &a->c0); fp_dbl(&r->c1, &a->c1); }
static inline void fp2_neg(fp2 *r, const fp2 *a) { fp_neg(&r->c0, &a->c0); fp_neg(&r->c1, &a->c1); }
static inline void fp2_conj(fp2 *r, const fp2 *a) { r->c0 = a->c0; fp_neg(&r->c1, &a->c1); }
static inline int fp2_is_zero(const fp2 *a) { return fe_is_zero(&a->c0) && fe_is_zero(&a->c1); }
static inline int fp2_eq(const fp2 *a, const fp2 *b) { return fe_eq(&a->c0, &b->c0) && fe_eq(&a->c1, &b->c1); }

static inline void fp2_mul(fp2 *r, const fp2 *a, const fp2 *b) {
    fe t0, t1, s0, s1;
    fp_mul(&t0, &a->c0, &b->c0);
    fp_mul(&t1, &a->c1, &b->c1);
    fp_add(&s0, &a->c0, &a->c1);
    fp_add(&s1, &b->c0, &b->c1);
    fp_mul(&s0, &s0, &s1);
    fp_sub(&r->c0, &t0, &t1);
    fp_sub(&s0, &s0, &t0);
    fp_sub(&r->c1, &s0, &t1);
}

static inline void fp2_sqr(fp2 *r, const fp2 *a) {
    fe s, d, p;
    fp_add(&s, &a->c0, &a->c1);
    fp_sub(&d, &a->c0, &a->c1);
    fp_mul(&p, &a->c0, &a->c1);
    fp_mul(&r->c0, &s, &d);
    fp_dbl(&r->c1, &p);
}

static inline void fp2_mul_fp(fp2 *r, const fp2 *a, const fe *k) { fp_mul(&r->c0, &a->c0, k); fp_mul(&r->c1, &a->c1, k); }

/* multiply by xi = 9 + u: (a0 + a1 u)(9 + u) = (9 a0 - a1) + (a0 + 9 a1) u */
static inline void fp2_mul_xi(fp2 *r, const fp2 *a) {
    fe n0, n1, t;
    fp_dbl(&t, &a->c0); fp_dbl(&t, &t); fp_dbl(&t, &t); fp_add(&n0, &t, &a->c0);
    fp_dbl(&t, &a->c1); fp_dbl(&t, &t); fp_dbl(&t, &t); fp_add(&n1, &t, &a->c1);
    fe r0, r1;
    fp_sub(&r0, &n0, &a->c1);
    fp_add(&r1, &a->c0, &n1);
    r->c0 = r0; r->c1 = r1;
}

static inline void fp2_inv(fp2 *r, const fp2 *a) {
    fe t0, t1;
    fp_sqr(&t0, &a->c0);
    fp_sqr(&t1, &a->c1);
    fp_add(&t0, &t0, &t1);
    fp_inv(&t0, &t0);
    fp_mul(&r->c0, &a->c0, &t0);
    fp_mul(&t1, &a->c1, &t0);
    fp_neg(&r->c1, &t1);
}

static const fp2 FP2_ZERO = {{{0, 0, 0, 0}}, {{0, 0, 0, 0}}};
static const fp2 FP2_ONE = {P_ONE, {{0, 0, 0, 0}}};
