"""The documents a person will need for each track, as the self-assessment result lists them.

Which kinds of evidence a track needs is data: the rubric version's ``tracks[].required_documents``
(policy.md section 6), so a new version can change the list; ``apps.cases.documents`` names each
kind in English and Korean. One more paper comes from the employer rather than the applicant: the
SME confirmation certificate, needed wherever a claimed SME bonus counts, i.e. on a track judged by
the rubric total against the pass mark.
"""

from __future__ import annotations

from typing import NamedTuple

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from apps.cases.documents import DOCUMENT_LABELS
from apps.rubric.policy_config import AllOf, AnyOf, Condition, PassMarkReached, TrackConfig


class RequiredDocument(NamedTuple):
    code: str
    label: str | Promise  # translated lazily, in the language of the request that shows it


SME_CONFIRMATION = RequiredDocument(
    "sme_confirmation_certificate",
    _("SME confirmation certificate under the Framework Act on SMEs (issued to your employer)"),
)


def judged_by_rubric_total(condition: Condition) -> bool:
    """Whether a track rule looks at the rubric total (where the SME bonus is added)."""
    if isinstance(condition, AnyOf | AllOf):
        return any(judged_by_rubric_total(child) for child in condition.conditions)
    return isinstance(condition, PassMarkReached)


def documents_for(track: TrackConfig, *, sme_bonus_claimed: bool) -> tuple[RequiredDocument, ...]:
    """The documents for one track of a rubric version, in the configured order."""
    documents = tuple(
        RequiredDocument(kind, DOCUMENT_LABELS.get(kind, kind)) for kind in track.required_documents
    )
    if sme_bonus_claimed and judged_by_rubric_total(track.rule):
        documents = (*documents, SME_CONFIRMATION)
    return documents
