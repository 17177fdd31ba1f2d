"""Form pieces every app's forms share: the rule for typed text, several photos from one file
input, each checked by content, the phone's own clock, and a domain refusal shown beside the
fields."""

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Protocol

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.numbers import EARLIEST, LATEST, date_in_range
from core.photos import CleanPhoto, PhotoError, clean_photo
from core.text import has_control_characters


def refuse_control_characters(value: object) -> None:
    """Typed text holds no control characters (``core.text``), beside the field that does."""
    if isinstance(value, str) and has_control_characters(value):
        raise forms.ValidationError(
            _("含有不可见的控制字符（可能是从其他软件粘贴带入的），请删除后重新填写。"),
            code="control_characters",
        )


def refuse_dates_out_of_range(value: object) -> None:
    """A day or time in 1900–2199 (``core.numbers``): year 1 or 9999 would break the
    period arithmetic and the time zone conversion behind every filter."""
    if isinstance(value, date | datetime) and not date_in_range(value):
        raise forms.ValidationError(
            _("日期超出范围：应在 %(first)s 年至 %(last)s 年之间。"),
            code="date_out_of_range",
            params={"first": EARLIEST.year, "last": LATEST.year},
        )


def install_input_rules() -> None:
    """The input rules for every form field of the project (called once from
    ``CoreConfig.ready``, so that no form can forget them): text, and dates."""
    install_text_rule()
    for field in (forms.DateField, forms.DateTimeField):
        if refuse_dates_out_of_range not in field.default_validators:
            field.default_validators = [*field.default_validators, refuse_dates_out_of_range]


def install_text_rule() -> None:
    """Every ``CharField`` of every form of the project — declared or made from a model's
    ``CharField``/``TextField``, single- or multi-line — refuses control characters (tab,
    newline and carriage return are allowed). Called once from ``CoreConfig.ready``, so that
    no form can forget it; fields with their own default validators (e-mail, URL, slug)
    refuse such characters already."""
    if refuse_control_characters not in forms.CharField.default_validators:
        forms.CharField.default_validators = [
            *forms.CharField.default_validators,
            refuse_control_characters,
        ]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    """Several photos from one ``<input type=file multiple>``; each is checked by content
    (``clean_photo``), so a bad one is named in the error."""

    widget = MultipleFileInput(attrs={"accept": "image/*", "multiple": True})

    def clean(self, data, initial=None):
        uploads = data if isinstance(data, list | tuple) else ([data] if data else [])
        cleaned: list[CleanPhoto] = []
        for upload in uploads:
            try:
                cleaned.append(clean_photo(upload, upload.name))
            except PhotoError as error:
                raise forms.ValidationError(
                    _("%(error)s 其他内容已保留，请重新选择照片。"), params={"error": str(error)}
                ) from None
        return cleaned


def parse_device_time(value: str) -> datetime | None:
    """The phone's clock as its page sent it (ISO 8601); a missing or garbled value is
    simply not kept — the server's receipt time is what counts for timeliness."""
    try:
        moment = datetime.fromisoformat((value or "").strip())
    except ValueError:
        return None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


class Refusal(Protocol):
    """What every domain's refusal carries: its reasons by field (``""``: the whole form)."""

    errors: Mapping[str, Sequence[str]]


def apply_refusal(form: forms.Form, refused: Refusal) -> None:
    """Put the domain's reasons beside the fields they are about (or above the form)."""
    for name, reasons in refused.errors.items():
        for reason in reasons:
            form.add_error(name if name in form.fields else None, reason)
