"""Korean date formats: one way to write a date and a date-time on every page and in every e-mail
(decision 50): "2026년 12월 7일" and "2026년 12월 7일 14:05 (KST)", a 24-hour clock in Korea time
(the ``when`` filter, apps.core.templatetags.ktp, converts to it). Django's own put the meridiem
after the time ("11:15 오후", issue 13); a 24-hour clock has none."""

from django.conf.locale.ko.formats import *  # noqa: F403  (every other format as Django ships it)

DATE_FORMAT = "Y년 n월 j일"
DATETIME_FORMAT = r"Y년 n월 j일 H:i (\K\S\T)"
