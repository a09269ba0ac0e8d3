"""Reads that pages outside this app gather (the district home)."""


def home_summary(user) -> dict:
    """What the district home shows of this app for this person; empty while the app is new."""
    return {}
