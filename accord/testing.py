"""pytest plugin (loaded with ``-p accord.testing``): test-only environment defaults.

It runs before pytest-django reads the settings, so the suite needs no variables of its own.
"""

import os
import secrets
import tempfile

os.environ.setdefault("SECRET_KEY", "test-" + secrets.token_urlsafe(40))
os.environ.setdefault("ACCORD_DATA_DIR", tempfile.mkdtemp(prefix="accord-test-"))
os.environ.setdefault("ACCORD_HTTPS", "false")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
