"""Which language a request is answered in, and the rule for typed text in the JSON API."""

import json
from typing import Any

from django.conf import settings
from django.http import JsonResponse
from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware
from django.utils import translation

from core.numbers import (
    DATE_MESSAGE,
    RANGE_MESSAGE,
    fields_out_of_date_range,
    fields_out_of_range,
    out_of_range,
)
from core.text import CONTROL_MESSAGE, fields_with_control_characters

API_PREFIX = "/api/"
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class LocaleMiddleware(DjangoLocaleMiddleware):
    """Django's negotiation (language cookie, then ``Accept-Language``) for the pages; the JSON
    API always answers in ``LANGUAGE_CODE``. Its documentation, error texts and ``*_label``
    fields are Chinese, and a client's browser settings must not turn half of a response into
    English: the API is a contract, the pages are a UI."""

    def process_request(self, request):
        if request.path_info.startswith(API_PREFIX):
            translation.activate(settings.LANGUAGE_CODE)
            request.LANGUAGE_CODE = translation.get_language()
            return
        super().process_request(request)


class ApiInputMiddleware:
    """The input rules of the JSON API, checked before any endpoint reads its arguments:

    - typed text (``core.text``): a query parameter, form field or JSON value (at any depth)
      holding a control character is answered 422 in the API's error shape, each such field
      named. The pages apply the same rule through their forms (``core.forms``), Open311 in
      its own error format (``open311.api``);
    - integers fit the database's 64 bits (``core.numbers``): a path segment beyond them is
      an id no row can have (404, as for a missing row), a parameter or body value beyond
      them is answered 422. The pages' ``<int:…>`` converter has the same bound;
    - a date or time outside 1900–2199 (``core.numbers``) is answered 422, as the pages'
      date fields refuse it (``core.forms``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith(API_PREFIX):
            if any(out_of_range(part) for part in request.path_info.split("/")):
                return JsonResponse(
                    {"detail": "未找到该记录，或您无权访问。", "code": "not_found"}, status=404
                )
            data = api_input(request)
            errors = (
                [
                    {"field": name, "message": CONTROL_MESSAGE}
                    for name in dict.fromkeys(fields_with_control_characters(data))
                ]
                + [
                    {"field": name, "message": RANGE_MESSAGE}
                    for name in dict.fromkeys(fields_out_of_range(data))
                ]
                + [
                    {"field": name, "message": DATE_MESSAGE}
                    for name in dict.fromkeys(fields_out_of_date_range(data))
                ]
            )
            if errors:
                return JsonResponse(
                    {"detail": "请求参数有误", "code": "invalid", "errors": errors}, status=422
                )
        return self.get_response(request)


def api_input(request) -> dict[str, Any]:
    """The request's query parameters and body values by name (a body that cannot be read
    is left to the endpoint, which answers it)."""
    data: dict[str, Any] = dict(request.GET.lists())
    if request.method in ("POST", "PUT", "PATCH", "DELETE"):
        if request.content_type == "application/json":
            try:
                body = json.loads(request.body)
            except ValueError:
                body = None
            if isinstance(body, dict):
                data.update(body)
            elif body is not None:
                data["body"] = body
        elif request.content_type in FORM_TYPES:
            data.update(request.POST.lists())
            names = [u.name or "" for _, uploads in request.FILES.lists() for u in uploads]
            data["file name"] = names
    return data
