"""Rounding in a building's dead corners, on a phone: every form is kept offline and sent when
the network returns; a refused save comes back to be fixed; a shared phone mixes no one."""

import pytest
from django.contrib.sessions.models import Session
from playwright.sync_api import expect

from rounding import services
from rounding.models import Celebration, Conversation, FollowUp

from .test_rounding_journey import school_day, sign_in, sign_out

pytestmark = pytest.mark.django_db(transaction=True)

ALICE = "alice@cedar.example"
BOB = "bob@cedar.example"


def open_visit(page, live_server, visit, email=ALICE):
    sign_in(page, live_server, email)
    url = f"{live_server.url}/rounding/visits/{visit.pk}/"
    page.goto(url)
    return url


def test_a_celebration_recorded_offline_is_kept_and_recorded_back_online(
    page, context, live_server, superintendent, school
):
    visit = services.visit_start(school=school, by=superintendent, date=school_day())
    open_visit(page, live_server, visit)
    section = page.locator("#celebrations")

    context.set_offline(True)
    section.get_by_label("Or their name").fill("Ms. Ortiz")
    section.get_by_label("What to celebrate").fill("Ran the family reading night.")
    section.get_by_role("button", name="Record the celebration").click()
    queue = page.locator("#offline-queue")
    expect(queue).to_contain_text("Celebration of Ms. Ortiz: not sent yet")
    expect(page.get_by_text("No connection. Celebration of Ms. Ortiz is kept")).to_be_visible()
    expect(section.get_by_label("What to celebrate")).to_have_value("")
    assert not Celebration.objects.exists()

    context.set_offline(False)
    expect(page.get_by_text("Back online: 1 celebration recorded.")).to_be_visible()
    expect(queue).to_be_hidden()
    celebration = Celebration.objects.get()
    assert (celebration.name, celebration.what) == ("Ms. Ortiz", "Ran the family reading night.")
    assert celebration.shared and celebration.visit == visit
    expect(section).to_contain_text("Ran the family reading night.")


def test_a_visit_summary_saved_offline_is_kept_and_saved_back_online(
    page, context, live_server, superintendent, school
):
    visit = services.visit_start(school=school, by=superintendent, date=school_day())
    url = open_visit(page, live_server, visit)
    summary = page.locator("#summary")

    context.set_offline(True)
    summary.get_by_label("What stood out").fill("A calm lunch; the new teachers feel supported.")
    summary.get_by_role("button", name="Save summary").click()
    queue = page.locator("#offline-queue")
    expect(queue).to_contain_text("Summary of the visit: not sent yet")
    assert page.url == url  # still on the visit, not the browser's offline page
    visit.refresh_from_db()
    assert visit.summary == ""

    context.set_offline(False)
    expect(page.get_by_text("Back online: the summary of the visit is saved.")).to_be_visible()
    expect(queue).to_be_hidden()
    visit.refresh_from_db()
    assert visit.summary == "A calm lunch; the new teachers feel supported."
    expect(summary.get_by_label("What stood out")).to_have_value(visit.summary)


def test_a_follow_up_checked_offline_is_kept_and_published_back_online(
    page, context, live_server, superintendent, teacher, school
):
    visit = services.visit_start(school=school, by=superintendent, date=school_day())
    conversation = services.conversation_add(
        visit=visit, name="Pat", role_group="custodian", concerns="No spare mop heads."
    )
    sign_in(page, live_server, ALICE)
    page.goto(f"{live_server.url}/rounding/conversations/{conversation.pk}/follow-up/")
    page.get_by_label("What we will do").fill("Order spare mop heads for every floor")
    page.get_by_label("Owner").select_option(label=teacher.name)

    context.set_offline(True)
    page.get_by_role("button", name="Publish the follow-up").click()
    queue = page.locator("#offline-queue")
    expect(queue).to_contain_text("Follow-up “Order spare mop heads for every floor”: not sent yet")
    assert not FollowUp.objects.exists()

    context.set_offline(False)
    expect(page.get_by_text("Back online: 1 follow-up published.")).to_be_visible()
    expect(queue).to_be_hidden()
    follow_up = FollowUp.objects.get()
    assert follow_up.what == "Order spare mop heads for every floor"
    assert follow_up.owner == teacher and follow_up.conversation == conversation


