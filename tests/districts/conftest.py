from pathlib import Path

import pytest

from .roster_files import write_roster


@pytest.fixture
def roster(tmp_path: Path) -> Path:
    return write_roster(tmp_path / "roster")
