"""Decisions at every stage of the process, for the Cedar Valley personas."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django import forms
from django.utils import timezone

from decisions import services
from decisions.models import Decision, DecisionRight, Involvement, Stakeholder, Visibility


@pytest.fixture
def window():
    now = timezone.now()
    return now - datetime.timedelta(days=1), now + datetime.timedelta(days=5)


@pytest.fixture
def make_decision(district, team, superintendent, window):
    def make(
        title="Later start for the middle schools",
        *,
        visibility=Visibility.DISTRICT,
        stakeholders=(),
        owning_team=team,
        by=superintendent,
        dist=district,
        **fields,
    ):
        fields.setdefault("domain", "schedule")
        # Consent asks nothing of a decision without objections, so most tests can decide it.
        fields.setdefault("process_type", "consent")
        return services.decision_create(
            district=dist,
            by=by,
            title=title,
            context="Buses, sleep and first period.",
            owning_team=owning_team,
            visibility=visibility,
            stakeholders=stakeholders,
            **fields,
        )

    return make


@pytest.fixture
def open_decision(make_decision, school, superintendent, window):
    """Open for input, consulting Alder Creek's teachers and affecting everyone there."""
    decision = make_decision(
        stakeholders=[
            {
                "kind": Stakeholder.Kind.ROLE,
                "role": "teacher",
                "school": school,
                "involvement": Involvement.CONSULTED,
            },
            {
                "kind": Stakeholder.Kind.SCHOOL,
                "school": school,
                "involvement": Involvement.AFFECTED,
            },
        ],
        input_opens=window[0],
        input_closes=window[1],
    )
    services.decision_open_input(decision=decision, by=superintendent)
    decision.refresh_from_db()
    return decision


@pytest.fixture
def rights(district, team):
    return DecisionRight.objects.create(
        district=district, domain="schedule", level="district", team=team, authority="decides"
    )


@pytest.fixture
def mapped(district):
    """A rights map with a line elsewhere: with no map at all, nobody's right is checked."""
    return DecisionRight.objects.create(
        district=district, domain="policy", level="district", role="principal", authority="decides"
    )


@pytest.fixture
def other_decision(other_district, other_team, outsider):
    return services.decision_create(
        district=other_district,
        by=outsider,
        title="Harbor bus routes",
        context="Routes.",
        owning_team=other_team,
        visibility=Visibility.PUBLIC,
        status="deciding",
    )


def decided(decision: Decision, by, *, outcome="Start at 8:45.", rationale="Sleep matters."):
    if decision.status == "open_for_input":
        decision.close_input(by=by)
    services.decision_decide(decision=decision, by=by, outcome=outcome, rationale=rationale)
    decision.refresh_from_db()
    return decision


@pytest.fixture
def admin_user(make_person_in, district):
    user = make_person_in(district, "district_leader", "Ada Admin", "ada@cedar.example")
    user.is_staff = user.is_superuser = True
    user.save()
    return user


def _form_data(form) -> dict:
    """What a browser would post back for this (admin) form, unchanged."""
    data = {}
    for bound in form:
        widget, value = bound.field.widget, bound.value()
        if isinstance(widget, forms.MultiWidget):
            parts = widget.decompress(value) if value else [None] * len(widget.widgets)
            for i, (sub, part) in enumerate(zip(widget.widgets, parts, strict=True)):
                data[f"{bound.html_name}{widget.widgets_names[i]}"] = sub.format_value(part) or ""
        elif isinstance(value, bool):
            if value:
                data[bound.html_name] = "on"
        elif isinstance(value, list | tuple):
            data[bound.html_name] = [str(v) for v in value]
        elif value is None:
            data[bound.html_name] = ""
        else:
            data[bound.html_name] = widget.format_value(value) or ""
    return data


def admin_change_data(response) -> dict:
    """The admin change page's form and inline formsets as they would be posted back unchanged.

    Times are written as the page shows them, in the signed-in person's district time zone.
    """
    zone = ZoneInfo(response.wsgi_request.user.district.timezone)
    with timezone.override(zone):
        data = _form_data(response.context["adminform"].form)
        for inline in response.context["inline_admin_formsets"]:
            formset = inline.formset
            data.update(_form_data(formset.management_form))
            for form in formset.initial_forms:
                data.update(_form_data(form))
    data["_save"] = "Save"
    return data


def wizard_data(**overrides):
    data = {
        "title": "Four-day week pilot",
        "context": "Families asked for it.",
        "domain": "schedule",
        "process_type": "advice",
        "visibility": "district",
        "input_opens": "",
        "input_closes": "",
        "options": "",
        "impact_students": "",
        "budget_amount": "",
        "staff_time": "",
        "school": "",
        "owning_team": "",
    }
    data.update(overrides)
    return data
