from django import forms

from .models import NotificationSettings


class NotificationSettingsForm(forms.ModelForm):
    class Meta:
        model = NotificationSettings
        fields = ["email_mode"]
        labels = {"email_mode": "E-mail me"}
        widgets = {"email_mode": forms.RadioSelect}
