"""The Open311 GeoReport v2 endpoints (http://wiki.open311.org/GeoReport_v2) and service
discovery: ``/open311/discovery.{json,xml}`` and ``/open311/v2/…``. See docs/open311.md.

Each view parses its arguments, asks ``open311.domain`` and renders a tree with
``open311.formats``; any refusal is answered in the specification's error format with its
HTTP status. The GETs are public (no key, as in the specification) and show one county's
rows without any personal field; only POST needs an ``api_key``, issued by the county."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from core.text import CONTROL_MESSAGE, fields_with_control_characters
from open311.domain import public
from open311.domain.errors import Refused
from open311.domain.keys import authenticate
from open311.domain.submissions import PostInput, find_token, post_request
from open311.formats import Many, Open311Error, Root, parse_w3c, render
from open311.models import Submission
from orgs.models import Region
from services.models import ServiceItem, ServiceRequest

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"


def open311_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Answer ``Refused`` in the Open311 error format of the URL's suffix, after the checks
    every request passes: a POST's body is a form (GeoReport v2 posts
    ``application/x-www-form-urlencoded``; a body of any other type would be ignored, so it
    is refused with 415 instead), and no argument holds a control character (400)."""

    @wraps(view)
    def answer(request: HttpRequest, *args: Any, fmt: str, **kwargs: Any) -> HttpResponse:
        try:
            _check_input(request)
            return view(request, *args, fmt=fmt, **kwargs)
        except Refused as refused:
            return Open311Error(refused.status, *refused.messages).response(fmt)

    return answer


FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _check_input(request: HttpRequest) -> None:
    arguments = dict(request.GET.lists())
    if request.method == "POST":
        if request.body and request.content_type not in FORM_TYPES:
            raise Refused(
                415,
                "请求体应为表单（application/x-www-form-urlencoded），"
                f"不支持 {request.content_type or '未声明的类型'}。",
            )
        arguments.update(request.POST.lists())
    names = list(dict.fromkeys(fields_with_control_characters(arguments)))
    if names:
        raise Refused(400, *(f"{name} {CONTROL_MESSAGE}" for name in names))


def _county(request: HttpRequest) -> Region:
    return public.jurisdiction(request.GET.get("jurisdiction_id", ""))


def _split(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(",") if part.strip())


# --- discovery ------------------------------------------------------------------------------


@require_GET
@open311_view
def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    """Service discovery: where the GeoReport v2 endpoint is, its formats, who to ask."""
    only = list(public.counties()[:2])
    name = only[0].name if len(only) == 1 else "各旗县"
    changeset = public.changeset()
    document = {
        "changeset": changeset,
        "contact": f"{name}委组织部（领雁平台管理员）。",
        "key_service": f"api_key 由{name}的县级管理员在领雁平台“Open311 密钥”页面签发。",
        "endpoints": Many(
            "endpoints",
            "endpoint",
            [
                {
                    "specification": SPECIFICATION,
                    "url": request.build_absolute_uri("/open311/v2"),
                    "changeset": changeset,
                    "type": "production",
                    "formats": Many("formats", "format", ["text/xml", "application/json"]),
                }
            ],
        ),
    }
    return render(Root("discovery", document), fmt)


# --- services -------------------------------------------------------------------------------


def _keywords(item: ServiceItem) -> str:
    return ", ".join(
        [item.get_kind_display(), item.get_handling_level_display(), item.category.name]
    )


@require_GET
@open311_view
def service_list(request: HttpRequest, fmt: str) -> HttpResponse:
    county = _county(request)
    services = [
        {
            "service_code": item.code,
            "service_name": item.name,
            "description": item.description or item.name,
            # every service has the required village attribute (docs/open311.md)
            "metadata": True,
            "type": "batch",
            "keywords": _keywords(item),
            "group": item.category.name,
        }
        for item in public.items(county)
    ]
    return render(Many("services", "service", services), fmt)


@require_GET
@open311_view
def service_definition(request: HttpRequest, service_code: str, fmt: str) -> HttpResponse:
    county = _county(request)
    item = public.item(county, service_code)
    if item is None:
        raise Refused(404, f"service_code 不存在：{service_code}")
    villages = [{"key": v.code, "name": public.place_name(v)} for v in public.villages(county)]
    attributes: list[dict[str, Any]] = [
        {
            "variable": True,
            "code": public.VILLAGE_ATTRIBUTE,
            "datatype": "singlevaluelist",
            "required": True,
            "datatype_description": "从列表中选择一个村（嘎查、社区）",
            "order": 1,
            "description": "诉求所在的村（嘎查、社区）：诉求进入该村的派单队列。",
            "values": Many("values", "value", villages),
        }
    ]
    if item.materials:
        attributes.append(
            {
                "variable": False,
                "code": "materials",
                "datatype": "text",
                "required": False,
                "datatype_description": None,
                "order": 2,
                "description": f"申请材料：{item.materials}",
                "values": Many("values", "value", []),
            }
        )
    definition = {
        "service_code": item.code,
        "attributes": Many("attributes", "attribute", attributes),
    }
    return render(Root("service_definition", definition), fmt)


