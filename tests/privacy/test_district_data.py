"""A district's export and its deletion at contract end; another district is never touched."""

import datetime
import io
import json
import zipfile
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from decisions.models import Input
from decisions.models.related import anonymous_key
from districts.models import District, LeadershipTeam, Role, TeamMembership
from notifications.models import Notification
from principals.models import CheckIn, CheckInPair, PrivateNote
from privacy.district_data import (
    deletions_due,
    district_delete,
    district_export,
    district_tables,
    table_counts,
)
from privacy.models import DistrictDeletion, DistrictExport
from rounding.models import Conversation, FollowUp, RoundingVisit
from tests.conftest import make_person


def fill(district, school, leader, principal, team):
    """A little of everything a district owns."""
    from decisions import services as decision_services

    decision = decision_services.decision_create(
        district=district, by=leader, title="Later start", context="Buses.",
        owning_team=team, domain="schedule", process_type="consent",
    )  # fmt: skip
    Input.objects.create(
        district=district, decision=decision, kind="concern", text="Anonymous words",
        is_anonymous=True, anonymous_key=anonymous_key(decision.pk, principal.pk),
    )  # fmt: skip
    visit = RoundingVisit.objects.create(
        district=district, school=school, date=datetime.date(2026, 10, 1)
    )
    visit.visitors.add(leader)
    conversation = Conversation.objects.create(
        district=district, visit=visit, person=principal, role_group="principal",
        concerns="Words",
    )  # fmt: skip
    FollowUp.objects.create(
        district=district, school=school, conversation=conversation, what="Fix it",
        owner=principal, due_on=datetime.date(2026, 11, 1),
    )  # fmt: skip
    pair = CheckInPair.objects.create(
        district=district, supervisor=leader, principal=principal, school=school,
        weekday=1, local_time=datetime.time(9), starts_on=datetime.date(2026, 1, 6),
    )  # fmt: skip
    check_in = CheckIn.objects.create(
        district=district, pair=pair, scheduled_at=timezone.now(), shared_notes="Shared"
    )
    PrivateNote.objects.create(check_in=check_in, author=principal, text="Only mine")
    Notification.objects.create(district=district, recipient=principal, kind="t", subject="Hi")


@pytest.fixture
def two_districts(
    district, school, superintendent, principal, team, other_district, other_school, outsider
):
    fill(district, school, superintendent, principal, team)
    other_principal = make_person(
        other_district, Role.PRINCIPAL, "Pia", "pia@harbor.example", [other_school]
    )
    other_team = LeadershipTeam.objects.create(district=other_district, name="Harbor team")
    TeamMembership.objects.create(team=other_team, user=outsider, team_role="lead")
    fill(other_district, other_school, outsider, other_principal, other_team)
    return district, other_district


def all_counts():
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    }


def test_every_table_with_a_district_is_known_and_revisions_follow_their_document():
    paths = {model._meta.label: path for model, path in district_tables()}
    assert paths["districts.CodeOfCooperationRevision"] == "code__district_id"
    assert paths["principals.PrivateNote"] == "check_in__district_id"
    assert "districts.User" in paths and "rounding.Conversation" in paths


def test_deleting_a_district_leaves_the_other_districts_rows_identical(two_districts):
    district, other = two_districts
    theirs_before = table_counts(other.pk)
    ours_before = table_counts(district.pk)
    totals_before = all_counts()
    assert ours_before["rounding.Conversation"] == 1 and theirs_before["rounding.Conversation"] == 1

    certificate = district_delete(district=district, by="Alice Okafor")

    assert table_counts(other.pk) == theirs_before
    assert not District.objects.filter(pk=district.pk).exists()
    assert not any(table_counts(district.pk).values())
    totals_after = all_counts()
    for label, count in certificate.counts.items():
        if label in totals_before:
            assert totals_before[label] - totals_after[label] == count, label
    changed = {label for label in totals_before if totals_before[label] != totals_after[label]}
    assert changed <= set(certificate.counts) | {"privacy.DistrictDeletion"}
    assert certificate.counts["rounding.Conversation"] == 1
    assert certificate.district_name == "Cedar Valley" and certificate.done_at is not None


def test_a_requested_deletion_waits_its_grace_period_and_can_be_cancelled(
    client_for, two_districts, superintendent, time_machine
):
    district, _other = two_districts
    client = client_for(superintendent)
    assert client.post(reverse("privacy:deletion_ask"), {"confirm": "Cedar"}).status_code == 400
    assert (
        client.post(reverse("privacy:deletion_ask"), {"confirm": "Cedar Valley"}).status_code == 302
    )
    assert deletions_due() == []
    assert District.objects.filter(pk=district.pk).exists()
    assert client.post(reverse("privacy:deletion_cancel")).status_code == 302
    time_machine.move_to(timezone.now() + datetime.timedelta(days=31))
    assert deletions_due() == []
    assert District.objects.filter(pk=district.pk).exists()


