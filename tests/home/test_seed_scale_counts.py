"""Seeds of their own, apart from test_seed_scale's shared seed, which would be in their way."""

from io import StringIO

import pytest
from django.core.management import call_command

from decisions.models import Decision
from districts.models import District
from principals.models import CheckInPair

pytestmark = pytest.mark.django_db


def test_explicit_counts_win_over_the_scale(tmp_path):
    call_command(
        "seed_scale",
        "--scale",
        "0.002",
        "--decisions",
        "30",
        "--pairs",
        "2",
        "--no-small",
        "--output",
        str(tmp_path / "x.json"),
        stdout=StringIO(),
        stderr=StringIO(),
    )
    assert Decision.objects.count() == 30
    assert CheckInPair.objects.count() == 2
    assert District.objects.count() == 1
