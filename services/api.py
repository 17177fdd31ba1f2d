"""Services over the JSON API, for phone clients (the mini-program): the catalogue, the
service centres, residents' requests (scoped lists, detail with history, submission with
photos and an idempotency key, and every move of 派单 → 接单 → 办结 → 评单), and micro-wishes
(list, post, claim, fulfil with a photo, confirm).

Rows are reached only through ``accounts.scope``; writes go through ``services.domain``. A
refusal answers with the API's one error shape: 422 with per-field ``errors`` for bad input,
403 when the move is not the caller's, 409 when the row's state no longer allows it."""

from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.urls import reverse
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.errors import ValidationError
from ninja.files import UploadedFile
from ninja.pagination import paginate

from accounts.scope import get_for_user, scope_for, visible
from core.api import BINARY_200, ERRORS, ApiError, ErrorOut, Page, cleaned_photos
from core.pages import serve
from core.paths import subtree_q
from core.photos import PhotoError, clean_photo
from orgs.api import Ref
from orgs.models import Household, Region
from services.domain import figures, requests, wishes
from services.domain.requests import RequestRefused
from services.models import (
    CommunityRegistration,
    RequestEvent,
    RequestStatus,
    ServiceCategory,
    ServiceCentre,
    ServiceItem,
    ServiceRequest,
    Wish,
    WishEvent,
    WishStatus,
)

router = Router(tags=["党群服务"])
MOVE_ERRORS: dict[int, type[Schema]] = {**ERRORS, 403: ErrorOut, 409: ErrorOut}
REQUESTS = ServiceRequest.objects.select_related("item", "region", "unit", "household")


def refused(error: RequestRefused) -> Exception:
    """The domain's refusal as the API's error: 403 / 409 / 422 with the fields."""
    message = str(error)
    if error.code == "forbidden":
        return ApiError(403, "forbidden", message)
    if error.code == "conflict":
        return ApiError(409, "conflict", message)
    return ValidationError(
        [
            {"loc": ("body", "data", name or "__all__"), "msg": m, "type": "value_error"}
            for name, messages in error.errors.items()
            for m in messages
        ]
    )


# ---------------------------------------------------------------------------------------------
# Schemas


class CategoryOut(Schema):
    id: int
    code: str
    name: str
    position: int


class ItemOut(Schema):
    id: int
    code: str = Field(description="事项编码（本旗县内唯一，即 Open311 的 service_code）")
    name: str
    kind: str = Field(description="public_service 公共服务事项 / approval 行政审批事项")
    kind_label: str
    category: Ref
    handling_level: str = Field(description="county / township / village：办理层级")
    time_limit_days: int = Field(description="办理时限（天）")
    materials: str = Field(description="申请材料")
    description: str

    @staticmethod
    def resolve_kind_label(obj: ServiceItem) -> str:
        return obj.get_kind_display()


class WindowOut(Schema):
    name: str
    handles: str


class CentreOut(Schema):
    id: int
    code: str
    name: str
    level: str = Field(description="county / township / village")
    region: Ref
    address: str
    phone: str
    opening_hours: str
    desk_count: int
    windows: list[WindowOut]
    proxy_item_ids: list[int] = Field(description="代办事项（服务事项 ID）")

    @staticmethod
    def resolve_windows(obj: ServiceCentre) -> list[Any]:
        return list(obj.windows.all())

    @staticmethod
    def resolve_proxy_item_ids(obj: ServiceCentre) -> list[int]:
        return [item.pk for item in obj.proxy_items.all()]


class ServiceEventOut(Schema):
    from_status: str
    to_status: str
    to_status_label: str
    actor: str | None
    unit: Ref | None
    at: datetime
    note: str

    @staticmethod
    def resolve_to_status_label(obj: RequestEvent | WishEvent) -> str:
        return obj.get_to_status_display()

    @staticmethod
    def resolve_actor(obj: RequestEvent | WishEvent) -> str | None:
        return (obj.actor.display_name or obj.actor.username) if obj.actor else None

    @staticmethod
    def resolve_unit(obj: Any) -> Any:
        return getattr(obj, "unit", None)


class RequestPhotoOut(Schema):
    id: int
    stage: str = Field(description="submitted 诉求照片 / done 办结照片")
    url: str
    thumbnail_url: str

    @staticmethod
    def resolve_url(obj: Any) -> str:
        return reverse(
            "api:services_request_photo", kwargs={"id": obj.request_id, "photo_id": obj.pk}
        )

    @staticmethod
    def resolve_thumbnail_url(obj: Any) -> str:
        return RequestPhotoOut.resolve_url(obj) + "?thumb=true"


