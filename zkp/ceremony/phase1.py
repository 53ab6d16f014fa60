"""Phase 1, powers of tau, in snarkjs's ``.ptau`` format: new, contribute, beacon, verify,
prepare (the Lagrange bases phase 2 needs).

A contribution multiplies the i-th power in every vector by ``tau^i`` (and the alpha, beta
vectors by alpha, beta) and publishes, for each of tau, alpha and beta, ``g1_s``,
``g1_sx = x g1_s`` and ``g2_spx = x g2_sp`` where ``g2_sp`` is hashed from the previous
challenge: pairings then show every vector still holds consecutive powers of one secret
that extends the previous contributions'. The challenge/response hashes are snarkjs's
(BLAKE2b over the points, compressed in the response, uncompressed in the challenge).

Security:
    Secrets come from :mod:`secrets` (``entropy`` is mixed in, never used alone) and are
    dropped before the function returns.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

import numpy as np

from .._backend import kernels
from ..curve import G1Point, G2Point
from ..errors import FormatError, MalformedInputError, SetupError
from ..field import P, R, to_words
from ..formats.ptau import PTau, PTauContribution, build_ptau
from ..progress import Progress, Report, reporter
from ._blake2b import Blake2b
from ._rng import beacon_rng, fr_from_rng, g1_from_rng, hash_to_g2
from ..groth16._random import drawer
from .contribute import CeremonyError, _secret

__all__ = ["ptau_new", "ptau_contribute", "ptau_beacon", "ptau_verify", "ptau_prepare"]

_MAX_NEW_POWER = 28
_HALF = np.array([int(((P - 1) // 2) >> (64 * (3 - i))) & ((1 << 64) - 1) for i in range(4)], dtype=np.uint64)


def _enc(k: int) -> bytes:
    return (k % R).to_bytes(32, "big")


def _gt_half(words: np.ndarray) -> np.ndarray:
    """Rows of 4 big-endian uint64 words, each compared with (p - 1) / 2."""
    gt = np.zeros(words.shape[0], dtype=bool)
    eq = np.ones(words.shape[0], dtype=bool)
    for i in range(4):
        gt |= eq & (words[:, i] > _HALF[i])
        eq &= words[:, i] == _HALF[i]
    return gt


def compress_g1(points: bytes) -> bytes:
    """ffjavascript's compressed G1: x big-endian, 0x80 set when y > (p-1)/2, 0x40 alone
    for the point at infinity."""
    a = np.frombuffer(points, dtype=np.uint8).reshape(-1, 64)
    out = a[:, :32].copy()
    inf = ~a.any(axis=1)
    neg = _gt_half(a[:, 32:].copy().view(">u8").astype(np.uint64))
    out[:, 0] |= np.where(neg & ~inf, 0x80, 0).astype(np.uint8)
    out[inf, 0] = 0x40
    return out.tobytes()


def compress_g2(points: bytes) -> bytes:
    """ffjavascript's compressed G2: x as c1 || c0 big-endian; the sign of y is judged on
    y.c1, or on y.c0 when y.c1 is zero."""
    a = np.frombuffer(points, dtype=np.uint8).reshape(-1, 128)
    out = a[:, :64].copy()
    inf = ~a.any(axis=1)
    c1 = a[:, 64:96].copy().view(">u8").astype(np.uint64)
    c0 = a[:, 96:].copy().view(">u8").astype(np.uint64)
    neg = np.where(c1.any(axis=1), _gt_half(c1), _gt_half(c0))
    out[:, 0] |= np.where(neg & ~inf, 0x80, 0).astype(np.uint8)
    out[inf, 0] = 0x40
    return out.tobytes()


def first_challenge(power: int) -> bytes:
    """The challenge hash of a new file of this power (snarkjs's ``calculateFirstChallengeHash``)."""
    n = 1 << power
    h = hashlib.blake2b(hashlib.blake2b(b"", digest_size=64).digest(), digest_size=64)
    g1, g2 = G1Point.generator().to_bytes(), G2Point.generator().to_bytes()
    for point, count in ((g1, 2 * n - 1), (g2, n), (g1, n), (g1, n)):
        block = point * min(count, 4096)
        for i in range(0, count, 4096):
            h.update(block if count - i >= 4096 else point * (count - i))
    h.update(g2)
    return h.digest()


def ptau_new(power: int) -> PTau:
    """A new powers-of-tau file (every point the generator), ready for contributions."""
    if not isinstance(power, int) or not 1 <= power <= _MAX_NEW_POWER:
        raise SetupError(f"ptau new: power must be an int in [1, {_MAX_NEW_POWER}], found {power!r}")
    n = 1 << power
    g1, g2 = G1Point.generator().to_bytes(), G2Point.generator().to_bytes()
    return build_ptau(power, g1 * (2 * n - 1), g2 * n, g1 * n, g1 * n, g2, ())


def _challenge(pt: PTau) -> bytes:
    return pt.contributions[-1].next_challenge if pt.contributions else first_challenge(pt.power)


def _g2_sp(personalization: int, challenge: bytes, g1_s: G1Point, g1_sx: G1Point) -> G2Point:
    h = hashlib.blake2b(bytes([personalization]) + challenge + g1_s.to_bytes() + g1_sx.to_bytes(),
                        digest_size=64)
    return G2Point(*hash_to_g2(h.digest()))


def _key(challenge: bytes, prv: tuple[int, int, int], g1s: tuple[G1Point, G1Point, G1Point]) -> tuple[bytes, bytes]:
    """The public key (6 G1, 3 G2 points in snarkjs's order) of secrets tau, alpha, beta."""
    g1, g2 = b"", b""
    for i, (x, s) in enumerate(zip(prv, g1s)):
        sx = s * x
        g1 += s.to_bytes() + sx.to_bytes()
        g2 += (_g2_sp(i, challenge, s, sx) * x).to_bytes()
    return g1, g2


def _apply(pt: PTau, prv: tuple[int, int, int], g1s: tuple[G1Point, G1Point, G1Point],
           params: dict[str, Any], progress: Report) -> PTau:
    if pt.ceremony_power != pt.power:
        raise SetupError("ptau: this file was truncated; contribute to the full one")
    tau, alpha, beta = prv
    n = 1 << pt.power
    challenge = _challenge(pt)
    key_g1, key_g2 = _key(challenge, prv, g1s)
    one, t = _enc(1), _enc(tau)
    steps = [("tauG1", kernels.g1_apply_key, pt.tau_g1(2 * n - 1), one),
             ("tauG2", kernels.g2_apply_key, pt.tau_g2(n), one),
             ("alphaTauG1", kernels.g1_apply_key, pt.alpha_tau_g1(n), _enc(alpha)),
             ("betaTauG1", kernels.g1_apply_key, pt.beta_tau_g1(n), _enc(beta)),
             ("betaG2", kernels.g2_apply_key, pt.beta_g2(), _enc(beta))]
    out = []
    response = Blake2b()
    response.update(challenge)
    for i, (name, fn, pts, first) in enumerate(steps):
        progress(name, i, len(steps))
        new = bytes(fn(pts, first, t))
        out.append(new)
        response.update(compress_g1(new) if fn is kernels.g1_apply_key else compress_g2(new))
    progress("hashes", len(steps), len(steps))
    partial = response.partial()
    response.update(key_g1 + key_g2)
    nxt = hashlib.blake2b(response.digest(), digest_size=64)
    for v in out:
        nxt.update(v)
    c = PTauContribution(tau_g1=out[0][64:128], tau_g2=out[1][128:256], alpha_g1=out[2][:64],
                         beta_g1=out[3][:64], beta_g2=out[4], key_g1=key_g1, key_g2=key_g2,
                         partial_hash=partial, next_challenge=nxt.digest(), **params)
    return build_ptau(pt.power, out[0], out[1], out[2], out[3], out[4], pt.contributions + (c,))


def ptau_contribute(pt: PTau, *, name: str = "", entropy: bytes | str = b"", rng: Any = None,
                    progress: Progress = None) -> PTau:
    """Add a contribution (snarkjs's ``powersoftau contribute``); drops any prepared
    Lagrange sections (prepare again after the last contribution)."""
    progress = reporter(progress, "contribute")
    draw = drawer(rng)
    extra = hashlib.blake2b(entropy.encode() if isinstance(entropy, str) else bytes(entropy)).digest()
    prv = [_secret(draw, extra, label) for label in (b"tau", b"alpha", b"beta")]
    g1s = tuple(G1Point.generator() * (draw(R - 1) + 1) for _ in range(3))
    g1_s = (g1s[0], g1s[1], g1s[2])
    out = _apply(pt, (prv[0], prv[1], prv[2]), g1_s, {"beacon": False, "name": name}, progress)
    del prv
    return out


def _beacon_key(beacon_hash: bytes, exp: int) -> tuple[tuple[int, int, int], tuple[G1Point, G1Point, G1Point]]:
    rng = beacon_rng(beacon_hash, exp)
    prv = (fr_from_rng(rng), fr_from_rng(rng), fr_from_rng(rng))
    g1s = (G1Point(*g1_from_rng(rng)), G1Point(*g1_from_rng(rng)), G1Point(*g1_from_rng(rng)))
    return prv, g1s


def ptau_beacon(pt: PTau, beacon_hash: bytes | str, num_iterations_exp: int, *, name: str = "",
                progress: Progress = None) -> PTau:
    """Apply a public random beacon (snarkjs's ``powersoftau beacon``; exponent 10..63)."""
    progress = reporter(progress, "beacon")
    raw = bytes.fromhex(beacon_hash) if isinstance(beacon_hash, str) else bytes(beacon_hash)
    if not 0 < len(raw) < 256:
        raise SetupError(f"beacon: the hash must be 1..255 bytes, found {len(raw)}")
    if not 10 <= num_iterations_exp <= 63:
        raise SetupError(f"beacon: num_iterations_exp must be in [10, 63], found {num_iterations_exp}")
    prv, g1s = _beacon_key(raw, num_iterations_exp)
    return _apply(pt, prv, g1s, {"beacon": True, "name": name, "num_iterations_exp": num_iterations_exp,
                                 "beacon_hash": raw}, progress)


# ---------------------------------------------------------------- verification


def _same_ratio(a1: bytes, b1: bytes, a2: bytes, b2: bytes) -> bool:
    """``e(a1, b2) == e(b1, a2)`` (encoded points), none the identity."""
    if not any(a1) or not any(b1) or not any(a2) or not any(b2):
        return False
    neg = (-G1Point.from_bytes(a1)).to_bytes()
    return bool(kernels.pairing_check(neg + b1, b2 + a2))


def _split(c: PTauContribution) -> list[tuple[bytes, bytes, bytes]]:
    return [(c.key_g1[128 * i:128 * i + 64], c.key_g1[128 * i + 64:128 * i + 128], c.key_g2[128 * i:128 * i + 128])
            for i in range(3)]


def _check_contribution(i: int, cur: PTauContribution, prev: dict[str, bytes]) -> None:
    tag = f"contribution #{i} ({cur.name or 'no name'})"
    keys = _split(cur)
    if cur.beacon:
        prv, g1s = _beacon_key(cur.beacon_hash, cur.num_iterations_exp)
        want_g1, want_g2 = _key(prev["challenge"], prv, g1s)
        if (want_g1, want_g2) != (cur.key_g1, cur.key_g2):
            raise CeremonyError(f"{tag}: the beacon's key does not match its hash")
    sps = []
    for j, (s, sx, spx) in enumerate(keys):
        sp = _g2_sp(j, prev["challenge"], G1Point.from_bytes(s), G1Point.from_bytes(sx)).to_bytes()
        if not _same_ratio(s, sx, sp, spx):
            raise CeremonyError(f"{tag}: the {('tau', 'alpha', 'beta')[j]} key's G1 and G2 parts "
                                "do not have the same ratio")
        sps.append(sp)
    (ts, tsx, tspx), (_, _, aspx), (bs, bsx, bspx) = keys
    links = [(prev["tau_g1"], cur.tau_g1, sps[0], tspx, "tau*G1"), (ts, tsx, prev["tau_g2"], cur.tau_g2, "tau*G2"),
             (prev["alpha_g1"], cur.alpha_g1, sps[1], aspx, "alpha*G1"),
             (prev["beta_g1"], cur.beta_g1, sps[2], bspx, "beta*G1"), (bs, bsx, prev["beta_g2"], cur.beta_g2, "beta*G2")]
    for a1, b1, a2, b2, what in links:
        if not _same_ratio(a1, b1, a2, b2):
            raise CeremonyError(f"{tag}: {what} does not follow the previous contribution")


def _random_scalars(n: int) -> bytes:
    """``n`` random 128-bit scalars (32-byte words): a random linear combination with them
    misses a discrepancy with probability 2^-128."""
    out = np.zeros((n, 32), dtype=np.uint8)
    out[:, 16:] = np.frombuffer(secrets.token_bytes(16 * n), dtype=np.uint8).reshape(n, 16)
    return out.tobytes()


def _powers_ok(pts: bytes, width: int, other: tuple[bytes, bytes]) -> bool:
    """Consecutive powers: ``sum r_i P_i`` and ``sum r_i P_(i+1)`` have the ratio tau."""
    n = len(pts) // width
    if n < 2:
        return True
    rs = _random_scalars(n - 1)
    msm = kernels.g1_msm if width == 64 else kernels.g2_msm
    r1, r2 = bytes(msm(pts[:-width], rs)), bytes(msm(pts[width:], rs))
    if width == 64:
        return _same_ratio(r1, r2, other[0], other[1])
    return _same_ratio(other[0], other[1], r1, r2)


def _lagrange_ok(powers: bytes, lag: bytes, width: int, sizes: int) -> bool:
    """All the Lagrange bases of a section (domains 2^0 .. 2^(sizes-1), concatenated) in one
    check: ``sum r_i L_i == sum c_j tau^j`` where ``c`` sums, over the domains, the inverse
    NTT of that domain's ``r``. One Fr NTT per domain, two MSMs in all."""
    rs = _random_scalars(len(lag) // width)
    acc = [0] * (len(powers) // width)
    for k in range(sizes):
        n = 1 << k
        cs = bytes(kernels.fr_ntt(rs[32 * (n - 1):32 * (2 * n - 1)], True))
        for j in range(n):
            acc[j] += int.from_bytes(cs[32 * j:32 * j + 32], "big")
    msm = kernels.g1_msm if width == 64 else kernels.g2_msm
    return bytes(msm(lag, rs)) == bytes(msm(powers, to_words([a % R for a in acc])))


def ptau_verify(pt: PTau, *, progress: Progress = None) -> list[tuple[str, bytes]]:
    """Check a powers-of-tau file as ``snarkjs powersoftau verify`` does: every
    contribution's keys and links, the vectors of the last one (consecutive powers, first
    points, its next-challenge hash), and the prepared Lagrange sections if present.
    Returns ``[(name, response hash)]``; raises :class:`CeremonyError`."""
    progress = reporter(progress, "verify")
    if not pt.contributions:
        raise CeremonyError("this file has no contribution (tau = 1): it cannot be used")
    n = 1 << pt.power
    g1, g2 = G1Point.generator().to_bytes(), G2Point.generator().to_bytes()
    prev = {"tau_g1": g1, "tau_g2": g2, "alpha_g1": g1, "beta_g1": g1, "beta_g2": g2,
            "challenge": first_challenge(pt.ceremony_power)}
    report = []
    for i, c in enumerate(pt.contributions, 1):
        progress(f"contribution {i}", i - 1, len(pt.contributions))
        _check_contribution(i, c, prev)
        h = Blake2b.from_partial(c.partial_hash)
        h.update(c.key_g1 + c.key_g2)
        report.append((c.name, h.digest()))
        prev = {"tau_g1": c.tau_g1, "tau_g2": c.tau_g2, "alpha_g1": c.alpha_g1, "beta_g1": c.beta_g1,
                "beta_g2": c.beta_g2, "challenge": c.next_challenge}
    last = pt.contributions[-1]
    try:  # the G2 vectors enter pairings below: PTau hands them out subgroup-checked
        tau_g1, tau_g2 = pt.tau_g1(2 * n - 1), pt.tau_g2(n)
        alpha, beta, beta_g2 = pt.alpha_tau_g1(n), pt.beta_tau_g1(n), pt.beta_g2()
    except FormatError as exc:
        raise CeremonyError(f"last contribution: {exc}") from None
    progress("powers", len(pt.contributions), len(pt.contributions))
    checks = [
        (tau_g1[:64] == g1 and tau_g1[64:128] == last.tau_g1, "tauG1 does not start with G1, tau*G1"),
        (tau_g2[:128] == g2 and tau_g2[128:256] == last.tau_g2, "tauG2 does not start with G2, tau*G2"),
        (alpha[:64] == last.alpha_g1, "alphaTauG1 does not start with the last alpha*G1"),
        (beta[:64] == last.beta_g1, "betaTauG1 does not start with the last beta*G1"),
        (beta_g2 == last.beta_g2, "betaG2 is not the last contribution's"),
        (_powers_ok(tau_g1, 64, (g2, last.tau_g2)), "tauG1 powers do not match"),
        (_powers_ok(tau_g2, 128, (g1, last.tau_g1)), "tauG2 powers do not match"),
        (_powers_ok(alpha, 64, (g2, last.tau_g2)), "alphaTauG1 powers do not match"),
        (_powers_ok(beta, 64, (g2, last.tau_g2)), "betaTauG1 powers do not match"),
    ]
    for ok, what in checks:
        if not ok:
            raise CeremonyError(f"last contribution: {what}")
    nxt = hashlib.blake2b(report[-1][1], digest_size=64)
    for v in (tau_g1, tau_g2, alpha, beta, beta_g2):
        nxt.update(v)
    if pt.power == pt.ceremony_power and nxt.digest() != last.next_challenge:
        raise CeremonyError("the points do not hash to the last contribution's next challenge")
    if pt.prepared:
        try:
            _verify_lagrange(pt, tau_g1, tau_g2, alpha, beta, progress)
        except FormatError as exc:
            raise CeremonyError(f"Lagrange bases: {exc}") from None
    return report


def _verify_lagrange(pt: PTau, tau_g1: bytes, tau_g2: bytes, alpha: bytes, beta: bytes,
                     progress: Report) -> None:
    p = pt.power
    sections = [("tauG1", tau_g1 + bytes(64), b"".join(pt.lagrange_g1(k) for k in range(p + 2)), 64, p + 2),
                ("tauG2", tau_g2, b"".join(pt.lagrange_g2(k) for k in range(p + 1)), 128, p + 1),
                ("alphaTauG1", alpha, b"".join(pt.lagrange_alpha_g1(k) for k in range(p + 1)), 64, p + 1),
                ("betaTauG1", beta, b"".join(pt.lagrange_beta_g1(k) for k in range(p + 1)), 64, p + 1)]
    for i, (what, powers, lag, width, sizes) in enumerate(sections):
        progress(f"Lagrange {what}", i, len(sections))
        if not _lagrange_ok(powers, lag, width, sizes):
            raise CeremonyError(f"the {what} Lagrange bases are wrong (prepare the file again)")


def ptau_prepare(pt: PTau, *, progress: Progress = None) -> PTau:
    """Add the Lagrange bases of every domain 2^k (snarkjs's ``powersoftau prepare
    phase2``): one inverse FFT over group elements per vector and size."""
    progress = reporter(progress, "prepare")
    n = 1 << pt.power
    tau_g1, tau_g2 = pt.tau_g1(2 * n - 1), pt.tau_g2(n)
    alpha, beta = pt.alpha_tau_g1(n), pt.beta_tau_g1(n)
    parts: list[list[bytes]] = [[], [], [], []]
    for k in range(pt.power + 2):
        progress(f"Lagrange 2^{k}", k, pt.power + 2)
        m = 1 << k
        parts[0].append(bytes(kernels.g1_ifft(tau_g1[:64 * m] if k <= pt.power else tau_g1 + bytes(64))))
        if k <= pt.power:
            parts[1].append(bytes(kernels.g2_ifft(tau_g2[:128 * m])))
            parts[2].append(bytes(kernels.g1_ifft(alpha[:64 * m])))
            parts[3].append(bytes(kernels.g1_ifft(beta[:64 * m])))
    lag = (b"".join(parts[0]), b"".join(parts[1]), b"".join(parts[2]), b"".join(parts[3]))
    return build_ptau(pt.power, tau_g1, tau_g2, alpha, beta, pt.beta_g2(), pt.contributions, lag)