# --- requests -------------------------------------------------------------------------------


def _notice(item: ServiceItem) -> str:
    return f"{item.get_handling_level_display()}办理，办理时限 {item.time_limit_days} 天。"


def _submission(row: ServiceRequest) -> Submission | None:
    try:
        return row.open311
    except Submission.DoesNotExist:
        return None


def _request_row(row: ServiceRequest) -> dict[str, Any]:
    """A request as GeoReport v2 describes it. Nothing personal (docs/open311.md)."""
    assert row.item is not None
    made_here = row.source == ServiceRequest.Source.OPEN311
    submission = _submission(row) if made_here else None
    place = public.place_name(row.region)
    address = f"{row.address}，{place}" if made_here and row.address else place
    agency = row.unit.name if row.unit is not None else None
    if agency is None and row.self_handled:
        agency = row.region.name
    return {
        "service_request_id": str(row.pk),
        "status": public.open311_status(row),
        "status_notes": row.get_status_display(),
        "service_name": row.item.name,
        "service_code": row.item.code,
        "description": public.mask_text(row.description) if made_here else None,
        "agency_responsible": agency,
        "service_notice": _notice(row.item),
        "requested_datetime": row.submitted_at,
        "updated_datetime": row.updated_at,
        "expected_datetime": row.due_at,
        "address": address,
        "address_id": row.region.code,
        "zipcode": None,
        "lat": float(row.latitude) if made_here and row.latitude is not None else None,
        "long": float(row.longitude) if made_here and row.longitude is not None else None,
        "media_url": (submission.media_url or None) if submission is not None else None,
    }


def _filters(request: HttpRequest) -> public.Filters:
    """GET Service Requests' arguments; 400 for a malformed one."""
    problems = []
    ids: list[int] = []
    for part in _split(request.GET.get("service_request_id", "")):
        if part.isdigit():
            ids.append(int(part))
        else:
            problems.append(f"service_request_id 无效：{part}")
    statuses = _split(request.GET.get("status", ""))
    for status in statuses:
        if status not in public.STATUSES:
            problems.append(f"status 只能是 open 或 closed：{status}")
    dates = {}
    for name in ("start_date", "end_date"):
        value = request.GET.get(name, "").strip()
        dates[name] = parse_w3c(value) if value else None
        if value and dates[name] is None:
            problems.append(f"{name} 应为 W3C 日期时间，如 2026-01-01T00:00:00+08:00：{value}")
    start, end = dates["start_date"], dates["end_date"]
    if start and end:
        if end < start:
            problems.append("end_date 不能早于 start_date。")
        elif end - start > public.WINDOW:
            problems.append("start_date 与 end_date 相距不能超过 90 天。")
    if problems:
        raise Refused(400, *problems)
    return public.Filters(
        ids=tuple(ids),
        codes=_split(request.GET.get("service_code", "")),
        statuses=statuses,
        start=start,
        end=end,
    )


def _post(request: HttpRequest, fmt: str) -> HttpResponse:
    api_key = authenticate(request.POST.get("api_key", ""))
    if api_key is None:
        raise Refused(403, "api_key 缺失或无效，无法提交诉求。")
    county = public.jurisdiction(request.POST.get("jurisdiction_id", ""), fallback=api_key.region)
    submission = post_request(api_key, county, PostInput.from_form(dict(request.POST.lists())))
    answer = {
        "token": submission.token,
        "service_notice": _notice(submission.request.item),
        "account_id": submission.account_id or None,
    }
    return render(Many("service_requests", "request", [answer]), fmt)


@csrf_exempt  # a client authenticated by its api_key, never by a browser's cookie
@require_http_methods(["GET", "POST"])
@open311_view
def requests(request: HttpRequest, fmt: str) -> HttpResponse:
    if request.method == "POST":
        return _post(request, fmt)
    county = _county(request)
    rows = public.requests(county, _filters(request), timezone.now())
    return render(Many("service_requests", "request", [_request_row(r) for r in rows]), fmt)


@require_GET
@open311_view
def request_detail(request: HttpRequest, service_request_id: str, fmt: str) -> HttpResponse:
    county = _county(request)
    row = public.request(county, int(service_request_id)) if service_request_id.isdigit() else None
    if row is None:
        raise Refused(404, f"service_request_id 不存在：{service_request_id}")
    return render(Many("service_requests", "request", [_request_row(row)]), fmt)


@require_GET
@open311_view
def token(request: HttpRequest, token: str, fmt: str) -> HttpResponse:
    county = _county(request)
    submission = find_token(county, token)
    if submission is None:
        raise Refused(404, f"token 不存在：{token}")
    answer = {"service_request_id": str(submission.request_id), "token": submission.token}
    return render(Many("service_requests", "request", [answer]), fmt)
