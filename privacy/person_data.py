"""Everything a district holds about one person, as one zip of readable HTML and JSON.

Two readers: the person themselves (`own=True`), and a district administrator answering a
request made for them, for example a parent's (`own=False`). Only the person's own download
holds their anonymous input, found by their sealed key while the download is made, their own
private check-in notes and their turnout in secret votes. Neither ever holds another person's
private notes, or the words of conversations they only logged as a visitor.
"""

from __future__ import annotations

import io
import json
import zipfile

from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from api.models import ApiToken
from decisions.models import Ballot, Decision, DecisionEvent, Input, Reflection, Turnout
from decisions.models.related import anonymous_key
from districts.models import CodeOfCooperation, TeamMembership, User
from notifications.models import Notification
from principals.models import ActionItem, AgendaItem, CheckIn, CheckInPair, PrivateNote
from rounding.models import Celebration, Conversation, FollowUp, RoundingVisit

KEY_BATCH = 500


def _when(value):
    return value.isoformat() if value else None


def _anonymous_input(person: User) -> list[dict]:
    """Found by the person's sealed key on every decision of the district; nothing stored links them."""
    ids = list(Decision.objects.filter(district_id=person.district_id).values_list("pk", flat=True))
    found = []
    for start in range(0, len(ids), KEY_BATCH):
        keys = [anonymous_key(pk, person.pk) for pk in ids[start : start + KEY_BATCH]]
        found += Input.objects.filter(
            district_id=person.district_id, is_anonymous=True, anonymous_key__in=keys
        ).select_related("decision")
    return [
        {
            "decision": item.decision.number,
            "decision_title": item.decision.title,
            "kind": item.kind,
            "text": item.text,
            "given_on": _when(item.given_on),
            "response": item.response,
        }
        for item in found
    ]


