"""Progress of a build: page outcomes (built, failed, skipped) into a progress bar on a terminal
(tqdm: pages done / total, rate, time left) or, when the output is not a terminal (CI, a log
file), into plain lines every 10% and at least every 30 seconds. Failures are printed as they
happen, with the page and the reason, in both cases.
"""

from __future__ import annotations

import sys
import time
from typing import Never, TextIO

from tqdm import tqdm

from infographics.edition.outcome import Failed, Outcome, Skipped
from infographics.numbers import integer


def _duration(seconds: float) -> str:
    seconds = int(round(seconds))
    return f"{seconds // 60}:{seconds % 60:02d}"


class Progress:
    """Call with every outcome; `close()` at the end."""

    def __init__(self, total: int, stream: TextIO | None = None, bar: bool | None = None,
                 every: float = 30.0) -> None:
        self.total, self.done, self.failed, self.skipped = total, 0, 0, 0
        self.stream = stream or sys.stderr
        self.started = time.perf_counter()
        self.every = every
        self._next_share, self._last_line = 0.1, self.started
        if bar is None:
            bar = bool(getattr(self.stream, "isatty", lambda: False)())
        self._bar: tqdm[Never] | None = None
        if bar:
            self._bar = tqdm(total=total, file=self.stream, unit=" pagina's", unit_scale=False,
                             dynamic_ncols=True, smoothing=0.1,
                             bar_format="{l_bar}{bar}| {n_fmt}/{total_fmt} "
                                        "[{elapsed}, nog {remaining}{postfix}]")

    def __call__(self, item: Outcome) -> None:
        self.done += 1
        if isinstance(item, Failed):
            self.failed += 1
            self._write(f"MISLUKT {item.job.path}: {item.reason}")
        elif isinstance(item, Skipped):
            self.skipped += 1
        if self._bar is not None:  # the rate with a decimal comma, like the plain lines
            self._bar.set_postfix_str(f"{self._rate():.1f} per s".replace(".", ","),
                                      refresh=False)
            self._bar.update(1)
            return
        now = time.perf_counter()
        if (self.done / max(self.total, 1) >= self._next_share or self.done == self.total
                or now - self._last_line >= self.every):
            while self._next_share <= self.done / max(self.total, 1):
                self._next_share += 0.1
            self._last_line = now
            self.stream.write(self.line(now) + "\n")
            self.stream.flush()

    def summary(self) -> str:
        """'520 gebouwd, 0 mislukt, 12 overgeslagen' of the pages done so far."""
        built = self.done - self.failed - self.skipped
        return (f"{integer(built)} gebouwd, {integer(self.failed)} mislukt, "
                f"{integer(self.skipped)} overgeslagen")

    def line(self, now: float | None = None) -> str:
        """'520/1.032 pagina's (50%), 48,1 per s, nog 0:11'."""
        rate = self._rate(now)
        left = (self.total - self.done) / rate if rate else 0.0
        share = round(100 * self.done / max(self.total, 1))
        rate_text = f"{rate:.1f}".replace(".", ",")
        return (f"{integer(self.done)}/{integer(self.total)} pagina's ({share}%), "
                f"{rate_text} per s, nog {_duration(left)}")

    def _rate(self, now: float | None = None) -> float:
        elapsed = (now or time.perf_counter()) - self.started
        return self.done / elapsed if elapsed > 0 else 0.0

    def _write(self, text: str) -> None:
        if self._bar is not None:
            self._bar.write(text, file=self.stream)
        else:
            self.stream.write(text + "\n")
            self.stream.flush()

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
