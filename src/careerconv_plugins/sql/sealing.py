"""Encryption at rest for the SQL stores: a data key per plan, wrapped by one master key.

Every plan body and every outbox payload is sealed with AES-256-GCM under the
data key of its plan (the outbox's ``plan_id``), the row's identity bound in as
associated data, so a ciphertext moved to another row, or changed by one bit,
fails to open instead of reading as something else. Each data key is stored
wrapped (AES-256-GCM again) by the master key, beside the fingerprint of the
master that wrapped it; destroying a plan's wrapped key destroys its content,
backups included. The master key itself never reaches the database: it comes
from the file named by ``key_file`` (owner-only) or the variable named by
``key_env``, as 32 random bytes in base64. Nothing here logs, and no message
carries a key or a plaintext.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import hmac
import os
import secrets
import stat
from collections.abc import Mapping
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from careerconv_core.errors import AdapterError, ConfigurationError
from careerconv_core.setting import Setting, SettingType
from careerconv_plugins.settings import shown_env

KEY_BYTES = 32  # AES-256
_NONCE_BYTES = 12
SEALED_PREFIX = "cc1:"  # a format version: a clear body is JSON and starts with "{"
_FINGERPRINT_LABEL = b"careerconv master key fingerprint v1"
_CACHE_LIMIT = 20_000  # unwrapped data keys kept per store; a plan's key is then unwrapped again


def new_key_text() -> str:
    """A new random master key as the base64 text ``key_file`` and ``key_env`` hold."""
    return base64.b64encode(secrets.token_bytes(KEY_BYTES)).decode("ascii")


class MasterKey:
    """The key that wraps every data key of a store.

    ``setting`` is the setting it came through (``key_file`` or ``key_env``) and
    ``source`` says where it came from (the file, the variable), for messages.
    Its ``repr`` names the source and the fingerprint, never the key.
    """

    def __init__(self, secret: bytes, source: str, setting: str = "key_file") -> None:
        if len(secret) != KEY_BYTES:
            raise ValueError("a master key is 32 bytes")
        self._aead = AESGCM(secret)
        self.source = source
        self.setting = setting
        # A PRF of the key, not the key: tells which master wrapped a data key, and a wrong key apart.
        self.fingerprint = hmac.new(secret, _FINGERPRINT_LABEL, hashlib.sha256).hexdigest()[:32]

    def __repr__(self) -> str:
        return f"MasterKey({self.source}, fingerprint {self.fingerprint[:8]})"

    def wrap(self, data_key: bytes, key_id: str) -> str:
        """``data_key`` sealed under this master for the plan ``key_id``, as text."""
        nonce = secrets.token_bytes(_NONCE_BYTES)
        sealed = self._aead.encrypt(nonce, data_key, _aad("key", key_id))
        return base64.b64encode(nonce + sealed).decode("ascii")

    def unwrap(self, wrapped: str, key_id: str) -> bytes:
        """The data key ``wrap`` sealed; ``InvalidTag`` or ``ValueError`` when it was changed."""
        raw = base64.b64decode(wrapped, validate=True)
        return self._aead.decrypt(raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], _aad("key", key_id))


def _aad(kind: str, *ids: str) -> bytes:
    return "\x00".join((kind, *ids)).encode()


def _decode_key(text: str) -> bytes | None:
    try:
        raw = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        return None
    return raw if len(raw) == KEY_BYTES else None


_KEY_SHAPE = "32 random bytes in base64 (make one with: careerconv store new-key)"


def key_from_env(name: str, store: str) -> MasterKey:
    """The master key in the environment variable ``name`` (named by ``key_env``)."""
    text = os.environ.get(name, "").strip()
    if not text:
        raise ConfigurationError(
            f"{store}: the environment variable {shown_env(name)} named by 'key_env' is empty or unset; "
            "export it with the store's master key (the store is encrypted and cannot be opened without it)"
        )
    secret = _decode_key(text)
    if secret is None:
        raise ConfigurationError(
            f"{store}: the environment variable {shown_env(name)} named by 'key_env' does not hold a "
            f"master key; it must be {_KEY_SHAPE}"
        )
    return MasterKey(secret, f"the variable {shown_env(name)} named by 'key_env'", "key_env")


def shown_path(path: str | Path) -> str:
    """``path`` quoted for a message, its middle left out when it is long (a message stays one short line)."""
    text = str(path)
    return repr(text if len(text) <= 120 else f"{text[:60]}...{text[-40:]}")


def key_from_file(path: Path, store: str) -> MasterKey:
    """The master key in the owner-only file at ``path`` (named by ``key_file``)."""
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            raise ConfigurationError(
                f"{store}: 'key_file' {shown_path(path)} is not a file; point it at the key file"
            )
        if info.st_mode & 0o077:
            raise ConfigurationError(
                f"{store}: 'key_file' {shown_path(path)} can be read by others (mode "
                f"{stat.S_IMODE(info.st_mode):04o}); make it owner-only: chmod 600 {shown_path(path)}"
            )
        with path.open(encoding="ascii") as file:
            text = file.read(4096)  # a key is 44 characters: a big file is no key, and is not read whole
    except FileNotFoundError:
        raise ConfigurationError(
            f"{store}: 'key_file' {shown_path(path)} does not exist; restore the key from your backup "
            "(the store cannot be read without it), or run 'careerconv init' to create one for a new store"
        ) from None
    except (OSError, UnicodeDecodeError, ValueError) as exc:  # ValueError: a NUL in the path
        reason = getattr(exc, "strerror", None) or (
            "not text" if isinstance(exc, UnicodeDecodeError) else "not a path"
        )
        raise ConfigurationError(
            f"{store}: 'key_file' {shown_path(path)} cannot be read ({reason}); check the file"
        ) from None
    secret = _decode_key(text)
    if secret is None:
        raise ConfigurationError(
            f"{store}: 'key_file' {shown_path(path)} does not hold a master key; it must be {_KEY_SHAPE}"
        )
    return MasterKey(secret, f"'key_file' {shown_path(path)}", "key_file")


def key_from_settings(settings: Mapping[str, str], store: str) -> MasterKey:
    """The master key named by exactly one of the ``key_file`` and ``key_env`` settings."""
    file, env = settings.get("key_file", "").strip(), settings.get("key_env", "").strip()
    if file and env:
        raise ConfigurationError(f"{store}: set 'key_file' or 'key_env', not both")
    if env:
        return key_from_env(env, store)
    if file:
        return key_from_file(Path(file).expanduser(), store)
    raise ConfigurationError(
        f"{store}: no master key; the store is encrypted at rest: set 'key_file' to an owner-only key "
        "file ('careerconv init' writes careerconv.key) or 'key_env' to a variable holding the key"
    )


KEY_SETTINGS = (
    Setting(
        "key_file",
        SettingType.PATH,
        "owner-only (0600) file holding the master key that encrypts plans at rest "
        "('careerconv init' writes careerconv.key)",
    ),
    Setting("key_env", help="environment variable holding the master key (base64), instead of key_file"),
)
"""The master key settings every SQL store declares: exactly one of them is required."""

ROTATING_TO = "rotating_to_"
"""Prefix of the settings ``careerconv store rotate-key`` adds (never read from careerconv.toml)."""


def keys_from_settings(settings: Mapping[str, str], store: str) -> tuple[MasterKey, MasterKey | None]:
    """The store's master key, and the new one when a rotation opens the store."""
    key = key_from_settings(settings, store)
    new = {k[len(ROTATING_TO) :]: v for k, v in settings.items() if k.startswith(ROTATING_TO)}
    return key, (key_from_settings(new, f"{store} (the new key)") if new else None)


