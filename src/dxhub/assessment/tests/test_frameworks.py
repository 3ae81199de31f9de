"""Importing and exporting frameworks: every bad file is refused whole, with the reason."""

import copy
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from dxhub.assessment import demo, frameworks
from dxhub.assessment.models import Criterion, Framework
from dxhub.assessment.tests.conftest import FRAMEWORK
from dxhub.audit.models import AuditEvent
from dxhub.core.errors import DomainError


def _bad(**changes):
    data = copy.deepcopy(FRAMEWORK)
    data["version"] = 2
    for code, fields in changes.items():
        node = next(n for n in data["nodes"] if n["code"] == code)
        node.update(fields)
    return data


@pytest.mark.parametrize(
    ("data", "culprit"),
    [
        (_bad(**{"A.3": {"max_points": 15}}), "A"),  # children 45 ≠ pillar 40
        (_bad(**{"A.3": {"max_points": -1}}), "A.3"),
        (_bad(**{"A.3": {"code": "A.2"}}), "A.2"),  # duplicate code
        (_bad(**{"A": {"parent": "A.1"}}), "A.1"),  # a cycle of parents
        (_bad(**{"A.3": {"parent": "Z"}}), "Z"),  # unknown parent
        (_bad(**{"A.3": {"method": "magic"}}), "magic"),
        (_bad(**{"B.2": {"indicator": "KHONG_CO"}}), "KHONG_CO"),  # not in the catalogue
        (_bad(**{"B.3": {"peer_groups": ["khong_co"]}}), "khong_co"),
        (_bad(**{"A.2": {"params": {"levels": [0, 5, 30]}}}), "A.2"),  # top level above the maximum
    ],
)
def test_a_bad_framework_is_refused_naming_the_culprit(assess, data, culprit):
    before = (Framework.objects.count(), Criterion.objects.count(), AuditEvent.objects.count())
    with pytest.raises(DomainError) as exc:
        frameworks.import_framework(assess.admin, data)
    assert any(culprit in str(p) for p in exc.value.problems), exc.value.problems
    assert (Framework.objects.count(), Criterion.objects.count(), AuditEvent.objects.count()) == before


def test_the_same_version_with_other_content_is_refused(assess):
    data = copy.deepcopy(FRAMEWORK)
    assert frameworks.import_framework(assess.admin, copy.deepcopy(data)) == assess.framework  # same content: no-op
    data["bands"][0]["min"] = 0.85
    with pytest.raises(DomainError, match="tăng số phiên bản"):
        frameworks.import_framework(assess.admin, data)


def test_only_managers_import(assess):
    with pytest.raises(DomainError) as exc:
        frameworks.import_framework(assess.users["thamdinh_bqp"], _bad())
    assert exc.value.status == 403


def test_excel_round_trip_keeps_the_framework(assess):
    data = frameworks.to_excel(assess.framework)
    wb = load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["Thông tin", "Xếp loại", "Tiêu chí"]
    rows = list(wb["Tiêu chí"].iter_rows(values_only=True))
    assert rows[0][:4] == ("Mã", "Mã cấp trên", "Tên tiêu chí", "Điểm tối đa")
    assert rows[3][4] == "Theo mức độ" and rows[3][10] == "0; 5; 10; 15; 20"
    parsed = frameworks.read_excel(SimpleUploadedFile("thu.xlsx", data))
    assert frameworks.validate(parsed).hash == assess.framework.hash
    assert frameworks.import_framework(assess.admin, parsed) == assess.framework


def test_json_export_is_the_definition(assess):
    parsed = frameworks.read_json(SimpleUploadedFile("thu.json", frameworks.to_json(assess.framework)))
    assert frameworks.validate(parsed).hash == assess.framework.hash


def test_excel_with_a_wrong_structure_is_refused(assess):
    wb_bytes = frameworks.to_excel(assess.framework)
    wb = load_workbook(io.BytesIO(wb_bytes))
    del wb["Xếp loại"]
    out = io.BytesIO()
    wb.save(out)
    with pytest.raises(DomainError, match="thiếu trang tính “Xếp loại”"):
        frameworks.read_excel(SimpleUploadedFile("x.xlsx", out.getvalue()))
    wb = load_workbook(io.BytesIO(wb_bytes))
    wb["Tiêu chí"]["D5"] = "mười"
    wb["Tiêu chí"]["J7"] = "50 5"
    out = io.BytesIO()
    wb.save(out)
    with pytest.raises(DomainError) as exc:
        frameworks.read_excel(SimpleUploadedFile("x.xlsx", out.getvalue()))
    assert any("dòng 5" in p and "mười" in p for p in exc.value.problems)
    assert any("dòng 7" in p and "ngưỡng: điểm" in p for p in exc.value.problems)
    with pytest.raises(DomainError, match="Excel"):
        frameworks.read_excel(SimpleUploadedFile("x.xlsx", b"not a workbook"))


def test_json_syntax_errors_name_the_line(assess):
    with pytest.raises(DomainError, match="dòng 2"):
        frameworks.read_json(SimpleUploadedFile("x.json", b'{"code": "X",\n "nodes": [}'))
    with pytest.raises(DomainError, match="đối tượng"):
        frameworks.read_json(SimpleUploadedFile("x.json", json.dumps([1, 2]).encode()))


def test_the_shipped_frameworks_are_valid_and_shaped_as_published(db):
    from dxhub.org.demo_data import PEER_GROUPS
    from dxhub.org.models import PeerGroup
    from dxhub.reporting.demo import load_catalogue

    for code, name in PEER_GROUPS:
        PeerGroup.objects.create(code=code, name=name)
    load_catalogue()
    cds, dti = demo.load_frameworks()
    assert [float(p.max_points) for p in dti.spec.pillars] == [100, 100, 100, 100, 100, 500]
    assert [float(p.max_points) for p in cds.spec.pillars] == [40, 50, 60, 85, 105, 160]
    assert float(cds.total_points) == 500 and len(cds.spec.leaves) == 30
    assert demo.load_frameworks() == [cds, dti]  # loading again changes nothing
