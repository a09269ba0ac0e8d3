from django import forms
from django.db.models import CharField, F, Value, Window
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from districts.bounds import Bounded
from districts.models import GuidingPrinciple, LeadershipTeam, Role, School, Theme, User
from districts.pickers import PICKER_THRESHOLD, Picker, labelled, person_label

from .integrity import LABELS as FLAG_LABELS
from .models import (
    KINDS_FOR_PROCESS,
    Decision,
    DecisionRight,
    DecisionVersion,
    Domain,
    Input,
    Involvement,
    ProcessType,
    Reflection,
    Resolution,
    Stakeholder,
    Status,
)
from .processes import LOCKED_AFTER_FIRST_BALLOT, ballots_were_cast
from .selectors import due_soon, has_flag, reflection_due, status_is

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

# The guided form: which fields each step asks for.
STEPS = [
    (_("What needs deciding"), ["title", "context", "domain", "school", "owning_team"]),
    (
        _("How it will be decided"),
        [
            "process_type",
            "decider",
            "decider_bounds",
            "quorum",
            "secret_ballot",
            "visibility",
            "input_opens",
            "input_closes",
            "decide_by",
            "options",
        ],
    ),
    (_("What it changes"), ["impact_students", "budget_amount", "staff_time", "review_on"]),
    (_("Who is involved"), ["suggested"]),
]


