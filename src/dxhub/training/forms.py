"""Forms of the training pages. Units and people are named by code and identifier and
resolved inside the user's scope by the views and services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from dxhub.org.choices import PersonnelCategory

from .models import Competence, Course, Framework, TrainingGroup

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class SurveyForm(forms.Form):
    code = forms.CharField(label=_("Mã đợt khảo sát"), max_length=40)
    title = forms.CharField(label=_("Tên đợt khảo sát"), max_length=255)
    unit = forms.CharField(
        label=_("Đơn vị tổ chức (mã)"),
        max_length=40,
        help_text=_("Khảo sát toàn bộ quân số của đơn vị này và các đơn vị trực thuộc."),
    )
    framework = forms.ModelChoiceField(label=_("Khung năng lực"), queryset=Framework.objects.filter(is_active=True))
    opens_on = forms.DateField(label=_("Từ ngày"), widget=DATE)
    closes_on = forms.DateField(label=_("Đến ngày"), widget=DATE)
    note = forms.CharField(label=_("Hướng dẫn"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class CourseForm(forms.Form):
    code = forms.CharField(label=_("Mã khóa học"), max_length=40)
    title = forms.CharField(label=_("Tên khóa học"), max_length=255)
    owner = forms.CharField(label=_("Đơn vị quản lý (mã)"), max_length=40)
    provider = forms.CharField(label=_("Đơn vị cung cấp"), max_length=200)
    on_national_platform = forms.BooleanField(label=_("Học trên nền tảng binhdanhocvuso.gov.vn"), required=False)
    link = forms.URLField(label=_("Đường dẫn"), required=False, assume_scheme="https")
    mode = forms.ChoiceField(label=_("Hình thức"), choices=Course.Mode.choices)
    hours = forms.DecimalField(label=_("Số giờ"), max_digits=5, decimal_places=1)
    is_basic = forms.BooleanField(label=_("Là chương trình kỹ năng số cơ bản"), required=False)
    pass_score = forms.DecimalField(label=_("Điểm đạt (thang 10)"), max_digits=4, decimal_places=1, initial=5)
    framework = forms.ModelChoiceField(label=_("Khung năng lực"), queryset=Framework.objects.filter(is_active=True))
    reached_step = forms.IntegerField(label=_("Bậc đạt được sau khóa học"), min_value=1, max_value=8)
    competences = forms.ModelMultipleChoiceField(
        label=_("Năng lực bồi dưỡng"),
        queryset=Competence.objects.select_related("framework").order_by("framework__code", "position"),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    groups = forms.ModelMultipleChoiceField(
        label=_("Dành cho nhóm"),
        queryset=TrainingGroup.objects.filter(is_active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    description = forms.CharField(label=_("Nội dung"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["competences"].label_from_instance = lambda c: f"{c.framework.code} · {c.code} {c.name}"


class ClassForm(forms.Form):
    code = forms.CharField(label=_("Mã lớp"), max_length=40)
    course = forms.ModelChoiceField(label=_("Khóa học"), queryset=Course.objects.filter(is_active=True))
    unit = forms.CharField(label=_("Đơn vị tổ chức (mã)"), max_length=40)
    start = forms.DateField(label=_("Khai giảng"), widget=DATE)
    end = forms.DateField(label=_("Bế giảng"), widget=DATE)
    sessions = forms.IntegerField(label=_("Số buổi"), min_value=1, max_value=200, initial=2)
    place = forms.CharField(label=_("Địa điểm"), max_length=255, required=False)
    online_link = forms.URLField(label=_("Đường dẫn học trực tuyến"), required=False, assume_scheme="https")
    instructor = forms.CharField(label=_("Giảng viên"), max_length=200, required=False)
    capacity = forms.IntegerField(label=_("Số học viên tối đa"), min_value=1, required=False)


class EnrolForm(forms.Form):
    identifiers = forms.CharField(
        label=_("Mã định danh học viên"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Mỗi dòng một mã định danh (hoặc phân cách bằng dấu phẩy)."),
    )

    def identifier_list(self) -> list[str]:
        raw = self.cleaned_data["identifiers"].replace(",", "\n").replace(";", "\n")
        return [line.strip() for line in raw.splitlines() if line.strip()]


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Tệp Excel (.xlsx)"))


class GroupForm(forms.ModelForm):
    categories = forms.MultipleChoiceField(
        label=_("Đối tượng"),
        choices=PersonnelCategory.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Không chọn = mọi đối tượng."),
    )

    class Meta:
        model = TrainingGroup
        fields = [
            "code",
            "name",
            "description",
            "position",
            "is_basic",
            "below_step",
            "categories",
            "position_keywords",
        ]
        fields += ["is_active"]

    def clean(self):
        data = super().clean()
        if not (data.get("below_step") or data.get("categories") or (data.get("position_keywords") or "").strip()):
            raise forms.ValidationError(_("Đặt ít nhất một điều kiện: đối tượng, chức vụ hoặc bậc."))
        step = data.get("below_step")
        if step is not None and not 1 <= step <= 8:
            self.add_error("below_step", _("Bậc phải từ 1 đến 8."))
        return data


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Lý do"), max_length=300)
