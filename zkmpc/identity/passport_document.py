"""The e-passport's documents, off chain: a synthetic, structurally faithful ICAO 9303
passport, its signers, and the values the passport circuits (:mod:`zkmpc.identity.passport`)
read from it.

Each country's signing authority (:class:`CountrySigner`, the CSCA) certifies document
signers (:class:`DocumentSigner`, the DSC, an ECDSA P-256 key); a DSC signs each passport's
data (:class:`Chip`):

- DG1 = ``61 5B 5F1F 58`` + the 88-character TD3 machine-readable zone (:class:`Mrz`);
- the LDS security object (DER ``LDSSecurityObject``: version 0, SHA-256, the hashes of
  DG1, DG2, DG11 and DG14) holds SHA-256(DG1) at offset :data:`SOD_DG1_AT`;
- the signed attributes (DER ``SET OF Attribute``: content type ``id-icao-ldsSecurityObject``,
  signing time, message digest) hold SHA-256(security object) at :data:`ATTRS_DIGEST_AT`;
- the DSC's ECDSA P-256 signature over SHA-256(signed attributes).

Every length is fixed, so offsets are constants. What varies from one passport to another:
the MRZ, the other data groups' bytes (their hashes), the signing time (13 characters at
:data:`ATTRS_TIME_AT`), the digests and the signature; every other byte is checked against
the layout, off chain here and in circuit there. A DSC joins the trusted-DSC tree
(:class:`TrustedSigners`) once its certificate checks against its country's CSCA.

    >>> import datetime
    >>> mrz = Mrz("UTO", "ERIKSSON", "ANNA MARIA", "L898902C3", "UTO", datetime.date(1974, 8, 12), "F",
    ...           datetime.date(2032, 4, 15))
    >>> text = mrz.encode()
    >>> text[44:]
    'L898902C36UTO7408122F3204153<<<<<<<<<<<<<<04'
    >>> Mrz.check(text) == text, len(dg1_of(text))
    (True, 93)
    >>> birth_number(text.encode(), 20261204), expiry_number(text.encode())
    (19740812, 20320415)
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
from dataclasses import dataclass, field
from typing import Any, Iterable

from circuits.native import ecdsa as ne
from circuits.native.merkle import MerkleTree
from circuits.native.poseidon import poseidon as poseidon_native
from circuits.native.smt import SparseMerkleTree
from zkmpc.errors import PassportDataGroupError, PassportFormatError, PassportSignatureError, PassportSignerError

__all__ = ["Mrz", "Chip", "CountrySigner", "DocumentSigner", "TrustedSigners", "Allowlist", "MRZ_LEN", "DG1_HEADER", "DG1_LEN", "DATA_GROUPS", "SOD_LEN", "ATTRS_LEN", "SOD_DG1_AT", "ATTRS_DIGEST_AT", "ATTRS_TIME_AT", "SOD_PREFIX", "ATTRS_PREFIX", "ATTRS_FIXED", "REGISTER_DOMAIN", "DSC_DEPTH", "GROUP_DEPTH", "ALLOW_DEPTH", "SANCTION_LEVELS", "check_digit", "dg1_of", "dg1_hash", "dsc_key_hash", "commitment_of", "register_nullifier", "disclose_nullifier", "document_key", "nationality_code", "birth_number", "expiry_number", "date_number", "sanctions_tree", "new_secret"]

#: the MRZ of a TD3 (passport booklet): two lines of 44 characters
MRZ_LEN = 88
#: DG1's DER header: application tag 1 (``61``), length 91, tag ``5F1F`` (the MRZ), length 88
DG1_HEADER = bytes([0x61, 0x5B, 0x5F, 0x1F, 0x58])
DG1_LEN = len(DG1_HEADER) + MRZ_LEN
#: the data groups the security object lists (DG1 first)
DATA_GROUPS = (1, 2, 11, 14)
#: ``AlgorithmIdentifier`` of SHA-256 (OID 2.16.840.1.101.3.4.2.1, NULL parameters)
SHA256_ALG = bytes.fromhex("300d06096086480165030402010500")
#: id-icao-ldsSecurityObject (2.23.136.1.1.1)
LDS_SECURITY_OBJECT = bytes.fromhex("0606678108010101")
OID_CONTENT_TYPE = bytes.fromhex("06092a864886f70d010903")
OID_MESSAGE_DIGEST = bytes.fromhex("06092a864886f70d010904")
OID_SIGNING_TIME = bytes.fromhex("06092a864886f70d010905")
#: sizes and offsets of the fixed layout
SOD_LEN, SOD_DG1_AT = 180, 31
ATTRS_LEN, ATTRS_TIME_AT, ATTRS_DIGEST_AT = 104, 42, 72
#: the register nullifier's domain (``Poseidon(domain, r)``)
REGISTER_DOMAIN = int.from_bytes(b"zkmpc passport register", "big")
#: tree depths: trusted DSCs (4,096), registered passports (LeanIMT up to 2**20), allowed
#: nationalities (256), the sanctions sparse Merkle tree's levels
DSC_DEPTH, GROUP_DEPTH, ALLOW_DEPTH, SANCTION_LEVELS = 12, 20, 8, 32
_CHARS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _der(tag: int, body: bytes) -> bytes:
    n = len(body)
    length = bytes([n]) if n < 0x80 else bytes([0x81, n]) if n < 0x100 else bytes([0x82]) + n.to_bytes(2, "big")
    return bytes([tag]) + length + body


def check_digit(text: str) -> str:
    """ICAO 9303 check digit (weights 7, 3, 1; ``<`` = 0, ``A`` = 10 .. ``Z`` = 35).

    >>> check_digit("L898902C3"), check_digit("740812")
    ('6', '2')
    """
    return str(sum((0 if ch == "<" else _CHARS.index(ch)) * (7, 3, 1)[i % 3] for i, ch in enumerate(text)) % 10)


def _field(text: str, n: int, what: str) -> str:
    text = text.upper().replace(" ", "<")
    if len(text) > n or any(ch != "<" and ch not in _CHARS for ch in text):
        raise PassportFormatError(f"{what}: expected up to {n} characters A-Z, 0-9 or '<', found {text!r}")
    return text.ljust(n, "<")


@dataclass(frozen=True)
class Mrz:
    """A TD3 machine-readable zone's fields (made-up data only)."""

    issuing_state: str
    surname: str
    given_names: str
    document_number: str
    nationality: str
    birth: datetime.date
    sex: str
    expiry: datetime.date
    optional: str = ""

    def encode(self) -> str:
        """The 88 characters (two lines of 44, no line break).

        Raises:
            PassportFormatError: a field that does not fit its place.
        """
        names = _field(f"{self.surname}<<{self.given_names}", 39, "names")
        line1 = "P<" + _field(self.issuing_state, 3, "issuing state") + names
        number = _field(self.document_number, 9, "document number")
        birth, expiry = self.birth.strftime("%y%m%d"), self.expiry.strftime("%y%m%d")
        if self.sex not in ("M", "F", "<"):
            raise PassportFormatError(f"sex: expected M, F or <, found {self.sex!r}")
        if not 2000 <= self.expiry.year <= 2099:
            raise PassportFormatError(f"expiry: expected a date in 2000..2099, found {self.expiry}")
        optional = _field(self.optional, 14, "optional data")
        upper = number + check_digit(number) + _field(self.nationality, 3, "nationality") + birth \
            + check_digit(birth) + self.sex + expiry + check_digit(expiry) + optional + check_digit(optional)
        composite = upper[0:10] + upper[13:20] + upper[21:43]
        return line1 + upper + check_digit(composite)

    @staticmethod
    def check(text: str) -> str:
        """``text`` if it is a TD3 MRZ whose check digits match.

        Raises:
            PassportFormatError: the length, the document code or a check digit is wrong.
        """
        if len(text) != MRZ_LEN or not text.startswith("P") or any(ch != "<" and ch not in _CHARS for ch in text):
            raise PassportFormatError(f"expected a TD3 MRZ of {MRZ_LEN} characters starting with P, found {text!r}")
        line2 = text[44:]
        for start, stop, what in ((0, 9, "document number"), (13, 19, "birth date"), (21, 27, "expiry date"),
                                  (28, 42, "optional data")):
            if check_digit(line2[start:stop]) != line2[stop] and not (start == 28 and line2[stop] == "<"):
                raise PassportFormatError(f"{what}: expected check digit {check_digit(line2[start:stop])}, "
                                          f"found {line2[stop]!r}")
        composite = line2[0:10] + line2[13:20] + line2[21:43]
        if check_digit(composite) != line2[43]:
            raise PassportFormatError(f"composite: expected check digit {check_digit(composite)}, found {line2[43]!r}")
        for start in (13, 21):
            if not line2[start:start + 6].isdigit():
                raise PassportFormatError(f"expected a YYMMDD date at {44 + start}, found {line2[start:start + 6]!r}")
        return text


