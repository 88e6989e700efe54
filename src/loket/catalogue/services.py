"""Loading the catalogue from its data files, all or nothing.

Two files describe a catalogue: ``case_types.json`` (case types with their ordered status steps
and result types) and ``products.csv`` (one product per line). Loading validates everything first
and reports every problem with its file and line; only a clean pair is written, in one transaction.
Loading again updates what changed (matched by slug and code) and never duplicates.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.text import slugify

from loket.catalogue.kinds import Kind
from loket.catalogue.models import (
    WITHDRAWN_RESULT,
    CaseType,
    Channel,
    DecisionType,
    Product,
    ResultType,
    StatusStep,
    Transition,
)
from loket.catalogue.request_forms import read_forms
from loket.catalogue.terms import LegalBasis
from loket.lib.calendar import Term
from loket.organisation.models import Partner, Team
from loket.tenancy.models import Package

DATA_DIR = Path(__file__).resolve().parent / "data"
DEFAULT_PRODUCTS = DATA_DIR / "products.csv"
DEFAULT_CASE_TYPES = DATA_DIR / "case_types.json"
DEFAULT_FORMS = DATA_DIR / "forms.json"

PRODUCT_COLUMNS = [
    "slug",
    "name_nl",
    "name_en",
    "domain",
    "handled_by",
    "handler_kind",
    "channels",
    "service_norm",
    "extension",
    "creates_case",
    "appointment_minutes",
    "package",
    "case_type",
    "summary_nl",
    "summary_en",
    "description_nl",
    "description_en",
    "needs_nl",
    "needs_en",
    "costs_nl",
    "costs_en",
    "online_request",
    "keywords",
]
# Optional columns: a file without them still loads (``kind`` then follows the case type).
# ``legal_term``, ``legal_source`` and ``extension_source``: the special law's term and extension
# (empty: the Awb's rules for the case type's legal basis, ``loket.catalogue.terms``).
OPTIONAL_PRODUCT_COLUMNS = ["kind", "legal_term", "legal_source", "extension_source"]
_YES_NO = {"yes": True, "no": False, "ja": True, "nee": False}


class CatalogueError(Exception):
    """One or more problems in the catalogue files; ``problems`` has one line each."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass
class CatalogueReport:
    case_types: int = 0
    products: int = 0
    created: list[str] = field(default_factory=list)


@dataclass
class _ProductRow:
    line: int
    slug: str
    values: dict[str, Any]
    handler_kind: str
    handler_name: str
    package: str
    case_type: str
    kind: str  # empty: the case type's kind


def _read_case_types(path: Path, problems: list[str]) -> list[dict[str, Any]]:
    name = path.name
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        problems.append(f"{name}: cannot be read ({exc.strerror})")
        return []
    except json.JSONDecodeError as exc:
        problems.append(f"{name}, line {exc.lineno}: not valid JSON ({exc.msg})")
        return []
    if not isinstance(data, list):
        problems.append(f"{name}: expected a list of case types")
        return []
    seen: set[str] = set()
    for index, item in enumerate(data, start=1):
        where = f"{name}, case type {index} ({item.get('code', '?') if isinstance(item, dict) else '?'})"
        if not isinstance(item, dict):
            problems.append(f"{where}: expected an object")
            continue
        for key in ("code", "name_nl", "name_en", "steps", "results"):
            if not item.get(key):
                problems.append(f"{where}: “{key}” is missing or empty")
        if item.get("kind", Kind.APPLICATION) not in Kind.values:
            problems.append(
                f"{where}: unknown kind “{item.get('kind')}” (one of {', '.join(Kind.values)})"
            )
        if item.get("legal_basis", LegalBasis.NONE) not in LegalBasis.values:
            problems.append(
                f"{where}: unknown legal_basis “{item.get('legal_basis')}”"
                f" (one of {', '.join(LegalBasis.values)})"
            )
        code = str(item.get("code", ""))
        if code in seen:
            problems.append(f"{where}: code “{code}” appears twice")
        seen.add(code)
        steps = item.get("steps") or []
        if len(steps) < 2:
            problems.append(f"{where}: needs at least two status steps (the last one is final)")
        _check_decision_types(item, where, problems)
        for label, rows, keys in (
            ("step", steps, ("code", "name_nl", "name_en")),
            ("result", item.get("results") or [], ("code", "name_nl", "name_en")),
        ):
            codes = [row.get("code") for row in rows if isinstance(row, dict)]
            if len(codes) != len(set(codes)) or len(codes) != len(rows):
                problems.append(f"{where}: every {label} needs its own code")
            for row in rows:
                if isinstance(row, dict) and any(not row.get(key) for key in keys):
                    problems.append(f"{where}: a {label} lacks one of {', '.join(keys)}")
    return data


