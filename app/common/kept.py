"""Everything a process keeps between requests: named, bounded, counted stores in one registry.

A store declares what it holds, what it is keyed by, how it goes stale and how many entries it
may hold. Staleness is one of three kinds, or none:

- `Mark`: a value read once per request (the published curriculum's fingerprint, the
  directorate's change marks); when it moves, every entry kept under the old one is dropped;
- `TimeLimit`: an entry older than so many seconds is dropped when it is next asked for
  (0 keeps nothing: the store is off);
- `NEVER`: the key itself changes with what is kept (a file's hash), or the value is fixed
  until the process restarts.

A full store drops its least recently used entry, never all. Each store counts hits, misses,
evictions (dropped for room) and invalidations (dropped as stale); `/healthz?verbose` shows
them to an admin, and ARCHITECTURE.md's table lists every store (a test checks it).
The stores are shared by a worker's threads: each holds a lock around its ordered dict, never
while a value is being made.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

V = TypeVar("V")

#: Every store of this process, by name.
REGISTRY: dict[str, Store] = {}


@dataclass(frozen=True)
class Mark:
    """Stale when `read()` (cheap, read at most once per request) differs from the mark the entries were kept under."""

    describe: str
    read: Callable[[], Hashable]


@dataclass(frozen=True)
class TimeLimit:
    """Stale `seconds()` after an entry was made; `seconds()` of 0 keeps nothing."""

    describe: str
    seconds: Callable[[], float]


@dataclass(frozen=True)
class Never:
    """Never stale: the key changes with what is kept, or it stays until a restart."""

    describe: str = "never (the key changes with what is kept, or a restart)"


NEVER = Never()
_MISSING: Any = object()


class Store:
    """One kind of kept data: an ordered dict of at most `bound` entries, least recently used first."""

    def __init__(
        self,
        name: str,
        *,
        holds: str,
        keyed_by: str,
        stale: Iterable[Mark | TimeLimit | Never] = (NEVER,),
        bound: int,
        owner: str,
        pages: Iterable[str] = (),
        parts: Iterable[str] = (),
    ) -> None:
        if name in REGISTRY:
            raise ValueError(f"a kept store named {name!r} exists already")
        self.name, self.holds, self.keyed_by, self.bound, self.owner = name, holds, keyed_by, bound, owner
        self.stale = tuple(stale)
        self._marks = tuple(s for s in self.stale if isinstance(s, Mark))
        self._limit = next((s for s in self.stale if isinstance(s, TimeLimit)), None)
        self._plain = not self._marks and self._limit is None
        #: For a store of page shells: the pages, the same for every visitor, and the parts, one per value
        #: shown (a progress bar per count), it may hold; each is the first item of its keys.
        self.pages, self.parts = frozenset(pages), frozenset(parts)
        self.kinds = self.pages | self.parts
        self._entries: OrderedDict[Hashable, tuple[float, Any]] = OrderedDict()
        self._mark: Hashable = _MISSING
        self._lock = threading.Lock()
        self._making = threading.Lock()
        self.hits = self.misses = self.evictions = self.invalidations = 0
        REGISTRY[name] = self

    # Reading and keeping ------------------------------------------------------------------

    def _current_mark(self) -> Hashable:
        marks = self._marks
        if not marks:
            return None
        return marks[0].read() if len(marks) == 1 else tuple(mark.read() for mark in marks)

    def _seconds(self) -> float | None:
        return None if self._limit is None else self._limit.seconds()

    def get(self, key: Hashable, default: Any = None) -> Any:
        """The value kept under `key`, or `default` if there is none or it went stale."""
        seconds = self._seconds()
        if seconds == 0:
            return default
        mark = self._current_mark()
        with self._lock:
            found = self._find(key, mark, seconds)
        return default if found is _MISSING else found

    def _find(self, key: Hashable, mark: Hashable, seconds: float | None) -> Any:
        """Look up under the lock, dropping what the mark or the time limit makes stale."""
        self._adopt(mark)
        entry = self._entries.get(key)
        if entry is not None and seconds is not None and time.monotonic() - entry[0] >= seconds:
            del self._entries[key]
            self.invalidations += 1
            entry = None
        if entry is None:
            self.misses += 1
            return _MISSING
        self._entries.move_to_end(key)
        self.hits += 1
        return entry[1]

    def _adopt(self, mark: Hashable) -> None:
        """Under the lock: entries kept under another mark than `mark` are stale."""
        if mark != self._mark:
            self.invalidations += len(self._entries)
            self._entries.clear()
            self._mark = mark

    def put(self, key: Hashable, value: V, mark: Hashable = _MISSING) -> V:
        """Keep `value` under `key` (unless a time limit of 0 turns the store off), dropping the oldest if full."""
        if self._seconds() == 0:
            return value
        mark = self._current_mark() if mark is _MISSING else mark
        with self._lock:
            self._adopt(mark)
            self._entries[key] = (time.monotonic(), value)
            self._entries.move_to_end(key)
            while len(self._entries) > self.bound:
                self._entries.popitem(last=False)
                self.evictions += 1
        return value

    def get_or_make(self, key: Hashable, make: Callable[[], V], *, once: bool = False) -> V:
        """The value kept under `key`, made by `make()` on a miss (outside the lock: others read meanwhile).

        `once`: threads missing the same store at the same time wait for one of them to make it
        (for a value several statements long, such as the curriculum).
        """
        if self._plain:  # no mark, no time limit: the common case, made short
            with self._lock:
                entry = self._entries.get(key)
                if entry is not None and self._mark is None:
                    self._entries.move_to_end(key)
                    self.hits += 1
                    return entry[1]
        seconds = self._seconds()
        if seconds == 0:  # the store is off: nothing is kept, no mark is read
            self._declared(key)
            with self._lock:
                self.misses += 1
            return make()
        mark = self._current_mark()
        with self._lock:
            found = self._find(key, mark, seconds)
        if found is not _MISSING:
            return found
        self._declared(key)
        if not once:
            return self.put(key, make(), mark)
        with self._making:
            with self._lock:
                found = self._entries.get(key) if mark == self._mark else None
            if found is not None:  # made by the thread this one waited for
                return found[1]
            return self.put(key, make(), mark)

    def _declared(self, key: Hashable) -> bool:
        """A store of page shells holds only the pages it declares: the kept-page test renders each of them."""
        if self.kinds and (not isinstance(key, tuple) or key[0] not in self.kinds):
            raise LookupError(f"{key!r} is not a page the kept store {self.name!r} declares")
        return True

    def function(self, fn: Callable[..., V]) -> Callable[..., V]:
        """Decorate a function of hashable arguments: its results are kept here, by its name and arguments."""
        name = fn.__qualname__

        def kept(*args: Hashable) -> V:
            return self.get_or_make((name, *args), lambda: fn(*args))

        kept.__doc__, kept.__name__, kept.__qualname__, kept.__wrapped__ = fn.__doc__, fn.__name__, name, fn  # type: ignore[attr-defined]
        return kept

    # Seeing and emptying --------------------------------------------------------------------

    def clear(self) -> None:
        """Drop every entry (the counters stay)."""
        with self._lock:
            self._entries.clear()
            self._mark = _MISSING

    def items(self) -> list[tuple[Hashable, Any]]:
        """A copy of the kept entries, least recently used first (for tests)."""
        with self._lock:
            return [(key, value) for key, (_when, value) in self._entries.items()]

    def stats(self) -> dict[str, Any]:
        """What the store is and its counters, as /healthz?verbose shows them."""
        with self._lock:
            size = len(self._entries)
        return {
            "holds": self.holds,
            "owner": self.owner,
            "keyed_by": self.keyed_by,
            "stale_when": [s.describe for s in self.stale],
            "bound": self.bound,
            "size": size,
            "hits": self.hits,
            "misses": self.misses,
            "evictions": self.evictions,
            "invalidations": self.invalidations,
        }

    def __repr__(self) -> str:
        return f"<kept.Store {self.name!r}>"


def stats() -> dict[str, dict[str, Any]]:
    """Every store's description and counters, by name."""
    return {name: store.stats() for name, store in sorted(REGISTRY.items())}


def shell_stores() -> list[Store]:
    """The stores of page shells: those declaring the pages they hold."""
    return [store for store in REGISTRY.values() if store.kinds]


#: Values built once per process from code alone: SQL statements, parsers, the password list.
BUILT = Store(
    "built once",
    holds="SQL statements, parsers and lists made from code alone",
    keyed_by="the function that builds it and its arguments",
    stale=(Never("a restart (a release)"),),
    bound=256,
    owner="app/common/kept.py",
)


def once(fn: Callable[..., V]) -> Callable[..., V]:
    """A function whose result depends on code alone (a statement, a parser), made once per process and arguments."""
    return BUILT.function(fn)
