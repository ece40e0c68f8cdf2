"""The documents a person will need for each track, as the self-assessment result lists them.

Which kinds of evidence a track needs is data: the rubric version's ``tracks[].documents`` (policy.md
section 6), so a new version can change the list; the catalogue names each kind in English and Korean
(``apps.cases.documents``). One more paper comes from the employer rather than the applicant: the
SME confirmation certificate, needed wherever a claimed SME bonus counts, i.e. on a track judged by
the rubric total against the pass mark.
"""

from __future__ import annotations

from typing import NamedTuple

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from apps.cases.documents import document_label
from apps.rubric.language.document import AllOf, AnyOf, Condition, Not, PointsCompare, ThresholdReached, Track


class RequiredDocument(NamedTuple):
    code: str
    label: str | Promise  # translated lazily, in the language of the request that shows it


SME_CONFIRMATION = RequiredDocument(
    "sme_confirmation_certificate",
    _("SME confirmation certificate under the Framework Act on SMEs (issued to your employer)"),
)


def judged_by_rubric_total(condition: Condition) -> bool:
    """Whether a track rule looks at the rubric total (where the SME bonus is added): a named
    threshold reached, or the total compared with a number."""
    if isinstance(condition, AnyOf | AllOf):
        return any(judged_by_rubric_total(child) for child in condition.conditions)
    if isinstance(condition, Not):
        return judged_by_rubric_total(condition.condition)
    return isinstance(condition, ThresholdReached) or (
        isinstance(condition, PointsCompare) and condition.of == "total"
    )


def documents_for(track: Track, *, sme_bonus_claimed: bool) -> tuple[RequiredDocument, ...]:
    """The documents for one track of a rubric version, in the configured order."""
    documents = tuple(RequiredDocument(kind, document_label(kind)) for kind in track.documents)
    if sme_bonus_claimed and judged_by_rubric_total(track.eligible_when):
        documents = (*documents, SME_CONFIRMATION)
    return documents
