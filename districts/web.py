"""Web plumbing every app's views share: the typed request, htmx partials, pages, row URLs.

It sits in the base app so that no app imports another app's views.

Two kinds of page. `counted_page` is Django's paginator ("page 3 of 12"), for lists that are
short or whose size is already known; `window_page` is the same page with its total read in
the rows' own query, for a list shown on a page that has many queries already. `cursor_page` shows "next page" and "first page" links
without counting: a paginator that shows "page 3 of 2,000" counts every row the reader may
see, on every page view; in a district of 50,000 decisions that count is most of the page's
cost. Here each page reads one row more than it shows, to know whether there is a next page,
and the link to that page carries where to go on from. The list may be a chain of querysets,
each in its own index order (open decisions by closing time, then decided ones, newest
first): a page reads the first, and the next ones only when it runs out.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Count, QuerySet, Window
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django_htmx.middleware import HtmxDetails

from .models import User

CURSOR_PER_PAGE = 25
COUNTED_PER_PAGE = 50
CURSOR_PARAM = "at"


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails
    user: User


def render_page(
    request: HtmxHttpRequest,
    template: str,
    context: dict,
    *,
    partial: str | None = None,
    status: int | None = None,
) -> HttpResponse:
    """The whole page, or only its `partial` when htmx asks for it.

    A boosted request navigates to the page, so it gets the whole page.
    """
    if partial and request.htmx and not request.htmx.boosted:
        template = f"{template}#{partial}"
    return render(request, template, context, status=status)


def require_district_leader(request: HtmxHttpRequest) -> None:
    """Pages across schools exist only for district leaders: for others they are not there."""
    if not request.user.is_district_leader:
        raise Http404("No such page.")


def require_district_admin(request: HtmxHttpRequest) -> None:
    """The district's administration exists only for its administrators."""
    user = request.user
    if not (user.is_authenticated and user.is_district_admin and user.district_id):
        raise Http404("No such page.")


def url_for_each(name: str, *leading_args):
    """One reverse() for a whole list: reversing per row costs as much as rendering the row."""
    marker = "987654321"
    start, end = reverse(name, args=[*leading_args, marker]).split(marker)
    return lambda pk: f"{start}{pk}{end}"


def counted_page(
    queryset, number, per_page: int = COUNTED_PER_PAGE, *, count: int | None = None
) -> Page:
    """Page `number` of `queryset`; a `count` already known saves the paginator its COUNT query."""
    paginator = Paginator(queryset, per_page)
    if count is not None:
        paginator.count = count  # a cached property: set, it is never queried
    return paginator.get_page(number)


def window_page(queryset, number: int, per_page: int = COUNTED_PER_PAGE) -> Page:
    """Page `number` of `queryset`, counted in the same query; past the end, the first page."""
    start = (number - 1) * per_page
    rows = list(queryset.annotate(window_total=Window(Count("pk")))[start : start + per_page])
    if not rows and number > 1:
        return window_page(queryset, 1, per_page)
    paginator = Paginator(rows, per_page)
    paginator.count = rows[0].window_total if rows else 0
    return Page(rows, number, paginator)


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


def cursor_page(request, chain: Sequence[QuerySet], per_page: int = CURSOR_PER_PAGE) -> CursorPage:
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


# A spreadsheet runs a cell that starts with one of these as a formula.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _csv_cell(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def csv_response(filename: str, header: Sequence[str], rows) -> HttpResponse:
    """A CSV download: a header row, then each row; text a spreadsheet would run is quoted."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow(header)
    for row in rows:
        writer.writerow([_csv_cell(value) for value in row])
    return response
