"""English date formats: one way to write a date and a date-time on every page and in every e-mail
(decision 50): "7 December 2026" and "7 December 2026, 14:05 KST", always in Korea time (the
``when`` filter, apps.core.templatetags.ktp, converts to it, so the "KST" it states is true)."""

from django.conf.locale.en.formats import *  # noqa: F403  (every other format as Django ships it)

DATE_FORMAT = "j F Y"
DATETIME_FORMAT = r"j F Y, H:i \K\S\T"
