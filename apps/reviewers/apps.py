from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class ReviewersConfig(AppConfig):
    name = "apps.reviewers"
    label = "reviewers"
    verbose_name = _("Ministry review")

    def ready(self) -> None:
        from apps.cases.models import Case

        post_save.connect(_case_changed, sender=Case, dispatch_uid="ministry-queue-version-save")
        post_delete.connect(_case_changed, sender=Case, dispatch_uid="ministry-queue-version-delete")


def _case_changed(instance: Any, **_kwargs: Any) -> None:
    """The queue's cached counts are stale once the change is committed (apps.reviewers.queue.selectors).

    Drafts are not in the queue: an applicant saving a draft step leaves the counts as they are.
    """
    from apps.cases.models import CaseStatus
    from apps.core.hooks import safe_on_commit
    from apps.reviewers.queue.selectors import queue_version_bump

    if instance.status == CaseStatus.DRAFT:
        return

    safe_on_commit(queue_version_bump, what="queue counts version bump")
