from .models import Notification


def unread_count(request):
    """The number on the inbox link: one indexed count per page for signed-in people."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_count": lambda: Notification.objects.visible_to(user).unread().count()}
