from django.urls import path

from points import views

app_name = "points"
urlpatterns = [
    path("mine/", views.my_points, name="mine"),
    path("households/<int:pk>/", views.household, name="household"),
    path("propose/", views.propose, name="propose"),
    path("proposals/", views.proposal_list, name="proposals"),
    path("proposals/<int:pk>/", views.proposal_detail, name="proposal"),
    path("proposals/<int:pk>/photo/", views.proposal_photo, name="proposal_photo"),
    path("proposals/<int:pk>/<str:action>/", views.proposal_action, name="proposal_action"),
    path("review/", views.review_queue, name="review"),
    path("objections/<int:pk>/resolve/", views.objection_resolve, name="objection_resolve"),
    path("entries/<int:pk>/reverse/", views.entry_reverse, name="entry_reverse"),
    path("rulebooks/", views.rulebook_list, name="rulebooks"),
    path("rulebooks/<int:pk>/", views.rulebook_detail, name="rulebook"),
    path("rules/<int:pk>/", views.rule_edit, name="rule"),
    path("store/", views.store_home, name="store_home"),
    path("stores/<int:pk>/", views.store_page, name="store"),
    path("stores/<int:pk>/households/<int:household_pk>/", views.redeem, name="redeem"),
    path("redemptions/<int:pk>/", views.receipt, name="receipt"),
]
