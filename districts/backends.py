from django.contrib.auth.backends import ModelBackend

from .models import User


class RosterBackend(ModelBackend):
    """Sign-in by e-mail; the signed-in person comes with their district in the same query.

    Every page shows the district and works in its time zone, so loading it with the user
    saves a query on each request.
    """

    def get_user(self, user_id):
        try:
            user = User._default_manager.select_related("district").get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