def _read_products(path: Path, case_type_codes: set[str], problems: list[str]) -> list[_ProductRow]:
    name = path.name
    try:
        handle = path.open(encoding="utf-8", newline="")
    except OSError as exc:
        problems.append(f"{name}: cannot be read ({exc.strerror})")
        return []
    rows: list[_ProductRow] = []
    with handle:
        reader = csv.DictReader(handle)
        missing = [column for column in PRODUCT_COLUMNS if column not in (reader.fieldnames or [])]
        if missing:
            problems.append(f"{name}, line 1: missing columns: {', '.join(missing)}")
            return []
        seen: dict[str, int] = {}
        for raw in reader:
            line = reader.line_num
            row_problems: list[str] = []
            if None in raw or any(value is None for value in raw.values()):
                problems.append(f"{name}, line {line}: wrong number of fields")
                continue
            row = {key: value.strip() for key, value in raw.items()}
            slug = row["slug"]
            if not slug or slugify(slug) != slug:
                row_problems.append(f"slug “{slug}” is not a valid slug")
            elif slug in seen:
                row_problems.append(f"slug “{slug}” already on line {seen[slug]}")
            seen[slug] = line
            for column in ("name_nl", "name_en", "summary_nl", "description_nl", "handled_by"):
                if not row[column]:
                    row_problems.append(f"“{column}” is empty")
            if row["domain"] not in Product.Domain.values:
                row_problems.append(f"unknown domain “{row['domain']}”")
            if row["handler_kind"] not in ("department", "team", "partner"):
                row_problems.append(
                    f"handler_kind must be department, team or partner, not “{row['handler_kind']}”"
                )
            channels = [c.strip() for c in row["channels"].split(";") if c.strip()]
            unknown = [c for c in channels if c not in Channel.values]
            if not channels or unknown:
                row_problems.append(f"unknown or no channels: “{row['channels']}”")
            legal = {column: (row.get(column) or "").strip() for column in OPTIONAL_PRODUCT_COLUMNS}
            if legal["legal_term"] and not legal["legal_source"]:
                row_problems.append("legal_term needs its legal_source (the article that sets it)")
            if legal["extension_source"] and not row["extension"]:
                row_problems.append("extension_source without an extension term")
            for column in ("service_norm", "extension", "legal_term"):
                if column == "legal_term":
                    row[column] = legal["legal_term"]
                if row[column] or column == "service_norm":
                    try:
                        Term.parse(row[column])
                    except ValueError as exc:
                        row_problems.append(f"{column}: {exc}")
            flags: dict[str, bool] = {}
            for column in ("creates_case", "online_request"):
                if row[column].lower() not in _YES_NO:
                    row_problems.append(f"{column} must be yes or no, not “{row[column]}”")
                else:
                    flags[column] = _YES_NO[row[column].lower()]
            minutes: int | None = None
            if row["appointment_minutes"]:
                try:
                    minutes = int(row["appointment_minutes"])
                    if not 5 <= minutes <= 480:
                        raise ValueError
                except ValueError:
                    row_problems.append(
                        f"appointment_minutes must be 5 to 480, not “{row['appointment_minutes']}”"
                    )
            if not row["package"] or slugify(row["package"]) != row["package"]:
                row_problems.append(f"package “{row['package']}” is not a valid code")
            kind = row.get("kind", "")
            if kind and kind not in Kind.values:
                row_problems.append(f"unknown kind “{kind}” (one of {', '.join(Kind.values)})")
            if row["case_type"] and row["case_type"] not in case_type_codes:
                row_problems.append(f"unknown case_type “{row['case_type']}”")
            if flags.get("creates_case") and not row["case_type"]:
                row_problems.append("a product that creates a case needs a case_type")
            if row_problems:
                problems.extend(f"{name}, line {line}: {problem}" for problem in row_problems)
                continue
            rows.append(
                _ProductRow(
                    line=line,
                    slug=slug,
                    handler_kind=row["handler_kind"],
                    handler_name=row["handled_by"],
                    package=row["package"],
                    case_type=row["case_type"],
                    kind=kind,
                    values={
                        "name_nl": row["name_nl"],
                        "name_en": row["name_en"],
                        "summary_nl": row["summary_nl"],
                        "summary_en": row["summary_en"],
                        "description_nl": row["description_nl"],
                        "description_en": row["description_en"],
                        "needs_nl": _lines(row["needs_nl"]),
                        "needs_en": _lines(row["needs_en"]),
                        "costs_nl": row["costs_nl"],
                        "costs_en": row["costs_en"],
                        "domain": row["domain"],
                        "channels": channels,
                        "service_norm": str(Term.parse(row["service_norm"])),
                        "extension_term": (
                            str(Term.parse(row["extension"])) if row["extension"] else ""
                        ),
                        "extension_source": legal["extension_source"],
                        "legal_term": (
                            str(Term.parse(legal["legal_term"])) if legal["legal_term"] else ""
                        ),
                        "legal_source": legal["legal_source"],
                        "creates_case": flags["creates_case"],
                        "online_request": flags["online_request"],
                        "appointment_minutes": minutes,
                        "keywords": _lines(row["keywords"]),
                        "is_active": True,
                    },
                )
            )
    return rows


