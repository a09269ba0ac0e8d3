from django import forms
from django.utils.translation import gettext_lazy as _

from districts.bounds import Bounded

from .models import ApiToken


class TokenForm(Bounded, forms.Form):
    name = forms.CharField(
        label=_("What is this token for?"),
        max_length=ApiToken._meta.get_field("name").max_length,
        help_text=_("For example “weekly board report”: it tells your tokens apart."),
    )