def person_data(person: User, *, own: bool) -> dict:
    district_id = person.district_id
    data: dict = {
        "made_at": _when(timezone.now()),
        "made_for": "the person themselves" if own else "a request made for the person",
        "roster": {
            "id": person.pk,
            "name": person.name,
            "email": person.email,
            "role": person.role,
            "title": person.title,
            "schools": sorted(person.schools.values_list("name", flat=True)),
            "active": person.is_active,
            "district_administrator": person.is_district_admin,
            "joined": _when(person.date_joined),
            "left_roster": _when(person.left_roster_at),
            "last_sign_in": _when(person.last_login),
        },
    }
    data["teams"] = [
        {
            "team": m.team.name,
            "role": m.team_role,
            "joined_on": _when(m.joined_on),
            "left_on": _when(m.left_on),
        }
        for m in TeamMembership.objects.filter(user=person).select_related("team")
    ]
    named = Input.objects.filter(district_id=district_id, author=person).select_related("decision")
    ballots = Ballot.objects.filter(district_id=district_id, voter=person).select_related(
        "decision"
    )
    took_part = (
        Q(created_by=person)
        | Q(decider=person)
        | Q(decided_by=person)
        | Q(pk__in=named.values("decision_id"))
        | Q(pk__in=ballots.values("decision_id"))
        | Q(pk__in=DecisionEvent.objects.filter(actor=person).values("decision_id"))
        | Q(pk__in=Reflection.objects.filter(author=person).values("decision_id"))
    )
    if own:
        took_part |= Q(pk__in=Turnout.objects.filter(person=person).values("decision_id"))
    data["decisions"] = [
        {
            "number": d.number,
            "title": d.title,
            "status": d.status,
            "created_by_them": d.created_by_id == person.pk,
            "decided_by_them": person.pk in (d.decider_id, d.decided_by_id),
        }
        for d in Decision.objects.filter(district_id=district_id).filter(took_part).distinct()
    ]
    data["named_input"] = [
        {
            "decision": item.decision.number,
            "kind": item.kind,
            "text": item.text,
            "given_on": _when(item.given_on),
            "response": item.response,
        }
        for item in named
    ]
    data["named_ballots"] = [{"decision": b.decision.number, "choice": b.option} for b in ballots]
    data["reflections"] = [
        {"decision": r.decision_id, "what_happened": r.what_happened, "learned": r.learned}
        for r in Reflection.objects.filter(district_id=district_id, author=person)
    ]
    if own:
        data["anonymous_input"] = _anonymous_input(person)
        data["voted_in"] = list(
            Turnout.objects.filter(person=person).values_list("decision__number", flat=True)
        )
    data["rounding_conversations_with_them"] = [
        {
            "date": _when(c.visit.date),
            "school": c.visit.school.name,
            "role_group": c.role_group,
            "working": c.working,
            "concerns": c.concerns,
            "ideas": c.ideas,
            "recognition": c.recognition,
            "themes": sorted(t.name for t in c.themes.all()),
        }
        for c in Conversation.objects.filter(district_id=district_id, person=person)
        .select_related("visit__school")
        .prefetch_related("themes")
    ]
    # A visitor's own visits; the words of the people met there are theirs, not the visitor's.
    data["rounding_visits_made"] = [
        {
            "date": _when(v.date),
            "school": v.school.name,
            "purpose": v.purpose,
            "summary": v.summary,
            "conversations": v.conversations.count(),
        }
        for v in RoundingVisit.objects.filter(district_id=district_id, visitors=person)
        .select_related("school")
        .distinct()
    ]
    data["celebrations_of_them"] = [
        {"date": _when(c.created_at), "what": c.what}
        for c in Celebration.objects.filter(district_id=district_id, person=person)
    ]
    data["follow_ups_they_own"] = [
        {"what": f.what, "status": f.status, "due_on": _when(f.due_on)}
        for f in FollowUp.objects.filter(district_id=district_id, owner=person)
    ]
    pairs = CheckInPair.objects.filter(district_id=district_id).filter(
        Q(supervisor=person) | Q(principal=person)
    )
    check_ins = CheckIn.objects.filter(pair__in=pairs).select_related(
        "pair__supervisor", "pair__principal"
    )
    private = {}
    if own:
        private = dict(
            PrivateNote.objects.filter(author=person, check_in__in=check_ins).values_list(
                "check_in_id", "text"
            )
        )
    data["check_ins"] = [
        {
            "scheduled_at": _when(c.scheduled_at),
            "status": c.status,
            "supervisor": c.pair.supervisor.name,
            "principal": c.pair.principal.name,
            "shared_notes": c.shared_notes,
            "reflection": c.reflection,
            "agenda": list(AgendaItem.objects.filter(check_in=c).values_list("text", flat=True)),
            "actions": list(ActionItem.objects.filter(check_in=c).values_list("text", flat=True)),
            **({"my_private_notes": private.get(c.pk, "")} if own else {}),
        }
        for c in check_ins
    ]
    data["codes_of_cooperation"] = [
        {"class": code.class_name, "text": revision.text if revision else ""}
        for code in CodeOfCooperation.objects.filter(district_id=district_id, teacher=person)
        for revision in [code.current_revision()]
    ]
    data["notices"] = [
        {
            "subject": n.subject,
            "body": n.body,
            "created_at": _when(n.created_at),
            "read_at": _when(n.read_at),
        }
        for n in Notification.objects.filter(district_id=district_id, recipient=person)
    ]
    data["api_tokens"] = [
        {"name": t.name, "created_at": _when(t.created_at), "revoked_at": _when(t.revoked_at)}
        for t in ApiToken.objects.filter(user=person)
    ]
    return data


def person_data_zip(person: User, *, own: bool) -> bytes:
    data = person_data(person, own=own)
    html = render_to_string(
        "privacy/person_data.html",
        {"person": person, "sections": _sections(data), "own": own},
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.json", json.dumps(data, indent=2, ensure_ascii=False))
        archive.writestr("index.html", html)
    return buffer.getvalue()


def _sections(data: dict) -> list[tuple[str, list[dict]]]:
    titles = {
        "roster": _("Roster record"),
        "teams": _("Teams"),
        "decisions": _("Decisions you took part in"),
        "named_input": _("Named input"),
        "named_ballots": _("Ballots in named votes"),
        "reflections": _("Reflections"),
        "anonymous_input": _("Your anonymous input"),
        "voted_in": _("Votes you took part in"),
        "rounding_conversations_with_them": _("Rounding conversations with you"),
        "rounding_visits_made": _("Rounding visits you made"),
        "celebrations_of_them": _("Celebrations of you"),
        "follow_ups_they_own": _("Follow-ups you own"),
        "check_ins": _("Check-ins"),
        "codes_of_cooperation": _("Codes of cooperation"),
        "notices": _("Notices"),
        "api_tokens": _("API tokens"),
    }
    sections = []
    for key, title in titles.items():
        if key not in data:
            continue
        rows = data[key]
        if isinstance(rows, dict):
            rows = [rows]
        rows = [row if isinstance(row, dict) else {"": row} for row in rows]
        sections.append((title, rows))
    return sections
