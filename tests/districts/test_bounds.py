"""The one place that bounds what Roundtable accepts."""

import datetime
import importlib
import inspect

import pytest
from django import forms
from django.core.exceptions import BadRequest
from django.test import RequestFactory

from districts.bounds import Bounded, one_line, query_id, query_text

APPS = ["districts", "decisions", "rounding", "principals", "notifications"]


def every_form_class():
    for app in APPS:
        module = importlib.import_module(f"{app}.forms")
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__:
                yield cls


@pytest.mark.parametrize("form_class", list(every_form_class()), ids=lambda cls: cls.__name__)
def test_every_form_of_the_apps_is_bounded(form_class):
    assert issubclass(form_class, Bounded)


class Sample(Bounded, forms.Form):
    title = forms.CharField(max_length=20)
    body = forms.CharField(widget=forms.Textarea, required=False)
    on = forms.DateField(required=False)
    at = forms.DateTimeField(required=False)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"title": "two\nlines"}, "title"),
        ({"title": "nul\x00"}, "title"),
        ({"title": "x" * 21}, "title"),
        ({"title": "ok", "body": "a\x00b"}, "body"),
        ({"title": "ok", "on": "9999-12-31"}, "on"),
        ({"title": "ok", "on": "1999-12-31"}, "on"),
        ({"title": "ok", "at": "9999-12-31T23:00"}, "at"),
    ],
)
def test_a_bounded_form_explains_what_is_wrong_and_keeps_it(data, field):
    form = Sample(data)
    assert not form.is_valid()
    assert field in form.errors
    assert form[field].value() == data[field]


def test_a_bounded_form_accepts_ordinary_text_and_dates():
    form = Sample(
        {"title": "Lunch schedule", "body": "Line one\r\nLine two\tand a tab", "on": "2026-12-01"}
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["on"] == datetime.date(2026, 12, 1)


def test_date_widgets_tell_the_browser_the_range():
    form = Sample()
    assert form.fields["on"].widget.attrs["max"] == "2100-12-31"
    assert form.fields["at"].widget.attrs["min"] == "2000-01-01T00:00"


@pytest.mark.parametrize("value", ["a\x00b", "x" * 201, "tab\there"])
def test_query_text_refuses_what_nobody_types(value):
    request = RequestFactory().get("/", {"q": value})
    with pytest.raises(BadRequest):
        query_text(request, "q")


@pytest.mark.parametrize("value", ["99999999999999999999", "-1", "0", "1e3", "٣", " 7"])
def test_query_id_refuses_what_cannot_be_an_id(value):
    request = RequestFactory().get("/", {"school": value})
    with pytest.raises(BadRequest):
        query_id(request, "school")


def test_query_id_reads_an_id_or_nothing():
    assert query_id(RequestFactory().get("/", {"school": "42"}), "school") == 42
    assert query_id(RequestFactory().get("/"), "school") is None


def test_one_line_makes_text_safe_for_a_header():
    assert one_line("Lunch\r\nBcc: someone@example.com") == "Lunch Bcc: someone@example.com"
