from django.urls import path

from apps.policy.simulations import views

app_name = "policy_simulations"

urlpatterns = [
    path("", views.run_list, name="list"),
    path("new/", views.start, name="start"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/progress/", views.progress, name="progress"),
    path("<int:pk>/result.csv", views.result_csv, name="csv"),
]
