"""Every text field of every form says its length limit in the page and refuses text past it
with a message that keeps what was typed: nothing anyone writes is cut to fit."""

import datetime
import importlib
import inspect
import pkgutil
import re
from pathlib import Path

import pytest
from django import forms
from django.apps import apps
from django.utils import timezone

from districts.bounds import LINE_LENGTH, TEXT_LENGTH, Bounded
from districts.models import Role, School, Theme, User
from principals.models import CheckIn

ROOT = Path(__file__).resolve().parents[1]
SKIPPED_PACKAGES = {"migrations", "management", "admin", "demo"}


def project_form_classes():
    """Form classes defined anywhere in the project's own apps (the admin's are Django's)."""
    found = []
    for app in apps.get_app_configs():
        path = Path(app.path)
        if not path.is_relative_to(ROOT) or ".venv" in path.parts:
            continue
        for info in pkgutil.walk_packages([str(path)], f"{app.name}."):
            if SKIPPED_PACKAGES & set(info.name.split(".")):
                continue
            module = importlib.import_module(info.name)
            for _name, cls in inspect.getmembers(module, inspect.isclass):
                if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__:
                    found.append(cls)
    return sorted(set(found), key=lambda cls: f"{cls.__module__}.{cls.__name__}")


FORM_CLASSES = project_form_classes()


def test_the_walk_finds_the_forms_of_every_app():
    modules = {cls.__module__.split(".")[0] for cls in FORM_CLASSES}
    assert {"districts", "decisions", "rounding", "principals", "administration"} <= modules
    assert len(FORM_CLASSES) > 40


def signature(cls) -> inspect.Signature:
    """The form's own constructor (`Bounded`'s passes everything on)."""
    for klass in cls.__mro__:
        if klass is not Bounded and "__init__" in vars(klass):
            return inspect.signature(klass.__init__)
    raise AssertionError(cls)


@pytest.fixture
def build(district, school, team, superintendent, principal, make_pair):
    """`build(FormClass, data)`: the form as its view makes it, with Cedar Valley's rows."""
    pair = make_pair(superintendent, principal, school)
    check_in = CheckIn.objects.create(
        district=district,
        pair=pair,
        scheduled_at=timezone.now() - datetime.timedelta(days=1),
        status=CheckIn.Status.HELD,
    )
    values = {
        "user": superintendent,
        "editor": superintendent,
        "district": district,
        "district_id": district.pk,
        "school": school,
        "schools": School.objects.filter(district=district),
        "people": User.objects.filter(district=district),
        "team": team,
        "check_in": check_in,
        "roles": Role.choices,
        "options": ["Yes", "No"],
        "expected": "Cedar Valley Unified",
        "themes": Theme.objects.filter(district=district),
    }

    def make(cls, data):
        args, kwargs = [], {}
        for name, parameter in signature(cls).parameters.items():
            if name == "self" or parameter.kind in (
                parameter.VAR_POSITIONAL,
                parameter.VAR_KEYWORD,
            ):
                continue
            if name == "data":
                args.append(data)
            elif parameter.default is parameter.empty:
                if parameter.kind == parameter.KEYWORD_ONLY:
                    kwargs[name] = values[name]
                else:
                    args.append(values[name])
        if "data" not in signature(cls).parameters:
            kwargs["data"] = data
        return cls(*args, **kwargs)

    return make


def text_fields(form):
    return [
        (name, field)
        for name, field in form.fields.items()
        if isinstance(field, forms.CharField) and not field.widget.is_hidden
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("form_class", FORM_CLASSES, ids=lambda cls: cls.__name__)
def test_every_text_field_says_its_limit_and_refuses_longer_text_keeping_it(form_class, build):
    assert issubclass(form_class, Bounded)
    form = build(form_class, None)
    for name, field in text_fields(form):
        limit = field.max_length
        assert limit, f"{name} has no length bound"
        if isinstance(field.widget, forms.Textarea):
            assert limit <= TEXT_LENGTH
        assert f'maxlength="{limit}"' in str(form[name]), name

        typed = "word " * ((limit + 9) // 5) + "end"  # past the limit by a few characters
        over = build(form_class, {form.add_prefix(name): typed})
        assert not over.is_valid()
        assert f"At most {limit:,} characters; this has {len(typed):,}." in over.errors[name]
        assert over[name].value() == typed


@pytest.mark.django_db
def test_a_text_box_counts_a_line_break_once_as_the_browser_does(build):
    from rounding.forms import VisitSummaryForm

    limit = VisitSummaryForm.base_fields["summary"].max_length
    lines = "\r\n".join(["x" * 99] * (limit // 100))  # 100 characters a line, counted once
    form = build(VisitSummaryForm, {"summary": lines})
    assert form.is_valid(), form.errors
    assert len(form.cleaned_data["summary"]) <= limit


def test_unbounded_text_gets_the_modules_bounds():
    class Open(Bounded, forms.Form):
        note = forms.CharField(widget=forms.Textarea)
        word = forms.CharField()

    form = Open()
    assert form.fields["note"].max_length == TEXT_LENGTH
    assert form.fields["word"].max_length == LINE_LENGTH
    assert f'maxlength="{TEXT_LENGTH}"' in str(form["note"])


TEXT_TAG = re.compile(r"<(textarea|input)\b[^>]*>", re.S)
TEXT_TYPES = {"text", "search", "email", "url", "tel", "password"}


def written_out_text_fields():
    """Text fields a template writes out itself instead of rendering the form's widget."""
    for path in sorted((ROOT / "templates").rglob("*.html")):
        for tag in TEXT_TAG.finditer(path.read_text()):
            kind = re.search(r'\btype="([^"]+)"', tag.group(0))
            if tag.group(1) == "input" and (kind.group(1) if kind else "text") not in TEXT_TYPES:
                continue
            if " readonly" in tag.group(0):
                continue
            yield f"{path.relative_to(ROOT)}: {tag.group(0)[:60]}", tag.group(0)


WRITTEN_OUT = list(written_out_text_fields())


@pytest.mark.parametrize(("where", "tag"), WRITTEN_OUT, ids=[where for where, _ in WRITTEN_OUT])
def test_text_fields_written_out_by_hand_say_their_limit_too(where, tag):
    assert re.search(r'\bmaxlength="[^"]+"', tag), where
