from django.urls import path

from loket.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.municipality_home, name="home"),
    path("producten/<slug:product>", views.product_detail, name="product"),
]
