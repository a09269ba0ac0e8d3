"""Decision records: the process, the people it touches, their input and what was learned."""

from __future__ import annotations

import hashlib
import hmac
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone

from districts.bounds import check_date, check_datetime, check_line
from districts.models import (
    STAFF_ROLES,
    District,
    GuidingPrinciple,
    LeadershipTeam,
    Role,
    School,
    TeamMembership,
    Theme,
    User,
    memberships_of,
)


class ProcessType(models.TextChoices):
    CONSENT = "consent", "Consent (no reasoned objection)"
    CONSENSUS = "consensus", "Consensus"
    ADVICE = "advice", "Advice (decider seeks advice)"
    CONSULTATIVE = "consultative", "Consultative"
    VOTE = "vote", "Vote"
    DELEGATED = "delegated", "Delegated"


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    OPEN_FOR_INPUT = "open_for_input", "Open for input"
    DECIDING = "deciding", "Deciding"
    DECIDED = "decided", "Decided"
    IMPLEMENTING = "implementing", "Implementing"
    REVIEWING = "reviewing", "Reviewing"
    CLOSED = "closed", "Closed"
    WITHDRAWN = "withdrawn", "Withdrawn"
    SUPERSEDED = "superseded", "Superseded"


DECIDED_STATUSES = frozenset(
    {Status.DECIDED, Status.IMPLEMENTING, Status.REVIEWING, Status.CLOSED, Status.SUPERSEDED}
)
FINISHED_STATUSES = frozenset({Status.CLOSED, Status.WITHDRAWN, Status.SUPERSEDED})


class Visibility(models.TextChoices):
    PUBLIC = "public", "Public: anyone, signed in or not"
    DISTRICT = "district", "District: all staff of the district"
    STAKEHOLDERS = "stakeholders", "Stakeholders: the people it involves"
    TEAM = "team", "Team: the owning team only"


class Domain(models.TextChoices):
    BUDGET = "budget", "Budget"
    SCHEDULE = "schedule", "Schedule and calendar"
    CURRICULUM = "curriculum", "Curriculum and assessment"
    STAFFING = "staffing", "Staffing"
    PROFESSIONAL_LEARNING = "professional_learning", "Professional learning"
    FACILITIES = "facilities", "Facilities"
    STUDENT_SUPPORT = "student_support", "Student support"
    POLICY = "policy", "Policy"
    OTHER = "other", "Other"


class Level(models.TextChoices):
    DISTRICT = "district", "District"
    SCHOOL = "school", "School"
    TEAM = "team", "Team"


class Involvement(models.TextChoices):
    DECIDES = "decides", "Decides"
    FACILITATES = "facilitates", "Facilitates"
    CONSULTED = "consulted", "Consulted"
    INFORMED = "informed", "Informed"
    AFFECTED = "affected", "Affected"


class Authority(models.TextChoices):
    DECIDES = "decides", "Decides"
    RECOMMENDS = "recommends", "Recommends"
    CONSULTED = "consulted", "Is consulted"


def is_team_member(user, team_id) -> bool:
    return team_id is not None and team_id in memberships_of(user).team_ids


def matches_person(user, prefix: str = "") -> Q:
    """A Q on Stakeholder (or a relation to it) true for the groups this person belongs to.

    Groups resolve at read time (`memberships_of`, once per request), so someone who joins a
    school or a team is a stakeholder of its decisions from their next page.
    """
    groups = memberships_of(user)
    my_schools, my_teams = groups.school_ids, groups.team_ids
    kind = Stakeholder.Kind

    def q(**lookups):
        return Q(**{f"{prefix}{key}": value for key, value in lookups.items()})

    return (
        q(kind=kind.PERSON, person=user)
        | q(kind=kind.TEAM, team__in=my_teams)
        | q(kind=kind.SCHOOL, school__in=my_schools)
        | q(kind=kind.ROLE, role=user.role, school__isnull=True)
        | q(kind=kind.ROLE, role=user.role, school__in=my_schools)
        | q(kind=kind.DISTRICT)
    )


