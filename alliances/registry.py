"""The one mechanism by which app A reacts when app B decides (see docs/architecture.md, "Outcomes").

The deciding app owns a `Registry` and calls its handlers; reacting apps register theirs in their
`ready()`. Handlers run in registration order (INSTALLED_APPS order, then `ready()` order), inside
the caller's transaction, and an exception propagates to the caller (which rolls back).

    motion_decided = Registry("motion decided")          # in the deciding app
    motion_decided.register(on_admission, "admission")   # in the reacting app's ready()
    for handler in motion_decided.handlers("admission"): handler(motion)

Keys are optional: a registry whose handlers all answer the same question uses none.
"""


class Registry:
    def __init__(self, name: str):
        self.name = name
        self._entries: list[tuple[str | None, object]] = []

    def __repr__(self):
        return f"<Registry {self.name}: {len(self._entries)} handlers>"

    def register(self, fn, key: str | None = None):
        """Add `fn` under `key` (once: registering the same pair again changes nothing); returns `fn`."""
        if (key, fn) not in self._entries:
            self._entries.append((key, fn))
        return fn

    def on(self, key: str):
        """Decorator form of `register(fn, key)`."""
        return lambda fn: self.register(fn, key)

    def unregister(self, fn, key: str | None = None) -> None:
        self._entries.remove((key, fn))

    def handlers(self, key: str | None = None) -> list:
        """The handlers registered under `key`, in registration order."""
        return [fn for k, fn in self._entries if k == key]

    def keys(self) -> list:
        """The keys that have at least one handler, in order of first registration."""
        return list(dict.fromkeys(k for k, _fn in self._entries))

    def __iter__(self):
        """Every handler, whatever its key, in registration order."""
        return iter([fn for _k, fn in self._entries])
