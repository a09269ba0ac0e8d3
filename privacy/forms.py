from django import forms
from django.utils.translation import gettext_lazy as _

from districts.bounds import Bounded

from .models import RetentionRules


class RetentionRulesForm(Bounded, forms.ModelForm):
    class Meta:
        model = RetentionRules
        fields = [
            "rounding_notes_months",
            "student_notes_school_year",
            "notices_days",
            "sign_ins_days",
            "admin_log_years",
        ]
        labels = {
            "rounding_notes_months": _("Rounding conversation notes, months"),
            "student_notes_school_year": _("Notes naming a student end with the school year"),
            "notices_days": _("Inbox notices, days"),
            "sign_ins_days": _("Sessions and sign-in records, days"),
            "admin_log_years": _("Admin log, years"),
        }


class ConfirmForm(Bounded, forms.Form):
    """Typing a name back: the confirmation of something that cannot be undone."""

    confirm = forms.CharField(label=_("Type the name to confirm"), max_length=200)

    def __init__(self, *args, expected: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.expected = expected

    def clean_confirm(self):
        typed = self.cleaned_data["confirm"]
        if " ".join(typed.split()).casefold() != " ".join(self.expected.split()).casefold():
            raise forms.ValidationError(_("This is not the name shown above."))
        return typed
