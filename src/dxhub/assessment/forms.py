from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dxhub.accounts.roles import Action
from dxhub.org.models import PeerGroup, Unit

from .models import Framework


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp bộ tiêu chí (.json hoặc .xlsx)"),
        help_text=_("Định dạng mô tả trong tài liệu docs/assessment-format.md; tải một bộ có sẵn về để xem mẫu."),
    )


class EvidenceForm(forms.Form):
    title = forms.CharField(label=_("Tên minh chứng"), max_length=255, required=False)
    file = forms.FileField(label=_("Tệp"), required=False)
    link = forms.URLField(label=_("hoặc đường dẫn"), required=False, max_length=500, assume_scheme="https")


class RoundForm(forms.Form):
    framework = forms.ModelChoiceField(label=_("Bộ tiêu chí"), queryset=Framework.objects.filter(is_active=True))
    owner = forms.ModelChoiceField(label=_("Đơn vị tổ chức đánh giá"), queryset=Unit.objects.none())
    year = forms.IntegerField(label=_("Năm đánh giá"), min_value=2000, max_value=2100)
    name = forms.CharField(label=_("Tên kỳ đánh giá"), max_length=255)
    depth = forms.TypedChoiceField(
        label=_("Đơn vị tham gia"),
        coerce=int,
        choices=[(1, _("Các đơn vị trực thuộc trực tiếp")), (2, _("Đơn vị trực thuộc và cấp dưới một bậc"))],
        initial=1,
    )
    peer_groups = forms.ModelMultipleChoiceField(
        label=_("Chỉ các nhóm đơn vị"),
        queryset=PeerGroup.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Bỏ trống: mọi nhóm."),
        to_field_name="code",
    )
    self_deadline = forms.DateField(
        label=_("Hạn tự đánh giá"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    review_deadline = forms.DateField(
        label=_("Hạn thẩm định"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = Unit.objects.restrict(user, Action.MANAGE_ASSESSMENT).filter(
            is_active=True, depth__lte=3
        )
        self.fields["year"].initial = timezone.localdate().year
        self.fields["owner"].label_from_instance = lambda u: f"{u.code} · {u.name}"

    def clean(self):
        data = super().clean()
        first, last = data.get("self_deadline"), data.get("review_deadline")
        if first and last and last < first:
            self.add_error("review_deadline", _("Hạn thẩm định phải sau hạn tự đánh giá."))
        return data

    def selected_units(self) -> list[Unit]:
        owner = self.cleaned_data["owner"]
        depth = owner.depth + self.cleaned_data["depth"]
        units = Unit.objects.filter(
            path__startswith=owner.path, depth__gt=owner.depth, depth__lte=depth, is_active=True
        ).select_related("peer_group")
        groups = self.cleaned_data.get("peer_groups")
        if groups:
            units = units.filter(peer_group__in=groups)
        return list(units)
