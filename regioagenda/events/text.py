"""Descriptions of events are organisers' HTML: nh3 (ammonia, a maintained sanitiser) keeps only
safe formatting, so nothing an organiser writes can run as script on our pages."""

import nh3

ALLOWED_TAGS = {"p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "a", "h2", "h3"}
ALLOWED_ATTRIBUTES = {"a": {"href"}}


def clean_description(html: str) -> str:
    """The description with only safe tags and attributes; links get rel="noopener noreferrer"
    and only http(s) and mailto addresses survive."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    ).strip()


def changed_substantially(before: str, after: str) -> bool:
    """Whether two descriptions differ in their words, not only in markup or spacing."""
    return " ".join(nh3.clean(before, tags=set()).split()) != " ".join(
        nh3.clean(after, tags=set()).split()
    )
