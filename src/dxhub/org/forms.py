from django import forms
from django.utils.translation import gettext_lazy as _

from dxhub.accounts.roles import Action
from dxhub.core.text import nfc

from .choices import PersonnelCategory, Rank, UnitKind
from .models import PeerGroup, Person, Unit


class UnitForm(forms.Form):
    code = forms.CharField(label=_("Mã đơn vị"), max_length=40)
    name = forms.CharField(label=_("Tên đầy đủ"), max_length=255)
    short_name = forms.CharField(label=_("Tên viết tắt"), max_length=80, required=False)
    kind = forms.ChoiceField(label=_("Loại hình"), choices=UnitKind.choices)
    peer_group = forms.ModelChoiceField(label=_("Nhóm tương đồng"), queryset=PeerGroup.objects.all(), required=False)
    valid_from = forms.DateField(label=_("Hiệu lực từ"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    @classmethod
    def for_unit(cls, unit: Unit, data=None):
        initial = {f: getattr(unit, f) for f in cls.base_fields}
        return cls(data, initial=initial)


class UnitRefField(forms.CharField):
    """A unit given by its code, resolved only inside the user's scope for an action.

    A forged or out-of-scope code is refused like an unknown one, so the form
    never reveals what exists outside the scope.
    """

    def __init__(self, *args, action=Action.VIEW, **kwargs):
        self.action = action
        self.user = None
        super().__init__(*args, max_length=40, **kwargs)

    def clean(self, value):
        value = nfc(super().clean(value)).upper()
        if not value:
            return None
        unit = Unit.objects.restrict(self.user, self.action).filter(code=value).first()
        if unit is None:
            raise forms.ValidationError(
                _("Mã đơn vị “%(code)s” không tồn tại hoặc ngoài phạm vi quản lý của bạn."),
                params={"code": value},
            )
        return unit


class ScopedForm(forms.Form):
    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        for f in self.fields.values():
            if isinstance(f, UnitRefField):
                f.user = user


class MoveUnitForm(ScopedForm):
    new_parent = UnitRefField(label=_("Mã đơn vị cấp trên mới"), action=Action.CHANGE_UNIT)


class DissolveUnitForm(ScopedForm):
    on_date = forms.DateField(label=_("Ngày ngừng hoạt động"), widget=forms.DateInput(attrs={"type": "date"}))
    successor = UnitRefField(
        label=_("Mã đơn vị tiếp nhận (nếu sáp nhập)"),
        action=Action.CHANGE_UNIT,
        required=False,
        help_text=_("Đơn vị trực thuộc và quân số sẽ chuyển sang đơn vị này. Bỏ trống nếu giải thể hẳn."),
    )
    note = forms.CharField(label=_("Căn cứ (số quyết định, ngày)"), required=False, max_length=500)


class PersonForm(ScopedForm):
    identifier = forms.CharField(
        label=_("Mã định danh quân nhân"), max_length=20, help_text=_("12 chữ số, ví dụ 25-000012345-6")
    )
    full_name = forms.CharField(label=_("Họ và tên"), max_length=120)
    gender = forms.ChoiceField(label=_("Giới tính"), choices=[("", "—"), *Person.Gender.choices], required=False)
    birth_year = forms.IntegerField(label=_("Năm sinh"), required=False)
    category = forms.ChoiceField(label=_("Đối tượng"), choices=PersonnelCategory.choices)
    rank = forms.ChoiceField(label=_("Cấp bậc"), choices=[("", "—"), *Rank.choices], required=False)
    position = forms.CharField(label=_("Chức vụ"), max_length=160, required=False)
    unit = UnitRefField(label=_("Mã đơn vị"), action=Action.CHANGE_PERSON)
    is_active = forms.BooleanField(label=_("Đang công tác"), required=False, initial=True)

    @classmethod
    def for_person(cls, person: Person, data=None, user=None):
        initial = {f: getattr(person, f) for f in cls.base_fields if f != "unit"} | {"unit": person.unit.code}
        return cls(data, initial=initial, user=user)


class PeopleImportForm(forms.Form):
    file = forms.FileField(label=_("Tệp Excel (.xlsx)"))


class PeopleFilterForm(forms.Form):
    q = forms.CharField(label=_("Tìm theo tên hoặc mã định danh"), required=False)
    unit = forms.CharField(label=_("Mã đơn vị"), required=False)
    category = forms.ChoiceField(
        label=_("Đối tượng"), choices=[("", _("Tất cả")), *PersonnelCategory.choices], required=False
    )
