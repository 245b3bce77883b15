"""A progress bar for the import commands: one line redrawn on a terminal, plain lines elsewhere."""

from django.core.management.base import OutputWrapper

BAR_WIDTH = 30


class ProgressBar:
    """Call with (done, total); total None while the size is not yet known."""

    def __init__(self, out: OutputWrapper, label: str, *, enabled: bool = True) -> None:
        self.out = out
        self.label = label
        self.enabled = enabled
        self.tty = out.isatty()
        self.drawn = False
        self.last_tenth = -1
        self.last_count = 0

    def __call__(self, done: int, total: int | None) -> None:
        if not self.enabled:
            return
        if self.tty:
            self._draw(done, total)
        elif total:
            # Plain output (a log, a pipe): a line at every tenth.
            tenth = done * 10 // total
            if tenth != self.last_tenth:
                self.last_tenth = tenth
                self.out.write(f"{self.label}: {done * 100 // total}% ({done}/{total})")
        elif done - self.last_count >= 10_000 or not self.last_count:
            self.last_count = done
            self.out.write(f"{self.label}: {done} gelezen")

    def _draw(self, done: int, total: int | None) -> None:
        if total:
            filled = BAR_WIDTH * done // total
            bar = "█" * filled + "░" * (BAR_WIDTH - filled)
            text = f"\r{self.label}: {bar} {done * 100 // total:3d}% ({done}/{total})"
        else:
            text = f"\r{self.label}: {done} gelezen"
        self.out.write(text, ending="")
        self.out.flush()
        self.drawn = True

    def finish(self) -> None:
        """End the redrawn line, so that what follows starts on a line of its own."""
        if self.drawn:
            self.out.write("")
            self.drawn = False
