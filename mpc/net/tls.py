"""TLS for party links: a local certificate authority, one certificate per party, and
mutually authenticated contexts (TLS 1.3, client certificates required).

A party's identity is the common name ``zkmpc-party-<id>`` in a certificate signed by the
session's CA; :func:`peer_id` reads it after the handshake. :func:`generate_certificates`
makes a CA and party certificates for local runs (``cryptography`` does the X.509 work);
real deployments bring certificates from their own CA.

Security:
    Whoever holds the CA key can mint party identities: :func:`generate_certificates`
    writes ``ca.key`` next to the certificates so that a local run can add parties; delete
    or move it for anything beyond a local test.
"""

from __future__ import annotations

import datetime
import re
import ssl
from pathlib import Path
from typing import Any, Mapping, Sequence

from .errors import ConfigError

__all__ = ["generate_certificates", "write_certificate_set", "server_context", "client_context", "peer_id", "common_name"]

_CN = re.compile(r"zkmpc-party-([1-9][0-9]{0,4})")


def common_name(party: int) -> str:
    return f"zkmpc-party-{party}"


def _name(cn: str) -> Any:
    from cryptography import x509
    from cryptography.x509.oid import NameOID

    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def _cert(subject: str, issuer: str, public_key: Any, signing_key: Any, *, ca: bool, days: int) -> Any:
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes

    now = datetime.datetime.now(datetime.timezone.utc)
    builder = (x509.CertificateBuilder().subject_name(_name(subject)).issuer_name(_name(issuer))
               .public_key(public_key).serial_number(x509.random_serial_number())
               .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + datetime.timedelta(days=days))
               .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
    if not ca:
        san = x509.SubjectAlternativeName([x509.DNSName(subject), x509.DNSName("localhost"),
                                           x509.IPAddress(ipaddress.ip_address("127.0.0.1"))])
        builder = builder.add_extension(san, critical=False)
    return builder.sign(signing_key, hashes.SHA256())


def _write(path: Path, data: bytes, private: bool = False) -> None:
    path.write_bytes(data)
    if private:
        path.chmod(0o600)


def write_certificate_set(directory: str | Path, names: Mapping[str, str], *, days: int = 30,
                          ca_file: str = "ca.pem", cert_suffix: str = ".pem") -> dict[str, Path]:
    """A fresh CA (``ca_file`` and ``ca.key``) and, for each ``stem -> common name``, the
    files ``<stem><cert_suffix>`` and ``<stem>.key`` (EC P-256) in ``directory``."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    d = Path(directory)
    d.mkdir(parents=True, exist_ok=True)
    pem, raw = serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_cert = _cert("zkmpc local CA", "zkmpc local CA", ca_key.public_key(), ca_key, ca=True, days=days)
    out = {"ca": d / ca_file, "ca_key": d / "ca.key"}
    _write(out["ca"], ca_cert.public_bytes(pem))
    _write(out["ca_key"], ca_key.private_bytes(pem, raw, serialization.NoEncryption()), private=True)
    for stem, cn in names.items():
        key = ec.generate_private_key(ec.SECP256R1())
        cert = _cert(cn, "zkmpc local CA", key.public_key(), ca_key, ca=False, days=days)
        out[stem], out[f"{stem}_key"] = d / f"{stem}{cert_suffix}", d / f"{stem}.key"
        _write(out[stem], cert.public_bytes(pem))
        _write(out[f"{stem}_key"], key.private_bytes(pem, raw, serialization.NoEncryption()), private=True)
    return out


def generate_certificates(directory: str | Path, parties: Sequence[int], *, days: int = 30) -> dict[str, Path]:
    """Write ``ca.pem``/``ca.key`` and ``party<i>.pem``/``party<i>.key`` (EC P-256) into
    ``directory``; returns the paths by name."""
    return write_certificate_set(directory, {f"party{p}": common_name(p) for p in parties}, days=days)


def _context(purpose: ssl.Purpose, ca: str | Path, cert: str | Path, key: str | Path) -> ssl.SSLContext:
    ctx = ssl.create_default_context(purpose, cafile=str(ca))
    ctx.minimum_version = ssl.TLSVersion.TLSv1_3
    ctx.check_hostname = False  # identities are party names in the CN, checked by peer_id
    ctx.verify_mode = ssl.CERT_REQUIRED
    try:
        ctx.load_cert_chain(str(cert), str(key))
    except (OSError, ssl.SSLError) as exc:
        raise ConfigError(f"cannot load certificate {cert} / key {key}: {exc}") from None
    return ctx


def server_context(ca: str | Path, cert: str | Path, key: str | Path) -> ssl.SSLContext:
    """Accepts only clients with a certificate from ``ca``."""
    return _context(ssl.Purpose.CLIENT_AUTH, ca, cert, key)


def client_context(ca: str | Path, cert: str | Path, key: str | Path) -> ssl.SSLContext:
    """Presents our certificate and accepts only servers with one from ``ca``."""
    return _context(ssl.Purpose.SERVER_AUTH, ca, cert, key)


def peer_id(ssl_object: Any) -> int | None:
    """The party id in the peer certificate's common name, or None."""
    cert = ssl_object.getpeercert() if ssl_object is not None else None
    for rdn in (cert or {}).get("subject", ()):
        for key, value in rdn:
            m = _CN.fullmatch(value) if key == "commonName" else None
            if m:
                return int(m.group(1))
    return None