class DecisionForm(Bounded, forms.ModelForm):
    suggested = forms.MultipleChoiceField(
        label=_("Stakeholders to add"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Suggested from the decision-rights map and the school or district it concerns."
        ),
    )

    class Meta:
        model = Decision
        fields = [
            "title",
            "context",
            "domain",
            "school",
            "owning_team",
            "process_type",
            "decider",
            "decider_bounds",
            "quorum",
            "secret_ballot",
            "visibility",
            "input_opens",
            "input_closes",
            "decide_by",
            "options",
            "impact_students",
            "budget_amount",
            "staff_time",
            "review_on",
        ]
        widgets = {
            "input_opens": DATETIME,
            "input_closes": DATETIME,
            "decide_by": DATE,
            "review_on": DATE,
            "context": forms.Textarea(attrs={"rows": 4}),
            "options": forms.Textarea(attrs={"rows": 3}),
            "impact_students": forms.Textarea(attrs={"rows": 3}),
            "decider_bounds": forms.Textarea(attrs={"rows": 2}),
            "school": Picker("schools"),
            "owning_team": Picker("teams"),
            "decider": Picker("people"),
        }

    def __init__(self, *args, user: User, suggestions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = School.objects.visible_to(user)
        self.fields["owning_team"].queryset = LeadershipTeam.objects.visible_to(user)
        self.fields["decider"].queryset = User.objects.visible_to(user)
        self.fields["decider"].label_from_instance = person_label
        self.fields["suggested"].choices = list(suggestions)
        if self.instance.pk:
            del self.fields["suggested"]
            self._lock_what_the_process_has_fixed()

    def _lock_what_the_process_has_fixed(self):
        """Shown, not editable: what only the process's own steps may change now (the engine
        refuses it from any form; here the person sees why before typing)."""
        decision = self.instance
        locked = {}
        if decision.status != Status.DRAFT:
            locked["process_type"] = _(
                "Input has opened: change the process with “Move to another process” on the "
                "decision's page, with a reason on the record."
            )
        if decision.process_type == ProcessType.VOTE and ballots_were_cast(decision):
            note = _("Ballots have been cast: the vote's options, quorum and secrecy stay.")
            locked |= dict.fromkeys(LOCKED_AFTER_FIRST_BALLOT, note)
        if decision.current_status not in (Status.DRAFT, Status.OPEN_FOR_INPUT):
            note = _("The window has closed: reopen it with “Open for input”.")
            locked |= dict.fromkeys(("input_opens", "input_closes"), note)
        for name, why in locked.items():
            field = self.fields[name]
            field.disabled = True
            field.help_text = why

    def clean(self):
        data = super().clean()
        opens, closes = data.get("input_opens"), data.get("input_closes")
        if opens and closes and closes <= opens:
            self.add_error("input_closes", _("The input window must close after it opens."))
        typed_wrong = "input_opens" in self.errors or "input_closes" in self.errors
        if bool(opens) != bool(closes) and not typed_wrong:
            self.add_error(
                "input_closes" if opens else "input_opens",
                _("Give both when input opens and when it closes, or neither."),
            )
        process = data.get("process_type")
        if (
            process == ProcessType.VOTE
            and len([line for line in (data.get("options") or "").splitlines() if line.strip()]) < 2
            and not self.errors.get("options")
        ):
            self.add_error("options", _("A vote needs at least two options, one a line."))
        budget = data.get("budget_amount")
        if budget is not None and budget < 0:
            self.add_error("budget_amount", _("A budget amount cannot be negative."))
        return data

    def _post_clean(self):
        # The model's own checks run in the service; here only the form's.
        pass

    def step_fields(self, step: int) -> list[str]:
        return [f for f in STEPS[step][1] if f in self.fields]

    def first_step_with_errors(self) -> int | None:
        for index, (_title, names) in enumerate(STEPS):
            if any(name in self.errors for name in names):
                return index
        return None


class InputForm(Bounded, forms.ModelForm):
    anonymous = forms.BooleanField(
        label=_("Give this anonymously"),
        required=False,
        help_text=_("Nobody, not even the deciders or the admins, can see who wrote it. One each."),
    )

    class Meta:
        model = Input
        fields = ["kind", "text", "themes"]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 3}),
            "themes": forms.CheckboxSelectMultiple,
        }
        labels = {"text": _("Your input")}

    def __init__(self, *args, themes=None, theme_choices=None, process=None, **kwargs):
        """`theme_choices`, when the page already read them (see `picker_choices`), saves a query."""
        super().__init__(*args, **kwargs)
        if process is not None:
            kinds = KINDS_FOR_PROCESS[process]
            self.fields["kind"].choices = [(kind.value, kind.label) for kind in kinds]
        self.fields["themes"].queryset = (
            themes if themes is not None else self.fields["themes"].queryset.none()
        )
        self.fields["themes"].required = False
        # One query for both questions (any themes? which?), instead of EXISTS then a cursor.
        if theme_choices is None:
            field = self.fields["themes"]
            theme_choices = [(t.pk, field.label_from_instance(t)) for t in field.queryset]
        if not theme_choices:
            del self.fields["themes"]
        else:
            self.fields["themes"].widget.choices = list(theme_choices)

    def theme_options(self) -> list[tuple]:
        """(value, label, checked) for each theme: the template writes the checkboxes itself."""
        chosen = {str(value) for value in self["themes"].value() or []}
        return [
            (value, label, str(value) in chosen)
            for value, label in self.fields["themes"].widget.choices
        ]

    def _post_clean(self):
        pass


class RespondForm(Bounded, forms.Form):
    response = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    changed_decision = forms.BooleanField(
        label=_("This input changed the decision"), required=False
    )


