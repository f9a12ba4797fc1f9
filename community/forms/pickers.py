"""Choosing several items from a long list (countries) without "hold Ctrl".

`CheckboxPicker` renders checkboxes in a scrolling box: usable as it is without JavaScript;
js/checkbox-picker.js adds a filter box above it (type part of a name to narrow the list).
Templates that use it include "community/_checkbox_picker.html" in their scripts block.
"""

from __future__ import annotations

from typing import Any

from django import forms


class CheckboxPicker(forms.CheckboxSelectMultiple):
    def __init__(self, attrs: dict[str, Any] | None = None, **kwargs: Any) -> None:
        super().__init__(attrs={"class": "checkbox-picker", **(attrs or {})}, **kwargs)
