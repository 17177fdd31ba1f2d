"""URLs of the points reports (periods, rankings, linkages, the public board, settings),
included under ``points/`` beside the points app's own URLs."""

from django.urls import path

from points import report_views as views

app_name = "points_reports"
urlpatterns = [
    path("tally/", views.tally, name="tally"),
    path("tally/export.xlsx", views.tally_export, name="tally_export"),
    path("rankings/", views.ranking, name="ranking"),
    path("rankings/export.xlsx", views.ranking_export, name="ranking_export"),
    path("linkages/<str:kind>/", views.linkage, name="linkage"),
    path("linkages/<str:kind>/export.xlsx", views.linkage_export, name="linkage_export"),
    path("board/<int:pk>/", views.board, name="board"),
    path("board/<int:pk>/objections/", views.board_object, name="board_object"),
    path("settings/<int:pk>/", views.policy, name="policy"),
]
