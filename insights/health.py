"""Decision health, term by term: how long decisions take, whether the people consulted were
heard, whether reflections come on time, and which guiding principles are used or neglected.

Terms are the district's school terms as rounding counts them (`rounding.models.term_start`:
from 1 August and from 1 January). Every figure is one query over the shown terms, however many
decisions there are.

- Days to decide: the median time from a decision's creation (its draft) to its decision, for
  the decisions decided in the term.
- Consulted people heard: the people the consulted groups of the decisions decided in the term
  stand for, each once, and of those, the ones heard on at least one of those decisions by the
  decision page's rule (named input, or a vote cast). Anonymous input never counts toward a
  person. Fewer than four people: not shown.
- Reflections on time: decisions whose review date fell in the term (and is more than
  `REFLECTION_GRACE_DAYS` past), and of those, the ones reflected on by the review date plus
  that grace.
- Principles used and neglected: the district's current principles, and which of them no
  decision created in the term was tested against.
"""

from __future__ import annotations

import datetime
import statistics
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.db.models import (
    Case,
    Count,
    DateField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    Value,
    When,
)
from django.db.models.expressions import Window
from django.db.models.functions import RowNumber

from decisions.models import DecisionPrinciple, Reflection
from districts.models import GuidingPrinciple, User
from rounding.models import next_term_start, term_start

from .equity import consulted_groups, consulted_q, heard_by
from .themes import shown

TERMS_SHOWN = 4
REFLECTION_GRACE_DAYS = 14


@dataclass
class Term:
    start: datetime.date
    end: datetime.date  # the next term's first day
    decided: int = 0
    median_days: float | None = None
    asked: int | None = None
    heard: int | None = None
    reflections_due: int = 0
    reflections_on_time: int = 0
    principles_used: list[str] = field(default_factory=list)
    principles_neglected: list[str] = field(default_factory=list)

    @property
    def heard_share(self) -> int | None:
        if not self.asked:
            return None
        return round(100 * self.heard / self.asked)

    @property
    def last_day(self) -> datetime.date:
        return self.end - datetime.timedelta(days=1)


def terms_up_to(today: datetime.date, count: int = TERMS_SHOWN) -> list[Term]:
    """The last `count` terms, the one under way last."""
    starts = [term_start(today)]
    while len(starts) < count:
        starts.append(term_start(starts[-1] - datetime.timedelta(days=1)))
    starts.reverse()
    return [Term(start, next_term_start(start)) for start in starts]


def _term_case(terms: list[Term], lookup: str, to_moment=None) -> Case:
    convert = to_moment or (lambda day: day)
    return Case(
        *[
            When(
                **{f"{lookup}__gte": convert(t.start), f"{lookup}__lt": convert(t.end)},
                then=Value(i),
            )
            for i, t in enumerate(terms)
        ],
        default=Value(-1),
        output_field=IntegerField(),
    )


def decision_health(decisions, *, district, today: datetime.date) -> list[Term]:
    """Each term's figures for `decisions` (the reader's visible decisions of the district)."""
    terms = terms_up_to(today)
    zone = ZoneInfo(district.timezone)

    def moment(day: datetime.date) -> datetime.datetime:
        return datetime.datetime.combine(day, datetime.time(), tzinfo=zone)

    first, after = moment(terms[0].start), moment(terms[-1].end)
    decided = decisions.filter(decided_at__gte=first, decided_at__lt=after).annotate(
        term=_term_case(terms, "decided_at", moment)
    )

    # The median: the middle row (or the two middle rows) of each term, found by the database.
    middle = (
        decided.annotate(
            took=ExpressionWrapper(F("decided_at") - F("created_at"), DurationField()),
        )
        .annotate(
            rank=Window(RowNumber(), partition_by=F("term"), order_by=[F("took").asc(), "pk"]),
            n=Window(Count("pk"), partition_by=F("term")),
        )
        .filter(rank__gte=F("n") / 2.0, rank__lte=F("n") / 2.0 + 1)
        .values_list("term", "took", "n")
        .order_by()
    )
    middles: dict[int, list[datetime.timedelta]] = {}
    for index, took, n in middle:
        middles.setdefault(index, []).append(took)
        terms[index].decided = n
    for index, values in middles.items():
        days = statistics.mean(t.total_seconds() for t in values) / 86400
        terms[index].median_days = round(days, 1)

    # Consulted people heard, on the decisions decided in each term: the groups consulted in
    # every term, the people consulted in each term and the people heard in every term, three
    # queries, each going through the terms' decisions once or once for each term.
    in_terms = decisions.filter(decided_at__gte=first, decided_at__lt=after)
    groups = consulted_groups(in_terms, key=_term_case(terms, "decision__decided_at", moment))
    people = User.objects.filter(district_id=district.pk, is_active=True)
    asked = {}
    for index, term in enumerate(terms):
        in_term = decisions.filter(
            decided_at__gte=moment(term.start), decided_at__lt=moment(term.end)
        )
        asked[f"asked_{index}"] = Count("pk", filter=consulted_q(in_term, groups.get(index)))
    asked = people.aggregate(**asked)
    heard = heard_by(
        in_terms, key=_term_case(terms, "decision__decided_at", moment), district_id=district.pk
    )
    for index, term in enumerate(terms):
        if shown(asked[f"asked_{index}"]):
            term.asked, term.heard = asked[f"asked_{index}"], len(heard.get(index, ()))

    # Reflections due in each term, and the ones written within the grace after the review.
    grace = datetime.timedelta(days=REFLECTION_GRACE_DAYS)
    on_time = Reflection.objects.filter(
        decision=OuterRef("pk"),
        created_at__date__lte=ExpressionWrapper(OuterRef("review_on") + grace, DateField()),
    )
    for index, due, reflected in (
        decisions.filter(
            review_on__gte=terms[0].start,
            review_on__lt=terms[-1].end,
            review_on__lte=today - grace,
        )
        .annotate(term=_term_case(terms, "review_on"))
        .values("term")
        .annotate(due=Count("pk"), reflected=Count("pk", filter=Q(Exists(on_time))))
        .values_list("term", "due", "reflected")
        .order_by()
    ):
        terms[index].reflections_due, terms[index].reflections_on_time = due, reflected

    # Principles: the district's current ones, and the terms in which each was used.
    principles = list(
        GuidingPrinciple.objects.filter(
            district_id=district.pk, school__isnull=True, retired_on__isnull=True
        )
        .order_by("position", "title")
        .values_list("pk", "title")
    )
    used = set(
        DecisionPrinciple.objects.filter(
            principle_id__in=[pk for pk, _title in principles],
            decision__in=decisions.filter(created_at__gte=first, created_at__lt=after).values("pk"),
        )
        .annotate(term=_term_case(terms, "decision__created_at", moment))
        .values_list("principle_id", "term")
        .distinct()
    )
    for index, term in enumerate(terms):
        for pk, title in principles:
            target = term.principles_used if (pk, index) in used else term.principles_neglected
            target.append(title)
    return terms
