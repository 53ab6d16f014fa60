"""E-passport proofs (the OpenPassport/zkPassport pattern): register a passport once, then
disclose facts from it per application, revealing nothing else.

The passport itself (its data groups, security object, signed attributes, the DSC's ECDSA
P-256 signature, the CSCA and DSC keys, the trusted-DSC tree) is modelled in
:mod:`zkmpc.identity.passport_document`; its names are re-exported here.

Two circuits. :func:`register_circuit` (once per passport, 363,723 constraints, 232k of
them the ECDSA verification; a Groth16 key of 2^19): the
signature verifies under a DSC key whose Poseidon hash is a leaf of the trusted-DSC tree
(root public; a DSC joins the tree off chain, once its certificate is checked against its
country's CSCA: :meth:`TrustedSigners.add`), DG1 hashes into the security object, which
hashes into the signed attributes; public ``[dsc_root, nullifier, commitment]`` with the
commitment ``Poseidon(secret, Poseidon(DG1 in 3 chunks of 31 bytes))`` and the nullifier
``Poseidon(domain, r)`` (one registration per signature). The registry adds the commitment
to a :class:`~zkmpc.identity.Group` whose root the disclose contract records.
:func:`disclose_circuit` (per application, 17,359 constraints): the commitment is in the
group, the nullifier ``Poseidon(scope, secret, DG1 hash)``, the holder at least ``min_age``
on ``today``, the nationality in the allowlist's Merkle tree, the passport not expired on
``today``, (issuing state, document number) absent from the sanctions sparse Merkle tree;
public ``[group_root, nullifier, scope, today, allow_root, sanctions_root, min_age]``.

Known limits (the pattern's): the DSC certificate is checked off chain, by whoever maintains
the trusted-DSC tree, not in circuit; the MRZ's two-digit birth year is read as 20YY unless
that is after ``today``, so a holder of 100 or more reads as a child; a holder with two
passports registers twice and has two nullifiers per application; the issuer, who knows the
signature, can tell that a passport registered (never which disclose proof is its holder's:
that needs the secret).

    >>> REGISTER_LAYOUT.num_public, DISCLOSE_LAYOUT.num_public, DISCLOSE_LAYOUT.scope
    (3, 7, 2)
"""

from __future__ import annotations

import datetime
from functools import lru_cache
from typing import Any, Sequence

from circuits import API, Bool, Circuit, CompiledCircuit, Field, Public, Secret, UInt, compile
from circuits.gadgets import assert_le, assert_member, assert_smt_non_member, is_le, poseidon
from circuits.gadgets.ecdsa import ecdsa_verify
from circuits.gadgets.lean_imt import assert_lean_imt_member, padded_proof
from circuits.gadgets.sha256 import sha256_bytes
from circuits.native import ecdsa as ne
from circuits.native.smt import SparseMerkleTree
from zkmpc.contracts import AppLayout
from zkmpc.errors import (PassportAgeError, PassportExpiredError, PassportNationalityError, PassportNotRegisteredError,
                          PassportSanctionedError, PassportSignerError)
from zkmpc.identity.group import Group
from zkmpc.identity.passport_document import (ALLOW_DEPTH, ATTRS_DIGEST_AT, ATTRS_FIXED, ATTRS_LEN, ATTRS_TIME_AT,
                                              DG1_HEADER, DG1_LEN, DSC_DEPTH, GROUP_DEPTH, REGISTER_DOMAIN,
                                              SANCTION_LEVELS, SOD_DG1_AT, SOD_LEN, SOD_PREFIX, Allowlist, Chip,
                                              CountrySigner, DocumentSigner, Mrz, TrustedSigners, birth_number,
                                              commitment_of, date_number, dg1_hash, dg1_of, disclose_nullifier,
                                              document_key, dsc_key_hash, expiry_number, nationality_code,
                                              new_secret, register_nullifier, sanctions_tree)

