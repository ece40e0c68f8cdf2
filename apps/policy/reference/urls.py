from django.urls import path

from apps.policy.reference import views

app_name = "policy_reference"

urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:kind>/", views.browse, name="browse"),
    path("<slug:kind>/template.csv", views.template, name="template"),
    path("<slug:kind>/import/", views.upload, name="upload"),
    path("<slug:kind>/import/<uuid:upload_id>/", views.preview, name="preview"),
    path("<slug:kind>/history/", views.history, name="history"),
]
