from django.contrib import admin
from django.http import HttpRequest, HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from apps.core.ops.middleware import healthz, metrics_view, readyz


def favicon(request: HttpRequest) -> HttpResponsePermanentRedirect:
    # Resolved per request: with hashed static names the manifest exists only after collectstatic.
    return HttpResponsePermanentRedirect(static("img/favicon.svg"))


urlpatterns = [
    # Answered by apps.core.ops.middleware.ProbeMiddleware before the Host is checked or HTTPS
    # enforced (probes reach a pod by IP over plain HTTP); listed here so they can be reversed.
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("metrics", metrics_view, name="metrics"),
    # Browsers ask for /favicon.ico whatever the page links: send them to the icon every page names.
    path("favicon.ico", favicon),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("apps.accounts.urls")),  # first: it replaces two allauth MFA pages
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start-up script as a file: no inline script (CSP).
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/v1/", include("apps.applicants.api.urls")),
    path("programmes/", include("apps.programmes.urls")),
    path("employer/", include("apps.employers.urls")),
    path("ministry/", include("apps.reviewers.urls")),
    path("policy/reference/", include("apps.policy.reference.urls")),
    path("policy/simulations/", include("apps.policy.simulations.urls")),
    path("policy/", include("apps.policy.urls")),
    path("statistics/", include("apps.statistics.urls")),  # public: no sign-in (issue 15)
    path("apply/", include("apps.applicants.application.urls")),
    path("letters/", include("apps.applicants.letters.urls")),  # the public check of a decision letter
    path("", include("apps.applicants.self_assessment.urls")),
]
