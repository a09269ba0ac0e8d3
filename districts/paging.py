"""Pages of a long list without counting it: "next page" and "first page" links.

A paginator that shows "page 3 of 2,000" counts every row the reader may see, on every page
view; in a district of 50,000 decisions that count is most of the page's cost. Here each page
reads one row more than it shows, to know whether there is a next page, and the link to that
page carries where to go on from. The list may be a chain of querysets, each in its own
index order (open decisions by closing time, then decided ones, newest first): a page reads
the first, and the next ones only when it runs out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import QuerySet

PER_PAGE = 25
CURSOR_PARAM = "at"


@dataclass
class CursorPage:
    object_list: list
    next_cursor: str | None
    is_first: bool

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)

    @property
    def has_other_pages(self) -> bool:
        return bool(self.next_cursor) or not self.is_first


def parse_cursor(value: str | None, chain_length: int) -> tuple[int, int]:
    """`"<queryset>.<offset>"` → (queryset index, offset); anything else is the first page."""
    try:
        index, offset = (int(part) for part in (value or "").split("."))
    except ValueError:
        return 0, 0
    if not (0 <= index < chain_length) or not (0 <= offset <= 10**9):
        return 0, 0
    return index, offset


def cursor_page(request, chain: Sequence[QuerySet], per_page: int = PER_PAGE) -> CursorPage:
    index, offset = parse_cursor(request.GET.get(CURSOR_PARAM), len(chain))
    is_first = (index, offset) == (0, 0)
    rows: list = []
    for position in range(index, len(chain)):
        start = offset if position == index else 0
        batch = list(chain[position][start : start + per_page + 1 - len(rows)])
        if len(rows) + len(batch) > per_page:
            take = per_page - len(rows)
            rows.extend(batch[:take])
            return CursorPage(rows, f"{position}.{start + take}", is_first)
        rows.extend(batch)
    return CursorPage(rows, None, is_first)
