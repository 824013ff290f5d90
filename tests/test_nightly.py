from pathlib import Path

import pytest
from filelock import FileLock

from schedules.nightly import NightAlreadyRunning, lock_path, run_night


def test_an_overlapping_night_is_refused_and_does_nothing(tmp_path: Path):
    db = tmp_path / "w.duckdb"
    with FileLock(str(lock_path(db))):
        with pytest.raises(NightAlreadyRunning, match="another night is running"):
            run_night(["alibaba_sf"], db, tmp_path / "runs", replica="http://127.0.0.1:9")
    assert not (tmp_path / "runs").exists() and not db.exists()