def stakes_of(user, involvements=None):
    """Ids of the decisions where this person is a stakeholder, alone or through a group."""
    stakes = Stakeholder.objects.filter(district_id=user.district_id).filter(matches_person(user))
    if involvements is not None:
        stakes = stakes.filter(involvement__in=involvements)
    return stakes.values("decision_id")


def my_stake(user, involvements=None) -> Subquery:
    """One of this person's stakeholder rows on the outer decision, or NULL: a per-row probe.

    A scalar subquery is never hashed by PostgreSQL, so a page that reads decisions in index
    order and stops after a page checks a handful of decisions through the stakeholders'
    `decision_id` index, instead of first hashing every stake this person has in the
    district (24,000 district-wide rows at scale, 100 ms).
    """
    stakes = stakes_on_outer_decision(user)
    if involvements is not None:
        stakes = stakes.filter(involvement__in=involvements)
    return Subquery(stakes.order_by().values("pk")[:1])


def stakes_on_outer_decision(user):
    return Stakeholder.objects.filter(decision=OuterRef("pk")).filter(matches_person(user))


class DecisionQuerySet(models.QuerySet):
    def visible_to(self, user, *, whole_district=False, has_stake=False):
        """Who sees what, in one query: district first, then the decision's visibility.

        Drafts are seen by the owning team and their writer only. Pages that read in order
        and stop after a page (lists, one decision) probe each decision's stakeholders;
        `whole_district=True` is for reads that go through most of the district (exports,
        counts): it hashes this person's stakes once instead. `has_stake=True` is for callers
        that keep only decisions where the person is a stakeholder (`involving`): the
        stakeholder part of the rule holds without asking again.
        """
        if not user.is_authenticated or user.district_id is None:
            return self.none()
        published = ~Q(status=Status.DRAFT)
        rule = Q(owning_team__in=memberships_of(user).team_ids) | Q(created_by=user)
        rule |= published & Q(visibility=Visibility.PUBLIC)
        if user.role in STAFF_ROLES:
            rule |= published & Q(visibility=Visibility.DISTRICT)
        by_stake = published & Q(visibility__in=[Visibility.DISTRICT, Visibility.STAKEHOLDERS])
        decisions = self.filter(district_id=user.district_id)
        if has_stake:
            return decisions.filter(rule | by_stake)
        if whole_district:
            return decisions.filter(rule | (by_stake & Q(pk__in=stakes_of(user))))
        return decisions.alias(visible_by_stake=my_stake(user)).filter(
            rule | (by_stake & Q(visible_by_stake__isnull=False))
        )

    def with_access(self, user):
        """Annotate what `user` may do with each decision, so the predicates below need no query.

        The answers are tied to this user's id: `can_edit`, `can_decide` and `may_give_input`
        use them only when asked about the same person, and ask the database otherwise.
        """
        if not user.is_authenticated:
            return self
        # One probe of the decision's stakeholders answers both questions: the person's
        # "decides" stake comes first, any other stake next, NULL when they have none.
        stake = (
            stakes_on_outer_decision(user)
            .order_by(
                models.Case(
                    models.When(involvement=Involvement.DECIDES, then=models.Value(0)),
                    default=models.Value(1),
                )
            )
            .values("involvement")[:1]
        )
        return self.annotate(
            access_user_id=models.Value(user.pk, output_field=models.IntegerField()),
            access_stake=Subquery(stake),
        )

    def public(self):
        return self.filter(visibility=Visibility.PUBLIC).exclude(status=Status.DRAFT)

    def involving(self, user, involvements=(Involvement.AFFECTED, Involvement.CONSULTED)):
        return self.alias(involving_stake=my_stake(user, involvements)).filter(
            involving_stake__isnull=False
        )

    def search(self, text: str):
        from django.db import connection

        text = text.strip()
        if not text:
            return self
        if connection.vendor == "postgresql":
            from django.contrib.postgres.search import SearchQuery, SearchVector

            vector = SearchVector("title", "context", "outcome", "rationale", "number")
            return self.annotate(search=vector).filter(
                Q(search=SearchQuery(text, search_type="websearch")) | Q(number__iexact=text)
            )
        return self.filter(
            Q(title__icontains=text)
            | Q(context__icontains=text)
            | Q(outcome__icontains=text)
            | Q(rationale__icontains=text)
            | Q(number__iexact=text)
        )


