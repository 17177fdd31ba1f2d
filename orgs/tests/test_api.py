"""The organization tree over the JSON API: what each persona gets from every endpoint."""

import copy

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.models import AuditEntry
from orgs.domain import tree

NOT_FOUND = {"detail": "未找到该记录，或您无权访问。", "code": "not_found"}
LISTS = ["regions", "organizations", "grids", "members", "households"]


def names(response, field: str = "name") -> list[str]:
    assert response.status_code == 200, response.content
    return [row[field] for row in response.json()["items"]]


def by_name(response) -> dict[str, dict]:
    return {row["name"]: row for row in response.json()["items"]}


# The in-scope rows of each endpoint, and how an outsider could try to reach them.
def our_rows(world) -> dict[str, int]:
    return {
        "regions": world.township.pk,
        "organizations": world.branch_org.pk,
        "grids": world.grid.pk,
        "members": world.member_person.pk,
        "households": world.household.pk,
    }


def our_filters(world) -> list[str]:
    return [
        f"/api/regions/?parent={world.township.pk}",
        f"/api/organizations/?parent={world.township_committee.pk}",
        f"/api/grids/?region={world.township.pk}",
        f"/api/members/?region={world.township.pk}",
        f"/api/members/?organization={world.branch_org.pk}",
        f"/api/households/?region={world.village.pk}",
    ]


# ---------------------------------------------------------------------------------------------
# Every endpoint: signed in, outsiders, anonymous


@pytest.mark.parametrize("resource", LISTS)
def test_in_scope_persona_gets_detail_of_our_rows(world, login, resource):
    pk = our_rows(world)[resource]

    response = login(world.township_admin).get(f"/api/{resource}/{pk}")

    assert response.status_code == 200
    assert response.json()["id"] == pk


@pytest.mark.parametrize("resource", LISTS)
def test_outsider_gets_404_on_detail_of_our_rows(world, login, resource):
    pk = our_rows(world)[resource]

    response = login(world.outsider).get(f"/api/{resource}/{pk}")

    assert response.status_code == 404
    assert response.json() == NOT_FOUND


def test_outsider_gets_404_on_lists_filtered_by_our_nodes(world, login):
    client = login(world.outsider)
    for url in our_filters(world):
        response = client.get(url)
        assert response.status_code == 404, url
        assert response.json() == NOT_FOUND


@pytest.mark.parametrize("resource", LISTS)
def test_missing_row_gets_the_same_404(world, login, resource):
    response = login(world.county_admin).get(f"/api/{resource}/999999")

    assert response.status_code == 404
    assert response.json() == NOT_FOUND


@pytest.mark.parametrize("resource", LISTS)
def test_anonymous_gets_401_everywhere(world, client, resource):
    pk = our_rows(world)[resource]
    for url in (f"/api/{resource}/", f"/api/{resource}/{pk}"):
        response = client.get(url)
        assert response.status_code == 401
        assert response.json()["code"] == "not_authenticated"


# ---------------------------------------------------------------------------------------------
# Regions


def test_county_admin_lists_children_of_the_county_with_subtree_counts(world, login):
    response = login(world.county_admin).get("/api/regions/", {"parent": world.county.pk})

    assert names(response) == ["东风镇", "西河镇"]
    township = by_name(response)["东风镇"]
    assert township["level"] == "township"
    assert township["level_label"] == "乡/镇/苏木/街道"
    assert township["parent_id"] == world.county.pk
    assert township["depth"] == 3
    assert township["counts"] == {"members": 2, "households": 3, "organizations": 3, "grids": 2}
    assert by_name(response)["西河镇"]["counts"]["households"] == 1


def test_region_detail_has_subtree_counts(world, login):
    response = login(world.county_admin).get(f"/api/regions/{world.county.pk}")

    body = response.json()
    assert (body["name"], body["level"], body["level_label"]) == ("青山旗", "county", "县/旗/区")
    assert body["counts"] == {"members": 3, "households": 4, "organizations": 6, "grids": 3}


def test_region_list_without_parent_counts_every_depth(world, login):
    response = login(world.county_admin).get("/api/regions/")

    assert names(response) == ["青山旗", "东风镇", "红旗村", "向阳村", "西河镇", "柳树村"]
    rows = by_name(response)
    assert rows["青山旗"]["counts"]["members"] == 3
    assert rows["红旗村"]["counts"] == {
        "members": 1,
        "households": 2,
        "organizations": 1,
        "grids": 1,
    }
    assert rows["柳树村"]["counts"]["households"] == 1