class RequestOut(Schema):
    id: int
    title: str
    item: Ref | None = Field(description="服务事项；自由描述的诉求为空")
    region: Ref
    household_id: int | None
    status: str = Field(description="submitted / dispatched / accepted / done / rated / rejected")
    status_label: str
    unit: Ref | None = Field(description="承办单位")
    self_handled: bool = Field(description="村（社区）自办")
    proxy: bool = Field(description="代办")
    submitted_at: datetime
    due_at: datetime
    done_at: datetime | None
    overdue: bool
    rating: int | None
    rating_comment: str
    reopened: int
    source: str

    @staticmethod
    def resolve_status_label(obj: ServiceRequest) -> str:
        return obj.get_status_display()

    @staticmethod
    def resolve_proxy(obj: ServiceRequest) -> bool:
        return obj.proxy_by_id is not None

    @staticmethod
    def resolve_overdue(obj: ServiceRequest) -> bool:
        return requests.is_overdue(obj)


class RequestDetailOut(RequestOut):
    description: str
    address: str
    latitude: Decimal | None
    longitude: Decimal | None
    result_note: str = Field(description="办理结果")
    proposed_unit: Ref | None = Field(description="派单路由建议的承办单位")
    actions: list[str] = Field(description="当前账号此刻可做的操作")
    photos: list[RequestPhotoOut]
    history: list[ServiceEventOut]

    @staticmethod
    def resolve_photos(obj: ServiceRequest) -> list[Any]:
        return list(obj.photos.order_by("pk"))

    @staticmethod
    def resolve_history(obj: ServiceRequest) -> list[Any]:
        return list(obj.events.select_related("actor", "unit"))

    @staticmethod
    def resolve_proposed_unit(obj: ServiceRequest) -> Any:
        return requests.proposed_unit(obj) if obj.status == RequestStatus.SUBMITTED else None

    @staticmethod
    def resolve_actions(obj: ServiceRequest) -> list[str]:
        return getattr(obj, "actions", [])


class RequestQuery(Schema):
    region: int | None = Field(None, description="只列出该区划（含下级）内的诉求")
    status: Literal[*RequestStatus.values] | None = Field(None, description="状态")  # type: ignore[valid-type]
    flag: Literal["open", "overdue", "finished", "on_time", "late", "rated"] | None = Field(
        None, description="指挥中心的筛选：未办结 / 超期 / 已办结 / 期限内办结 / 超期办结 / 已评价"
    )
    unit: int | None = Field(None, description="承办单位")


class RequestForm(Schema):
    """A request (multipart/form-data, photos as ``photos`` files)."""

    item: int | None = Field(None, description="服务事项 ID；不在目录中的诉求留空并填写 title")
    title: str = Field("", max_length=150)
    description: str = Field(max_length=4000, description="诉求描述")
    household: int | None = Field(None, description="代办时为哪一户；本户账号可不填")
    latitude: Decimal | None = Field(None, ge=-90, le=90)
    longitude: Decimal | None = Field(None, ge=-180, le=180)
    address: str = Field("", max_length=200)
    idempotency_key: str | None = Field(
        None, max_length=64, description="幂等键：同一账号用同一键重试只会创建一件诉求"
    )


class MoveIn(Schema):
    note: str = Field(
        "", max_length=2000, description="说明：退回原因、不予受理原因、办理结果、重办原因"
    )


class DispatchIn(MoveIn):
    unit: int | None = Field(None, description="派给的单位；留空表示村（社区）自办")


class RateIn(Schema):
    rating: int = Field(ge=1, le=5, description="1–5 分")
    comment: str = Field("", max_length=500)


class ItemQuery(Schema):
    category: int | None = Field(None, description="服务类别 ID")
    kind: Literal["public_service", "approval"] | None = Field(None, description="事项类型")
    q: str | None = Field(None, max_length=50, description="按名称查找")


class WishOut(Schema):
    id: int
    title: str
    description: str
    region: Ref
    status: str = Field(description="posted / claimed / fulfilled / confirmed")
    status_label: str
    posted_at: datetime
    claimant_kind: str = Field(description="member / in_service / unit；未认领为空")
    claimant_name: str
    claimed_at: datetime | None
    fulfilled_at: datetime | None
    fulfil_note: str
    confirmed_at: datetime | None

    @staticmethod
    def resolve_status_label(obj: Wish) -> str:
        return obj.get_status_display()


class WishDetailOut(WishOut):
    actions: list[str]
    history: list[ServiceEventOut]

    @staticmethod
    def resolve_history(obj: Wish) -> list[Any]:
        return list(obj.events.select_related("actor"))

    @staticmethod
    def resolve_actions(obj: Wish) -> list[str]:
        return getattr(obj, "actions", [])


