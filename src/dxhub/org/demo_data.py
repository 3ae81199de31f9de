"""Demo organisation for ``seed_demo``: the unit tree and fictional personnel.

Plain data and deterministic generators (no database access): the same
arguments always give the same output. Unit kinds, personnel categories and ranks
use the codes of ``dxhub.org.choices``, imported from there.

Real names are used only for real, publicly known bodies (the ministry, general
departments, military regions, services, academies, hospitals, divisions); the
structure below them is plausible but illustrative. People are fictional and carry
no personal identifiers (those are generated elsewhere).

Run ``python3 demo_data.py`` for a self-check and a summary.
"""

from __future__ import annotations

import random
import re
import unicodedata
from collections import Counter
from collections.abc import Iterator

from dxhub.org.choices import RANK_CATEGORIES, PersonnelCategory, UnitKind

REF_YEAR = 2025  # "now" for ages, ranks and years of service

# ---------------------------------------------------------------------------
# Vocabularies, from dxhub.org.choices (one definition of each)
# ---------------------------------------------------------------------------

UNIT_KINDS = frozenset(UnitKind.values)
CATEGORIES = tuple(PersonnelCategory.values)
RANK_ORDER = list(RANK_CATEGORIES)  # ascending, as org/choices.py lists them

PEER_GROUPS: list[tuple[str, str]] = [
    ("co_quan_bo", "Cơ quan chức năng Bộ"),
    ("quan_khu_quan_chung", "Quân khu, quân chủng, binh chủng, bộ tư lệnh"),
    ("su_doan_lu_doan", "Sư đoàn, lữ đoàn, bộ chỉ huy quân sự tỉnh và tương đương"),
    ("hoc_vien_nha_truong", "Học viện, nhà trường, viện nghiên cứu"),
    ("benh_vien", "Bệnh viện"),
    ("doanh_nghiep", "Doanh nghiệp quốc phòng"),
    ("co_quan_don_vi", "Cơ quan, phòng, ban, khoa trực thuộc đơn vị"),
    ("don_vi_co_so", "Đơn vị cơ sở"),
]

# ---------------------------------------------------------------------------
# Unit tables
# ---------------------------------------------------------------------------

ROOT = ("BQP", "Bộ Quốc phòng", "BQP", "bo", "co_quan_bo")

# Strategic agencies and general departments: (code, name, short, kind, [(local, name, short)]).
CENTRAL_BODIES = [
    (
        "VPBQP",
        "Văn phòng Bộ Quốc phòng",
        "VP BQP",
        "co_quan",
        [
            ("PTH", "Phòng Tổng hợp", "Phòng Tổng hợp"),
            ("PCCHC", "Phòng Cải cách hành chính", "Phòng CCHC"),
            ("CNTT", "Ban Công nghệ thông tin", "Ban CNTT"),
        ],
    ),
    (
        "BTTM",
        "Bộ Tổng Tham mưu",
        "BTTM",
        "co_quan",
        [
            ("VP", "Văn phòng Bộ Tổng Tham mưu", "VP BTTM"),
            ("CTC", "Cục Tác chiến", "Cục Tác chiến"),
            ("CQH", "Cục Quân huấn", "Cục Quân huấn"),
            ("CQL", "Cục Quân lực", "Cục Quân lực"),
            ("CDQTV", "Cục Dân quân tự vệ", "Cục DQTV"),
            ("CCHCN", "Cục Cứu hộ - Cứu nạn", "Cục CH-CN"),
        ],
    ),
    (
        "TCCT",
        "Tổng cục Chính trị Quân đội nhân dân Việt Nam",
        "TCCT",
        "tong_cuc",
        [
            ("VP", "Văn phòng Tổng cục Chính trị", "VP TCCT"),
            ("CTH", "Cục Tuyên huấn", "Cục Tuyên huấn"),
            ("CCB", "Cục Cán bộ", "Cục Cán bộ"),
            ("CTC", "Cục Tổ chức", "Cục Tổ chức"),
            ("CCS", "Cục Chính sách - Xã hội", "Cục CS-XH"),
            ("CDV", "Cục Dân vận", "Cục Dân vận"),
        ],
    ),
    (
        "TCHC",
        "Tổng cục Hậu cần",
        "TCHC",
        "tong_cuc",
        [
            ("VP", "Văn phòng Tổng cục Hậu cần", "VP TCHC"),
            ("CQN", "Cục Quân nhu", "Cục Quân nhu"),
            ("CQY", "Cục Quân y", "Cục Quân y"),
            ("CVT", "Cục Vận tải", "Cục Vận tải"),
            ("CXD", "Cục Xăng dầu", "Cục Xăng dầu"),
            ("CDT", "Cục Doanh trại", "Cục Doanh trại"),
        ],
    ),
    (
        "TCKT",
        "Tổng cục Kỹ thuật",
        "TCKT",
        "tong_cuc",
        [
            ("VP", "Văn phòng Tổng cục Kỹ thuật", "VP TCKT"),
            ("CKTBC", "Cục Kỹ thuật binh chủng", "Cục KTBC"),
            ("CQK", "Cục Quân khí", "Cục Quân khí"),
            ("CXM", "Cục Xe - Máy", "Cục Xe - Máy"),
            ("CTDC", "Cục Tiêu chuẩn - Đo lường - Chất lượng", "Cục TC-ĐL-CL"),
        ],
    ),
    (
        "TCCNQP",
        "Tổng cục Công nghiệp quốc phòng",
        "TCCNQP",
        "tong_cuc",
        [
            ("VP", "Văn phòng Tổng cục Công nghiệp quốc phòng", "VP TCCNQP"),
            ("CKHDT", "Cục Kế hoạch và Đầu tư", "Cục KH&ĐT"),
        ],
    ),
    (
        "TC2",
        "Tổng cục II",
        "TC2",
        "tong_cuc",
        [
            ("VP", "Văn phòng Tổng cục II", "VP TC2"),
        ],
    ),
]

# Defence factories of the General Department of Defence Industry: (local, name).
DEFENCE_FACTORIES = [("Z111", "Nhà máy Z111"), ("Z113", "Nhà máy Z113"), ("Z121", "Nhà máy Z121")]

# Agencies of a military region / corps: (local, name, short).
REGION_AGENCIES = [
    ("BTM", "Bộ Tham mưu", "Bộ Tham mưu"),
    ("CCT", "Cục Chính trị", "Cục Chính trị"),
    ("CHCKT", "Cục Hậu cần - Kỹ thuật", "Cục HC-KT"),
]

# Military regions, the capital command and the corps:
# (code, name, short, kind, [(division number, (regiment numbers), detailed)], [(local, province, city?)]).
# Provinces follow the 2025 administrative map; the first of each region is detailed.
MILITARY_REGIONS = [
    (
        "QK1",
        "Quân khu 1",
        "QK1",
        "quan_khu",
        [(3, (2, 12, 21), True)],
        [
            ("LS", "Lạng Sơn", False),
            ("CB", "Cao Bằng", False),
            ("TN", "Thái Nguyên", False),
            ("BN", "Bắc Ninh", False),
        ],
    ),
    (
        "QK2",
        "Quân khu 2",
        "QK2",
        "quan_khu",
        [(316, (98, 148, 174), False)],
        [
            ("PT", "Phú Thọ", False),
            ("LC", "Lào Cai", False),
            ("TQ", "Tuyên Quang", False),
            ("DB", "Điện Biên", False),
            ("LCH", "Lai Châu", False),
            ("SL", "Sơn La", False),
        ],
    ),
    (
        "QK3",
        "Quân khu 3",
        "QK3",
        "quan_khu",
        [(395, (50, 52, 59), False)],
        [
            ("HP", "Hải Phòng", True),
            ("QN", "Quảng Ninh", False),
            ("HY", "Hưng Yên", False),
            ("NB", "Ninh Bình", False),
        ],
    ),
    (
        "QK4",
        "Quân khu 4",
        "QK4",
        "quan_khu",
        [(324, (1, 3, 335), False)],
        [
            ("NA", "Nghệ An", False),
            ("TH", "Thanh Hóa", False),
            ("HT", "Hà Tĩnh", False),
            ("QT", "Quảng Trị", False),
            ("HUE", "Huế", True),
        ],
    ),
    (
        "QK5",
        "Quân khu 5",
        "QK5",
        "quan_khu",
        [(2, (1, 38, 143), False)],
        [
            ("DN", "Đà Nẵng", True),
            ("QNG", "Quảng Ngãi", False),
            ("GL", "Gia Lai", False),
            ("DL", "Đắk Lắk", False),
            ("KH", "Khánh Hòa", False),
        ],
    ),
    (
        "QK7",
        "Quân khu 7",
        "QK7",
        "quan_khu",
        [(5, (4, 5, 271), True)],
        [
            ("HCM", "Hồ Chí Minh", True),
            ("DNA", "Đồng Nai", False),
            ("TNI", "Tây Ninh", False),
            ("LD", "Lâm Đồng", False),
        ],
    ),
    (
        "QK9",
        "Quân khu 9",
        "QK9",
        "quan_khu",
        [(330, (1, 2, 3), False)],
        [
            ("CT", "Cần Thơ", True),
            ("AG", "An Giang", False),
            ("VL", "Vĩnh Long", False),
            ("DT", "Đồng Tháp", False),
            ("CM", "Cà Mau", False),
        ],
    ),
    ("BTLTD", "Bộ Tư lệnh Thủ đô Hà Nội", "BTL Thủ đô", "bo_tu_lenh", [(301, (1, 2, 3), False)], []),
    (
        "QD12",
        "Quân đoàn 12",
        "QĐ12",
        "bo_tu_lenh",
        [
            (304, (9, 24, 66), True),
            (312, (141, 165, 209), False),
        ],
        [],
    ),
]

