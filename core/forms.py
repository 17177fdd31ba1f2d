"""Form pieces every app's forms share: the rule for typed text, several photos from one file
input, each checked by content and kept across a refused submission, the phone's own clock, a
domain refusal shown beside the fields, and the ``*`` that marks every required field's label."""

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Protocol

from django import forms
from django.forms.boundfield import BoundField
from django.forms.renderers import DjangoTemplates
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.numbers import EARLIEST, LATEST, date_in_range
from core.photos import (
    CleanPhoto,
    PendingPhoto,
    PhotoError,
    claim_pending,
    clean_photo,
    discard_pending,
    keep_pending,
)
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


def required_mark_html(note="") -> str:
    """The mark of a required field (with the condition, when it is required only sometimes)."""
    return format_html(
        '<span class="bad required-mark">*</span>{}',
        format_html('<span class="muted">（{}）</span>', note) if note else "",
    )


class MarkedBoundField(BoundField):
    """A field whose ``label`` carries a visible ``*`` when the field is required — or when
    the form says so with ``field.required_mark`` (``True``, or the condition as text, e.g.
    “线下开展时必填”, for a field the domain requires only sometimes). Every template that
    shows ``{{ form.x.label }}`` (or ``label_tag``) gets the mark; none writes it by hand."""

    def __init__(self, form, field, name):
        super().__init__(form, field, name)
        mark = getattr(field, "required_mark", None)
        if mark is None:
            mark = field.required and not isinstance(field.widget, forms.HiddenInput)
        if mark and self.label:
            note = mark if isinstance(mark, str | Promise) else ""
            self.label = format_html("{} {}", self.label, required_mark_html(note))


class Renderer(DjangoTemplates):
    """The project's form renderer (``FORM_RENDERER``): Django's, with the marked labels."""

    bound_field_class = MarkedBoundField


KEPT = "_kept"  # the suffix of the checkboxes carrying the tokens of photos kept on refusal


class PhotoUploads(list):
    """The files of a photo input, and the tokens of the photos kept from a refused try."""

    kept: list[str]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True

    def value_from_datadict(self, data, files, name):
        uploads = PhotoUploads(files.getlist(name) if hasattr(files, "getlist") else [])
        uploads.kept = list(data.getlist(name + KEPT)) if hasattr(data, "getlist") else []
        return uploads

    def value_omitted_from_data(self, data, files, name):
        return name not in files and name + KEPT not in data


class MultiplePhotoField(forms.FileField):
    """Several photos from one ``<input type=file multiple>``; each is checked by content
    (``clean_photo``), so a bad one is named in the error. Empty file parts (the offline
    queue resends an untouched input as one) are no photo.

    Photos survive a refused form: once ``bind_photos`` has named the uploader, the photos
    that passed the checks are kept as pending files when the refused page is drawn
    (``pending``, read by ``includes/photos_field.html``), the page carries their signed
    tokens in checked boxes beside their thumbnails (untick to remove), and the resubmit
    gets them back in ``cleaned_data`` with any newly chosen ones."""

    widget = MultipleFileInput(attrs={"accept": "image/*", "multiple": True})

    def __init__(self, *args, max_photos: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.max_photos = max_photos
        self.owner_id: int | None = None
        self._claimed: list[PendingPhoto] = []
        self._fresh: list[CleanPhoto] = []
        self._kept: list[PendingPhoto] | None = None

    def __deepcopy__(self, memo):
        result = super().__deepcopy__(memo)  # type: ignore[misc]
        result._claimed, result._fresh, result._kept = [], [], None
        return result

    def clean(self, data, initial=None):
        uploads = [u for u in (data if isinstance(data, list | tuple) else [data] if data else [])]
        uploads = [u for u in uploads if getattr(u, "size", 1)]
        tokens = list(dict.fromkeys(getattr(data, "kept", [])))
        self._claimed, self._fresh, self._kept = [], [], None
        if self.owner_id is not None:
            for token in tokens:
                pending = claim_pending(token, self.owner_id)
                if pending is not None:
                    self._claimed.append(pending)
        problems = []
        for upload in uploads:
            try:
                self._fresh.append(clean_photo(upload, upload.name))
            except PhotoError as error:
                problems.append(str(error))
        if problems:
            raise forms.ValidationError(
                _("%(error)s 其他内容已保留，请重新选择照片。"),
                params={"error": " ".join(problems)},
            )
        cleaned = [p.photo for p in self._claimed] + self._fresh
        if self.max_photos is not None and len(cleaned) > self.max_photos:
            raise forms.ValidationError(
                _("一次最多上传 %(n)s 张照片。"), params={"n": self.max_photos}
            )
        if self.required and not cleaned:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        return cleaned

    @property
    def pending(self) -> list[PendingPhoto]:
        """The photos to show as kept on a refused page: those claimed back, and the newly
        chosen ones (stored as pending now, on first ask — a form that succeeds never is)."""
        if self._kept is None:
            self._kept = list(self._claimed)
            if self.owner_id is not None:
                self._kept += [keep_pending(photo, self.owner_id) for photo in self._fresh]
        return self._kept

    @property
    def claimed_tokens(self) -> list[str]:
        return [p.token for p in self._claimed]


class PhotoField(MultiplePhotoField):
    """One photo (a file input without ``multiple``), with the same checks and keeping;
    cleans to a list of at most one."""

    widget = MultipleFileInput(attrs={"accept": "image/*"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, max_photos=1, **kwargs)


def bind_photos(form: forms.Form, user) -> forms.Form:
    """Name the uploader of the form's photo fields, so that the checked photos of a refused
    submission are kept for that user's resubmit (and for nobody else)."""
    for field in form.fields.values():
        if isinstance(field, MultiplePhotoField) and user is not None and user.pk:
            field.owner_id = user.pk
    return form


def photos_attached(form: forms.Form) -> None:
    """After a successful save: the pending files the form claimed are no longer needed."""
    for field in form.fields.values():
        if isinstance(field, MultiplePhotoField) and field.owner_id is not None:
            discard_pending(field.claimed_tokens, field.owner_id)


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
