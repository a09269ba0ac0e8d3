"""Demo rows of this app, added after the districts' demo data."""


def seed(districts, *, password: str) -> None:
    return None