# Services, arms and commands: (code, name, short, kind, [(local, name, short)], [formation]).
# A formation is (local, name, short, kind, [(sub local, sub name, sub kind, [company numbers])]).
COMMANDS = [
    (
        "QCPKKQ",
        "Quân chủng Phòng không - Không quân",
        "QC PK-KQ",
        "quan_chung",
        REGION_AGENCIES,
        [
            (
                "SD361",
                "Sư đoàn Phòng không 361",
                "f361",
                "su_doan",
                [
                    ("E236", "Trung đoàn 236", "trung_doan", []),
                    ("E257", "Trung đoàn 257", "trung_doan", []),
                ],
            ),
        ],
    ),
    (
        "QCHQ",
        "Quân chủng Hải quân",
        "QCHQ",
        "quan_chung",
        REGION_AGENCIES,
        [
            (
                "V1",
                "Bộ Tư lệnh Vùng 1 Hải quân",
                "Vùng 1 HQ",
                "bo_tu_lenh",
                [
                    ("LD170", "Lữ đoàn 170", "lu_doan", []),
                ],
            ),
            (
                "LD147",
                "Lữ đoàn 147",
                "LĐ147",
                "lu_doan",
                [
                    ("D1", "Tiểu đoàn 1", "tieu_doan", [1, 2, 3]),
                    ("D2", "Tiểu đoàn 2", "tieu_doan", [5, 6]),
                ],
            ),
        ],
    ),
    (
        "BDBP",
        "Bộ Tư lệnh Bộ đội Biên phòng",
        "BĐBP",
        "bo_tu_lenh",
        [
            ("BTM", "Bộ Tham mưu", "Bộ Tham mưu"),
            ("CCT", "Cục Chính trị", "Cục Chính trị"),
        ],
        [
            (
                "BPLS",
                "Bộ Chỉ huy Bộ đội Biên phòng tỉnh Lạng Sơn",
                "BĐBP Lạng Sơn",
                "khac",
                [
                    ("DHN", "Đồn Biên phòng Cửa khẩu quốc tế Hữu Nghị", "khac", []),
                    ("DCM", "Đồn Biên phòng Cửa khẩu Chi Ma", "khac", []),
                ],
            ),
        ],
    ),
    (
        "CSB",
        "Bộ Tư lệnh Cảnh sát biển Việt Nam",
        "CSB",
        "bo_tu_lenh",
        [
            ("BTM", "Bộ Tham mưu", "Bộ Tham mưu"),
            ("CCT", "Cục Chính trị", "Cục Chính trị"),
        ],
        [
            ("V1", "Bộ Tư lệnh Vùng Cảnh sát biển 1", "Vùng CSB 1", "bo_tu_lenh", []),
        ],
    ),
    (
        "BTL86",
        "Bộ Tư lệnh 86",
        "BTL86",
        "bo_tu_lenh",
        [
            ("PTM", "Phòng Tham mưu", "Phòng Tham mưu"),
            ("PCT", "Phòng Chính trị", "Phòng Chính trị"),
            ("PHCKT", "Phòng Hậu cần - Kỹ thuật", "Phòng HC-KT"),
        ],
        [],
    ),
    (
        "BCTTLL",
        "Binh chủng Thông tin liên lạc",
        "BC TTLL",
        "binh_chung",
        [
            ("BTM", "Bộ Tham mưu", "Bộ Tham mưu"),
            ("PCT", "Phòng Chính trị", "Phòng Chính trị"),
            ("PHCKT", "Phòng Hậu cần - Kỹ thuật", "Phòng HC-KT"),
        ],
        [
            (
                "LD596",
                "Lữ đoàn 596",
                "LĐ596",
                "lu_doan",
                [
                    ("D1", "Tiểu đoàn 1", "tieu_doan", [1, 2, 3]),
                    ("D2", "Tiểu đoàn 2", "tieu_doan", [5, 6]),
                ],
            ),
        ],
    ),
    (
        "BCCB",
        "Binh chủng Công binh",
        "BC Công binh",
        "binh_chung",
        [
            ("BTM", "Bộ Tham mưu", "Bộ Tham mưu"),
            ("PCT", "Phòng Chính trị", "Phòng Chính trị"),
        ],
        [
            (
                "LD229",
                "Lữ đoàn 229",
                "LĐ229",
                "lu_doan",
                [
                    ("D1", "Tiểu đoàn 1", "tieu_doan", [1, 2]),
                    ("D2", "Tiểu đoàn 2", "tieu_doan", [5, 6]),
                ],
            ),
        ],
    ),
]

# Academies and schools: (code, name, short, kind, [faculties], student battalions, companies each).
ACADEMIES = [
    (
        "HVQP",
        "Học viện Quốc phòng",
        "HVQP",
        "hoc_vien",
        ["Khoa Chiến lược", "Khoa Chiến dịch", "Khoa Lịch sử quân sự"],
        0,
        0,
    ),
    (
        "HVLQ",
        "Học viện Lục quân",
        "HVLQ",
        "hoc_vien",
        ["Khoa Chiến thuật", "Khoa Chiến dịch", "Khoa Công tác đảng, công tác chính trị"],
        1,
        2,
    ),
    (
        "HVKTQS",
        "Học viện Kỹ thuật quân sự",
        "HVKTQS",
        "hoc_vien",
        ["Khoa Công nghệ thông tin", "Khoa Vô tuyến điện tử", "Khoa Hàng không vũ trụ", "Khoa Cơ khí"],
        2,
        2,
    ),
    (
        "HVQY",
        "Học viện Quân y",
        "HVQY",
        "hoc_vien",
        ["Khoa Y học quân sự", "Khoa Dược", "Khoa Điều dưỡng"],
        1,
        2,
    ),
    (
        "HVCT",
        "Học viện Chính trị",
        "HVCT",
        "hoc_vien",
        ["Khoa Triết học", "Khoa Kinh tế chính trị", "Khoa Công tác đảng, công tác chính trị"],
        1,
        2,
    ),
    (
        "HVHC",
        "Học viện Hậu cần",
        "HVHC",
        "hoc_vien",
        ["Khoa Chỉ huy hậu cần", "Khoa Tài chính", "Khoa Quân nhu", "Khoa Vận tải", "Khoa Xăng dầu"],
        2,
        2,
    ),
    (
        "SQLQ1",
        "Trường Sĩ quan Lục quân 1",
        "SQLQ1",
        "truong",
        ["Khoa Chiến thuật", "Khoa Bắn súng", "Khoa Công tác đảng, công tác chính trị"],
        2,
        2,
    ),
]

# Hospitals: (code, name, short, [clinical departments]); code None = the teaching hospital of HVQY.
HOSPITALS = [
    (
        "BV108",
        "Bệnh viện Trung ương Quân đội 108",
        "BV108",
        ["Khoa Cấp cứu", "Khoa Tim mạch", "Khoa Chẩn đoán hình ảnh", "Khoa Dược"],
    ),
    ("BV175", "Bệnh viện Quân y 175", "BV175", ["Khoa Cấp cứu", "Khoa Ngoại tổng hợp", "Khoa Nội tổng hợp"]),
]
TEACHING_HOSPITAL = (
    "BV103",
    "Bệnh viện Quân y 103",
    "BV103",
    ["Khoa Cấp cứu", "Khoa Truyền nhiễm", "Khoa Chấn thương chỉnh hình"],
)

INSTITUTE = (
    "VKHCNQS",
    "Viện Khoa học và Công nghệ quân sự",
    "Viện KH&CNQS",
    [
        ("VCNTT", "Viện Công nghệ thông tin"),
        ("VDT", "Viện Điện tử"),
        ("VTDH", "Viện Tự động hóa kỹ thuật quân sự"),
    ],
)
ENTERPRISE = (
    "VIETTEL",
    "Tập đoàn Công nghiệp - Viễn thông Quân đội",
    "Viettel",
    [
        ("VTT", "Tổng Công ty Viễn thông Viettel", "Viettel Telecom"),
        ("VTS", "Tổng Công ty Giải pháp doanh nghiệp Viettel", "Viettel Solutions"),
        ("VHT", "Tổng Công ty Công nghiệp Công nghệ cao Viettel", "Viettel High Tech"),
    ],
)