def test_a_save_refused_for_a_lost_sign_in_opens_filled_in_until_it_is_sent(
    page, context, live_server, superintendent, school
):
    visit = services.visit_start(school=school, by=superintendent, date=school_day())
    url = open_visit(page, live_server, visit)
    talk = page.locator("#conversations")

    context.set_offline(True)
    talk.get_by_label("Or their name").fill("Pat")
    talk.get_by_label("Role").select_option(label="Custodian")
    talk.get_by_label("What gets in the way?").fill("No spare mop heads.")
    talk.get_by_role("button", name="Save conversation").click()
    queue = page.locator("#offline-queue")
    expect(queue).to_contain_text("Conversation with Pat: not sent yet")
    Session.objects.all().delete()  # the sign-in ends on the server while the phone is away

    context.set_offline(False)
    expect(queue).to_contain_text("Conversation with Pat: refused, open to fix")
    fix = talk.locator(".offline-fix")
    expect(fix).to_contain_text("You were signed out: sign in and send again.")
    expect(talk.get_by_label("Or their name")).to_have_value("Pat")
    expect(talk.get_by_label("Role")).to_have_value("custodian")
    expect(talk.get_by_label("What gets in the way?")).to_have_value("No spare mop heads.")
    assert not Conversation.objects.exists()

    # Signed in again, the refused save is still there, open in its form, until it is sent.
    sign_in(page, live_server, ALICE)
    page.goto(url)
    expect(queue).to_contain_text("Conversation with Pat: refused, open to fix")
    expect(talk.get_by_label("What gets in the way?")).to_have_value("No spare mop heads.")
    talk.get_by_role("button", name="Save conversation").click()
    expect(page.get_by_text("Conversation with Pat saved")).to_be_visible()
    expect(queue).to_be_hidden()
    assert Conversation.objects.get().concerns == "No spare mop heads."
    page.reload()
    expect(talk.get_by_label("What gets in the way?")).to_have_value("")
    expect(queue).to_be_hidden()


def test_a_save_the_server_refuses_shows_its_reason_and_can_be_discarded(
    page, context, live_server, superintendent, school
):
    visit = services.visit_start(school=school, by=superintendent, date=school_day())
    open_visit(page, live_server, visit)
    section = page.locator("#celebrations")

    context.set_offline(True)
    section.get_by_label("What to celebrate").fill("Everyone stayed late for the play.")
    section.get_by_role("button", name="Record the celebration").click()
    queue = page.locator("#offline-queue")
    expect(queue).to_contain_text("Celebration of someone: not sent yet")

    context.set_offline(False)
    expect(queue).to_contain_text("Celebration of someone: refused, open to fix")
    expect(section.locator(".offline-fix")).to_contain_text(
        "Or their name: Say who the celebration is for."
    )
    expect(section.get_by_label("What to celebrate")).to_have_value(
        "Everyone stayed late for the play."
    )
    queue.get_by_role("button", name="Discard: Celebration of someone").click()
    expect(queue).to_be_hidden()
    expect(section.locator(".offline-fix")).to_have_count(0)
    page.reload()
    expect(queue).to_be_hidden()
    assert not Celebration.objects.exists()


def test_on_a_shared_phone_a_queue_is_sent_only_by_its_author(
    page, context, live_server, superintendent, principal, school
):
    visit = services.visit_start(school=school, by=superintendent, date=school_day())
    visit.visitors.add(principal)
    url = open_visit(page, live_server, visit, ALICE)
    talk = page.locator("#conversations")
    queue = page.locator("#offline-queue")

    context.set_offline(True)
    talk.get_by_label("Or their name").fill("Pat")
    talk.get_by_label("Role").select_option(label="Custodian")
    talk.get_by_label("What gets in the way?").fill("Alice heard this in the boiler room.")
    talk.get_by_role("button", name="Save conversation").click()
    expect(queue).to_contain_text("Conversation with Pat: not sent yet")
    # The phone finds a network that does not reach the school's server; Alice signs out.
    page.route("**/rounding/visits/*/conversations/", lambda route: route.abort())
    context.set_offline(False)
    page.wait_for_timeout(500)
    sign_out(page)
    page.unroute("**/rounding/visits/*/conversations/")

    # Bob signs in on the same phone and opens the same visit: nothing of Alice's.
    sign_in(page, live_server, BOB)
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    expect(queue).to_be_hidden()
    page.goto(url)
    expect(page.get_by_role("heading", name=school.name, level=1)).to_be_visible()
    page.wait_for_timeout(1000)
    expect(queue).to_be_hidden()
    expect(page.locator("main")).not_to_contain_text("Pat")
    assert not Conversation.objects.exists()
    sign_out(page)

    # Alice signs back in: her save is offered to her again and goes under her name.
    sign_in(page, live_server, ALICE)
    expect(page.get_by_text("Back online: 1 conversation sent.")).to_be_visible()
    conversation = Conversation.objects.get()
    assert conversation.concerns == "Alice heard this in the boiler room."
    assert conversation.visit == visit
