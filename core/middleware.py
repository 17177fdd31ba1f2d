"""Which language a request is answered in."""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware
from django.utils import translation

API_PREFIX = "/api/"


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
