"""The import's report and its progress bar."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TextIO

from .reading import ORGS, ROLES, USERS

PROGRESS_EVERY = 500

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class BadRow:
    file: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.file} line {self.line}: {self.reason}"


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    bad: int = 0


@dataclass
class ImportReport:
    source: str
    dry_run: bool
    counts: dict[str, Counts] = field(
        default_factory=lambda: {kind: Counts() for kind in ("districts", "schools", "users")}
    )
    roles_read: int = 0
    roles_bad: int = 0
    other_orgs: int = 0
    placed_orgs: int = 0  # departments and the like, whose people go to their school
    left: int = 0  # people deactivated because the roster no longer lists them
    deactivated: int = 0  # active people the roster marks tobedeleted
    bad_rows: list[BadRow] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    version: str = "1.2"
    delta: bool = False
    users_read: int = 0
    newest_change: datetime.datetime | None = None  # the latest dateLastModified of any row

    @property
    def people_imported(self) -> int:
        counts = self.counts["users"]
        return counts.created + counts.updated + counts.unchanged

    def nobody_reason(self) -> str | None:
        """Why a run that listed people imported none of them, on one line; else None."""
        if self.people_imported:
            return None
        if self.users_read == 0:
            if self.delta:
                return None
            return "imported nobody: users.csv lists nobody."
        people = (
            "the 1 person in users.csv was"
            if self.users_read == 1
            else f"all {self.users_read} people in users.csv were"
        )
        # A district or school refused explains the people refused after it.
        order = {ORGS: 0, USERS: 1, ROLES: 2}
        first = min(self.bad_rows, key=lambda bad: (order[bad.file], bad.line), default=None)
        why = f"; the first: {first}" if first else ""
        return f"imported nobody: {people} refused{why}."

    def bad(self, kind: str, file: str, line: int, reason: str) -> None:
        if kind == "roles":
            self.roles_bad += 1
        else:
            self.counts[kind].bad += 1
        self.bad_rows.append(BadRow(file, line, reason))

    def summary_lines(self) -> list[str]:
        kind = f"OneRoster {self.version} {'delta' if self.delta else 'bulk'}"
        if self.dry_run:
            lines = [f"Dry run of the {kind} import of {self.source}: nothing was saved."]
        else:
            lines = [f"Imported the {kind} roster {self.source}."]
        for kind, counts in self.counts.items():
            lines.append(
                f"{kind + ':':<11}{counts.created} created, {counts.updated} updated, "
                f"{counts.unchanged} unchanged, {plural(counts.bad, 'bad row')}"
            )
        lines.append(f"{'roles:':<11}{self.roles_read} read, {plural(self.roles_bad, 'bad row')}")
        if self.deactivated:
            people = "1 person" if self.deactivated == 1 else f"{self.deactivated} people"
            lines.append(f"{people} marked tobedeleted: deactivated, shown as left")
        if self.left:
            people = "1 person" if self.left == 1 else f"{self.left} people"
            lines.append(f"{people} no longer in the roster: deactivated, shown as left")
        if self.placed_orgs:
            lines.append(
                f"{plural(self.placed_orgs, 'department or other org')} below a school or "
                "district: their people placed there"
            )
        if self.other_orgs:
            lines.append(f"{plural(self.other_orgs, 'org')} above any district, skipped")
        lines.extend(f"Note: {note}" for note in self.notes)
        file_order = {ORGS: 0, USERS: 1, ROLES: 2}
        if self.bad_rows:
            lines.append(f"{plural(len(self.bad_rows), 'bad row')}, not imported:")
            rows = sorted(self.bad_rows, key=lambda bad: (file_order[bad.file], bad.line))
            lines.extend(f"  {bad}" for bad in rows)
        if self.dry_run:
            lines.append("Dry run: the changes above were rolled back.")
        return lines


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


class TextProgress:
    """A progress bar on a text stream: redrawn in place on a terminal, else only when finished."""

    def __init__(self, stream: TextIO, width: int = 30) -> None:
        self.stream = stream
        self.width = width
        self.live = stream.isatty()
        self._last: tuple[str, int] | None = None
        self._open = False

    def __call__(self, label: str, done: int, total: int) -> None:
        finished = done >= total
        percent = 100 if total <= 0 else min(done * 100 // total, 100)
        if not finished and (not self.live or self._last == (label, percent)):
            return
        self._last = (label, percent)
        filled = self.width * percent // 100
        bar = "#" * filled + "." * (self.width - filled)
        text = f"{label:<8} [{bar}] {percent:3d}%  {done}/{total}"
        self.stream.write(("\r" if self.live else "") + text + ("\n" if finished else ""))
        self.stream.flush()
        self._open = self.live and not finished

    def close(self) -> None:
        """End a bar left half drawn, so an error message starts on its own line."""
        if self._open:
            self.stream.write("\n")
            self._open = False


def tick(progress: Progress, label: str, done: int, total: int) -> None:
    if done % PROGRESS_EVERY == 0 and done < total:
        progress(label, done, total)


def no_progress(label: str, done: int, total: int) -> None:
    pass