def dg1_of(mrz: str) -> bytes:
    """DG1's bytes for an MRZ (checked)."""
    return DG1_HEADER + Mrz.check(mrz).encode("ascii")


def _sod(hashes: dict[int, bytes]) -> bytes:
    groups = b"".join(_der(0x30, _der(0x02, bytes([n])) + _der(0x04, hashes[n])) for n in DATA_GROUPS)
    out = _der(0x30, _der(0x02, b"\0") + SHA256_ALG + _der(0x30, groups))
    assert len(out) == SOD_LEN
    return out


def _attrs(signing_time: datetime.datetime, digest: bytes) -> bytes:
    utc = signing_time.strftime("%y%m%d%H%M%SZ").encode()
    out = _der(0x31, _der(0x30, OID_CONTENT_TYPE + _der(0x31, LDS_SECURITY_OBJECT))
               + _der(0x30, OID_SIGNING_TIME + _der(0x31, _der(0x17, utc)))
               + _der(0x30, OID_MESSAGE_DIGEST + _der(0x31, _der(0x04, digest))))
    assert len(out) == ATTRS_LEN
    return out


#: the constant bytes of the layout (the varying ones are 0 here, their positions excluded)
SOD_PREFIX = _sod({n: bytes(32) for n in DATA_GROUPS})[:SOD_DG1_AT]
ATTRS_PREFIX = _attrs(datetime.datetime(2000, 1, 1), bytes(32))[:ATTRS_DIGEST_AT]


