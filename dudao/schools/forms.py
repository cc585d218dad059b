"""Forms parse input only; writes go through schools.services."""

from django import forms

from dudao.regions import geo
from dudao.regions.models import GovUnit, Region, RegionLevel
from dudao.schools.models import ManagementCentre, School


class SchoolForm(forms.ModelForm):
    # area: map — parsed by regions.geo (both or neither, inside China); a swapped pair asks for confirmation
    longitude = forms.CharField(label="经度", required=False, max_length=32,
                                help_text="WGS-84 经度（度），如 113.625368；与纬度同时填写或同时留空")
    latitude = forms.CharField(label="纬度", required=False, max_length=32, help_text="WGS-84 纬度（度），如 34.746599")
    confirm_swap = forms.BooleanField(label="经纬度填反了，按提示交换后保存", required=False)

    class Meta:
        model = School
        fields = [
            "name", "school_type", "ownership", "is_puhui", "urban_rural", "region", "competent_unit",
            "management_centre", "address", "principal", "phone", "founded_year",
            "students_preschool", "students_primary", "students_junior", "students_senior", "students_other",
            "classes_preschool", "classes_primary", "classes_junior", "classes_senior", "classes_other",
        ]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None and not self.is_bound:
            self.initial["longitude"] = "" if self.instance.longitude is None else str(self.instance.longitude)
            self.initial["latitude"] = "" if self.instance.latitude is None else str(self.instance.latitude)
        self.swap_warning = ""
        # Choices are limited to what the editing user may see.
        self.fields["region"].queryset = Region.objects.visible_to(user).filter(level=RegionLevel.TOWN)
        self.fields["competent_unit"].queryset = GovUnit.objects.visible_to(user)
        self.fields["management_centre"].queryset = ManagementCentre.objects.visible_to(user)
        for name, field in self.fields.items():
            if name.startswith(("students_", "classes_")):
                field.required = False  # an empty count means 0
            css = "form-check-input" if isinstance(field.widget, forms.CheckboxInput) else "form-control"
            if isinstance(field.widget, forms.Select):
                css = "form-select"
            field.widget.attrs["class"] = css

    def clean(self):
        data = super().clean()
        try:
            point = geo.check_point(data.get("longitude"), data.get("latitude"))
        except geo.GeoError as exc:
            self.add_error("longitude", exc.message)
            return data
        if point.warning and not data.get("confirm_swap"):
            self.swap_warning = point.warning
            self.add_error("longitude", point.warning + "。如确认，请勾选“经纬度填反了”后再保存。")
            return data
        data["longitude"], data["latitude"] = point.longitude, point.latitude
        return data

    def service_fields(self) -> dict:
        """Cleaned data keyed by the attnames the service accepts (region_id, not region)."""
        data = dict(self.cleaned_data)
        data.pop("confirm_swap", None)
        for name in ("region", "competent_unit", "management_centre"):
            value = data.pop(name)
            data[f"{name}_id"] = value.pk if value else None
        for name, value in list(data.items()):
            if name.startswith(("students_", "classes_")) and value is None:
                data[name] = 0
        return data


class ImportForm(forms.Form):
    file = forms.FileField(label="导入文件", help_text=".xlsx、.xls、.ods 或 .csv")
    confirm = forms.BooleanField(label="我已核对上述数据提示，确认导入", required=False)
