from django import forms
from django.utils.translation import gettext_lazy as _

from dxhub.org.choices import UnitKind

from .models import Indicator, ReportForm, ValidationRule

_KINDS = forms.MultipleChoiceField(
    label=_("Loại hình đơn vị báo cáo"),
    choices=UnitKind.choices,
    required=False,
    widget=forms.CheckboxSelectMultiple,
    help_text=_("Bỏ trống: mọi đơn vị."),
)


class IndicatorForm(forms.Form):
    code = forms.CharField(label=_("Mã chỉ tiêu"), max_length=30)
    name = forms.CharField(label=_("Tên chỉ tiêu"), max_length=255)
    definition = forms.CharField(
        label=_("Định nghĩa, cách tính"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    unit = forms.CharField(label=_("Đơn vị tính"), max_length=40, required=False)
    topic = forms.CharField(label=_("Nhóm"), max_length=60, required=False)
    value_type = forms.ChoiceField(label=_("Kiểu giá trị"), choices=Indicator.ValueType.choices)
    min_value = forms.DecimalField(label=_("Giá trị nhỏ nhất"), required=False, max_digits=20, decimal_places=4)
    max_value = forms.DecimalField(label=_("Giá trị lớn nhất"), required=False, max_digits=20, decimal_places=4)
    direction = forms.ChoiceField(label=_("Chiều đánh giá"), choices=Indicator.Direction.choices)
    aggregation = forms.ChoiceField(label=_("Cách tổng hợp lên cấp trên"), choices=Indicator.Aggregation.choices)
    weight = forms.ModelChoiceField(
        label=_("Chỉ tiêu trọng số (cho trung bình có trọng số)"),
        queryset=Indicator.objects.filter(value_type__in=["integer", "decimal"]),
        required=False,
        to_field_name="code",
    )
    applies_to = _KINDS
    is_computed = forms.BooleanField(label=_("Chỉ tiêu tính theo công thức"), required=False)
    is_active = forms.BooleanField(label=_("Đang dùng"), required=False, initial=True)


class FormulaForm(forms.Form):
    expression = forms.CharField(
        label=_("Công thức"), max_length=500, help_text=_("Ví dụ: DOC_SIGNED / DOC_TOTAL * 100")
    )
    valid_from = forms.CharField(label=_("Áp dụng từ kỳ"), max_length=10, help_text=_("Ví dụ: 2026-Q1"))
    note = forms.CharField(label=_("Căn cứ thay đổi"), max_length=255, required=False)


class ReportFormForm(forms.Form):
    code = forms.CharField(label=_("Mã biểu mẫu"), max_length=30)
    name = forms.CharField(label=_("Tên biểu mẫu"), max_length=255)
    periodicity = forms.ChoiceField(label=_("Kỳ báo cáo"), choices=ReportForm.Periodicity.choices)
    applies_to = _KINDS
    deadline_days = forms.IntegerField(
        label=_("Hạn nộp (số ngày sau khi hết kỳ)"), min_value=0, max_value=366, initial=10
    )
    jump_threshold = forms.DecimalField(
        label=_("Ngưỡng biến động so với kỳ trước"),
        min_value=0,
        max_digits=6,
        decimal_places=3,
        initial=0.5,
        help_text=_("0,5 = thay đổi quá 50% phải giải trình."),
    )
    is_active = forms.BooleanField(label=_("Đang dùng"), required=False, initial=True)


class FormVersionForm(forms.Form):
    valid_from = forms.CharField(label=_("Áp dụng từ kỳ"), max_length=10)
    indicators = forms.ModelMultipleChoiceField(
        label=_("Chỉ tiêu (theo thứ tự danh mục)"),
        queryset=Indicator.objects.filter(is_active=True),
        to_field_name="code",
        widget=forms.CheckboxSelectMultiple,
    )
    optional = forms.ModelMultipleChoiceField(
        label=_("Chỉ tiêu không bắt buộc"),
        queryset=Indicator.objects.filter(is_active=True),
        to_field_name="code",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class RuleForm(forms.Form):
    left = forms.CharField(label=_("Vế trái"), max_length=300, help_text=_("Ví dụ: EMAIL_USERS"))
    operator = forms.ChoiceField(label=_("So sánh"), choices=ValidationRule.Operator.choices)
    right = forms.CharField(label=_("Vế phải"), max_length=300, help_text=_("Ví dụ: PERSONNEL_TOTAL"))
    severity = forms.ChoiceField(label=_("Mức độ"), choices=ValidationRule.Severity.choices)
    message = forms.CharField(label=_("Thông báo khi vi phạm"), max_length=300, required=False)
