"""Addresses a user can enter are links on the pages: none may carry a script scheme."""

import pytest
from django.core.exceptions import ValidationError
from django.db import models
from django.forms import URLField

from regioagenda.website.tests.xss_seed import product_models

SCRIPT_ADDRESSES = [
    "javascript:alert(1)",
    "JaVaScRiPt:window.__xss_hit('u')",
    " javascript:alert(1)",
    "vbscript:msgbox(1)",
    "data:text/html,<script>alert(1)</script>",
    "java\tscript:alert(1)",
]

URL_FIELDS = [
    (model._meta.label, field)
    for model in product_models()
    for field in model._meta.concrete_fields
    if isinstance(field, models.URLField)
]


def test_the_product_has_address_fields_to_check():
    assert len(URL_FIELDS) > 20


@pytest.mark.parametrize("address", SCRIPT_ADDRESSES)
def test_every_address_field_refuses_script_schemes(address):
    accepted = []
    for label, field in URL_FIELDS:
        try:
            field.clean(address, None)
        except ValidationError:
            continue
        accepted.append(f"{label}.{field.name}")
    assert accepted == []


@pytest.mark.parametrize("address", SCRIPT_ADDRESSES)
def test_the_form_field_of_an_address_refuses_script_schemes(address):
    with pytest.raises(ValidationError):
        URLField(assume_scheme="https").clean(address)