def _lines(value: str) -> str:
    """``a ; b;c`` in the file becomes one item per line in the database."""
    return "\n".join(part.strip() for part in value.split(";") if part.strip())


def _save_case_type(data: dict[str, Any]) -> CaseType:
    case_type, _ = CaseType.objects.update_or_create(
        code=data["code"],
        defaults={
            "name_nl": data["name_nl"],
            "name_en": data["name_en"],
            "allows_suspension": bool(data.get("allows_suspension")),
            "allows_extension": bool(data.get("allows_extension")),
            "kind": data.get("kind", Kind.APPLICATION),
            "legal_basis": data.get("legal_basis", LegalBasis.NONE),
            "committee": bool(data.get("committee")),
            "penalty_applies": bool(data.get("penalty_applies")),
        },
    )
    # Renumber in two passes so a reordering never collides with the unique (type, number).
    case_type.steps.update(number=F("number") + 1000)
    wanted = {step["code"] for step in data["steps"]}
    for number, step in enumerate(data["steps"], start=1):
        StatusStep.objects.update_or_create(
            case_type=case_type,
            code=step["code"],
            defaults={
                "number": number,
                "name_nl": step["name_nl"],
                "name_en": step["name_en"],
                "resident_text_nl": step.get("resident_text_nl", ""),
                "resident_text_en": step.get("resident_text_en", ""),
                "informs_resident": bool(step.get("informs_resident", True)),
            },
        )
    stale = case_type.steps.exclude(code__in=wanted)
    if stale.exists():
        raise CatalogueError(
            [
                f"case type {case_type.code}: steps {', '.join(s.code for s in stale)} are no "
                "longer in the file; steps cannot be removed from a catalogue in use"
            ]
        )
    for result in data["results"]:
        ResultType.objects.update_or_create(
            case_type=case_type,
            code=result["code"],
            defaults={"name_nl": result["name_nl"], "name_en": result["name_en"]},
        )
    _save_transitions(case_type, data.get("transitions"))
    _save_decision_types(case_type, data.get("decision_types") or [])
    return case_type


def _save_decision_types(case_type: CaseType, rows: list[dict[str, Any]]) -> None:
    """The case type's decision types (checked by ``_check_decision_types`` before)."""
    results = {result.code: result for result in case_type.results.all()}
    for row in rows:
        DecisionType.objects.update_or_create(
            case_type=case_type,
            code=row["code"],
            defaults={
                "name_nl": row["name_nl"],
                "name_en": row["name_en"],
                "outcome": row["outcome"],
                "result": results.get(row.get("result") or ""),
                "remedy": row.get("remedy", DecisionType.Remedy.OBJECTION),
                "legal_ground": row.get("legal_ground", ""),
                "reasoning_blocks": row.get("reasoning_blocks", []),
            },
        )


def _check_decision_types(item: dict[str, Any], where: str, problems: list[str]) -> None:
    results = {row.get("code") for row in item.get("results") or [] if isinstance(row, dict)}
    for row in item.get("decision_types") or []:
        if not isinstance(row, dict) or not all(row.get(k) for k in ("code", "name_nl", "name_en")):
            problems.append(f"{where}: a decision type lacks one of code, name_nl, name_en")
            continue
        if row.get("outcome") not in DecisionType.Outcome.values:
            problems.append(f"{where}: decision type {row['code']}: unknown outcome")
        if row.get("remedy", "objection") not in DecisionType.Remedy.values:
            problems.append(f"{where}: decision type {row['code']}: unknown remedy")
        if row.get("result") and row["result"] not in results:
            problems.append(f"{where}: decision type {row['code']}: unknown result")


def _save_transitions(case_type: CaseType, listed: list[list[str]] | None) -> None:
    steps = {step.code: step for step in case_type.steps.all()}
    ordered = sorted(steps.values(), key=lambda step: step.number)
    if listed:
        pairs = []
        for pair in listed:
            if len(pair) != 2 or pair[0] not in steps or pair[1] not in steps:
                raise CatalogueError(
                    [f"case type {case_type.code}: transition {pair} names an unknown step"]
                )
            pairs.append((steps[pair[0]], steps[pair[1]]))
    else:
        final = ordered[-1]
        pairs = list(pairwise(ordered))
        pairs += [(step, final) for step in ordered[:-2]]
    rows = [Transition(case_type=case_type, from_step=a, to_step=b) for a, b in pairs]
    rows += _special_moves(case_type, ordered)
    Transition.objects.filter(case_type=case_type).delete()
    Transition.objects.bulk_create(rows)


