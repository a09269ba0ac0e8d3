from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

from administration import accept as invitation_views
from districts import sso
from districts.forms import AdminSignInForm, QueuedPasswordResetForm, SignInForm
from districts.models import District
from home import views as home_views

urlpatterns = [
    path("", home_views.district_home, name="home"),
    path("healthz", home_views.healthz, name="healthz"),
    path("healthz/background", home_views.healthz_background, name="healthz_background"),
    path("baseline/", home_views.baseline, name="baseline"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(
            redirect_authenticated_user=True,
            authentication_form=SignInForm,
            # A callable: the template asks for a fresh list on each view.
            extra_context={
                "public_districts": District.objects.order_by("name").only("name", "slug").all
            },
        ),
        name="login",
    ),
    path(
        "accounts/password_reset/",
        auth_views.PasswordResetView.as_view(form_class=QueuedPasswordResetForm),
        name="password_reset",
    ),
    # Signs out of the district's sign-in provider too, where it can (districts/sso.py).
    path("accounts/logout/", sso.sign_out, name="logout"),
    path("accounts/", include("django.contrib.auth.urls")),
    # Single sign-on: allauth's provider redirects and callbacks; its own sign-in page is ours,
    # its page of linked accounts has nothing to show (no links are kept), and its OpenID
    # Connect views go through districts/sso.py, which answers when the provider does not.
    path("sso/login/", RedirectView.as_view(pattern_name="login", query_string=True)),
    path("sso/3rdparty/", RedirectView.as_view(pattern_name="home")),
    path("sso/oidc/<str:provider_id>/login/", sso.oidc_login),
    path("sso/oidc/<str:provider_id>/login/callback/", sso.oidc_callback),
    path("sso/", include("allauth.urls")),
    path("invitation/accept/", invitation_views.invitation_accept, name="invitation_accept"),
    path("invitation/<str:token>/", invitation_views.invitation, name="invitation"),
    path("administration/", include("administration.urls")),
    path("", include("districts.urls")),
    path("inbox/", include("notifications.urls")),
    path("decisions/", include("decisions.urls")),
    path("rounding/", include("rounding.urls")),
    path("check-ins/", include("principals.urls")),
    path("insights/", include("insights.urls")),
    path("api/", include("api.urls")),
    path("admin/", admin.site.urls),
]

admin.site.site_header = "Roundtable administration"
admin.site.site_title = "Roundtable admin"
admin.site.login_form = AdminSignInForm

# Refusals in the site's frame, with the reason and a way back (500 is Django's own handler
# with templates/500.html, which needs no request).
handler400 = "districts.errors.bad_request"
handler403 = "districts.errors.permission_denied"
handler404 = "districts.errors.page_not_found"
