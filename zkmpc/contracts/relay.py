"""Chain A's group roots on chain B: a signed attestation, the contract that accepts it, and
the relayer that carries it.

The trust model: chain B's admin authorises one or more signer keys (secp256k1, the keys
Ethereum accounts use, so a hardware wallet or a KMS can hold them). A signer reads chain A's
group (its current root and that root's sequence number there) and signs an EIP-712
attestation naming chain A (its chain id and group contract), chain B (its chain id and
receiving contract), the root, the sequence number and the time. Anyone may carry it to
chain B: a relayer needs no authority, only gas. Chain B refuses an attestation by a key it
did not authorise (a forged one), one not newer than the last (a replay), and a root whose
attestation is older than ``max_age`` seconds (an expired one); the signer refreshes the
current root by signing it again with a later time.

    >>> from zkmpc.contracts import RootAttestation, signer_address
    >>> key = bytes(range(1, 33))  # a test key; real ones come from secrets.token_bytes(32)
    >>> att = RootAttestation.sign(key, source_chain_id=1, source_group="0x" + "aa" * 20, target_chain_id=10,
    ...                            target="0x" + "bb" * 20, root=123, source_seq=1, timestamp=1_700_000_000)
    >>> att.signer() == signer_address(key)
    True

Security:
    The signer is trusted for what it attests: a dishonest signer can post any root. Keep
    ``max_age`` short enough that a stolen key's roots expire, and rotate signers with
    ``setSigner``. The relayer is not trusted.
"""

from __future__ import annotations

import importlib
import secrets
from dataclasses import dataclass, replace
from typing import Any

from zkp.evm import CompiledContract, keccak256
from zkp.errors import ToolError
from zkp.evm.chain import Chain, Receipt

from ..errors import ContractInputError
from .abi import need_address, need_uint
from .app import AppContract, AppContractBase, AppLayout, compile_app
from .client import ContractClient, deploy_words
from .group import GroupContract, GroupContractBase
from .source import DEFAULT_ROOT_WINDOW, compile_group

__all__ = ["RelayedGroupContract", "Relayer", "RootAttestation", "new_signing_key", "signer_address"]

_DOMAIN_TYPE = b"EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"
_RELAY_TYPE = b"RootRelay(uint256 sourceChainId,address sourceGroup,uint256 root,uint64 sourceSeq,uint64 timestamp)"
_NAME, _VERSION = b"zkmpc root relay", b"1"
_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141  # secp256k1's group order


def _keys() -> Any:
    try:
        return importlib.import_module("eth_keys").keys
    except ImportError as exc:
        raise ToolError("signing relay attestations needs eth-keys: pip install 'zkmpc[evm]'") from exc


def _private_key(key: object) -> Any:
    if not isinstance(key, (bytes, bytearray)) or len(key) != 32:
        raise ContractInputError(f"signing key: expected 32 bytes, found {type(key).__name__}"
                                 f"{' of length ' + str(len(key)) if isinstance(key, (bytes, bytearray)) else ''}")
    if not 0 < int.from_bytes(key, "big") < _N:
        raise ContractInputError("signing key: expected a secp256k1 scalar in [1, n), found one outside")
    return _keys().PrivateKey(bytes(key))


def new_signing_key(*, rng: Any = None) -> bytes:
    """A fresh secp256k1 signing key (``secrets``; ``rng``: a ``random.Random`` for tests)."""
    while True:
        key = secrets.token_bytes(32) if rng is None else rng.randbytes(32)
        if 0 < int.from_bytes(key, "big") < _N:
            return key


def signer_address(key: bytes) -> str:
    """The account address of a signing key (what ``setSigner`` authorises)."""
    return str(_private_key(key).public_key.to_checksum_address())


def _word(v: int) -> bytes:
    return v.to_bytes(32, "big")