class DecisionCounter(models.Model):
    """The last number given to a district's decisions in a year, locked while the next is taken."""

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["district", "year"], name="one_counter_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.district_id}/{self.year}: {self.last}"

    @classmethod
    def next_number(cls, district_id: int, year: int) -> str:
        with transaction.atomic():
            cls.objects.bulk_create(
                [cls(district_id=district_id, year=year)], ignore_conflicts=True
            )
            counter = cls.objects.select_for_update().get(district_id=district_id, year=year)
            counter.last += 1
            counter.save(update_fields=["last"])
        return f"D-{year}-{counter.last:03d}"


# Fields whose changes after draft are written to the history, with their labels.
TRACKED_FIELDS = [
    "title",
    "context",
    "process_type",
    "domain",
    "school",
    "owning_team",
    "visibility",
    "input_opens",
    "input_closes",
    "decide_by",
    "options",
    "outcome",
    "rationale",
    "impact_students",
    "budget_amount",
    "staff_time",
    "review_on",
]


class Decision(models.Model):
    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="decisions")
    school = models.ForeignKey(
        School,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decisions",
        help_text="Leave empty for a district-wide decision.",
    )
    owning_team = models.ForeignKey(
        LeadershipTeam,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decisions",
        help_text="Most decisions belong to a team, so no decision rests on one person.",
    )
    number = models.CharField(max_length=20, editable=False)
    title = models.CharField(max_length=200)
    context = models.TextField(help_text="What needs deciding and why now.")
    process_type = models.CharField(
        "process", max_length=20, choices=ProcessType.choices, default=ProcessType.ADVICE
    )
    domain = models.CharField(max_length=30, choices=Domain.choices, default=Domain.OTHER)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    visibility = models.CharField(
        max_length=20, choices=Visibility.choices, default=Visibility.DISTRICT
    )
    input_opens = models.DateTimeField("input opens", null=True, blank=True)
    input_closes = models.DateTimeField("input closes", null=True, blank=True)
    decide_by = models.DateField("decide by", null=True, blank=True)
    options = models.TextField(
        "options considered", blank=True, help_text="One option a line, with what each would mean."
    )
    outcome = models.TextField(blank=True)
    rationale = models.TextField(blank=True)
    impact_students = models.TextField("impact on students", blank=True)
    budget_amount = models.DecimalField(
        "budget amount", max_digits=12, decimal_places=2, null=True, blank=True
    )
    staff_time = models.CharField(
        "staff time", max_length=200, blank=True, help_text="For example “2 hours a week”."
    )
    review_on = models.DateField("review date", null=True, blank=True)
    superseded_by = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="supersedes"
    )
    decided_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Codes of the integrity flags at the last change, so district lists filter without recomputing.
    flag_codes = models.JSONField(default=list, blank=True, editable=False)
    principles = models.ManyToManyField(
        GuidingPrinciple, through="DecisionPrinciple", related_name="decisions", blank=True
    )

    objects = DecisionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["district", "status"]),
            models.Index(fields=["district", "visibility"]),
            models.Index(fields=["district", "input_closes"]),
            models.Index(fields=["district", "decided_at"]),
            # "Affects me": open and deciding decisions by closing time, read a page at a time.
            models.Index(
                fields=["district", "status", "input_closes", "id"], name="decision_status_closing"
            ),
            # ... then the decided ones, most recent first.
            models.Index(
                fields=["district", "-decided_at", "-id"],
                condition=Q(decided_at__isnull=False),
                name="decision_district_decided",
            ),
            # The decision list: newest first, read in order and stopped after one page.
            models.Index(
                fields=["district", "-created_at", "-id"], name="decision_district_newest"
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["district", "number"], name="decision_number_unique"),
            models.CheckConstraint(
                condition=Q(input_closes__isnull=True)
                | Q(input_opens__isnull=True)
                | Q(input_closes__gt=models.F("input_opens")),
                name="decision_window_closes_after_opening",
                violation_error_message="The input window must close after it opens.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    def save(self, *args, **kwargs):
        if not self.number:
            year = (self.created_at or timezone.now()).year
            self.number = DecisionCounter.next_number(self.district_id, year)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("decisions:detail", args=[self.pk])

    def clean(self):
        errors = {}
        # Whatever path writes a decision (a page, the admin, a service), its dates stay in the
        # range every page can show: a window closing at 23:00 on Dec 31, 9999 in California is
        # past the year 10,000 in UTC, which no page, export or list could read back.
        for field, check in (
            ("input_opens", check_datetime),
            ("input_closes", check_datetime),
            ("decide_by", check_date),
            ("review_on", check_date),
        ):
            try:
                check(getattr(self, field))
            except ValidationError as error:
                errors[field] = error.messages
        # The title goes into e-mail subjects: one line of plain text.
        try:
            check_line(self.title)
        except ValidationError as error:
            errors["title"] = error.messages
        if self.input_opens and self.input_closes and self.input_closes <= self.input_opens:
            errors.setdefault("input_closes", "The input window must close after it opens.")
        if self.school_id and self.district_id and self.school.district_id != self.district_id:
            errors["school"] = "Choose a school of this district."
        if (
            self.owning_team_id
            and self.district_id
            and self.owning_team.district_id != self.district_id
        ):
            errors["owning_team"] = "Choose a team of this district."
        if self.budget_amount is not None and self.budget_amount < 0:
            errors["budget_amount"] = "A budget amount cannot be negative."
        if errors:
            raise ValidationError(errors)

    # ----- reading helpers

    @property
    def level(self) -> str:
        return Level.SCHOOL if self.school_id else Level.DISTRICT

    @property
    def window_is_open(self) -> bool:
        now = timezone.now()
        return (
            self.status == Status.OPEN_FOR_INPUT
            and self.input_opens is not None
            and self.input_opens <= now
            and (self.input_closes is None or now < self.input_closes)
        )

    @property
    def is_decided(self) -> bool:
        return self.status in DECIDED_STATUSES

    def option_list(self) -> list[str]:
        return [line.strip() for line in self.options.splitlines() if line.strip()]

    # ----- transitions: each refuses what the lifecycle does not allow and writes history

    def _move(self, *, to: str, allowed_from, by, refusal: str, note: str = "") -> None:
        with transaction.atomic():
            # Lock the row and read its status again: two people pressing at once move it once.
            if self.pk is not None:
                locked = (
                    Decision.objects.select_for_update()
                    .filter(pk=self.pk)
                    .values_list("status", flat=True)
                    .first()
                )
                self.status = locked or self.status
            if self.status not in allowed_from:
                raise ValidationError(refusal)
            old = self.status
            self.status = to
            self.save()
            DecisionEvent.record(
                decision=self,
                actor=by,
                kind=DecisionEvent.Kind.STATUS,
                field="status",
                old=Status(old).label,
                new=Status(to).label,
                note=note,
            )

    def open_input(self, *, by) -> None:
        if self.status in FINISHED_STATUSES:
            raise ValidationError(
                f"A {self.get_status_display().lower()} decision cannot be reopened; "
                "write a new decision that supersedes it."
            )
        if not self.input_opens or not self.input_closes:
            raise ValidationError(
                "Set when the input window opens and closes before opening it for input."
            )
        if self.input_closes <= timezone.now():
            raise ValidationError(
                "The input window has already closed: choose a closing time in the future."
            )
        self._move(
            to=Status.OPEN_FOR_INPUT,
            allowed_from={Status.DRAFT, Status.DECIDING},
            by=by,
            refusal=(
                f"Only a draft, or a decision still being decided, can open for input; this one is "
                f"{self.get_status_display().lower()}."
            ),
        )

    def close_input(self, *, by=None) -> None:
        self._move(
            to=Status.DECIDING,
            allowed_from={Status.OPEN_FOR_INPUT},
            by=by,
            refusal="Only a decision that is open for input can have its window closed.",
            note="" if by else "The input window closed on time.",
        )

    def decide(self, *, by, outcome: str | None = None, rationale: str | None = None) -> None:
        if self.status not in {Status.OPEN_FOR_INPUT, Status.DECIDING}:
            raise ValidationError(
                f"Only a decision open for input or being decided can be decided; this one is "
                f"{self.get_status_display().lower()}."
            )
        changes = {}
        if outcome is not None and outcome.strip() != self.outcome:
            changes["outcome"] = (self.outcome, outcome.strip())
            self.outcome = outcome.strip()
        if rationale is not None and rationale.strip() != self.rationale:
            changes["rationale"] = (self.rationale, rationale.strip())
            self.rationale = rationale.strip()
        if not self.outcome.strip():
            raise ValidationError("Write the outcome before recording the decision.")
        self.decided_by = by
        self.decided_at = timezone.now()
        with transaction.atomic():
            for field, (old, new) in changes.items():
                DecisionEvent.record(decision=self, actor=by, field=field, old=old, new=new)
            self._move(
                to=Status.DECIDED,
                allowed_from={Status.OPEN_FOR_INPUT, Status.DECIDING},
                by=by,
                refusal="",
            )

    def start_implementing(self, *, by) -> None:
        self._move(
            to=Status.IMPLEMENTING,
            allowed_from={Status.DECIDED},
            by=by,
            refusal="Only a decided decision can move to implementing.",
        )

    def start_review(self, *, by) -> None:
        self._move(
            to=Status.REVIEWING,
            allowed_from={Status.DECIDED, Status.IMPLEMENTING},
            by=by,
            refusal="Only a decided or implemented decision can be reviewed.",
        )

    def close(self, *, by) -> None:
        if self.status == Status.REVIEWING and not self.reflections.exists():
            raise ValidationError("Write a reflection on what happened before closing.")
        self._move(
            to=Status.CLOSED,
            allowed_from={Status.REVIEWING},
            by=by,
            refusal="Only a decision under review can be closed.",
        )

    def withdraw(self, *, by, reason: str = "") -> None:
        self._move(
            to=Status.WITHDRAWN,
            allowed_from={Status.DRAFT, Status.OPEN_FOR_INPUT, Status.DECIDING},
            by=by,
            refusal="Only a decision that has not been decided can be withdrawn.",
            note=reason,
        )

    def supersede(self, *, by, newer: Decision) -> None:
        if newer.pk == self.pk:
            raise ValidationError("A decision cannot supersede itself.")
        if newer.district_id != self.district_id:
            raise ValidationError("A decision can only be superseded by one of its district.")
        self.superseded_by = newer
        self._move(
            to=Status.SUPERSEDED,
            allowed_from={Status.DECIDED, Status.IMPLEMENTING, Status.REVIEWING, Status.CLOSED},
            by=by,
            refusal="Only a decided decision can be superseded.",
            note=f"Superseded by {newer.number}.",
        )


def _known(user, decision: Decision, name: str) -> bool | None:
    """An answer `DecisionQuerySet.with_access` loaded for this very user, else None."""
    if getattr(decision, "access_user_id", None) != user.pk:
        return None
    stake = decision.access_stake
    return stake == Involvement.DECIDES if name == "access_decides" else stake is not None


def _on_owning_team(user, decision: Decision) -> bool:
    return is_team_member(user, decision.owning_team_id)


def can_edit(user, decision: Decision) -> bool:
    """The owning team and the writer shape a decision until it is decided."""
    if not user.is_authenticated or decision.status in FINISHED_STATUSES:
        return False
    return decision.created_by_id == user.pk or _on_owning_team(user, decision)


def can_decide(user, decision: Decision) -> bool:
    """The owning team, or people named as deciders. The rights map is checked by the flags."""
    if not user.is_authenticated:
        return False
    if decision.created_by_id == user.pk or _on_owning_team(user, decision):
        return True
    known = _known(user, decision, "access_decides")
    if known is not None:
        return known
    return (
        decision.stakeholders.filter(involvement=Involvement.DECIDES)
        .filter(matches_person(user))
        .exists()
    )


def may_give_input(user, decision: Decision) -> bool:
    """Staff of the district give input on what they can see; others where they are stakeholders."""
    if not user.is_authenticated or user.district_id != decision.district_id:
        return False
    if user.role in STAFF_ROLES:
        return True
    known = _known(user, decision, "access_stakeholder")
    if known is not None:
        return known
    return decision.stakeholders.filter(matches_person(user)).exists()


class DecisionPrinciple(models.Model):
    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="tested")
    principle = models.ForeignKey(GuidingPrinciple, on_delete=models.CASCADE, related_name="+")
    note = models.TextField(blank=True, help_text="How the decision holds up against it.")

    class Meta:
        ordering = ["principle__position", "principle__title"]
        constraints = [
            models.UniqueConstraint(fields=["decision", "principle"], name="principle_once")
        ]

    def __str__(self) -> str:
        return f"{self.decision.number} tested against {self.principle}"

    def clean(self):
        if self.principle.district_id != self.decision.district_id:
            raise ValidationError("Choose a principle of this district.")