def _fixed(prefix: bytes, skip: range) -> list[tuple[int, int]]:
    return [(i, b) for i, b in enumerate(prefix) if i not in skip]


ATTRS_FIXED = _fixed(ATTRS_PREFIX, range(ATTRS_TIME_AT, ATTRS_TIME_AT + 13))


@dataclass(frozen=True)
class Chip:
    """What a passport's chip holds for the proofs: DG1, the other data groups' hashes (in
    the security object), the security object, the signed attributes, the DSC's signature
    ``(r, s)`` and public key ``(x, y)``."""

    dg1: bytes
    sod: bytes
    attrs: bytes
    signature: tuple[int, int]
    dsc_key: tuple[int, int]

    @property
    def mrz(self) -> str:
        """The MRZ (DG1 without its header)."""
        return self.dg1[len(DG1_HEADER):].decode("ascii")

    def check(self) -> None:
        """The native twin of the register circuit's document checks.

        Raises:
            PassportFormatError: a byte of the fixed layout out of place.
            PassportDataGroupError: DG1 is not the one the security object hashes, or the
                security object not the one the signed attributes hash.
            PassportSignatureError: the signature does not verify under the DSC key.
        """
        if len(self.dg1) != DG1_LEN or self.dg1[:5] != DG1_HEADER:
            raise PassportFormatError(f"DG1: expected {DG1_LEN} bytes starting {DG1_HEADER.hex()}, "
                                      f"found {len(self.dg1)} starting {self.dg1[:5].hex()}")
        if len(self.sod) != SOD_LEN or self.sod[:SOD_DG1_AT] != SOD_PREFIX:
            raise PassportFormatError(f"security object: expected {SOD_LEN} bytes starting {SOD_PREFIX.hex()}")
        if len(self.attrs) != ATTRS_LEN or any(self.attrs[i] != b for i, b in ATTRS_FIXED):
            raise PassportFormatError(f"signed attributes: expected {ATTRS_LEN} bytes in the fixed layout")
        if hashlib.sha256(self.dg1).digest() != self.sod[SOD_DG1_AT:SOD_DG1_AT + 32]:
            raise PassportDataGroupError(f"expected SHA-256(DG1) = {self.sod[SOD_DG1_AT:SOD_DG1_AT + 32].hex()} "
                                         f"(the security object's), found {hashlib.sha256(self.dg1).hexdigest()}")
        if hashlib.sha256(self.sod).digest() != self.attrs[ATTRS_DIGEST_AT:]:
            raise PassportDataGroupError("expected the security object's SHA-256 in the signed attributes, "
                                         f"found {hashlib.sha256(self.sod).hexdigest()}")
        z = ne.digest_int(ne.P256, hashlib.sha256(self.attrs).digest())
        if not ne.verify(ne.P256, self.dsc_key, z, *self.signature):
            raise PassportSignatureError(f"expected a P-256 signature under the DSC key with hash "
                                         f"{dsc_key_hash(self.dsc_key)}, found one that does not verify")