@dataclass(frozen=True)
class RootAttestation:
    """A signed statement: "root ``root`` is group ``source_group``'s root number
    ``source_seq`` on chain ``source_chain_id``, as of ``timestamp``", for the contract
    ``target`` on chain ``target_chain_id``. ``(v, r, s)`` is the ECDSA signature of
    :meth:`digest` (v 27 or 28, s in the lower half)."""

    source_chain_id: int
    source_group: str
    target_chain_id: int
    target: str
    root: int
    source_seq: int
    timestamp: int
    v: int = 0
    r: int = 0
    s: int = 0

    def __post_init__(self) -> None:
        for name in ("source_chain_id", "target_chain_id", "root"):
            need_uint(getattr(self, name), name)
        for name in ("source_seq", "timestamp"):
            need_uint(getattr(self, name), name, 64)
        need_address(self.source_group, "source_group")
        need_address(self.target, "target")
        need_uint(self.v, "v", 8)
        need_uint(self.r, "r")
        need_uint(self.s, "s")

    def digest(self) -> bytes:
        """The EIP-712 digest the signer signs (the contract's ``relayDigest``)."""
        domain = keccak256(keccak256(_DOMAIN_TYPE) + keccak256(_NAME) + keccak256(_VERSION)
                           + _word(self.target_chain_id) + _word(int(self.target, 16)))
        body = keccak256(keccak256(_RELAY_TYPE) + _word(self.source_chain_id) + _word(int(self.source_group, 16))
                         + _word(self.root) + _word(self.source_seq) + _word(self.timestamp))
        return keccak256(b"\x19\x01" + domain + body)

    @classmethod
    def sign(cls, key: bytes, *, source_chain_id: int, source_group: str, target_chain_id: int, target: str,
             root: int, source_seq: int, timestamp: int) -> RootAttestation:
        """Sign an attestation with ``key`` (deterministic ECDSA, RFC 6979; s in the lower half)."""
        unsigned = cls(source_chain_id, source_group, target_chain_id, target, root, source_seq, timestamp)
        sig = _private_key(key).sign_msg_hash(unsigned.digest())
        v, s = sig.v, sig.s
        if s > _N // 2:  # the contract refuses the malleated twin (n - s)
            v, s = 1 - v, _N - s
        return replace(unsigned, v=27 + v, r=sig.r, s=s)

    def signer(self) -> str:
        """The address that signed this attestation.

        Raises:
            ContractInputError: not a valid signature (v not 27 or 28, r or s out of range).
        """
        if self.v not in (27, 28) or not 0 < self.r < _N or not 0 < self.s < _N:
            raise ContractInputError(f"signature: expected v in (27, 28) and r, s in [1, n), found v={self.v}")
        sig = _keys().Signature(vrs=(self.v - 27, self.r, self.s))
        return str(sig.recover_public_key_from_msg_hash(self.digest()).to_checksum_address())


class RelayTarget(ContractClient):
    """What a contract receiving relayed roots answers (``ZkRelayedGroup``, ``ZkRelayedApp``)."""

    def set_signer(self, signer: str, allowed: bool = True, *, sender: str | None = None) -> Receipt:
        """Authorise (or revoke) a signer address (admin only)."""
        if not isinstance(allowed, bool):
            raise ContractInputError(f"allowed: expected a bool, found {type(allowed).__name__}")
        return self._send("setSigner(address,bool)", [int(need_address(signer, "signer"), 16), int(allowed)],
                          sender=sender)

    def is_signer(self, signer: str) -> bool:
        return self._read("isSigner(address)", [int(need_address(signer, "signer"), 16)])[0] == 1

    def source(self) -> tuple[int, str]:
        """(chain id, group address) of the source group."""
        return self._read("sourceChainId()")[0], f"0x{self._read('sourceGroup()')[0]:040x}"

    def last_relayed(self) -> tuple[int, int]:
        """(sequence number, timestamp) of the last attestation accepted."""
        return self._read("lastSourceSeq()")[0], self._read("lastTimestamp()")[0]

    def relay_digest(self, root: int, source_seq: int, timestamp: int) -> bytes:
        """The contract's own ``relayDigest`` (a cross-check of :meth:`RootAttestation.digest`)."""
        word = self._read("relayDigest(uint256,uint64,uint64)",
                          [need_uint(root, "root"), need_uint(source_seq, "source_seq", 64),
                           need_uint(timestamp, "timestamp", 64)])[0]
        return _word(word)

    def relay_root(self, att: RootAttestation, *, sender: str | None = None) -> Receipt:
        """Submit an attestation (anyone may).

        Raises:
            UnauthorisedSignerError, RelayOutOfOrderError, ExpiredRootError, InvalidRootError:
                the contract's refusals.
        """
        if not isinstance(att, RootAttestation):
            raise ContractInputError(f"attestation: expected a RootAttestation, found {type(att).__name__}")
        return self._send("relayRoot(uint256,uint64,uint64,uint8,bytes32,bytes32)",
                          [att.root, att.source_seq, att.timestamp, att.v, att.r, att.s], sender=sender)


