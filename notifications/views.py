from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from districts.web import counted_page

from . import outbox, services
from .forms import NotificationSettingsForm
from .models import Notification, NotificationSettings


@login_required
@require_http_methods(["GET", "POST"])
def inbox(request: HttpRequest) -> HttpResponse:
    notices = Notification.objects.visible_to(request.user)
    page = counted_page(notices, request.GET.get("page"), 30)
    settings, _created = NotificationSettings.objects.get_or_create(user=request.user)
    form = NotificationSettingsForm(request.POST or None, instance=settings)
    if form.is_valid():
        form.save()
        messages.success(request, _("Saved how we e-mail you."))
        return redirect("notifications:inbox")
    # The page is in the district's zone (the middleware): its times read as in the e-mails.
    return render(
        request,
        "notifications/inbox.html",
        {"page": page, "form": form, "read_format": outbox.read_format()},
    )


@login_required
def open_notification(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark a notice read and go to what it is about."""
    notification = get_object_or_404(Notification.objects.visible_to(request.user), pk=pk)
    services.mark_read(user=request.user, notification=notification)
    if notification.url and url_has_allowed_host_and_scheme(notification.url, allowed_hosts=None):
        return redirect(notification.url)
    return redirect("notifications:inbox")


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    count = services.mark_read(user=request.user)
    messages.success(
        request,
        ngettext("Marked %(count)d notice as read.", "Marked %(count)d notices as read.", count)
        % {"count": count},
    )
    return redirect("notifications:inbox")
