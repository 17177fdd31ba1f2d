"""Photos kept across a refused form, and the required-field mark every form renders."""

from datetime import timedelta
from io import BytesIO

from django import forms
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from core.forms import MultiplePhotoField, bind_photos
from core.photos import PENDING_DIR, claim_pending, clean_photo, keep_pending, sweep_pending


def jpeg(name="a.jpg"):
    buffer = BytesIO()
    Image.new("RGB", (64, 48), (10, 120, 40)).save(buffer, format="JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def test_it_removes_unclaimed_pending_photos_after_a_day(world):
    kept = keep_pending(clean_photo(jpeg()), world.grid_worker.pk)
    assert sweep_pending() == 0 and claim_pending(kept.token, world.grid_worker.pk)
    assert sweep_pending(timezone.now() + timedelta(hours=25)) == 2
    assert default_storage.listdir(PENDING_DIR)[1] == []
    assert claim_pending(kept.token, world.grid_worker.pk) is None
    assert claim_pending(kept.token, world.outsider.pk) is None


class Sample(forms.Form):
    name = forms.CharField(label="名称")
    note = forms.CharField(label="备注", required=False)
    photos = MultiplePhotoField(label="照片", required=False)


def test_it_keeps_the_good_photos_when_another_is_bad(world):
    from django.utils.datastructures import MultiValueDict

    files = MultiValueDict({"photos": [jpeg(), SimpleUploadedFile("x.jpg", b"not an image")]})
    form = bind_photos(Sample({"name": "x"}, files), world.grid_worker)
    assert not form.is_valid() and "photos" in form.errors
    assert len(form.fields["photos"].pending) == 1  # the good one, for the resubmit
    unbound = Sample({"name": ""}, MultiValueDict({"photos": [jpeg()]}))
    assert not unbound.is_valid() and unbound.fields["photos"].pending == []  # no owner


def test_every_required_label_carries_a_mark(world):
    form = Sample()
    assert "required-mark" in str(form["name"].label)
    assert "required-mark" not in str(form["note"].label)
    assert str(form["note"].label) == "备注"


def test_the_conditional_place_is_marked_and_the_request_form_marks_its_fields(world, login):
    from orglife.forms import RecordForm
    from orglife.models import ActivityType

    place = str(RecordForm(types=ActivityType.objects.none(), members=[])["place"].label)
    assert "required-mark" in place
    page = login(world.resident).get("/services/requests/new/").content.decode()
    assert page.count("required-mark") == 1  # the description (the item may be free text)
    assert login(world.outsider).get("/photos/pending/forged/").status_code == 404


def test_hand_written_labels_of_required_inputs_carry_the_same_mark(world, client, login):
    login_page = client.get("/login/").content.decode()
    assert login_page.count("required-mark") == 2
    assert login(world.outsider).get("/photos/pending/x/").status_code == 404
