"""Nothing anyone types into check-ins breaks a page: a form error that keeps it, or a 400/404.

Every check-in form is `Bounded` (a NUL or a line break is a form error before any query); these
tests cover the addresses no form stands in front of.
"""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("token", ["a%00b", "a%0Ab", "%C2%A0"])
def test_a_calendar_address_that_cannot_be_a_token_is_404(client, token):
    assert client.get(f"/check-ins/calendar/{token}.ics").status_code == 404
