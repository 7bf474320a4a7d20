"""pytest plugin (loaded with ``-p accord.testing``): test-only environment defaults.

It runs before pytest-django reads the settings, so the suite needs no variables of its own.
"""

import os
import secrets
import tempfile
from pathlib import Path

os.environ.setdefault("SECRET_KEY", "test-" + secrets.token_urlsafe(40))
os.environ.setdefault("ACCORD_DATA_DIR", tempfile.mkdtemp(prefix="accord-test-"))
os.environ.setdefault("ACCORD_HTTPS", "false")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")

# pytest-xdist's workers (make test runs the suite in several) inherit the variables of the process that
# started them, and with them one ACCORD_DATA_DIR: each worker keeps its files (uploads, rendered PDFs)
# in a folder of its own inside it, as a single run keeps them to itself. xdist names the worker before
# the plugins load.
_worker = os.environ.get("PYTEST_XDIST_WORKER")
if _worker:
    _own = Path(os.environ["ACCORD_DATA_DIR"]) / _worker
    _own.mkdir(parents=True, exist_ok=True)
    os.environ["ACCORD_DATA_DIR"] = str(_own)
