"""Where attachment bytes live. The app talks to a store through three calls (save, open,
delete by key), so a store every app server can reach (object storage, a shared volume)
can replace the local folder later: put an object with the same methods in
app.extensions["attachment_store"]."""
from __future__ import annotations

import secrets
from pathlib import Path
from typing import BinaryIO, Protocol

from flask import current_app


class Store(Protocol):
    def save(self, data: bytes, suffix: str = "") -> str: ...
    def open(self, key: str) -> BinaryIO: ...
    def delete(self, key: str) -> None: ...


class FolderStore:
    """Files in a folder (by default instance/attachments), under random names."""

    def __init__(self, root: str | Path):
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        # Keys are made here; refuse anything that could leave the folder.
        if not key or "/" in key or "\\" in key or key.startswith("."):
            raise KeyError(key)
        return self.root / key[:2] / key

    def save(self, data: bytes, suffix: str = "") -> str:
        key = secrets.token_hex(16) + suffix
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".part")
        tmp.write_bytes(data)
        tmp.replace(path)  # whole file or nothing
        return key

    def open(self, key: str) -> BinaryIO:
        try:
            return self._path(key).open("rb")
        except OSError as exc:
            raise KeyError(key) from exc

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)


def get_store() -> Store:
    store = current_app.extensions.get("attachment_store")
    if store is None:
        store = FolderStore(current_app.config["UPLOAD_FOLDER"])
        current_app.extensions["attachment_store"] = store
    return store
