"""Form pieces every app's forms share: several photos from one file input, each checked by
content, the phone's own clock, and a domain refusal shown beside the fields."""

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Protocol

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.photos import CleanPhoto, PhotoError, clean_photo


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
