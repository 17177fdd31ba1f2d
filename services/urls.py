from django.urls import path

from services import views

app_name = "services"
urlpatterns = [
    path("", views.centre, name="centre"),
    path("export/<str:table>.xlsx", views.centre_export, name="centre_export"),
    path("requests/", views.request_list, name="requests"),
    path("requests/export.xlsx", views.request_export, name="request_export"),
    path("requests/new/", views.request_new, name="request_new"),
    path("requests/new/items/", views.item_search, name="item_search"),
    path("requests/new/households/", views.household_search, name="household_search"),
    path("requests/<int:pk>/", views.request_detail, name="request"),
    path("requests/<int:pk>/photos/<int:photo_id>/", views.request_photo, name="request_photo"),
    path("requests/<int:pk>/<str:action>/", views.request_action, name="request_action"),
    path("catalogue/", views.catalogue_page, name="catalogue"),
    path("catalogue/items/<int:pk>/", views.item_detail, name="item"),
    path("catalogue/items/<int:pk>/edit/", views.item_edit, name="item_edit"),
    path("catalogue/template.xlsx", views.catalogue_template, name="catalogue_template"),
    path("catalogue/export.xlsx", views.catalogue_export, name="catalogue_export"),
    path("catalogue/import/", views.catalogue_import, name="catalogue_import"),
    path("centres/", views.centre_list, name="centres"),
    path("centres/new/", views.centre_new, name="centre_new"),
    path("centres/<int:pk>/", views.service_centre, name="service_centre"),
    path("centres/<int:pk>/edit/", views.centre_edit, name="centre_edit"),
    path("routing/", views.routing, name="routing"),
    path("routing/<int:pk>/remove/", views.route_remove, name="route_remove"),
    path("wishes/", views.wish_board, name="wishes"),
    path("wishes/new/", views.wish_new, name="wish_new"),
    path("wishes/<int:pk>/", views.wish_detail, name="wish"),
    path("wishes/<int:pk>/photos/<int:photo_id>/", views.wish_photo, name="wish_photo"),
    path("wishes/<int:pk>/<str:action>/", views.wish_action, name="wish_action"),
    path("registrations/", views.registrations, name="registrations"),
]
