"""Which language a request is answered in, and the rule for typed text in the JSON API."""

import json

from django.conf import settings
from django.http import JsonResponse
from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware
from django.utils import translation

from core.text import CONTROL_MESSAGE, fields_with_control_characters, has_control_characters

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


class ApiInputTextMiddleware:
    """The rule for typed text (``core.text``) for the JSON API, before any endpoint reads
    it: a query parameter, form field or JSON value (at any depth) holding a control
    character is answered 422 in the API's error shape, each such field named. The pages
    apply the same rule through their forms (``core.forms``), Open311 in its own error
    format (``open311.api``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith(API_PREFIX):
            fields = api_fields_with_control_characters(request)
            if fields:
                return JsonResponse(
                    {
                        "detail": "请求参数有误",
                        "code": "invalid",
                        "errors": [{"field": name, "message": CONTROL_MESSAGE} for name in fields],
                    },
                    status=422,
                )
        return self.get_response(request)


def api_fields_with_control_characters(request) -> list[str]:
    found = list(fields_with_control_characters(dict(request.GET.lists())))
    if request.method in ("POST", "PUT", "PATCH", "DELETE"):
        if request.content_type == "application/json":
            try:
                data = json.loads(request.body)
            except ValueError:
                data = None  # the endpoint answers a body it cannot parse
            found += fields_with_control_characters(data)
        elif request.content_type in FORM_TYPES:
            found += fields_with_control_characters(dict(request.POST.lists()))
            names = [u.name or "" for _, uploads in request.FILES.lists() for u in uploads]
            found += ["file name"] if any(map(has_control_characters, names)) else []
    return list(dict.fromkeys(found))