class WishIn(Schema):
    title: str = Field(max_length=100)
    description: str = Field("", max_length=1000)
    idempotency_key: str | None = Field(None, max_length=64)


class WishQuery(Schema):
    region: int | None = None
    status: Literal[*WishStatus.values] | None = None  # type: ignore[valid-type]


class FulfilForm(Schema):
    note: str = Field(max_length=2000, description="实现情况")


class RegistrationOut(Schema):
    id: int
    member_id: int
    region: Ref
    registered_at: datetime
    active: bool


# ---------------------------------------------------------------------------------------------
# Helpers


def request_detail_of(request: HttpRequest, pk: int) -> ServiceRequest:
    obj = get_for_user(request.user, REQUESTS, pk)
    obj.actions = requests.available(request.user, obj)  # type: ignore[attr-defined]
    return obj


def wish_detail_of(request: HttpRequest, pk: int) -> Wish:
    obj = get_for_user(request.user, Wish.objects.select_related("region"), pk)
    scope = scope_for(request.user)
    own = obj.household_id in scope.household_ids or obj.posted_by_id == request.user.pk
    actions = []
    if obj.status == WishStatus.POSTED and wishes.claimant_for(request.user, obj) is not None:
        actions.append("claim")
    if obj.status == WishStatus.CLAIMED and obj.claimed_by_id == request.user.pk:
        actions.append("fulfil")
    if obj.status == WishStatus.FULFILLED and own:
        actions.append("confirm")
    obj.actions = actions  # type: ignore[attr-defined]
    return obj


def own_household(request: HttpRequest) -> Household | None:
    scope = scope_for(request.user)
    if not scope.household_ids:
        return None
    return (
        visible(request.user, Household)
        .filter(pk__in=sorted(scope.household_ids))
        .order_by("pk")
        .first()
    )


# ---------------------------------------------------------------------------------------------
# The catalogue and the centres


@router.get("/categories/", response={200: list[CategoryOut], **ERRORS}, summary="服务类别")
@paginate(Page)
def list_categories(request: HttpRequest) -> QuerySet[ServiceCategory]:
    return visible(request.user, ServiceCategory).order_by("region_path", "position", "code")


@router.get("/items/", response={200: list[ItemOut], **ERRORS}, summary="服务事项（服务目录）")
@paginate(Page)
def list_items(request: HttpRequest, params: Query[ItemQuery]) -> QuerySet[ServiceItem]:
    category, kind, q = params.category, params.kind, params.q
    rows = visible(request.user, ServiceItem).filter(active=True).select_related("category")
    if category is not None:
        rows = rows.filter(category_id=get_for_user(request.user, ServiceCategory, category).pk)
    if kind:
        rows = rows.filter(kind=kind)
    if q:
        rows = rows.filter(name__contains=q)
    return rows.order_by("category__position", "code")


@router.get("/items/{id}", response={200: ItemOut, **ERRORS}, summary="服务事项详情")
def item_detail(request: HttpRequest, id: int) -> ServiceItem:
    return get_for_user(request.user, ServiceItem.objects.select_related("category"), id)


@router.get("/centres/", response={200: list[CentreOut], **ERRORS}, summary="党群服务中心")
@paginate(Page)
def list_centres(request: HttpRequest, region: int | None = None) -> QuerySet[ServiceCentre]:
    rows = visible(request.user, ServiceCentre).select_related("region")
    if region is not None:
        rows = rows.filter(
            subtree_q("region_path", get_for_user(request.user, Region, region).path)
        )
    return rows.prefetch_related("windows", "proxy_items").order_by("region_path", "code")


@router.get("/centres/{id}", response={200: CentreOut, **ERRORS}, summary="服务中心详情")
def centre_detail(request: HttpRequest, id: int) -> ServiceCentre:
    return get_for_user(request.user, ServiceCentre.objects.select_related("region"), id)


# ---------------------------------------------------------------------------------------------
# Requests


@router.get("/requests/", response={200: list[RequestOut], **ERRORS}, summary="服务诉求列表")
@paginate(Page)
def list_requests(request: HttpRequest, params: Query[RequestQuery]) -> QuerySet[ServiceRequest]:
    """A resident sees their household's, a unit what was dispatched to it, a branch its
    village's, an admin the subtree's."""
    rows = visible(request.user, REQUESTS)
    if params.region is not None:
        rows = rows.filter(
            subtree_q("region_path", get_for_user(request.user, Region, params.region).path)
        )
    if params.status:
        rows = rows.filter(status=params.status)
    if params.flag:
        rows = rows.filter(figures.flag_q(params.flag))
    if params.unit is not None:
        rows = rows.filter(unit_id=params.unit)
    return rows.order_by("-submitted_at", "-id")


