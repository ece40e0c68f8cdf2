from django.contrib import admin
from django.http import HttpRequest, JsonResponse
from django.urls import include, path
from django.views.decorators.http import require_GET
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView


@require_GET
def healthz(_request: HttpRequest) -> JsonResponse:
    """Liveness for the load balancer and docker-compose: the process answers; no DB call."""
    return JsonResponse({"status": "ok"})


urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("apps.accounts.urls")),  # first: it replaces two allauth MFA pages
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/v1/", include("apps.applicants.api.urls")),
    path("programmes/", include("apps.programmes.urls")),
    path("employer/", include("apps.employers.urls")),
    path("ministry/", include("apps.reviewers.urls")),
    path("apply/", include("apps.applicants.application_urls")),
    path("", include("apps.applicants.urls")),
]
