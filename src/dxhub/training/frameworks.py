"""The competence frameworks and training groups dxhub ships (pure data; the data
migration and the tests read it).

- DigComp 2.2 (EU Joint Research Centre, 2022): 5 areas, 21 competences, 8
  proficiency levels in 4 bands. Names in Vietnamese.
- Thông tư 02/2025/TT-BGDĐT (24/01/2025, in force 11/03/2025), Khung năng lực số: the
  five DigComp areas plus "Ứng dụng trí tuệ nhân tạo", 24 competences, 4 levels over 8
  steps (bậc 1–8).
"""

import datetime as dt

DIGCOMP = {
    "code": "DIGCOMP-2.2",
    "name": "Khung năng lực số của công dân châu Âu (DigComp)",
    "version": "2.2",
    "basis": "DigComp 2.2, Trung tâm Nghiên cứu chung (JRC) của Ủy ban châu Âu, 2022",
    "issued_on": dt.date(2022, 3, 17),
    "basic_step": 2,
    "levels": [
        (1, "Nền tảng", 1),
        (2, "Nền tảng", 1),
        (3, "Trung cấp", 2),
        (4, "Trung cấp", 2),
        (5, "Nâng cao", 3),
        (6, "Nâng cao", 3),
        (7, "Chuyên sâu", 4),
        (8, "Chuyên sâu", 4),
    ],
    "domains": [
        (
            "1",
            "Hiểu biết về thông tin và dữ liệu",
            [
                ("1.1", "Duyệt, tìm kiếm và lọc dữ liệu, thông tin và nội dung số"),
                ("1.2", "Đánh giá dữ liệu, thông tin và nội dung số"),
                ("1.3", "Quản lý dữ liệu, thông tin và nội dung số"),
            ],
        ),
        (
            "2",
            "Giao tiếp và hợp tác",
            [
                ("2.1", "Tương tác thông qua công nghệ số"),
                ("2.2", "Chia sẻ thông qua công nghệ số"),
                ("2.3", "Tham gia với tư cách công dân thông qua công nghệ số"),
                ("2.4", "Hợp tác thông qua công nghệ số"),
                ("2.5", "Quy tắc ứng xử trên môi trường số"),
                ("2.6", "Quản lý danh tính số"),
            ],
        ),
        (
            "3",
            "Sáng tạo nội dung số",
            [
                ("3.1", "Phát triển nội dung số"),
                ("3.2", "Tích hợp và tái tạo nội dung số"),
                ("3.3", "Bản quyền và giấy phép"),
                ("3.4", "Lập trình"),
            ],
        ),
        (
            "4",
            "An toàn",
            [
                ("4.1", "Bảo vệ thiết bị"),
                ("4.2", "Bảo vệ dữ liệu cá nhân và quyền riêng tư"),
                ("4.3", "Bảo vệ sức khỏe và hạnh phúc"),
                ("4.4", "Bảo vệ môi trường"),
            ],
        ),
        (
            "5",
            "Giải quyết vấn đề",
            [
                ("5.1", "Giải quyết các vấn đề kỹ thuật"),
                ("5.2", "Xác định nhu cầu và giải pháp công nghệ"),
                ("5.3", "Sử dụng sáng tạo công nghệ số"),
                ("5.4", "Xác định khoảng trống năng lực số"),
            ],
        ),
    ],
}