# Generic agency names that get the name of the unit they serve appended
# ("Phòng Tham mưu" -> "Phòng Tham mưu Sư đoàn 3"); their short names stay generic.
GENERIC_AGENCIES = frozenset(
    {
        "Bộ Tham mưu",
        "Cục Chính trị",
        "Cục Hậu cần - Kỹ thuật",
        "Phòng Tham mưu",
        "Phòng Chính trị",
        "Phòng Hậu cần - Kỹ thuật",
        "Văn phòng",
        "Phòng Đào tạo",
        "Ban Công nghệ thông tin",
        "Phòng Kế hoạch tổng hợp",
    }
)

# Phrases shortened in short names.
SHORT_PHRASES = [
    ("Công nghệ thông tin", "CNTT"),
    ("Hậu cần - Kỹ thuật", "HC-KT"),
    ("Kế hoạch tổng hợp", "KHTH"),
    ("Chẩn đoán hình ảnh", "CĐHA"),
    ("Cải cách hành chính", "CCHC"),
    ("Bộ Chỉ huy quân sự", "Bộ CHQS"),
    ("Công tác đảng, công tác chính trị", "CTĐ, CTCT"),
    ("thành phố", "TP"),
    ("Biên phòng", "BP"),
    ("Cửa khẩu quốc tế", "CKQT"),
    ("Cửa khẩu", "CK"),
]

# ---------------------------------------------------------------------------
# Name tables (people are fictional)
# ---------------------------------------------------------------------------

# Family names with approximate national frequency (per cent).
FAMILY_NAMES = [
    ("Nguyễn", 36.5),
    ("Trần", 11.0),
    ("Lê", 9.5),
    ("Phạm", 7.0),
    ("Hoàng", 3.6),
    ("Huỳnh", 1.5),
    ("Phan", 4.5),
    ("Vũ", 2.3),
    ("Võ", 1.6),
    ("Đặng", 2.1),
    ("Bùi", 2.0),
    ("Đỗ", 1.4),
    ("Hồ", 1.3),
    ("Ngô", 1.3),
    ("Dương", 1.0),
    ("Lý", 0.5),
    ("Đinh", 0.8),
    ("Đào", 0.7),
    ("Trịnh", 0.6),
    ("Mai", 0.5),
    ("Lương", 0.5),
    ("Hà", 0.5),
    ("Đoàn", 0.5),
    ("Cao", 0.4),
    ("Tạ", 0.3),
    ("Lưu", 0.3),
    ("Tô", 0.3),
    ("Phùng", 0.3),
    ("Nông", 0.3),
    ("Chu", 0.2),
    ("Tống", 0.2),
    ("Triệu", 0.2),
    ("Kiều", 0.2),
    ("Lâm", 0.2),
    ("Thái", 0.2),
    ("Lò", 0.1),
    ("Hứa", 0.1),
    ("Vi", 0.1),
    ("Quách", 0.1),
]
MALE_MIDDLE = [
    ("Văn", 34),
    ("Đức", 7),
    ("Minh", 6),
    ("Quang", 5),
    ("Hữu", 5),
    ("Xuân", 4),
    ("Ngọc", 4),
    ("Thành", 4),
    ("Công", 4),
    ("Đình", 4),
    ("Mạnh", 3),
    ("Tiến", 3),
    ("Anh", 2),
    ("Trung", 2),
    ("Duy", 3),
    ("Thanh", 3),
    ("Quốc", 3),
    ("Viết", 2),
    ("Bá", 2),
    ("Trọng", 2),
    ("Khắc", 1),
    ("Huy", 2),
    ("Hải", 1),
    ("Việt", 2),
    ("Hồng", 1),
    ("Tuấn", 1),
    ("Kim", 1),
]
FEMALE_MIDDLE = [
    ("Thị", 45),
    ("Thu", 6),
    ("Thanh", 6),
    ("Ngọc", 5),
    ("Minh", 4),
    ("Phương", 4),
    ("Hồng", 4),
    ("Thùy", 4),
    ("Kim", 3),
    ("Bích", 2),
    ("Mai", 2),
    ("Hải", 2),
    ("Diệu", 1),
    ("Khánh", 2),
    ("Lan", 2),
]
# Second middle name after "Thị", as in "Trần Thị Thu Hà".
FEMALE_SECOND_MIDDLE = ["Thu", "Thanh", "Ngọc", "Minh", "Phương", "Hồng", "Thùy", "Kim", "Bích", "Mai"]
MALE_GIVEN = [
    "Hùng",
    "Dũng",
    "Tuấn",
    "Minh",
    "Hải",
    "Nam",
    "Sơn",
    "Thắng",
    "Cường",
    "Long",
    "Huy",
    "Đức",
    "Trung",
    "Thành",
    "Quân",
    "Tùng",
    "Hiếu",
    "Phong",
    "Quang",
    "Hoàng",
    "Khánh",
    "Bình",
    "Hưng",
    "Tiến",
    "Tâm",
    "Vinh",
    "Lâm",
    "Toàn",
    "Hòa",
    "Phúc",
    "Đạt",
    "Kiên",
    "Duy",
    "Thịnh",
    "Việt",
    "Hiệp",
    "Tài",
    "Trường",
    "Lợi",
    "Nghĩa",
    "Thái",
    "Hậu",
    "Linh",
    "Khoa",
    "Nhật",
    "Bảo",
    "Anh",
    "Chiến",
    "Thuận",
    "Vũ",
    "Lực",
    "Mạnh",
    "Thông",
    "Tú",
    "Quyết",
    "Chung",
    "Đông",
    "Giang",
    "Công",
    "Hào",
    "Luân",
    "Sang",
    "Tín",
    "Trí",
    "Định",
    "Hiển",
    "Lộc",
    "Phát",
    "Quý",
    "Thiện",
]
FEMALE_GIVEN = [
    "Hà",
    "Hương",
    "Lan",
    "Linh",
    "Trang",
    "Huyền",
    "Hằng",
    "Thảo",
    "Nga",
    "Hoa",
    "Mai",
    "Nhung",
    "Phương",
    "Yến",
    "Thủy",
    "Loan",
    "Hạnh",
    "Dung",
    "Vân",
    "Ngọc",
    "Hiền",
    "Thơ",
    "Liên",
    "Anh",
    "Tâm",
    "Quỳnh",
    "Chi",
    "Giang",
    "Oanh",
    "Duyên",
    "Nhàn",
    "Tuyết",
    "Diệp",
    "Hồng",
    "Uyên",
    "Vy",
    "My",
    "Nhi",
    "Thúy",
    "Hiên",
]
# Names of real public figures (and those in the seed articles) that must not be generated.
BLOCKED_NAMES = frozenset(
    {
        "Phan Văn Giang",
        "Nguyễn Tân Cương",
        "Lê Huy Vịnh",
        "Nguyễn Văn Hiền",
        "Nguyễn Quang Ngọc",
        "Trần Minh Toản",
        "Phan Tùng Sơn",
        "Lê Việt Cường",
        "Nguyễn Đình Dũng",
        "Dương Đức Thiện",
        "Nguyễn Văn Kiên",
        "Nguyễn Quang Dũng",
        "Trần Minh Đức",
        "Tống Viết Trung",
        "Nguyễn Văn Mỹ",
        "Lê Đức Anh",
        "Võ Nguyên Giáp",
        "Văn Tiến Dũng",
        "Hoàng Văn Thái",
        "Chu Huy Mân",
        "Lê Trọng Tấn",
        "Nguyễn Chí Thanh",
        "Phùng Quang Thanh",
        "Ngô Xuân Lịch",
        "Lương Cường",
        "Tô Lâm",
        "Phạm Minh Chính",
        "Nguyễn Phú Trọng",
        "Trần Thanh Mẫn",
        "Võ Văn Thưởng",
        "Nguyễn Xuân Phúc",
        "Trần Đại Quang",
        "Nguyễn Tấn Dũng",
        "Trương Tấn Sang",
        "Nông Đức Mạnh",
        "Phạm Văn Đồng",
        "Võ Văn Kiệt",
        "Đỗ Mười",
        "Lê Khả Phiêu",
        "Phan Văn Khải",
        "Trần Đức Lương",
        "Nguyễn Minh Triết",
        "Trương Mỹ Hoa",
        "Nguyễn Thị Bình",
        "Nguyễn Thị Kim Ngân",
        "Nguyễn Thị Định",
        "Võ Thị Sáu",
        "Nguyễn Văn Trỗi",
        "Trần Văn Trà",
        "Lê Văn Dũng",
        "Nguyễn Hòa Bình",
        "Nguyễn Thị Thanh",
        "Trần Quốc Tỏ",
        "Bùi Thị Minh Hoài",
        "Lê Minh Hưng",
        "Nguyễn Trọng Nghĩa",
    }
)

