from django.contrib import admin

from loket.knowledge.models import Article


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin[Article]):
    list_display = ("title_nl", "product", "municipality", "valid_from", "valid_until")
    list_filter = ("municipality", "product__domain")
    search_fields = ("title_nl", "title_en", "answer_nl")
