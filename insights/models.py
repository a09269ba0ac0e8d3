"""What the insights pages keep of their own: the milestones leaders draw on the journey."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from districts.models import District, User


class Milestone(models.Model):
    """Something the district launched ("late-start Wednesdays begin"), drawn on the journey so
    the dip can be read against it."""

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+")
    day = models.DateField(_("date"))
    title = models.CharField(_("what began"), max_length=120)
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["day", "pk"]
        indexes = [models.Index(fields=["district", "day"])]

    def __str__(self) -> str:
        return f"{self.day}: {self.title}"
