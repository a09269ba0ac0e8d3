from tests.insights.conftest import (  # noqa: F401  the trends pages' known district
    converse,
    decision_at,
    figures_counted_on_every_view,
    on_a_known_day,
    people,
    safety,
    schools,
    workload,
)
