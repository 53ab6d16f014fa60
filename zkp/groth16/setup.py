"""Single-party Groth16 setup (development keys).

Security:
    Whoever runs this function knows the trapdoor (tau, alpha, beta, gamma, delta) while it
    runs and could forge proofs. The values live only in this function's locals and are
    dropped before it returns; the keys it returns are marked ``development=True`` and a
    :class:`DevelopmentKeyWarning` is issued. Production keys come from a powers-of-tau
    file and a multi-party phase-2 ceremony.
"""

from __future__ import annotations

import warnings
TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing on the prove path
if TYPE_CHECKING:
    from typing import Any, Sequence

from .._backend import kernels
from ..curve import G1Point, G2Point
from ..errors import DevelopmentKeyWarning, SetupError
from ..field import R, to_words
from ..progress import Progress, Report, reporter

from ._random import MAX_DRAWS, broken_source, random_fr
from .keys import VerifyingKey

if TYPE_CHECKING:
    from ..r1cs import R1CS
    from .proving_key import ProvingKey

__all__ = ["setup", "DevelopmentKeyWarning"]


def _g1_batch(scalars: Sequence[int]) -> bytes:
    return bytes(kernels.g1_batch_mul(G1Point.generator().to_bytes(), to_words(scalars)))


def _g1_points(buf: bytes) -> tuple[G1Point, ...]:
    return tuple(G1Point.from_bytes(buf[i:i + 64]) for i in range(0, len(buf), 64))


def setup(cs: R1CS, *, ptau: Any = None, rng: Any = None,
          warn: bool = True, progress: Progress = None) -> tuple[ProvingKey, VerifyingKey]:
    """Generate development keys for ``cs``.

    Args:
        cs: the constraint system (``circuits.compile(...)`` gives one as ``.r1cs``; a
            compiled circuit object is accepted too).
        ptau: keyword-only prepared powers-of-tau file (path or
            :class:`~zkp.formats.ptau.PTau`): tau, alpha and beta then come from it and
            this call is phase 2 with one contribution (what ``snarkjs groth16 setup`` and
            one ``zkey contribute`` give; ``snarkjs zkey verify`` accepts the key). Still a
            single party: more contributions (:mod:`zkp.ceremony`) make it a production key.
        rng: keyword-only source of randomness for reproducible tests (default ``secrets``).
        warn: issue :class:`DevelopmentKeyWarning` (default True).
        progress: keyword-only progress report (see :mod:`zkp.progress`: a callable
            ``(step, done, total)``, ``True`` for a bar, or a tqdm class).

    Returns:
        ``(pk, vk)``, both marked ``development=True``.

    Example:
        >>> import warnings
        >>> from zkp.r1cs import R1CSBuilder
        >>> b = R1CSBuilder(num_public=1); x = b.new_wire(); y = b.new_wire()
        >>> _ = b.add({y: 1}, {y: 1}, {x: 1})
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter("ignore")
        ...     pk, vk = setup(b.build())
        >>> vk
        VerifyingKey(num_public=1, development=True)
        >>> from zkp import groth16
        >>> proof = groth16.prove(pk, [1, 9, 3])
        >>> groth16.verify(vk, [9], proof), groth16.verify(vk, [4], proof)
        (True, False)
    """
    from ..qap import domain_size
    from ..r1cs import R1CS

    cs = getattr(cs, "r1cs", cs)
    if not isinstance(cs, R1CS):
        raise SetupError(f"setup: expected an R1CS, found {type(cs).__name__}")
    if cs.num_constraints == 0:
        raise SetupError("setup: the constraint system has no constraints")
    if warn:
        warnings.warn("single-party Groth16 setup: these are development keys; whoever ran "
                      "setup can forge proofs", DevelopmentKeyWarning, stacklevel=2)
    if ptau is not None:
        from ..ceremony import contribute, new_zkey

        pk = contribute(new_zkey(cs, ptau), name="zkmpc setup", rng=rng).proving_key(cs)
        return pk, pk.vk
    n, log_n = domain_size(cs)
    tau = _random_tau(rng, n)
    alpha, beta, gamma, delta = (random_fr(rng) for _ in range(4))
    pk = _keys(cs, n, log_n, tau, alpha, beta, gamma, delta, reporter(progress, "setup"))
    del tau, alpha, beta, gamma, delta
    return pk, pk.vk


def _random_tau(rng: Any, n: int) -> int:
    """tau outside the 2n-th roots of unity (where the Lagrange basis is undefined)."""
    for _ in range(MAX_DRAWS):
        tau = random_fr(rng)
        if pow(tau, 2 * n, R) != 1:
            return tau
    raise broken_source("tau outside the roots of unity")


def _keys(cs: R1CS, n: int, log_n: int, tau: int, alpha: int, beta: int, gamma: int,
          delta: int, report: Report) -> ProvingKey:
    from ..qap import lagrange_at, wire_polys_at

    steps = 7
    report("polynomials at tau", 0, steps)
    u, v, w = wire_polys_at(cs, lagrange_at(tau, log_n))
    npub = cs.num_public
    gi, di = pow(gamma, -1, R), pow(delta, -1, R)
    k = [(beta * ui + alpha * vi + wi) % R for ui, vi, wi in zip(u, v, w)]
    h = [x * di % R for x in lagrange_at(tau, log_n + 1, odd=True)]
    report("verifying key", 1, steps)
    g1_all = _g1_batch([alpha, beta, delta] + [x * gi % R for x in k[:npub + 1]])
    report("B in G2", 2, steps)
    g2_all = bytes(kernels.g2_batch_mul(G2Point.generator().to_bytes(),
                                        to_words([beta, gamma, delta] + v)))
    g2 = [G2Point.from_bytes(g2_all[i:i + 128]) for i in range(0, 3 * 128, 128)]
    a1, ic = _g1_points(g1_all[:192]), _g1_points(g1_all[192:])
    vk = VerifyingKey(alpha_g1=a1[0], beta_g2=g2[0], gamma_g2=g2[1], delta_g2=g2[2], ic=ic,
                      development=True)
    report("A in G1", 3, steps)
    a_g1 = _g1_batch(u)
    report("B in G1", 4, steps)
    b_g1 = _g1_batch(v)
    report("L in G1", 5, steps)
    l_g1 = _g1_batch([x * di % R for x in k[npub + 1:]])
    report("H in G1", 6, steps)
    h_g1 = _g1_batch(h)
    report("done", steps, steps)
    from .proving_key import ProvingKey  # dataclasses: not on the .zkey prover's import path

    return ProvingKey(
        vk=vk, cs=cs, domain_size=n, alpha_g1=a1[0], beta_g1=a1[1], delta_g1=a1[2],
        beta_g2=g2[0], delta_g2=g2[2], a_g1=a_g1, b_g1=b_g1, b_g2=g2_all[3 * 128:], l_g1=l_g1, h_g1=h_g1)
