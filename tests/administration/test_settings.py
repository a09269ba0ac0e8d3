"""The district's working settings on its settings page: checked, kept, logged old → new."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from districts.models import AuditEntry

from .test_pages import SETTINGS_AS_THEY_ARE

pytestmark = pytest.mark.django_db


def post(client, **changes):
    data = {"name": "Cedar Valley", "timezone": "America/Chicago", **SETTINGS_AS_THEY_ARE}
    return client.post(reverse("administration:settings"), {**data, **changes}, follow=True)


def test_the_working_settings_are_saved_and_logged_old_to_new(client_for, administrator, district):
    response = post(
        client_for(administrator),
        coverage_target_days="14",
        target_teacher="7",
        rounding_visitors="principals",
        reminder_days_before="1",
        digest_hour="8",
    )
    assert "Saved the changes" in response.text
    district.refresh_from_db()
    assert district.coverage_target_days == 14
    assert district.coverage_target("teacher") == 7 and district.coverage_target("cook") == 14
    assert district.rounding_visitors == "principals"
    assert (district.reminder_days_before, district.digest_hour) == (1, 8)
    changes = AuditEntry.objects.get().changes
    assert "visit every school at least every (days): 42 → 14" in changes
    assert "target for Teacher (days): — → 7" in changes
    assert (
        "who may log rounding visits: District leaders only → "
        "District leaders, and principals at their schools" in changes
    )
    assert "check-in reminders, days before: 2 → 1" in changes
    assert "daily digest hour: 6 → 8" in changes
    # The page shows what is saved; clearing a group's target goes back to the school's.
    page = client_for(administrator).get(reverse("administration:settings")).text
    assert 'name="target_teacher" value="7"' in page
    post(client_for(administrator), coverage_target_days="14", target_teacher="")
    district.refresh_from_db()
    assert district.coverage_group_targets == {}
    assert "target for Teacher (days): 7 → —" in AuditEntry.objects.order_by("-pk")[0].changes


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("coverage_target_days", "0", "greater than or equal to 1"),
        ("coverage_target_days", "400", "less than or equal to 365"),
        ("target_cook", "0", "greater than or equal to 1"),
        ("reminder_days_before", "8", "less than or equal to 7"),
        ("reminder_days_before", "0", "greater than or equal to 1"),
        ("digest_hour", "24", "less than or equal to 23"),
        ("digest_hour", "six", "Enter a whole number"),
        ("rounding_visitors", "everyone", "Select a valid choice"),
    ],
)
def test_a_bad_setting_is_an_error_that_keeps_what_was_typed(
    client_for, administrator, district, field, value, error
):
    response = post(client_for(administrator), **{field: value})
    assert response.status_code == 200
    assert error in response.text
    assert response.context["form"][field].value() == value
    district.refresh_from_db()
    assert (district.coverage_target_days, district.reminder_days_before) == (42, 2)
    assert (district.digest_hour, district.rounding_visitors) == (6, "leaders")
    assert not AuditEntry.objects.exists()


def test_another_districts_administrator_cannot_change_these_settings(
    client_for, other_administrator, district
):
    post(client_for(other_administrator), coverage_target_days="7")
    district.refresh_from_db()
    assert district.coverage_target_days == 42


@pytest.mark.parametrize("targets", [{"cook": "soon"}, {"cook": 0}, {"cook": 21.5}, ["cook"]])
def test_group_targets_written_elsewhere_are_checked_too(district, targets):
    district.coverage_group_targets = targets
    with pytest.raises(ValidationError, match="whole days from 1 to 365"):
        district.full_clean()


def test_the_settings_page_keeps_to_its_query_budget(
    client_for, administrator, django_assert_max_num_queries
):
    client = client_for(administrator)
    with django_assert_max_num_queries(4):
        assert client.get(reverse("administration:settings")).status_code == 200