def _special_moves(case_type: CaseType, ordered: list[StatusStep]) -> list[Transition]:
    """The moves that are no step of the work (``Transition.Kind``): withdrawing, from every
    open step to the final one, where the case type has the result ``ingetrokken``; reopening,
    from the final step to the one before it."""
    if len(ordered) < 2:
        return []
    final = ordered[-1]
    rows = [
        Transition(
            case_type=case_type,
            from_step=final,
            to_step=ordered[-2],
            kind=Transition.Kind.REOPEN,
        )
    ]
    if case_type.results.filter(code=WITHDRAWN_RESULT).exists():
        rows += [
            Transition(
                case_type=case_type, from_step=step, to_step=final, kind=Transition.Kind.WITHDRAW
            )
            for step in ordered[:-1]
        ]
    return rows


def _handler(kind: str, name: str) -> dict[str, Team | Partner | None]:
    slug = slugify(name)
    if kind == "partner":
        partner, _ = Partner.objects.get_or_create(slug=slug, defaults={"name": name})
        return {"partner": partner, "team": None}
    team_kind = Team.Kind.DEPARTMENT if kind == "department" else Team.Kind.TEAM
    team, _ = Team.objects.get_or_create(slug=slug, defaults={"name": name, "kind": team_kind})
    return {"team": team, "partner": None}


def _package(code: str) -> Package:
    kind = Package.Kind.STANDARD if code == "standard" else Package.Kind.ADDITIONAL
    names = {
        "standard": ("Standaardpakket", "Standard package"),
        "additional": ("Aanvullend pakket", "Additional package"),
    }
    name_nl, name_en = names.get(code, (code.replace("-", " ").capitalize(),) * 2)
    package, _ = Package.objects.get_or_create(
        code=code, defaults={"name_nl": name_nl, "name_en": name_en, "kind": kind}
    )
    return package


# What is derived from the products (the wegwijzer's search index) registers its rebuild here,
# from its AppConfig.ready: it imports the catalogue, so the catalogue does not import it back.
_products_listeners: list[Callable[[], object]] = []


def products_listen(listener: Callable[[], object]) -> None:
    """Have ``listener`` called after every committed product change (see ``products_changed``)."""
    if listener not in _products_listeners:
        _products_listeners.append(listener)


def products_changed() -> None:
    """Rebuild what is derived from the products once the current transaction commits.

    Every service (and admin save) that writes products calls this, explicitly, instead of a
    ``post_save`` signal. ``transaction.on_commit`` drops the rebuild when the transaction rolls
    back, and keeps no state of its own, so a rolled-back change never stops a later rebuild.
    """
    for listener in _products_listeners:
        transaction.on_commit(listener)


@transaction.atomic
def catalogue_load(
    *,
    products_path: Path = DEFAULT_PRODUCTS,
    case_types_path: Path = DEFAULT_CASE_TYPES,
    forms_path: Path = DEFAULT_FORMS,
) -> CatalogueReport:
    """Validate the files completely, then write them in one transaction (or nothing); the
    product search index is rebuilt once after it commits."""
    problems: list[str] = []
    case_types = _read_case_types(case_types_path, problems)
    codes = {str(item.get("code")) for item in case_types if isinstance(item, dict)}
    codes |= set(CaseType.objects.values_list("code", flat=True))
    rows = _read_products(products_path, codes, problems)
    online = {row.slug for row in rows if row.values.get("online_request")}
    forms, form_problems = read_forms(forms_path, online)
    problems += form_problems
    if problems:
        raise CatalogueError(problems)
    for row in rows:
        row.values["request_form"] = forms.get(row.slug, [])

    report = CatalogueReport()
    saved = {item["code"]: _save_case_type(item) for item in case_types}
    report.case_types = len(saved)
    for row in rows:
        case_type = saved.get(row.case_type) or (
            CaseType.objects.get(code=row.case_type) if row.case_type else None
        )
        product = Product.objects.filter(slug=row.slug).first() or Product(slug=row.slug)
        if product.pk is None:
            report.created.append(row.slug)
        for key, value in {
            **row.values,
            **_handler(row.handler_kind, row.handler_name),
            "package": _package(row.package),
            "case_type": case_type,
            "kind": row.kind or (case_type.kind if case_type else Kind.APPLICATION),
        }.items():
            setattr(product, key, value)
        try:
            product.full_clean()
        except ValidationError as exc:
            # Rolls the whole load back: nothing is half-written.
            raise CatalogueError(
                [f"{products_path.name}, line {row.line}: {message}" for message in exc.messages]
            ) from exc
        product.save()
        report.products += 1
    products_changed()
    return report
