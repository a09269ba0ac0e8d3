"""What the shared field include would cost the two pages whose widgets are written out by hand.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/rt_scale .venv/bin/python bench/form_widgets.py

Renders the check-in page's six forms and the decision page's input form through
`templates/form_fields.html`, on the scale data of `manage.py seed_scale`, and prints the
milliseconds per page view. Compare with the pages' own time from `bench/profile_pages.py`:
`templates/principals/check_in.html` and `templates/decisions/input_box.html` write these
widgets out because the include costs a large share of the page.
"""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.template.loader import render_to_string  # noqa: E402

from decisions.forms import InputForm  # noqa: E402
from decisions.models import Decision  # noqa: E402
from districts.models import Theme  # noqa: E402
from principals.forms import (  # noqa: E402
    ActionItemForm,
    AgendaItemForm,
    PrivateNoteForm,
    ProblemForm,
    RecordForm,
    RescheduleForm,
)
from principals.models import CheckIn  # noqa: E402

REPEAT = 200


def check_in_forms():
    check_in = CheckIn.objects.order_by("-pk").first()
    return lambda: [
        AgendaItemForm(),
        ActionItemForm(check_in=check_in),
        RecordForm(instance=check_in),
        PrivateNoteForm(),
        ProblemForm(district_id=check_in.district_id),
        RescheduleForm(),
    ]


def input_forms():
    decision = Decision.objects.order_by("-pk").first()
    themes = Theme.objects.filter(district_id=decision.district_id)
    return lambda: [InputForm(themes=themes)]


def per_view(make) -> tuple[float, int]:
    for form in make():
        render_to_string("form_fields.html", {"form": form})
    started = time.perf_counter()
    for _ in range(REPEAT):
        for form in make():
            render_to_string("form_fields.html", {"form": form})
    fields = sum(len(form.visible_fields()) for form in make())
    return (time.perf_counter() - started) / REPEAT * 1000, fields


for name, make in (("check-in page", check_in_forms()), ("decision page", input_forms())):
    milliseconds, fields = per_view(make)
    print(f"{name}: {fields} fields through form_fields.html: {milliseconds:.2f} ms per view")
