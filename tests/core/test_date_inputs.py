"""A saved date must come back into <input type="date"> as 2026-08-31 (the browser discards 2026/08/31, and saving
the form again would clear the date)."""

import datetime

from django import forms


class _Form(forms.Form):
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    at = forms.DateTimeField(widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))


def test_date_inputs_render_iso_and_parse_both():
    html = str(_Form(initial={"day": datetime.date(2026, 8, 31), "at": datetime.datetime(2026, 8, 31, 9, 30)}))
    assert 'value="2026-08-31"' in html
    assert 'value="2026-08-31T09:30"' in html
    for day in ("2026-08-31", "2026/08/31"):
        form = _Form(data={"day": day, "at": "2026-08-31T09:30"})
        assert form.is_valid(), form.errors
        assert form.cleaned_data["day"] == datetime.date(2026, 8, 31)
