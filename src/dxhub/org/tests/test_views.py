"""Pages: each works inside the scope and answers 404 outside it."""

import pytest
from django.urls import reverse

from dxhub.audit.models import AuditEvent
from dxhub.org import identifiers, services
from dxhub.org.models import Person, Unit


def test_login_required(client, org):
    response = client.get(reverse("org:tree"))
    assert response.status_code == 302 and "/tai-khoan/dang-nhap/" in response["Location"]


def test_tree_shows_only_scope_roots(client_for, org):
    page = client_for("qtv_hvhc").get(reverse("org:tree")).content.decode()
    assert "Học viện Hậu cần" in page and "Bộ Tư lệnh 86" not in page


def test_tree_children_fragment(client_for, org):
    c = client_for("admin")
    html = c.get(reverse("org:tree_children", args=[org.unit("BQP").pk]), HTTP_HX_REQUEST="true").content.decode()
    assert "Học viện Hậu cần" in html and "Bộ Tư lệnh 86" in html and "<html" not in html


@pytest.mark.parametrize("name", ["tree_children", "unit", "unit_edit", "unit_move", "unit_create"])
def test_unit_pages_outside_scope_are_404(client_for, org, name):
    c = client_for("qtv_hvhc")
    target = org.unit("BTL86-TT")
    kwargs = {"parent_pk": target.pk} if name == "unit_create" else {"pk": target.pk}
    assert c.get(reverse(f"org:{name}", kwargs=kwargs)).status_code == 404


def test_person_pages_outside_scope_are_404(client_for, org):
    c = client_for("qtv_hvhc")
    outside = org.people["BTL86"]
    assert c.get(reverse("org:person", args=[outside.pk])).status_code == 404
    assert c.get(reverse("org:person_edit", args=[outside.pk])).status_code == 404
    assert c.post(reverse("org:person_delete", args=[outside.pk])).status_code == 404
    assert Person.objects.filter(pk=outside.pk).exists()


def test_unit_page_shows_path_children_and_headcount(client_for, org):
    page = client_for("admin").get(reverse("org:unit", args=[org.unit("HVHC-TD1").pk])).content.decode()
    crumbs = page.split('class="breadcrumb"')[1].split("</ol>")[0]
    assert 'title="Bộ Quốc phòng"' in crumbs and 'title="Học viện Hậu cần"' in crumbs
    assert "Đại đội 1" in page
    assert "người (cả đơn vị trực thuộc)" in page


def test_leader_can_read_but_not_edit(client_for, org):
    c = client_for("lanhdao_86")
    assert c.get(reverse("org:unit", args=[org.unit("BTL86").pk])).status_code == 200
    assert c.get(reverse("org:unit_edit", args=[org.unit("BTL86").pk])).status_code == 404


def test_search_is_accent_insensitive(client_for, org):
    c = client_for("admin")
    html = c.get(reverse("org:search"), {"q": "hoc vien hau can"}, HTTP_HX_REQUEST="true").content.decode()
    assert "Học viện Hậu cần" in html
    html = c.get(reverse("org:search"), {"q": "HẬU CẦN"}, HTTP_HX_REQUEST="true").content.decode()
    assert "Học viện Hậu cần" in html


def test_search_stays_in_scope(client_for, org):
    html = client_for("lanhdao_86").get(reverse("org:search"), {"q": "hau can"}).content.decode()
    assert "Học viện Hậu cần" not in html and "Không tìm thấy" in html


def test_people_search_without_accents(client_for, org):
    html = client_for("admin").get(reverse("org:people"), {"q": "dang quoc hung"}).content.decode()
    assert "Đặng Quốc Hùng" in html and "Nguyễn Văn An" not in html


def test_people_list_scoped_and_filtered_by_unit(client_for, org):
    c = client_for("qtv_hvhc")
    html = c.get(reverse("org:people")).content.decode()
    assert "Trần Thị Bích" in html and "Vũ Văn Giang" not in html
    html = c.get(reverse("org:people"), {"unit": "BTL86"}).content.decode()
    assert "ngoài phạm vi" in html and "Vũ Văn Giang" not in html