def test_counts_are_for_those_who_administer_or_lead_the_region(world, login):
    branch_view = login(world.branch).get(f"/api/regions/{world.village.pk}").json()
    assert branch_view["counts"]["households"] == 2

    resident = login(world.resident)
    assert resident.get(f"/api/regions/{world.village.pk}").json()["counts"] is None
    assert [row["counts"] for row in resident.get("/api/regions/").json()["items"]] == [None]


def test_township_admin_sees_only_its_township(world, login):
    client = login(world.township_admin)

    assert names(client.get("/api/regions/")) == ["东风镇", "红旗村", "向阳村"]
    assert client.get("/api/regions/", {"parent": world.county.pk}).status_code == 404


def test_regions_searched_by_name(world, login):
    response = login(world.county_admin).get("/api/regions/", {"q": "红旗"})

    assert names(response) == ["红旗村"]


# ---------------------------------------------------------------------------------------------
# Organizations


def test_organizations_list_children_with_region_and_kind(world, login):
    response = login(world.county_admin).get(
        "/api/organizations/", {"parent": world.county_committee.pk}
    )

    assert names(response) == ["中共东风镇委员会", "中共西河镇委员会"]
    committee = by_name(response)["中共东风镇委员会"]
    assert (committee["kind"], committee["kind_label"]) == ("committee", "党委")
    assert committee["region"] == {"id": world.township.pk, "name": "东风镇"}
    assert committee["parent_id"] == world.county_committee.pk
    assert committee["depth"] == 1


def test_township_admin_lists_only_organizations_of_its_township(world, login):
    response = login(world.township_admin).get("/api/organizations/")

    assert names(response) == ["中共东风镇委员会", "红旗村党支部", "向阳村党支部"]


def test_branch_account_sees_its_own_organization(world, login):
    client = login(world.branch)

    assert names(client.get("/api/organizations/")) == ["红旗村党支部"]
    detail = client.get(f"/api/organizations/{world.neighbour_branch_org.pk}")
    assert detail.status_code == 404


# ---------------------------------------------------------------------------------------------
# Grids


def test_grids_anywhere_under_a_region(world, login):
    client = login(world.county_admin)

    assert names(client.get("/api/grids/", {"region": world.township.pk})) == [
        "红旗村第一网格",
        "向阳村第一网格",
    ]
    grid = client.get(f"/api/grids/{world.grid.pk}").json()
    assert grid["organization"] == {"id": world.branch_org.pk, "name": "红旗村党支部"}
    assert grid["region"] == {"id": world.village.pk, "name": "红旗村"}
    assert grid["party_group"] is None


def test_grid_worker_sees_only_their_grid(world, login):
    client = login(world.grid_worker)

    assert names(client.get("/api/grids/")) == ["红旗村第一网格"]
    assert client.get(f"/api/grids/{world.neighbour_grid.pk}").status_code == 404


# ---------------------------------------------------------------------------------------------
# Members


def test_township_admin_lists_members_of_its_township_masked(world, login):
    response = login(world.township_admin).get("/api/members/")

    assert names(response) == ["张红梅", "刘志强"]
    member = by_name(response)["张红梅"]
    assert (
        member["id_number"]
        == world.member_person.id_number[:4] + "*" * 10 + (world.member_person.id_number[-4:])
    )
    assert (
        member["phone"] == world.member_person.phone[:3] + "****" + world.member_person.phone[-4:]
    )
    assert member["revealed"] is False
    assert (member["gender"], member["gender_label"]) == ("female", "女")
    assert (member["status"], member["status_label"]) == ("formal", "正式党员")
    assert member["organization"] == {"id": world.branch_org.pk, "name": "红旗村党支部"}
    assert member["household_id"] == world.household.pk


def test_members_filtered_by_organization_subtree(world, login):
    client = login(world.county_admin)

    under_township = client.get("/api/members/", {"organization": world.township_committee.pk})
    assert names(under_township) == ["张红梅", "刘志强"]
    assert names(client.get("/api/members/", {"region": world.village.pk})) == ["张红梅"]


def test_members_filtered_by_status_mobility_and_service(world, login):
    from tests.world import add_member

    add_member(world.branch_org, "周预备", status="probationary", is_mobile=True)
    add_member(world.branch_org, "吴在职", is_in_service=True, workplace="旗农牧局")
    client = login(world.county_admin)

    assert names(client.get("/api/members/", {"status": "probationary"})) == ["周预备"]
    assert names(client.get("/api/members/", {"is_mobile": "true"})) == ["周预备"]
    assert names(client.get("/api/members/", {"is_in_service": "true"})) == ["吴在职"]
    assert names(client.get("/api/members/", {"q": "红梅"})) == ["张红梅"]
    id_suffix = world.member_person.id_number[-4:]
    assert names(client.get("/api/members/", {"q": id_suffix})) == ["张红梅"]


