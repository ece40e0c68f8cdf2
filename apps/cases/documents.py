"""What each kind of evidence is called, in English and Korean: the catalogue's ``documents``
(``apps/rubric/catalogue.json``), the one home of document kinds. Which kinds a track or a criterion
needs is the rubric version's (``tracks[].documents``, ``criteria[].documents``)."""

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from apps.rubric.language.catalogue import default_catalogue

# Evidence sent with an answer to a reviewer's request; never a track requirement, so not in the
# catalogue's list of evidence a version may require.
RESPONSE_KIND = "information_response"
RESPONSE_LABEL = _("Answer to an information request")
# Evidence sent with a request for a review of a rejection (apps.cases.decision_review).
REVIEW_KIND = "review_evidence"
REVIEW_LABEL = _("Evidence for a review of the decision")


def document_kinds() -> tuple[str, ...]:
    """The kinds of evidence a version may require, in the catalogue's order."""
    return tuple(default_catalogue().documents)


def document_label(kind: str) -> str:
    """The kind's name in the active language (the code itself for a kind nobody named)."""
    if kind == RESPONSE_KIND:
        return str(RESPONSE_LABEL)
    if kind == REVIEW_KIND:
        return str(REVIEW_LABEL)
    label = default_catalogue().documents.get(kind)
    return label.get(get_language()) if label else kind