__all__ = ["Mrz", "Chip", "CountrySigner", "DocumentSigner", "TrustedSigners", "Allowlist",
           "REGISTER_LAYOUT", "DISCLOSE_LAYOUT", "DG1_HEADER", "DG1_LEN", "SOD_LEN", "ATTRS_LEN", "SOD_DG1_AT", "ATTRS_DIGEST_AT",
           "ATTRS_TIME_AT", "DSC_DEPTH", "GROUP_DEPTH", "ALLOW_DEPTH", "SANCTION_LEVELS", "dg1_of", "dg1_hash",
           "dsc_key_hash", "commitment_of", "register_nullifier", "disclose_nullifier", "document_key",
           "nationality_code", "birth_number", "expiry_number", "date_number", "sanctions_tree",
           "register_class", "register_circuit", "register_inputs", "disclose_class", "disclose_circuit",
           "disclose_inputs", "new_secret"]

#: the app contracts' layouts of the public signals
REGISTER_LAYOUT = AppLayout(num_public=3, roots=(0,), nullifier=1, scope=None)
DISCLOSE_LAYOUT = AppLayout(num_public=7, roots=(0, 3, 4, 5, 6), nullifier=1, scope=2)


# ---------------------------------------------------------------- circuits

def _bytes_int(api: API, data: Sequence[Any]) -> Any:
    return api.lincomb([(b, 1 << (8 * (len(data) - 1 - i))) for i, b in enumerate(data)])


def _pack_vars(api: API, data: Sequence[Any]) -> list[Any]:
    return [_bytes_int(api, data[i:i + 31]) for i in range(0, len(data), 31)]


def _limbs128(api: API, limbs: Sequence[Any]) -> list[Any]:
    return [api.lincomb([(v, 1 << (32 * j)) for j, v in enumerate(limbs[i:i + 4])]) for i in (0, 4)]


def _dg1_hash(api: API, dg1: Sequence[Any]) -> Any:
    for i, b in enumerate(DG1_HEADER):
        api.assert_equal(dg1[i], b)
    return poseidon(api, _pack_vars(api, dg1))


def _define_register(c: Any, api: API) -> None:
    dg1, sod, attrs = list(c.dg1), list(c.sod), list(c.attrs)
    with api.scope("dg1"):
        digest = sha256_bytes(api, dg1)
    with api.scope("sod"):
        for i, b in enumerate(SOD_PREFIX):
            api.assert_equal(sod[i], b)
        for i in range(32):
            api.assert_equal(sod[SOD_DG1_AT + i], digest[i])
        digest = sha256_bytes(api, sod)
    with api.scope("attrs"):
        for i, b in ATTRS_FIXED:
            api.assert_equal(attrs[i], b)
        for i in range(32):
            api.assert_equal(attrs[ATTRS_DIGEST_AT + i], digest[i])
        digest = sha256_bytes(api, attrs)
    with api.scope("signature"):
        z = [_bytes_int(api, digest[28 - 4 * i: 32 - 4 * i]) for i in range(8)]  # limbs, least significant first
        ecdsa_verify(api, ne.P256, list(c.qx), list(c.qy), z, list(c.r), list(c.s))
    with api.scope("dsc"):
        leaf = poseidon(api, _limbs128(api, list(c.qx)) + _limbs128(api, list(c.qy)))
        assert_member(api, c.dsc_root, leaf, list(c.dsc_path), list(c.dsc_siblings))
    with api.scope("commitment"):
        api.assert_equal(poseidon(api, [c.secret, _dg1_hash(api, dg1)]), c.commitment)
        api.assert_equal(poseidon(api, [REGISTER_DOMAIN, *_limbs128(api, list(c.r))]), c.nullifier)


