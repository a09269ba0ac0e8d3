"""A query parameter given twice is a 422, on every operation: the API never picks one."""

import pytest

from api.api import api

from .conftest import API


def _valid(schema: dict) -> str:
    """A value the parameter accepts, read from its schema."""
    options = [schema, *schema.get("anyOf", [])]
    for option in options:
        if "enum" in option:
            return option["enum"][0]
        if option.get("format") == "date":
            return "2026-01-01"
        if option.get("type") == "integer":
            return str(max(option.get("minimum", 1), 1))
        if option.get("type") == "string":
            return "a"
    raise AssertionError(f"no value known for {schema}")


def _query_parameters():
    for path, operations in api.get_openapi_schema()["paths"].items():
        for method, operation in operations.items():
            assert method == "get", "the API is read-only"
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "query":
                    yield path.removeprefix(API), parameter["name"], _valid(parameter["schema"])


QUERY_PARAMETERS = list(_query_parameters())


def test_every_operation_has_query_parameters_checked():
    paths = {path for path, _name, _value in QUERY_PARAMETERS}
    assert {"/decisions", "/visits", "/follow-ups", "/check-ins", "/schools", "/people"} <= paths


@pytest.mark.parametrize(
    ("path", "name", "value"),
    QUERY_PARAMETERS,
    ids=[f"{path} {name}" for path, name, _ in QUERY_PARAMETERS],
)
@pytest.mark.parametrize("first", ["bogus", "same"])
def test_a_parameter_given_twice_is_refused_with_a_reason(
    world, superintendent, client, token_for, path, name, value, first
):
    path = (
        path.replace("{decision_id}", str(world["decision"].pk))
        .replace("{visit_id}", str(world["visit"].pk))
        .replace("{check_in_id}", str(world["check_in"].pk))
    )
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token_for(superintendent)}"}
    once = client.get(f"{API}{path}", {name: value}, **headers)
    assert once.status_code == 200, once.content

    twice = client.get(
        f"{API}{path}", {name: ["bogus" if first == "bogus" else value, value]}, **headers
    )

    assert twice.status_code == 422
    assert {"type": "repeated", "loc": ["query", name], "msg": "Give this parameter once."} in (
        twice.json()["detail"]
    )


def test_the_issues_examples_are_refused(world, superintendent, api_as):
    get = api_as(superintendent)
    for params in (
        {"status": ["bogus", "draft"]},
        {"school": ["abc", str(world["decision"].school_id or 1)]},
        {"limit": ["500", "2"]},
    ):
        assert get("/decisions", **params).status_code == 422, params
