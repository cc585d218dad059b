"""Chinese formats with ISO dates first for input: an <input type="date"> needs its value as 2026-08-31. Django's
zh_Hans puts %Y/%m/%d first, which a browser's date input discards, so a form that is opened and saved again lost
the date (FORMAT_MODULE_PATH in settings points here)."""

from django.conf.locale.zh_Hans.formats import *  # noqa: F403 -- everything else stays Django's
from django.conf.locale.zh_Hans.formats import DATE_INPUT_FORMATS as _DATES
from django.conf.locale.zh_Hans.formats import DATETIME_INPUT_FORMATS as _DATETIMES

DATE_INPUT_FORMATS = ["%Y-%m-%d", *[f for f in _DATES if f != "%Y-%m-%d"]]
DATETIME_INPUT_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S",
                          *[f for f in _DATETIMES if f not in ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S")]]
