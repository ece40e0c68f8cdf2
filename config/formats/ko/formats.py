"""Korean date formats: Django's put the meridiem after the time ("11:15 오후"); Korean writes it
first ("오후 11:15"), as its own TIME_FORMAT already does (issue 13)."""

from django.conf.locale.ko.formats import *  # noqa: F403  (every other format as Django ships it)

DATETIME_FORMAT = "Y년 n월 j일 A g:i"
