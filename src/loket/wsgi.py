"""WSGI entry point for gunicorn: ``gunicorn loket.wsgi``."""

from __future__ import annotations

import os
import sys

from django.core.exceptions import ImproperlyConfigured

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "loket.settings")

try:
    from django.core.wsgi import get_wsgi_application

    application = get_wsgi_application()
except ImproperlyConfigured as exc:  # one clear line instead of a traceback per worker
    sys.stderr.write(f"loket: configuration error: {exc}\n")
    raise SystemExit(2) from None
