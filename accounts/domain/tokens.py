"""Revoking API tokens: by their user, by an admin above the user, by ``POST
/api/auth/logout``, and all at once on any password change (``User.save``)."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from accounts.models import ApiToken, User
from accounts.roles import region_path_of
from audit.log import Action, record
from notifications.domain import notify


@transaction.atomic
def revoke(actor, token: ApiToken) -> bool:
    """Revoke one token; ``False`` when it was no longer usable (nothing changes). The
    user is told when someone else revoked it."""
    now = timezone.now()
    if not ApiToken.objects.filter(pk=token.pk).usable(now).update(revoked=now):
        return False
    token.revoked = now
    user = token.user
    record(
        actor,
        Action.UPDATE,
        token,
        summary=gettext("撤销访问令牌 %(prefix)s（%(user)s）")
        % {"prefix": token.prefix, "user": user.username},
        changes={"revoked": [None, now.isoformat()]},
        region_path=region_path_of(user),
    )
    if actor is None or actor.pk != user.pk:
        notify(
            [user],
            f"token-revoked:{token.pk}",
            gettext("您的一个访问令牌已被管理员撤销"),
            gettext("使用该令牌的手机端或接口程序需要重新登录。"),
            "/accounts/me/",
            at=now,
        )
    return True


@transaction.atomic
def revoke_all(user: User, reason: str, actor=None) -> int:
    """Revoke every usable token of ``user``; audited when there was one."""
    now = timezone.now()
    count = ApiToken.objects.filter(user=user).usable(now).update(revoked=now)
    if count:
        record(
            actor,
            Action.UPDATE,
            user,
            summary=gettext("%(reason)s：撤销 %(user)s 的 %(count)s 个访问令牌")
            % {"reason": reason, "user": user.username, "count": count},
            changes={"api_tokens_revoked": [0, count]},
            region_path=region_path_of(user),
        )
    return count
