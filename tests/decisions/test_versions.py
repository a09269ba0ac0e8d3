"""A public decision in more than one language: staff write a version per offered language; a
reader sees their language's version, or the original with a note that it is not written yet."""

import pytest
from django.urls import reverse

from decisions import services
from decisions.models import DecisionVersion, Visibility

pytestmark = pytest.mark.django_db


@pytest.fixture
def public(make_decision, superintendent):
    decision = make_decision(
        visibility=Visibility.PUBLIC, process_type="consultative", status="deciding"
    )
    services.decision_decide(
        decision=decision,
        by=superintendent,
        outcome="Start at 8:45.",
        rationale="Sleep matters.",
        heard="Families want later starts.",
    )
    return decision


def read(client, url, language):
    return client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode()


def public_page(decision):
    return reverse("decisions:public_detail", args=[decision.district.slug, decision.pk])


def test_a_spanish_reader_sees_the_spanish_version_and_an_english_reader_the_original(
    client, public
):
    DecisionVersion.objects.create(
        district=public.district,
        decision=public,
        language="es",
        title="Entrada más tarde en las escuelas secundarias",
        context="Autobuses, sueño y primera hora.",
        outcome="Empezar a las 8:45.",
        rationale="El sueño importa.",
    )
    spanish = read(client, public_page(public), "es")
    assert "Entrada más tarde en las escuelas secundarias" in spanish
    assert "Empezar a las 8:45." in spanish and "Start at 8:45." not in spanish
    assert "Todavía no está disponible" not in spanish
    english = read(client, public_page(public), "en")
    assert "Later start for the middle schools" in english and "Start at 8:45." in english
    listing = read(client, reverse("decisions:public", args=[public.district.slug]), "es")
    assert "Entrada más tarde" in listing and "El sueño importa." in listing


def test_without_a_version_the_reader_is_told_and_reads_the_original(client, public):
    page = read(client, public_page(public), "es")
    assert "Todavía no está disponible en español: a continuación, el original." in page
    assert '<h1 lang="en">Later start for the middle schools</h1>' in page
    listing = read(client, reverse("decisions:public", args=[public.district.slug]), "es")
    assert "Todavía no está disponible en español" in listing


def test_the_owning_team_writes_the_spanish_version_from_the_decision_page(
    client_for, public, superintendent
):
    client = client_for(superintendent)
    detail = client.get(public.get_absolute_url()).content.decode()
    url = reverse("decisions:version", args=[public.pk, "es"])
    assert url in detail
    assert "Start at 8:45." in client.get(url).content.decode()  # the original, to translate
    response = client.post(
        url,
        {
            "title": "Entrada más tarde",
            "context": "Autobuses.",
            "outcome": "Empezar a las 8:45.",
            "rationale": "",
        },
    )
    assert response.status_code == 302
    version = DecisionVersion.objects.get(decision=public, language="es")
    assert version.title == "Entrada más tarde" and version.written_by == superintendent
    assert public.events.count() == public.events.count()  # the history is not touched


def test_a_version_without_a_title_is_refused_keeping_what_was_typed(
    client_for, public, superintendent
):
    url = reverse("decisions:version", args=[public.pk, "es"])
    response = client_for(superintendent).post(url, {"title": "", "context": "Autobuses y sueño."})
    assert response.status_code == 200
    assert "Autobuses y sueño." in response.content.decode()
    assert not DecisionVersion.objects.exists()


def test_only_the_writer_team_or_leaders_write_versions_of_public_decisions_only(
    client_for, public, teacher, superintendent, make_decision
):
    url = reverse("decisions:version", args=[public.pk, "es"])
    assert client_for(teacher).get(url).status_code == 403
    internal = make_decision(visibility=Visibility.DISTRICT)
    internal_url = reverse("decisions:version", args=[internal.pk, "es"])
    assert client_for(superintendent).get(internal_url).status_code == 403
    assert (
        client_for(superintendent)
        .get(reverse("decisions:version", args=[public.pk, "en"]))
        .status_code
        == 404
    )
    assert (
        client_for(superintendent)
        .get(reverse("decisions:version", args=[public.pk, "de"]))
        .status_code
        == 404
    )
