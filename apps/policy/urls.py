from django.urls import path

from apps.policy import views

app_name = "policy"

urlpatterns = [
    path("", views.home, name="home"),
]
