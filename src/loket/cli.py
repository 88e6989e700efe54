"""The ``loket`` console command: Django's manage.py with Loket's settings.

A configuration error is printed as one line naming the setting, not as a traceback.
"""

from __future__ import annotations

import os
import sys

from django.core.exceptions import ImproperlyConfigured


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "loket.settings")
    from django.core.management import execute_from_command_line

    try:
        import django

        django.setup()
    except ImproperlyConfigured as exc:
        sys.stderr.write(f"loket: configuration error: {exc}\n")
        raise SystemExit(2) from None
    execute_from_command_line(argv or sys.argv)


if __name__ == "__main__":  # pragma: no cover
    main()
