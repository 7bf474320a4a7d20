"""Other relationships' writes while a large import runs (issue 9, defect 3), on SQLite.

The import and the writes need separate connections to a real database file (the suite's in-memory
SQLite shares one cache, which locks differently), so the test runs ``bench.import_lock`` in a process
of its own on a fresh SQLite file: a batch of ``ROWS`` new shipments for Telco A, then the same file
again unchanged, each imported in a thread while Telco B's admin creates action items through the API
one after another. During the unchanged re-import the writers wait at most ``BUSY_TIMEOUT`` seconds
for the write lock (2, not the default 60): every write succeeding shows that the import never held
it that long. Before the fix the re-import compared every row inside its write transaction (some
28 s for 600,000 rows; 3.5 s for these 150,000 on a busy 2-core machine) and those writes failed with
"database is locked". ``python -m bench.run import_lock`` measures
the same with 1,000,000 rows.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ROWS = 150_000
BUSY_TIMEOUT = 2
WRITES = 30


def test_writes_of_other_relationships_succeed_while_a_large_import_runs(tmp_path: Path) -> None:
    env = {name: value for name, value in os.environ.items() if name != "DATABASE_URL"}  # SQLite
    env.update(ACCORD_DATA_DIR=str(tmp_path))
    command = [sys.executable, "-m", "bench.import_lock", "--rows", str(ROWS), "--gap", "0.02", "--json"]
    command += ["--unchanged-busy-timeout", str(BUSY_TIMEOUT)]
    done = subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=180, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]
    new, again = json.loads(done.stdout.strip().splitlines()[-1])

    assert (new["status"], new["created"], new["failures"]) == ("succeeded", ROWS, [])
    assert (again["status"], again["created"], again["unchanged"]) == ("succeeded", 0, ROWS)
    for figures in (new, again):
        assert figures["writes_tried"] >= WRITES, figures  # written while the import ran
        assert figures["writes_succeeded"] == figures["writes_tried"], figures["failures"]
    # an unchanged file writes nothing: its write transaction (the write lock) is over at once
    assert again["write_seconds"] < 0.5