@lru_cache(maxsize=None)
def register_class() -> type[Circuit]:
    """The register circuit's class (public signals in :data:`REGISTER_LAYOUT`'s order)."""

    class PassportRegister(Circuit):
        dsc_root: Public[Field]
        nullifier: Public[Field]
        commitment: Public[Field]
        dg1: Secret[UInt[8], DG1_LEN]
        sod: Secret[UInt[8], SOD_LEN]
        attrs: Secret[UInt[8], ATTRS_LEN]
        qx: Secret[UInt[32], 8]
        qy: Secret[UInt[32], 8]
        r: Secret[UInt[32], 8]
        s: Secret[UInt[32], 8]
        dsc_path: Secret[Bool, DSC_DEPTH]
        dsc_siblings: Secret[Field, DSC_DEPTH]
        secret: Secret[Field]

        def define(self, api: API) -> None:
            _define_register(self, api)

    return PassportRegister


@lru_cache(maxsize=None)
def register_circuit() -> CompiledCircuit:
    """The compiled register circuit (cached per process). Parts, by scope: ``dg1``,
    ``sod``, ``attrs`` (SHA-256 of each, 2, 4 and 2 blocks, and the layout), ``signature``
    (ECDSA P-256), ``dsc`` (the key's tree membership), ``commitment``."""
    return compile(register_class())


def register_inputs(chip: Chip, trusted: TrustedSigners, secret: int, *, check: bool = True) -> Circuit:
    """The register circuit's assignment, each claim checked natively first (``check=False``
    skips the document checks: tests use it to show the circuit refuses what the twin would).

    Raises:
        PassportSignerError: the chip's DSC key is not in the trusted tree.
        PassportFormatError, PassportDataGroupError, PassportSignatureError: see :meth:`Chip.check`.
    """
    index = trusted.index_of(chip.dsc_key)
    if index is None:
        raise PassportSignerError(f"expected a DSC key in the trusted tree (root {trusted.root}), found the "
                                  f"untrusted key with hash {dsc_key_hash(chip.dsc_key)}")
    if check:
        chip.check()
    proof = trusted.tree.proof(index)
    r, s = chip.signature
    return register_class()(
        dsc_root=trusted.root, nullifier=register_nullifier(r), commitment=commitment_of(secret, chip.dg1),
        dg1=list(chip.dg1), sod=list(chip.sod), attrs=list(chip.attrs), qx=ne.limbs(chip.dsc_key[0]),
        qy=ne.limbs(chip.dsc_key[1]), r=ne.limbs(r), s=ne.limbs(s), dsc_path=list(proof.path_bits),
        dsc_siblings=list(proof.siblings), secret=secret)


def _yymmdd(api: API, mrz: Sequence[Any], at: int) -> Any:
    digits = [mrz[at + i] - 48 for i in range(6)]
    for d in digits:
        assert_le(api, d, 9, bits=4)  # a digit (a byte below '0' wraps and fails the range)
    return api.lincomb([(d, 10 ** (5 - i)) for i, d in enumerate(digits)])


def _define_disclose(c: Any, api: API) -> None:
    dg1 = list(c.dg1)
    mrz = dg1[len(DG1_HEADER):]
    with api.scope("membership"):
        h = _dg1_hash(api, dg1)
        member = poseidon(api, [c.secret, h])
        assert_lean_imt_member(api, c.group_root, member, c.group_length, list(c.group_path),
                               list(c.group_siblings))
        api.assert_equal(poseidon(api, [c.scope, c.secret, h]), c.nullifier)
    with api.scope("dates"):
        born = _yymmdd(api, mrz, 57) + 20_000_000
        this_century = is_le(api, born, c.today, bits=32)
        born = born - (1 - this_century) * 1_000_000
        assert_le(api, born + c.min_age * 10_000, c.today, bits=32)
        assert_le(api, c.today, _yymmdd(api, mrz, 65) + 20_000_000, bits=32)
    with api.scope("nationality"):
        assert_member(api, c.allow_root, _bytes_int(api, mrz[54:57]), list(c.allow_path), list(c.allow_siblings))
    with api.scope("sanctions"):
        key = _bytes_int(api, mrz[2:5] + mrz[44:53])
        assert_smt_non_member(api, c.sanctions_root, list(c.sanction_siblings), key, c.old_key, c.old_value,
                              c.is_old0)


