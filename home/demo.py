"""The demo data of every app, in layer order. Each app seeds its own rows."""

from districts import demo as districts_demo

DEFAULT_PASSWORD = "roundtable-demo"


def seed_all(*, password: str = DEFAULT_PASSWORD):
    return districts_demo.seed(password=password)


def sign_ins() -> list[tuple[str, str]]:
    return districts_demo.sign_ins()
