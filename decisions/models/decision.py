"""The decision itself: its record, its number and the lifecycle it moves through."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from districts.bounds import check_date, check_datetime, check_line
from districts.models import District, GuidingPrinciple, LeadershipTeam, School, User

from ..access import DecisionQuerySet
from ..choices import (
    DECIDED_STATUSES,
    FINISHED_STATUSES,
    Domain,
    Level,
    ProcessType,
    Status,
    Visibility,
)
from ..processes import count_vote, current_status, decide_refusals, open_refusals


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
    "decider",
    "decider_bounds",
    "quorum",
    "secret_ballot",
    "heard",
]


class Decision(models.Model):
    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="decisions")
    school = models.ForeignKey(
        School,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decisions",
        help_text=gettext_lazy("Leave empty for a district-wide decision."),
    )
    owning_team = models.ForeignKey(
        LeadershipTeam,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decisions",
        help_text=gettext_lazy(
            "Most decisions belong to a team, so no decision rests on one person."
        ),
    )
    number = models.CharField(max_length=20, editable=False)
    title = models.CharField(max_length=200)
    context = models.TextField(help_text=gettext_lazy("What needs deciding and why now."))
    process_type = models.CharField(
        gettext_lazy("process"),
        max_length=20,
        choices=ProcessType.choices,
        default=ProcessType.ADVICE,
    )
    domain = models.CharField(max_length=30, choices=Domain.choices, default=Domain.OTHER)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    visibility = models.CharField(
        max_length=20, choices=Visibility.choices, default=Visibility.DISTRICT
    )
    input_opens = models.DateTimeField(gettext_lazy("input opens"), null=True, blank=True)
    input_closes = models.DateTimeField(gettext_lazy("input closes"), null=True, blank=True)
    decide_by = models.DateField(gettext_lazy("decide by"), null=True, blank=True)
    options = models.TextField(
        gettext_lazy("options considered"),
        blank=True,
        help_text=gettext_lazy("One option a line, with what each would mean."),
    )
    outcome = models.TextField(blank=True)
    rationale = models.TextField(blank=True)
    impact_students = models.TextField(gettext_lazy("impact on students"), blank=True)
    budget_amount = models.DecimalField(
        gettext_lazy("budget amount"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    staff_time = models.CharField(
        gettext_lazy("staff time"),
        max_length=200,
        blank=True,
        help_text=gettext_lazy("For example “2 hours a week”."),
    )
    review_on = models.DateField(gettext_lazy("review date"), null=True, blank=True)
    # The process's own parts (see decisions/processes.py for what each process requires).
    decider = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=gettext_lazy("named decider"),
        help_text=gettext_lazy("Advice: the one person who decides. Delegated: the delegate."),
    )
    decider_bounds = models.TextField(
        gettext_lazy("bounds of the delegation"),
        blank=True,
        help_text=gettext_lazy("Delegated: what the delegate may and may not decide."),
    )
    quorum = models.PositiveIntegerField(
        null=True, blank=True, help_text=gettext_lazy("Vote: how many ballots make the vote count.")
    )
    secret_ballot = models.BooleanField(
        gettext_lazy("secret ballot"),
        default=True,
        help_text=gettext_lazy("Vote: nobody learns who chose what."),
    )
    heard = models.TextField(
        gettext_lazy("what we heard"),
        blank=True,
        help_text=gettext_lazy("Consultative: what the deciders heard."),
    )
    # Vote: the count taken when the window closed (see `processes.count_vote`). Ballots
    # change only while the window is open, so the page reads this instead of every ballot.
    vote_count = models.JSONField(null=True, blank=True, editable=False)
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
    # What a change of process went around ("objection", "block"): a decision recorded after
    # it is flagged, whatever process recorded it.
    went_around = models.JSONField(default=list, blank=True, editable=False)
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
                violation_error_message=gettext_lazy("The input window must close after it opens."),
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
            errors.setdefault("input_closes", _("The input window must close after it opens."))
        if self.school_id and self.district_id and self.school.district_id != self.district_id:
            errors["school"] = _("Choose a school of this district.")
        if (
            self.owning_team_id
            and self.district_id
            and self.owning_team.district_id != self.district_id
        ):
            errors["owning_team"] = _("Choose a team of this district.")
        if self.budget_amount is not None and self.budget_amount < 0:
            errors["budget_amount"] = _("A budget amount cannot be negative.")
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
    def current_status(self) -> str:
        """The status by the clock: see `processes.current_status`."""
        return current_status(self)

    def get_current_status_display(self) -> str:
        return Status(self.current_status).label

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
            if to == Status.OPEN_FOR_INPUT:
                self.vote_count = None
            elif old == Status.OPEN_FOR_INPUT and self.process_type == ProcessType.VOTE:
                self.vote_count = count_vote(self)
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

    def settle(self) -> bool:
        """Write down what the clock already says: a window past its closing time is closed.
        Every page reads the clock (`current_status`), so this changes nothing anyone sees."""
        if self.status == Status.OPEN_FOR_INPUT and self.current_status == Status.DECIDING:
            self.close_input(by=None)
            return True
        return False

    def open_input(self, *, by) -> None:
        if self.status in FINISHED_STATUSES:
            raise ValidationError(
                _(
                    "A %(status)s decision cannot be reopened; "
                    "write a new decision that supersedes it."
                )
                % {"status": self.get_status_display().lower()}
            )
        if not self.input_opens or not self.input_closes:
            raise ValidationError(
                _("Set when the input window opens and closes before opening it for input.")
            )
        if self.input_closes <= timezone.now():
            raise ValidationError(
                _("The input window has already closed: choose a closing time in the future.")
            )
        refusals = open_refusals(self)
        if refusals:
            raise ValidationError(refusals)
        self._move(
            to=Status.OPEN_FOR_INPUT,
            allowed_from={Status.DRAFT, Status.DECIDING},
            by=by,
            refusal=_(
                "Only a draft, or a decision still being decided, can open for input; "
                "this one is %(status)s."
            )
            % {"status": self.get_status_display().lower()},
        )

    def close_input(self, *, by=None) -> None:
        """Close the window: on time (by nobody), or now, by someone pressing "Close input now"."""
        now = timezone.now()
        if by is not None and self.status == Status.OPEN_FOR_INPUT:
            if self.input_closes is None or self.input_closes > now:
                self.input_closes = now
            if self.input_opens is not None and self.input_opens >= self.input_closes:
                self.input_opens = self.input_closes - datetime.timedelta(seconds=1)
        self._move(
            to=Status.DECIDING,
            allowed_from={Status.OPEN_FOR_INPUT},
            by=by,
            refusal=_("Only a decision that is open for input can have its window closed."),
            note="" if by else "The input window closed on time.",
        )

    def decide(
        self,
        *,
        by,
        outcome: str | None = None,
        rationale: str | None = None,
        heard: str | None = None,
    ) -> None:
        if self.status not in {Status.OPEN_FOR_INPUT, Status.DECIDING}:
            raise ValidationError(
                _(
                    "Only a decision open for input or being decided can be decided; "
                    "this one is %(status)s."
                )
                % {"status": self.get_status_display().lower()}
            )
        changes = {}
        if outcome is not None and outcome.strip() != self.outcome:
            changes["outcome"] = (self.outcome, outcome.strip())
            self.outcome = outcome.strip()
        if rationale is not None and rationale.strip() != self.rationale:
            changes["rationale"] = (self.rationale, rationale.strip())
            self.rationale = rationale.strip()
        if heard is not None and heard.strip() != self.heard:
            changes["heard"] = (self.heard, heard.strip())
            self.heard = heard.strip()
        if not self.outcome.strip():
            raise ValidationError(_("Write the outcome before recording the decision."))
        refusals = decide_refusals(self, by)
        if refusals:
            raise ValidationError(refusals)
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
            refusal=_("Only a decided decision can move to implementing."),
        )

    def start_review(self, *, by) -> None:
        self._move(
            to=Status.REVIEWING,
            allowed_from={Status.DECIDED, Status.IMPLEMENTING},
            by=by,
            refusal=_("Only a decided or implemented decision can be reviewed."),
        )

    def close(self, *, by) -> None:
        if self.status == Status.REVIEWING and not self.reflections.exists():
            raise ValidationError(_("Write a reflection on what happened before closing."))
        self._move(
            to=Status.CLOSED,
            allowed_from={Status.REVIEWING},
            by=by,
            refusal=_("Only a decision under review can be closed."),
        )

    def withdraw(self, *, by, reason: str = "") -> None:
        self._move(
            to=Status.WITHDRAWN,
            allowed_from={Status.DRAFT, Status.OPEN_FOR_INPUT, Status.DECIDING},
            by=by,
            refusal=_("Only a decision that has not been decided can be withdrawn."),
            note=reason,
        )

    def supersede(self, *, by, newer: Decision) -> None:
        if newer.pk == self.pk:
            raise ValidationError(_("A decision cannot supersede itself."))
        if newer.district_id != self.district_id:
            raise ValidationError(_("A decision can only be superseded by one of its district."))
        self.superseded_by = newer
        self._move(
            to=Status.SUPERSEDED,
            allowed_from={Status.DECIDED, Status.IMPLEMENTING, Status.REVIEWING, Status.CLOSED},
            by=by,
            refusal=_("Only a decided decision can be superseded."),
            note=f"Superseded by {newer.number}.",
        )


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("History is append-only: events are never changed.")

    def delete(self):
        raise TypeError("History is append-only: events are never deleted.")


class DecisionEvent(models.Model):
    """What changed, who changed it and when: written in the same transaction as the change."""

    class Kind(models.TextChoices):
        CREATED = "created", gettext_lazy("Created")
        STATUS = "status", gettext_lazy("Status changed")
        CHANGED = "changed", gettext_lazy("Changed")
        STAKEHOLDER = "stakeholder", gettext_lazy("Stakeholders changed")
        INFORMED = "informed", gettext_lazy("People informed")
        INPUT_RESPONSE = "input_response", gettext_lazy("Input answered")
        RESOLVED = "resolved", gettext_lazy("Objection or block resolved")
        REFLECTION = "reflection", gettext_lazy("Reflection written")

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
            name = str(Decision._meta.get_field(self.field).verbose_name).capitalize()
            return _("%(field)s changed") % {"field": name}
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
