"""POST Service Request (GeoReport v2): an Open311 client's request becomes an ordinary
service request of the platform — ``services.domain.requests.submit_request`` with
``source=open311`` — in the dispatch queue of the village the client chose, and goes
through dispatch → accept → done like any other. What the platform has no field for (the
attribute values, the submitter's contact details, the token) is kept in ``Submission``.
"""

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import transaction

from audit.log import Action, record
from open311.domain import public
from open311.domain.errors import Refused
from open311.models import ApiKey, Submission
from orgs.models import Region
from services.domain.requests import RequestInput, RequestRefused, submit_request
from services.models import ServiceItem

DESCRIPTION_LIMIT = 4000  # GeoReport v2: description "limited to 4,000 characters"
ATTRIBUTE = re.compile(r"^attribute\[([^\[\]]+)\](\[\])?$")


@dataclass
class PostInput:
    """The form-encoded arguments of a POST, as the specification names them."""

    service_code: str = ""
    lat: str = ""
    long: str = ""
    address_string: str = ""
    address_id: str = ""
    email: str = ""
    device_id: str = ""
    account_id: str = ""
    first_name: str = ""
    last_name: str = ""
    phone: str = ""
    description: str = ""
    media_url: str = ""
    attributes: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def from_form(cls, form: Mapping[str, Sequence[str]]) -> "PostInput":
        """From a form's lists of values (a ``QueryDict``'s ``lists()``). ``attribute[code]``
        carries one value, ``attribute[code][]`` several (a multivaluelist)."""
        data = cls()
        for name, values in form.items():
            match = ATTRIBUTE.match(name)
            if match:
                kept = [v.strip() for v in values if v.strip()]
                if kept:
                    data.attributes.setdefault(match.group(1), []).extend(kept)
            elif name in cls.__dataclass_fields__ and name != "attributes" and values:
                setattr(data, name, values[-1].strip())
        return data


def _coordinate(value: str, name: str, bound: int, problems: list[str]) -> Decimal | None:
    try:
        number = Decimal(value)
    except InvalidOperation:
        problems.append(f"{name} 不是数字：{value}")
        return None
    if not number.is_finite() or not -bound <= number <= bound:
        problems.append(f"{name} 应在 -{bound} 到 {bound} 之间。")
        return None
    return number.quantize(Decimal("0.000001"))


@dataclass(frozen=True)
class Checked:
    item: ServiceItem
    village: Region
    latitude: Decimal | None
    longitude: Decimal | None


def check(county: Region, data: PostInput) -> Checked:
    """The service, the village and the location of a POST, or ``Refused``: 400 for missing
    or malformed arguments (all of them reported at once), 404 for a service_code the
    county does not have."""
    if not data.service_code:
        raise Refused(400, "缺少 service_code。")
    item = public.item(county, data.service_code)
    if item is None:
        raise Refused(404, f"service_code 不存在：{data.service_code}")
    problems: list[str] = []
    latitude = longitude = None
    if bool(data.lat) != bool(data.long):
        problems.append("lat 与 long 须同时提供。")
    elif data.lat:
        latitude = _coordinate(data.lat, "lat", 90, problems)
        longitude = _coordinate(data.long, "long", 180, problems)
    if not (data.lat and data.long) and not data.address_string and not data.address_id:
        problems.append("缺少位置：请提供 lat 和 long，或 address_string，或 address_id。")
    chosen = data.attributes.get(public.VILLAGE_ATTRIBUTE, [])
    village = None
    if not chosen:
        problems.append(
            f"缺少必填属性 attribute[{public.VILLAGE_ATTRIBUTE}]（诉求所在的村、社区）。"
        )
    elif len(chosen) > 1:
        problems.append(f"attribute[{public.VILLAGE_ATTRIBUTE}] 只能选择一个值。")
    else:
        village = public.village(county, chosen[0])
        if village is None:
            problems.append(f"attribute[{public.VILLAGE_ATTRIBUTE}] 的取值无效：{chosen[0]}")
    if len(data.description) > DESCRIPTION_LIMIT:
        problems.append(f"description 不能超过 {DESCRIPTION_LIMIT} 个字符。")
    if data.media_url and not re.match(r"^https?://", data.media_url):
        problems.append("media_url 应为 http 或 https 链接。")
    if problems:
        raise Refused(400, *problems)
    assert village is not None
    return Checked(item, village, latitude, longitude)


def post_request(api_key: ApiKey, county: Region, data: PostInput) -> Submission:
    """Create the service request an Open311 client posted with ``api_key`` for ``county``.

    Side effects, in one transaction: a ``ServiceRequest`` in state ``submitted`` with its
    first event, its audit entry and the notice to the village's dispatchers (all by
    ``submit_request``); the ``Submission`` with a fresh token; an audit entry naming the
    client. Raises ``Refused`` (403 for a key of another county, 400/404 as ``check``)."""
    if api_key.region_id != county.pk:
        raise Refused(403, "该 api_key 不属于此辖区（jurisdiction_id）。")
    checked = check(county, data)
    description = data.description or checked.item.name
    with transaction.atomic():
        try:
            request = submit_request(
                None,
                RequestInput(
                    description=description,
                    item=checked.item,
                    region=checked.village,
                    latitude=checked.latitude,
                    longitude=checked.longitude,
                    address=data.address_string,
                    source="open311",
                ),
            )
        except RequestRefused as refused:
            raise Refused(400, *[m for ms in refused.errors.values() for m in ms]) from None
        submission = Submission.objects.create(
            request=request,
            api_key=api_key,
            region_path=request.region_path,
            token=Submission.new_token(),
            attributes=data.attributes,
            address_id=data.address_id[:64],
            email=data.email[:254],
            phone=data.phone[:32],
            first_name=data.first_name[:50],
            last_name=data.last_name[:50],
            device_id=data.device_id[:100],
            account_id=data.account_id[:100],
            media_url=data.media_url[:500],
        )
        record(
            None,
            Action.CREATE,
            submission,
            region_path=request.region_path,
            summary=f"Open311 客户端「{api_key.client_name}」提交诉求 {request.pk}",
        )
    return submission


def find_token(county: Region, token: str) -> Submission | None:
    return (
        Submission.objects.filter(token=token, region_path__startswith=county.path)
        .select_related("request")
        .first()
    )
