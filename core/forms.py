"""Form pieces every app's phone forms share: several photos from one file input, each
checked by content, and the phone's own clock."""

from datetime import datetime

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
