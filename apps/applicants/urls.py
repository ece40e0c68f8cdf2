from django.urls import path
from django.views.generic import TemplateView

# Placeholder until the self-assessment views land.
urlpatterns = [
    path("", TemplateView.as_view(template_name="base.html"), name="home"),
    path("self-assessment/", TemplateView.as_view(template_name="base.html"), name="self_assessment"),
]
