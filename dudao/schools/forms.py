"""Forms parse input only; writes go through schools.services."""

from django import forms

from dudao.regions.models import GovUnit, Region, RegionLevel
from dudao.schools.models import ManagementCentre, School


class SchoolForm(forms.ModelForm):
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

    def service_fields(self) -> dict:
        """Cleaned data keyed by the attnames the service accepts (region_id, not region)."""
        data = dict(self.cleaned_data)
        for name in ("region", "competent_unit", "management_centre"):
            value = data.pop(name)
            data[f"{name}_id"] = value.pk if value else None
        for name, value in list(data.items()):
            if name.startswith(("students_", "classes_")) and value is None:
                data[name] = 0
        return data


class ImportForm(forms.Form):
    file = forms.FileField(label="导入文件", help_text=".xlsx、.xls、.ods 或 .csv")
