"""Hostile text for the XSS tests: one payload a line, in the classic families.

Every payload that would run calls `window.__xss_hit('<id>')` (or `alert(1)`); the pages define
no such function, the browser test installs one that records the id. Escaped properly, each
payload shows as its own text and runs nothing. See regioagenda/website/tests/test_xss_browser.py
and scripts/xss_full.py.
"""

from typing import NamedTuple


class Payload(NamedTuple):
    id: str
    family: str
    text: str


def _p(id: str, family: str, text: str) -> Payload:
    return Payload(id, family, text.replace("ID", id))


# "ID" in a text is replaced by the payload's id, so a hit names the payload that ran.
PAYLOADS: list[Payload] = [
    # Script tags: cases, attributes, broken and nested.
    _p("s01", "script", "<script>window.__xss_hit('ID')</script>"),
    _p("s02", "script", "<SCRIPT>window.__xss_hit('ID')</SCRIPT>"),
    _p("s03", "script", "<ScRiPt src=data:text/javascript,window.__xss_hit('ID')></ScRiPt>"),
    _p("s04", "script", "<scr<script>ipt>window.__xss_hit('ID')</scr</script>ipt>"),
    _p("s05", "script", "<script/x>window.__xss_hit('ID')</script>"),
    _p("s06", "script", "<<script>window.__xss_hit('ID');//<</script>"),
    _p("s07", "script", "<script>alert(1)</script>"),
    _p("s08", "script", "<script type=module>window.__xss_hit('ID')</script>"),
    # Event handlers.
    _p("e01", "handler", "<img src=x onerror=\"window.__xss_hit('ID')\">"),
    _p("e02", "handler", "<img src=x onerror=alert(1)>"),
    _p("e03", "handler", "<svg onload=\"window.__xss_hit('ID')\">"),
    _p("e04", "handler", "<svg/onload=alert(1)>"),
    _p("e05", "handler", "<body onload=\"window.__xss_hit('ID')\">"),
    _p("e06", "handler", "<details open ontoggle=\"window.__xss_hit('ID')\">"),
    _p("e07", "handler", "<video><source onerror=\"window.__xss_hit('ID')\"></video>"),
    _p("e08", "handler", "<iframe onload=\"window.__xss_hit('ID')\"></iframe>"),
    _p("e09", "handler", "<input autofocus onfocus=\"window.__xss_hit('ID')\">"),
    _p("e10", "handler", "<select autofocus onfocus=window.__xss_hit('ID')>"),
    _p("e11", "handler", "<audio src=x onerror=window.__xss_hit('ID')>"),
    _p("e12", "handler", "<a href=# onclick=window.__xss_hit('ID')>klik</a>"),
    _p("e13", "handler", "<img src=x onerror=window.__xss_hit('ID')//"),
    _p("e14", "handler", "<svg><animate onbegin=window.__xss_hit('ID') attributeName=x dur=1s>"),
    # Dangerous URL schemes in href, src, formaction, data.
    _p("u01", "url", "<a href=\"javascript:window.__xss_hit('ID')\">klik</a>"),
    _p("u02", "url", "<a href=\"JaVaScRiPt:window.__xss_hit('ID')\">klik</a>"),
    _p("u03", "url", "<a href=\"&#106;avascript:window.__xss_hit('ID')\">klik</a>"),
    _p("u04", "url", "<iframe src=\"javascript:window.__xss_hit('ID')\"></iframe>"),
    _p("u05", "url", "<iframe src=\"data:text/html,<script>parent.__xss_hit('ID')</script>\">"),
    _p("u06", "url", "<form><button formaction=\"javascript:window.__xss_hit('ID')\">x</button>"),
    _p("u07", "url", "<a href=\"vbscript:msgbox('ID')\">klik</a>"),
    _p("u08", "url", "<object data=\"javascript:window.__xss_hit('ID')\"></object>"),
    _p("u09", "url", "javascript:window.__xss_hit('ID')"),
    # Breaking out of an attribute.
    _p("a01", "attribute", '" onmouseover="window.__xss_hit(\'ID\')" x="'),
    _p("a02", "attribute", "' autofocus onfocus='window.__xss_hit(\"ID\")' x='"),
    _p("a03", "attribute", "\"><svg onload=window.__xss_hit('ID')>"),
    _p("a04", "attribute", "'><svg onload=window.__xss_hit('ID')>"),
    _p("a05", "attribute", "\" autofocus onfocus=\"window.__xss_hit('ID')"),
    _p("a06", "attribute", "` onmouseover=window.__xss_hit('ID') x=`"),
    # Breaking out of an element's raw text.
    _p("b01", "breakout", "</textarea><script>window.__xss_hit('ID')</script>"),
    _p("b02", "breakout", "</title><script>window.__xss_hit('ID')</script>"),
    _p("b03", "breakout", "</script><script>window.__xss_hit('ID')</script>"),
    _p("b04", "breakout", "</style><script>window.__xss_hit('ID')</script>"),
    _p("b05", "breakout", "--><script>window.__xss_hit('ID')</script><!--"),
    _p("b06", "breakout", "]]><script>window.__xss_hit('ID')</script>"),
    _p("b07", "breakout", "</option></select><img src=x onerror=window.__xss_hit('ID')>"),
    # Template injection: must show as typed, never evaluated.
    _p("t01", "template", "{{7*7}} {% debug %} ID"),
    _p("t02", "template", "{{ settings.SECRET_KEY }}{% load static %} ID"),
    _p("t03", "template", "${7*7} #{7*7} <%= 7*7 %> ID"),
    # Style: CSS expressions, url(javascript:), imports.
    _p("c01", "style", "<div style=\"background:url(javascript:window.__xss_hit('ID'))\">x</div>"),
    _p("c02", "style", "<div style=\"width:expression(window.__xss_hit('ID'))\">x</div>"),
    _p("c03", "style", "<style>@import 'javascript:window.__xss_hit(\"ID\")';</style>"),
    _p("c04", "style", "<link rel=stylesheet href=\"javascript:window.__xss_hit('ID')\">"),
    # Documents inside and around the page: srcdoc, meta refresh, base, SVG links.
    _p("d01", "document", "<iframe srcdoc=\"<script>parent.__xss_hit('ID')</script>\"></iframe>"),
    _p("d02", "document", "<meta http-equiv=refresh content=\"0;url=javascript:__xss_hit('ID')\">"),
    _p("d03", "document", "<base href=\"javascript:window.__xss_hit('ID')//\">"),
    _p(
        "d04",
        "document",
        "<svg><a xlink:href=\"javascript:window.__xss_hit('ID')\"><text>k</text>",
    ),
    # Mutation XSS: markup that parses differently the second time.
    _p("m01", "mxss", "<math><mtext><table><mglyph><style><img src=x onerror=__xss_hit('ID')>"),
    _p("m02", "mxss", "<noscript><p title=\"</noscript><img src=x onerror=__xss_hit('ID')>\">"),
    _p("m03", "mxss", "<svg></p><style><a id=\"</style><img src=x onerror=__xss_hit('ID')>\">"),
    _p(
        "m04",
        "mxss",
        "<form><math><mtext></form><form><mglyph><style></math><img src onerror=__xss_hit('ID')>",
    ),
    # Unicode and encoded variants.
    _p("n01", "encoded", "＜script＞window.__xss_hit('ID')＜/script＞"),
    _p("n02", "encoded", "\\u003cscript\\u003ewindow.__xss_hit('ID')\\u003c/script\\u003e"),
    _p("n03", "encoded", "&lt;script&gt;window.__xss_hit('ID')&lt;/script&gt;"),
    _p("n04", "encoded", "%3Cscript%3Ewindow.__xss_hit('ID')%3C/script%3E"),
    _p("n05", "encoded", "<img src=x onerror=&#119;indow.__xss_hit('ID')>"),
    _p("n06", "encoded", "<img src=x onerror=\"\\u0077indow.__xss_hit('ID')\">"),
    _p("n07", "encoded", "<scrİpt>window.__xss_hit('ID')</scrİpt>"),
    # Breaking out of JSON in a script element (json_script) or a JS string.
    _p("j01", "json", "</script><img src=x onerror=window.__xss_hit('ID')>"),
    _p("j02", "json", "\"};window.__xss_hit('ID');//"),
    _p("j03", "json", "</SCRIPT ><svg onload=window.__xss_hit('ID')>"),
    _p("j04", "json", "<!--<script>window.__xss_hit('ID')</script>"),
    _p("j05", "json", "'+window.__xss_hit('ID')+'"),
    _p("j06", "json", "\"+window.__xss_hit('ID')+\""),
    # Markdown-style links, in case any text is ever rendered as Markdown.
    _p("k01", "markdown", "[klik](javascript:window.__xss_hit('ID'))"),
    _p("k02", "markdown", "![x](x\" onerror=\"window.__xss_hit('ID'))"),
    # Polyglots.
    _p(
        "y01",
        "polyglot",
        "jaVasCript:/*-/*`/*'/*\"/**/(/* */oNcliCk=__xss_hit('ID') )//</stYle/</titLe/</teXtarEa/</scRipt/--!><sVg/oNloAd=__xss_hit('ID')//>",  # noqa: E501
    ),
    _p(
        "y02",
        "polyglot",
        "\"'><img src=x onerror=__xss_hit('ID')>{{7*7}}</textarea></title></script>",
    ),
    _p("y03", "polyglot", "'\"--></style></script><svg/onload=alert(1)>"),
]

BY_ID = {payload.id: payload for payload in PAYLOADS}