@router.get(
    "/requests/{id}",
    response={200: RequestDetailOut, **ERRORS},
    summary="服务诉求详情（含办理记录）",
)
def request_detail(request: HttpRequest, id: int) -> ServiceRequest:
    return request_detail_of(request, id)


@router.post(
    "/requests/",
    response={201: RequestDetailOut, **MOVE_ERRORS},
    summary="提交服务诉求（multipart/form-data，可附照片；代办时指定 household）",
)
def submit(
    request: HttpRequest,
    data: Form[RequestForm],
    photos: File[list[UploadedFile]] = None,  # type: ignore[assignment]
) -> Status:
    """群众点单. A retry with the same ``idempotency_key`` returns the first request (201)."""
    household = (
        get_for_user(request.user, Household, data.household)
        if data.household is not None
        else own_household(request)
    )
    item = get_for_user(request.user, ServiceItem, data.item) if data.item is not None else None
    own = own_household(request)
    try:
        created = requests.submit_request(
            request.user,
            requests.RequestInput(
                description=data.description,
                item=item,
                title=data.title,
                household=household,
                proxy=household is not None and household != own,
                latitude=data.latitude,
                longitude=data.longitude,
                address=data.address,
                photos=cleaned_photos(photos or []),
                client_key=(data.idempotency_key or "").strip() or None,
                source=ServiceRequest.Source.API,
            ),
        )
    except RequestRefused as error:
        raise refused(error) from None
    return Status(201, request_detail_of(request, created.pk))


def _move(request: HttpRequest, id: int, work) -> ServiceRequest:
    obj = get_for_user(request.user, REQUESTS, id, write=True)
    try:
        work(obj)
    except RequestRefused as error:
        raise refused(error) from None
    # The moved row itself (refreshed by the domain): after a send-back the unit no longer
    # sees it in lists, but it is told what became of it.
    obj.actions = requests.available(request.user, obj)  # type: ignore[attr-defined]
    return obj


@router.post(
    "/requests/{id}/dispatch",
    response={200: RequestDetailOut, **MOVE_ERRORS},
    summary="派单（或村（社区）自办）",
)
def dispatch(request: HttpRequest, id: int, data: Form[DispatchIn]) -> ServiceRequest:
    def work(obj: ServiceRequest) -> None:
        unit = None
        if data.unit is not None:
            unit = next((u for u in requests.units_for(obj) if u.pk == data.unit), None)
            if unit is None:
                raise RequestRefused({"unit": ["该单位不服务此诉求所在的区域。"]})
        requests.dispatch(request.user, obj, unit, data.note)

    return _move(request, id, work)


@router.post(
    "/requests/{id}/reject", response={200: RequestDetailOut, **MOVE_ERRORS}, summary="不予受理"
)
def reject(request: HttpRequest, id: int, data: Form[MoveIn]) -> ServiceRequest:
    return _move(request, id, lambda obj: requests.reject(request.user, obj, data.note))


@router.post(
    "/requests/{id}/accept", response={200: RequestDetailOut, **MOVE_ERRORS}, summary="接单"
)
def accept(request: HttpRequest, id: int, data: Form[MoveIn]) -> ServiceRequest:
    return _move(request, id, lambda obj: requests.accept(request.user, obj, data.note))


@router.post(
    "/requests/{id}/send-back",
    response={200: RequestDetailOut, **MOVE_ERRORS},
    summary="退回派单人",
)
def send_back(request: HttpRequest, id: int, data: Form[MoveIn]) -> ServiceRequest:
    return _move(request, id, lambda obj: requests.send_back(request.user, obj, data.note))


@router.post(
    "/requests/{id}/finish",
    response={200: RequestDetailOut, **MOVE_ERRORS},
    summary="办结（multipart/form-data，可附办结照片）",
)
def finish(
    request: HttpRequest,
    id: int,
    data: Form[MoveIn],
    photos: File[list[UploadedFile]] = None,  # type: ignore[assignment]
) -> ServiceRequest:
    cleaned = cleaned_photos(photos or [])
    return _move(request, id, lambda obj: requests.finish(request.user, obj, data.note, cleaned))


@router.post(
    "/requests/{id}/rate", response={200: RequestDetailOut, **MOVE_ERRORS}, summary="评单（1–5 分）"
)
def rate(request: HttpRequest, id: int, data: Form[RateIn]) -> ServiceRequest:
    return _move(
        request, id, lambda obj: requests.rate(request.user, obj, data.rating, data.comment)
    )


