from django import forms
from django.utils.translation import gettext_lazy as _

from districts.bounds import Bounded

from .models import NotificationSettings


class NotificationSettingsForm(Bounded, forms.ModelForm):
    class Meta:
        model = NotificationSettings
        fields = ["email_mode"]
        labels = {"email_mode": _("E-mail me")}
        widgets = {"email_mode": forms.RadioSelect}
