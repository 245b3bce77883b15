"""Form widgets styled as NL Design System (Utrecht) components, with accessible error wiring."""

from typing import Any

from django import forms

WIDGET_CLASSES = {
    forms.Textarea: "utrecht-textarea utrecht-textarea--html-textarea",
    forms.Select: "utrecht-select utrecht-select--html-select",
    forms.CheckboxInput: "utrecht-checkbox utrecht-checkbox--html-input",
}
TEXTBOX_CLASS = "utrecht-textbox utrecht-textbox--html-input"


class NLDesignFormMixin:
    fields: dict[str, forms.Field]
    errors: Any

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]
        for field in self.fields.values():
            widget = field.widget
            css = next(
                (c for kind, c in WIDGET_CLASSES.items() if isinstance(widget, kind)),
                TEXTBOX_CLASS,
            )
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        # Point each invalid input at its message so screen readers announce it.
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["aria-invalid"] = "true"
                auto_id = self[name].auto_id  # type: ignore[index]
                described = widget.attrs.get("aria-describedby", "")
                widget.attrs["aria-describedby"] = f"{described} {auto_id}_error".strip()


def limit_choices(field: forms.Field, queryset: Any) -> None:
    """Narrow a model choice field to the rows this user and region may pick."""
    if not isinstance(field, forms.ModelChoiceField):
        raise TypeError(f"{field!r} offers no model choices")
    field.queryset = queryset
