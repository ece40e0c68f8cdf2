"""Links to the role apps' pages, from one place (decision 53).

The shared apps (cases, notifications, organisations, ...) sit below the role apps and must not know
their URLs: neither a literal path ("/apply/<ref>/status/") nor a role app's URL name. A role app
registers each page that others link to under a name, in its ``links.py`` (found by
``CoreConfig.ready``, as the admin finds ``admin.py``); a shared app asks for it by that name:

    link("case_status", case=case)     # "https://…/apply/KTP-…/status/"

and an e-mail template the same way: ``{% load links %}{% link "case_status" case=case %}``.
A link is absolute (``SITE_URL`` in front) because it leaves the site in an e-mail. An unknown name
is an error, never an empty link.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import autodiscover_modules

PathBuilder = Callable[..., str]  # keyword arguments (case=..., ...) -> the page's path on this site
_builders: dict[str, PathBuilder] = {}


def register(name: str, build: PathBuilder) -> None:
    """Make ``link(name, **kwargs)`` answer with ``build(**kwargs)``, a path such as ``reverse()`` gives."""
    known = _builders.get(name)
    if known is not None and known is not build:
        raise ImproperlyConfigured(f"the link {name!r} is registered twice")
    _builders[name] = build


def registered() -> frozenset[str]:
    return frozenset(_builders)


def path(name: str, **kwargs: object) -> str:
    """The page's path on this site (for a redirect or a page's own link)."""
    try:
        build = _builders[name]
    except KeyError:
        raise LookupError(
            f"no page is registered as the link {name!r} (known: {sorted(_builders)})"
        ) from None
    return build(**kwargs)


def absolute(path_on_site: str) -> str:
    """``path_on_site`` with the site's address in front (a path alone when ``SITE_URL`` is unset)."""
    return f"{getattr(settings, 'SITE_URL', '').rstrip('/')}{path_on_site}"


def link(name: str, **kwargs: object) -> str:
    """The page's absolute URL, for an e-mail or a letter."""
    return absolute(path(name, **kwargs))


def discover() -> None:
    """Import every installed app's ``links`` module, each of which registers its pages."""
    autodiscover_modules("links")
