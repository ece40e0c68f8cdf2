"""The Celery application. Tasks are thin: fetch by id, call a service."""

import os

from celery import Celery

if not os.environ.get("DJANGO_SETTINGS_MODULE"):  # unset or empty
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.dev"

app = Celery("ktechpass", task_cls="celery.contrib.django.task:DjangoTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
