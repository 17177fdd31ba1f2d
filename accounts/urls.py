from django.urls import include, path

from accounts import manage_urls, views

app_name = "accounts"
urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("accounts/me/", views.me, name="me"),
    path("accounts/me/tokens/<int:pk>/revoke/", views.my_token_revoke, name="my_token_revoke"),
    path("accounts/users/<int:pk>/tokens/", views.user_tokens, name="user_tokens"),
    path(
        "accounts/users/<int:pk>/tokens/<int:token_pk>/revoke/",
        views.user_token_revoke,
        name="user_token_revoke",
    ),
    path("accounts/users/<int:pk>/unlock/", views.unlock, name="unlock"),
    path("accounts/security/", views.security, name="security"),
    path("settings/", views.settings_page, name="settings"),
    path("accounts/", include(manage_urls)),
]