class Stakeholder(models.Model):
    """A person or a group, with how they are involved. Groups resolve to people when read."""

    class Kind(models.TextChoices):
        PERSON = "person", "A person"
        TEAM = "team", "A team"
        SCHOOL = "school", "Everyone at a school"
        ROLE = "role", "A role (at a school, or district-wide)"
        DISTRICT = "district", "The whole district"

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+")
    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="stakeholders")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    person = models.ForeignKey(User, on_delete=models.CASCADE, null=True, blank=True)
    team = models.ForeignKey(LeadershipTeam, on_delete=models.CASCADE, null=True, blank=True)
    school = models.ForeignKey(School, on_delete=models.CASCADE, null=True, blank=True)
    role = models.CharField(max_length=20, choices=Role.choices, blank=True)
    involvement = models.CharField(max_length=12, choices=Involvement.choices)

    class Meta:
        ordering = ["involvement", "kind", "pk"]
        indexes = [models.Index(fields=["district", "decision", "involvement"])]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind="person", person__isnull=False)
                    | Q(kind="team", team__isnull=False)
                    | Q(kind="school", school__isnull=False)
                    | Q(kind="role", role__gt="")
                    | Q(kind="district")
                ),
                name="stakeholder_names_its_group",
                violation_error_message="Name the person, team, school or role.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.describe()} ({self.get_involvement_display().lower()})"

    def describe(self) -> str:
        match self.kind:
            case self.Kind.PERSON:
                return str(self.person)
            case self.Kind.TEAM:
                return str(self.team)
            case self.Kind.SCHOOL:
                return f"Everyone at {self.school}"
            case self.Kind.ROLE:
                plural = f"{self.get_role_display()}s"
                return f"{plural} at {self.school}" if self.school_id else f"All {plural.lower()}"
            case _:
                return "The whole district"

    def clean(self):
        for field in ("person", "team", "school"):
            related = getattr(self, field)
            if related is not None and related.district_id != self.district_id:
                raise ValidationError({field: "Choose someone or something of this district."})
        if self.kind == self.Kind.PERSON and not self.person_id:
            raise ValidationError({"person": "Choose the person."})
        if self.kind == self.Kind.TEAM and not self.team_id:
            raise ValidationError({"team": "Choose the team."})
        if self.kind == self.Kind.SCHOOL and not self.school_id:
            raise ValidationError({"school": "Choose the school."})
        if self.kind == self.Kind.ROLE and not self.role:
            raise ValidationError({"role": "Choose the role."})

    def people_q(self) -> Q:
        """A Q on User for the people this stakeholder stands for, today."""
        match self.kind:
            case self.Kind.PERSON:
                return Q(pk=self.person_id)
            case self.Kind.TEAM:
                return Q(
                    pk__in=TeamMembership.objects.filter(
                        team_id=self.team_id, left_on__isnull=True
                    ).values("user_id")
                )
            case self.Kind.SCHOOL:
                return Q(schools=self.school_id)
            case self.Kind.ROLE:
                return (
                    Q(role=self.role, schools=self.school_id)
                    if self.school_id
                    else Q(role=self.role)
                )
            case _:
                return Q()

    def people(self):
        return (
            User.objects.filter(district_id=self.district_id, is_active=True)
            .filter(self.people_q())
            .distinct()
        )


