"""The thumbnail of a photo kept across a refused form (``core.photos.keep_pending``): only
to the user who chose it; anyone else, or a token that is bad or expired, gets 404."""

from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404

from core.photos import pending_thumbnail


@login_required
def pending_photo(request, token: str):
    name = pending_thumbnail(token, request.user.pk)
    if name is None:
        raise Http404
    response = FileResponse(default_storage.open(name, "rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, no-store"
    return response
