"""ecsim's exception for bad input, raised by the native module with the library's fields."""

from __future__ import annotations

from typing import Optional


class ScenarioError(ValueError):
    """A scenario (file, TOML text, dict or ``set=`` override) is not valid.

    ``str(error)`` is the message ``ecsim`` prints on the command line, e.g.
    ``scenarios/x.toml:12:1: field `services.web.desiredCount`: ... (allowed: ...)``.

    Attributes:
        file: the scenario file, or the name given to a string or dict (``<string>``,
            ``<dict>``).
        line, column: 1-based position in the file or string; None when the field is not
            written there (a missing field, an override, a scenario given as a dict).
        field: dotted path of the field at fault (``services.web.desiredCount``), or ""
            when the problem is the file as a whole.
        allowed: what the field accepts, when there is a short answer; else None.
    """

    def __init__(
        self,
        message: str,
        file: str,
        line: Optional[int] = None,
        column: Optional[int] = None,
        field: str = "",
        allowed: Optional[str] = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.file = file
        self.line = line
        self.column = column
        self.field = field
        self.allowed = allowed

    def __reduce__(self):  # picklable, e.g. across multiprocessing
        return (type(self), (self.message, self.file, self.line, self.column, self.field, self.allowed))
