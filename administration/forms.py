"""The district administration's forms: each edits one row of the administrator's district."""

import zipfile

from django import forms
from django.contrib.auth.forms import SetPasswordForm
from django.utils.translation import gettext_lazy as _

from districts.bounds import Bounded
from districts.forms import DateInput
from districts.languages import offered
from districts.models import District, LeadershipTeam, Role, School, TeamMembership, User
from districts.oneroster import MAPPABLE_ROLES, MAX_ROSTER_BYTES, ROLE_MAP, megabytes
from districts.pickers import MultiplePicker, Picker
from principals.models import SchoolBreak
from rounding.models import RoleGroup


class PersonForm(Bounded, forms.ModelForm):
    class Meta:
        model = User
        fields = [
            "name",
            "email",
            "role",
            "title",
            "schools",
            "language",
            "is_district_admin",
            "is_active",
        ]
        labels = {"is_active": _("Active (may sign in)")}
        widgets = {"schools": MultiplePicker("schools")}

    def __init__(self, *args, district: District, editor: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.district = district
        self.editor = editor
        self.fields["schools"].queryset = School.objects.filter(district=district)
        self.fields["email"].required = False
        self.fields["language"] = forms.ChoiceField(
            label=_("Language"),
            choices=[("", _("Not set: the browser's language"))] + offered(),
            required=False,
            help_text=_("The pages, notices and e-mails reach the person in it."),
        )
        if self.instance.language_chosen:
            # The person's own choice wins: only they change it, on their page.
            self.fields["language"].disabled = True
            self.fields["language"].help_text = _("Chosen by the person; only they change it.")

    def clean_email(self):
        return (self.cleaned_data.get("email") or "").strip().lower() or None

    def clean(self):
        data = super().clean()
        if self.instance.pk == self.editor.pk:
            if data.get("is_active") is False:
                self.add_error("is_active", _("You cannot deactivate yourself."))
            if data.get("is_district_admin") is False:
                self.add_error(
                    "is_district_admin",
                    _("Another administrator must take this permission from you."),
                )
        return data

    def save(self, commit=True):
        person = super().save(commit=False)
        if person._state.adding:
            person.set_unusable_password()
        if person.is_active:
            person.left_roster_at = None
        if commit:
            person.save()
            self.save_m2m()
        return person


class BulkInviteForm(Bounded, forms.Form):
    school = forms.ModelChoiceField(
        queryset=School.objects.none(),
        required=False,
        empty_label=_("Everyone imported and not yet invited"),
        label=_("Whom to invite"),
        help_text=_("Choose a school to invite its staff, or leave it to invite everyone new."),
        widget=Picker("schools"),
    )

    def __init__(self, *args, district: District, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = School.objects.filter(district=district)


class LanguageForm(Bounded, forms.Form):
    """A language for many people at once: those who have not chosen theirs."""

    language = forms.ChoiceField(label=_("Language"), choices=())
    role = forms.ChoiceField(label=_("Role"), required=False)
    school = forms.ModelChoiceField(
        queryset=School.objects.none(),
        required=False,
        empty_label=_("All schools"),
        label=_("School"),
        widget=Picker("schools"),
    )

    def __init__(self, *args, district: District, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = offered()
        self.fields["role"].choices = [("", _("All roles"))] + list(User.role.field.choices)
        self.fields["school"].queryset = School.objects.filter(district=district)

    def people(self, district: District):
        people = User.objects.filter(district=district)
        if self.cleaned_data["role"]:
            people = people.filter(role=self.cleaned_data["role"])
        if self.cleaned_data["school"]:
            people = people.filter(schools=self.cleaned_data["school"])
        return people


class SchoolForm(Bounded, forms.ModelForm):
    class Meta:
        model = School
        fields = ["name", "level"]


class TeamForm(Bounded, forms.ModelForm):
    class Meta:
        model = LeadershipTeam
        fields = ["name", "school", "purpose"]
        widgets = {"school": Picker("schools")}

    def __init__(self, *args, district: District, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.district = district
        self.fields["school"].queryset = School.objects.filter(district=district)


class MembershipForm(Bounded, forms.ModelForm):
    class Meta:
        model = TeamMembership
        fields = ["user", "team_role", "joined_on", "left_on"]
        labels = {"user": _("Person")}
        widgets = {"user": Picker("people"), "joined_on": DateInput, "left_on": DateInput}

    def __init__(self, *args, team: LeadershipTeam, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.team = team
        self.fields["user"].queryset = User.objects.filter(
            district_id=team.district_id, is_active=True
        )

    def clean(self):
        data = super().clean()
        joined, left = data.get("joined_on"), data.get("left_on")
        if joined and left and left < joined:
            self.add_error("left_on", _("Someone cannot leave a team before they joined it."))
        return data


class SchoolBreakForm(Bounded, forms.ModelForm):
    class Meta:
        model = SchoolBreak
        fields = ["name", "starts_on", "ends_on"]
        widgets = {"starts_on": DateInput, "ends_on": DateInput}

    def __init__(self, *args, district: District, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.district = district


class DistrictSettingsForm(Bounded, forms.ModelForm):
    """The district's own settings; each role group's visit target is a field of its own,
    empty when it is the school's target."""

    class Meta:
        model = District
        fields = [
            "name",
            "timezone",
            "invite_students_and_families",
            "require_sso_for_staff",
            "coverage_target_days",
            "rounding_visitors",
            "reminder_days_before",
            "digest_hour",
            "roster_language_column",
        ]
        labels = {
            "coverage_target_days": _("Visit every school at least every (days)"),
            "rounding_visitors": _("Who may log rounding visits"),
            "reminder_days_before": _("Check-in reminders, days before"),
            "digest_hour": _("Daily digest hour"),
        }
        help_texts = {
            "coverage_target_days": _(
                "Between 1 and 365. The coverage page flags a school past it."
            ),
            "reminder_days_before": _(
                "Between 1 and 7. Reminders go out at the check-in's time of day."
            ),
            "digest_hour": _("0 to 23, in the district's time zone."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        targets = self.instance.coverage_group_targets or {}
        for group, label in RoleGroup.choices:
            name = f"target_{group}"
            self.fields[name] = forms.IntegerField(
                label=_("Target for %(group)s (days)") % {"group": label},
                required=False,
                min_value=1,
                max_value=365,
                help_text=_("Empty: the school's target."),
            )
            self.initial[name] = targets.get(group)
        # Each group's target under the school's.
        order = list(self.fields)
        groups = [name for name in order if name.startswith("target_")]
        rest = [name for name in order if name not in groups]
        at = rest.index("coverage_target_days") + 1
        self.order_fields(rest[:at] + groups + rest[at:])
        chosen = self.instance.roster_roles or {}
        for key in MAPPABLE_ROLES:
            name = roster_field(key)
            default = ROLE_MAP[key][0]
            self.fields[name] = forms.ChoiceField(
                label=ROSTER_ROLE_LABELS[key],
                required=False,
                choices=[("", _("%(role)s (the default)") % {"role": default.label})]
                + [(role.value, role.label) for role in Role if role != default],
            )
            self.initial[name] = chosen.get(key, "")

    def save(self, commit=True):
        self.instance.roster_roles = {
            key: value
            for key in MAPPABLE_ROLES
            if (value := self.cleaned_data.get(roster_field(key))) and value != ROLE_MAP[key][0]
        }
        self.instance.coverage_group_targets = {
            group: days
            for group in RoleGroup.values
            if (days := self.cleaned_data.get(f"target_{group}")) is not None
        }
        return super().save(commit)


def roster_field(key: str) -> str:
    return "roster_" + key.replace("@", "_at_")


ROSTER_ROLE_LABELS = {
    "aide": _("Roster role “aide” becomes"),
    "administrator@district": _("Roster role “administrator” at the district becomes"),
    "administrator@school": _("Roster role “administrator” at a school becomes"),
    "counselor": _("Roster role “counselor” becomes"),
    "proctor": _("Roster role “proctor” becomes"),
    "systemadministrator": _("Roster role “systemAdministrator” becomes"),
    "guardian": _("Roster role “guardian” becomes"),
    "parent": _("Roster role “parent” becomes"),
    "relative": _("Roster role “relative” becomes"),
}


class AcceptInvitationForm(Bounded, SetPasswordForm):
    pass


class RosterUploadForm(Bounded, forms.Form):
    roster = forms.FileField(
        label=_("OneRoster CSV export (zip)"),
        help_text=_(
            "OneRoster 1.1 or 1.2, bulk or delta: manifest.csv, orgs.csv, users.csv and (1.2) "
            "roles.csv in one zip."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".zip,application/zip"}),
    )

    def clean_roster(self):
        roster = self.cleaned_data["roster"]
        if roster.size > MAX_ROSTER_BYTES:
            raise forms.ValidationError(
                _("This file is %(size)s; a roster zip may be at most %(limit)s.")
                % {"size": megabytes(roster.size), "limit": megabytes(MAX_ROSTER_BYTES)}
            )
        if not zipfile.is_zipfile(roster):
            raise forms.ValidationError(
                _("This is not a zip file. Zip the export's CSV files and choose the zip.")
            )
        roster.seek(0)
        return roster
