/* BLAKE2b-512 (RFC 7693) over snarkjs's resumable state: 128 pending-block bytes, h0..h7 as
 * little-endian 32-bit halves, the count of bytes compressed (u64 as two u32), the pending
 * length (u32) and two zero words: 216 bytes. Like @noble/hashes, the last block (1..128
 * bytes) stays pending until more input or the digest. Included by module.c. */
#pragma once

static const uint64_t B2_IV[8] = {
    0x6A09E667F3BCC908ULL, 0xBB67AE8584CAA73BULL, 0x3C6EF372FE94F82BULL, 0xA54FF53A5F1D36F1ULL,
    0x510E527FADE682D1ULL, 0x9B05688C2B3E6C1FULL, 0x1F83D9ABFB41BD6BULL, 0x5BE0CD19137E2179ULL};
static const uint8_t B2_SIGMA[12][16] = {
    {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}, {14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3},
    {11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4}, {7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8},
    {9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13}, {2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9},
    {12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11}, {13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10},
    {6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5}, {10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0},
    {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}, {14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3}};

static inline uint64_t b2_rotr(uint64_t x, int n) { return (x >> n) | (x << (64 - n)); }
static inline uint64_t b2_load(const uint8_t *p) {
    uint64_t w = 0;
    for (int i = 7; i >= 0; i--) w = (w << 8) | p[i];
    return w;
}

static void b2_compress(uint64_t h[8], const uint8_t *block, uint64_t t) {
    uint64_t m[16], v[16];
    for (int i = 0; i < 16; i++) m[i] = b2_load(block + 8 * i);
    for (int i = 0; i < 8; i++) { v[i] = h[i]; v[i + 8] = B2_IV[i]; }
    v[12] ^= t;
#define B2_G(a, b, c, d, x, y)                                            \
    v[a] = v[a] + v[b] + (x); v[d] = b2_rotr(v[d] ^ v[a], 32);           \
    v[c] = v[c] + v[d]; v[b] = b2_rotr(v[b] ^ v[c], 24);                  \
    v[a] = v[a] + v[b] + (y); v[d] = b2_rotr(v[d] ^ v[a], 16);           \
    v[c] = v[c] + v[d]; v[b] = b2_rotr(v[b] ^ v[c], 63);
    for (int r = 0; r < 12; r++) {
        const uint8_t *s = B2_SIGMA[r];
        B2_G(0, 4, 8, 12, m[s[0]], m[s[1]]) B2_G(1, 5, 9, 13, m[s[2]], m[s[3]])
        B2_G(2, 6, 10, 14, m[s[4]], m[s[5]]) B2_G(3, 7, 11, 15, m[s[6]], m[s[7]])
        B2_G(0, 5, 10, 15, m[s[8]], m[s[9]]) B2_G(1, 6, 11, 12, m[s[10]], m[s[11]])
        B2_G(2, 7, 8, 13, m[s[12]], m[s[13]]) B2_G(3, 4, 9, 14, m[s[14]], m[s[15]])
    }
#undef B2_G
    for (int i = 0; i < 8; i++) h[i] ^= v[i] ^ v[i + 8];
}

static uint32_t b2_u32(const uint8_t *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24; }
static void b2_put32(uint8_t *p, uint32_t w) { for (int i = 0; i < 4; i++) p[i] = (uint8_t)(w >> (8 * i)); }

static PyObject *py_blake2b_update(PyObject *Py_UNUSED(self), PyObject *args) {
    Py_buffer sb, db;
    if (!PyArg_ParseTuple(args, "y*y*", &sb, &db)) return NULL;
    if (sb.len != 216) {
        PyBuffer_Release(&sb); PyBuffer_Release(&db);
        return malformed("blake2b state: expected 216 bytes, found %zd", sb.len);
    }
    const uint8_t *st = sb.buf;
    uint64_t h[8], t;
    uint8_t buf[128];
    for (int i = 0; i < 8; i++) h[i] = (uint64_t)b2_u32(st + 128 + 8 * i) | (uint64_t)b2_u32(st + 132 + 8 * i) << 32;
    t = (uint64_t)b2_u32(st + 192) | (uint64_t)b2_u32(st + 196) << 32;
    uint32_t pos = b2_u32(st + 200);
    if (pos > 128 || b2_u32(st + 204)) {
        PyBuffer_Release(&sb); PyBuffer_Release(&db);
        return malformed("blake2b state: more than 128 pending bytes in a 128-byte block");
    }
    memcpy(buf, st, 128);
    PyBuffer_Release(&sb);
    const uint8_t *d = db.buf;
    size_t len = (size_t)db.len, off = 0;
    Py_BEGIN_ALLOW_THREADS
    while (off < len) {
        if (pos == 128) { t += 128; b2_compress(h, buf, t); pos = 0; }
        if (pos == 0) {
            while (len - off > 128) { t += 128; b2_compress(h, d + off, t); off += 128; }
        }
        size_t take = 128 - pos < len - off ? 128 - pos : len - off;
        memcpy(buf + pos, d + off, take);
        pos += (uint32_t)take; off += take;
    }
    Py_END_ALLOW_THREADS
    PyBuffer_Release(&db);
    PyObject *out = PyBytes_FromStringAndSize(NULL, 216);
    if (!out) return NULL;
    uint8_t *o = (uint8_t *)PyBytes_AS_STRING(out);
    memset(o, 0, 216);
    memcpy(o, buf, pos);
    for (int i = 0; i < 8; i++) { b2_put32(o + 128 + 8 * i, (uint32_t)h[i]); b2_put32(o + 132 + 8 * i, (uint32_t)(h[i] >> 32)); }
    b2_put32(o + 192, (uint32_t)t); b2_put32(o + 196, (uint32_t)(t >> 32)); b2_put32(o + 200, pos);
    return out;
}
