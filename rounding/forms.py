from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from districts.bounds import Bounded
from districts.models import STAFF_ROLES, Role, School, Theme, User
from districts.pickers import Picker

from .models import FollowUp, RoleGroup


class DateInput(forms.DateInput):
    input_type = "date"


def prompt(label: str, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=5000,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class VisitForm(Bounded, forms.Form):
    school = forms.ModelChoiceField(
        label=_("School"), queryset=School.objects.none(), widget=Picker("schools")
    )
    date = forms.DateField(label=_("Date"), widget=DateInput)
    visitors = forms.ModelMultipleChoiceField(
        queryset=User.objects.none(),
        required=False,
        label=_("Who else is visiting"),
        help_text=_("You are always one of the visitors."),
        widget=forms.SelectMultiple(attrs={"size": 4}),
    )
    purpose = forms.CharField(
        label=_("Purpose"),
        max_length=300,
        required=False,
        help_text=_("For example “meet the kitchen team and the new teachers”."),
    )

    def __init__(self, *args, district_id: int, schools=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = (
            schools if schools is not None else School.objects.filter(district_id=district_id)
        )
        self.fields["visitors"].queryset = User.objects.filter(
            district_id=district_id,
            role__in=[Role.SUPERINTENDENT, Role.DISTRICT_LEADER, Role.PRINCIPAL],
        )

    def clean_date(self):
        date = self.cleaned_data["date"]
        # Pages run in the district's zone (the middleware): "today" is the district's today.
        if date > timezone.localdate():
            raise forms.ValidationError(
                _("A visit cannot be dated in the future: log it on the day."), code="future"
            )
        return date


class VisitEditForm(Bounded, forms.Form):
    date = forms.DateField(label=_("Date"), widget=DateInput)
    purpose = forms.CharField(label=_("Purpose"), max_length=300, required=False)

    def clean_date(self):
        return VisitForm.clean_date(self)


class VisitSummaryForm(Bounded, forms.Form):
    summary = forms.CharField(
        label=_("What stood out"),
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ConversationForm(Bounded, forms.Form):
    person = forms.ModelChoiceField(
        queryset=User.objects.none(),
        required=False,
        label=_("Who (from the roster)"),
        empty_label=_("— not in the roster —"),
    )
    name = forms.CharField(
        max_length=200,
        required=False,
        label=_("Or their name"),
        help_text=_("When they are not in the roster. A first name is enough for a student."),
    )
    role_group = forms.ChoiceField(
        choices=[("", _("— from the roster —")), *RoleGroup.choices],
        required=False,
        label=_("Role"),
    )
    working = prompt(_("What is working well?"))
    recognition = prompt(_("Anyone who deserves recognition?"))
    concerns = prompt(_("What gets in the way?"))
    ideas = prompt(_("What could we do better?"))
    themes = forms.ModelMultipleChoiceField(
        label=_("Themes"),
        queryset=Theme.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, district_id: int, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = User.objects.filter(district_id=district_id)
        # Read `people` only when the picker is drawn: a valid POST never draws it.
        self.fields["person"].widget.choices = lambda: (
            [("", _("— not in the roster —"))]
            + [(p.pk, f"{p.name}{f' ({p.title})' if p.title else ''}") for p in people]
        )
        self.fields["themes"].queryset = Theme.objects.filter(district_id=district_id)

    def clean(self):
        data = super().clean()
        if not data.get("person"):
            if not data.get("name", "").strip():
                self.add_error("name", _("Pick someone from the roster or write their name."))
            if not data.get("role_group"):
                self.add_error("role_group", _("Choose their role, for example cook or student."))
        fields = ("working", "recognition", "concerns", "ideas")
        notes = [data.get(f, "") for f in fields]
        # A note refused (too long, say) was written: its own error says what to fix.
        if not any(n.strip() for n in notes) and not any(f in self.errors for f in fields):
            raise forms.ValidationError(_("Write at least one thing you heard."))
        return data


class FollowUpForm(Bounded, forms.Form):
    what = forms.CharField(
        label=_("What we will do"),
        max_length=300,
        help_text=_("Staff read this on the stoplight report: name nobody who raised it."),
    )
    heard = forms.CharField(
        label=_("What we heard"),
        max_length=300,
        required=False,
        help_text=_("The concern in general words, without names."),
    )
    owner = forms.ModelChoiceField(
        label=_("Owner"), queryset=User.objects.none(), widget=Picker("staff")
    )
    due_on = forms.DateField(label=_("Due date"), widget=DateInput)

    def __init__(self, *args, district_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = User.objects.filter(
            district_id=district_id, role__in=STAFF_ROLES
        )


class StatusForm(Bounded, forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[
            (FollowUp.Status.GREEN, _("Green: done")),
            (FollowUp.Status.YELLOW, _("Yellow: in progress")),
            (FollowUp.Status.RED, _("Red: cannot do")),
            (FollowUp.Status.NEW, _("Not started")),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required for red: staff see why it cannot be done."),
    )

    def clean(self):
        data = super().clean()
        if data.get("status") == FollowUp.Status.RED and not data.get("reason", "").strip():
            self.add_error("reason", _("Say why it cannot be done."))
        return data


class CelebrationForm(Bounded, forms.Form):
    person = forms.ModelChoiceField(
        queryset=User.objects.none(), required=False, label=_("Who (from the roster)")
    )
    name = forms.CharField(max_length=200, required=False, label=_("Or their name"))
    what = forms.CharField(
        label=_("What to celebrate"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    shared = forms.BooleanField(label=_("Share on the school's page"), required=False, initial=True)

    def __init__(self, *args, district_id: int, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = User.objects.filter(district_id=district_id)
        self.fields["person"].widget.choices = [("", _("— not in the roster —"))] + [
            (p.pk, p.name) for p in people
        ]

    def clean(self):
        data = super().clean()
        if not data.get("person") and not data.get("name", "").strip():
            self.add_error("name", _("Say who the celebration is for."))
        return data


class VisitFilterForm(Bounded, forms.Form):
    school = forms.ModelChoiceField(
        queryset=School.objects.none(),
        required=False,
        empty_label=_("All schools"),
        widget=Picker("schools"),
    )
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput)
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput)

    def __init__(self, *args, district_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = School.objects.filter(district_id=district_id)