class CountrySigner:
    """A country's signing authority (CSCA) with a P-256 key and a self-signed certificate
    (made with :mod:`cryptography`, whose keys come from the OS's generator).

    >>> csca = CountrySigner("UTO")
    >>> dsc = csca.document_signer()
    >>> trusted = TrustedSigners([csca])
    >>> trusted.add(dsc.certificate) == 0, trusted.index_of(dsc.key) == 0
    (True, True)
    """

    def __init__(self, country: str) -> None:
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import ec

        self.country = country
        self._key = ec.generate_private_key(ec.SECP256R1())
        name = _name(country, f"CSCA {country}")
        self.certificate = _builder(name, name, self._key.public_key(), 3650).add_extension(
            x509.BasicConstraints(ca=True, path_length=0), critical=True).sign(self._key, hashes.SHA256())

    def document_signer(self) -> DocumentSigner:
        """A new DSC: a P-256 key with a certificate this CSCA signs."""
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import ec

        key = ec.generate_private_key(ec.SECP256R1())
        cert = _builder(_name(self.country, f"DS {self.country}"), self.certificate.subject, key.public_key(),
                        1825).sign(self._key, hashes.SHA256())
        return DocumentSigner(key, cert)


def _name(country: str, common: str) -> Any:
    from cryptography import x509
    from cryptography.x509.oid import NameOID

    return x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, country[:2]),
                      x509.NameAttribute(NameOID.COMMON_NAME, common)])


def _builder(subject: Any, issuer: Any, key: Any, days: int) -> Any:
    from cryptography import x509

    start = datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc)
    return (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer).public_key(key)
            .serial_number(x509.random_serial_number()).not_valid_before(start)
            .not_valid_after(start + datetime.timedelta(days=days)))


class DocumentSigner:
    """A document signer (DSC): signs passports' security objects with ECDSA P-256."""

    def __init__(self, key: Any, certificate: Any) -> None:
        self._key = key
        self.certificate = certificate
        numbers = key.public_key().public_numbers()
        self.key: tuple[int, int] = (numbers.x, numbers.y)

    def issue(self, mrz: Mrz | str, *, signing_time: datetime.datetime = datetime.datetime(2026, 1, 5, 9, 30),
              rng: secrets.SystemRandom | None = None) -> Chip:
        """A passport's chip data for ``mrz`` (the other data groups: random bytes)."""
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

        rand = rng or secrets.SystemRandom()
        dg1 = dg1_of(mrz.encode() if isinstance(mrz, Mrz) else mrz)
        hashes_ = {n: hashlib.sha256(dg1 if n == 1 else rand.randbytes(64)).digest() for n in DATA_GROUPS}
        sod = _sod(hashes_)
        attrs = _attrs(signing_time, hashlib.sha256(sod).digest())
        r, s = decode_dss_signature(self._key.sign(attrs, ec.ECDSA(hashes.SHA256())))
        return Chip(dg1, sod, attrs, (r, s), self.key)


def dsc_key_hash(key: tuple[int, int]) -> int:
    """The trusted-DSC tree's leaf: Poseidon of the key's coordinates, 128 bits per element."""
    return poseidon_native([v >> s & ((1 << 128) - 1) for v in key for s in (0, 128)])


class TrustedSigners:
    """The trusted-DSC tree (Poseidon Merkle, depth :data:`DSC_DEPTH`): a DSC joins it off
    chain once its certificate is checked against its country's CSCA; the register
    contract records the root."""

    def __init__(self, authorities: Iterable[CountrySigner]) -> None:
        self._cscas = {a.certificate.subject: a.certificate for a in authorities}
        self.tree = MerkleTree(DSC_DEPTH)
        self._keys: list[tuple[int, int]] = []

    def add(self, certificate: Any) -> int:
        """Check a DSC certificate against the CSCA that issued it and add its key; its index.

        Raises:
            PassportSignerError: no known CSCA issued it, or the signature does not verify.
        """
        csca = self._cscas.get(certificate.issuer)
        try:
            if csca is None:
                raise ValueError(f"unknown issuer {certificate.issuer.rfc4514_string()}")
            certificate.verify_directly_issued_by(csca)
        except Exception as exc:  # cryptography raises InvalidSignature or ValueError/TypeError
            raise PassportSignerError(f"expected a DSC certificate issued by a trusted CSCA, found: {exc!r}") from exc
        numbers = certificate.public_key().public_numbers()
        key = (numbers.x, numbers.y)
        self._keys.append(key)
        return self.tree.append(dsc_key_hash(key))

    def index_of(self, key: tuple[int, int]) -> int | None:
        """The tree index of a DSC key, or None."""
        return self._keys.index(key) if key in self._keys else None

    @property
    def root(self) -> int:
        """The root the register contract records."""
        return self.tree.root