def test_person_create_with_forged_unit_is_refused(client_for, org):
    c = client_for("nhaplieu_hvhc")
    data = {
        "identifier": identifiers.make(24, 9001),
        "full_name": "Ngô Văn Khoa",
        "category": "si_quan",
        "rank": "trung_uy",
        "unit": "BTL86-TT",
        "is_active": "on",
    }
    html = c.post(reverse("org:person_create"), data).content.decode()
    assert "ngoài phạm vi quản lý của bạn" in html
    assert not Person.objects.filter(full_name="Ngô Văn Khoa").exists()
    data["unit"] = "HVHC-CNTT"
    response = c.post(reverse("org:person_create"), data)
    assert response.status_code == 302
    person = Person.objects.get(full_name="Ngô Văn Khoa")
    assert AuditEvent.objects.filter(action="create", object_type="org.person", object_id=str(person.pk)).exists()


def test_person_form_rejects_bad_identifier(client_for, org):
    c = client_for("nhaplieu_hvhc")
    data = {"identifier": "123", "full_name": "Ngô Văn Khoa", "category": "si_quan", "unit": "HVHC"}
    html = c.post(reverse("org:person_create"), data).content.decode()
    assert "12 chữ số" in html


def test_move_form_refuses_own_subtree_and_forged_target(client_for, org):
    c = client_for("admin")
    td1 = org.unit("HVHC-TD1")
    html = c.post(reverse("org:unit_move", args=[td1.pk]), {"new_parent": "HVHC-TD1-DD1"}).content.decode()
    assert "vào chính nó hoặc vào đơn vị cấp dưới" in html
    c2 = client_for("qtv_hvhc")
    html = c2.post(reverse("org:unit_move", args=[td1.pk]), {"new_parent": "BTL86"}).content.decode()
    assert "ngoài phạm vi" in html
    assert Unit.objects.get(pk=td1.pk).parent.code == "HVHC"


def test_delete_unit_with_children_shows_message(client_for, org):
    c = client_for("admin")
    response = c.post(reverse("org:unit_delete", args=[org.unit("HVHC-TD1").pk]), follow=True)
    assert "Không thể xóa" in response.content.decode()
    assert Unit.objects.filter(code="HVHC-TD1").exists()


def test_people_export_xlsx_is_scoped(client_for, org):
    import io

    from openpyxl import load_workbook

    response = client_for("lanhdao_86").get(reverse("org:people_export", args=["xlsx"]))
    names = {r[1] for r in load_workbook(io.BytesIO(response.content)).active.iter_rows(min_row=2, values_only=True)}
    assert names == {"Vũ Văn Giang", "Đặng Quốc Hùng"}


def test_import_page_reports_rows(client_for, org):
    from dxhub.org.tests.test_people_io import row, xlsx

    c = client_for("nhaplieu_hvhc")
    upload = xlsx([row(8001, unit="KHONG-CO")])
    html = c.post(reverse("org:people_import"), {"file": upload}).content.decode()
    assert "dòng 2, cột H" in html and "Chưa có dữ liệu nào được ghi" in html


def test_search_matches_word_starts_not_inside_words(client_for, org):
    from dxhub.org.models import Person as P

    P(
        identifier=identifiers.make(22, 4242), full_name="Nguyễn Văn Chung", category="si_quan", unit=org.unit("HVHC")
    ).save()
    P(
        identifier=identifiers.make(22, 4243), full_name="Nguyễn Văn Hưng", category="si_quan", unit=org.unit("HVHC")
    ).save()
    names = set(P.objects.search("nguyen van hung").values_list("full_name", flat=True))
    assert names == {"Nguyễn Văn Hưng"}
    assert set(P.objects.search("Hùng").values_list("full_name", flat=True)) == {"Nguyễn Văn Hưng", "Đặng Quốc Hùng"}
    by_id = P.objects.search(identifiers.display(identifiers.make(22, 4242)))
    assert list(by_id.values_list("full_name", flat=True)) == ["Nguyễn Văn Chung"]
    assert list(Unit.objects.search("cntt").values_list("code", flat=True)) == ["HVHC-CNTT"]


