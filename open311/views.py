"""The county admin's Open311 page: the clients' API keys (list, issue — the key shown once —
and revoke) and what each client has posted, its submitters' contact details masked.
County admins only; anyone else gets 404. Every change goes through ``open311.domain.keys``."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from accounts.scope import get_for_user, visible
from core.masking import mask_phone
from open311.domain.keys import KeyRefused, issue_key, revoke_key
from open311.forms import KeyForm
from open311.models import ApiKey, Submission
from open311.scope_rules import is_county_admin


def _require_county_admin(user) -> None:
    if not is_county_admin(user):
        raise Http404


def mask_email(value: str) -> str:
    """``zhang.san@example.com`` → ``z***@example.com``."""
    name, at, domain = value.partition("@")
    if not at:
        return "*" * len(value)
    return f"{name[:1]}***@{domain}"


def _keys(user):
    return (
        visible(user, ApiKey)
        .select_related("region", "issued_by")
        .annotate(submission_count=Count("submissions"))
    )


ISSUED = "open311_issued_key"


@login_required
def key_list(request):
    """The keys; right after issuing, the new key — taken out of the session, so shown once."""
    _require_county_admin(request.user)
    issued = None
    if ISSUED in request.session:
        pk, secret = request.session.pop(ISSUED)
        found = visible(request.user, ApiKey).filter(pk=pk).first()
        issued = {"api_key": found, "key": secret} if found is not None else None
    context = {"keys": _keys(request.user), "form": KeyForm(request.user), "issued": issued}
    return render(request, "open311/keys.html", context)


@login_required
@require_POST
def key_new(request):
    """Issue a key, then show it once on the list (POST-redirect-GET, so that reloading the
    page never issues a second key). Only its digest is stored; the secret rides in the
    session until that one page is shown."""
    _require_county_admin(request.user)
    form = KeyForm(request.user, request.POST)
    issued = None
    if form.is_valid():
        try:
            issued = issue_key(
                request.user,
                form.cleaned_data["county"],
                form.cleaned_data["client_name"],
                form.cleaned_data["contact"],
            )
        except KeyRefused as refused:
            form.add_error(refused.field if refused.field in form.fields else None, refused.message)
    if issued is None:
        return render(request, "open311/keys.html", {"keys": _keys(request.user), "form": form})
    request.session[ISSUED] = (issued.api_key.pk, issued.key)
    return redirect("open311:keys")


@login_required
def key_detail(request, pk: int):
    _require_county_admin(request.user)
    api_key = get_for_user(request.user, ApiKey.objects.select_related("region"), pk)
    submissions = (
        visible(request.user, Submission)
        .filter(api_key=api_key)
        .select_related("request", "request__item", "request__region")[:50]
    )
    rows = [
        {
            "submission": s,
            "name": (s.last_name[:1] + "*" * max(len(s.last_name + s.first_name) - 1, 0))
            if (s.last_name or s.first_name)
            else "",
            "phone": mask_phone(s.phone),
            "email": mask_email(s.email) if s.email else "",
        }
        for s in submissions
    ]
    return render(request, "open311/key_detail.html", {"key": api_key, "rows": rows})


@login_required
@require_POST
def key_revoke(request, pk: int):
    _require_county_admin(request.user)
    api_key = get_for_user(request.user, ApiKey, pk, write=True)
    if revoke_key(request.user, api_key):
        messages.success(request, gettext("密钥已吊销，该客户端不能再提交诉求。"))
    else:
        messages.info(request, gettext("该密钥此前已吊销。"))
    return redirect("open311:key", pk=api_key.pk)
