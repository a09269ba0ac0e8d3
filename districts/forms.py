import logging

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import tasks
from .bounds import Bounded
from .models import GuidingPrinciple, School, User
from .pickers import MultiplePicker, Picker

logger = logging.getLogger(__name__)


class DateInput(forms.DateInput):
    input_type = "date"


class WordingForm(Bounded, forms.Form):
    """A dated wording of a living document, with an optional review date."""

    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 6}), max_length=10_000)
    adopted_on = forms.DateField(label=gettext_lazy("Adopted on"), widget=DateInput)
    review_on = forms.DateField(
        label=gettext_lazy("Due for review on"), widget=DateInput, required=False
    )

    def clean(self):
        data = super().clean()
        adopted, review = data.get("adopted_on"), data.get("review_on")
        if adopted and review and review <= adopted:
            self.add_error(
                "review_on",
                _("The “%(review)s” date must come after the “%(adopted)s” date.")
                % {
                    "review": self.fields["review_on"].label,
                    "adopted": self.fields["adopted_on"].label,
                },
            )
        return data


class RevisionForm(WordingForm):
    participants = forms.ModelMultipleChoiceField(
        queryset=User.objects.none(),
        required=False,
        label=gettext_lazy("People who took part"),
        widget=MultiplePicker("staff", attrs={"size": 6}),
    )
    participants_note = forms.CharField(
        label=gettext_lazy("Who else took part"),
        required=False,
        max_length=300,
        help_text=gettext_lazy(
            "Groups outside the roster, for example “families at the spring meeting”."
        ),
    )

    def __init__(self, *args, people, school: School | None = None, **kwargs):
        """`people` are the district's staff, or everyone at `school` for a school's wording."""
        super().__init__(*args, **kwargs)
        self.fields["participants"].queryset = people
        if school is not None:
            widget = self.fields["participants"].widget
            widget.source, widget.params = "people", {"school": school.pk}


class PrincipleForm(RevisionForm):
    title = forms.CharField(
        max_length=120, help_text=gettext_lazy("A short name, for example “Students first”.")
    )
    school = forms.ModelChoiceField(
        queryset=School.objects.none(),
        required=False,
        empty_label=gettext_lazy("Whole district"),
        widget=Picker("schools"),
        help_text=gettext_lazy("Choose a school to write a variation that holds only there."),
    )
    varies = forms.ModelChoiceField(
        queryset=GuidingPrinciple.objects.none(),
        required=False,
        label=gettext_lazy("Varies the district principle"),
        empty_label=gettext_lazy("(a new principle)"),
    )
    field_order = ["title", "school", "varies", "text"]

    def __init__(self, *args, district, people, schools, **kwargs):
        super().__init__(*args, people=people, **kwargs)
        self.fields["school"].queryset = schools
        self.fields["varies"].queryset = GuidingPrinciple.objects.filter(
            district=district, school__isnull=True, retired_on__isnull=True
        )
        self.fields["text"].label = _("The principle in full")

    def clean(self):
        data = super().clean()
        if data.get("varies") and not data.get("school"):
            self.add_error("school", _("A variation belongs to a school: choose which one."))
        return data


class CodeOfCooperationForm(WordingForm):
    class_name = forms.CharField(
        label=gettext_lazy("Class"),
        max_length=120,
        help_text=gettext_lazy("For example “Grade 4, room 12”."),
    )
    school = forms.ModelChoiceField(queryset=School.objects.none(), widget=Picker("schools"))
    field_order = ["class_name", "school", "text", "adopted_on", "review_on"]

    def __init__(self, *args, schools, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools
        self.fields["text"].label = _("Our agreement")
        self.fields["text"].help_text = _(
            "How we treat each other, how we decide together, what we do when it goes wrong."
        )
        self.fields["adopted_on"].label = _("Agreed on")
        self.fields["review_on"].label = _("Revisit on")


class PeopleFilterForm(Bounded, forms.Form):
    q = forms.CharField(label=gettext_lazy("Search"), required=False, max_length=100)
    role = forms.ChoiceField(required=False)
    school = forms.ModelChoiceField(
        queryset=School.objects.none(),
        required=False,
        empty_label=gettext_lazy("All schools"),
        widget=Picker("schools"),
    )

    def __init__(self, *args, roles, schools, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [("", _("All roles")), *roles]
        self.fields["school"].queryset = schools


class LockoutAware:
    """A sign-in form that says so when the sign-in was refused for too many failures."""

    def get_invalid_login_error(self):
        from .signin import locked_out_message

        if getattr(self.request, "axes_locked_out", False):
            return ValidationError(locked_out_message(), code="locked_out")
        return super().get_invalid_login_error()


class SignInForm(Bounded, LockoutAware, AuthenticationForm):
    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if user.must_use_sso:
            raise ValidationError(
                _(
                    "Your district signs staff in with its own accounts: use the single "
                    "sign-on button below instead of a password."
                ),
                code="sso_required",
            )


class AdminSignInForm(Bounded, LockoutAware, AdminAuthenticationForm):
    pass


class QueuedPasswordResetForm(Bounded, PasswordResetForm):
    """Queues the reset e-mail for the worker, which looks the address up and sends.

    The page answers the same, in the same time, for an address the roster has and one it
    does not: the request itself never reads the roster.
    """

    def save(self, **kwargs):
        try:
            tasks.send_password_reset.delay(self.cleaned_data["email"])
        except Exception:
            # The broker is away: the page answers as always (it must not tell whether the
            # address is known), and the person can ask again.
            logger.warning("Could not queue a password reset e-mail", exc_info=True)
