"""Demo reporting indicators (chỉ tiêu báo cáo định kỳ) for ``seed_demo``.

Pure Python (standard library only, no Django import): ``INDICATORS`` is a list of
plain dicts that the reporting module loads as indicator definitions. The figures
and wording follow the seed articles (digital signatures in 100 % of units, about
900 regular military e-mail users and about 70 000 files exchanged at an academy in
2021-2025, hundreds of online meetings, e-medical records, the network extended to
level-4 units, "Bình dân học vụ số") and the ministry's e-government targets
(89 % electronic and 72 % digitally signed documents in 2023).

Conventions every definition relies on:

- One value per unit and period (a quarter in the demo). Flows ("trong kỳ") count
  what happened during the period; stocks ("tại thời điểm cuối kỳ", "lũy kế") are
  the state on the last day of the period.
- A unit reports its own figures only, excluding subordinate units that report for
  themselves; the roll-up through the unit tree then adds them up without double
  counting. The network counts follow the same rule: a unit counts only the units
  directly under it, so a level-N unit is counted once, by its parent.
- A computed percentage is aggregated as a weighted average with its denominator as
  the weight, which equals recomputing it from the summed numerator and denominator.
- ``sample`` describes demo values for one reporting unit of the kind the indicator
  applies to; for indicators that apply to academies it is an academy-wide figure
  (Học viện Hậu cần scale), which the generator should share out when an academy's
  own sub-units report separately, and clamp so that ``validations`` hold.

Unit kinds use the codes of ``dxhub.org.choices.UnitKind``, imported from there.

Run ``python3 demo_indicators.py`` for a self-check and a summary.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

from dxhub.org.choices import UnitKind

# ---------------------------------------------------------------------------
# Vocabularies
# ---------------------------------------------------------------------------

UNIT_KINDS = tuple(UnitKind.values)
VALUE_TYPES = ("integer", "decimal", "percentage", "boolean", "text")
DIRECTIONS = ("higher_better", "lower_better", "neutral")
AGGREGATIONS = ("sum", "avg", "weighted_avg", "min", "max", "share_yes", "none")
# The DTI pillars (Decision 922/QĐ-BTTTT): five foundation indices and DX activities.
TOPICS = (
    "Nhận thức số",
    "Thể chế số",
    "Hạ tầng số",
    "Nhân lực số",
    "An toàn thông tin mạng",
    "Hoạt động chuyển đổi số",
)
KEYS = (
    "code",
    "name",
    "definition",
    "unit",
    "value_type",
    "min_value",
    "max_value",
    "direction",
    "aggregation",
    "weight",
    "formula",
    "topic",
    "applies_to",
    "validations",
    "sample",
)

AWARENESS, INSTITUTIONS, INFRASTRUCTURE, HUMAN, SECURITY, ACTIVITIES = TOPICS

# Groups of unit kinds. Kinds do not fix a unit's level in the tree (an academy may sit
# at level 2 or 3, its faculties are "co_quan" units), so the groups are approximate.
_COMMANDS = ("bo", "tong_cuc", "quan_khu", "quan_chung", "bo_tu_lenh", "binh_chung")
_INSTITUTIONS = ("hoc_vien", "truong", "benh_vien", "vien", "doanh_nghiep")
# Units with their own command and staff that run a DX programme of their own.
_FORMATIONS = (*_COMMANDS, *_INSTITUTIONS, "su_doan", "lu_doan", "trung_doan", "bo_chqs")
# Kinds that can sit at level 2, directly under the ministry.
_LEVEL2 = (*_COMMANDS[1:], *_INSTITUTIONS, "co_quan")
_PUBLIC_SERVICES = ("bo", "tong_cuc", "quan_khu", "bo_chqs", "co_quan")


def _all_except(*kinds: str) -> tuple[str, ...]:
    return tuple(k for k in UNIT_KINDS if k not in kinds)


_OFFICES = _all_except("dai_doi")  # units that issue documents and hold meetings


# ---------------------------------------------------------------------------
# Builders (each returns one indicator dict with exactly the KEYS)
# ---------------------------------------------------------------------------


def _indicator(**fields) -> dict:
    assert set(fields) == set(KEYS), sorted(set(fields) ^ set(KEYS))
    kinds = fields["applies_to"]
    fields["applies_to"] = None if kinds is None else list(kinds)
    fields["validations"] = list(fields["validations"])
    return {key: fields[key] for key in KEYS}


def _count(
    code: str,
    name: str,
    definition: str,
    unit: str,
    topic: str,
    *,
    base: float,
    growth: float = 0.0,
    noise: float = 0.05,
    direction: str = "higher_better",
    value_type: str = "integer",
    applies_to: tuple[str, ...] | None = None,
    validations: tuple[str, ...] = (),
) -> dict:
    """A reported quantity (count or amount), added up through the unit tree."""
    return _indicator(
        code=code,
        name=name,
        definition=definition,
        unit=unit,
        value_type=value_type,
        min_value=0,
        max_value=None,
        direction=direction,
        aggregation="sum",
        weight=None,
        formula=None,
        topic=topic,
        applies_to=applies_to,
        validations=validations,
        sample={"base": base, "growth_per_quarter": growth, "noise": noise},
    )


def _flag(code: str, name: str, definition: str, topic: str, *, p_yes: float, applies_to=None) -> dict:
    """A yes/no answer; the roll-up is the share of units answering yes."""
    return _indicator(
        code=code,
        name=name,
        definition=definition,
        unit="có/không",
        value_type="boolean",
        min_value=None,
        max_value=None,
        direction="higher_better",
        aggregation="share_yes",
        weight=None,
        formula=None,
        topic=topic,
        applies_to=applies_to,
        validations=(),
        sample={"p_yes": p_yes},
    )


def _share(
    code: str, name: str, definition: str, topic: str, *, numerator: str, denominator: str, applies_to=None
) -> dict:
    """numerator / denominator * 100, rolled up as an average weighted by the denominator."""
    return _indicator(
        code=code,
        name=name,
        definition=definition,
        unit="%",
        value_type="percentage",
        min_value=0,
        max_value=100,
        direction="higher_better",
        aggregation="weighted_avg",
        weight=denominator,
        formula=f"{numerator} / {denominator} * 100",
        topic=topic,
        applies_to=applies_to,
        validations=(),
        sample=None,
    )


_ROLLUP_NOTE = "Khi tổng hợp lên cấp trên, tính lại từ tổng tử số và tổng mẫu số của các đơn vị"


# ---------------------------------------------------------------------------
# The indicators
# ---------------------------------------------------------------------------

INDICATORS: list[dict] = [
    # --- Nhận thức số -------------------------------------------------------
    _flag(
        "DX_STEERING_COMMITTEE",
        "Có Ban Chỉ đạo chuyển đổi số do người đứng đầu làm trưởng ban",
        "Đơn vị có Ban Chỉ đạo về khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số do người đứng đầu "
        "cơ quan, đơn vị trực tiếp làm trưởng ban, còn hiệu lực tại thời điểm cuối kỳ. "
        "Tổng hợp theo tỷ lệ đơn vị trả lời “có”.",
        AWARENESS,
        p_yes=0.95,
        applies_to=_FORMATIONS,
    ),
    _count(
        "AWARE_EVENTS",
        "Số buổi thông tin, tuyên truyền, quán triệt về chuyển đổi số",
        "Số hội nghị, buổi thông tin chuyên đề, quán triệt, tuyên truyền về chuyển đổi số do đơn vị tổ chức "
        "trong kỳ, trực tiếp hoặc trực tuyến; mỗi buổi tính một lần dù có nhiều điểm cầu.",
        "buổi",
        AWARENESS,
        base=3,
        growth=0.02,
        noise=0.3,
        applies_to=_OFFICES,
    ),
    _count(
        "AWARE_PARTICIPANTS",
        "Số lượt người tham gia thông tin, tuyên truyền về chuyển đổi số",
        "Tổng số lượt cán bộ, chiến sĩ, học viên, công nhân và viên chức quốc phòng dự các buổi thông tin, "
        "tuyên truyền, quán triệt về chuyển đổi số do đơn vị tổ chức trong kỳ, kể cả tại các điểm cầu.",
        "lượt người",
        AWARENESS,
        base=600,
        growth=0.02,
        noise=0.2,
        applies_to=_OFFICES,
        validations=("AWARE_PARTICIPANTS >= AWARE_EVENTS",),
    ),
    # --- Thể chế số ----------------------------------------------------------
    _flag(
        "DX_PLAN_ISSUED",
        "Đã ban hành kế hoạch chuyển đổi số năm",
        "Đơn vị đã ban hành kế hoạch chuyển đổi số của năm chứa kỳ báo cáo, có nhiệm vụ, chỉ tiêu, lộ trình "
        "và phân công thực hiện cụ thể. Tổng hợp theo tỷ lệ đơn vị trả lời “có”.",
        INSTITUTIONS,
        p_yes=0.9,
        applies_to=_FORMATIONS,
    ),
    _flag(
        "EARCH_UPDATED",
        "Đã xây dựng, cập nhật kiến trúc Chính phủ điện tử phiên bản 2.0",
        "Đơn vị đã xây dựng hoặc cập nhật kiến trúc Chính phủ điện tử của mình theo phiên bản 2.0 áp dụng "
        "cho loại hình cơ quan, đơn vị tương ứng và được cấp có thẩm quyền phê duyệt. "
        "Tổng hợp theo tỷ lệ đơn vị trả lời “có”.",
        INSTITUTIONS,
        p_yes=0.6,
        applies_to=_all_except("trung_doan", "tieu_doan", "dai_doi", "co_quan", "khac"),
    ),
    _count(
        "DX_BUDGET",
        "Kinh phí thực hiện chuyển đổi số",
        "Tổng kinh phí đã giải ngân trong kỳ cho các nhiệm vụ, dự án chuyển đổi số của đơn vị (đầu tư, mua "
        "sắm, thuê dịch vụ, đào tạo), tính bằng triệu đồng.",
        "triệu đồng",
        INSTITUTIONS,
        base=1200.0,
        growth=0.02,
        noise=0.25,
        direction="neutral",
        value_type="decimal",
        applies_to=_FORMATIONS,
    ),
    # --- Hạ tầng số ----------------------------------------------------------
    _count(
        "NET_L2_CONNECTED",
        "Số đơn vị cấp 2 đã kết nối mạng máy tính quân sự",
        "Số đơn vị cấp 2 trực thuộc trực tiếp Bộ Quốc phòng đã kết nối và khai thác mạng máy tính quân sự "
        "tại thời điểm cuối kỳ; chỉ Bộ Quốc phòng báo cáo chỉ tiêu này.",
        "đơn vị",
        INFRASTRUCTURE,
        base=34,
        noise=0.0,
        applies_to=("bo",),
    ),
    _count(
        "NET_L3_CONNECTED",
        "Số đơn vị cấp 3 đã kết nối mạng máy tính quân sự",
        "Số đơn vị cấp 3 trực thuộc trực tiếp đơn vị báo cáo đã kết nối và khai thác mạng máy tính quân sự "
        "tại thời điểm cuối kỳ; do các đơn vị cấp 2 báo cáo.",
        "đơn vị",
        INFRASTRUCTURE,
        base=9,
        growth=0.01,
        noise=0.0,
        applies_to=_LEVEL2,
    ),
    _count(
        "NET_L4_CONNECTED",
        "Số đơn vị cấp 4 đã kết nối mạng máy tính quân sự",
        "Số đơn vị cấp 4 trực thuộc trực tiếp đơn vị báo cáo đã kết nối và khai thác mạng máy tính quân sự "
        "tại thời điểm cuối kỳ; do các đơn vị cấp 3 báo cáo.",
        "đơn vị",
        INFRASTRUCTURE,
        base=4,
        growth=0.03,
        noise=0.0,
        applies_to=_all_except("bo", "dai_doi"),
    ),
    _count(
        "ONLINE_MEETING_POINTS",
        "Số điểm cầu họp trực tuyến",
        "Số điểm cầu hội nghị truyền hình, họp trực tuyến của đơn vị đã kết nối vào hệ thống họp trực tuyến "
        "của Bộ Quốc phòng và đang hoạt động tại thời điểm cuối kỳ.",
        "điểm cầu",
        INFRASTRUCTURE,
        base=10,
        growth=0.03,
        noise=0.05,
        applies_to=_OFFICES,
    ),
    _count(
        "DATA_CENTRES",
        "Số trung tâm dữ liệu, phòng máy chủ đang vận hành",
        "Số trung tâm dữ liệu, phòng máy chủ tập trung do đơn vị quản lý, vận hành tại thời điểm cuối kỳ, "
        "đáp ứng yêu cầu kỹ thuật và bảo mật theo quy định.",
        "trung tâm",
        INFRASTRUCTURE,
        base=1,
        noise=0.0,
        direction="neutral",
        applies_to=(*_COMMANDS, *_INSTITUTIONS),
    ),
    _count(
        "COMPUTERS_TOTAL",
        "Số máy tính kết nối mạng máy tính quân sự",
        "Tổng số máy tính để bàn và xách tay của đơn vị đang kết nối mạng máy tính quân sự tại thời điểm "
        "cuối kỳ; là mẫu số của tỷ lệ máy tính được giám sát an toàn thông tin.",
        "máy",
        INFRASTRUCTURE,
        base=1100,
        growth=0.01,
        noise=0.02,
        direction="neutral",
    ),
    # --- Nhân lực số ---------------------------------------------------------
    _count(
        "PERSONNEL_TOTAL",
        "Tổng quân số",
        "Tổng số sĩ quan, quân nhân chuyên nghiệp, hạ sĩ quan - binh sĩ, học viên, công nhân và viên chức "
        "quốc phòng, lao động hợp đồng của đơn vị tại thời điểm cuối kỳ.",
        "người",
        HUMAN,
        base=2800,
        noise=0.02,
        direction="neutral",
    ),
    _count(
        "IT_STAFF",
        "Số cán bộ chuyên trách công nghệ thông tin, chuyển đổi số",
        "Số cán bộ, nhân viên được giao nhiệm vụ chuyên trách về công nghệ thông tin, chuyển đổi số, an toàn "
        "thông tin tại thời điểm cuối kỳ, không tính người kiêm nhiệm.",
        "người",
        HUMAN,
        base=20,
        growth=0.01,
        noise=0.05,
        applies_to=_OFFICES,
        validations=("IT_STAFF <= PERSONNEL_TOTAL",),
    ),
    _count(
        "BHVS_TRAINED",
        "Số người hoàn thành bồi dưỡng kỹ năng số cơ bản (Bình dân học vụ số)",
        "Số người đang công tác tại đơn vị đã hoàn thành và được xác nhận hoàn thành chương trình bồi dưỡng "
        "kiến thức, kỹ năng số cơ bản của Phong trào “Bình dân học vụ số”, lũy kế đến cuối kỳ.",
        "người",
        HUMAN,
        base=1300,
        growth=0.08,
        noise=0.03,
        validations=("BHVS_TRAINED <= PERSONNEL_TOTAL",),
    ),
    _share(
        "BHVS_TRAINED_PCT",
        "Tỷ lệ quân số hoàn thành bồi dưỡng kỹ năng số cơ bản",
        "Số người hoàn thành bồi dưỡng kỹ năng số cơ bản chia cho tổng quân số tại thời điểm cuối kỳ, nhân "
        f"100. {_ROLLUP_NOTE} (bình quân gia quyền theo tổng quân số).",
        HUMAN,
        numerator="BHVS_TRAINED",
        denominator="PERSONNEL_TOTAL",
    ),
    _count(
        "DX_COURSES",
        "Số lớp tập huấn, bồi dưỡng về chuyển đổi số",
        "Số lớp tập huấn, bồi dưỡng ngắn hạn về chuyển đổi số, công nghệ thông tin, an toàn thông tin do đơn "
        "vị tổ chức và kết thúc trong kỳ.",
        "lớp",
        HUMAN,
        base=3,
        growth=0.03,
        noise=0.3,
        applies_to=_OFFICES,
    ),
    _flag(
        "DX_CURRICULUM",
        "Có nội dung chuyển đổi số trong chương trình đào tạo",
        "Học viện, nhà trường đã đưa nội dung về chuyển đổi số vào chương trình đào tạo của ít nhất một chuyên "
        "ngành hoặc đối tượng đào tạo đang thực hiện trong kỳ. Tổng hợp theo tỷ lệ đơn vị trả lời “có”.",
        HUMAN,
        p_yes=0.85,
        applies_to=("hoc_vien", "truong"),
    ),
    # --- An toàn thông tin mạng ----------------------------------------------
    _count(
        "SEC_INCIDENTS_DETECTED",
        "Số sự cố mất an toàn thông tin được phát hiện",
        "Số sự cố, nguy cơ mất an toàn thông tin mạng (mã độc, truy cập trái phép, kết nối trái quy định, lộ "
        "lọt dữ liệu…) được phát hiện trên hệ thống của đơn vị trong kỳ.",
        "sự cố",
        SECURITY,
        base=6,
        growth=-0.02,
        noise=0.4,
        direction="neutral",
    ),
    _count(
        "SEC_INCIDENTS_HANDLED",
        "Số sự cố mất an toàn thông tin đã được xử lý",
        "Trong số sự cố phát hiện trong kỳ, số sự cố đã được xử lý, khắc phục xong trước ngày chốt số liệu của kỳ.",
        "sự cố",
        SECURITY,
        base=5,
        growth=-0.01,
        noise=0.3,
        validations=("SEC_INCIDENTS_HANDLED <= SEC_INCIDENTS_DETECTED",),
    ),
    _indicator(
        code="SEC_INCIDENTS_OPEN",
        name="Số sự cố mất an toàn thông tin chưa được xử lý xong",
        definition="Số sự cố phát hiện trong kỳ nhưng chưa được xử lý, khắc phục xong, bằng số sự cố phát hiện "
        "trừ số sự cố đã xử lý. Khi tổng hợp lên cấp trên, cộng số liệu của các đơn vị.",
        unit="sự cố",
        value_type="integer",
        min_value=0,
        max_value=None,
        direction="lower_better",
        aggregation="sum",
        weight=None,
        formula="max(SEC_INCIDENTS_DETECTED - SEC_INCIDENTS_HANDLED; 0)",
        topic=SECURITY,
        applies_to=None,
        validations=(),
        sample=None,
    ),
    _count(
        "SEC_ENDPOINTS_MONITORED",
        "Số máy tính được giám sát an toàn thông tin",
        "Số máy tính kết nối mạng máy tính quân sự đã được cài đặt và kết nối giải pháp giám sát, phòng chống "
        "mã độc tập trung của Bộ Quốc phòng, đang hoạt động tại thời điểm cuối kỳ.",
        "máy",
        SECURITY,
        base=950,
        growth=0.02,
        noise=0.02,
        validations=("SEC_ENDPOINTS_MONITORED <= COMPUTERS_TOTAL",),
    ),
    _share(
        "SEC_MONITORING_PCT",
        "Tỷ lệ máy tính được giám sát an toàn thông tin",
        "Số máy tính được giám sát an toàn thông tin chia cho tổng số máy tính kết nối mạng máy tính quân sự "
        f"tại thời điểm cuối kỳ, nhân 100. {_ROLLUP_NOTE} (bình quân gia quyền theo tổng số máy tính).",
        SECURITY,
        numerator="SEC_ENDPOINTS_MONITORED",
        denominator="COMPUTERS_TOTAL",
    ),
    _flag(
        "SEC_INTERNET_MONITORED",
        "Hạ tầng mạng Internet được giám sát, kiểm soát tập trung",
        "Toàn bộ điểm truy cập Internet của đơn vị được quản lý, giám sát, kiểm soát tập trung theo quy định "
        "của Bộ Quốc phòng và tách biệt với mạng máy tính quân sự trong suốt kỳ. "
        "Tổng hợp theo tỷ lệ đơn vị trả lời “có”.",
        SECURITY,
        p_yes=0.9,
        applies_to=_OFFICES,
    ),
    # --- Hoạt động chuyển đổi số: văn bản điện tử, chữ ký số -----------------
    _flag(
        "DIGSIG_IN_USE",
        "Ứng dụng chữ ký số cá nhân trong xử lý văn bản điện tử",
        "Đơn vị đã sử dụng chữ ký số cá nhân để ký văn bản điện tử trong kỳ. Tổng hợp theo tỷ lệ đơn vị trả lời “có”.",
        ACTIVITIES,
        p_yes=1.0,
        applies_to=_OFFICES,
    ),
    _count(
        "DOC_TOTAL",
        "Tổng số văn bản đi",
        "Tổng số văn bản đi do đơn vị phát hành trong kỳ, cả dạng giấy và dạng điện tử, trừ văn bản mật theo quy định.",
        "văn bản",
        ACTIVITIES,
        base=1000,
        growth=0.01,
        noise=0.08,
        direction="neutral",
        applies_to=_OFFICES,
    ),
    _count(
        "DOC_ELECTRONIC",
        "Số văn bản đi phát hành dưới dạng điện tử",
        "Số văn bản đi trong kỳ được gửi hoàn toàn dưới dạng điện tử qua hệ thống quản lý văn bản và điều "
        "hành, không kèm bản giấy.",
        "văn bản",
        ACTIVITIES,
        base=890,
        growth=0.015,
        noise=0.05,
        applies_to=_OFFICES,
        validations=("DOC_ELECTRONIC <= DOC_TOTAL",),
    ),
    _count(
        "DOC_SIGNED",
        "Số văn bản điện tử được ký số",
        "Số văn bản đi dạng điện tử trong kỳ được ký số bằng chữ ký số của người có thẩm quyền và của cơ "
        "quan, đơn vị ban hành.",
        "văn bản",
        ACTIVITIES,
        base=720,
        growth=0.03,
        noise=0.05,
        applies_to=_OFFICES,
        validations=("DOC_SIGNED <= DOC_ELECTRONIC",),
    ),
    _share(
        "DOC_ELECTRONIC_PCT",
        "Tỷ lệ văn bản đi dạng điện tử",
        "Số văn bản đi dạng điện tử chia cho tổng số văn bản đi (trừ văn bản mật) trong kỳ, nhân 100. "
        f"{_ROLLUP_NOTE} (bình quân gia quyền theo tổng số văn bản đi).",
        ACTIVITIES,
        numerator="DOC_ELECTRONIC",
        denominator="DOC_TOTAL",
        applies_to=_OFFICES,
    ),
    _share(
        "DOC_SIGNED_PCT",
        "Tỷ lệ văn bản đi được ký số",
        "Số văn bản điện tử được ký số chia cho tổng số văn bản đi (trừ văn bản mật) trong kỳ, nhân 100. "
        f"{_ROLLUP_NOTE} (bình quân gia quyền theo tổng số văn bản đi).",
        ACTIVITIES,
        numerator="DOC_SIGNED",
        denominator="DOC_TOTAL",
        applies_to=_OFFICES,
    ),
    _count(
        "DOC_RECEIVED",
        "Số văn bản điện tử đến",
        "Số văn bản đến dạng điện tử đơn vị tiếp nhận và xử lý trên hệ thống quản lý văn bản và điều hành trong kỳ.",
        "văn bản",
        ACTIVITIES,
        base=2200,
        growth=0.02,
        noise=0.08,
        applies_to=_OFFICES,
    ),
    _count(
        "MOBILE_DOC_USERS",
        "Số người dùng hệ thống quản lý văn bản trên thiết bị di động",
        "Số cán bộ của đơn vị đã được cấp quyền và có sử dụng phiên bản di động của hệ thống quản lý văn bản "
        "và điều hành trong kỳ.",
        "người",
        ACTIVITIES,
        base=250,
        growth=0.08,
        noise=0.05,
        applies_to=_OFFICES,
        validations=("MOBILE_DOC_USERS <= PERSONNEL_TOTAL",),
    ),
    # --- Hoạt động chuyển đổi số: thư điện tử, họp trực tuyến ----------------
    _count(
        "EMAIL_ACCOUNTS",
        "Số tài khoản thư điện tử quân sự được cấp",
        "Số tài khoản thư điện tử quân sự cá nhân đã cấp cho cán bộ, nhân viên của đơn vị và đang hoạt động "
        "tại thời điểm cuối kỳ.",
        "tài khoản",
        ACTIVITIES,
        base=1000,
        growth=0.01,
        noise=0.02,
        validations=("EMAIL_ACCOUNTS <= PERSONNEL_TOTAL",),
    ),
    _count(
        "EMAIL_USERS",
        "Số người thường xuyên sử dụng thư điện tử quân sự",
        "Số tài khoản thư điện tử quân sự cá nhân của đơn vị có gửi hoặc nhận thư ít nhất một lần mỗi tuần "
        "trong kỳ, theo thống kê của hệ thống.",
        "người",
        ACTIVITIES,
        base=900,
        growth=0.01,
        noise=0.03,
        validations=("EMAIL_USERS <= EMAIL_ACCOUNTS", "EMAIL_USERS <= PERSONNEL_TOTAL"),
    ),
    _count(
        "EMAIL_FILES",
        "Số tệp tài liệu trao đổi qua thư điện tử quân sự",
        "Số tệp tài liệu đính kèm được gửi đi qua hệ thống thư điện tử quân sự từ các tài khoản của đơn vị trong kỳ.",
        "tệp",
        ACTIVITIES,
        base=3500,
        growth=0.03,
        noise=0.1,
    ),
    _count(
        "MEETINGS_TOTAL",
        "Tổng số cuộc họp, hội nghị",
        "Tổng số cuộc họp, hội nghị, tập huấn do đơn vị chủ trì tổ chức trong kỳ, cả trực tiếp và trực tuyến.",
        "cuộc họp",
        ACTIVITIES,
        base=60,
        noise=0.15,
        direction="neutral",
        applies_to=_OFFICES,
    ),
    _count(
        "MEETINGS_ONLINE",
        "Số cuộc họp, hội nghị trực tuyến",
        "Số cuộc họp, hội nghị, tập huấn do đơn vị chủ trì tổ chức trong kỳ theo hình thức trực tuyến hoặc "
        "trực tiếp kết hợp trực tuyến trên hệ thống họp trực tuyến của Bộ Quốc phòng.",
        "cuộc họp",
        ACTIVITIES,
        base=25,
        growth=0.04,
        noise=0.2,
        applies_to=_OFFICES,
        validations=("MEETINGS_ONLINE <= MEETINGS_TOTAL",),
    ),
    _share(
        "MEETINGS_ONLINE_PCT",
        "Tỷ lệ cuộc họp, hội nghị tổ chức trực tuyến",
        "Số cuộc họp, hội nghị trực tuyến chia cho tổng số cuộc họp, hội nghị do đơn vị chủ trì trong kỳ, "
        f"nhân 100. {_ROLLUP_NOTE} (bình quân gia quyền theo tổng số cuộc họp).",
        ACTIVITIES,
        numerator="MEETINGS_ONLINE",
        denominator="MEETINGS_TOTAL",
        applies_to=_OFFICES,
    ),
    # --- Hoạt động chuyển đổi số: bệnh án điện tử (bệnh viện) ---------------
    _count(
        "HOSP_INPATIENTS",
        "Số lượt người bệnh điều trị nội trú",
        "Số lượt người bệnh được bệnh viện tiếp nhận điều trị nội trú trong kỳ.",
        "lượt người bệnh",
        ACTIVITIES,
        base=6000,
        growth=0.01,
        noise=0.05,
        direction="neutral",
        applies_to=("benh_vien",),
    ),
    _count(
        "EMR_RECORDS",
        "Số hồ sơ bệnh án điện tử được lập",
        "Số hồ sơ bệnh án nội trú được lập và lưu trữ dưới dạng điện tử trên hệ thống bệnh án điện tử của bệnh "
        "viện cho người bệnh vào điều trị nội trú trong kỳ.",
        "hồ sơ",
        ACTIVITIES,
        base=3000,
        growth=0.08,
        noise=0.05,
        applies_to=("benh_vien",),
        validations=("EMR_RECORDS <= HOSP_INPATIENTS",),
    ),
    _share(
        "EMR_INPATIENT_PCT",
        "Tỷ lệ người bệnh nội trú có bệnh án điện tử",
        "Số hồ sơ bệnh án điện tử nội trú chia cho số lượt người bệnh điều trị nội trú trong kỳ, nhân 100. "
        f"{_ROLLUP_NOTE} (bình quân gia quyền theo số lượt người bệnh nội trú).",
        ACTIVITIES,
        numerator="EMR_RECORDS",
        denominator="HOSP_INPATIENTS",
        applies_to=("benh_vien",),
    ),
    # --- Hoạt động chuyển đổi số: dịch vụ công, dữ liệu, nền tảng ------------
    _count(
        "PUBSVC_FULL_ONLINE",
        "Số dịch vụ công trực tuyến toàn trình",
        "Số thủ tục hành chính thuộc thẩm quyền giải quyết của đơn vị được cung cấp dưới dạng dịch vụ công "
        "trực tuyến toàn trình trên Cổng Dịch vụ công quốc gia hoặc Cổng Dịch vụ công Bộ Quốc phòng tại thời "
        "điểm cuối kỳ.",
        "dịch vụ",
        ACTIVITIES,
        base=4,
        growth=0.05,
        noise=0.1,
        applies_to=_PUBLIC_SERVICES,
    ),
    _count(
        "PUBSVC_APPS_ONLINE",
        "Số hồ sơ thủ tục hành chính tiếp nhận trực tuyến",
        "Số hồ sơ thủ tục hành chính đơn vị tiếp nhận qua dịch vụ công trực tuyến (một phần hoặc toàn trình) trong kỳ.",
        "hồ sơ",
        ACTIVITIES,
        base=350,
        growth=0.05,
        noise=0.15,
        applies_to=_PUBLIC_SERVICES,
    ),
    _count(
        "DATABASES",
        "Số cơ sở dữ liệu dùng chung, chuyên ngành đã đưa vào khai thác",
        "Số cơ sở dữ liệu dùng chung và cơ sở dữ liệu chuyên ngành do đơn vị xây dựng, tạo lập, đã đưa vào "
        "khai thác và được cập nhật thường xuyên, lũy kế đến cuối kỳ.",
        "cơ sở dữ liệu",
        ACTIVITIES,
        base=6,
        growth=0.03,
        noise=0.05,
        applies_to=_all_except("tieu_doan", "dai_doi"),
    ),
    _count(
        "SOFTWARE_DEPLOYED",
        "Số phần mềm, nền tảng số do đơn vị xây dựng, đưa vào sử dụng",
        "Số phần mềm, nền tảng số, hệ thống thông tin do đơn vị xây dựng hoặc làm chủ quản và đang được sử "
        "dụng trong quản lý, điều hành, huấn luyện, tác nghiệp tại thời điểm cuối kỳ.",
        "hệ thống",
        ACTIVITIES,
        base=18,
        growth=0.02,
        noise=0.05,
        applies_to=_all_except("tieu_doan", "dai_doi"),
    ),
    _indicator(
        code="DX_ISSUES_NOTE",
        name="Khó khăn, vướng mắc và kiến nghị về chuyển đổi số",
        definition="Nêu ngắn gọn những khó khăn, vướng mắc của đơn vị trong thực hiện chuyển đổi số trong kỳ "
        "và kiến nghị, đề xuất với cấp trên.",
        unit="",
        value_type="text",
        min_value=None,
        max_value=None,
        direction="neutral",
        aggregation="none",
        weight=None,
        formula=None,
        topic=ACTIVITIES,
        applies_to=None,
        validations=(),
        sample=None,
    ),
]


# ---------------------------------------------------------------------------
# Self-check
# ---------------------------------------------------------------------------

CODE_RE = re.compile(r"^[A-Z][A-Z0-9_]{0,29}$", re.ASCII)
FORMULA_CHARS_RE = re.compile(r"^[A-Za-z0-9_.;+\-*/() ]+$", re.ASCII)
IDENT_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_.]*", re.ASCII)
FUNCTIONS = {"min", "max", "abs"}
VALIDATION_RE = re.compile(r"^([A-Z][A-Z0-9_]*) (<=|>=) ([A-Z][A-Z0-9_]*)$", re.ASCII)


def formula_codes(formula: str) -> set[str]:
    """The indicator codes a formula reads (function names excluded)."""
    return {name for name in IDENT_RE.findall(formula) if name.lower() not in FUNCTIONS}


def _covers(ind: dict, kinds: list[str] | None) -> bool:
    """Whether ``ind`` is reported by every unit kind in ``kinds`` (None: all kinds)."""
    if ind["applies_to"] is None:
        return True
    return kinds is not None and set(kinds) <= set(ind["applies_to"])


def _check() -> None:
    codes = [ind["code"] for ind in INDICATORS]
    assert len(codes) == len(set(codes)), [c for c, n in Counter(codes).items() if n > 1]
    by_code = {ind["code"]: ind for ind in INDICATORS}
    for ind in INDICATORS:
        code, vtype, agg = ind["code"], ind["value_type"], ind["aggregation"]
        assert list(ind) == list(KEYS), code
        assert CODE_RE.match(code), f"bad code {code}"
        for key in ("name", "definition", "unit"):
            text = ind[key]
            assert isinstance(text, str) and text == unicodedata.normalize("NFC", text), (code, key)
            assert text == text.strip() and "  " not in text, (code, key)
        assert ind["name"] and ind["definition"].endswith("."), code
        assert ind["unit"] or vtype == "text", code
        assert vtype in VALUE_TYPES and agg in AGGREGATIONS, code
        assert ind["direction"] in DIRECTIONS and ind["topic"] in TOPICS, code
        lo, hi = ind["min_value"], ind["max_value"]
        if vtype == "percentage":
            assert (lo, hi) == (0, 100) and ind["unit"] == "%", code
        elif vtype in ("boolean", "text"):
            assert lo is None and hi is None, code
        else:
            assert lo is None or hi is None or lo <= hi, code
        assert (agg == "share_yes") == (vtype == "boolean"), code
        assert (agg == "none") == (vtype == "text"), code
        kinds = ind["applies_to"]
        if kinds is not None:
            assert kinds and len(kinds) == len(set(kinds)) and set(kinds) <= set(UNIT_KINDS), code
        # Weights: only and always for weighted averages; numeric, reported wherever this one is.
        weight = ind["weight"]
        assert (agg == "weighted_avg") == (weight is not None), code
        if weight is not None:
            assert weight in by_code and weight != code, (code, weight)
            assert by_code[weight]["value_type"] in ("integer", "decimal"), (code, weight)
            assert _covers(by_code[weight], kinds), (code, weight)
        # Formulas: allowed characters, balanced parentheses, known codes, no self-reference.
        formula = ind["formula"]
        if formula is not None:
            assert FORMULA_CHARS_RE.match(formula), code
            depth = 0
            for ch in formula:
                depth += {"(": 1, ")": -1}.get(ch, 0)
                assert depth >= 0, code
            assert depth == 0, code
            refs = formula_codes(formula)
            assert refs and code not in refs, code
            for ref in refs:
                assert ref in by_code, (code, ref)
                assert by_code[ref]["value_type"] in ("integer", "decimal", "percentage"), (code, ref)
                assert _covers(by_code[ref], kinds), (code, ref)
        # Validations: "LEFT <= RIGHT" or "LEFT >= RIGHT" over known codes reported by the same units.
        for rule in ind["validations"]:
            m = VALIDATION_RE.match(rule)
            assert m, (code, rule)
            left, right = m.group(1), m.group(3)
            assert left != right and code in (left, right), (code, rule)
            assert left in by_code and right in by_code, (code, rule)
            other = right if left == code else left
            assert _covers(by_code[other], kinds), (code, rule)
        # Demo samples: None for computed and text, p_yes for booleans, base/growth/noise otherwise.
        sample = ind["sample"]
        if formula is not None or vtype == "text":
            assert sample is None, code
        elif vtype == "boolean":
            assert set(sample) == {"p_yes"} and 0 <= sample["p_yes"] <= 1, code
        else:
            assert set(sample) == {"base", "growth_per_quarter", "noise"}, code
            assert lo is None or sample["base"] >= lo, code
            assert hi is None or sample["base"] <= hi, code
            assert -0.5 < sample["growth_per_quarter"] < 0.5 and 0 <= sample["noise"] < 1, code
    # No cycles through computed indicators.
    graph = {ind["code"]: formula_codes(ind["formula"]) for ind in INDICATORS if ind["formula"]}
    done: set[str] = set()

    def visit(code: str, path: tuple[str, ...]) -> None:
        assert code not in path, f"formula cycle: {' -> '.join((*path, code))}"
        if code in done or code not in graph:
            return
        for ref in graph[code]:
            visit(ref, (*path, code))
        done.add(code)

    for code in graph:
        visit(code, ())


def _summary() -> None:
    print(f"indicators: {len(INDICATORS)}")
    topics = Counter(ind["topic"] for ind in INDICATORS)
    print("by topic:", {t: topics[t] for t in TOPICS})
    types = Counter(ind["value_type"] for ind in INDICATORS)
    print("by value type:", {t: types[t] for t in VALUE_TYPES if types[t]})
    print("computed:")
    for ind in INDICATORS:
        if ind["formula"]:
            print(f"  {ind['code']} = {ind['formula']}  [{ind['aggregation']}, weight {ind['weight']}]")


if __name__ == "__main__":
    _check()
    _summary()
    print("self-check OK")
