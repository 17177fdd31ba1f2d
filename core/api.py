"""What every app's API router shares: one shape for errors (``{"detail", "code"}``; 422
adds per-field ``errors``) and the paginator. The ``NinjaAPI`` instance that mounts the
routers lives in ``lingyan/api.py``."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Schema
from ninja.errors import HttpError, ValidationError
from ninja.files import UploadedFile
from ninja.pagination import LimitOffsetPagination
from ninja.parser import Parser

from core.photos import CleanPhoto, PhotoError, clean_photo


class ErrorOut(Schema):
    """Every error answer: a message for people and a stable code for programs."""

    detail: str
    code: str


class FieldErrorOut(Schema):
    field: str = Field(description="出错的参数，如 limit 或 username")
    message: str


class InvalidOut(ErrorOut):
    """422: the request's parameters or body did not validate."""

    errors: list[FieldErrorOut]


# The error answers every authenticated endpoint may give, for its ``response=`` mapping.
ERRORS: dict[int, type[Schema]] = {401: ErrorOut, 404: ErrorOut, 422: InvalidOut}


class ApiError(HttpError):
    """An error answered as ``{"detail": detail, "code": code}`` with HTTP ``status``."""

    def __init__(self, status: int, code: str, detail: str) -> None:
        super().__init__(status, detail)
        self.code = code


class Forbidden(ApiError):
    """403: the row is visible to the user, but the action is not theirs to take."""

    def __init__(self, detail: str) -> None:
        super().__init__(403, "forbidden", detail)


FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class FormOrJsonParser(Parser):
    """How the API reads a body, for every endpoint at once. An endpoint whose fields are
    declared as a form (``Form[...]``) takes them as a form *or* as a JSON object: a JSON
    body is never silently ignored, so ``{"unit": 7}`` sent to ``dispatch`` dispatches to
    unit 7 instead of acting on empty defaults. A body of any other type is refused with
    415 before the endpoint acts."""

    def parse_querydict(
        self, data: Any, list_fields: list[str], request: HttpRequest
    ) -> dict[str, Any]:
        if data is request.POST and request.content_type not in FORM_TYPES and request.body:
            if request.content_type != "application/json":
                raise ApiError(
                    415,
                    "unsupported_media_type",
                    "请求体应为 JSON（application/json）或表单"
                    "（application/x-www-form-urlencoded、multipart/form-data）。",
                )
            try:
                body = self.parse_body(request)
            except ValueError:
                raise ApiError(400, "bad_request", "请求体无法解析，请发送有效的 JSON。") from None
            if not isinstance(body, dict):
                raise ApiError(400, "bad_request", "请求体应为 JSON 对象。")
            return body
        return super().parse_querydict(data, list_fields, request)


def _answer(description: str, schema: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
    }


def document_shared_answers(schema: Any) -> Any:
    """The OpenAPI description says what the mechanisms every endpoint shares do: every form
    body (without files) may be sent as JSON too (``FormOrJsonParser``); any operation may
    answer 422 (``core.middleware.ApiInputMiddleware``: control characters, numbers and
    dates out of range), one with an id in its path 404, one with a body 400 (a body that
    cannot be parsed) and, when it takes a form, 415."""
    for path, operations in schema.get("paths", {}).items():
        for operation in operations.values():
            # ninja keys its answers by int, JSON by str: one key per status, or the document
            # says "422" twice (and Swagger UI refuses a duplicated key).
            answers: dict[str, Any] = {}
            for status, answer in operation.get("responses", {}).items():
                answers.setdefault(str(status), answer)
            operation["responses"] = answers
            answers.setdefault("422", _answer("请求参数有误", "InvalidOut"))
            if "{" in path:
                answers.setdefault("404", _answer("未找到该记录，或您无权访问", "ErrorOut"))
            content = (operation.get("requestBody") or {}).get("content", {})
            if content:
                answers.setdefault("400", _answer("请求体无法解析", "ErrorOut"))
            if any(kind in content for kind in FORM_TYPES):
                answers.setdefault("415", _answer("请求体的类型不受支持", "ErrorOut"))
            form = content.get("application/x-www-form-urlencoded")
            if form is not None:
                content.setdefault("application/json", form)
    return schema


@dataclass
class Listing:
    """What a list view returns when the rows of a page need more than their own columns:
    the paginator slices ``rows`` and calls ``prepare`` once with the page's rows, so that
    figures such as subtree counts are fetched for the whole page in a fixed number of
    queries instead of one per row."""

    rows: QuerySet
    prepare: Callable[[list[Any]], None]


class Page(LimitOffsetPagination):
    """``?limit=&offset=`` answered as ``{"items": [...], "count": N}``; ``limit`` defaults
    to ``settings.PAGE_SIZE`` and may not exceed ``settings.API_MAX_PAGE_SIZE``."""

    class Input(Schema):
        """A page of a list."""

        limit: int = Field(
            settings.PAGE_SIZE,
            ge=1,
            le=settings.API_MAX_PAGE_SIZE,
            description=f"每页条数，最多 {settings.API_MAX_PAGE_SIZE}",
        )
        offset: int = Field(0, ge=0, description="跳过的条数")

    def paginate_queryset(
        self, queryset: QuerySet | Listing, pagination: Any, request: HttpRequest, **params: Any
    ) -> dict[str, Any]:
        rows = queryset.rows if isinstance(queryset, Listing) else queryset
        items = list(rows[pagination.offset : pagination.offset + pagination.limit])
        if isinstance(queryset, Listing) and items:
            queryset.prepare(items)
        return {"items": items, "count": rows.count()}


# --- shared by the routers that take and serve photos and files -----------------------------

MAX_PHOTOS = 20


def invalid(field: str, *messages: str) -> ValidationError:
    """A 422 for one form field, answered by the API's validation handler like pydantic's."""
    return ValidationError(
        [{"loc": ("form", field), "msg": message, "type": "value_error"} for message in messages]
    )


def cleaned_photos(files: list[UploadedFile], limit: int = MAX_PHOTOS) -> list[CleanPhoto]:
    """Uploaded photos checked by content (``core.photos``); every bad one is named in one
    422 for the field ``photos``."""
    if len(files) > limit:
        raise invalid("photos", f"一次最多上传 {limit} 张照片。")
    photos, problems = [], []
    for upload in files:
        try:
            photos.append(clean_photo(upload, name=upload.name or "photo"))
        except PhotoError as error:
            problems.append(str(error))
    if problems:
        raise invalid("photos", *problems)
    return photos


BINARY_200 = {
    "responses": {
        200: {
            "description": "文件内容",
            "content": {"image/jpeg": {"schema": {"type": "string", "format": "binary"}}},
        }
    }
}
