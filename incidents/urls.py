from django.urls import path

from incidents import views

app_name = "incidents"
urlpatterns = [
    path("", views.incident_list, name="list"),
    path("live/", views.live, name="live"),
    path("export.xlsx", views.list_export, name="list_export"),
    path("new/", views.report, name="report"),
    path("candidates/", views.candidates, name="candidates"),
    path("centre/", views.centre, name="centre"),
    path("centre/<str:table>.xlsx", views.centre_export, name="centre_export"),
    path("emergencies/", views.emergency_list, name="emergencies"),
    path("emergencies/<int:pk>/", views.emergency_detail, name="emergency"),
    path("emergencies/<int:pk>/close/", views.emergency_close, name="emergency_close"),
    path("settings/", views.catalogue_page, name="catalogue"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/follow-up/", views.follow_up, name="follow_up"),
    path("<int:pk>/photos/<int:photo_id>/", views.photo, name="photo"),
    path("<int:pk>/<str:action>/", views.action, name="action"),
]
