"""The small forms of a decision on the case page that ``workbench.views._detail`` does not
build: the text block to insert into a draft, the kind of decision that replaces a sent one.
``{% load decision_forms %}{% block_form d as pick %}{% replace_form d as replace %}``."""

from __future__ import annotations

from django import template

from loket.cases.models import Decision
from loket.workbench.decisions import BlockForm, ReplaceForm

register = template.Library()


@register.simple_tag
def block_form(decision: Decision) -> BlockForm:
    """The text blocks of the draft's kind (the municipality's own where it keeps them)."""
    return BlockForm(prefix=f"decision-{decision.pk}", decision=decision)


@register.simple_tag
def replace_form(decision: Decision) -> ReplaceForm:
    """The kinds of decision of the case, the sent decision's own chosen."""
    return ReplaceForm(
        prefix=f"replace-{decision.pk}",
        case=decision.case,
        initial={"decision_type": decision.decision_type_id},
    )
