"""Permissions as data: what each role may do, one table of role-by-action (issue 13, "Roles that
mean something").

The table has a default row per role and action (``municipality`` empty) and, where a
municipality decided otherwise, its own row, which takes precedence for that municipality: a
municipality can for instance let its administrators decide. No row at all means refused, so a
new action is closed until someone allows it.

Services call ``require`` before they change anything; pages call ``permitted`` (in templates
``{% if user|may:"decide" %}``) to offer only what the service will accept, so the page and the
service cannot drift apart.

A superuser may everything except ``decide`` and ``sign``: deciding is a legal act under a
mandate (mandaat, Awb 10:1), which system access does not give. A superuser decides only when
their role's row allows it, like anyone else.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from loket.lib.errors import Refused

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from loket.accounts.models import RolePermission, User
    from loket.tenancy.models import Municipality


class Action(models.TextChoices):
    """What a role may do. The label completes "You may not …" and the admin's list."""

    VIEW = "view", _("view cases")
    ASSIGN = "assign", _("assign work to others")
    REOPEN = "reopen", _("reopen cases")
    EXTEND = "extend", _("extend terms")
    DECIDE = "decide", _("draft decisions")
    SIGN = "sign", _("send decisions")
    KNOWLEDGE = "knowledge", _("edit the knowledge base")
    TEMPLATES = "templates", _("manage message templates")
    CATALOGUE = "catalogue", _("manage the catalogue")
    FIGURES = "figures", _("see management figures")
    CONTACT = "contact", _("register contacts")
    HAND_OVER = "hand_over", _("hand over requests")
    BOOK = "book", _("book appointments for residents")
    COUNTER = "counter", _("serve at the counter")


# Actions a superuser does not get for being a superuser (see the module docstring).
MANDATED = frozenset({Action.DECIDE, Action.SIGN})

_CASE_WORKER = frozenset(
    {Action.VIEW, Action.DECIDE, Action.SIGN, Action.CONTACT, Action.HAND_OVER}
)

# The default table (rows without a municipality), role -> allowed actions; every other action
# of a role gets a row with allowed=False, so the table shows the refusals too. The data
# migration 0003 wrote this table as it was then; ``defaults_write`` writes it into an empty
# table (a flushed test database). Keys are the values of ``loket.accounts.models.Role``.
DEFAULTS: dict[str, frozenset[Action]] = {
    # A case worker handles cases, up to sending the decision letter.
    "case_worker": _CASE_WORKER,
    # A team lead assigns and redistributes work in the team, reopens and extends.
    "team_lead": _CASE_WORKER
    | {Action.ASSIGN, Action.REOPEN, Action.EXTEND, Action.FIGURES, Action.BOOK, Action.COUNTER},
    # A front-office agent registers contacts and hands over, and keeps the answers they give
    # (the knowledge base) current; they do not decide.
    "front_office": frozenset(
        {
            Action.VIEW,
            Action.CONTACT,
            Action.HAND_OVER,
            Action.KNOWLEDGE,
            Action.BOOK,
            Action.COUNTER,
        }
    ),
    # A partner worker acts only on what was handed to the partner: ``visible_to`` limits what
    # they see, this table what they may do with it.
    "partner_worker": _CASE_WORKER,
    # An administrator manages but does not decide unless also given a deciding role: a
    # municipality adds an allowed row for decide/sign to do that.
    "administrator": frozenset(
        {
            Action.VIEW,
            Action.TEMPLATES,
            Action.CATALOGUE,
            Action.KNOWLEDGE,
            Action.FIGURES,
            Action.ASSIGN,
        }
    ),
}


class NotPermitted(Refused, PermissionDenied):
    """The actor's role may not do this here; nothing was changed.

    Also a ``PermissionDenied``, so a page that does not catch it answers 403, not 500; the API
    turns it into a problem document with ``code`` like every refusal."""

    code = "not-permitted"
    status = 403
    default_message: str | Promise = _("Your role does not allow this.")

    def __init__(self, action: Action | str) -> None:
        self.action = Action(action)
        super().__init__(_("You may not %(action)s.") % {"action": self.action.label})


# Where the table is kept on a user instance: Django builds a new user object for every request,
# so this cache lives exactly as long as the request (or the test's user object).
_CACHE = "_loket_permissions"

Table = dict[tuple[int | None, str], bool]


def _table(user: User) -> Table:
    """The rows of the user's role, all municipalities at once: one query per user object.

    A role has a dozen default rows and a few overrides per municipality, so loading them all
    is cheaper than a query per check and answers any municipality (a superuser's too)."""
    cached: tuple[str, Table] | None = getattr(user, _CACHE, None)
    if cached is not None and cached[0] == user.role:
        return cached[1]
    from loket.accounts.models import RolePermission

    table: Table = {
        (municipality_id, action): allowed
        for municipality_id, action, allowed in RolePermission.objects.filter(
            role=user.role
        ).values_list("municipality_id", "action", "allowed")
    }
    setattr(user, _CACHE, (user.role, table))
    return table


def forget(user: User) -> None:
    """Drop the cached table, after the rows or the user's role changed on this object."""
    if hasattr(user, _CACHE):
        delattr(user, _CACHE)


def _allowed_at(table: Table, action: str, municipality_id: int | None) -> bool:
    if municipality_id is not None and (municipality_id, action) in table:
        return table[(municipality_id, action)]
    return table.get((None, action), False)


def permitted(
    user: User | AnonymousUser | None,
    action: Action | str,
    municipality: Municipality | int | None = None,
) -> bool:
    """Whether ``user`` may do ``action`` in ``municipality``.

    Without a municipality (a page that spans them, such as the dashboard): whether the user may
    in at least one municipality they work for, or by the default row when they work for none.
    Anonymous and inactive users may nothing; ``None`` is not a user (see ``require``)."""
    action = Action(action)
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser and action not in MANDATED:
        return True
    table = _table(user)
    if municipality is not None:
        pk = municipality if isinstance(municipality, int) else municipality.pk
        return _allowed_at(table, action, pk)
    ids = user.municipality_ids
    if not ids:
        return _allowed_at(table, action, None)
    return any(_allowed_at(table, action, pk) for pk in ids)


def require(
    user: User | AnonymousUser | None,
    action: Action | str,
    municipality: Municipality | int | None = None,
) -> None:
    """Refuse with ``NotPermitted`` unless ``user`` may do ``action`` in ``municipality``.

    ``user=None`` is not checked: services are called without an actor by the system itself
    (periodic jobs, the outbox) and on behalf of a resident (the portal), whose rights come from
    the case being theirs, not from a staff role; those callers are trusted code, not people
    whose role limits them."""
    if user is None:
        return
    if not permitted(user, action, municipality):
        raise NotPermitted(action)


def defaults_write(role_permission: type[RolePermission], *, using: str = "default") -> int:
    """Write the default table into a table that has no default rows; returns the rows written.

    Used after a flush (``post_migrate``), for example by transactional tests: a table that
    already has default rows is left alone, so a deleted or changed default is never undone."""
    manager = role_permission.objects.db_manager(using)
    if manager.filter(municipality__isnull=True).exists():
        return 0
    rows = [
        role_permission(municipality=None, role=role, action=action, allowed=action in allowed)
        for role, allowed in DEFAULTS.items()
        for action in Action
    ]
    manager.bulk_create(rows)
    return len(rows)
