"""Typed text holds no control characters, wherever it comes in (issue 11, security
findings): every form's text fields (``core.forms``), the JSON API — query, form and JSON
bodies (``core.middleware``) — and Open311 (``open311.api``) refuse them with a clear
message; tab and newline stay allowed in multi-line text."""

import json
from urllib.parse import urlencode

import pytest
from django import forms

from open311.tests.conftest import o311  # noqa: F401  (the Open311 fixture)
from open311.tests.test_conformance import FORM, a_request
from orglife.tests.test_api import Api
from services.models import ServiceRequest, Wish

MESSAGE = "含有不可见的控制字符"


class Note(forms.Form):
    note = forms.CharField(widget=forms.Textarea)


def test_it_refuses_control_characters_in_any_forms_text_field():
    assert not Note({"note": "第一行\x01"}).is_valid()
    assert not Note({"note": "含\x00空字符"}).is_valid()
    assert Note({"note": "第一行\r\n第二行\t缩进"}).is_valid()


def test_it_keeps_a_wish_with_a_control_character_out(world, client):
    client.force_login(world.resident)
    response = client.post("/services/wishes/new/", {"title": "老花镜\x07", "description": ""})
    assert response.status_code == 200
    assert MESSAGE in response.content.decode()
    assert "老花镜" in response.content.decode()  # the input is kept
    assert not Wish.objects.exists()


@pytest.mark.parametrize("bad", ["\x00", "\x01", "\x1b[31m", "\x7f"])
def test_the_api_refuses_a_json_body_with_a_control_character(world, client, bad):
    api = Api(client, world.resident)
    response = api.post_json("/api/services/wishes/", {"title": f"老花镜{bad}"})
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert error["field"] == "title" and MESSAGE in error["message"]
    assert not Wish.objects.exists()


def test_the_api_refuses_a_form_body_and_a_query_with_a_control_character(world, client):
    api = Api(client, world.resident)
    posted = api.post("/api/services/wishes/", {"title": "老花镜\x00"})
    assert posted.status_code == 422 and posted.json()["errors"][0]["field"] == "title"
    listed = api.get("/api/services/requests/", {"q": "\x00"})
    assert listed.status_code == 422 and listed.json()["code"] == "invalid"
    assert not Wish.objects.exists()


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_open311_refuses_a_control_character(o311, client, fmt):  # noqa: F811
    fields = a_request(o311, description="路灯坏了\x00")
    response = client.post(f"/open311/v2/requests.{fmt}", urlencode(fields), content_type=FORM)
    assert response.status_code == 400
    assert "description" in response.content.decode() and MESSAGE in response.content.decode()
    assert not ServiceRequest.objects.exists()


def test_open311_answers_415_to_a_json_body(o311, client):  # noqa: F811
    response = client.post(
        "/open311/v2/requests.json",
        json.dumps(a_request(o311)),
        content_type="application/json",
    )
    assert response.status_code == 415
    assert not ServiceRequest.objects.exists()