TT02_2025 = {
    "code": "TT02-2025",
    "name": "Khung năng lực số (Thông tư 02/2025/TT-BGDĐT)",
    "version": "2025",
    "basis": "Thông tư 02/2025/TT-BGDĐT ngày 24/01/2025 của Bộ Giáo dục và Đào tạo, hiệu lực từ 11/03/2025",
    "issued_on": dt.date(2025, 1, 24),
    "basic_step": 2,
    "levels": [
        (1, "Cơ bản", 1),
        (2, "Cơ bản", 1),
        (3, "Trung cấp", 2),
        (4, "Trung cấp", 2),
        (5, "Nâng cao", 3),
        (6, "Nâng cao", 3),
        (7, "Chuyên sâu", 4),
        (8, "Chuyên sâu", 4),
    ],
    "domains": [
        (
            "1",
            "Khai thác dữ liệu và thông tin",
            [
                ("1.1", "Duyệt, tìm kiếm và lọc dữ liệu, thông tin và nội dung số"),
                ("1.2", "Đánh giá dữ liệu, thông tin và nội dung số"),
                ("1.3", "Quản lý dữ liệu, thông tin và nội dung số"),
            ],
        ),
        (
            "2",
            "Giao tiếp và hợp tác",
            [
                ("2.1", "Tương tác thông qua công nghệ số"),
                ("2.2", "Chia sẻ thông qua công nghệ số"),
                ("2.3", "Sử dụng công nghệ số để thực hiện trách nhiệm công dân"),
                ("2.4", "Hợp tác thông qua công nghệ số"),
                ("2.5", "Quy tắc ứng xử trên mạng"),
                ("2.6", "Quản lý danh tính số"),
            ],
        ),
        (
            "3",
            "Sáng tạo nội dung số",
            [
                ("3.1", "Phát triển nội dung số"),
                ("3.2", "Tích hợp và tái tạo nội dung số"),
                ("3.3", "Thực thi bản quyền và giấy phép"),
                ("3.4", "Lập trình"),
            ],
        ),
        (
            "4",
            "An toàn",
            [
                ("4.1", "Bảo vệ thiết bị"),
                ("4.2", "Bảo vệ dữ liệu cá nhân và quyền riêng tư"),
                ("4.3", "Bảo vệ sức khỏe, tinh thần và thể chất"),
                ("4.4", "Bảo vệ môi trường"),
            ],
        ),
        (
            "5",
            "Giải quyết vấn đề",
            [
                ("5.1", "Giải quyết các vấn đề kỹ thuật"),
                ("5.2", "Xác định nhu cầu và giải pháp công nghệ"),
                ("5.3", "Sử dụng sáng tạo công nghệ số"),
                ("5.4", "Xác định những hạn chế về năng lực số"),
            ],
        ),
        (
            "6",
            "Ứng dụng trí tuệ nhân tạo",
            [
                ("6.1", "Hiểu biết về trí tuệ nhân tạo"),
                ("6.2", "Sử dụng trí tuệ nhân tạo"),
                ("6.3", "Đánh giá trí tuệ nhân tạo"),
            ],
        ),
    ],
}

FRAMEWORKS = [TT02_2025, DIGCOMP]

# The groups the seeds name: "phân loại thành phần cần tập huấn, bồi dưỡng".
GROUPS = [
    {
        "code": "pho-cap",
        "name": "Phổ cập kỹ năng số cơ bản",
        "description": "Người chưa đạt mức cơ bản ở ít nhất một lĩnh vực: học chương trình kiến thức, kỹ năng số "
        "cơ bản của Phong trào “Bình dân học vụ số”.",
        "position": 1,
        "is_basic": True,
        "below_step": 2,
        "categories": [],
        "position_keywords": "",
    },
    {
        "code": "lanh-dao",
        "name": "Bồi dưỡng lãnh đạo, chỉ huy",
        "description": "Cán bộ lãnh đạo, chỉ huy: quản trị chuyển đổi số, chỉ đạo, điều hành trên môi trường số.",
        "position": 2,
        "is_basic": False,
        "below_step": None,
        "categories": ["si_quan"],
        "position_keywords": "chỉ huy, trưởng, chính ủy, chính trị viên, giám đốc, tư lệnh, hiệu trưởng, "
        "viện trưởng, cục trưởng",
    },
    {
        "code": "chuyen-sau",
        "name": "Chuyên sâu công nghệ thông tin, chuyển đổi số",
        "description": "Cán bộ, nhân viên chuyên trách công nghệ thông tin, chuyển đổi số, an toàn thông tin.",
        "position": 3,
        "is_basic": False,
        "below_step": None,
        "categories": [],
        "position_keywords": "công nghệ thông tin, CNTT, chuyển đổi số, an toàn thông tin, tin học, mạng máy tính, "
        "kỹ thuật viên máy tính, lập trình",
    },
    {
        "code": "nang-cao",
        "name": "Nâng cao kỹ năng số",
        "description": "Đã có kỹ năng cơ bản nhưng chưa đạt mức trung cấp ở ít nhất một lĩnh vực.",
        "position": 4,
        "is_basic": False,
        "below_step": 3,
        "categories": ["si_quan", "qncn", "cnvqp"],
        "position_keywords": "",
    },
]
