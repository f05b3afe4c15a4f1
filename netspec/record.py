"""`Record`: the value semantics of a dataclass for small classes, at no cost at import.

`@dataclass` writes a class's methods as source and compiles them when the module is imported:
about 1 ms a class, and the two dozen records that `netspec check` uses cost it more time than
the check itself. A `Record` subclass lists its fields in `__slots__` (in the order of its
`__init__` parameters) and writes a plain `__init__`; equality, hashing, `repr` and `replace` come
from here and behave as a frozen dataclass's do. Records are never assigned to after `__init__`,
except the mutable ones (the checker's results), which set `__hash__ = None` as a dataclass would.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (~2 ms of every start)
if TYPE_CHECKING:
    from typing import Any


class Record:
    __slots__ = ()
    _fields: tuple[str, ...] = ()  # a subclass's `__slots__` unless it sets its own

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "_fields" not in cls.__dict__:
            cls._fields = tuple(cls.__dict__.get("__slots__", ()))

    def _values(self) -> tuple:
        return tuple([getattr(self, name) for name in self._fields])

    def __eq__(self, other: object) -> bool:
        if other.__class__ is self.__class__:
            return self._values() == other._values()
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._values())

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._fields)
        return f"{type(self).__qualname__}({fields})"

    def replace(self, **changes: Any):
        """A copy with some fields changed, like `dataclasses.replace`."""
        values = {name: getattr(self, name) for name in self._fields}
        values.update(changes)
        return type(self)(**values)
