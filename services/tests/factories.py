"""Small catalogues and requests for the tests, made through the domain functions."""

from dataclasses import dataclass

from orgs.models import Region
from services.domain.catalogue import CategoryInput, ItemInput, save_category, save_item
from services.models import ServiceCategory, ServiceItem


@dataclass
class Catalogue:
    categories: list[ServiceCategory]
    items: list[ServiceItem]


def make_catalogue(county: Region) -> Catalogue:
    """Two categories with two items each: a public service and an approval."""
    social = save_category(None, county, CategoryInput(code="01", name="社会保障", position=1))
    farming = save_category(None, county, CategoryInput(code="02", name="农牧业", position=2))
    items = [
        save_item(
            None,
            county,
            ItemInput(
                code="01001",
                name="城乡居民最低生活保障申请",
                category=social,
                kind="public_service",
                handling_level="township",
                materials="身份证、户口簿",
                time_limit_days=10,
            ),
        ),
        save_item(
            None,
            county,
            ItemInput(
                code="01002",
                name="高龄津贴申领",
                category=social,
                kind="public_service",
                handling_level="village",
                materials="身份证",
                time_limit_days=5,
            ),
        ),
        save_item(
            None,
            county,
            ItemInput(
                code="02001",
                name="动物防疫条件合格证核发",
                category=farming,
                kind="approval",
                handling_level="county",
                materials="申请表、场所平面图",
                time_limit_days=20,
            ),
        ),
        save_item(
            None,
            county,
            ItemInput(
                code="02002",
                name="农机购置补贴申请",
                category=farming,
                kind="public_service",
                handling_level="county",
                materials="身份证、购机发票",
                time_limit_days=15,
            ),
        ),
    ]
    return Catalogue([social, farming], items)
