from django.urls import path

from apps.programmes import views

app_name = "programmes"

urlpatterns = [
    path("", views.programme_index, name="index"),
    path("<str:code>/roster/", views.roster, name="roster"),
    path("<str:code>/roster/add/", views.entry_add, name="entry_add"),
    path("<str:code>/roster/import/", views.roster_upload, name="import"),
    path("<str:code>/roster/<int:entry_id>/edit/", views.entry_edit, name="entry_edit"),
    path("<str:code>/roster/<int:entry_id>/delete/", views.entry_delete, name="entry_delete"),
]
