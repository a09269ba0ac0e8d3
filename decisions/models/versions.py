"""A public decision's words in another offered language, for the families who read it."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from districts.models import District, User

from .decision import Decision


class DecisionVersion(models.Model):
    """Staff write it; the decision's own fields stay the original, in the language they were
    written in (the site's default), and its history is not translated."""

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+")
    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="versions")
    language = models.CharField(max_length=12)
    title = models.CharField(_("title"), max_length=200)
    context = models.TextField(_("context"), blank=True)
    outcome = models.TextField(_("what was decided"), blank=True)
    rationale = models.TextField(_("why"), blank=True)
    written_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["decision", "language"], name="decision_version_once_per_language"
            )
        ]

    def __str__(self) -> str:
        return f"{self.decision} ({self.language})"
