"""Every word a person reads is wrapped for translation, so another language is a catalogue away.

Templates: text between tags, and the attributes people read (aria-label, placeholder, title,
alt), must sit in {% translate %} or {% blocktranslate %}. Python: messages, form labels and help,
model names and validation errors must be gettext calls, not bare strings.
"""

import ast
import re
from pathlib import Path

import pytest
from django.template.base import Lexer, TokenType

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"
APPS = (
    "administration",
    "api",
    "decisions",
    "districts",
    "home",
    "insights",
    "notifications",
    "principals",
    "rounding",
)
READ_ATTRIBUTES = ("aria-label", "placeholder", "title", "alt")
# Words that are the same in every language: the product's name, units and codes.
NOT_WORDS = re.compile(r"\b(Roundtable|OneRoster|CSV|ICS|API|JSON|OpenAPI|URL|SSO|WCAG)\b")
A_WORD = re.compile(r"[A-Za-z]{2,}")
PLACEHOLDER = "\x00"


def words_of(text: str) -> bool:
    return bool(A_WORD.search(NOT_WORDS.sub(" ", text.replace(PLACEHOLDER, " "))))


def untranslated_in_template(source: str) -> list[str]:
    """The pieces of text people read that are outside any translate tag."""
    found: list[str] = []
    tag = ""  # the HTML tag being read, with template tags as placeholders
    text = ""  # text between tags since the last template tag
    in_tag = False
    skip_until = ""  # the end of a <script> or <style> element
    depth = 0  # inside {% blocktranslate %}
    commented = False  # inside {% comment %}

    def flush_text():
        nonlocal text
        if words_of(text) and not depth:
            found.append(" ".join(text.replace(PLACEHOLDER, "…").split()))
        text = ""

    def close_tag():
        nonlocal tag, skip_until
        for name in READ_ATTRIBUTES:
            for value in re.findall(rf'\b{name}="([^"]*)"', tag):
                if words_of(value) and not depth:
                    found.append(f'{name}="{value}"')
        opened = re.match(r"<(script|style)\b", tag)
        if opened and not tag.endswith("/>"):
            skip_until = f"</{opened.group(1)}"
        tag = ""

    for token in Lexer(source).tokenize():
        if token.token_type == TokenType.COMMENT:
            continue
        if token.token_type != TokenType.TEXT:
            name = token.contents.split()[0] if token.contents.strip() else ""
            if name in ("comment", "endcomment"):
                commented = name == "comment"
                continue
            if name in ("blocktranslate", "blocktrans"):
                flush_text()
                depth += 1
            elif name in ("endblocktranslate", "endblocktrans"):
                text = ""
                depth -= 1
            if in_tag:
                tag += PLACEHOLDER
            else:
                flush_text()
            continue
        if commented:
            continue
        if in_tag and depth:  # an attribute's value translated by {% blocktranslate %}
            tag += PLACEHOLDER
            continue
        chars = token.contents
        index = 0
        while index < len(chars):
            if skip_until:
                end = chars.find(skip_until, index)
                if end < 0:
                    break
                skip_until = ""
                in_tag, tag, index = True, "", end
                continue
            char = chars[index]
            if chars.startswith("<!--", index):
                end = chars.find("-->", index)
                index = len(chars) if end < 0 else end + 3
                continue
            if in_tag:
                tag += char
                if char == ">":
                    in_tag = False
                    close_tag()
            elif char == "<":
                flush_text()
                in_tag, tag = True, "<"
            else:
                text += " " if char == "&" else char
                if char == "&":
                    entity = re.match(r"&#?\w+;", chars[index:])
                    if entity:
                        index += len(entity.group(0))
                        continue
            index += 1
    flush_text()
    return found


def template_files():
    return sorted(
        path.relative_to(TEMPLATES).as_posix()
        for path in TEMPLATES.rglob("*")
        if path.suffix in (".html", ".txt") and path.is_file()
    )


@pytest.mark.parametrize("name", template_files())
def test_template_text_is_wrapped_for_translation(name):
    assert untranslated_in_template((TEMPLATES / name).read_text()) == []


def test_the_template_check_finds_bare_text():
    source = (
        '{% load i18n %}<p title="Bare title">Bare words{% if x %} and more{% endif %}</p>'
        '<a class="x{% if y %} has-error{% endif %}" aria-label="{% translate "Fine" %}">'
        "{% translate 'Wrapped' %}</a>{% blocktranslate %}Also {{ x }} fine{% endblocktranslate %}"
        "<script>var skipped = 1;</script>&middot; Roundtable"
        "{% comment %}A note for developers{% endcomment %}"
        '<a aria-label="{% blocktranslate %}Open {{ x }}{% endblocktranslate %}">Bare link</a>'
    )
    assert untranslated_in_template(source) == [
        'title="Bare title"',
        "Bare words",
        "and more",
        "Bare link",
    ]


# Python: calls and keywords whose string argument a person reads.
READ_KEYWORDS = {"label", "help_text", "verbose_name", "verbose_name_plural", "empty_label"}
READ_CALLS = {
    "success",
    "info",
    "warning",
    "error",
    "ValidationError",
    "add_error",
    "PermissionDenied",
}


def bare_string(node) -> bool:
    if isinstance(node, ast.JoinedStr):
        return True
    return isinstance(node, ast.Constant) and isinstance(node.value, str) and words_of(node.value)


def untranslated_in_python(source: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        for keyword in node.keywords:
            if keyword.arg in READ_KEYWORDS and bare_string(keyword.value):
                found.append(f"line {node.lineno}: {keyword.arg}={ast.unparse(keyword.value)}")
        name = getattr(node.func, "attr", getattr(node.func, "id", ""))
        if name in READ_CALLS:
            texts = node.args[1:] if name in ("success", "info", "warning", "error") else node.args
            if name == "add_error":
                texts = node.args[1:]
            for arg in texts[:1]:
                if bare_string(arg):
                    found.append(f"line {node.lineno}: {name}({ast.unparse(arg)[:60]})")
    return found


def python_files():
    return sorted(
        path.relative_to(ROOT).as_posix()
        for app in APPS
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.parts and "management" not in path.parts
    )


@pytest.mark.parametrize("name", python_files())
def test_python_text_is_wrapped_for_translation(name):
    assert untranslated_in_python((ROOT / name).read_text()) == []


def test_the_python_check_finds_bare_text():
    source = (
        "messages.success(request, 'Saved.')\n"
        "messages.success(request, _('Saved.'))\n"
        "forms.CharField(label='Name', help_text=gettext_lazy('One line'))\n"
        "raise ValidationError(f'Too long: {n}')\n"
        "form.add_error('name', 'Taken')\n"
    )
    assert untranslated_in_python(source) == [
        "line 1: success('Saved.')",
        "line 3: label='Name'",
        "line 4: ValidationError(f'Too long: {n}')",
        "line 5: add_error('Taken')",
    ]
