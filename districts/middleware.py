from zoneinfo import ZoneInfo

from django.utils import timezone, translation

from .languages import offered_code


class DistrictTimeZoneMiddleware:
    """Show and read dates and times in the signed-in person's district's own time zone."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.district_id:
            timezone.activate(ZoneInfo(user.district.timezone))
        else:
            timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


class PersonLanguageMiddleware:
    """A signed-in person reads pages in the language they (or an administrator) chose.

    After LocaleMiddleware (the browser's language and the visitor's switch) and authentication.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        code = offered_code(user.language) if user is not None and user.is_authenticated else ""
        if code:
            translation.activate(code)
            request.LANGUAGE_CODE = code
        return self.get_response(request)