def test_a_deletion_past_its_grace_period_is_done_by_the_daily_task(
    client_for, two_districts, superintendent, time_machine
):
    district, other = two_districts
    client_for(superintendent).post(reverse("privacy:deletion_ask"), {"confirm": "Cedar Valley"})
    theirs = table_counts(other.pk)
    time_machine.move_to(timezone.now() + datetime.timedelta(days=31))
    [certificate] = deletions_due()
    assert not District.objects.filter(pk=district.pk).exists()
    assert table_counts(other.pk) == theirs
    assert DistrictDeletion.objects.get(pk=certificate.pk).counts["districts.User"] >= 2


def test_only_the_superintendent_asks_for_the_deletion(client_for, two_districts, principal):
    response = client_for(principal).post(
        reverse("privacy:deletion_ask"), {"confirm": "Cedar Valley"}
    )
    assert response.status_code == 404
    assert not DistrictDeletion.objects.exists()


def test_the_command_refuses_without_the_slug_repeated(two_districts):
    with pytest.raises(CommandError):
        call_command("delete_district", "cedar-valley", "--now")
    assert District.objects.filter(slug="cedar-valley").exists()


def test_the_command_deletes_now_and_prints_the_certificate(two_districts):
    out = io.StringIO()
    call_command(
        "delete_district", "cedar-valley", "--now", "--confirm", "cedar-valley", stdout=out
    )
    assert json.loads(out.getvalue())["rows"]["rounding.Conversation"] == 1
    assert District.objects.filter(slug="harbor-point").exists()


def test_the_export_has_a_file_per_table_a_manifest_and_only_the_districts_rows(
    two_districts, tmp_path
):
    district, _other = two_districts
    archive = district_export(district=district, folder=tmp_path / "cedar")
    zipped = zipfile.ZipFile(archive)
    manifest = json.loads(zipped.read("manifest.json"))
    assert manifest["tables"]["rounding.Conversation"]["rows"] == 1
    assert "concerns" in manifest["tables"]["rounding.Conversation"]["columns"]
    people = [json.loads(line) for line in zipped.read("districts.User.jsonl").splitlines()]
    assert {person["district_id"] for person in people} == {district.pk}
    everything = b"".join(zipped.read(name) for name in zipped.namelist()).decode()
    assert "Harbor" not in everything and "pia@harbor.example" not in everything
    # Secrets and what only its writer reads are never in it.
    assert "password" not in everything and "anonymous_key" not in everything
    assert "Only mine" not in everything


def test_an_interrupted_export_resumes_without_writing_finished_tables_again(
    two_districts, tmp_path
):
    district, _other = two_districts
    folder = tmp_path / "cedar"
    district_export(district=district, folder=folder)
    (folder / "rounding.Conversation.jsonl").write_text("kept\n")
    manifest = json.loads((folder / "manifest.json").read_text())
    del manifest["tables"]["districts.User"]
    (folder / "manifest.json").write_text(json.dumps(manifest))
    call_command("export_district", "cedar-valley", str(folder), stdout=io.StringIO())
    assert (folder / "rounding.Conversation.jsonl").read_text() == "kept\n"
    assert "districts.User" in json.loads((folder / "manifest.json").read_text())["tables"]


def test_the_superintendent_exports_the_district_in_the_background_and_downloads_it(
    client_for,
    two_districts,
    superintendent,
    settings,
    tmp_path,
    django_capture_on_commit_callbacks,
):
    settings.VAR_DIR = tmp_path
    client = client_for(superintendent)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("privacy:export_ask")).status_code == 302
    page = client.get(reverse("privacy:page")).content.decode()
    assert "Download the export" in page
    export = DistrictExport.objects.get()
    assert export.tables_done == export.tables_total > 10
    response = client.get(reverse("privacy:export_download", args=[export.pk]))
    zipped = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert "manifest.json" in zipped.namelist()


def test_nobody_else_sees_or_downloads_the_districts_export(
    client_for,
    two_districts,
    superintendent,
    principal,
    outsider,
    settings,
    tmp_path,
    django_capture_on_commit_callbacks,
):
    settings.VAR_DIR = tmp_path
    with django_capture_on_commit_callbacks(execute=True):
        client_for(superintendent).post(reverse("privacy:export_ask"))
    export = DistrictExport.objects.get()
    url = reverse("privacy:export_download", args=[export.pk])
    assert client_for(principal).get(url).status_code == 404
    assert client_for(outsider).get(url).status_code == 404
    assert client_for(principal).post(reverse("privacy:export_ask")).status_code == 404
    assert (
        "Download the export"
        not in client_for(principal).get(reverse("privacy:page")).content.decode()
    )


def test_deleting_the_district_deletes_its_export_files(
    client_for,
    two_districts,
    superintendent,
    settings,
    tmp_path,
    django_capture_on_commit_callbacks,
):
    settings.VAR_DIR = tmp_path
    with django_capture_on_commit_callbacks(execute=True):
        client_for(superintendent).post(reverse("privacy:export_ask"))
    archive = Path(DistrictExport.objects.get().archive)
    assert archive.exists()
    district_delete(district=two_districts[0], by="Alice")
    assert not archive.exists()
