"""The district's shared words: themes, the shared purpose, guiding principles and codes of
cooperation, with their revisions and who may change them."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .core import District, DistrictQuerySet, Role, School, User


class Theme(models.Model):
    """The district's shared words for tagging conversations, check-in problems and decision input."""

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="themes")
    name = models.CharField(max_length=80)
    description = models.CharField(max_length=300, blank=True)

    objects = DistrictQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"), "district", name="theme_unique_name_per_district"
            )
        ]

    def __str__(self) -> str:
        return self.name


# Shared purpose, guiding principles and codes of cooperation are living documents:
# the document row is stable, and every adopted wording is a revision that is never edited.


class RevisedDocument(models.Model):
    class Meta:
        abstract = True

    def current_revision(self):
        revisions = getattr(self, "prefetched_revisions", None)
        if revisions is not None:
            return revisions[0] if revisions else None
        return self.revisions.first()


class Revision(models.Model):
    text = models.TextField()
    adopted_on = models.DateField(default=datetime.date.today)
    review_on = models.DateField(_("due for review on"), null=True, blank=True)
    participants = models.ManyToManyField(User, blank=True, related_name="+")
    participants_note = models.CharField(
        _("who else took part"),
        max_length=300,
        blank=True,
        help_text=_(
            "Groups that are not in the roster, e.g. “grade 5 families at the spring meeting”."
        ),
    )
    recorded_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["-adopted_on", "-created_at", "-pk"]

    def clean(self):
        if self.review_on and self.adopted_on and self.review_on <= self.adopted_on:
            raise ValidationError(
                {"review_on": _("The review date must come after the adoption date.")}
            )

    @property
    def review_is_due(self) -> bool:
        return self.review_on is not None and self.review_on <= timezone.localdate()


class SharedPurpose(RevisedDocument):
    """Why the district (or one school, as a variation) exists, in the words of the people it serves."""

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="purposes")
    school = models.OneToOneField(
        School, on_delete=models.CASCADE, null=True, blank=True, related_name="purpose"
    )

    objects = DistrictQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["district"], condition=Q(school__isnull=True), name="one_district_purpose"
            )
        ]

    def __str__(self) -> str:
        return f"Shared purpose of {self.school or self.district}"


class SharedPurposeRevision(Revision):
    purpose = models.ForeignKey(SharedPurpose, on_delete=models.CASCADE, related_name="revisions")

    class Meta(Revision.Meta):
        pass

    def __str__(self) -> str:
        return f"{self.purpose}, adopted {self.adopted_on}"


class GuidingPrinciple(RevisedDocument):
    """A principle decisions are tested against. A school may vary a district principle."""

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="principles")
    school = models.ForeignKey(
        School, on_delete=models.CASCADE, null=True, blank=True, related_name="principles"
    )
    varies = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="variations",
        help_text=_("The district principle this school's wording varies."),
    )
    title = models.CharField(max_length=120)
    position = models.PositiveSmallIntegerField(default=0)
    retired_on = models.DateField(null=True, blank=True)

    objects = DistrictQuerySet.as_manager()

    class Meta:
        ordering = ["position", "title"]
        indexes = [models.Index(fields=["district", "school", "position"])]
        constraints = [
            models.UniqueConstraint(
                fields=["varies", "school"],
                condition=Q(varies__isnull=False),
                name="one_variation_per_school",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self):
        if self.varies_id:
            if self.school_id is None:
                raise ValidationError(_("Only a school's principle can vary a district principle."))
            if self.varies.school_id is not None:
                raise ValidationError(_("A variation must vary a district-wide principle."))


class GuidingPrincipleRevision(Revision):
    principle = models.ForeignKey(
        GuidingPrinciple, on_delete=models.CASCADE, related_name="revisions"
    )

    class Meta(Revision.Meta):
        pass

    def __str__(self) -> str:
        return f"{self.principle}, adopted {self.adopted_on}"


class CodeOfCooperationQuerySet(DistrictQuerySet):
    def narrow_to(self, user):
        """The teacher who wrote it, the school's principal and district leaders."""
        if user.is_district_leader:
            return self
        if user.role == Role.PRINCIPAL:
            return self.filter(Q(teacher=user) | Q(school__in=user.schools.all()))
        return self.filter(teacher=user)


class CodeOfCooperation(RevisedDocument):
    """A teacher's agreement with a class on how they work together."""

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="codes")
    teacher = models.ForeignKey(User, on_delete=models.CASCADE, related_name="codes")
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="codes")
    class_name = models.CharField(
        _("class"), max_length=120, help_text=_("For example “Grade 4, room 12”.")
    )

    objects = CodeOfCooperationQuerySet.as_manager()

    class Meta:
        ordering = ["class_name"]
        indexes = [models.Index(fields=["district", "teacher"])]

    def __str__(self) -> str:
        return f"Code of cooperation, {self.class_name}"

    def get_absolute_url(self) -> str:
        return reverse("districts:code", args=[self.pk])


class CodeOfCooperationRevision(Revision):
    code = models.ForeignKey(CodeOfCooperation, on_delete=models.CASCADE, related_name="revisions")

    class Meta(Revision.Meta):
        pass

    def __str__(self) -> str:
        return f"{self.code}, adopted {self.adopted_on}"


def can_revise_purpose(user, school: School | None) -> bool:
    """District leaders revise district-wide words; a school's principal revises its variation."""
    if not user.is_authenticated:
        return False
    if user.is_district_leader:
        return True
    return (
        school is not None
        and user.role == Role.PRINCIPAL
        and user.schools.filter(pk=school.pk).exists()
    )


def can_edit_code(user, code: CodeOfCooperation) -> bool:
    return user.is_authenticated and code.teacher_id == user.pk
