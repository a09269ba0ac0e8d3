from django import forms

from districts.bounds import Bounded

from .models import NotificationSettings


class NotificationSettingsForm(Bounded, forms.ModelForm):
    class Meta:
        model = NotificationSettings
        fields = ["email_mode"]
        labels = {"email_mode": "E-mail me"}
        widgets = {"email_mode": forms.RadioSelect}
