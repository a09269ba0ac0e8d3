"""A language per person: chosen by them, set by an administrator for those who have not chosen,
and the switch any visitor uses on the sign-in and public pages."""

import pytest
from django.urls import reverse

from districts.languages import offered_code

pytestmark = pytest.mark.django_db


def choose(client, language, next_url="/"):
    return client.post(reverse("districts:language"), {"language": language, "next": next_url})


def test_a_person_reads_the_pages_in_their_own_language_whatever_the_browser_asks(
    client_for, teacher
):
    teacher.language = "es"
    teacher.save()
    page = client_for(teacher).get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en-US,en").content
    page = page.decode()
    assert '<html lang="es">' in page and "Cerrar sesión" in page and "Sign out" not in page


def test_a_person_chooses_their_language_on_their_own_page(client_for, teacher):
    client = client_for(teacher)
    own_page = client.get(reverse("districts:person", args=[teacher.pk])).content.decode()
    assert "Your language" in own_page and 'value="es"' in own_page and "Español" in own_page
    response = choose(client, "es", reverse("districts:person", args=[teacher.pk]))
    assert response.status_code == 302
    teacher.refresh_from_db()
    assert teacher.language == "es" and teacher.language_chosen
    assert "Su idioma" in client.get(response.url, HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_a_visitor_switches_the_sign_in_page_to_spanish_without_signing_in(client):
    sign_in = reverse("login")
    assert "Español" in client.get(sign_in).content.decode()
    response = choose(client, "es", sign_in)
    assert response.status_code == 302 and response.url == sign_in
    page = client.get(sign_in).content.decode()
    assert '<html lang="es">' in page and "Iniciar sesión" in page


def test_a_language_not_offered_changes_nothing(client_for, teacher):
    response = choose(client_for(teacher), "de")
    assert response.status_code == 302
    teacher.refresh_from_db()
    assert teacher.language == "" and not teacher.language_chosen


def test_rosters_and_forms_name_spanish_many_ways():
    for value in ("es", "es-MX", "ES_us", "spa", "Spanish", "Español"):
        assert offered_code(value) == "es", value
    assert offered_code("klingon") == "" and offered_code("") == ""