def create_key_file(path: str | Path) -> bool:
    """Write a new master key to ``path``, owner-only, unless a file is there; True when written.

    The key is written to a temporary file and linked into place, so ``path``
    never holds half a key, and an existing key is never replaced.
    """
    path = Path(path)
    if path.exists():
        return False
    temp = path.with_name(f".{path.name}.{os.getpid()}.new")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as out:
            out.write(new_key_text() + "\n")
            out.flush()
            os.fsync(out.fileno())
        try:
            os.link(temp, path)
        except FileExistsError:
            return False  # made meanwhile by another process: theirs stays
    finally:
        temp.unlink(missing_ok=True)
    with contextlib.suppress(OSError):  # the link is durable once the folder is
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    return True


class Sealer:
    """Seals and opens one store's plan bodies and outbox payloads; holds its master keys.

    ``keys`` are the masters this store may unwrap with (two during a rotation);
    ``master`` is the one new data keys are wrapped by. ``adapter`` and ``where``
    name the store in messages.
    """

    def __init__(self, master: MasterKey, adapter: str, where: str, *, also: MasterKey | None = None) -> None:
        self.master = master
        self.adapter = adapter
        self.where = where
        self.keys = {master.fingerprint: master}
        if also is not None:
            self.keys[also.fingerprint] = also
        self._cache: dict[tuple[str, str], AESGCM] = {}

    def new_data_key(self, key_id: str) -> tuple[str, str, AESGCM]:
        """A fresh data key for ``key_id``: (master fingerprint, wrapped text, cipher)."""
        data_key = secrets.token_bytes(KEY_BYTES)
        wrapped = self.master.wrap(data_key, key_id)
        cipher = AESGCM(data_key)
        self._cache[(key_id, wrapped)] = cipher
        return self.master.fingerprint, wrapped, cipher

    def secret(self, key_id: str, master: str, wrapped: str) -> bytes:
        """The raw key ``key_id`` stored as ``wrapped`` (the audit trail's chain key, not a data key)."""
        key = self.keys.get(master)
        if key is None:
            raise AdapterError(
                self.adapter, f"{self.where}: the key {key_id} is wrapped by an unknown master key"
            )
        try:
            return key.unwrap(wrapped, key_id)
        except (InvalidTag, ValueError, binascii.Error):
            raise tampered(self.adapter, self.where, "the audit trail", "its wrapped chain key") from None

    def new_secret(self, key_id: str) -> tuple[str, str, bytes]:
        """A fresh random key for ``key_id``: (master fingerprint, wrapped text, the key)."""
        raw = secrets.token_bytes(KEY_BYTES)
        return self.master.fingerprint, self.master.wrap(raw, key_id), raw

    def cipher(self, key_id: str, master: str, wrapped: str, what: str) -> AESGCM:
        """The data key of ``key_id`` stored as ``wrapped`` by the master ``master``.

        :param what: names the row in messages (``plan p1``, ``outbox entry e1 of plan p1``).
        """
        cached = self._cache.get((key_id, wrapped))
        if cached is not None:
            return cached
        key = self.keys.get(master)
        if key is None:
            raise AdapterError(
                self.adapter,
                f"{self.where}: the data key of {what} is wrapped by another master key than this store "
                "was opened with (a key rotation ran meanwhile); open the store again with the current key",
            )
        try:
            data_key = key.unwrap(wrapped, key_id)
        except (InvalidTag, ValueError, binascii.Error):
            raise tampered(self.adapter, self.where, what, "its wrapped data key") from None
        if len(self._cache) >= _CACHE_LIMIT:
            self._cache.clear()
        cipher = self._cache[(key_id, wrapped)] = AESGCM(data_key)
        return cipher

    def rewrap(self, key_id: str, master: str, wrapped: str, to: MasterKey) -> str:
        """The data key of ``key_id``, now wrapped by ``to`` (a rotation)."""
        key = self.keys.get(master)
        if key is None:
            raise AdapterError(
                self.adapter,
                f"{self.where}: the data key of plan {key_id} is wrapped by an unknown master key",
            )
        try:
            data_key = key.unwrap(wrapped, key_id)
        except (InvalidTag, ValueError, binascii.Error):
            raise tampered(self.adapter, self.where, f"plan {key_id}", "its wrapped data key") from None
        return to.wrap(data_key, key_id)