def test_resident_and_member_see_only_what_is_theirs(world, login):
    assert names(login(world.resident).get("/api/members/")) == []
    assert names(login(world.member).get("/api/members/")) == ["张红梅"]


# ---------------------------------------------------------------------------------------------
# Households


def test_resident_sees_only_own_household(world, login):
    client = login(world.resident)

    assert names(client.get("/api/households/"), "head_name") == ["王建国"]
    other = client.get(f"/api/households/{world.other_household_same_grid.pk}")
    assert other.status_code == 404


def test_grid_worker_sees_only_their_grids_households(world, login):
    response = login(world.grid_worker).get("/api/households/")

    assert names(response, "head_name") == ["王建国", "李秀英"]


def test_township_admin_lists_households_of_its_township(world, login):
    client = login(world.township_admin)

    assert names(client.get("/api/households/"), "head_name") == ["王建国", "李秀英", "赵德胜"]
    searched = client.get("/api/households/", {"q": "赵"})
    assert names(searched, "head_name") == ["赵德胜"]
    by_code = client.get("/api/households/", {"q": world.household.code})
    assert names(by_code, "head_name") == ["王建国"]
    household = client.get(f"/api/households/{world.household.pk}").json()
    assert household["grid"] == {"id": world.grid.pk, "name": "红旗村第一网格"}
    assert "*" in household["head_id_number"]
    assert "*" in household["phone"]


# ---------------------------------------------------------------------------------------------
# Personal data: masked, revealed on request, audited


def views_of_personal_data():
    return AuditEntry.objects.filter(action=AuditEntry.Action.VIEW_PERSONAL_DATA)


def test_detail_is_masked_and_not_audited_by_default(world, login):
    response = login(world.township_admin).get(f"/api/members/{world.member_person.pk}")

    assert "*" in response.json()["id_number"]
    assert not views_of_personal_data().exists()


def test_admin_reveals_a_member_and_it_is_audited(world, login):
    response = login(world.township_admin).get(
        f"/api/members/{world.member_person.pk}", {"reveal": "true"}
    )

    body = response.json()
    assert body["id_number"] == world.member_person.id_number
    assert body["phone"] == world.member_person.phone
    assert body["revealed"] is True
    entry = views_of_personal_data().get()
    assert entry.actor == world.township_admin
    assert (entry.model, entry.object_id) == ("orgs.Member", str(world.member_person.pk))
    assert entry.region_path == world.village.path


def test_resident_reveals_own_household(world, login):
    response = login(world.resident).get(
        f"/api/households/{world.household.pk}", {"reveal": "true"}
    )

    assert response.json()["head_id_number"] == world.household.head_id_number
    assert views_of_personal_data().get().actor == world.resident


def test_role_that_may_not_reveal_gets_403(world, login):
    client = login(world.grid_worker)  # sees the member of a household in the grid
    url = f"/api/members/{world.member_person.pk}"

    assert client.get(url).status_code == 200
    response = client.get(url, {"reveal": "true"})

    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert not views_of_personal_data().exists()


def test_outsider_revealing_our_member_gets_404_not_403(world, login):
    response = login(world.outsider).get(
        f"/api/members/{world.member_person.pk}", {"reveal": "true"}
    )

    assert response.status_code == 404
    assert not views_of_personal_data().exists()


# ---------------------------------------------------------------------------------------------
# Pagination and bad parameters


def test_lists_are_paginated_with_limit_and_offset(world, login):
    client = login(world.county_admin)

    page = client.get("/api/households/", {"limit": 2, "offset": 1}).json()

    assert page["count"] == 4
    assert [row["head_name"] for row in page["items"]] == ["李秀英", "赵德胜"]
    beyond = client.get("/api/households/", {"offset": 10}).json()
    assert beyond == {"items": [], "count": 4}


@pytest.mark.parametrize(
    "params, field, message",
    [
        ({"limit": "abc"}, "limit", "请填写整数。"),
        ({"limit": 0}, "limit", "不能小于 1。"),
        ({"limit": 201}, "limit", "不能大于 200。"),
        ({"offset": -1}, "offset", "不能小于 0。"),
        ({"status": "expelled"}, "status", "可选值：'formal', 'probationary'。"),
        ({"is_mobile": "perhaps"}, "is_mobile", "请填写 true 或 false。"),
        ({"region": "somewhere"}, "region", "请填写整数。"),
    ],
)
def test_bad_parameters_get_a_structured_422(world, login, params, field, message):
    response = login(world.county_admin).get("/api/members/", params)

    assert response.status_code == 422
    assert response.json() == {
        "detail": "请求参数有误",
        "code": "invalid",
        "errors": [{"field": field, "message": message}],
    }


