from django.urls import path

from orgs import edit_views, transfer_views, views

app_name = "orgs"
urlpatterns = [
    path("tree/", views.tree, name="tree"),
    path("tree/regions/<int:pk>/", views.region, name="region"),
    path("tree/grids/<int:pk>/", views.grid, name="grid"),
    path("tree/organizations/<int:pk>/", views.organization, name="organization"),
    path("members/", views.member_list, name="members"),
    path("members/new/", edit_views.member_create, name="member_create"),
    path("members/<int:pk>/", views.member_detail, name="member"),
    path("members/<int:pk>/edit/", edit_views.member_edit, name="member_edit"),
    path("members/<int:pk>/reveal/", views.member_reveal, name="member_reveal"),
    path("households/", views.household_list, name="households"),
    path("households/new/", edit_views.household_create, name="household_create"),
    path("households/<int:pk>/", views.household_detail, name="household"),
    path("households/<int:pk>/edit/", edit_views.household_edit, name="household_edit"),
    path("households/<int:pk>/reveal/", views.household_reveal, name="household_reveal"),
    path("committees/", views.committee_rollup, name="committees"),
    path("committees/villages/<int:pk>/", views.committee_village, name="committee_village"),
    path(
        "committees/villages/<int:pk>/posts/new/",
        edit_views.committee_post_create,
        name="committee_post_create",
    ),
    path(
        "committees/posts/<int:pk>/edit/",
        edit_views.committee_post_edit,
        name="committee_post_edit",
    ),
    path("transfer/", transfer_views.transfer, name="transfer"),
    path("transfer/<str:kind>/template.xlsx", transfer_views.template, name="transfer_template"),
    path("transfer/<str:kind>/export.xlsx", transfer_views.export, name="transfer_export"),
    path("transfer/<str:kind>/import/", transfer_views.import_rows, name="transfer_import"),
]
