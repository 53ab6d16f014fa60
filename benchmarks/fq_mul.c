/* Micro-benchmark of the C kernels' field multiplication (built by benchmarks/kernels.py). */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "../zkp/_bn254_src/field.h"

int main(int argc, char **argv) {
    long iters = argc > 1 ? atol(argv[1]) : 20000000;
    bn254_detect_cpu();
    fe a = FP.r2, b = FP.one;
    b.v[0] ^= 12345;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (long i = 0; i < iters; i++) fp_mul(&a, &a, &b);  /* a dependency chain: latency */
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double ns = ((t1.tv_sec - t0.tv_sec) * 1e9 + (t1.tv_nsec - t0.tv_nsec)) / iters;
    printf("%.2f %llu\n", ns, (unsigned long long)a.v[0]);
    return 0;
}
