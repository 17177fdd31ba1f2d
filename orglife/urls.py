from django.urls import path

from orglife import views

app_name = "orglife"
urlpatterns = [
    path("", views.centre, name="centre"),
    path("export/<str:table>.xlsx", views.centre_export, name="centre_export"),
    path("gaps/", views.gaps, name="gaps"),
    path("gaps/export.xlsx", views.gaps_export, name="gaps_export"),
    path("warnings/", views.warning_list, name="warnings"),
    path("warnings/export.xlsx", views.warnings_export, name="warnings_export"),
    path("warnings/repeated/", views.repeated, name="repeated"),
    path("warnings/<int:pk>/", views.warning_detail, name="warning"),
    path("warnings/<int:pk>/evidence/", views.warning_evidence, name="warning_evidence"),
    path("warnings/<int:pk>/<str:action>/", views.warning_action, name="warning_action"),
    path("records/", views.record_list, name="records"),
    path("records/new/", views.record_new, name="record_new"),
    path("records/<int:pk>/", views.record_detail, name="record"),
    path("records/<int:pk>/edit/", views.record_edit, name="record_edit"),
    path("records/<int:pk>/photos/<int:photo_id>/", views.record_photo, name="record_photo"),
    path("calendar/", views.calendar, name="calendar"),
    path("requirements/", views.requirement_list, name="requirements"),
    path("requirements/<int:pk>/", views.requirement_change, name="requirement_change"),
    path("requirements/install/", views.requirement_install, name="requirement_install"),
    path("requirements/settings/", views.requirement_settings, name="requirement_settings"),
    path("requirements/exemptions/", views.exemption_add, name="exemption_add"),
    path("my-attendance/", views.my_attendance, name="my_attendance"),
]
