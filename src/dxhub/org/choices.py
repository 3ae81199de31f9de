"""Domain vocabularies of the org module (codes are stable, labels are Vietnamese)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitKind(models.TextChoices):
    MINISTRY = "bo", _("Bộ")
    GENERAL_DEPARTMENT = "tong_cuc", _("Tổng cục")
    MILITARY_REGION = "quan_khu", _("Quân khu")
    SERVICE = "quan_chung", _("Quân chủng")
    COMMAND = "bo_tu_lenh", _("Bộ Tư lệnh")
    ARM = "binh_chung", _("Binh chủng")
    ACADEMY = "hoc_vien", _("Học viện")
    SCHOOL = "truong", _("Nhà trường")
    HOSPITAL = "benh_vien", _("Bệnh viện")
    INSTITUTE = "vien", _("Viện nghiên cứu")
    DIVISION = "su_doan", _("Sư đoàn")
    BRIGADE = "lu_doan", _("Lữ đoàn")
    REGIMENT = "trung_doan", _("Trung đoàn")
    BATTALION = "tieu_doan", _("Tiểu đoàn")
    COMPANY = "dai_doi", _("Đại đội")
    PROVINCIAL_COMMAND = "bo_chqs", _("Bộ Chỉ huy quân sự tỉnh")
    AGENCY = "co_quan", _("Cơ quan")
    ENTERPRISE = "doanh_nghiep", _("Doanh nghiệp")
    OTHER = "khac", _("Khác")


class PersonnelCategory(models.TextChoices):
    OFFICER = "si_quan", _("Sĩ quan")
    PROFESSIONAL = "qncn", _("Quân nhân chuyên nghiệp")
    DEFENCE_WORKER = "cnvqp", _("Công nhân và viên chức quốc phòng")
    NCO_SOLDIER = "hsq_bs", _("Hạ sĩ quan - binh sĩ")
    CADET = "hoc_vien", _("Học viên")
    CONTRACT = "lao_dong_hd", _("Lao động hợp đồng")


# Military ranks in ascending order; (code, label, categories that can hold it).
RANKS: list[tuple[str, str, tuple[str, ...]]] = [
    ("binh_nhi", "Binh nhì", ("hsq_bs",)),
    ("binh_nhat", "Binh nhất", ("hsq_bs",)),
    # Cadets of officer schools hold NCO ranks while they study.
    ("ha_si", "Hạ sĩ", ("hsq_bs", "hoc_vien")),
    ("trung_si", "Trung sĩ", ("hsq_bs", "hoc_vien")),
    ("thuong_si", "Thượng sĩ", ("hsq_bs", "hoc_vien")),
    ("thieu_uy", "Thiếu úy", ("si_quan", "qncn", "hoc_vien")),
    ("trung_uy", "Trung úy", ("si_quan", "qncn")),
    ("thuong_uy", "Thượng úy", ("si_quan", "qncn")),
    ("dai_uy", "Đại úy", ("si_quan", "qncn")),
    ("thieu_ta", "Thiếu tá", ("si_quan", "qncn")),
    ("trung_ta", "Trung tá", ("si_quan", "qncn")),
    ("thuong_ta", "Thượng tá", ("si_quan", "qncn")),
    ("dai_ta", "Đại tá", ("si_quan",)),
    ("thieu_tuong", "Thiếu tướng", ("si_quan",)),
    ("trung_tuong", "Trung tướng", ("si_quan",)),
    ("thuong_tuong", "Thượng tướng", ("si_quan",)),
    ("dai_tuong", "Đại tướng", ("si_quan",)),
]

Rank = models.TextChoices("Rank", [(code, (code, label)) for code, label, _cats in RANKS])
RANK_CATEGORIES = {code: cats for code, _label, cats in RANKS}
