"""Reading a OneRoster roster: the folder or zip, its size limits, and its CSV files."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path, PurePosixPath
from typing import BinaryIO

# The four files are read into memory whole: a roster of 100,000 people is 10 to 20 MB. A
# file (or a zip member, whatever its header claims) past these sizes is refused.
MAX_FILE_BYTES = 100 * 1024 * 1024
MAX_ROSTER_BYTES = 200 * 1024 * 1024
CHUNK_BYTES = 1024 * 1024

MANIFEST = "manifest.csv"
ORGS = "orgs.csv"
USERS = "users.csv"
ROLES = "roles.csv"

MANIFEST_COLUMNS = ("propertyName", "value")
ORG_COLUMNS = ("sourcedId", "name", "type", "parentSourcedId")
USER_COLUMNS = ("sourcedId", "givenName", "familyName")
ROLE_COLUMNS = ("userSourcedId", "orgSourcedId", "role")

# Every column the import reads, so a header that cases one differently still finds it.
KNOWN_COLUMNS = {
    name.casefold(): name
    for name in (
        *MANIFEST_COLUMNS,
        *ORG_COLUMNS,
        *USER_COLUMNS,
        *ROLE_COLUMNS,
        "status",
        "dateLastModified",
        "email",
        "preferredGivenName",
        "preferredFamilyName",
        "primaryOrgSourcedId",
        "metadata.title",
        "roleType",
        "beginDate",
        "orgSourcedIds",
    )
}

READ_FILES = (MANIFEST, ORGS, USERS, ROLES)


class RosterError(Exception):
    """The roster as a whole cannot be imported. The message is one line meant for a person."""


def megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):,.0f} MB"


def too_big(path: Path, what: str, size: int, limit: int) -> RosterError:
    return RosterError(
        f"{what} in {path} unpacks to more than {megabytes(limit)} (at least {megabytes(size)}); "
        f"the import reads at most {megabytes(MAX_FILE_BYTES)} per file and "
        f"{megabytes(MAX_ROSTER_BYTES)} for manifest.csv, orgs.csv, users.csv and roles.csv "
        "together."
    )


def read_capped(stream: BinaryIO, limit: int) -> bytes | None:
    """Up to `limit` bytes of `stream`, a chunk at a time; None when there is more."""
    chunks, size = [], 0
    while chunk := stream.read(min(CHUNK_BYTES, limit + 1 - size)):
        chunks.append(chunk)
        size += len(chunk)
        if size > limit:
            return None
    return b"".join(chunks)


class RosterSource:
    """The files of a roster folder or zip: those beside manifest.csv, at the top or one down.

    The files the import reads must stay under `MAX_FILE_BYTES` each and `MAX_ROSTER_BYTES`
    together: checked on the sizes a folder or zip states before anything is read, and again
    while reading, so a zip member whose header understates its size is still stopped.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._left = MAX_ROSTER_BYTES
        if path.is_dir():
            self._files = self._folder_files(path)
            self._zip = False
        elif path.is_file() and zipfile.is_zipfile(path):
            self._files = self._zip_files(path)
            self._zip = True
        elif path.exists():
            raise RosterError(f"{path} is neither a folder nor a zip file.")
        else:
            raise RosterError(f"{path} does not exist.")
        self._check_stated_sizes()

    def _stated_sizes(self) -> dict[str, int]:
        wanted = {name: self._files[name] for name in READ_FILES if name in self._files}
        try:
            if not self._zip:
                return {name: Path(member).stat().st_size for name, member in wanted.items()}
            with zipfile.ZipFile(self.path) as archive:
                return {name: archive.getinfo(member).file_size for name, member in wanted.items()}
        except (OSError, KeyError, zipfile.BadZipFile) as error:
            raise RosterError(f"cannot read {self.path}: {error}") from None

    def _check_stated_sizes(self) -> None:
        sizes = self._stated_sizes()
        for name, size in sizes.items():
            if size > MAX_FILE_BYTES:
                raise too_big(self.path, name, size, MAX_FILE_BYTES)
        if sum(sizes.values()) > MAX_ROSTER_BYTES:
            raise too_big(self.path, "the roster", sum(sizes.values()), MAX_ROSTER_BYTES)

    def read(self, name: str) -> bytes:
        member = self._files.get(name)
        if member is None:
            raise RosterError(f"{name} is missing from {self.path}.")
        limit = min(MAX_FILE_BYTES, self._left)
        try:
            if not self._zip:
                with open(member, "rb") as stream:
                    data = read_capped(stream, limit)
            else:
                with zipfile.ZipFile(self.path) as archive, archive.open(member) as stream:
                    data = read_capped(stream, limit)
        except (OSError, zipfile.BadZipFile, RuntimeError, NotImplementedError) as error:
            raise RosterError(f"cannot read {name} from {self.path}: {error}") from None
        if data is None:
            what = name if limit == MAX_FILE_BYTES else "the roster"
            raise too_big(self.path, what, limit + 1, limit)
        self._left -= len(data)
        return data

    def has(self, name: str) -> bool:
        return name in self._files

    @staticmethod
    def _folder_files(path: Path) -> dict[str, str]:
        folder = None
        # An export without a manifest is found by its users.csv and read by its columns.
        for marker in (MANIFEST, USERS):
            if (path / marker).is_file():
                folder = path
                break
            candidates = [child for child in path.iterdir() if (child / marker).is_file()]
            if len(candidates) == 1:
                folder = candidates[0]
                break
            if candidates:
                break
        if folder is None:
            raise RosterError(f"{path} has no {MANIFEST}; is it a OneRoster CSV export?")
        return {child.name.lower(): str(child) for child in folder.iterdir() if child.is_file()}

    @staticmethod
    def _zip_files(path: Path) -> dict[str, str]:
        try:
            with zipfile.ZipFile(path) as archive:
                names = [name for name in archive.namelist() if not name.endswith("/")]
        except (OSError, zipfile.BadZipFile) as error:
            raise RosterError(f"{path} is not a readable zip file: {error}") from None
        members = [PurePosixPath(name) for name in names if not name.startswith("__MACOSX/")]
        for marker in (MANIFEST, USERS):
            found = [m for m in members if m.name.lower() == marker and len(m.parts) <= 2]
            top = [m for m in found if len(m.parts) == 1]
            if top:
                folder = top[0].parent
            elif len(found) == 1:
                folder = found[0].parent
            elif found:
                raise RosterError(f"{path} holds several {marker} files; zip one roster at a time.")
            else:
                continue
            return {m.name.lower(): str(m) for m in members if m.parent == folder}
        raise RosterError(f"{path} has no {MANIFEST}; is it a OneRoster CSV export?")