def people_of(decision: Decision, involvements=None):
    """Everyone a decision's stakeholder groups resolve to, in one query."""
    stakeholders = list(decision.stakeholders.all())
    if involvements is not None:
        stakeholders = [s for s in stakeholders if s.involvement in involvements]
    if not stakeholders:
        return User.objects.none()
    q = Q()
    for stakeholder in stakeholders:
        q |= stakeholder.people_q()
    return (
        User.objects.filter(district_id=decision.district_id, is_active=True)
        .filter(pk__in=User.objects.filter(q).values("pk"))
        .order_by("name")
    )


def anonymous_key(decision_id: int, user_id: int) -> str:
    """Who gave anonymous input, sealed: comparable for "one each", never reversible without the key."""
    message = f"decisions.input:{decision_id}:{user_id}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


class InputQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(decision__in=Decision.objects.visible_to(user).values("pk"))

    def in_reading_order(self):
        # Random ids, never creation order: the order of anonymous input tells nothing.
        return self.order_by("kind", "id")

    def newest_first(self):
        """The most recent day first; within a day, the reading order.

        The day is all that is kept of when input was given (and shown next to it), so this
        order tells nothing the page does not already say.
        """
        return self.order_by("-given_on", "kind", "id")


class Input(models.Model):
    class Kind(models.TextChoices):
        OBJECTION = "objection", "Objection"
        CONCERN = "concern", "Concern"
        QUESTION = "question", "Question"
        IDEA = "idea", "Idea"
        SUPPORT = "support", "Support"

    # A random id: neither its order nor its value says when anonymous input was given.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+")
    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="inputs")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    text = models.TextField()
    # Named input only. Anonymous input keeps no link to its author, only a sealed key.
    author = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="decision_inputs"
    )
    is_anonymous = models.BooleanField(default=False)
    # NULL for named input, so the "one anonymous input each" constraint ignores it.
    anonymous_key = models.CharField(  # noqa: DJ001
        max_length=64, null=True, blank=True, editable=False
    )
    # The day only: a time of day could be matched against who was online.
    given_on = models.DateField(default=timezone.localdate, editable=False)
    themes = models.ManyToManyField(Theme, blank=True, related_name="decision_inputs")
    changed_decision = models.BooleanField(
        default=False, help_text="The deciders changed the decision because of this input."
    )
    response = models.TextField(blank=True, help_text="The deciders' answer.")
    responded_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = InputQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "id"]
        indexes = [models.Index(fields=["district", "decision", "kind"])]
        constraints = [
            models.UniqueConstraint(
                fields=["decision", "anonymous_key"],
                condition=Q(anonymous_key__isnull=False),
                name="one_anonymous_input_per_person",
                violation_error_message="You have already given anonymous input on this decision.",
            ),
            models.CheckConstraint(
                condition=Q(is_anonymous=True, author__isnull=True, anonymous_key__isnull=False)
                | Q(is_anonymous=False, anonymous_key__isnull=True),
                name="anonymous_input_has_no_author",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.decision_id}"

    @property
    def author_label(self) -> str:
        if self.is_anonymous:
            return "Anonymous"
        return self.author.name if self.author else "A former member"


class DecisionRightQuerySet(models.QuerySet):
    def visible_to(self, user):
        if not user.is_authenticated or user.district_id is None:
            return self.none()
        return self.filter(district_id=user.district_id)


class DecisionRight(models.Model):
    """One line of the map of who may decide what: the autonomy staff can count on."""

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+")
    domain = models.CharField(max_length=30, choices=Domain.choices)
    level = models.CharField(max_length=10, choices=Level.choices)
    team = models.ForeignKey(
        LeadershipTeam, on_delete=models.CASCADE, null=True, blank=True, related_name="rights"
    )
    role = models.CharField(max_length=20, choices=Role.choices, blank=True)
    authority = models.CharField(max_length=12, choices=Authority.choices)
    note = models.CharField(max_length=300, blank=True)

    objects = DecisionRightQuerySet.as_manager()

    class Meta:
        ordering = ["domain", "level", "authority", "pk"]
        indexes = [models.Index(fields=["district", "domain", "level"])]
        constraints = [
            models.CheckConstraint(
                condition=(Q(team__isnull=False, role="") | Q(team__isnull=True, role__gt="")),
                name="right_held_by_team_or_role",
                violation_error_message="A right is held by a team or by a role, not both.",
            )
        ]

    def __str__(self) -> str:
        return (
            f"{self.holder} {self.get_authority_display().lower()} on {self.get_domain_display()}"
        )

    @property
    def holder(self) -> str:
        return str(self.team) if self.team_id else f"{self.get_role_display()}s"

    def clean(self):
        if bool(self.team_id) == bool(self.role):
            raise ValidationError("Choose a team or a role, not both.")
        if self.team_id and self.team.district_id != self.district_id:
            raise ValidationError({"team": "Choose a team of this district."})


def holds_right(user, decision: Decision, rights=None) -> bool:
    """Whether the map gives this person the right to decide this decision."""
    if user is None:
        return False
    if rights is None:
        rights = DecisionRight.objects.filter(
            district_id=decision.district_id, authority=Authority.DECIDES
        )
    levels = {decision.level, Level.TEAM}
    candidates = [
        r
        for r in rights
        if r.domain == decision.domain and r.level in levels and r.authority == Authority.DECIDES
    ]
    if not candidates:
        return False
    groups = memberships_of(user)
    my_teams, my_schools = set(groups.team_ids), set(groups.school_ids)
    for right in candidates:
        if right.level == Level.TEAM and right.team_id != decision.owning_team_id:
            continue
        if right.team_id and right.team_id in my_teams:
            return True
        if (
            right.role
            and right.role == user.role
            and (right.level != Level.SCHOOL or decision.school_id in my_schools)
        ):
            return True
    return False


class Reflection(models.Model):
    class Verdict(models.TextChoices):
        KEEP = "keep", "Keep it"
        ADJUST = "adjust", "Adjust it"
        SUPERSEDE = "supersede", "Replace it with a new decision"

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+")
    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="reflections")
    author = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    what_happened = models.TextField("what happened")
    unanticipated = models.TextField("unanticipated consequences", blank=True)
    effect_on_students = models.TextField("effect on students", blank=True)
    learned = models.TextField("what we learned", blank=True)
    verdict = models.CharField("would we decide the same?", max_length=10, choices=Verdict.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["district", "decision"])]

    def __str__(self) -> str:
        return f"Reflection on {self.decision_id}"


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("History is append-only: events are never changed.")

    def delete(self):
        raise TypeError("History is append-only: events are never deleted.")