# ---------------------------------------------------------------------------
# Personnel tables
# ---------------------------------------------------------------------------

# Headcount weight and category mix per unit role (see _role()).
ROLE_PROFILES: dict[str, tuple[float, dict[str, float]]] = {
    "none": (0, {}),
    "command": (7, {"si_quan": 1}),
    "ministry_dept": (30, {"si_quan": 32, "qncn": 30, "cnvqp": 32, "hsq_bs": 3, "lao_dong_hd": 3}),
    "agency": (20, {"si_quan": 25, "qncn": 40, "cnvqp": 20, "hsq_bs": 10, "lao_dong_hd": 2}),
    "it": (16, {"si_quan": 25, "qncn": 35, "cnvqp": 40}),
    "formation": (9, {"si_quan": 60, "qncn": 30, "hsq_bs": 10}),
    "formation_leaf": (70, {"si_quan": 12, "qncn": 28, "cnvqp": 5, "hsq_bs": 55}),
    "province": (36, {"si_quan": 15, "qncn": 34, "cnvqp": 12, "hsq_bs": 36}),
    "regiment": (14, {"si_quan": 45, "qncn": 35, "hsq_bs": 20}),
    "regiment_leaf": (170, {"si_quan": 6, "qncn": 22, "cnvqp": 2, "hsq_bs": 70}),
    "battalion": (9, {"si_quan": 40, "qncn": 35, "hsq_bs": 25}),
    "battalion_leaf": (120, {"si_quan": 5, "qncn": 20, "hsq_bs": 75}),
    "company": (70, {"si_quan": 2, "qncn": 10, "hsq_bs": 88}),
    "faculty": (24, {"si_quan": 50, "qncn": 10, "cnvqp": 38, "lao_dong_hd": 2}),
    "cadet_battalion": (6, {"si_quan": 1}),
    "cadet_company": (45, {"hoc_vien": 92, "si_quan": 8}),
    "ward": (45, {"si_quan": 20, "qncn": 38, "cnvqp": 30, "lao_dong_hd": 12}),
    "institute": (40, {"si_quan": 40, "qncn": 20, "cnvqp": 40}),
    "enterprise": (130, {"si_quan": 6, "qncn": 14, "cnvqp": 62, "lao_dong_hd": 18}),
}

# Share of women by category (overridden for some roles in _female_share()).
FEMALE_SHARE = {
    "si_quan": 0.05,
    "qncn": 0.2,
    "cnvqp": 0.45,
    "hsq_bs": 0.01,
    "hoc_vien": 0.05,
    "lao_dong_hd": 0.45,
}

# Leadership tiers: (head age, head rank floor, head rank cap), (deputy age, floor, cap).
TIERS = {
    1: (((50, 58), "thieu_tuong", "trung_tuong"), ((47, 57), "dai_ta", "thieu_tuong")),
    2: (((44, 56), "thuong_ta", "dai_ta"), ((40, 54), "trung_ta", "dai_ta")),
    3: (((38, 52), "trung_ta", "dai_ta"), ((34, 50), "thieu_ta", "thuong_ta")),
    4: (((31, 42), "thieu_ta", "trung_ta"), ((28, 40), "dai_uy", "thieu_ta")),
    5: (((26, 34), "thuong_uy", "thieu_ta"), ((24, 32), "trung_uy", "dai_uy")),
}

# Officer years since commissioning needed for each rank (Law on Officers' minimum terms).
OFFICER_YEARS = [
    ("thieu_uy", 0),
    ("trung_uy", 2),
    ("thuong_uy", 5),
    ("dai_uy", 8),
    ("thieu_ta", 12),
    ("trung_ta", 16),
    ("thuong_ta", 20),
    ("dai_ta", 24),
    ("thieu_tuong", 29),
    ("trung_tuong", 33),
]
# Professional soldiers: years as QNCN for each rank (salary grades map onto ranks).
QNCN_YEARS = [
    ("thieu_uy", 0),
    ("trung_uy", 3),
    ("thuong_uy", 6),
    ("dai_uy", 9),
    ("thieu_ta", 13),
    ("trung_ta", 18),
    ("thuong_ta", 23),
]

# Staff positions by topic, chosen from words in the agency's name.
OFFICER_STAFF_BY_TOPIC = [
    (
        ("Tham mưu", "Tác chiến", "Quân huấn", "Quân lực", "Dân quân", "Cứu hộ"),
        [
            "Trợ lý Tác chiến",
            "Trợ lý Quân lực",
            "Trợ lý Huấn luyện",
            "Trợ lý Kế hoạch",
            "Trợ lý Thông tin",
            "Trợ lý Công nghệ thông tin",
        ],
    ),
    (
        ("Chính trị", "Tuyên huấn", "Cán bộ", "Tổ chức", "Dân vận", "Chính sách"),
        [
            "Trợ lý Tuyên huấn",
            "Trợ lý Tổ chức",
            "Trợ lý Cán bộ",
            "Trợ lý Dân vận",
            "Trợ lý Chính sách",
            "Trợ lý Thanh niên",
            "Trợ lý Bảo vệ an ninh",
        ],
    ),
    (
        ("Hậu cần", "Quân nhu", "Quân y", "Vận tải", "Xăng dầu", "Doanh trại"),
        [
            "Trợ lý Quân nhu",
            "Trợ lý Quân y",
            "Trợ lý Vận tải",
            "Trợ lý Xăng dầu",
            "Trợ lý Doanh trại",
            "Trợ lý Tài chính",
            "Trợ lý Kỹ thuật",
        ],
    ),
    (
        ("Kỹ thuật", "Quân khí", "Xe - Máy", "Tiêu chuẩn"),
        ["Trợ lý Kỹ thuật", "Trợ lý Quân khí", "Trợ lý Xe - Máy", "Trợ lý Kế hoạch", "Trợ lý Đo lường"],
    ),
    (
        ("Văn phòng", "Tổng hợp", "Cải cách", "Kế hoạch"),
        [
            "Trợ lý Tổng hợp",
            "Trợ lý Hành chính",
            "Trợ lý Cải cách hành chính",
            "Trợ lý Kế hoạch",
            "Trợ lý Công nghệ thông tin",
            "Trợ lý Văn thư - Bảo mật",
        ],
    ),
    (("Đào tạo",), ["Trợ lý Đào tạo", "Trợ lý Kế hoạch đào tạo", "Trợ lý Khảo thí"]),
    (("Khoa học",), ["Trợ lý Khoa học quân sự", "Trợ lý Sáng kiến", "Trợ lý Kế hoạch"]),
]
OFFICER_STAFF_DEFAULT = [
    "Trợ lý Tổng hợp",
    "Trợ lý Kế hoạch",
    "Trợ lý Công nghệ thông tin",
    "Trợ lý Tác chiến",
    "Trợ lý Tuyên huấn",
]

