from django.urls import path, register_converter

from open311 import api, views


class FormatConverter:
    """The ``.json`` / ``.xml`` suffix of every Open311 resource (GeoReport v2, "Format
    Support")."""

    regex = "json|xml"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(FormatConverter, "fmt")

app_name = "open311"
urlpatterns = [
    path("discovery.<fmt:fmt>", api.discovery, name="discovery"),
    path("v2/services.<fmt:fmt>", api.service_list, name="services"),
    path("v2/services/<str:service_code>.<fmt:fmt>", api.service_definition, name="service"),
    path("v2/requests.<fmt:fmt>", api.requests, name="requests"),
    path("v2/requests/<str:service_request_id>.<fmt:fmt>", api.request_detail, name="request"),
    path("v2/tokens/<str:token>.<fmt:fmt>", api.token, name="token"),
    path("keys/", views.key_list, name="keys"),
    path("keys/new/", views.key_new, name="key_new"),
    path("keys/<int:pk>/", views.key_detail, name="key"),
    path("keys/<int:pk>/revoke/", views.key_revoke, name="key_revoke"),
]
