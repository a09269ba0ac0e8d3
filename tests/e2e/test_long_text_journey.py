"""Text pasted past a field's limit goes in whole, and the refusal keeps it: nothing is cut."""

import pytest
from playwright.sync_api import expect

from rounding import services
from rounding.models import Conversation, RoundingVisit

from .test_rounding_journey import school_day, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def paste(page, field, text: str) -> None:
    page.evaluate("text => navigator.clipboard.writeText(text)", text)
    field.focus()
    page.keyboard.press("Control+V")


def test_a_long_paste_is_kept_whole_and_refused_with_its_length(
    page, live_server, superintendent, school, screenshot
):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    visit = services.visit_start(school=school, by=superintendent, date=school_day())
    sign_in(page, live_server, "alice@cedar.example")
    page.goto(f"{live_server.url}/rounding/visits/{visit.pk}/")

    # A concern of 6,000 characters in a note that holds 5,000.
    concern = ("word " * 1200)[:-1] + "!"
    talk = page.locator("#conversations")
    note = talk.get_by_label("What gets in the way?")
    expect(note).to_have_attribute("maxlength", "5000")
    talk.get_by_label("Or their name").fill("Pat")
    talk.get_by_label("Role").select_option(label="Other staff")
    paste(page, note, concern)
    expect(note).to_have_value(concern)
    talk.get_by_role("button", name="Save conversation").click()
    expect(
        talk.get_by_text("At most 5,000 characters; this has 6,000.", exact=True)
    ).to_be_visible()
    expect(talk.get_by_label("What gets in the way?")).to_have_value(concern)
    expect(talk.get_by_text("Write at least one thing you heard.")).to_have_count(0)
    talk.get_by_label("What gets in the way?").scroll_into_view_if_needed()
    screenshot("long-text-refused")
    assert not Conversation.objects.filter(visit=visit).exists()

    # The summary of 20,009 characters, in a box that holds 10,000.
    summary_text = ("Lunch " * 3335)[:-1]
    assert len(summary_text) == 20_009
    summary = page.get_by_label("What stood out")
    expect(summary).to_have_attribute("maxlength", "10000")
    paste(page, summary, summary_text)
    page.get_by_role("button", name="Save summary").click()
    expect(
        page.get_by_text("At most 10,000 characters; this has 20,009.", exact=True)
    ).to_be_visible()
    expect(page.get_by_label("What stood out")).to_have_value(summary_text)
    assert RoundingVisit.objects.get(pk=visit.pk).summary == ""
