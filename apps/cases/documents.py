"""What each kind of evidence is called, in English and Korean. Which kinds a track needs is data
(the rubric version's ``tracks[].required_documents``)."""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

DOCUMENT_LABELS: dict[str, Promise] = {
    "passport": _("Passport"),
    "cv": _("Curriculum vitae (CV)"),
    "degree_certificate": _("Degree certificate"),
    "employment_certificate": _("Employment certificates"),
    "salary_evidence": _("Salary evidence (contract or offer letter)"),
    "publications_list": _("List of publications and patents"),
    "programme_recruitment_letter": _("Government programme recruitment letter"),
    "information_response": _("Answer to an information request"),
}
# Evidence sent with an answer to a reviewer's request; never a track requirement.
RESPONSE_KIND = "information_response"


def document_label(kind: str) -> str:
    return str(DOCUMENT_LABELS.get(kind, kind))
