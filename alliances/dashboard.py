"""Dashboard tiles: each app registers a function (request, alliance) -> Tile | None in its ready()."""

from dataclasses import dataclass

_tiles = []


@dataclass
class Tile:
    title: str
    value: str
    url: str = ""
    note: str = ""


def register_tile(fn):
    _tiles.append(fn)
    return fn


def tiles_for(request, alliance) -> list[Tile]:
    return [tile for fn in _tiles if (tile := fn(request, alliance)) is not None]
