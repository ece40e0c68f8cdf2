"""Django's admin, with our admin site as ``admin.site`` (listed in INSTALLED_APPS instead of
``django.contrib.admin``).

Kept apart from apps.accounts.admin_site: this module is imported while INSTALLED_APPS is read,
before any model can be; the site class (which needs the MFA models) is imported lazily by name.
"""

from django.contrib.admin.apps import AdminConfig


class SecondFactorAdminConfig(AdminConfig):
    default_site = "apps.accounts.admin_site.SecondFactorAdminSite"
