"""The project rules in scripts/check_dangerous_patterns.py find what they promise to find."""

import importlib.util
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[3] / "scripts" / "check_dangerous_patterns.py"
spec = importlib.util.spec_from_file_location("check_dangerous_patterns", SCRIPT)
assert spec is not None and spec.loader is not None
rules = importlib.util.module_from_spec(spec)
spec.loader.exec_module(rules)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("from django.utils.safestring import mark_safe\nx = mark_safe(text)\n", "mark_safe()"),
        ("x = mark_safe(text)  # noqa: S308\n", "mark_safe()"),
        ("x = SafeString(text)\n", "SafeString()"),
        ("Action.objects.filter(**request.GET.dict())\n", ".filter(**...)"),
        ("Action.objects.create(**request.POST)\n", ".create(**...)"),
        ("@csrf_exempt\ndef view(request): pass\n", "csrf_exempt"),
        ("from django.views.decorators.csrf import csrf_exempt\n", "csrf_exempt"),
        ("cursor.execute(f'SELECT * FROM t WHERE id = {pk}')\n", "execute()"),
        ("Model.objects.raw('SELECT * FROM t WHERE a = %s' % value)\n", "raw()"),
        ("qs.extra(where=['a']) if False else RawSQL('x = {}'.format(v), [])\n", "RawSQL()"),
        ("cursor.execute('SELECT ' + column)\n", "execute()"),
        ("class F(forms.ModelForm):\n    class Meta:\n        fields = '__all__'\n", "__all__"),
        ("class F(forms.ModelForm):\n    class Meta:\n        exclude = ['x']\n", "exclude"),
    ],
)
def test_each_dangerous_pattern_is_found(source, expected):
    findings = list(rules.check_python(source))
    assert len(findings) == 1 and expected in findings[0], findings


@pytest.mark.parametrize(
    "source",
    [
        "x = mark_safe(clean(text))  # noqa: S308 — nh3 sanitised\n",
        "Action.objects.filter(**filters)\n",
        "cursor.execute('SELECT * FROM t WHERE id = %s', [pk])\n",
        "cursor.execute(f'SELECT 1')\n",
        "class F(forms.ModelForm):\n    class Meta:\n        fields = ['title']\n",
    ],
)
def test_reasoned_or_harmless_code_passes(source):
    assert list(rules.check_python(source)) == []


def test_unreasoned_safe_in_a_template_is_found_and_a_reasoned_one_passes():
    found = list(rules.check_template("<p>{{ text|safe }}</p>\n{% autoescape off %}\n"))
    assert [finding.split(":")[1] for finding in found] == ["1", "2"]
    assert list(rules.check_template("{{ svg|safe }} {# safe: built by segno #}\n")) == []


def test_the_code_base_follows_the_rules():
    assert rules.check_paths([SCRIPT.parents[1] / "regioagenda"]) == []
