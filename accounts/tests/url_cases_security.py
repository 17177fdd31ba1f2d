"""Scoping cases for "my account", API tokens and login security (issue 11)."""

from tests.url_case import Case, url


def token_of(persona: str, template: str):
    def make(world):
        from accounts.models import ApiToken

        user = getattr(world, persona)
        return template.format(user=user.pk, token=ApiToken.create_for(user)[1].pk)

    return make


CASES = [
    # everyone has their own page; another user's token is a 404 for them
    Case("accounts/me/", url("/accounts/me/"), "resident", None),
    Case(
        "accounts/me/tokens/<int:pk>/revoke/",
        token_of("resident", "/accounts/me/tokens/{token}/revoke/"),
        "resident",
        "grid_worker",
        method="post",
    ),
    Case(
        "accounts/users/<int:pk>/tokens/",
        url("/accounts/users/{}/tokens/", "resident"),
        "township_admin",
        "outsider",
    ),
    Case(
        "accounts/users/<int:pk>/tokens/<int:token_pk>/revoke/",
        token_of("resident", "/accounts/users/{user}/tokens/{token}/revoke/"),
        "township_admin",
        "outsider",
        method="post",
    ),
    Case(
        "accounts/users/<int:pk>/unlock/",
        url("/accounts/users/{}/unlock/", "resident"),
        "township_admin",
        "outsider",
        method="post",
    ),
    Case("accounts/security/", url("/accounts/security/"), "township_admin", "resident"),
]

PUBLIC = {
    "api/auth/logout": "revokes the calling bearer token itself; no object of anyone else "
    "(accounts/tests/test_api_token_lifetime.py)",
}
