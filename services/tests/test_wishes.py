"""Micro-wishes: posted on the community's board, claimed by a member, a registered
in-service member or a unit, fulfilled, confirmed; and dual registration."""

import pytest

from services.domain import wishes
from services.domain.wishes import WishInput, WishRefused
from services.models import Wish, WishStatus
from tests.world import add_member, make_user

pytestmark = pytest.mark.django_db


def a_wish(world):
    return wishes.post_wish(
        world.resident, WishInput(title="想要一副老花镜", household=world.household)
    )


def test_it_goes_from_posted_to_confirmed(world):
    wish = a_wish(world)
    wish.claim(world.member)
    assert (wish.status, wish.claimant_kind, wish.claimant_name) == ("claimed", "member", "张红梅")
    wishes.fulfil_wish(world.member, wish, "已送到老人家中")
    wishes.confirm_wish(world.resident, wish)
    assert wish.status == WishStatus.CONFIRMED
    assert list(wish.events.values_list("to_status", flat=True)) == [
        "posted",
        "claimed",
        "fulfilled",
        "confirmed",
    ]


def test_the_first_claim_wins(world):
    wish = a_wish(world)
    stale = Wish.objects.get(pk=wish.pk)
    wishes.claim_wish(world.unit, wish)
    assert wish.claimant_kind == "unit"
    with pytest.raises(WishRefused) as refused:
        wishes.claim_wish(world.member, stale)
    assert refused.value.code == "conflict"


def test_an_in_service_member_claims_after_registering_at_the_community(world):
    worker = add_member(
        world.neighbour_branch_org, "周在职", is_in_service=True, workplace="旗财政局"
    )
    user = make_user("zaizhi", "member", world.neighbour_village, member=worker)
    wish = a_wish(world)
    with pytest.raises(WishRefused):
        wishes.claim_wish(user, wish)
    wishes.register_at_community(user, worker, world.village)
    wishes.claim_wish(user, wish)
    assert wish.claimant_kind == Wish.ClaimantKind.IN_SERVICE


def test_only_in_service_members_register_and_only_the_claimant_fulfils(world):
    with pytest.raises(WishRefused):
        wishes.register_at_community(world.member, world.member_person, world.village)
    wish = a_wish(world)
    wishes.claim_wish(world.member, wish)
    with pytest.raises(WishRefused):
        wishes.fulfil_wish(world.unit, wish, "不是我认领的")
    with pytest.raises(WishRefused):
        wishes.fulfil_wish(world.member, wish, " ")


def test_a_repeated_client_key_posts_one_wish(world):
    data = WishInput(title="想要收音机", household=world.household, client_key="w-1")
    assert wishes.post_wish(world.resident, data).pk == wishes.post_wish(world.resident, data).pk
    assert Wish.objects.count() == 1