# Staff positions by role and category: {role: {category: [(position, weight)]}}; "*" = any role.
STAFF_POSITIONS: dict[str, dict[str, list[tuple[str, int]]]] = {
    "*": {
        "qncn": [
            ("Nhân viên văn thư", 3),
            ("Nhân viên lưu trữ", 1),
            ("Nhân viên cơ yếu", 1),
            ("Nhân viên kỹ thuật", 2),
            ("Nhân viên Công nghệ thông tin", 2),
            ("Nhân viên thống kê", 1),
            ("Nhân viên tài chính", 1),
            ("Nhân viên lái xe", 2),
        ],
        "cnvqp": [
            ("Nhân viên văn thư", 2),
            ("Nhân viên tài chính", 2),
            ("Kỹ sư", 1),
            ("Chuyên viên", 2),
            ("Nhân viên hành chính", 2),
            ("Nhân viên thư viện", 1),
        ],
        "hsq_bs": [
            ("Chiến sĩ cảnh vệ", 3),
            ("Chiến sĩ lái xe", 2),
            ("Chiến sĩ thông tin", 2),
            ("Chiến sĩ văn thư", 1),
        ],
        "lao_dong_hd": [("Nhân viên phục vụ", 3), ("Nhân viên cấp dưỡng", 2), ("Nhân viên bảo trì", 1)],
    },
    "it": {
        "si_quan": [
            ("Trợ lý Công nghệ thông tin", 4),
            ("Trợ lý An toàn thông tin", 2),
            ("Trợ lý Chuyển đổi số", 1),
        ],
        "qncn": [("Nhân viên Công nghệ thông tin", 3), ("Nhân viên kỹ thuật mạng", 2)],
        "cnvqp": [("Kỹ sư Công nghệ thông tin", 3), ("Kỹ sư phần mềm", 1)],
    },
    "faculty": {
        "si_quan": [
            ("Giảng viên", 8),
            ("Giảng viên chính", 3),
            ("Chủ nhiệm bộ môn", 1),
            ("Phó Chủ nhiệm bộ môn", 1),
        ],
        "qncn": [("Nhân viên thí nghiệm", 2), ("Nhân viên văn thư", 1)],
        "cnvqp": [("Giảng viên", 3), ("Nhân viên giáo vụ", 2), ("Nhân viên thí nghiệm", 1)],
    },
    "ward": {
        "si_quan": [("Bác sĩ", 8), ("Bác sĩ chuyên khoa II", 1), ("Dược sĩ", 1)],
        "qncn": [("Điều dưỡng", 6), ("Kỹ thuật viên", 2), ("Y sĩ", 1), ("Bác sĩ", 1)],
        "cnvqp": [("Điều dưỡng", 5), ("Kỹ thuật viên", 2), ("Dược sĩ", 1), ("Nhân viên hành chính", 1)],
        "lao_dong_hd": [("Hộ lý", 3), ("Nhân viên phục vụ", 1)],
    },
    "institute": {
        "si_quan": [
            ("Nghiên cứu viên", 5),
            ("Nghiên cứu viên chính", 2),
            ("Trưởng phòng", 1),
            ("Phó Trưởng phòng", 1),
        ],
        "qncn": [("Kỹ thuật viên", 3), ("Nhân viên văn thư", 1)],
        "cnvqp": [("Nghiên cứu viên", 3), ("Kỹ sư", 3), ("Chuyên viên", 1)],
    },
    "enterprise": {
        "si_quan": [("Trưởng phòng", 2), ("Phó Trưởng phòng", 2), ("Kỹ sư", 2), ("Trợ lý Kế hoạch", 1)],
        "qncn": [("Nhân viên kỹ thuật", 3), ("Kỹ thuật viên", 2)],
        "cnvqp": [
            ("Kỹ sư", 4),
            ("Công nhân kỹ thuật", 4),
            ("Chuyên viên kinh doanh", 2),
            ("Nhân viên kế toán", 1),
            ("Kỹ sư phần mềm", 1),
        ],
        "lao_dong_hd": [("Công nhân", 3), ("Nhân viên kinh doanh", 2)],
    },
    "company": {
        "si_quan": [("Trung đội trưởng", 1)],
        "qncn": [("Nhân viên quân y", 2), ("Nhân viên thông tin", 1), ("Nhân viên sửa chữa vũ khí", 1)],
    },
    "battalion": {
        "si_quan": [("Trợ lý Tham mưu", 1), ("Đại đội trưởng", 1), ("Trung đội trưởng", 2)],
        "qncn": [("Nhân viên quân y", 2), ("Nhân viên thông tin", 1), ("Nhân viên hậu cần", 1)],
    },
    "cadet_company": {
        "si_quan": [("Trung đội trưởng", 1)],
        "hoc_vien": [("Học viên", 24), ("Lớp trưởng", 1)],
    },
}
STAFF_POSITIONS["battalion_leaf"] = STAFF_POSITIONS["battalion"]
STAFF_POSITIONS["regiment_leaf"] = STAFF_POSITIONS["battalion"]
STAFF_POSITIONS["formation_leaf"] = STAFF_POSITIONS["battalion"]

# Soldiers' specialties by level-2 ancestor (default "Chiến sĩ").
SOLDIER_TITLE = {
    "BCTTLL": "Chiến sĩ thông tin",
    "BCCB": "Chiến sĩ công binh",
    "QCHQ": "Thủy thủ",
    "QCPKKQ": "Pháo thủ",
    "BDBP": "Chiến sĩ biên phòng",
    "CSB": "Thủy thủ",
}

# Deputies who hold the same rank band as the head of the unit.
CO_HEADS = frozenset({"Chính ủy", "Chính trị viên"})

# Roles whose soldiers form squads (squad leaders + soldiers).
SQUAD_ROLES = frozenset({"company", "battalion_leaf", "regiment_leaf", "formation_leaf", "province"})


# ---------------------------------------------------------------------------
# Units
# ---------------------------------------------------------------------------


def _short(name: str, kind: str) -> str:
    """A short display name: military letter codes for numbered formations, phrase abbreviations else."""
    number = name.rsplit(" ", 1)[-1]
    if number.isdigit():
        letters = {"su_doan": "f", "trung_doan": "e", "tieu_doan": "d", "dai_doi": "c"}
        if kind in letters and name.split(" ")[0] in {"Sư", "Trung", "Tiểu", "Đại"}:
            return f"{letters[kind]}{number}"
        if kind == "lu_doan":
            return f"LĐ{number}"
    for phrase, abbr in SHORT_PHRASES:
        name = name.replace(phrase, abbr)
    return name


def _u(
    local: str, name: str, kind: str, peer: str, short: str | None = None, children: list[dict] | tuple = ()
) -> dict:
    return {
        "local": local,
        "name": name,
        "kind": kind,
        "peer": peer,
        "short": short or _short(name, kind),
        "children": list(children),
    }


def _agency(
    local: str,
    name: str,
    peer: str = "co_quan_don_vi",
    short: str | None = None,
    children: list[dict] | tuple = (),
) -> dict:
    return _u(local, name, "co_quan", peer, short, children)


def _company(number: int) -> dict:
    return _u(f"C{number}", f"Đại đội {number}", "dai_doi", "don_vi_co_so")


def _battalion(number: int, companies: int = 0) -> dict:
    # Companies of battalion n are numbered 4(n-1)+1.. (d1: c1-c3, d2: c5-c7; c4, c8 are fire support).
    first = 4 * (number - 1) + 1
    return _u(
        f"D{number}",
        f"Tiểu đoàn {number}",
        "tieu_doan",
        "don_vi_co_so",
        children=[_company(first + i) for i in range(companies)],
    )


def _regiment(number: int, battalions: int = 0, companies_in_first: int = 0, direct_companies: bool = False) -> dict:
    children = [_battalion(b, companies_in_first if b == 1 else 0) for b in range(1, battalions + 1)]
    if direct_companies:
        children += [
            _u("CTS", "Đại đội Trinh sát", "dai_doi", "don_vi_co_so"),
            _u("CTT", "Đại đội Thông tin", "dai_doi", "don_vi_co_so"),
        ]
    return _u(f"E{number}", f"Trung đoàn {number}", "trung_doan", "don_vi_co_so", children=children)


def _division(number: int, regiments: tuple[int, ...], detailed: bool) -> dict:
    """A division; a detailed one has staff departments, battalions and some companies."""
    if not detailed:
        children = [_regiment(r) for r in regiments]
    else:
        children = [
            _agency("PTM", "Phòng Tham mưu"),
            _agency("PCT", "Phòng Chính trị"),
            _agency("PHCKT", "Phòng Hậu cần - Kỹ thuật"),
        ]
        children += [_regiment(r, 3, 3, True) if i == 0 else _regiment(r, 2) for i, r in enumerate(regiments)]
    return _u(f"SD{number}", f"Sư đoàn {number}", "su_doan", "su_doan_lu_doan", children=children)


def _province(local: str, place: str, is_city: bool, detailed: bool) -> dict:
    if place == "Hồ Chí Minh":
        name = "Bộ Tư lệnh Thành phố Hồ Chí Minh"
    else:
        name = f"Bộ Chỉ huy quân sự {'thành phố' if is_city else 'tỉnh'} {place}"
    children = (
        [
            _agency("PTM", "Phòng Tham mưu"),
            _agency("PCT", "Phòng Chính trị"),
            _agency("PHCKT", "Phòng Hậu cần - Kỹ thuật"),
        ]
        if detailed
        else []
    )
    return _u(local, name, "bo_chqs", "su_doan_lu_doan", children=children)


def _formation(local: str, name: str, short: str, kind: str, subs: list) -> dict:
    children = []
    for sub_local, sub_name, sub_kind, companies in subs:
        peer = "su_doan_lu_doan" if sub_kind == "lu_doan" else "don_vi_co_so"
        kids = [_company(n) for n in companies]
        children.append(_u(sub_local, sub_name, sub_kind, peer, children=kids))
    return _u(local, name, kind, "su_doan_lu_doan", short, children)


def _hospital(code: str, name: str, short: str, departments: list[str]) -> dict:
    children = [
        _agency("PKHTH", "Phòng Kế hoạch tổng hợp"),
        _agency("PCT", "Phòng Chính trị"),
        _agency("CNTT", "Ban Công nghệ thông tin"),
    ]
    children += [_agency(f"K{i}", d) for i, d in enumerate(departments, 1)]
    return _u(code, name, "benh_vien", "benh_vien", short, children)


