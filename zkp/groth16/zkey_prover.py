"""A Groth16 prover that keeps a snarkjs ``.zkey`` mapped and proves from it in place.

:class:`Prover` maps the file once, checks its header, verifying key and point sections,
and then proves any number of witnesses: the C kernels read the key's sections where they
lie in the map (snarkjs's LEM encoding) and the witness as a ``.wtns`` body, so no point is
converted or copied per proof. Each proof is verified against the key's own verifying key
before it is returned (about a millisecond): a witness that breaks a constraint, or a key
that is corrupt, gives an error, never a wrong proof.

Example:
    >>> import os, tempfile, warnings
    >>> from zkp import groth16
    >>> from zkp.formats.zkey import write_zkey
    >>> from zkp.r1cs import R1CSBuilder
    >>> b = R1CSBuilder(num_public=1); x = b.new_wire(); y = b.new_wire()
    >>> _ = b.add({y: 1}, {y: 1}, {x: 1})
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     pk, vk = groth16.setup(b.build())
    >>> path = os.path.join(tempfile.mkdtemp(), "k.zkey"); _ = write_zkey(pk, path)
    >>> prover = Prover(path)
    >>> proof, public = prover.prove([1, 9, 3])
    >>> public, groth16.verify(vk, public, proof)
    ([9], True)
    >>> prover.prove([1, 9, 4])
    Traceback (most recent call last):
    ...
    zkp.errors.UnsatisfiedError: the witness does not satisfy the circuit (the proof does not verify against the key's verifying key); zkmpc prove --r1cs names the constraint it breaks
    >>> prover.close()

Security: variable-time arithmetic; fresh ``(r, s)`` from ``secrets`` for every proof.
"""

from __future__ import annotations

import mmap
import os
import struct
TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing on the prove path
if TYPE_CHECKING:
    from typing import Any, NoReturn, Sequence

from .._backend import kernels
from ..curve import G1Point, G2Point
from ..errors import FormatError, InputTypeError, MalformedInputError, UnsatisfiedError
from ..field import R, from_words, to_words
from ..progress import Progress, reporter
from ..witness import Witness
from ._random import random_fr
from .keys import PreparedVerifyingKey, Proof, VerifyingKey

__all__ = ["Prover"]

#: the steps a proof reports to ``progress=`` (in order): the quotient, the five MSMs, the check
PROVE_STEPS = ("quotient h", "MSM h", "MSM A", "MSM B (G1)", "MSM B (G2)", "MSM C", "verify")
_CHECK_CHUNK = 1 << 15  # points per validation call (bounded scratch memory)
_ONE_LE = (1).to_bytes(32, "little")


def _offsets(mv: memoryview) -> dict[int, int]:
    """Where each section's body starts in the file, from the section table (which
    :func:`~zkp.formats.zkey.snarkjs_sections` has checked: no duplicates, no overrun)."""
    pos, out = 12, {}
    for _ in range(struct.unpack_from("<I", mv, 8)[0]):
        kind, size = struct.unpack_from("<IQ", mv, pos)
        out[kind] = pos + 12
        pos += 12 + size
    return out


