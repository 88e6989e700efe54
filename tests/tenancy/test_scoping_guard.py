"""A guard that keeps cross-tenant leakage impossible by construction: views never start a
query on a tenant-owned model except through ``visible_to(user)`` or ``in_municipality(m)``."""

from __future__ import annotations

import re
from pathlib import Path

from django.apps import apps

import loket
from loket.tenancy.models import TenantOwned

VIEW_FILES = sorted(
    path
    for path in Path(loket.__file__).parent.rglob("*.py")
    if path.name == "views.py" or path.parent.name == "views"
)


def _tenant_models() -> list[str]:
    return sorted(model.__name__ for model in apps.get_models() if issubclass(model, TenantOwned))


def test_there_are_tenant_models_and_views_to_check() -> None:
    assert {"Case", "Person", "Contact", "Organisation"} <= set(_tenant_models())
    assert len(VIEW_FILES) >= 3


def test_views_only_query_tenant_models_through_a_scope() -> None:
    unscoped = []
    for path in VIEW_FILES:
        source = path.read_text(encoding="utf-8")
        for name in _tenant_models():
            for match in re.finditer(rf"\b{name}\.objects\b(\.\w+)?", source):
                if match.group(1) not in (".visible_to", ".in_municipality"):
                    line = source.count("\n", 0, match.start()) + 1
                    unscoped.append(f"{path.name}:{line}: {match.group(0)}")
    assert unscoped == []