def _academy(
    code: str, name: str, short: str, kind: str, faculties: list[str], battalions: int, companies: int
) -> dict:
    # The IT section sits in the academy's office (as in Học viện Quân y: "Ban Công nghệ thông tin,
    # Văn phòng").
    children = [
        _agency("VP", "Văn phòng", children=[_agency("CNTT", "Ban Công nghệ thông tin")]),
        _agency("PDT", "Phòng Đào tạo"),
        _agency("PCT", "Phòng Chính trị"),
    ]
    children += [_agency(f"K{i}", f) for i, f in enumerate(faculties, 1)]
    children += [_battalion(b, companies) for b in range(1, battalions + 1)]
    if code == "HVQY":
        children.append(_hospital(*TEACHING_HOSPITAL[:3], TEACHING_HOSPITAL[3]))
    return _u(code, name, kind, "hoc_vien_nha_truong", short, children)


def _tree() -> dict:
    """The whole organisation as nested nodes (local codes)."""
    level2: list[dict] = []
    for code, name, short, kind, agencies in CENTRAL_BODIES:
        kids = [_agency(local, n, "co_quan_bo", s) for local, n, s in agencies]
        if code == "TCCNQP":
            kids += [_u(local, n, "doanh_nghiep", "doanh_nghiep") for local, n in DEFENCE_FACTORIES]
        level2.append(_u(code, name, kind, "co_quan_bo", short, kids))
    for code, name, short, kind, divisions, provinces in MILITARY_REGIONS:
        kids = [_agency(local, n, short=s) for local, n, s in REGION_AGENCIES]
        kids += [_division(*d) for d in divisions]
        kids += [_province(local, place, city, i == 0) for i, (local, place, city) in enumerate(provinces)]
        level2.append(_u(code, name, kind, "quan_khu_quan_chung", short, kids))
    for code, name, short, kind, agencies, formations in COMMANDS:
        kids = [_agency(local, n, short=s) for local, n, s in agencies]
        kids += [_formation(*f) for f in formations]
        level2.append(_u(code, name, kind, "quan_khu_quan_chung", short, kids))
    level2 += [_academy(*a) for a in ACADEMIES]
    level2 += [_hospital(*h) for h in HOSPITALS]
    code, name, short, subs = INSTITUTE
    level2.append(
        _u(
            code,
            name,
            "vien",
            "hoc_vien_nha_truong",
            short,
            [_u(local, n, "vien", "co_quan_don_vi") for local, n in subs],
        )
    )
    code, name, short, subs = ENTERPRISE
    level2.append(
        _u(
            code,
            name,
            "doanh_nghiep",
            "doanh_nghiep",
            short,
            [_u(local, n, "doanh_nghiep", "doanh_nghiep", s) for local, n, s in subs],
        )
    )
    code, name, short, kind, peer = ROOT
    return _u(code, name, kind, peer, short, level2)


def demo_units() -> list[dict]:
    """The demo unit tree, flat and parent-before-child.

    Each item: ``code`` (unique), ``parent`` (code or None), ``name``, ``short_name``,
    ``kind`` (UnitKind code), ``peer_group`` (a PEER_GROUPS code).
    """
    out: list[dict] = []

    def walk(node: dict, parent: str | None, level: int, served: str) -> None:
        # Level-2 codes stand alone ("HVHC"); deeper ones extend their parent's ("HVHC-K1").
        code = node["local"] if level <= 2 else f"{parent}-{node['local']}"
        name = node["name"]
        if level > 2 and name in GENERIC_AGENCIES:
            name = f"{name} {served}"
        out.append(
            {
                "code": code,
                "parent": parent,
                "name": name,
                "short_name": node["short"],
                "kind": node["kind"],
                "peer_group": node["peer"],
            }
        )
        # Agencies below level 2 serve the unit above them, not themselves.
        served = name if node["kind"] != "co_quan" or level <= 2 else served
        for child in node["children"]:
            walk(child, code, level + 1, served)

    walk(_tree(), None, 1, "")
    return out


def unit_levels(units: list[dict]) -> dict[str, int]:
    """Level of each unit code (root = 1); ``units`` must be parent-before-child."""
    levels: dict[str, int] = {}
    for u in units:
        levels[u["code"]] = 1 if u["parent"] is None else levels[u["parent"]] + 1
    return levels


# ---------------------------------------------------------------------------
# People
# ---------------------------------------------------------------------------


def _level2_ancestor(code: str, by_code: dict[str, dict]) -> dict | None:
    unit = by_code[code]
    while unit["parent"] is not None and by_code[unit["parent"]]["parent"] is not None:
        unit = by_code[unit["parent"]]
    return unit if unit["parent"] is not None else None


def _role(unit: dict, level: int, is_leaf: bool, parent_kind: str | None, top: dict | None) -> str:
    """What kind of workplace a unit is, for headcount, category mix and positions."""
    kind, name = unit["kind"], unit["name"]
    in_school = top is not None and top["kind"] in ("hoc_vien", "truong")
    in_hospital = parent_kind == "benh_vien"
    if level == 1:
        return "none"
    if level == 2:
        return "command"
    if kind == "co_quan":
        if name.startswith("Ban Công nghệ thông tin"):
            return "it"
        if in_hospital and name.startswith("Khoa"):
            return "ward"
        if in_school and name.startswith("Khoa"):
            return "faculty"
        return "ministry_dept" if unit["peer_group"] == "co_quan_bo" else "agency"
    if kind == "dai_doi":
        return "cadet_company" if in_school else "company"
    if kind == "tieu_doan":
        if in_school:
            return "cadet_battalion"
        return "battalion_leaf" if is_leaf else "battalion"
    if kind == "trung_doan":
        return "regiment_leaf" if is_leaf else "regiment"
    if kind == "bo_chqs":
        return "province" if is_leaf else "formation"
    if kind == "benh_vien":
        return "command"
    if kind == "vien":
        return "institute"
    if kind == "doanh_nghiep":
        return "enterprise"
    return "formation_leaf" if is_leaf else "formation"


def _tier(unit: dict, level: int) -> int:
    kind = unit["kind"]
    if level <= 2:
        return 1
    if kind == "dai_doi" or kind == "khac" and unit["name"].startswith("Đồn"):
        return 5
    if kind == "tieu_doan":
        return 4
    if kind == "trung_doan" or level >= 4:
        return 3
    return 2


def _head_titles(unit: dict, level: int) -> tuple[str, list[str]]:
    """(head title, deputy titles) for a unit."""
    kind, name = unit["kind"], unit["name"]
    if kind in ("quan_khu", "quan_chung", "binh_chung", "bo_tu_lenh") or name.startswith("Bộ Tư lệnh"):
        return "Tư lệnh", ["Chính ủy", "Phó Tư lệnh", "Phó Chính ủy"]
    if kind == "tong_cuc":
        return "Chủ nhiệm Tổng cục", ["Chính ủy", "Phó Chủ nhiệm Tổng cục", "Phó Chính ủy"]
    if kind == "hoc_vien" or kind == "benh_vien" or name.startswith(("Trung tâm", "Nhà máy")):
        return "Giám đốc", ["Chính ủy", "Phó Giám đốc", "Phó Chính ủy"]
    if kind == "truong":
        return "Hiệu trưởng", ["Chính ủy", "Phó Hiệu trưởng", "Phó Chính ủy"]
    if kind == "vien":
        return "Viện trưởng", ["Phó Viện trưởng"]
    if kind == "doanh_nghiep":
        return "Tổng Giám đốc", ["Phó Tổng Giám đốc", "Phó Tổng Giám đốc"]
    if kind == "bo_chqs" or kind == "khac" and name.startswith("Bộ Chỉ huy"):
        return "Chỉ huy trưởng", ["Chính ủy", "Phó Chỉ huy trưởng"]
    if kind == "khac" and name.startswith("Đồn"):
        return "Đồn trưởng", ["Chính trị viên", "Phó Đồn trưởng"]
    if kind in ("su_doan", "lu_doan", "trung_doan"):
        word = " ".join(name.split()[:2]).capitalize()  # "Sư đoàn", "Lữ đoàn", "Trung đoàn"
        return f"{word} trưởng", ["Chính ủy", f"Phó {word} trưởng"]
    if kind in ("tieu_doan", "dai_doi"):
        word = " ".join(name.split()[:2])
        return f"{word} trưởng", ["Chính trị viên", f"Phó {word} trưởng"]
    # Agencies.
    if level == 2 and name.startswith("Bộ Tổng Tham mưu"):
        return "Phó Tổng Tham mưu trưởng", ["Phó Tổng Tham mưu trưởng"]
    if name.startswith("Văn phòng"):
        return "Chánh Văn phòng", ["Phó Chánh Văn phòng"]
    if name.startswith(("Cục Chính trị", "Phòng Chính trị")):
        return "Chủ nhiệm Chính trị", ["Phó Chủ nhiệm Chính trị"]
    if name.startswith(("Cục Hậu cần - Kỹ thuật", "Phòng Hậu cần - Kỹ thuật")):
        return "Chủ nhiệm Hậu cần - Kỹ thuật", ["Phó Chủ nhiệm Hậu cần - Kỹ thuật"]
    if name.startswith(("Bộ Tham mưu", "Phòng Tham mưu")):
        return "Tham mưu trưởng", ["Phó Tham mưu trưởng"]
    if name.startswith("Cục"):
        return "Cục trưởng", ["Phó Cục trưởng"]
    if name.startswith("Khoa"):
        return "Chủ nhiệm khoa", ["Phó Chủ nhiệm khoa"]
    if name.startswith("Ban"):
        return "Trưởng ban", ["Phó Trưởng ban"]
    return "Trưởng phòng", ["Phó Trưởng phòng"]