def decode(name: str, data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise RosterError(f"{name} is UTF-16 text; save it as UTF-8 (CSV UTF-8) and import again.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise RosterError(
            f"{name} is not UTF-8 text (byte 0x{data[error.start]:02x} on line {line}); "
            "save it as UTF-8 (CSV UTF-8) and import again."
        ) from None
    if "\x00" in text:
        raise RosterError(
            f"{name} contains NUL bytes (UTF-16?); save it as UTF-8 and import again."
        )
    if not text.strip():
        raise RosterError(f"{name} is empty.")
    return text


@dataclass
class Table:
    name: str
    text: str
    columns: list[str]

    @classmethod
    def read(cls, source: RosterSource, name: str, required: Iterable[str]) -> Table:
        text = decode(name, source.read(name))
        try:
            header = next(csv.reader(io.StringIO(text, newline="")))
        except csv.Error as error:
            raise RosterError(f"{name} line 1: {error}") from None
        columns = [column.strip() for column in header]
        # Some exports end the header with empty names (`orgSourcedId,,`); rows may or may not
        # carry the empty fields that go with them.
        while columns and not columns[-1]:
            columns.pop()
        columns = [KNOWN_COLUMNS.get(column.casefold(), column) for column in columns]
        missing = [column for column in required if column not in columns]
        if missing:
            found = ", ".join(columns[:12]) + (", …" if len(columns) > 12 else "")
            raise RosterError(
                f"{name} has no {', '.join(missing)} column{'s' if len(missing) > 1 else ''} "
                f"(its columns are: {found})."
            )
        return cls(name, text, columns)

    @classmethod
    def empty(cls, name: str) -> Table:
        """A file the manifest lists as absent, as a delta may."""
        return cls(name, "", [])

    @cached_property
    def estimated_rows(self) -> int:
        return max(self.text.count("\n") - 1 + (not self.text.endswith("\n")), 0)

    def rows(self) -> Iterator[tuple[int, dict[str, str], str | None]]:
        """Yield (line where the row starts, values by column, why the row is malformed or None)."""
        if not self.columns:
            return
        reader = csv.reader(io.StringIO(self.text, newline=""))
        next(reader)
        width = len(self.columns)
        start = reader.line_num + 1
        try:
            for values in reader:
                line, start = start, reader.line_num + 1
                if not any(value.strip() for value in values):
                    continue
                row = dict(zip(self.columns, (value.strip() for value in values), strict=False))
                problem = None
                count = len(values)
                if count != width and (
                    count < width or any(value.strip() for value in values[width:])
                ):
                    problem = f"has {len(values)} fields but the header has {len(self.columns)}"
                yield line, row, problem
        except csv.Error as error:
            raise RosterError(f"{self.name} line {reader.line_num}: {error}") from None