def _pack(data: bytes, size: int = 31) -> list[int]:
    return [int.from_bytes(data[i:i + size], "big") for i in range(0, len(data), size)]


def dg1_hash(dg1: bytes) -> int:
    """Poseidon of DG1 in three chunks of 31 bytes (big-endian)."""
    return poseidon_native(_pack(dg1))


def commitment_of(secret: int, dg1: bytes) -> int:
    """The group member a registration adds: ``Poseidon(secret, dg1_hash(dg1))``."""
    return poseidon_native([secret, dg1_hash(dg1)])


def register_nullifier(r: int) -> int:
    """``Poseidon(REGISTER_DOMAIN, r low 128 bits, r high 128 bits)``: one registration per signature."""
    return poseidon_native([REGISTER_DOMAIN, r & ((1 << 128) - 1), r >> 128])


def disclose_nullifier(secret: int, dg1: bytes, scope: int) -> int:
    """``Poseidon(scope, secret, dg1_hash(dg1))``: one proof per passport per application."""
    return poseidon_native([scope, secret, dg1_hash(dg1)])


def new_secret(*, rng: secrets.SystemRandom | None = None) -> int:
    """A holder's secret (248 random bits)."""
    return (rng or secrets.SystemRandom()).getrandbits(248)


def date_number(day: datetime.date) -> int:
    """``day`` as YYYYMMDD.

    >>> date_number(datetime.date(2026, 12, 4))
    20261204
    """
    return day.year * 10_000 + day.month * 100 + day.day


def _digits(mrz: bytes, at: int) -> int:
    return int(mrz[at:at + 6].decode("ascii"))


def birth_number(mrz: bytes, today: int) -> int:
    """The birth date as YYYYMMDD, its century as the circuit picks it: 20YY if that is not
    after ``today`` (YYYYMMDD, in 2000..2099), else 19YY (a holder of 100 or more reads as
    a child: the two-digit year's known limit)."""
    born = 20_000_000 + _digits(mrz, 57)
    return born if born <= today else born - 1_000_000


def expiry_number(mrz: bytes) -> int:
    """The date of expiry as YYYYMMDD (20YY: a passport valid at most ten years)."""
    return 20_000_000 + _digits(mrz, 65)


def nationality_code(mrz: bytes) -> int:
    """The nationality's three letters as a 24-bit big-endian number (the allowlist's leaf)."""
    return int.from_bytes(mrz[54:57], "big")


def document_key(mrz: bytes) -> int:
    """Issuing state and document number (12 bytes, big-endian): the sanctions tree's key."""
    return int.from_bytes(mrz[2:5] + mrz[44:53], "big")


def sanctions_tree(mrzs: Iterable[str | bytes]) -> SparseMerkleTree:
    """The sanctions list's sparse Merkle tree: each listed document's key holds 1."""
    return SparseMerkleTree({document_key(m.encode() if isinstance(m, str) else m): 1 for m in mrzs})


@dataclass
class Allowlist:
    """The nationalities an application accepts: a Poseidon Merkle tree of depth
    :data:`ALLOW_DEPTH` over their codes (:func:`nationality_code`).

    >>> allow = Allowlist(["UTO", "D<<"])
    >>> allow.index_of("D<<"), allow.index_of("XXA")
    (1, None)
    """

    codes: list[str]
    tree: MerkleTree = field(init=False)

    def __post_init__(self) -> None:
        self.tree = MerkleTree(ALLOW_DEPTH, [int.from_bytes(c.encode(), "big") for c in self.codes])

    def index_of(self, code: str) -> int | None:
        """Where ``code`` is, or None."""
        return self.codes.index(code) if code in self.codes else None

    @property
    def root(self) -> int:
        """The root the disclose contract records."""
        return self.tree.root