def _leaders(unit: dict, level: int) -> list[tuple[str, tuple[int, int], str, str]]:
    """Leadership posts of a unit: (position, age range, rank floor, rank cap)."""
    head, deputies = _head_titles(unit, level)
    (h_age, h_lo, h_hi), (d_age, d_lo, d_hi) = TIERS[_tier(unit, level)]
    if unit["name"].startswith("Cục") and level == 3:
        h_lo, h_hi = "dai_ta", "thieu_tuong"  # department heads of the general departments
    return [(head, h_age, h_lo, h_hi)] + [(d, d_age, d_lo, d_hi) for d in deputies]


def _min_rank(a: str, b: str) -> str:
    return min(a, b, key=RANK_ORDER.index)


def _clamp_rank(rank: str, lo: str, hi: str) -> str:
    i = RANK_ORDER.index(rank)
    return RANK_ORDER[min(max(i, RANK_ORDER.index(lo)), RANK_ORDER.index(hi))]


def _by_years(table: list[tuple[str, int]], years: int) -> str:
    rank = table[0][0]
    for code, needed in table:
        if years >= needed:
            rank = code
    return rank


def _pick(rng: random.Random, pairs: list[tuple[str, float]]) -> str:
    return rng.choices([p for p, _w in pairs], weights=[w for _p, w in pairs])[0]


def _full_name(rng: random.Random, gender: str) -> str:
    while True:
        family = _pick(rng, FAMILY_NAMES)
        if gender == "M":
            middle = _pick(rng, MALE_MIDDLE)
            given = rng.choice(MALE_GIVEN)
        else:
            middle = _pick(rng, FEMALE_MIDDLE)
            if middle == "Thị" and rng.random() < 0.25:
                middle = f"Thị {rng.choice(FEMALE_SECOND_MIDDLE)}"
            given = rng.choice(FEMALE_GIVEN)
        if given == middle.split()[-1]:
            continue
        name = f"{family} {middle} {given}"
        if name not in BLOCKED_NAMES:
            return name


def _female_share(category: str, role: str) -> float:
    if role == "ward":
        return {"si_quan": 0.3, "qncn": 0.7, "cnvqp": 0.75, "lao_dong_hd": 0.7}.get(category, 0.05)
    if role in ("faculty", "institute", "it") and category == "si_quan":
        return 0.15
    if role in ("company", "battalion_leaf", "regiment_leaf") and category == "hsq_bs":
        return 0.0
    return FEMALE_SHARE[category]


def _age(rng: random.Random, lo: int, hi: int, skew: float = 1.0) -> int:
    """An age in [lo, hi]; skew > 1 favours the young end (a rank pyramid)."""
    return lo + min(int((hi - lo + 1) * rng.random() ** skew), hi - lo)


def _officer(
    rng: random.Random, age_range: tuple[int, int], lo: str, hi: str, skew: float = 1.0
) -> tuple[int, int, str]:
    """(birth year, joined year, rank) of an officer of the given age range and rank bounds."""
    age = _age(rng, *age_range, skew)
    birth = REF_YEAR - age
    # Most entered an officer school after secondary school; some after a civilian degree.
    entry_ages = [e for e in (18, 18, 19, 19, 20, 21, 23) if e + (4 if e < 22 else 1) <= age] or [18]
    entry_age = rng.choice(entry_ages)
    joined = max(birth + entry_age, 1985)
    commissioned = joined + (4 if entry_age < 22 else 1)
    years = max(REF_YEAR - commissioned - rng.choice([0, 0, 1, 2]), 0)
    return birth, joined, _clamp_rank(_by_years(OFFICER_YEARS, years), lo, hi)


def _person(
    rng: random.Random,
    category: str,
    position: str,
    role: str,
    unit_code: str,
    officer_bounds: tuple[tuple[int, int], str, str] | None = None,
    leader: bool = False,
) -> dict:
    share = 0.03 if leader else _female_share(category, role)
    gender = "F" if rng.random() < share else "M"
    rank: str | None = None
    if category == "si_quan":
        if officer_bounds is None:
            officer_bounds = ((24, 52), "thieu_uy", "thuong_ta")
        # Leaders' ages are spread evenly over their range; staff form a pyramid.
        birth, joined, rank = _officer(rng, *officer_bounds, skew=1.0 if leader else 1.6)
    elif category == "qncn":
        age = _age(rng, 23, 50, 1.4)
        birth = REF_YEAR - age
        joined = max(birth + rng.randint(18, 22), 1985)
        years = max(REF_YEAR - joined - 2, 0)  # about two years as a soldier first
        rank = _by_years(QNCN_YEARS, years)
    elif category == "hsq_bs":
        # Conscripts serve two years; a few volunteers stay a third.
        joined = rng.choices([REF_YEAR - 2, REF_YEAR - 1, REF_YEAR], weights=[3, 3.5, 3.5])[0]
        birth = joined - rng.choices([18, 19, 20, 21, 23], weights=[4, 3, 2, 1, 1])[0]
        served = REF_YEAR - joined
        if position == "Tiểu đội trưởng":
            rank = rng.choice(["ha_si", "trung_si", "trung_si", "thuong_si"] if served >= 2 else ["ha_si"])
        else:
            rank = _pick(
                rng,
                [
                    [("binh_nhi", 7), ("binh_nhat", 3)],
                    [("binh_nhat", 7), ("ha_si", 3)],
                    [("ha_si", 4), ("trung_si", 4), ("thuong_si", 2)],
                ][min(served, 2)],
            )
    elif category == "hoc_vien":
        joined = rng.randint(REF_YEAR - 4, REF_YEAR)
        birth = joined - rng.choice([18, 18, 18, 19, 19, 20])
        # choices.RANKS lets cadets hold only "thieu_uy"; undergraduate cadets really hold
        # NCO ranks, which that table does not allow, so they are left without a rank.
        rank = None
    elif category == "cnvqp":
        age = rng.randint(24, 58)
        birth = REF_YEAR - age
        joined = min(max(birth + rng.randint(22, 28), 1985), REF_YEAR)
    else:  # lao_dong_hd
        age = rng.randint(20, 52)
        birth = REF_YEAR - age
        joined = REF_YEAR - rng.randint(0, min(15, age - 19))
    return {
        "full_name": _full_name(rng, gender),
        "gender": gender,
        "birth_year": birth,
        "category": category,
        "rank": rank,
        "position": position,
        "unit_code": unit_code,
        "joined_year": joined,
    }


def _staff_position(rng: random.Random, role: str, category: str, unit: dict, soldier: str) -> str:
    if category == "hsq_bs" and role in SQUAD_ROLES:
        return "Tiểu đội trưởng" if rng.random() < 0.11 else soldier
    if category == "si_quan" and role in (
        "agency",
        "ministry_dept",
        "regiment",
        "formation",
        "province",
        "formation_leaf",
        "regiment_leaf",
    ):
        # Match the short name first: the full one may end with the served unit's name.
        topics = next(
            (
                titles
                for text in (unit["short_name"], unit["name"])
                for words, titles in OFFICER_STAFF_BY_TOPIC
                if any(w in text for w in words)
            ),
            OFFICER_STAFF_DEFAULT,
        )
        if role == "ministry_dept" and rng.random() < 0.2:
            return rng.choice(["Trưởng phòng", "Phó Trưởng phòng"])
        if role in ("regiment_leaf", "formation_leaf") and rng.random() < 0.5:
            return rng.choice(["Đại đội trưởng", "Trung đội trưởng", "Trung đội trưởng"])
        return rng.choice(topics)
    table = STAFF_POSITIONS.get(role, {}).get(category) or STAFF_POSITIONS["*"].get(category)
    if table is None:  # e.g. cadets outside a cadet company
        return "Học viên" if category == "hoc_vien" else "Trợ lý"
    return _pick(rng, table)