def seal(cipher: AESGCM, text: str, *ids: str) -> str:
    """``text`` sealed for the row ``ids``: ``cc1:`` and the base64 of nonce and ciphertext."""
    nonce = secrets.token_bytes(_NONCE_BYTES)
    sealed = cipher.encrypt(nonce, text.encode("utf-8"), _aad("row", *ids))
    return SEALED_PREFIX + base64.b64encode(nonce + sealed).decode("ascii")


def is_sealed(value: object) -> bool:
    """Whether a stored body or payload is sealed (else it is clear text from before)."""
    return isinstance(value, str) and value.startswith(SEALED_PREFIX)


def unseal(cipher: AESGCM, value: str, ids: tuple[str, ...], sealer: Sealer, what: str) -> str:
    """The text ``seal`` sealed for the row ``ids``; a changed value is an error naming ``what``."""
    try:
        raw = base64.b64decode(value[len(SEALED_PREFIX) :], validate=True)
        return cipher.decrypt(raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], _aad("row", *ids)).decode("utf-8")
    except (InvalidTag, ValueError, binascii.Error, UnicodeDecodeError):
        raise tampered(sealer.adapter, sealer.where, what, "its stored text") from None


def tampered(adapter: str, where: str, what: str, part: str) -> AdapterError:
    """The error for a ciphertext that fails to authenticate: nothing of it is read."""
    return AdapterError(
        adapter,
        f"{where}: {what} cannot be decrypted: {part} was changed or damaged (authentication failed); "
        "nothing of it was read; restore the store from a backup",
    )
