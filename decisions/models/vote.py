"""A vote's ballots and who took part, kept apart so that nothing joins a person to a choice."""

from __future__ import annotations

import uuid

from django.db import models

from districts.models import District, User

from .decision import Decision


class Ballot(models.Model):
    """One choice. A secret ballot names nobody; a named one names its voter.

    The id is random and no time is kept, so neither the order nor the moment of a secret
    ballot can be matched against the list of who took part.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+")
    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="ballots")
    option = models.CharField(max_length=300)
    # Named votes only; NULL for every secret ballot.
    voter = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["option", "id"]
        indexes = [models.Index(fields=["district", "decision"])]

    def __str__(self) -> str:
        return f"Ballot on {self.decision_id}"


class Turnout(models.Model):
    """That a person voted, never what: the one ballot each, and the list of who took part."""

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+")
    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="turnout")
    person = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")

    class Meta:
        ordering = ["person__name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["decision", "person"], name="one_ballot_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.person} voted on {self.decision_id}"
