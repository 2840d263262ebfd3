"""The bytes of evidence files, stored once each under their SHA-256 outside the database.

`ATTACHMENTS_DIR/<sha256[:2]>/<sha256>`: equal files share one copy, whichever revisions and rows point
at it, and a file is never changed once written. Writing goes to a temporary file in the same folder,
then a rename, so nobody ever reads half a file; a rename onto an existing copy changes nothing.

A file whose database row is rolled back stays on disk unreferenced: harmless (nothing serves bytes
without a row) and reclaimable, since every name is derivable from the rows that remain.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from flask import current_app

from dpia.attachments.rules import is_sha256
from dpia.core.errors import NotFoundError


def storage_root() -> Path:
    return Path(current_app.config["ATTACHMENTS_DIR"])


def path_for(digest: str) -> Path:
    """Where the content with this SHA-256 lives (whether or not it is there).

    :raise NotFoundError: `digest` is not a lower-case hex SHA-256 (so it can never name another path).
    """
    if not is_sha256(digest):
        raise NotFoundError("not a content address")
    return storage_root() / digest[:2] / digest


def store_bytes(data: bytes) -> str:
    """Store `data` (once) and return its SHA-256."""
    digest = hashlib.sha256(data).hexdigest()
    target = path_for(digest)
    if target.is_file() and target.stat().st_size == len(data):
        return digest
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o640)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return digest


def read_bytes(digest: str) -> bytes:
    """The stored content with this SHA-256, checked against it.

    :raise NotFoundError: nothing is stored under it, or what is stored no longer matches it.
    """
    path = path_for(digest)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise NotFoundError(f"no stored content {digest}") from None
    if hashlib.sha256(data).hexdigest() != digest:
        raise NotFoundError(f"stored content {digest} does not match its address")
    return data


def stored_path(digest: str) -> Path:
    """The path to serve a stored file from.

    :raise NotFoundError: nothing is stored under `digest`.
    """
    path = path_for(digest)
    if not path.is_file():
        raise NotFoundError(f"no stored content {digest}")
    return path


def stored_digests() -> dict[str, Path]:
    """Every content address under the storage root, with its path (temporary files left out)."""
    root = storage_root()
    if not root.is_dir():
        return {}
    return {path.name: path for path in root.glob("??/*") if path.is_file() and is_sha256(path.name)
            and path.parent.name == path.name[:2]}


def matches(path: Path, digest: str) -> bool:
    """Whether the file at `path` still hashes to `digest` (read in blocks: files can be 20 MB)."""
    hasher = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1024 * 1024), b""):
            hasher.update(block)
    return hasher.hexdigest() == digest