def test_create_child_unit_and_edit_through_pages(client_for, org):
    c = client_for("qtv_hvhc")
    hvhc = org.unit("HVHC")
    response = c.post(
        reverse("org:unit_create", args=[hvhc.pk]),
        {"code": "hvhc-k2", "name": "Khoa Tài chính", "short_name": "K2", "kind": "co_quan", "is_active": "on"},
    )
    unit = Unit.objects.get(code="HVHC-K2")
    assert response.status_code == 302 and unit.parent_id == hvhc.pk and unit.depth == 3
    html = c.post(
        reverse("org:unit_create", args=[hvhc.pk]), {"code": "HVHC-K2", "name": "Trùng", "kind": "co_quan"}
    ).content.decode()
    assert "đã được dùng cho đơn vị khác" in html and Unit.objects.filter(code="HVHC-K2").count() == 1
    html = c.post(
        reverse("org:unit_edit", args=[unit.pk]), {"code": "HVHC-CNTT", "name": "Khoa Tài chính", "kind": "co_quan"}
    ).content.decode()
    assert "đã được dùng cho đơn vị khác" in html
    unit.refresh_from_db()
    assert unit.code == "HVHC-K2" and unit.is_active


def test_person_edit_and_delete_are_audited(client_for, org):
    c = client_for("nhaplieu_hvhc")
    person = org.people["HVHC-CNTT"]
    data = {
        "identifier": person.identifier,
        "full_name": "Lê Đức Cường",
        "category": "si_quan",
        "rank": "thieu_ta",
        "position": "Trưởng ban",
        "unit": "HVHC-CNTT",
        "is_active": "on",
    }
    assert c.post(reverse("org:person_edit", args=[person.pk]), data).status_code == 302
    event = AuditEvent.objects.get(action="update", object_id=str(person.pk))
    assert event.before["rank"] == "dai_uy" and event.after["rank"] == "thieu_ta"
    assert c.post(reverse("org:person_delete", args=[person.pk])).status_code == 302
    assert not Person.objects.filter(pk=person.pk).exists()
    assert AuditEvent.objects.get(action="delete", object_id=str(person.pk)).before["full_name"] == "Lê Đức Cường"


def test_moving_a_person_out_of_scope_is_refused(client_for, org):
    c = client_for("nhaplieu_hvhc")
    person = org.people["HVHC-CNTT"]
    data = {
        "identifier": person.identifier,
        "full_name": person.full_name,
        "category": "si_quan",
        "unit": "BTL86",
        "is_active": "on",
    }
    html = c.post(reverse("org:person_edit", args=[person.pk]), data).content.decode()
    assert "ngoài phạm vi" in html
    person.refresh_from_db()
    assert person.unit.code == "HVHC-CNTT"


def test_tree_fragment_and_unit_page_queries_do_not_grow_with_children(client_for, org):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    c = client_for("admin")
    root = org.unit("BQP")

    def count(url):
        with CaptureQueriesContext(connection) as ctx:
            assert c.get(url, HTTP_HX_REQUEST="true").status_code == 200
        return len(ctx.captured_queries)

    urls = [reverse("org:tree_children", args=[root.pk]), reverse("org:unit", args=[root.pk])]
    before = [count(u) for u in urls]
    for i in range(12):
        services.create_unit(org.users["admin"], root, code=f"N{i}", name=f"Đơn vị {i}", kind="co_quan")
    assert [count(u) for u in urls] == before


def test_years_and_sequence_numbers_are_not_grouped(client_for, org):
    person = org.people["HVHC"]
    Person.objects.filter(pk=person.pk).update(birth_year=1990)
    html = client_for("admin").get(reverse("org:person", args=[person.pk])).content.decode()
    assert ">1990<" in html and "1.990" not in html
    Person.objects.filter(pk=person.pk).update(birth_year=None)
    html = client_for("admin").get(reverse("org:person", args=[person.pk])).content.decode()
    assert "None" not in html