@router.post(
    "/requests/{id}/reopen",
    response={200: RequestDetailOut, **MOVE_ERRORS},
    summary="申请重新办理（仅一次）",
)
def reopen(request: HttpRequest, id: int, data: Form[MoveIn]) -> ServiceRequest:
    return _move(request, id, lambda obj: requests.reopen(request.user, obj, data.note))


@router.get(
    "/requests/{id}/photos/{photo_id}",
    response={**ERRORS},
    summary="诉求照片（?thumb=true 取缩略图）",
    url_name="services_request_photo",
    openapi_extra=BINARY_200,
)
def request_photo(request: HttpRequest, id: int, photo_id: int, thumb: bool = False) -> Any:
    obj = get_for_user(request.user, ServiceRequest, id)
    photo = obj.photos.filter(pk=photo_id).first()
    if photo is None:
        raise Http404
    return serve(photo.thumbnail if thumb else photo.image)


# ---------------------------------------------------------------------------------------------
# Wishes


@router.get("/wishes/", response={200: list[WishOut], **ERRORS}, summary="微心愿（本社区心愿墙）")
@paginate(Page)
def list_wishes(request: HttpRequest, params: Query[WishQuery]) -> QuerySet[Wish]:
    rows = visible(request.user, Wish).select_related("region")
    if params.region is not None:
        rows = rows.filter(
            subtree_q("region_path", get_for_user(request.user, Region, params.region).path)
        )
    if params.status:
        rows = rows.filter(status=params.status)
    return rows.order_by("-posted_at", "-id")


@router.get("/wishes/{id}", response={200: WishDetailOut, **ERRORS}, summary="微心愿详情")
def wish_detail(request: HttpRequest, id: int) -> Wish:
    return wish_detail_of(request, id)


@router.post("/wishes/", response={201: WishDetailOut, **MOVE_ERRORS}, summary="发布微心愿（本户）")
def post_wish(request: HttpRequest, data: Form[WishIn]) -> Status:
    household = own_household(request)
    if household is None:
        raise ApiError(403, "forbidden", "只有群众（农户）账号可以发布心愿。")
    try:
        wish = wishes.post_wish(
            request.user,
            wishes.WishInput(
                title=data.title,
                description=data.description,
                household=household,
                client_key=(data.idempotency_key or "").strip() or None,
            ),
        )
    except RequestRefused as error:
        raise refused(error) from None
    return Status(201, wish_detail_of(request, wish.pk))


def _wish_move(request: HttpRequest, id: int, work) -> Wish:
    obj = get_for_user(request.user, Wish, id)
    try:
        work(obj)
    except RequestRefused as error:
        raise refused(error) from None
    return wish_detail_of(request, id)


@router.post("/wishes/{id}/claim", response={200: WishDetailOut, **MOVE_ERRORS}, summary="认领")
def claim(request: HttpRequest, id: int) -> Wish:
    return _wish_move(request, id, lambda wish: wish.claim(request.user))


@router.post(
    "/wishes/{id}/fulfil",
    response={200: WishDetailOut, **MOVE_ERRORS},
    summary="登记实现情况（multipart/form-data，可附照片）",
)
def fulfil(
    request: HttpRequest,
    id: int,
    data: Form[FulfilForm],
    photo: File[UploadedFile] = None,  # type: ignore[assignment]
) -> Wish:
    cleaned = None
    if photo is not None:
        try:
            cleaned = clean_photo(photo, photo.name or "photo")
        except PhotoError as error:
            raise ValidationError(
                [{"loc": ("form", "photo"), "msg": str(error), "type": "value_error"}]
            ) from None
    return _wish_move(
        request, id, lambda wish: wishes.fulfil_wish(request.user, wish, data.note, cleaned)
    )


@router.post(
    "/wishes/{id}/confirm", response={200: WishDetailOut, **MOVE_ERRORS}, summary="确认心愿已实现"
)
def confirm(request: HttpRequest, id: int, data: Form[MoveIn]) -> Wish:
    return _wish_move(request, id, lambda wish: wishes.confirm_wish(request.user, wish, data.note))


@router.get(
    "/registrations/", response={200: list[RegistrationOut], **ERRORS}, summary="双报到记录"
)
@paginate(Page)
def list_registrations(request: HttpRequest) -> QuerySet[CommunityRegistration]:
    return (
        visible(request.user, CommunityRegistration)
        .select_related("region")
        .order_by("region_path", "pk")
    )
