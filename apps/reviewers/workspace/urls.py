"""Ministry URLs: the case workspace (included by apps.reviewers.urls under the "ministry" namespace).

The page is ``ministry:case``; each action is a POST to a sub-URL (a GET there leads back to the page).
"""

from django.urls import path

from apps.reviewers.workspace import decision_panel_views
from apps.reviewers.workspace import views as workspace_views

CASE = "cases/<str:reference>/"

urlpatterns = [
    path(CASE, workspace_views.case_workspace, name="case"),
    path(f"{CASE}documents/<int:document_id>/", workspace_views.case_document, name="document"),
    path(f"{CASE}take/", workspace_views.take, name="case_take"),
    path(f"{CASE}assessment/", workspace_views.assess, name="case_assess"),
    path(f"{CASE}sme/<int:claim_id>/", workspace_views.sme_review, name="case_sme_review"),
    path(
        f"{CASE}sme/<int:claim_id>/certificate/", workspace_views.sme_certificate, name="case_sme_certificate"
    ),
    path(f"{CASE}roster/", workspace_views.roster, name="case_roster_confirm"),
    path(f"{CASE}request-information/", workspace_views.request_information, name="case_request_information"),
    path(f"{CASE}decide/", workspace_views.decide, name="case_decide"),
    path(f"{CASE}notes/", workspace_views.note, name="case_note"),
    # After the decision (supervisors): reviews of rejections waiting, deciding one, the decision letter.
    path("reviews/", decision_panel_views.review_list, name="reviews"),
    path(f"{CASE}review/", decision_panel_views.review_decide_view, name="case_review_decide"),
    path(f"{CASE}letter/reissue/", decision_panel_views.letter_reissue_view, name="case_letter_reissue"),
    path(f"{CASE}letter/withdraw/", decision_panel_views.letter_withdraw_view, name="case_letter_withdraw"),
]
