"""Field permissions: personal data needs marketer or admin; some mutations need more."""

from __future__ import annotations

from typing import Any

from strawberry.permission import BasePermission
from strawberry.types import Info

from ckg.graph.auth import CAN_READ_PII, Role


class CanReadPII(BasePermission):
    message = "This field is personal data: it needs the marketer or admin role."

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        return info.context.role in CAN_READ_PII


class CanChangeData(BasePermission):
    message = "This needs the marketer or admin role."

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        return info.context.role in (Role.MARKETER, Role.ADMIN)


class IsAdmin(BasePermission):
    message = "This needs the admin role."

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        return bool(info.context.role == Role.ADMIN)
