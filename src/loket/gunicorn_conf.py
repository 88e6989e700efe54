"""gunicorn's settings for Loket:

    gunicorn -c python:loket.gunicorn_conf --workers 4 --bind 127.0.0.1:8000

The master reads Loket's settings before it starts any worker. A missing or malformed setting
then stops the server once, with the one line that names it; without this, every worker fails
on its own and the master keeps starting new ones (nine times in ten seconds, forever).
"""

from __future__ import annotations

import os
import sys
from typing import Any

wsgi_app = "loket.wsgi:application"
# A request that has not finished after this long is a hung worker, not a slow page.
timeout = 60
# One line per request on stdout, like the rest of Loket's log.
accesslog = "-"


def on_starting(server: Any) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "loket.settings")
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    try:
        settings.INSTALLED_APPS  # noqa: B018 - reading one setting imports them all
    except ImproperlyConfigured as exc:
        sys.stderr.write(f"loket: configuration error: {exc}\n")
        sys.stderr.flush()
        os._exit(2)  # before any worker exists; nothing to clean up