def test_non_numeric_id_gets_422(world, login):
    response = login(world.county_admin).get("/api/regions/abc")

    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "id", "message": "请填写整数。"}]


# ---------------------------------------------------------------------------------------------
# Query counts: a page costs the same number of queries whatever its length


@pytest.mark.parametrize("resource", ["organizations", "grids", "members", "households"])
def test_list_queries_do_not_grow_with_rows(world, login, django_assert_max_num_queries, resource):
    client = login(world.county_admin)
    with CaptureQueriesContext(connection) as one_row:
        assert len(client.get(f"/api/{resource}/", {"limit": 1}).json()["items"]) == 1

    with django_assert_max_num_queries(len(one_row)):
        assert len(client.get(f"/api/{resource}/").json()["items"]) >= 3


def test_region_children_counts_take_one_query_whatever_their_number(
    world, login, django_assert_max_num_queries
):
    client = login(world.county_admin)
    with CaptureQueriesContext(connection) as one_row:
        client.get("/api/regions/", {"parent": world.township.pk, "limit": 1})
    tree.add_region(
        None, parent=world.township, name="前进村", code="150525100003", level="village"
    )

    with django_assert_max_num_queries(len(one_row)):
        response = client.get("/api/regions/", {"parent": world.township.pk})

    assert names(response) == ["红旗村", "向阳村", "前进村"]


def test_region_list_counts_take_one_query_per_depth(world, login, django_assert_max_num_queries):
    client = login(world.county_admin)
    with CaptureQueriesContext(connection) as one_row:
        client.get("/api/regions/", {"limit": 1})

    # Six regions at three depths (county, townships, villages): two more count queries.
    with django_assert_max_num_queries(len(one_row) + 2):
        assert client.get("/api/regions/").json()["count"] == 6


# ---------------------------------------------------------------------------------------------
# The OpenAPI document, and real responses checked against it


PATHS = {
    "/api/auth/token",
    "/api/auth/logout",
    "/api/regions/",
    "/api/regions/{id}",
    "/api/organizations/",
    "/api/organizations/{id}",
    "/api/grids/",
    "/api/grids/{id}",
    "/api/members/",
    "/api/members/{id}",
    "/api/households/",
    "/api/households/{id}",
}


def test_openapi_document_lists_every_path(world, client):
    response = client.get("/api/openapi.json")

    document = response.json()
    assert (document["info"]["title"], document["info"]["version"]) == ("Lingyan API", "1")
    # Other apps' routers (``/api/<app>/``) are checked by their own tests.
    own = ("/api/orglife/", "/api/services/", "/api/incidents/", "/api/points/")
    assert {p for p in document["paths"] if not p.startswith(own)} == PATHS
    limit = next(
        p for p in document["paths"]["/api/members/"]["get"]["parameters"] if p["name"] == "limit"
    )
    assert (limit["schema"]["default"], limit["schema"]["maximum"]) == (50, 200)


def test_docs_page_is_served(world, client):
    assert client.get("/api/docs").status_code == 200


def strict(document: dict) -> dict:
    """The document's components with undeclared properties forbidden, so that a field the
    schema does not describe fails validation too."""
    components = copy.deepcopy(document["components"])
    for schema in components["schemas"].values():
        if "properties" in schema:
            schema.setdefault("additionalProperties", False)
    return components


def check_against_openapi(document: dict, path: str, response) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    described = document["paths"][path]["get"]["responses"][str(response.status_code)]
    schema = described["content"]["application/json"]["schema"]
    validator = jsonschema.Draft202012Validator({**schema, "components": strict(document)})
    validator.validate(response.json())


def test_responses_conform_to_the_openapi_document(world, login):
    client = login(world.county_admin)
    document = client.get("/api/openapi.json").json()
    rows = our_rows(world)
    for resource in LISTS:
        listed = client.get(f"/api/{resource}/")
        assert listed.json()["count"] > 0
        check_against_openapi(document, f"/api/{resource}/", listed)
        detail = client.get(f"/api/{resource}/{rows[resource]}", {"reveal": "true"})
        check_against_openapi(document, f"/api/{resource}/{{id}}", detail)
        check_against_openapi(document, f"/api/{resource}/{{id}}", client.get(f"/api/{resource}/0"))
        invalid = client.get(f"/api/{resource}/", {"limit": "abc"})
        check_against_openapi(document, f"/api/{resource}/", invalid)
    forbidden = login(world.grid_worker).get(
        f"/api/members/{world.member_person.pk}", {"reveal": "true"}
    )
    check_against_openapi(document, "/api/members/{id}", forbidden)
