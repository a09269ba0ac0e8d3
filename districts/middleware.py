from zoneinfo import ZoneInfo

from django.utils import timezone


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