@lru_cache(maxsize=None)
def disclose_class() -> type[Circuit]:
    """The disclose circuit's class (public signals in :data:`DISCLOSE_LAYOUT`'s order)."""

    class PassportDisclose(Circuit):
        group_root: Public[Field]
        nullifier: Public[Field]
        scope: Public[Field]
        today: Public[UInt[32]]
        allow_root: Public[Field]
        sanctions_root: Public[Field]
        min_age: Public[UInt[8]]
        dg1: Secret[UInt[8], DG1_LEN]
        secret: Secret[Field]
        group_length: Secret[Field]
        group_path: Secret[Bool, GROUP_DEPTH]
        group_siblings: Secret[Field, GROUP_DEPTH]
        allow_path: Secret[Bool, ALLOW_DEPTH]
        allow_siblings: Secret[Field, ALLOW_DEPTH]
        sanction_siblings: Secret[Field, SANCTION_LEVELS]
        old_key: Secret[Field]
        old_value: Secret[Field]
        is_old0: Secret[Field]

        def define(self, api: API) -> None:
            _define_disclose(self, api)

    return PassportDisclose


@lru_cache(maxsize=None)
def disclose_circuit() -> CompiledCircuit:
    """The compiled disclose circuit (cached per process). Parts: ``membership`` (the
    commitment in the group, the nullifier), ``dates`` (age, expiry), ``nationality``,
    ``sanctions``."""
    return compile(disclose_class())


def disclose_inputs(dg1: bytes, secret: int, group: Group, *, scope: int, today: datetime.date, min_age: int,
                    allowlist: Allowlist, sanctions: SparseMerkleTree) -> Circuit:
    """The disclose circuit's assignment, each claim checked natively first.

    Raises:
        PassportNotRegisteredError: the commitment is not in ``group``.
        PassportAgeError: under ``min_age`` on ``today``.
        PassportExpiredError: expired before ``today``.
        PassportNationalityError: a nationality outside ``allowlist``.
        PassportSanctionedError: the document is on the sanctions list.
    """
    mrz = dg1[len(DG1_HEADER):]
    Mrz.check(mrz.decode("ascii"))
    day = date_number(today)
    index = group.index_of(commitment_of(secret, dg1))
    if index is None:
        raise PassportNotRegisteredError(f"expected the commitment {commitment_of(secret, dg1)} in the group "
                                         f"(root {group.root}), found no such member")
    born = birth_number(mrz, day)
    if born + min_age * 10_000 > day:
        raise PassportAgeError(f"expected an age of at least {min_age} on {today}, found {(day - born) // 10_000}")
    if expiry_number(mrz) < day:
        raise PassportExpiredError(f"expected a passport valid on {today}, found one expired on {expiry_number(mrz)}")
    nat = allowlist.index_of(mrz[54:57].decode("ascii"))
    if nat is None:
        raise PassportNationalityError(f"expected a nationality in {allowlist.codes}, found {mrz[54:57].decode()!r}")
    proof = sanctions.prove(document_key(mrz))
    if proof.found:
        raise PassportSanctionedError(f"expected a document not on the sanctions list (root {sanctions.root}), "
                                      f"found {mrz[2:5].decode()} {mrz[44:53].decode()} listed")
    smt = proof.circuit_inputs(SANCTION_LEVELS)
    length, bits, sibs = padded_proof(group.proof(index), GROUP_DEPTH)
    allowed = allowlist.tree.proof(nat)
    return disclose_class()(
        group_root=group.root, nullifier=disclose_nullifier(secret, dg1, scope), scope=scope, today=day,
        allow_root=allowlist.root, sanctions_root=sanctions.root, min_age=min_age, dg1=list(dg1), secret=secret,
        group_length=length, group_path=bits, group_siblings=sibs, allow_path=list(allowed.path_bits),
        allow_siblings=list(allowed.siblings), sanction_siblings=smt["siblings"], old_key=smt["old_key"],
        old_value=smt["old_value"], is_old0=smt["is_old0"])
