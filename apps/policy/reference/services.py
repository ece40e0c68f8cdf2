"""Uploads of a reference list kept on the server between the preview and the confirmation.

The parsed file never travels through the browser: the preview page names the upload by a random
id, and the confirmation repeats that id with the file's SHA-256 and the preview's fingerprint (a
hash of every change shown). Applying re-plans the stored file against the list as it is then and
refuses if anything differs from what was shown (decision 40). Uploads expire after
``REFERENCE_UPLOAD_TTL``; only their uploader may see or apply them.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid

from django.db import transaction
from django.utils import timezone

from apps.accounts.models import User
from apps.rubric.models import ReferenceListChange, ReferenceUpload
from apps.rubric.reference_import import (
    ImportPlan,
    PlanChanged,
    file_sha256,
    import_reference,
    plan_import,
)

logger = logging.getLogger(__name__)

IMPORT_MAX_BYTES = 2 * 1024 * 1024
REFERENCE_UPLOAD_TTL = dt.timedelta(hours=1)


class UploadGone(LookupError):
    """The upload expired, was applied already, or is someone else's."""


def upload_store(
    *, kind: str, text: str, file_name: str, replace: bool, by: User
) -> tuple[ReferenceUpload | None, list[str]]:
    """Check the whole file; keep it for the preview if it has no problem (nothing else is written)."""
    plan, errors = plan_import(kind_name=kind, text=text, replace=replace)
    if plan is None:
        return None, errors
    with transaction.atomic():
        ReferenceUpload.objects.filter(uploaded_at__lt=timezone.now() - REFERENCE_UPLOAD_TTL).delete()
        upload = ReferenceUpload.objects.create(
            kind=kind,
            file_name=file_name[:255],
            sha256=file_sha256(text),
            text=text,
            replace=replace,
            uploaded_by=by,
            uploaded_at=timezone.now(),
        )
    return upload, []


def upload_for(*, upload_id: uuid.UUID, kind: str, by: User) -> ReferenceUpload:
    """The user's own upload of the list, still fresh; ``UploadGone`` otherwise."""
    upload = ReferenceUpload.objects.filter(
        pk=upload_id,
        kind=kind,
        uploaded_by=by,
        uploaded_at__gte=timezone.now() - REFERENCE_UPLOAD_TTL,
    ).first()
    if upload is None or file_sha256(upload.text) != upload.sha256:
        raise UploadGone(str(upload_id))
    return upload


def upload_plan(upload: ReferenceUpload) -> ImportPlan:
    """What the upload would change in the list as it is now."""
    plan, errors = plan_import(kind_name=upload.kind, text=upload.text, replace=upload.replace)
    assert plan is not None, errors  # it was checked when stored, and the rules are the same
    return plan


def upload_apply(*, upload: ReferenceUpload, by: User, sha256: str, fingerprint: str) -> ReferenceListChange:
    """Apply exactly what the preview showed, all or nothing, recorded in the list's history.

    ``PlanChanged`` when the file or the list differs from the preview (nothing is written).
    """
    if sha256 != upload.sha256 or upload.uploaded_by_id != by.pk:
        raise PlanChanged(upload.kind)
    with transaction.atomic():
        report = import_reference(
            kind_name=upload.kind,
            text=upload.text,
            replace=upload.replace,
            by=by,
            file_name=upload.file_name,
            expected_fingerprint=fingerprint,
        )
        if not report.ok or report.change is None:  # the rules refused it since: nothing written
            raise PlanChanged(upload.kind)
        ReferenceUpload.objects.filter(pk=upload.pk).delete()
    change = report.change
    logger.info(
        "reference list %s changed by user %s from %s (sha256 %s): %d added, %d changed, %d removed",
        change.kind,
        by.pk,
        change.file_name,
        change.sha256,
        change.added,
        change.changed,
        change.removed,
    )
    return change
