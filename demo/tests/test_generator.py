"""The generator on its own, without a database: same seed, same province."""

from collections import Counter
from datetime import date

from core.idnumbers import has_valid_check_character
from demo.generator import COLUMNS, SCALES, apportion, generate
from orgs.models import Household, Member, Organization, Region

AS_OF = date(2026, 6, 30)


def rows_of(scale: str, seed: int = 1) -> dict[type, list[tuple]]:
    tables: dict[type, list[tuple]] = {}
    for chunk in generate(SCALES[scale], seed, AS_OF):
        for model, rows in chunk.batches:
            tables.setdefault(model, []).extend(rows)
    return tables


def test_same_seed_gives_the_same_rows():
    assert rows_of("tiny") == rows_of("tiny")


def test_another_seed_gives_other_people():
    names = [row[1] for row in rows_of("tiny")[Member]]
    other = [row[1] for row in rows_of("tiny", seed=2)[Member]]
    assert names != other


def test_every_row_fills_its_columns():
    for model, rows in rows_of("tiny").items():
        assert {len(row) for row in rows} == {len(COLUMNS[model])}


def test_the_first_county_of_the_province_is_the_county():
    county = [row[4] for row in rows_of("tiny")[Region]]
    province = [row[4] for row in rows_of("tiny-province")[Region]]
    assert county[:3] == ["北原省", "塞北盟", "青山旗"]
    assert province[:4] == ["北原省", "塞北盟", "朔方市", "青山旗"]
    assert county[2:] == province[3 : len(county) + 1]


def test_codes_paths_and_id_numbers_are_unique():
    tables = rows_of("tiny-province")
    for model, column in [
        (Region, "code"),
        (Region, "path"),
        (Organization, "code"),
        (Organization, "path"),
        (Household, "code"),
        (Member, "id_number"),
    ]:
        index = COLUMNS[model].index(column)
        values = Counter(row[index] for row in tables[model])
        assert values.most_common(1)[0][1] == 1, (model.__name__, column)


def test_id_numbers_carry_birth_date_gender_and_check_digit():
    columns = COLUMNS[Member]
    for row in rows_of("tiny")[Member]:
        member = dict(zip(columns, row, strict=True))
        number = member["id_number"]
        assert number[6:14] == member["birth_date"].strftime("%Y%m%d")
        assert int(number[16]) % 2 == (1 if member["gender"] == "male" else 0)
        assert has_valid_check_character(number)


def test_the_county_scale_has_the_reference_shape():
    scale = SCALES["county"]
    assert (scale.towns + scale.sumu + scale.subdistricts, scale.villages) == (15, 210)
    assert (scale.members, scale.households) == (10_000, 60_000)
    assert SCALES["province"].counties == 100


def test_apportion_keeps_the_total_and_the_minimum():
    shares = apportion(100, [1.0, 2.0, 0.01], minimum=5)
    assert sum(shares) == 100
    assert min(shares) == 5
    assert shares[1] > shares[0]
