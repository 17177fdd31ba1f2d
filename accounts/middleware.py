"""A user whose password was issued or reset by an admin must choose their own before
anything else: every page redirects to the password page until they have."""

from django.shortcuts import redirect
from django.urls import reverse

# Paths a user who must change their password may still reach.
ALLOWED_PREFIXES = ("/static/", "/i18n/", "/healthz", "/logout/", "/login/", "/api/")


class PasswordChangeRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and getattr(user, "must_change_password", False)
            and not request.path.startswith(ALLOWED_PREFIXES)
        ):
            target = reverse("accounts:password_change")
            if request.path != target:
                return redirect(target)
        return self.get_response(request)
