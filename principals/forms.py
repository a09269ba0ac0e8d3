import datetime

from django import forms
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from districts.bounds import Bounded
from districts.models import Role, School, Theme, User

from .models import PROMPTS, AgendaItem, CheckIn, CheckInPair, SchoolBreak


class DateInput(forms.DateInput):
    input_type = "date"


class TimeInput(forms.TimeInput):
    input_type = "time"


def options(bound_field) -> list[tuple[str, str, bool]]:
    """A choice field's choices and whether each is chosen, for a widget the page writes itself.

    The meeting page writes its small widgets by hand: Django's widget templates cost more
    than the rest of the page together.
    """
    value = bound_field.value()
    values = value if isinstance(value, (list, tuple)) else [value]
    chosen = {"" if v is None else str(v) for v in values}
    return [(str(key), str(label), str(key) in chosen) for key, label in bound_field.field.choices]


class PrefixedIds:
    """Several small forms share the meeting page: their ids must not collide."""

    id_prefix = ""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", f"{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)


class AgendaItemForm(Bounded, PrefixedIds, forms.Form):
    id_prefix = "agenda"
    kind = forms.ChoiceField(label=_("What kind of item"), choices=AgendaItem.Kind.choices)
    text = forms.CharField(
        label=_("Item"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=PROMPTS[AgendaItem.Kind.QUESTION],
    )


class ActionItemForm(Bounded, PrefixedIds, forms.Form):
    id_prefix = "action"
    text = forms.CharField(label=_("Action"), max_length=500)
    owner = forms.TypedChoiceField(label=_("Who does it"), coerce=int)
    due_on = forms.DateField(label=_("Due on"), required=False, widget=DateInput)

    def __init__(self, *args, check_in: CheckIn, **kwargs):
        super().__init__(*args, **kwargs)
        pair = check_in.pair
        self.fields["owner"].choices = [
            (pair.principal_id, pair.principal.name),
            (pair.supervisor_id, pair.supervisor.name),
        ]


class RecordForm(Bounded, forms.ModelForm):
    pulse = forms.TypedChoiceField(
        label=_("Pulse"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("Not given"))] + [(n, str(n)) for n in range(1, 6)],
        help_text=_("How is the principal doing, from 1 (struggling) to 5 (thriving)?"),
    )

    class Meta:
        model = CheckIn
        fields = ["shared_notes", "pulse", "reflection"]
        labels = {"shared_notes": _("Shared notes"), "reflection": _("Reflection")}
        help_texts = {"shared_notes": _("Both of you and the superintendent can read these.")}
        widgets = {"reflection": forms.Textarea(attrs={"rows": 3})}


class PrivateNoteForm(Bounded, PrefixedIds, forms.Form):
    id_prefix = "private"
    text = forms.CharField(
        label=_("My private note"),
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Only you can read this, on every screen."),
    )


class ProblemForm(Bounded, PrefixedIds, forms.Form):
    id_prefix = "problem"
    text = forms.CharField(label=_("Problem raised"), max_length=500)
    themes = forms.ModelMultipleChoiceField(
        label=_("Themes"),
        queryset=Theme.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, district_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["themes"].queryset = Theme.objects.filter(district_id=district_id)


class RescheduleForm(Bounded, forms.Form):
    on = forms.DateField(label=_("New date"), widget=DateInput)
    at = forms.TimeField(
        label=_("New time"),
        required=False,
        widget=TimeInput,
        help_text=_("Leave empty to keep the usual time."),
    )


class PairForm(Bounded, forms.ModelForm):
    class Meta:
        model = CheckInPair
        fields = [
            "principal",
            "school",
            "supervisor",
            "weekday",
            "local_time",
            "interval_weeks",
            "starts_on",
        ]
        labels = {
            "principal": _("Principal"),
            "school": _("School"),
            "supervisor": _("Supervisor"),
            "weekday": _("Weekday"),
            "local_time": _("Time"),
            "interval_weeks": _("Every how many weeks"),
            "starts_on": _("Starts on"),
        }
        widgets = {"local_time": TimeInput, "starts_on": DateInput}

    def __init__(self, *args, district_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        people = User.objects.filter(district_id=district_id, is_active=True)
        # Only principals at a school where they have no check-ins yet, and those schools:
        # a district of 1,800 principals lists the few who still need a supervisor.
        principals = people.filter(role=Role.PRINCIPAL)
        places = User.schools.through.objects.exclude(
            Exists(
                CheckInPair.objects.filter(
                    principal=OuterRef("user_id"), school=OuterRef("school_id"), active=True
                )
            )
        )
        self.fields["principal"].queryset = principals.filter(
            Exists(places.filter(user_id=OuterRef("pk")))
        )
        self.fields["supervisor"].queryset = people.filter(
            role__in=[Role.SUPERINTENDENT, Role.DISTRICT_LEADER]
        )
        self.fields["school"].queryset = School.objects.filter(district_id=district_id).filter(
            Exists(places.filter(school_id=OuterRef("pk"), user__in=principals))
        )
        self.fields["starts_on"].initial = datetime.date.today

    def clean(self):
        data = super().clean()
        principal, school = data.get("principal"), data.get("school")
        if principal and school and not principal.schools.filter(pk=school.pk).exists():
            self.add_error("school", gettext("Choose one of the principal's own schools."))
        return data


class SchoolBreakForm(Bounded, forms.ModelForm):
    class Meta:
        model = SchoolBreak
        fields = ["name", "starts_on", "ends_on"]
        labels = {"name": _("Name"), "starts_on": _("First day"), "ends_on": _("Last day")}
        widgets = {"starts_on": DateInput, "ends_on": DateInput}

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", gettext("The last day cannot come before the first."))
        return data
