import csv
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from dxhub.engine.cli import main

from .frameworks import DA_NANG_VALUES, da_nang, sample

SRC = Path(__file__).resolve().parents[3]


@pytest.fixture
def files(tmp_path):
    def write(framework, rows, name="values.csv", encoding="utf-8-sig"):
        fw_path = tmp_path / "framework.json"
        fw_path.write_text(json.dumps(framework, ensure_ascii=False), encoding="utf-8")
        values_path = tmp_path / name
        values_path.write_text("\n".join(rows) + "\n", encoding=encoding)
        return str(fw_path), str(values_path)

    return write


def da_nang_rows(sep=","):
    header = sep.join(["unit", "name", *[str(i) for i in range(1, 9)]])
    cells = [f"{v:.4f}".replace(".", ",") if sep == ";" else f"{v:.4f}" for v in DA_NANG_VALUES]
    return [
        header,
        sep.join(["DNG", "Đà Nẵng", *cells]),
        sep.join(["XYZ", "Tỉnh thử", *["0.5"] * 8]),
    ]


def test_da_nang_printed(files, capsys):
    fw, values = files(da_nang(), da_nang_rows())
    assert main(["score", fw, values]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    header = lines[1].split()
    assert header[:3] == ["Đơn", "vị", "Tên"] and "Chỉ" in header and "Hạng" in header
    dng = next(line for line in lines if line.startswith("DNG"))
    assert "0,8002" in dng and "Tốt" in dng and "Đà Nẵng" in dng
    assert dng.split()[-1] == "1"
    xyz = next(line for line in lines if line.startswith("XYZ"))
    assert "0,5000" in xyz and "Trung bình" in xyz and xyz.split()[-1] == "2"
    assert "Hạng trong nhóm" not in out  # no peer_group column


def test_da_nang_to_csv_with_semicolons_and_decimal_commas(files, tmp_path, capsys):
    fw, values = files(da_nang(), da_nang_rows(sep=";"))
    out = tmp_path / "out.csv"
    assert main(["score", fw, values, "--out", str(out)]) == 0
    assert str(out) in capsys.readouterr().out
    with out.open(encoding="utf-8") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["Đơn vị", "Tên đơn vị", "1", "2", "3", "4", "5", "6", "7", "8", "Chỉ số", "Xếp loại", "Hạng"]
    assert rows[1] == ["DNG", "Đà Nẵng", *[f"{v:.4f}" for v in DA_NANG_VALUES], "0.8002", "Tốt", "1"]
    assert rows[2][-3:] == ["0.5000", "Trung bình", "2"]


def test_kinds_peer_groups_missing_columns_and_group_rank(files, tmp_path):
    rows = [
        "unit,kind,peer_group,1.1,1.2,2.4,2.3",
        "A,benh_vien,g1,1,0.8,0.5,10",
        "B,truong,g1,1,0.8,,20",
        'C,truong,g2,0,"0,4",1,40',
    ]
    fw, values = files(sample(), rows)
    out = tmp_path / "out.csv"
    assert main(["score", fw, values, "--out", str(out)]) == 0
    with out.open(encoding="utf-8") as f:
        got = {r["Đơn vị"]: r for r in csv.DictReader(f)}
    # 1.3, 1.4, 2.1, 2.2 have no column: missing for everyone. Peer best of 2.3: 20 in g1, 40 in g2.
    # A (hospital): pillar 1 = 10 + 10 of 40, pillar 2 = 7.5 (2.3) + 7.5 (2.4) of 60 -> 35/100
    # B: 20 of 40, 15 of 45 (2.4 is for hospitals only) -> 35/85
    # C: 0 + 5 of 40, 15 of 45 -> 20/85
    assert got["A"]["Chỉ số"] == "0.3500" and got["A"]["1"] == "0.5000" and got["A"]["2"] == "0.2500"
    assert got["B"]["Chỉ số"] == "0.4118" and got["B"]["2"] == "0.3333"
    assert got["C"]["Chỉ số"] == "0.2353"
    assert [got[u]["Hạng"] for u in "ABC"] == ["2", "1", "3"]
    assert [got[u]["Hạng trong nhóm"] for u in "ABC"] == ["2", "1", "1"]
    assert main(["score", fw, values, "--out", str(out), "--group-by", "kind"]) == 0
    with out.open(encoding="utf-8") as f:
        got = {r["Đơn vị"]: r for r in csv.DictReader(f)}
    assert [got[u]["Hạng trong nhóm"] for u in "ABC"] == ["1", "1", "2"]


def run_bad(files, capsys, framework, rows, *extra):
    fw, values = files(framework, rows)
    assert main(["score", fw, values, *extra]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "Traceback" not in captured.err
    return captured.err


def test_bad_json(files, capsys, tmp_path):
    fw, values = files(sample(), ["unit,1.1", "A,1"])
    Path(fw).write_text('{"format": ', encoding="utf-8")
    assert main(["score", fw, values]) == 2
    err = capsys.readouterr().err
    assert "không phải JSON hợp lệ" in err and "dòng 1" in err


def test_missing_file(files, capsys):
    fw, values = files(sample(), ["unit,1.1", "A,1"])
    assert main(["score", fw, values + ".khong-co"]) == 2
    assert "Không đọc được tệp số liệu" in capsys.readouterr().err


def test_bad_framework(files, capsys):
    data = sample()
    data["nodes"][1]["max_points"] = 12
    err = run_bad(files, capsys, data, ["unit,1.1", "A,1"])
    assert "có lỗi" in err and "Tổng điểm các tiêu chí con của 1 là 42, khác điểm tối đa 40." in err


def test_unknown_columns(files, capsys):
    err = run_bad(files, capsys, sample(), ["unit,1.1,9.9,1,ghi_chu", "A,1,2,3,x"])
    assert "9.9, 1, ghi_chu" in err


def test_missing_unit_column(files, capsys):
    assert "thiếu cột unit" in run_bad(files, capsys, sample(), ["don_vi,1.1", "A,1"])


def test_duplicate_unit_and_bad_cells_name_row_and_column(files, capsys):
    rows = ["unit,1.1,1.3,1.4,2.4", "A,1,2,5,0.5", "B,2,1,5,", "A,1,x,11,1.5", ",1,,,"]
    err = run_bad(files, capsys, sample(), rows)
    assert "Dòng 3, cột 1.1: Chỉ nhận 1 (có) hoặc 0 (không); đang là 2." in err
    assert "Dòng 4: đơn vị A đã có ở dòng 2." in err
    assert "Dòng 4, cột 1.3: “x” không phải là số." in err
    assert "Dòng 4, cột 1.4: Điểm 11 vượt quá điểm tối đa 10." in err
    assert "Dòng 4, cột 2.4: Chỉ số phải nằm trong khoảng từ 0 đến 1; đang là 1,5." in err
    assert "Dòng 5: thiếu mã đơn vị." in err


def test_ragged_row_and_empty_file(files, capsys):
    assert "Dòng 2 có 3 ô" in run_bad(files, capsys, sample(), ["unit,1.1", "A,1,1"])
    assert "không có đơn vị nào" in run_bad(files, capsys, sample(), ["unit,1.1"])


def test_group_by_a_missing_column(files, capsys):
    assert "peer_group" in run_bad(files, capsys, sample(), ["unit,1.1", "A,1"], "--group-by", "peer_group")


def test_module_runs_as_a_program(files):
    fw, values = files(da_nang(), da_nang_rows())
    result = subprocess.run(
        [sys.executable, "-m", "dxhub.engine", "score", fw, values], cwd=SRC, capture_output=True, text=True
    )
    assert result.returncode == 0 and "0,8002" in result.stdout
    bad = subprocess.run([sys.executable, "-m", "dxhub.engine", "score", fw], cwd=SRC, capture_output=True, text=True)
    assert bad.returncode == 2


def test_not_utf8(files, capsys, tmp_path):
    fw, values = files(sample(), ["unit,1.1", "A,1"])
    Path(values).write_bytes("unit,name,1.1\nA,Đ,1\n".encode("cp1258"))
    assert main(["score", fw, values]) == 2
    assert "không phải văn bản UTF-8" in capsys.readouterr().err


def test_the_documented_example_prints_what_the_document_says(tmp_path, capsys):
    doc = (SRC.parent / "docs" / "assessment-format.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```(\w*)\n(.*?)```", doc, re.S)
    (tmp_path / "cds.json").write_text(next(b for t, b in blocks if t == "json"), encoding="utf-8")
    (tmp_path / "values.csv").write_text(next(b for t, b in blocks if t == "csv"), encoding="utf-8")
    printed = next(b for t, b in blocks if t == "" and b.startswith("Bộ tiêu chí"))
    assert main(["score", str(tmp_path / "cds.json"), str(tmp_path / "values.csv")]) == 0
    assert capsys.readouterr().out == printed


def test_duplicate_column(files, capsys):
    assert "Cột 1.1 xuất hiện nhiều lần." in run_bad(files, capsys, sample(), ["unit,1.1,1.1", "A,1,1"])
