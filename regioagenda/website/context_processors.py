from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import translate_url
from django.utils.translation import get_language, get_language_info

from regioagenda.regions.current import shown_region
from regioagenda.website.navigation import MAIN_NAVIGATION, current_item


def site(request: HttpRequest) -> dict[str, Any]:
    """The region shown, the navigation and the link to the page in the other language."""
    language = get_language() or settings.LANGUAGE_CODE
    match = getattr(request, "resolver_match", None)
    view_name = match.view_name if match else None
    other_languages = [
        # Each language is named in itself ("English", "Nederlands"), as users look for it.
        {
            "code": code,
            "name": get_language_info(code)["name_local"],
            "url": translate_url(request.path, code),
        }
        for code, _name in settings.LANGUAGES
        if code != language
    ]
    return {
        "region": shown_region(),
        "navigation": MAIN_NAVIGATION,
        "current_navigation": current_item(view_name),
        "other_languages": other_languages,
    }
