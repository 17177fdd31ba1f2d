from django.urls import path

from core.photo_views import pending_photo

urlpatterns = [
    path("photos/pending/<str:token>/", pending_photo, name="pending_photo"),
]