def _officer_staff_bounds(role: str, position: str, tier: int) -> tuple[tuple[int, int], str, str]:
    if position == "Trung đội trưởng":
        return (22, 28), "thieu_uy", "thuong_uy"
    if position == "Đại đội trưởng":
        return (26, 34), "thuong_uy", "thieu_ta"
    if role in ("faculty", "ward", "institute"):
        return (26, 56), "trung_uy", "dai_ta"
    if position.startswith(("Trưởng phòng", "Phó Trưởng phòng")):
        return (36, 54), "thieu_ta", "dai_ta"
    cap = "dai_ta" if tier <= 2 or role == "ministry_dept" else "thuong_ta"
    return (24, 54), "thieu_uy", cap


def _allocate(weights: list[float], count: int) -> list[int]:
    """Split ``count`` in proportion to ``weights`` (largest remainder; ties by order)."""
    total = sum(weights)
    if total <= 0 or count <= 0:
        return [0] * len(weights)
    exact = [w * count / total for w in weights]
    out = [int(x) for x in exact]
    order = sorted(range(len(weights)), key=lambda i: (-(exact[i] - out[i]), i))
    for i in order[: count - sum(out)]:
        out[i] += 1
    return out


def demo_people(units: list[dict], count: int = 5200, seed: int = 2025) -> Iterator[dict]:
    """Yield ``count`` fictional people spread over ``units`` (as returned by demo_units()).

    Each item: ``full_name``, ``gender`` ("M"/"F"), ``birth_year``, ``category``
    (PersonnelCategory code), ``rank`` (rank code or None), ``position``, ``unit_code``,
    ``joined_year``. Deterministic for given arguments.
    """
    rng = random.Random(seed)
    by_code = {u["code"]: u for u in units}
    levels = unit_levels(units)
    has_children = {u["parent"] for u in units if u["parent"] is not None}
    infos = []
    for u in units:
        parent_kind = by_code[u["parent"]]["kind"] if u["parent"] else None
        top = _level2_ancestor(u["code"], by_code)
        role = _role(u, levels[u["code"]], u["code"] not in has_children, parent_kind, top)
        infos.append((u, role, top))
    quotas = _allocate([ROLE_PROFILES[role][0] for _u, role, _t in infos], count)

    for (unit, role, top), quota in zip(infos, quotas, strict=True):
        level = levels[unit["code"]]
        tier = _tier(unit, level)
        soldier = SOLDIER_TITLE.get(top["code"] if top else "", "Chiến sĩ")
        posts = _leaders(unit, level) if role not in ("none", "cadet_company") else []
        if role == "cadet_company":
            posts = _leaders(unit, level)[:2]  # company commander and political officer
        head_rank = None
        for i, (title, ages, lo, hi) in enumerate(posts[:quota]):
            if i and title in CO_HEADS:  # the political officer ranks with the commander
                ages, lo, hi = posts[0][1:]
            if head_rank is not None:  # nobody outranks the head of the unit
                hi = _min_rank(hi, head_rank)
                lo = _min_rank(lo, hi)
            person = _person(rng, "si_quan", title, role, unit["code"], (ages, lo, hi), leader=True)
            head_rank = head_rank or person["rank"]
            yield person
        mix = ROLE_PROFILES[role][1]
        cats = list(mix.items())
        for _ in range(quota - min(quota, len(posts))):
            category = _pick(rng, cats)
            position = _staff_position(rng, role, category, unit, soldier)
            bounds = None
            if category == "si_quan":
                ages, lo, hi = _officer_staff_bounds(role, position, tier)
                if head_rank is not None:
                    hi = _min_rank(hi, head_rank)
                    lo = _min_rank(lo, hi)
                bounds = (ages, lo, hi)
            yield _person(rng, category, position, role, unit["code"], bounds)


# ---------------------------------------------------------------------------
# Self-check
# ---------------------------------------------------------------------------

CODE_RE = re.compile(r"^[A-Z0-9]+(-[A-Z0-9]+)*$")


def _check() -> None:
    units = demo_units()
    codes = [u["code"] for u in units]
    assert len(codes) == len(set(codes)), "unit codes must be unique"
    assert all(CODE_RE.match(c) for c in codes), "codes: ASCII uppercase, digits, dashes"
    seen: set[str] = set()
    for u in units:
        assert set(u) == {"code", "parent", "name", "short_name", "kind", "peer_group"}
        assert u["parent"] is None or u["parent"] in seen, f"parent after child: {u['code']}"
        seen.add(u["code"])
        assert u["kind"] in UNIT_KINDS, u
        assert u["peer_group"] in {c for c, _n in PEER_GROUPS}, u
        for text in (u["name"], u["short_name"]):
            assert text == unicodedata.normalize("NFC", text) and text.strip() == text, u
        assert len(u["name"]) <= 100 and len(u["short_name"]) <= 40, u
    assert sum(u["parent"] is None for u in units) == 1 and units[0]["kind"] == "bo"
    siblings = Counter((u["parent"], u["name"]) for u in units)
    assert max(siblings.values()) == 1, "sibling names must differ"
    levels = unit_levels(units)
    assert len(units) >= 320 and max(levels.values()) >= 5
    assert any(u["kind"] == "dai_doi" and levels[u["code"]] == 5 for u in units)
    for u in units:  # every academy, school and hospital has an IT section somewhere below it
        if u["kind"] in ("hoc_vien", "truong", "benh_vien"):
            prefix = u["code"] + "-"
            assert any(
                v["code"].startswith(prefix) and v["name"].startswith("Ban Công nghệ thông tin") for v in units
            ), u
    level2 = {u["name"] for u in units if levels[u["code"]] == 2}
    for required in (
        "Bộ Tổng Tham mưu",
        "Tổng cục Kỹ thuật",
        "Bộ Tư lệnh 86",
        "Bộ Tư lệnh Thủ đô Hà Nội",
        "Học viện Hậu cần",
        "Tổng cục Chính trị Quân đội nhân dân Việt Nam",
    ):
        assert required in level2, required

    people = list(demo_people(units))
    assert len(people) == 5200 and people == list(demo_people(units)), "count and determinism"
    assert len(list(demo_people(units, count=37, seed=1))) == 37
    unit_codes = set(codes)
    for p in people:
        assert p["category"] in CATEGORIES and p["unit_code"] in unit_codes and p["gender"] in "MF", p
        if p["category"] in ("cnvqp", "lao_dong_hd"):
            assert p["rank"] is None, p
        elif p["rank"] is not None:
            assert p["category"] in RANK_CATEGORIES[p["rank"]], p
        else:
            assert p["category"] == "hoc_vien", p
        assert 1985 <= p["joined_year"] <= REF_YEAR and p["joined_year"] - p["birth_year"] >= 17, p
        assert 17 <= REF_YEAR - p["birth_year"] <= 60, p
        assert p["full_name"] == unicodedata.normalize("NFC", p["full_name"]), p
        assert p["full_name"] not in BLOCKED_NAMES, p
    heads: dict[str, int] = {}  # the first person of a unit is its head; no officer outranks them
    for p in people:
        if p["category"] == "si_quan":
            rank = RANK_ORDER.index(p["rank"])
            assert rank <= heads.setdefault(p["unit_code"], rank), p


def _summary() -> None:
    units = demo_units()
    levels = unit_levels(units)
    print(f"units: {len(units)}, depth: {max(levels.values())}")
    print("per level:", dict(sorted(Counter(levels.values()).items())))
    print("per kind:", dict(Counter(u["kind"] for u in units).most_common()))
    print("per peer group:", dict(Counter(u["peer_group"] for u in units).most_common()))
    people = list(demo_people(units))
    n = len(people)
    cats = Counter(p["category"] for p in people)
    print(f"people: {n}")
    print("per category:", {c: f"{cats[c] / n:.1%}" for c in CATEGORIES})
    print(
        f"women: {sum(p['gender'] == 'F' for p in people) / n:.1%}, "
        f"Nguyễn: {sum(p['full_name'].startswith('Nguyễn ') for p in people) / n:.1%}, "
        f"distinct names: {len({p['full_name'] for p in people})}"
    )
    print("ranks:", dict(Counter(p["rank"] for p in people).most_common()))
    print("units with people:", len({p["unit_code"] for p in people}))
    rng = random.Random(7)
    for p in sorted(rng.sample(people, 10), key=lambda p: p["unit_code"]):
        print("  ", p)


if __name__ == "__main__":
    _check()
    _summary()
    print("self-check OK")


def name_source(seed: int = 7, female_share: float = 0.12):
    """A function returning one fictional full name per call (for bulk scale data)."""
    rng = random.Random(seed)

    def next_name() -> str:
        return _full_name(rng, "F" if rng.random() < female_share else "M")

    return next_name
