"""makemessages that also finds texts marked with `_g`, the name under which modules import
`gettext` beside `gettext_lazy as _`."""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    xgettext_options = [*makemessages.Command.xgettext_options, "--keyword=_g"]
