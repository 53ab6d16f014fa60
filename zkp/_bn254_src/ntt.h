/* Radix-2 NTT, coset NTT and the parallel coset step of the QAP, over Fr in Montgomery form.
 * Included by module.c. */
#pragma once

static const fe FR_ROOT = FR_ROOT_2_28_MONT;
static const fe FR_GEN = FR_GEN_MONT;

static void fr_root(fe *w, int log_n, int inverse) {
    *w = FR_ROOT;
    for (int i = log_n; i < FR_TWO_ADICITY; i++) fr_mul(w, w, w);
    if (inverse) fr_inv(w, w);
}

/* in place; returns 0 on allocation failure */
static int ntt(fe *a, size_t n, int log_n, int inverse) {
    if (n == 1) return 1;
    for (size_t i = 1, j = 0; i < n; i++) {
        size_t bit = n >> 1;
        for (; j & bit; bit >>= 1) j ^= bit;
        j ^= bit;
        if (i < j) { fe t = a[i]; a[i] = a[j]; a[j] = t; }
    }
    fe *ws = malloc((n / 2) * sizeof(fe));
    if (!ws) return 0;
    fe w;
    fr_root(&w, log_n, inverse);
    ws[0] = FR.one;
    for (size_t j = 1; j < n / 2; j++) fr_mul(&ws[j], &ws[j - 1], &w);
    for (size_t m = 1; m < n; m <<= 1) {
        size_t stride = n / (2 * m);
        for (size_t k = 0; k < n; k += 2 * m) {
            for (size_t j = 0; j < m; j++) {
                fe t, u = a[k + j], x = a[k + j + m], tw = ws[j * stride];
                fr_mul(&t, &tw, &x);
                fr_add(&a[k + j], &u, &t);
                fr_sub(&a[k + j + m], &u, &t);
            }
        }
    }
    free(ws);
    if (inverse) {
        fe ninv = {{(uint64_t)n, 0, 0, 0}};
        mont_mul(&ninv, &ninv, &FR.r2, &FR);
        fr_inv(&ninv, &ninv);
        for (size_t i = 0; i < n; i++) fr_mul(&a[i], &a[i], &ninv);
    }
    return 1;
}

static void scale_powers(fe *a, size_t n, const fe *g) {
    fe acc = FR.one;
    for (size_t i = 0; i < n; i++) { fr_mul(&a[i], &a[i], &acc); fr_mul(&acc, &acc, g); }
}

/* the NTT on the coset g*H (g in Montgomery form) */
static int coset_ntt(fe *a, size_t n, int log_n, int inverse, const fe *g) {
    if (!inverse) { scale_powers(a, n, g); return ntt(a, n, log_n, 0); }
    if (!ntt(a, n, log_n, 1)) return 0;
    fe gi;
    fr_inv(&gi, g);
    scale_powers(a, n, &gi);
    return 1;
}

typedef struct { fe *v; size_t len; int log_n; const fe *g; int ok; } coset_job;

static void *coset_worker(void *arg) {
    coset_job *j = arg;
    j->ok = ntt(j->v, j->len, j->log_n, 1) && coset_ntt(j->v, j->len, j->log_n, 0, j->g);
    return NULL;
}

/* evaluations on H -> evaluations on the coset g*H, for a, b and c at once (one thread
 * each when there are cores for them) */
static int to_coset_parallel(fe *v[3], size_t len, int log_n, int nt, const fe *g) {
    coset_job jobs[3];
    pthread_t tids[3];
    int started[3] = {0, 0, 0};
    for (int i = 0; i < 3; i++) {
        jobs[i] = (coset_job){v[i], len, log_n, g, 0};
        if (i > 0 && nt > 1) started[i] = pthread_create(&tids[i], NULL, coset_worker, &jobs[i]) == 0;
    }
    coset_worker(&jobs[0]);
    for (int i = 1; i < 3; i++) {
        if (started[i]) pthread_join(tids[i], NULL); else coset_worker(&jobs[i]);
    }
    return jobs[0].ok && jobs[1].ok && jobs[2].ok;
}

