"""WSGI entry point: ``gunicorn -c python:loket.gunicorn_conf`` (see loket.gunicorn_conf)."""

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
    # 3 is gunicorn's "worker failed to boot": the master stops instead of starting new workers
    # forever. (With `-c python:loket.gunicorn_conf` the master itself stops before any worker.)
    raise SystemExit(3) from None
