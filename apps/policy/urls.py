from django.urls import path

from apps.policy import views

app_name = "policy"

urlpatterns = [
    path("", views.home, name="home"),
    path("versions/", views.version_list, name="versions"),
    path("versions/<str:code>/", views.version_detail, name="version"),
    path("versions/<str:code>/edit/", views.edit, name="edit"),
    path("versions/<str:code>/validate/", views.validate, name="validate"),
    path("versions/<str:code>/reasons/", views.reason, name="reason"),
    path("versions/<str:code>/cases/", views.cases, name="cases"),
    path("versions/<str:code>/cases/accept/", views.accept_proposals, name="accept_proposals"),
    path("versions/<str:code>/cases/<int:case_id>/remove/", views.remove_case, name="remove_case"),
    path("versions/<str:code>/submit/", views.submit, name="submit"),
    path("versions/<str:code>/send-back/", views.send_back, name="send_back"),
    path("versions/<str:code>/approve/", views.approve, name="approve"),
]
