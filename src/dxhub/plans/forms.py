"""Forms of the plans pages. Units are named by code and resolved inside the user's
scope by the views, so a forged code is refused the same way as in the API."""

from django import forms
from django.utils.translation import gettext_lazy as _

from dxhub.core.text import nfc_text
from dxhub.org.choices import UnitKind

from .models import Plan, Priority

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def codes(text: str) -> list[str]:
    """Unit codes typed as "HVHC; BTL86, TCKT" (any of ; , space or new line)."""
    return [c for c in nfc_text(text or "").upper().replace(";", " ").replace(",", " ").split() if c]


class PlanForm(forms.Form):
    code = forms.CharField(label=_("Mã kế hoạch"), max_length=40)
    kind = forms.ChoiceField(label=_("Loại"), choices=Plan.Kind.choices)
    number = forms.CharField(label=_("Số, ký hiệu"), max_length=60, required=False)
    title = forms.CharField(label=_("Tên kế hoạch"), max_length=300)
    decision = forms.CharField(label=_("Quyết định ban hành"), max_length=200, required=False)
    issued_on = forms.DateField(label=_("Ngày ban hành"), required=False, widget=DATE)
    start = forms.DateField(label=_("Từ ngày"), widget=DATE)
    end = forms.DateField(label=_("Đến ngày"), widget=DATE)
    owner = forms.CharField(label=_("Đơn vị ban hành (mã)"), max_length=40)
    parent = forms.TypedChoiceField(
        label=_("Thực hiện kế hoạch cấp trên"), coerce=int, required=False, empty_value=None
    )
    summary = forms.CharField(label=_("Mục tiêu chung"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    objectives = forms.CharField(
        label=_("Mục tiêu cụ thể"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Mỗi dòng một mục tiêu: “MT1: Hoàn thiện hạ tầng số”."),
    )
    themes = forms.CharField(
        label=_("Chủ đề từng năm"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Mỗi dòng một năm: “2026: Năm dữ liệu số”."),
    )

    def __init__(self, *args, parents=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].choices = [("", "—")] + [(p.pk, str(p)) for p in parents]

    def _pairs(self, field, key):
        out = []
        for n, line in enumerate(nfc_text(self.cleaned_data.get(field) or "").splitlines(), start=1):
            if not line.strip():
                continue
            head, sep, tail = line.partition(":")
            if not sep or not head.strip() or not tail.strip():
                raise forms.ValidationError(_("Dòng %(n)s: cần dạng “mã: nội dung”.") % {"n": n})
            out.append((key(head.strip()), tail.strip()))
        return out

    def clean_objectives(self):
        return self._pairs("objectives", lambda s: s.upper())

    def clean_themes(self):
        def year(s):
            if not s.isdigit() or not 1990 <= int(s) <= 2100:
                raise forms.ValidationError(_("Năm “%(y)s” không hợp lệ.") % {"y": s})
            return int(s)

        return self._pairs("themes", year)


class TaskForm(forms.Form):
    code = forms.CharField(label=_("Mã nhiệm vụ"), max_length=20)
    title = forms.CharField(label=_("Tên nhiệm vụ"), max_length=300)
    description = forms.CharField(label=_("Nội dung"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    objective = forms.TypedChoiceField(label=_("Mục tiêu"), coerce=int, required=False, empty_value=None)
    lead = forms.CharField(label=_("Đơn vị chủ trì (mã)"), max_length=40)
    cooperating = forms.CharField(label=_("Đơn vị phối hợp (các mã)"), required=False, max_length=500)
    start = forms.DateField(label=_("Ngày bắt đầu"), widget=DATE)
    due = forms.DateField(label=_("Hạn hoàn thành"), widget=DATE)
    priority = forms.TypedChoiceField(label=_("Mức ưu tiên"), choices=Priority.choices, coerce=int, initial=2)
    expected_output = forms.CharField(label=_("Sản phẩm"), max_length=300, required=False)

    def __init__(self, *args, objectives=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["objective"].choices = [("", "—")] + [(o.pk, str(o)) for o in objectives]


class HandDownForm(forms.Form):
    units = forms.MultipleChoiceField(label=_("Đơn vị trực thuộc"), required=False, widget=forms.CheckboxSelectMultiple)
    kind = forms.ChoiceField(label=_("Hoặc: mọi đơn vị loại hình"), required=False)
    codes = forms.CharField(label=_("Hoặc: các mã đơn vị"), required=False, max_length=2000)
    due = forms.DateField(label=_("Hạn hoàn thành"), required=False, widget=DATE)

    def __init__(self, *args, children=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units"].choices = [(u.pk, u.name) for u in children]
        self.fields["kind"].choices = [("", "—")] + list(UnitKind.choices)


class ProgressForm(forms.Form):
    progress = forms.IntegerField(label=_("Tiến độ (%)"), min_value=0, max_value=100, required=False)
    note = forms.CharField(
        label=_("Kết quả, vướng mắc, lý do chậm"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    done = forms.BooleanField(label=_("Báo hoàn thành"), required=False)
    output_link = forms.URLField(label=_("Đường dẫn sản phẩm"), required=False, max_length=500, assume_scheme="https")


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Lý do"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class TargetForm(forms.Form):
    code = forms.CharField(label=_("Mã chỉ tiêu"), max_length=20)
    title = forms.CharField(label=_("Tên chỉ tiêu"), max_length=300)
    objective = forms.TypedChoiceField(label=_("Mục tiêu"), coerce=int, required=False, empty_value=None)
    indicator = forms.CharField(
        label=_("Chỉ tiêu báo cáo (mã)"),
        max_length=30,
        widget=forms.TextInput(attrs={"list": "dx-indicators", "autocomplete": "off"}),
        help_text=_("Gõ mã hoặc chọn trong danh sách gợi ý."),
    )
    value = forms.CharField(label=_("Giá trị phải đạt"), max_length=30)
    start = forms.DateField(label=_("Tính từ ngày"), widget=DATE)
    deadline = forms.DateField(label=_("Thời hạn"), widget=DATE)

    def __init__(self, *args, objectives=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["objective"].choices = [("", "—")] + [(o.pk, str(o)) for o in objectives]


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Tệp Excel danh sách nhiệm vụ (.xlsx)"))
