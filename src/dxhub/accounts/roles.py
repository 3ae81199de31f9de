"""Roles and what they allow: the one table of permissions in dxhub.

A role is granted on a unit and holds for that unit's whole subtree. Actions are
verbs that pages, API endpoints and exports ask the scoping service about.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    SYSTEM_ADMIN = "system_admin", _("Quản trị hệ thống")
    UNIT_ADMIN = "unit_admin", _("Quản trị đơn vị")
    LEADER = "leader", _("Lãnh đạo, chỉ huy")
    DATA_ENTRY = "data_entry", _("Cán bộ nhập liệu")
    REVIEWER = "reviewer", _("Cán bộ thẩm tra, phê duyệt")
    ASSESSOR = "assessor", _("Thành viên hội đồng thẩm định")


class Action(models.TextChoices):
    VIEW = "view", _("xem")
    CHANGE_UNIT = "change_unit", _("sửa đơn vị")
    CHANGE_PERSON = "change_person", _("sửa quân số")
    MANAGE_ACCOUNTS = "manage_accounts", _("quản lý tài khoản")
    VIEW_AUDIT = "view_audit", _("xem nhật ký")
    ENTER_DATA = "enter_data", _("nhập số liệu")
    REVIEW = "review", _("phê duyệt")
    ASSESS = "assess", _("thẩm định")
    MANAGE_CATALOGUE = "manage_catalogue", _("quản lý danh mục chỉ tiêu, biểu mẫu")
    MANAGE_ASSESSMENT = "manage_assessment", _("quản lý bộ tiêu chí, kỳ đánh giá")
    MANAGE_PLAN = "manage_plan", _("ban hành kế hoạch, giao nhiệm vụ, chỉ tiêu")
    REPORT_PROGRESS = "report_progress", _("cập nhật tiến độ nhiệm vụ")
    MANAGE_TRAINING = "manage_training", _("khảo sát nhu cầu, tổ chức lớp bồi dưỡng kỹ năng số")


ALL_ROLES = frozenset(Role.values)

PERMISSIONS: dict[str, frozenset[str]] = {
    Action.VIEW: ALL_ROLES,
    Action.CHANGE_UNIT: frozenset({Role.SYSTEM_ADMIN, Role.UNIT_ADMIN}),
    Action.CHANGE_PERSON: frozenset({Role.SYSTEM_ADMIN, Role.UNIT_ADMIN, Role.DATA_ENTRY}),
    Action.MANAGE_ACCOUNTS: frozenset({Role.SYSTEM_ADMIN, Role.UNIT_ADMIN}),
    Action.VIEW_AUDIT: frozenset({Role.SYSTEM_ADMIN, Role.UNIT_ADMIN, Role.LEADER}),
    Action.ENTER_DATA: frozenset({Role.SYSTEM_ADMIN, Role.UNIT_ADMIN, Role.DATA_ENTRY}),
    Action.REVIEW: frozenset({Role.SYSTEM_ADMIN, Role.REVIEWER}),
    Action.ASSESS: frozenset({Role.SYSTEM_ADMIN, Role.ASSESSOR}),
    Action.MANAGE_CATALOGUE: frozenset({Role.SYSTEM_ADMIN}),
    Action.MANAGE_ASSESSMENT: frozenset({Role.SYSTEM_ADMIN}),
    # Commanders hand work down; unit administrators act for them.
    Action.MANAGE_PLAN: frozenset({Role.SYSTEM_ADMIN, Role.UNIT_ADMIN, Role.LEADER}),
    Action.REPORT_PROGRESS: frozenset({Role.SYSTEM_ADMIN, Role.UNIT_ADMIN, Role.LEADER, Role.DATA_ENTRY}),
    # Training staff (cán bộ nhập liệu, quản trị đơn vị) run surveys and classes.
    Action.MANAGE_TRAINING: frozenset({Role.SYSTEM_ADMIN, Role.UNIT_ADMIN, Role.LEADER, Role.DATA_ENTRY}),
}


def roles_allowing(action: str) -> frozenset[str]:
    try:
        return PERMISSIONS[action]
    except KeyError:
        raise ValueError(f"unknown action {action!r}") from None
