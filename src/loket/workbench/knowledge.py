"""The knowledge base on the workbench: searching and reading the answers the front office
gives, and writing them (for the roles that may: ``Action.KNOWLEDGE``).

Thin views: ``loket.contacts.selectors.knowledge_search`` finds, ``loket.knowledge.services``
decides who may save what and where.
"""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from loket.accounts.models import User
from loket.accounts.requests import StaffRequest
from loket.contacts import selectors
from loket.knowledge import services as knowledge_services
from loket.knowledge.models import Article
from loket.knowledge.services import can_edit_articles
from loket.lib.params import text_param
from loket.tenancy.selectors import municipalities_for_staff
from loket.workbench.knowledge_forms import ArticleForm


@login_required
def knowledge(request: StaffRequest) -> HttpResponse:
    user = request.user
    query = text_param(request.GET, "q", max_length=200)
    if query:
        articles = selectors.knowledge_search(user, query)
    else:
        articles = list(
            Article.objects.current(timezone.localdate())
            .filter(Q(municipality__isnull=True) | Q(municipality_id__in=user.municipality_ids))
            .select_related("product")
            .order_by("title_nl")
        )
    return render(
        request,
        "workbench/knowledge.html",
        {"query": query, "articles": articles, "can_edit": can_edit_articles(user)},
    )


def _article(user: User, uuid: UUID) -> Article:
    """An article for every municipality, or for one the user works for; otherwise a 404."""
    article = get_object_or_404(
        Article.objects.select_related("product", "municipality"), uuid=uuid
    )
    foreign = article.municipality_id not in (None, *user.municipality_ids)
    if foreign and not user.is_superuser:
        raise Http404
    return article


@login_required
def article_detail(request: StaffRequest, uuid: UUID) -> HttpResponse:
    article = _article(request.user, uuid)
    return render(
        request,
        "workbench/article_detail.html",
        {"article": article, "can_edit": can_edit_articles(request.user)},
    )


def _article_form_page(request: StaffRequest, article: Article) -> HttpResponse:
    user = request.user
    if not can_edit_articles(user):
        raise PermissionDenied
    form = ArticleForm(
        request.POST or None, instance=article, municipalities=municipalities_for_staff(user)
    )
    if request.method == "POST":
        if form.is_valid():
            try:
                saved = knowledge_services.article_save(article=form.instance, actor=user)
            except ValidationError as refused:
                form.add_error(None, refused)
            else:
                messages.success(request, _("The article was saved."))
                return redirect("workbench:article_detail", uuid=saved.uuid)
        return render(
            request, "workbench/article_form.html", {"form": form, "article": article}, status=400
        )
    return render(request, "workbench/article_form.html", {"form": form, "article": article})


@login_required
def article_new(request: StaffRequest) -> HttpResponse:
    return _article_form_page(request, Article(valid_from=timezone.localdate()))


@login_required
def article_edit(request: StaffRequest, uuid: UUID) -> HttpResponse:
    return _article_form_page(request, _article(request.user, uuid))