class DecisionEvent(models.Model):
    """What changed, who changed it and when: written in the same transaction as the change."""

    class Kind(models.TextChoices):
        CREATED = "created", "Created"
        STATUS = "status", "Status changed"
        CHANGED = "changed", "Changed"
        STAKEHOLDER = "stakeholder", "Stakeholders changed"
        INFORMED = "informed", "People informed"
        INPUT_RESPONSE = "input_response", "Input answered"
        REFLECTION = "reflection", "Reflection written"

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+")
    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    field = models.CharField(max_length=40, blank=True)
    old = models.TextField(blank=True)
    new = models.TextField(blank=True)
    note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["district", "decision", "created_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.decision_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError("History is append-only: events are never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("History is append-only: events are never deleted.")

    @property
    def label(self) -> str:
        if self.field and self.kind == self.Kind.CHANGED:
            return f"{Decision._meta.get_field(self.field).verbose_name.capitalize()} changed"
        return self.get_kind_display()

    @classmethod
    def record(cls, *, decision, actor, kind=None, field="", old="", new="", note=""):
        return cls.objects.create(
            district_id=decision.district_id,
            decision=decision,
            actor=actor,
            kind=kind or cls.Kind.CHANGED,
            field=field,
            old="" if old is None else str(old),
            new="" if new is None else str(new),
            note=note[:300],
        )


class NoticeKind(models.TextChoices):
    """The notices about a decision; each goes to a person once (notifications' `key`)."""

    WINDOW_OPENED = "window_opened", "Input window opened"
    CLOSING_SOON = "closing_soon", "Closing in 48 hours"
    DECIDED = "decided", "Decision made"
    REFLECTION_DUE = "reflection_due", "Reflection due"
