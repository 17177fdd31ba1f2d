"""The account pages (``accounts.manage_views``), under ``/accounts/``."""

from django.urls import path

from accounts import manage_views as views

urlpatterns = [
    path("password/", views.password_change, name="password_change"),
    path("", views.account_list, name="account_list"),
    path("<int:pk>/", views.account_detail, name="account_detail"),
    path("<int:pk>/reset/", views.account_reset, name="account_reset"),
    path(
        "<int:pk>/deactivate/",
        views.account_active,
        {"active": "deactivate"},
        name="account_deactivate",
    ),
    path(
        "<int:pk>/reactivate/",
        views.account_active,
        {"active": "reactivate"},
        name="account_reactivate",
    ),
    path("new/", views.issue, name="issue"),
    path("roster/", views.roster_page, name="roster"),
    path("roster/template.xlsx", views.roster_template, name="roster_template"),
    path("roster/missing.xlsx", views.roster_missing, name="roster_missing"),
    path("roster/import/", views.roster_import, name="roster_import"),
    path("coverage/", views.coverage, name="coverage"),
]
