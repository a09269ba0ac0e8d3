"""The benchmark's API pages: sent with a token, and answering 200 on real rows."""

import pytest

from bench.pages import Page, api_pages, api_tokens, count_queries, drop_api_tokens, headers_for

BUDGET = 8  # as tests/api/test_query_budgets.py

pytestmark = pytest.mark.django_db


def test_an_api_page_sends_the_token_and_no_cookie():
    page = Page("API decisions", "/api/v1/decisions", "superintendent", bearer=True)
    assert headers_for(page, "rt_secret", "csrf") == ["Authorization: Bearer rt_secret"]


def test_the_api_pages_answer_within_budget_with_the_bench_tokens(
    world, superintendent, principal, teacher
):
    emails = {
        "superintendent": superintendent.email,
        "principal": principal.email,
        "teacher": teacher.email,
        "supervisor": superintendent.email,
    }
    tokens = api_tokens(emails)
    counts, _times = count_queries(api_pages({"decision_id": world["decision"].pk}), {}, tokens)
    assert len(counts) == 6
    assert max(counts.values()) <= BUDGET
    drop_api_tokens(tokens)
    from api.models import ApiToken

    assert not ApiToken.objects.exists()