class RelayedGroupContract(RelayTarget, GroupContractBase):
    """``ZkRelayedGroup``: a group on chain B whose roots come from chain A's group through
    signed attestations; proofs validate against them as on chain A."""

    @classmethod
    def deploy(cls, chain: Chain, verifier: str, *, source_chain_id: int, source_group: str,
               max_age: int, admin: str | None = None, root_window: int = DEFAULT_ROOT_WINDOW,
               compiled: CompiledContract | None = None) -> RelayedGroupContract:
        """Deploy a relayed group for chain ``source_chain_id``'s group ``source_group``;
        a root expires ``max_age`` seconds after its latest attestation (0: never)."""
        compiled = compiled if compiled is not None else compile_group("ZkRelayedGroup", root_window=root_window)
        if compiled.name != "ZkRelayedGroup":
            raise ContractInputError(f"compiled: expected ZkRelayedGroup, found {compiled.name}")
        args = deploy_words(chain, verifier, admin, max_age, need_uint(source_chain_id, "source_chain_id"),
                            int(need_address(source_group, "source_group"), 16))
        return cls(chain, chain.deploy(compiled.bytecode + args), compiled)

class RelayedAppContract(RelayTarget, AppContractBase):
    """``ZkRelayedApp``: an application on chain B whose root set 0 comes from chain A's app
    (or group) through signed attestations; its other root sets are recorded by its admin."""

    @classmethod
    def deploy(cls, chain: Chain, verifier: str, layout: AppLayout, *, source_chain_id: int, source_group: str,
               max_age: int, admin: str | None = None, root_window: int = DEFAULT_ROOT_WINDOW,
               compiled: CompiledContract | None = None) -> RelayedAppContract:
        """Deploy the app for ``layout`` (at least one root set) relaying set 0 from chain
        ``source_chain_id``'s contract ``source_group``; a relayed root expires ``max_age``
        seconds after its latest attestation (0: never)."""
        if isinstance(layout, AppLayout) and not layout.roots:
            raise ContractInputError("layout: a relayed app needs a root signal (roots=(index, ...))")
        compiled = compiled if compiled is not None else compile_app(layout, "ZkRelayedApp", root_window=root_window)
        if compiled.name != "ZkRelayedApp":
            raise ContractInputError(f"compiled: expected ZkRelayedApp, found {compiled.name}")
        args = deploy_words(chain, verifier, admin, max_age, need_uint(source_chain_id, "source_chain_id"),
                            int(need_address(source_group, "source_group"), 16))
        return cls(chain, chain.deploy(compiled.bytecode + args), layout, compiled)

    def add_root(self, root: int, set: int, *, sender: str | None = None) -> Receipt:  # noqa: A002
        """Record a root of set 1 or above (admin only; set 0 arrives by :meth:`relay_root`)."""
        return self._send("addRoot(uint256,uint256)", [self._set(set), need_uint(root, "root")], sender=sender)


class Relayer:
    """Reads chain A's group, has the signer attest its current root, posts it on chain B.

    ``signing_key`` is the authorised signer's key; a deployment that keeps the key apart
    from the relayer builds :class:`RootAttestation` with :meth:`RootAttestation.sign` where
    the key lives and hands it to :meth:`RelayedGroupContract.relay_root`.
    """

    def __init__(self, source: GroupContract | AppContract, target: RelayTarget, signing_key: bytes) -> None:
        if not isinstance(source, (GroupContract, AppContract)) or not isinstance(target, RelayTarget):
            raise ContractInputError("Relayer: expected a GroupContract or AppContract (the source) and a "
                                     "RelayedGroupContract or RelayedAppContract (the target)")
        _private_key(signing_key)
        self.source, self.target = source, target
        self._key = bytes(signing_key)

    def __repr__(self) -> str:
        return f"Relayer({self.source.address} -> {self.target.address}, signer {signer_address(self._key)})"

    def attest(self) -> RootAttestation:
        """An attestation of chain A's current root, timestamped with chain A's latest block."""
        root = self.source.current_root()
        seq, _ = self.source.root_info(root)
        if seq == 0:
            raise ContractInputError("source group: it has recorded no root yet")
        return RootAttestation.sign(
            self._key, source_chain_id=self.source.chain.chain_id, source_group=self.source.address,
            target_chain_id=self.target.chain.chain_id, target=self.target.address, root=root, source_seq=seq,
            timestamp=self.source.chain.timestamp())

    def relay(self, *, sender: str | None = None) -> Receipt:
        """Attest chain A's current root and post it on chain B (a new root, or a refresh of
        the current one)."""
        return self.target.relay_root(self.attest(), sender=sender)