class DecideForm(Bounded, forms.Form):
    heard = forms.CharField(
        label=_("What we heard"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("The input in a few lines, as the deciders understood it."),
    )
    outcome = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))
    rationale = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Why this option: the principles and the input it weighed."),
    )

    def __init__(self, *args, process: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if process != ProcessType.CONSULTATIVE:
            del self.fields["heard"]
        else:
            self.fields["heard"].required = True


class ReflectionForm(Bounded, forms.ModelForm):
    class Meta:
        model = Reflection
        fields = ["what_happened", "unanticipated", "effect_on_students", "learned", "verdict"]
        widgets = {
            name: forms.Textarea(attrs={"rows": 3})
            for name in ["what_happened", "unanticipated", "effect_on_students", "learned"]
        }


# Kinds shown with a `Picker`: read one row past its threshold, never the whole list.
PICKED = {"team", "school", "person"}


def picker_choices(user: User, *kinds: str) -> dict[str, list[tuple[int, str]]]:
    """Several of the district's pickers (teams, schools, people, principles, themes) in one query.

    Each part keeps its own order (numbered in SQL, so the database's collation decides as
    before); labels are what the forms would show. Teams, schools and people stop one row
    past `PICKER_THRESHOLD`: enough for their `Picker` to tell a short list from a long one.
    """
    parts = {
        "team": (LeadershipTeam.objects.visible_to(user), F("name"), ["name"]),
        "school": (School.objects.visible_to(user), F("name"), ["name"]),
        "person": (User.objects.visible_to(user), F("name"), ["name"]),
        "principle": (
            GuidingPrinciple.objects.visible_to(user).filter(retired_on__isnull=True),
            F("title"),
            ["position", "title"],
        ),
        "theme": (Theme.objects.visible_to(user), F("name"), ["name"]),
    }
    queries = []
    for kind in kinds:
        rows, label, order = parts[kind]
        query = rows.order_by().annotate(
            picker=Value(kind, output_field=CharField()),
            label=label,
            subtitle=F("title") if kind == "person" else Value("", output_field=CharField()),
            rank=Window(RowNumber(), order_by=[F(field).asc() for field in order]),
        )
        if kind in PICKED:
            query = query.filter(rank__lte=PICKER_THRESHOLD + 1)
        queries.append(query.values_list("picker", "pk", "label", "subtitle", "rank"))
    found: dict[str, list[tuple[int, int, str]]] = {kind: [] for kind in kinds}
    if queries:
        rows = queries[0].union(*queries[1:], all=True) if len(queries) > 1 else queries[0]
        rows = rows.order_by()  # no model order on the whole: each part is ranked
        for kind, pk, label, title, rank in rows:
            if kind == "person":
                label = labelled(label, title)
            found[kind].append((rank, pk, label))
    return {kind: [(pk, label) for _, pk, label in sorted(rows)] for kind, rows in found.items()}


def _set_choices(field, choices) -> None:
    """Render a model picker from rows already read; validation still uses its queryset."""
    if isinstance(field.widget, Picker):
        field.widget.rows = choices
        return
    empty = [("", field.empty_label)] if getattr(field, "empty_label", None) is not None else []
    field.widget.choices = empty + list(choices)


class StakeholderForm(Bounded, forms.ModelForm):
    class Meta:
        model = Stakeholder
        fields = ["involvement", "kind", "person", "team", "school", "role"]
        widgets = {
            "person": Picker("people"),
            "team": Picker("teams"),
            "school": Picker("schools"),
        }

    def __init__(self, *args, user: User, choices: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = User.objects.visible_to(user)
        self.fields["person"].label_from_instance = person_label
        self.fields["team"].queryset = LeadershipTeam.objects.visible_to(user)
        self.fields["school"].queryset = School.objects.visible_to(user)
        if choices:
            for name in ("person", "team", "school"):
                _set_choices(self.fields[name], choices[name])

    def _post_clean(self):
        pass


class PrincipleTestForm(Bounded, forms.Form):
    principle = forms.ModelChoiceField(queryset=GuidingPrinciple.objects.none())
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, user: User, choices: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["principle"].queryset = GuidingPrinciple.objects.visible_to(user).filter(
            retired_on__isnull=True
        )
        if choices:
            _set_choices(self.fields["principle"], choices["principle"])


class SupersedeForm(Bounded, forms.Form):
    newer = forms.CharField(
        label=_("Number of the newer decision"), help_text=_("For example D-2026-014.")
    )


class WithdrawForm(Bounded, forms.Form):
    # The reason becomes the history event's note, which holds 300 characters.
    reason = forms.CharField(label=_("Why it is withdrawn"), required=False, max_length=300)


class OpenInputForm(Bounded, forms.Form):
    input_opens = forms.DateTimeField(widget=DATETIME, label=_("Input opens"))
    input_closes = forms.DateTimeField(widget=DATETIME, label=_("Input closes"))

    def clean(self):
        data = super().clean()
        opens, closes = data.get("input_opens"), data.get("input_closes")
        if opens and closes:
            if closes <= opens:
                self.add_error("input_closes", _("The input window must close after it opens."))
            elif closes <= timezone.now():
                self.add_error("input_closes", _("Choose a closing time in the future."))
        return data


class FilterForm(Bounded, forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    status = forms.ChoiceField(required=False, choices=[("", _("Any status")), *Status.choices])
    domain = forms.ChoiceField(required=False, choices=[("", _("Any domain")), *Domain.choices])
    school = forms.ModelChoiceField(
        required=False,
        queryset=School.objects.none(),
        empty_label=_("Any school"),
        widget=Picker("schools"),
    )
    team = forms.ModelChoiceField(
        required=False,
        queryset=LeadershipTeam.objects.none(),
        empty_label=_("Any team"),
        widget=Picker("teams"),
    )
    flagged = forms.BooleanField(required=False, label=_("Only flagged"))
    flag = forms.ChoiceField(
        required=False, label=_("Flag"), choices=[("", _("Any flag")), *FLAG_LABELS.items()]
    )
    soon = forms.BooleanField(required=False, label=_("Closing or due within 7 days"))
    reflection_due = forms.BooleanField(required=False, label=_("Reflection due"))

    def __init__(self, *args, user: User, fields=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = School.objects.visible_to(user)
        self.fields["team"].queryset = LeadershipTeam.objects.visible_to(user)
        self.fields["q"].widget.attrs["type"] = "search"
        if fields is not None:
            for name in list(self.fields):
                if name not in fields:
                    del self.fields[name]

    def apply(self, decisions):
        if not self.is_valid():
            return decisions
        data = self.cleaned_data
        if data.get("q"):
            decisions = decisions.search(data["q"])
        if data.get("status"):
            decisions = decisions.filter(status_is(data["status"]))
        for name, lookup in (
            ("domain", "domain"),
            ("school", "school"),
            ("team", "owning_team"),
        ):
            if data.get(name):
                decisions = decisions.filter(**{lookup: data[name]})
        if data.get("flagged"):
            decisions = decisions.exclude(flag_codes=[])
        if data.get("flag"):
            decisions = decisions.filter(has_flag(data["flag"]))
        if data.get("soon"):
            decisions = decisions.filter(due_soon())
        if data.get("reflection_due"):
            decisions = decisions.filter(reflection_due())
        return decisions


INVOLVEMENT_FOR_AUTHORITY = {
    "decides": Involvement.DECIDES,
    "recommends": Involvement.CONSULTED,
    "consulted": Involvement.CONSULTED,
}

ROLE_LABELS = dict(Role.choices)


class ResolveForm(Bounded, forms.Form):
    resolution = forms.ChoiceField(
        label=_("How it was resolved"),
        choices=[(r.value, r.label) for r in (Resolution.AMENDED, Resolution.NOT_PARAMOUNT)],
    )
    note = forms.CharField(
        label=_("How the proposal changed, or why it is not paramount"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )


class VoteForm(Bounded, forms.Form):
    option = forms.ChoiceField(label=_("Your choice"), widget=forms.RadioSelect)

    def __init__(self, *args, options: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["option"].choices = [(option, option) for option in options]


class ProcessChangeForm(Bounded, forms.Form):
    process_type = forms.ChoiceField(label=_("Move to"), choices=ProcessType.choices)
    reason = forms.CharField(
        label=_("Why the process changes"),
        help_text=_("It goes on the record and the decision is flagged."),
        max_length=300,
    )


class RightForm(Bounded, forms.ModelForm):
    class Meta:
        model = DecisionRight
        fields = ["domain", "level", "team", "role", "authority", "note"]
        help_texts = {"team": _("A team, or a role below: not both.")}

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, auto_id="right_%s", **kwargs)
        self.fields["team"].queryset = LeadershipTeam.objects.visible_to(user)

    def _post_clean(self):
        pass


class TermForm(Bounded, forms.Form):
    since = forms.DateField(label=_("Decisions made or started since"), widget=DATE, required=False)


class DecisionVersionForm(Bounded, forms.ModelForm):
    class Meta:
        model = DecisionVersion
        fields = ["title", "context", "outcome", "rationale"]
