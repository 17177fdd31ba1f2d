"""Issue 11's points findings, each with the test that failed before its fix: nothing
pre-selected on the review page, the till's total and receipt, ``times`` bounded by the rule,
the store's settings kept from the clerk, a ``client_key`` reused for another household, and
``add_stock`` out of range."""

import json
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils import timezone

from points.domain import store
from points.models import Goods, PointProposal, Redemption, Store
from points.tests.url_cases import a_proposal, an_entry, installed

SHANGHAI = ZoneInfo("Asia/Shanghai")
API = "/api/points/redemptions/"


def post_json(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


# ---------------------------------------------------------------------------------------------
# The review page: nothing selected until the user selects


def test_it_opens_the_review_page_with_nothing_selected(world, login):
    for _ in range(3):
        a_proposal(world)
    page = login(world.branch).get(f"/points/review/?region={world.village.pk}")
    html = page.content.decode()
    assert html.count('name="proposals"') == 3
    assert " checked" not in html
    assert "data-select-all" in html and "select-all.js" in html
    assert "<script>" not in html  # no inline script (CSP)


def test_it_refuses_an_approval_with_nothing_selected(world, login):
    a_proposal(world)
    response = login(world.branch).post(
        f"/points/review/?region={world.village.pk}",
        {"region": world.village.pk, "step": "preliminary", "signed_by": "王强"},
    )
    assert response.status_code == 200
    assert "请先勾选" in response.content.decode()
    assert PointProposal.objects.filter(status="preliminary").count() == 0
    assert response.context["signed_by"] == "王强"  # nothing typed is lost


def test_it_selects_all_of_one_step_only_when_asked_without_javascript(world, login):
    for _ in range(2):
        a_proposal(world)
    client = login(world.branch)
    page = client.get(f"/points/review/?region={world.village.pk}&select=preliminary")
    html = page.content.decode()
    assert html.count(" checked") == 2
    assert "已全选" in html
    ids = [p.pk for p in PointProposal.objects.all()]
    client.post(
        f"/points/review/?region={world.village.pk}",
        {"region": world.village.pk, "step": "preliminary", "proposals": ids},
    )
    assert PointProposal.objects.filter(status="preliminary").count() == 2


def test_the_outsider_cannot_select_all_of_another_village(world, login):
    a_proposal(world)
    page = login(world.outsider).get(
        f"/points/review/?region={world.village.pk}&select=preliminary"
    )
    assert page.status_code == 404


# ---------------------------------------------------------------------------------------------
# times bounded by the rule (page and API)


def _propose_form(world, rule, times):
    return {
        "households": [world.household.pk],
        "rule": rule.pk,
        "occurred_on": timezone.localdate().isoformat(),
        "times": times,
        "note": "义务劳动",
    }


def test_it_bounds_times_on_the_page_by_the_rules_cap_and_an_absolute_maximum(world, login):
    book, _ = installed(world)
    client = login(world.grid_worker)
    capped = book.rules.get(code="J02")  # +2 a time, at most 8 a month
    page = client.post("/points/propose/", _propose_form(world, capped, 5))
    assert page.status_code == 200
    assert "最多 4 次" in " ".join(page.context["form"].errors["times"])
    uncapped = book.rules.filter(cap__isnull=True, evidence="none").first() or capped
    for times in (10**6, 10**20):
        page = client.post("/points/propose/", _propose_form(world, uncapped, times))
        assert page.status_code == 200, times
        assert page.context["form"].errors["times"]
    assert PointProposal.objects.count() == 0


def test_the_api_answers_422_for_times_beyond_the_rule(world, login):
    book, _ = installed(world)
    client = login(world.grid_worker)
    capped = book.rules.get(code="J02")
    for rule, times in ((capped, 5), (capped, 10**6), (capped, 10**20)):
        item = {
            "household": world.household.pk,
            "rule": rule.pk,
            "occurred_on": timezone.localdate().isoformat(),
            "times": times,
            "note": "参会",
        }
        response = client.post(
            "/api/points/proposals/", json.dumps({"items": [item]}), content_type="application/json"
        )
        assert response.status_code == 422, (times, response.content)
        body = response.json()
        assert body["code"] == "invalid"
        assert any(e["field"].endswith("times") for e in body["errors"]), body
    assert PointProposal.objects.count() == 0


def test_the_domain_refuses_times_beyond_the_absolute_maximum(world):
    from points.domain.errors import PointsRefused
    from points.domain.proposals import MAX_TIMES, ProposalInput, propose_entries

    book, _ = installed(world)
    rule = book.rules.filter(cap__isnull=True).exclude(evidence="photo").first()
    assert rule is not None
    item = ProposalInput(
        household=world.household,
        rule=rule,
        occurred_on=timezone.localdate(),
        times=MAX_TIMES + 1,
        note="x",
        member=world.household.members.first() if rule.applies_to == "member" else None,
        person_name="张网格",
    )
    try:
        propose_entries(world.grid_worker, [item])
    except PointsRefused as refused:
        assert "times" in refused.errors
    else:
        raise AssertionError("not refused")


# ---------------------------------------------------------------------------------------------
# The store's rate and threshold: the branch (or an admin above), never the clerk


def _settings(shop, **changes):
    data = {
        "store-name": shop.name,
        "store-points_per_yuan": shop.points_per_yuan,
        "store-threshold": shop.threshold,
    }
    data.update({f"store-{k}": v for k, v in changes.items()})
    return data


def test_a_clerk_sees_the_store_settings_read_only_and_cannot_post_them(world, login):
    _, shop = installed(world)
    client = login(world.clerk)
    page = client.get(f"/points/stores/{shop.pk}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'name="store-points_per_yuan"' not in html and "保存设置" not in html
    assert "每元所需积分" in html  # shown, read-only
    response = client.post(
        f"/points/stores/{shop.pk}/", _settings(shop, points_per_yuan=1, threshold=0)
    )
    assert response.status_code == 403
    shop.refresh_from_db()
    assert (shop.points_per_yuan, shop.threshold) == (5, 80)


def test_the_branch_and_the_township_change_the_store_settings(world, login):
    _, shop = installed(world)
    response = login(world.branch).post(f"/points/stores/{shop.pk}/", _settings(shop, threshold=60))
    assert response.status_code == 302
    shop.refresh_from_db()
    assert shop.threshold == 60
    response = login(world.township_admin).post(
        f"/points/stores/{shop.pk}/", _settings(shop, points_per_yuan=4)
    )
    assert response.status_code == 302
    shop.refresh_from_db()
    assert shop.points_per_yuan == 4
    page = login(world.outsider).post(f"/points/stores/{shop.pk}/", _settings(shop, threshold=1))
    assert page.status_code == 404


def test_the_domain_refuses_a_clerk_changing_the_store(world):
    from points.domain.errors import PointsRefused

    _, shop = installed(world)
    try:
        store.update_store(world.clerk, shop, name=shop.name, points_per_yuan=1, threshold=0)
    except PointsRefused:
        pass
    else:
        raise AssertionError("a clerk changed the rate")
    assert Store.objects.get(pk=shop.pk).points_per_yuan == 5


def test_the_api_offers_no_way_to_change_a_store(world, login):
    schema = login(world.clerk).get("/api/openapi.json").json()
    for path, operations in schema["paths"].items():
        if "/points/" in path and "store" in path:
            assert set(operations) <= {"get"}, path


# ---------------------------------------------------------------------------------------------
# client_key reused for another household


def _two_households_with_points(world):
    an_entry(world)
    an_entry(world)
    from points.domain.ledger import approve_at_assembly
    from points.domain.proposals import ProposalInput, propose_entries, review
    from points.models import AssemblyMeeting
    from points.tests.conftest import a_photo

    book, shop = installed(world)
    rule = book.rules.get(code="X02")
    other = world.other_household_same_grid
    made = propose_entries(
        world.grid_worker,
        [
            ProposalInput(
                household=other, rule=rule, occurred_on=timezone.localdate(), photo=a_photo()
            )
        ],
    )
    ids = [p.pk for p in made]
    review(world.branch, ids, "preliminary")
    review(world.branch, ids, "joint")
    approve_at_assembly(
        world.branch,
        AssemblyMeeting(region=world.village, held_on=timezone.localdate(), minutes="审议"),
        ids,
    )
    soap = store.save_goods(world.clerk, shop, name="肥皂", price=Decimal("3.00"), add_stock=50)
    return shop, soap, other


def test_a_client_key_reused_for_another_household_answers_409(world, login):
    shop, soap, other = _two_households_with_points(world)
    client = login(world.clerk)
    body = {
        "store": shop.pk,
        "household": world.household.pk,
        "lines": [{"goods": soap.pk, "quantity": 1}],
        "client_key": "k-1",
    }
    first = post_json(client, API, body)
    assert first.status_code == 201
    again = post_json(client, API, body)
    assert again.status_code == 201 and again.json()["id"] == first.json()["id"]
    body["household"] = other.pk
    stolen = post_json(client, API, body)
    assert stolen.status_code == 409, stolen.content
    assert Redemption.objects.count() == 1


def test_the_page_says_so_when_a_client_key_is_reused_for_another_household(world, login):
    shop, soap, other = _two_households_with_points(world)
    client = login(world.clerk)
    url = f"/points/stores/{shop.pk}/households/{{}}/"
    client.post(url.format(world.household.pk), {f"qty_{soap.pk}": "1", "client_key": "abc"})
    page = client.post(url.format(other.pk), {f"qty_{soap.pk}": "1", "client_key": "abc"})
    assert page.status_code == 409
    assert "另一户" in page.content.decode()
    assert page.context["client_key"] != "abc"  # a fresh key for the next try
    assert Redemption.objects.count() == 1


# ---------------------------------------------------------------------------------------------
# add_stock out of range


def test_it_refuses_a_negative_or_huge_add_stock_beside_the_field(world, login):
    _, shop = installed(world)
    soap = store.save_goods(world.clerk, shop, name="肥皂", price=Decimal("3.00"), add_stock=5)
    client = login(world.clerk)
    for bad in ("-3", "99999999999999999999", "abc", "2000000"):
        page = client.post(f"/points/stores/{shop.pk}/", {"restock": soap.pk, "add_stock": bad})
        assert page.status_code == 200, bad
        assert page.context["restock_errors"].get(soap.pk), bad
    page = client.post(
        f"/points/stores/{shop.pk}/",
        {"goods-name": "大米", "goods-price": "30.00", "goods-add_stock": "99999999999999999999"},
    )
    assert page.status_code == 200 and page.context["goods_form"].errors["add_stock"]
    assert Goods.objects.get(pk=soap.pk).stock == 5
    assert not Goods.objects.filter(name="大米").exists()


def test_the_domain_refuses_stock_beyond_the_maximum(world):
    from points.domain.errors import PointsRefused

    _, shop = installed(world)
    try:
        store.save_goods(world.clerk, shop, name="肥皂", price=Decimal("3.00"), add_stock=10**12)
    except PointsRefused as refused:
        assert "add_stock" in refused.errors
    else:
        raise AssertionError("not refused")


# ---------------------------------------------------------------------------------------------
# The till: a running total and a printable receipt


def test_the_till_shows_the_total_and_the_balance_and_keeps_it_on_refusal(world, login):
    an_entry(world)
    an_entry(world)  # 200 points
    _, shop = installed(world)
    soap = store.save_goods(world.clerk, shop, name="肥皂", price=Decimal("3.00"), add_stock=5)
    oil = store.save_goods(world.clerk, shop, name="食用油", price=Decimal("16.00"), add_stock=9)
    client = login(world.clerk)
    url = f"/points/stores/{shop.pk}/households/{world.household.pk}/"
    html = client.get(url).content.decode()
    assert "till.js" in html and "data-till-total" in html and "data-available" in html
    assert f'data-points="{store.points_for(shop, soap.price)}"' in html
    # 2 soap (30) + 3 oil (240) = 270 > 200: refused, the total is computed server-side
    page = client.post(url, {f"qty_{soap.pk}": "2", f"qty_{oil.pk}": "3", "client_key": "t1"})
    assert page.status_code == 200
    assert page.context["total_points"] == 270 and page.context["total_yuan"] == Decimal("54.00")
    assert "积分不足" in page.content.decode()


def test_the_till_refuses_a_huge_quantity_without_a_500(world, login):
    an_entry(world)
    _, shop = installed(world)
    soap = store.save_goods(world.clerk, shop, name="肥皂", price=Decimal("3.00"), add_stock=5)
    client = login(world.clerk)
    url = f"/points/stores/{shop.pk}/households/{world.household.pk}/"
    page = client.post(url, {f"qty_{soap.pk}": "99999999999999999999", "client_key": "t2"})
    assert page.status_code == 200 and page.context["errors"]


def test_the_receipt_is_printable_with_number_clerk_and_shanghai_time(world, login):
    from points.tests.url_cases import a_redemption

    redemption = a_redemption(world)
    page = login(world.clerk).get(f"/points/redemptions/{redemption.pk}/")
    html = page.content.decode()
    local = timezone.localtime(redemption.at, timezone=SHANGHAI)
    assert local.strftime("%Y-%m-%d %H:%M") in html
    assert store.receipt_number(redemption) in html
    assert "data-print" in html and "print.js" in html and "print.css" in html
    assert "打印" in html and world.clerk.display_name in html
    assert login(world.outsider).get(f"/points/redemptions/{redemption.pk}/").status_code == 404


def test_a_restock_of_unknown_goods_is_a_404_not_a_500(world, login):
    _, shop = installed(world)
    client = login(world.clerk)
    for bad in ("abc", "99999999999999999999"):
        page = client.post(f"/points/stores/{shop.pk}/", {"restock": bad, "add_stock": "1"})
        assert page.status_code == 404, bad
