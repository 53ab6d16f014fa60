/* The Poseidon permutation over Fr (x^5 S-box), batched over many states; included by
 * module.c. Constants arrive in Montgomery form; states are permuted in place. */
#pragma once

#define POSEIDON_MAX_T 17

typedef struct {
    const fe *rc, *mds; int t, full, partial; fe *states; size_t lo, hi;
} poseidon_job;

static inline void fr_pow5(fe *x) {
    fe x2, x4;
    fr_mul(&x2, x, x);
    fr_mul(&x4, &x2, &x2);
    fr_mul(x, &x4, x);
}

static void poseidon_one(fe *s, const fe *rc, const fe *mds, int t, int full, int partial) {
    fe tmp[POSEIDON_MAX_T];
    int half = full / 2;
    for (int r = 0; r < full + partial; r++) {
        for (int i = 0; i < t; i++) fr_add(&s[i], &s[i], &rc[r * t + i]);
        if (r < half || r >= half + partial) {
            for (int i = 0; i < t; i++) fr_pow5(&s[i]);
        } else {
            fr_pow5(&s[0]);
        }
        for (int i = 0; i < t; i++) {
            fe acc, p;
            fr_mul(&acc, &mds[i * t], &s[0]);
            for (int j = 1; j < t; j++) { fr_mul(&p, &mds[i * t + j], &s[j]); fr_add(&acc, &acc, &p); }
            tmp[i] = acc;
        }
        for (int i = 0; i < t; i++) s[i] = tmp[i];
    }
}

static void *poseidon_worker(void *arg) {
    poseidon_job *j = arg;
    for (size_t k = j->lo; k < j->hi; k++)
        poseidon_one(&j->states[k * (size_t)j->t], j->rc, j->mds, j->t, j->full, j->partial);
    return NULL;
}

static void poseidon_batch(fe *states, size_t n, const fe *rc, const fe *mds, int t, int full, int partial, int nthreads) {
    if (nthreads < 1) nthreads = 1;
    if ((size_t)nthreads > n) nthreads = n ? (int)n : 1;
    poseidon_job jobs[MAX_THREADS];
    pthread_t tids[MAX_THREADS];
    int started[MAX_THREADS] = {0};
    for (int i = 0; i < nthreads; i++) {
        jobs[i] = (poseidon_job){rc, mds, t, full, partial, states, n * i / nthreads, n * (i + 1) / nthreads};
        if (i > 0) started[i] = pthread_create(&tids[i], NULL, poseidon_worker, &jobs[i]) == 0;
    }
    poseidon_worker(&jobs[0]);
    for (int i = 1; i < nthreads; i++) {
        if (started[i]) pthread_join(tids[i], NULL); else poseidon_worker(&jobs[i]);
    }
}
