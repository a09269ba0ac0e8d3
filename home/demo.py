"""The demo data of every app, in layer order. Each app seeds its own rows."""

from zoneinfo import ZoneInfo

from django.utils import timezone

from decisions import demo as decisions_demo
from districts import demo as districts_demo
from insights import demo as insights_demo
from principals import demo as principals_demo
from rounding import demo as rounding_demo

DEFAULT_PASSWORD = "roundtable-demo"


def seed_all(*, password: str = DEFAULT_PASSWORD):
    districts = districts_demo.seed(password=password)
    for district in districts:
        # Each district is seeded on its own clock, as its people would write it: its today,
        # and the times in the notices it writes, are in its zone (the command runs in UTC).
        with timezone.override(ZoneInfo(district.timezone)):
            for app_demo in (decisions_demo, rounding_demo, principals_demo, insights_demo):
                app_demo.seed([district], password=password)
    return districts


def sign_ins() -> list[tuple[str, str]]:
    return districts_demo.sign_ins()
