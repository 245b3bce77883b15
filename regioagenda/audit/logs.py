"""A logging filter that keeps secrets out of every log line, whichever library writes it."""

import logging
import re

REDACTED = "[verborgen]"

_PATTERNS = [
    # Header lines and their WSGI names: Authorization: …, HTTP_COOKIE': '…'
    re.compile(
        r"(?i)((?:proxy-)?authorization|cookie|set-cookie|x-api-key|HTTP_AUTHORIZATION|HTTP_COOKIE)"
        r"(['\"]?\s*[:=]\s*['\"]?)([^'\"\r\n]+)"
    ),
    re.compile(r"(?i)\b(bearer|token)(\s+)([A-Za-z0-9._~+/=-]{16,})"),
    # password=…, "password": "…", csrfmiddlewaretoken=…, sessionid=…
    re.compile(
        r"(?i)([\w-]*(?:password|passwd|secret|sessionid|csrftoken|csrfmiddlewaretoken)[\w-]*)"
        r"(['\"]?\s*[:=]\s*['\"]?)([^'\"&\s,;}]+)"
    ),
]


def redact(text: str) -> str:
    for pattern in _PATTERNS:
        text = pattern.sub(lambda match: f"{match[1]}{match[2]}{REDACTED}", text)
    return text


class RedactSecrets(logging.Filter):
    """Replace header values, bearer keys and password-like fields by a placeholder.

    Attach it to handlers (settings.LOGGING): a handler's filter sees every record that reaches
    it, a logger's only those logged on that logger itself.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True
