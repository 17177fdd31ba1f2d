"""Admins see the audit entries of their own subtree."""

from django.db.models import Q

from accounts.scope import Scope, scope_rule
from audit.models import AuditEntry


@scope_rule(AuditEntry)
def audit_entries(scope: Scope, write: bool) -> Q:
    return scope.under("region_path", scope.admin_paths)
