"""Dashboard tiles: each app registers a function (request, alliance) -> Tile | None in its ready()
(`register_tile`, an `alliances.registry.Registry` without keys)."""

from dataclasses import dataclass

from alliances.registry import Registry

tiles = Registry("alliances: dashboard tiles")


@dataclass
class Tile:
    title: str
    value: str
    url: str = ""
    note: str = ""


register_tile = tiles.register


def tiles_for(request, alliance) -> list[Tile]:
    return [tile for fn in tiles if (tile := fn(request, alliance)) is not None]