def _table_window(n: int) -> tuple[int, int]:
    """``(c, levels)`` of a table MSM over ``n`` bases: the digit width minimising the bucket
    additions (``n`` per level) plus the bucket reduction (about ``3 * 2^c``)."""
    best = min(range(8, 21), key=lambda c: max(n, 1) * -(-255 // c) + 3 * (1 << c))
    return best, -(-255 // best)


def _b_in_g2(pb2: bytes) -> G2Point:
    """B, checked: a key's ``b_g2`` points are not subgroup-checked when a key is read (they
    never enter a pairing themselves), so a point outside G2 there surfaces here, before a
    proof that would carry it (and leak the witness through it) leaves the prover."""
    try:
        return G2Point.from_bytes(pb2)
    except MalformedInputError as exc:
        raise MalformedInputError(f"proving key: b_g2 holds points outside the G2 subgroup "
                                  f"(the proof's B is not in G2: {exc})") from None


class Prover:
    """Proves with one ``.zkey`` (a path, mapped read-only, or bytes) many times.

    Args:
        zkey: the key's path or bytes.
        check_points: check every point of the key on its curve when loading (default).
            Without it a corrupt point is found only when a proof fails to verify (the
            error then says which section is bad): the one-shot CLI uses this.
        resident: keep the mapped pages after each proof (default); False drops each
            section's pages once its MSM has read it (peak memory of a one-shot prove).
        tables: precompute, for each point section, levels of shifted bases (``2^(c j) P``)
            so that each MSM is one window with one bucket reduction (about 40% faster at 5k
            constraints, 15% at 65k), if they fit in ``table_bytes`` (default 512 MiB):
            for a server that proves many times.

    Raises:
        FormatError: a malformed key (sections, counts, header, points).
    """

    def __init__(self, zkey: str | os.PathLike[str] | bytes, *, check_points: bool = True,
                 resident: bool = True, tables: bool = False, table_bytes: int = 512 << 20) -> None:
        from ..formats._zkey_sections import (g1_from_lem, g2_from_lem, open_binary, read_contributions, read_header,
                                              snarkjs_sections)

        self._mv = open_binary(zkey, "zkey")
        sec = snarkjs_sections(self._mv, b"zkey", 10)
        if len(sec[1]) != 4 or struct.unpack_from("<I", sec[1], 0)[0] != 1:
            raise FormatError("zkey: not a Groth16 key (protocol id is not 1)")
        nw, npub, n, pts = read_header(sec[2])
        self.num_wires, self.num_public, self.domain_size = nw, npub, n
        counts = {3: (npub + 1, 64), 5: (nw, 64), 6: (nw, 64), 7: (nw, 128), 8: (nw - npub - 1, 64), 9: (n, 64)}
        for k, (cnt, width) in counts.items():
            if len(sec[k]) != cnt * width:
                raise FormatError(f"zkey: section {k} must hold {cnt} points ({cnt * width} bytes), "
                                  f"found {len(sec[k])} bytes")
        g1h = g1_from_lem(bytes(pts[:128]) + bytes(pts[384:448]), "zkey header")
        g2h = g2_from_lem(bytes(pts[128:384]) + bytes(pts[448:576]), "zkey header")
        self.alpha_g1, self.beta_g1, self.delta_g1 = (G1Point.from_bytes(g1h[i:i + 64]) for i in (0, 64, 128))
        self.beta_g2, gamma_g2, self.delta_g2 = (G2Point.from_bytes(g2h[i:i + 128]) for i in (0, 128, 256))
        ic_raw = g1_from_lem(sec[3], "zkey section 3")
        kernels.g1_validate(ic_raw)
        ic = tuple(G1Point.from_bytes(ic_raw[i:i + 64]) for i in range(0, len(ic_raw), 64))
        _, contributions = read_contributions(sec[10])
        self.vk = VerifyingKey(alpha_g1=self.alpha_g1, beta_g2=self.beta_g2, gamma_g2=gamma_g2,
                               delta_g2=self.delta_g2, ic=ic,
                               development=sum(not fields["beacon"] for _, fields in contributions) < 2)
        self._pvk = PreparedVerifyingKey(self.vk)
        self._sec = sec
        self._offsets = _offsets(self._mv)
        self._resident = resident
        if check_points:
            self.check_points()
        self._tables: dict[int, bytes] = {}
        if tables:
            self._tables = self._build_tables(table_bytes)

    def _build_tables(self, budget: int) -> dict[int, bytes]:
        """Levels ``2^(c j) P_i`` of every point section (LEM, level 0 the section itself), or
        none when they would exceed ``budget`` bytes."""
        from ..formats._zkey_sections import g1_from_lem, g2_from_lem

        plan = {k: _table_window(len(self._sec[k]) // (128 if k == 7 else 64)) for k in (5, 6, 7, 8, 9)}
        if sum(len(self._sec[k]) * levels for k, (_, levels) in plan.items()) > budget:
            return {}
        out = {}
        for k, (c, levels) in plan.items():
            g2 = k == 7
            canon = (g2_from_lem if g2 else g1_from_lem)(self._sec[k], f"zkey section {k}")
            shift, one = (1 << c).to_bytes(32, "big"), (1).to_bytes(32, "big")
            table = bytearray(self._sec[k])
            for _ in range(1, levels):
                canon = (kernels.g2_apply_key if g2 else kernels.g1_apply_key)(canon, shift, one)
                table += (kernels.g2_to_lem if g2 else kernels.g1_to_lem)(canon)
            out[k] = bytes(table)
        return out

    def __repr__(self) -> str:
        return f"Prover(wires={self.num_wires}, public={self.num_public}, domain={self.domain_size})"

    def close(self) -> None:
        """Release the map (the prover cannot be used afterwards)."""
        self._sec = {}
        mm = self._mv.obj
        self._mv.release()
        if isinstance(mm, mmap.mmap):
            try:
                mm.close()
            except BufferError:  # a caller still holds a view: the map closes with it
                pass

    def check_points(self) -> None:
        """Check every point of sections 5-9 on its curve (FormatError names the first bad one)."""
        from ..formats._zkey_sections import g1_from_lem, g2_from_lem

        for k, width in ((5, 64), (6, 64), (8, 64), (9, 64), (7, 128)):
            conv = g2_from_lem if width == 128 else g1_from_lem
            part = self._sec[k]
            step = _CHECK_CHUNK * width
            for off in range(0, len(part), step):
                conv(part[off:off + step], f"zkey section {k} (points from {off // width})")
            self._drop(k)

    def _drop(self, k: int) -> None:
        """Without ``resident``, drop the mapped pages of section ``k`` once read (they are
        read again from the file if touched)."""
        mm, part = self._mv.obj, self._sec[k]
        if self._resident or not isinstance(mm, mmap.mmap) or not len(part):
            return
        start = self._offsets[k]
        page = mmap.PAGESIZE
        lo, hi = -(-start // page) * page, (start + len(part)) // page * page
        if hi > lo:
            mm.madvise(mmap.MADV_DONTNEED, lo, hi - lo)

    def _witness(self, witness: Any) -> memoryview:
        """The witness as LE words (a .wtns body): bytes are taken as they are (the kernels
        check every value < r), ints are checked here."""
        if isinstance(witness, (bytes, bytearray, memoryview)):
            w = memoryview(witness).cast("B")
        elif isinstance(witness, Witness):
            w = memoryview(to_words(witness.values(), "little"))
        elif isinstance(witness, (list, tuple)):
            values = Witness.from_ints(witness, self.num_public).values()
            w = memoryview(to_words(values, "little"))
        else:
            raise InputTypeError(f"witness: expected a Witness, a list of ints or .wtns values (bytes), "
                                 f"found {type(witness).__name__}")
        if len(w) != 32 * self.num_wires:
            raise MalformedInputError(f"witness: expected {self.num_wires} wires ({32 * self.num_wires} bytes), "
                                      f"found {len(w) / 32:g} wires ({len(w)} bytes)")
        if bytes(w[:32]) != _ONE_LE:
            raise MalformedInputError(f"witness: wire 0 must be 1, found {int.from_bytes(w[:32], 'little')}")
        return w

    def _msm(self, k: int, scalars: Any) -> bytes:
        table = self._tables.get(k)
        if table is not None:
            return bytes((kernels.g2_msm_lem_table if k == 7 else kernels.g1_msm_lem_table)(table, scalars))
        part = self._sec[k]
        out = (kernels.g2_msm_lem if k == 7 else kernels.g1_msm_lem)(part, scalars)
        self._drop(k)
        return bytes(out)

    def _msm_c_h(self, w_private: Any, h: bytes) -> bytes:
        """``sum w_i C_i + sum h_j H_j`` (sections 8 and 9): one MSM over both sections in
        place, one set of windows and bucket reductions instead of two (about a tenth less
        work at 2^14), or the two table MSMs of a prover with tables."""
        if self._tables:
            return bytes(kernels.g1_msm(self._msm(8, w_private) + self._msm(9, h), to_words([1, 1])))
        out = kernels.g1_msm_lem(self._sec[8], w_private, self._sec[9], h)
        self._drop(8)
        self._drop(9)
        return bytes(out)

    def prove(self, witness: Witness | Sequence[int] | bytes, *, rng: Any = None,
              progress: Progress = None) -> tuple[Proof, list[int]]:
        """``(proof, public inputs)`` for a witness: a :class:`Witness`, every wire's value
        as ints, or a ``.wtns`` body (32-byte little-endian words, see :meth:`prove_wtns`).
        ``progress`` (see :mod:`zkp.progress`) hears each of the :data:`PROVE_STEPS`.

        Raises:
            MalformedInputError: wrong witness length, a value >= r, wire 0 not 1.
            UnsatisfiedError: the witness breaks a constraint.
        """
        if not self._sec:
            raise InputTypeError("prover: closed")
        w = self._witness(witness)
        report = reporter(progress, "prove")
        npub, sec = self.num_public, self._sec
        report(PROVE_STEPS[0], 0, len(PROVE_STEPS))
        h = kernels.qap_h_zkey(sec[4], w, self.domain_size)
        self._drop(4)
        report(PROVE_STEPS[1], 1, len(PROVE_STEPS))
        msm_ch = self._msm_c_h(w[32 * (npub + 1):], h)  # "MSM h" and "MSM C" at once
        del h
        msms = []
        for i, k in enumerate((5, 6, 7)):
            report(PROVE_STEPS[2 + i], 2 + i, len(PROVE_STEPS))
            msms.append(self._msm(k, w))
        msm_a, msm_b1, msm_b2 = msms
        report(PROVE_STEPS[5], 5, len(PROVE_STEPS))
        r, s = random_fr(rng), random_fr(rng)
        d1 = self.delta_g1.to_bytes()
        pa = kernels.g1_msm(self.alpha_g1.to_bytes() + msm_a + d1, to_words([1, 1, r]))
        pb1 = kernels.g1_msm(self.beta_g1.to_bytes() + msm_b1 + d1, to_words([1, 1, s]))
        pb2 = kernels.g2_msm(self.beta_g2.to_bytes() + msm_b2 + self.delta_g2.to_bytes(), to_words([1, 1, s]))
        pc = kernels.g1_msm(msm_ch + pa + pb1 + d1, to_words([1, s, r, (-r * s) % R]))
        public = from_words(w[32:32 * (npub + 1)], "little")
        try:
            proof = Proof(G1Point.from_bytes(pa), _b_in_g2(pb2), G1Point.from_bytes(pc))
        except MalformedInputError as exc:  # a point off its curve in the key
            self._refuse(exc)
        report(PROVE_STEPS[6], 6, len(PROVE_STEPS))
        self._check(public, proof)
        report(PROVE_STEPS[6], len(PROVE_STEPS), len(PROVE_STEPS))
        return proof, public

    def prove_wtns(self, wtns: str | os.PathLike[str] | bytes, *, rng: Any = None,
                   progress: Progress = None) -> tuple[Proof, list[int]]:
        """Prove from a circom ``.wtns`` (a path, mapped, or the file's bytes)."""
        from ..formats.circom import read_wtns_raw

        return self.prove(read_wtns_raw(wtns, num_wires=self.num_wires), rng=rng, progress=progress)

    def _check(self, public: list[int], proof: Proof) -> None:
        from .verifier import verify

        if not verify(self._pvk, public, proof):
            self._refuse(None)

    def _refuse(self, why: MalformedInputError | None) -> NoReturn:
        """No proof: the key's points are checked to say whether the key or the witness is at fault."""
        try:
            self.check_points()
        except FormatError as exc:
            raise FormatError(f"no proof: the key is corrupt ({exc})") from None
        if why is not None:
            raise why
        raise UnsatisfiedError("the witness does not satisfy the circuit (the proof does not verify against "
                               "the key's verifying key); zkmpc prove --r1cs names the constraint it breaks")
