"""The catalogue of facts: what each fact is, how it reads, and where a case gets it. Data, one home.

``apps/rubric/catalogue.json`` holds it; a rubric version may add facts of its own (its
``facts`` list, same shape), for a fact that is new in that version. Every page, form, serializer and
sentence that names a fact reads its wording here, so a label changes in one place.

A fact::

    {"code": "experience_years", "type": "decimal", "unit": "year", "min": 0, "max": 60, "default": 0,
     "label": {"en": ..., "ko": ...}, "question": {...}, "help": {...},
     "phrase": {"en": "Relevant work experience of {value}", "ko": "관련 경력 {value}"},
     "source": "asked", "derivation": "profile.experience_years", "verified": false, "changeable": true}

Types: ``integer``, ``decimal``, ``money`` (whole units of its ``currency``), ``yes_no``, ``choice``
(one of its ``options``), ``rank`` (a place in a reference list; absent = not listed) and ``code``
(a code from a reference list, e.g. a field or a programme; absent = none).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from apps.rubric.language import reading as r
from apps.rubric.language.reading import ConfigError

FACT_TYPES: tuple[str, ...] = ("integer", "decimal", "money", "yes_no", "choice", "rank", "code")
NUMERIC_TYPES: frozenset[str] = frozenset({"integer", "decimal", "money", "rank"})
# Where a case gets a fact (policy.md section 5's roles): asked in the self-assessment and the
# application; derived from the application's profile by a named derivation in code; the confirmed
# sponsorship; a verified SME claim; a roster match; a reviewer's assessment.
SOURCES: tuple[str, ...] = ("asked", "derived", "sponsorship", "sme_claim", "roster", "assessed")
CATALOGUE_FILE = Path(__file__).resolve().parent.parent / "catalogue.json"


@dataclass(frozen=True, slots=True)
class Localised:
    en: str
    ko: str

    def get(self, language: str | None) -> str:
        return self.ko if (language or "").startswith("ko") else self.en

    @classmethod
    def read(cls, value: Any, path: str, placeholders: tuple[str, ...] | None = None) -> Localised:
        item = r.localised(value, path, placeholders=placeholders)
        return cls(item["en"], item["ko"])

    def as_dict(self) -> dict[str, str]:
        return {"en": self.en, "ko": self.ko}


@dataclass(frozen=True, slots=True)
class Unit:
    """How a count reads: English "one"/"other" forms, Korean "other"; ``{n}`` is the number."""

    code: str
    forms: Mapping[str, Mapping[str, str]]  # language -> plural category -> template
    # How a threshold reads ("2 or more" rather than "2 publications or more"); default: ``forms``.
    short: Mapping[str, Mapping[str, str]] | None = None
    # How a rating on a scale reads ("4 of 5"; {n} and {of}), per language.
    scale: Localised | None = None

    def format(self, number_text: str, language: str | None, *, short: bool = False) -> str:
        korean = (language or "").startswith("ko")
        table = self.short if short and self.short is not None else self.forms
        forms = table["ko" if korean else "en"]
        category = "one" if not korean and number_text == "1" and "one" in forms else "other"
        return forms[category].replace("{n}", number_text)


@dataclass(frozen=True, slots=True)
class Option:
    code: str
    label: Localised  # on a form: "Doctorate (PhD)"
    name: Localised  # inside a sentence: "doctorate"


@dataclass(frozen=True, slots=True)
class FactDef:
    code: str
    type: str
    label: Localised
    question: Localised
    phrase: Localised  # how a value reads in a sentence; {value} is the value in words
    source: str
    verified: bool
    help: Localised | None = None
    phrase_no: Localised | None = None  # yes/no facts: how "no" reads
    phrase_unset: Localised | None = None  # rank and code facts: how "not listed" / "none" reads
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    unit: str | None = None
    currency: str | None = None
    options: tuple[Option, ...] = ()
    reference: str | None = None  # reference list of a rank or code fact
    derivation: str | None = None
    changeable: bool = True  # False: no "next step" is offered (an age cannot be raised)
    default: Any = None  # the value when a profile leaves the fact out
    # Where forms ask it (one of SECTIONS; a fact without one is asked under "more").
    section: str = "more"
    required: bool = False  # the self-assessment API requires an answer (no default is assumed)
    scale_words: tuple[Localised, Localised] | None = None  # a rating's ends: "not related", "at the core"
    at_most: str | None = None  # another numeric fact this one cannot exceed ("of those, years at ...")

    @property
    def numeric(self) -> bool:
        return self.type in NUMERIC_TYPES

    def option_codes(self) -> tuple[str, ...]:
        return tuple(o.code for o in self.options)

    def option_label(self, code: str, language: str | None) -> str:
        option = next((o for o in self.options if o.code == code), None)
        return option.label.get(language) if option else code

    def option_name(self, code: str, language: str | None) -> str:
        option = next((o for o in self.options if o.code == code), None)
        return option.name.get(language) if option else code


@dataclass(frozen=True, slots=True)
class ReferenceQuantity:
    """A dated quantity thresholds may be multiples of (per-capita GNI of a year)."""

    code: str
    currency: str
    label: Localised


@dataclass(frozen=True, slots=True)
class Catalogue:
    facts: Mapping[str, FactDef]
    units: Mapping[str, Unit]
    currencies: Mapping[str, Localised]  # "{n} KRW" / "{n}원"
    quantities: Mapping[str, ReferenceQuantity]
    lists: Mapping[str, Localised]  # reference lists a condition may test membership of
    documents: Mapping[str, Localised] = field(default_factory=dict)

    def fact(self, code: str) -> FactDef:
        return self.facts[code]

    def extended(self, facts: tuple[FactDef, ...]) -> Catalogue:
        """This catalogue with a version's own facts added (a version may not redefine one)."""
        if not facts:
            return self
        merged = dict(self.facts)
        merged.update({f.code: f for f in facts})
        return Catalogue(merged, self.units, self.currencies, self.quantities, self.lists, self.documents)


# --------------------------------------------------------------------------------------------------
# Reading


_FACT_KEYS_REQUIRED = ("code", "type", "label", "question", "phrase", "source", "verified")
_FACT_KEYS_OPTIONAL = (
    "help",
    "phrase_no",
    "phrase_unset",
    "min",
    "max",
    "unit",
    "currency",
    "options",
    "reference",
    "derivation",
    "changeable",
    "default",
    "section",
    "required",
    "scale_words",
    "at_most",
)
# The parts of a form a fact may be asked in, in the order forms show them.
SECTIONS: tuple[str, ...] = ("education", "experience", "job_offer", "programme", "more")


def read_fact(
    value: Any,
    path: str,
    *,
    units: Mapping[str, Unit],
    currencies: Mapping[str, Any],
    lists: Mapping[str, Any],
) -> FactDef:
    item = r.obj(value, path, _FACT_KEYS_REQUIRED, _FACT_KEYS_OPTIONAL)
    code = r.code(item["code"], r.join(path, "code"))
    kind = r.choice(item["type"], r.join(path, "type"), FACT_TYPES)
    phrase_fields = ("value",)
    fact: dict[str, Any] = {
        "code": code,
        "type": kind,
        "label": Localised.read(item["label"], r.join(path, "label"), ()),
        "question": Localised.read(item["question"], r.join(path, "question"), ()),
        "phrase": Localised.read(item["phrase"], r.join(path, "phrase"), phrase_fields),
        "source": r.choice(item["source"], r.join(path, "source"), SOURCES),
        "verified": r.boolean(item["verified"], r.join(path, "verified")),
    }
    if "help" in item:
        fact["help"] = Localised.read(item["help"], r.join(path, "help"), ())
    if "phrase_no" in item:
        if kind != "yes_no":
            raise ConfigError(r.join(path, "phrase_no"), "is only for yes_no facts")
        fact["phrase_no"] = Localised.read(item["phrase_no"], r.join(path, "phrase_no"), ())
    if "phrase_unset" in item:
        if kind not in ("rank", "code"):
            raise ConfigError(r.join(path, "phrase_unset"), "is only for rank and code facts")
        fact["phrase_unset"] = Localised.read(item["phrase_unset"], r.join(path, "phrase_unset"), ())
    if "derivation" in item:
        fact["derivation"] = r.text(item["derivation"], r.join(path, "derivation"))
    elif fact["source"] == "derived":
        raise ConfigError(r.join(path, "derivation"), "is required for a derived fact (the named derivation)")
    if "changeable" in item:
        fact["changeable"] = r.boolean(item["changeable"], r.join(path, "changeable"))
    for bound in ("min", "max"):
        if bound in item:
            if kind not in NUMERIC_TYPES:
                raise ConfigError(r.join(path, bound), f"is only for numeric facts, not {kind}")
            fact["minimum" if bound == "min" else "maximum"] = r.number(
                item[bound], r.join(path, bound), integral=kind != "decimal"
            )
    if (
        fact.get("minimum") is not None
        and fact.get("maximum") is not None
        and fact["minimum"] > fact["maximum"]
    ):
        raise ConfigError(r.join(path, "max"), "must not be below min")
    if "unit" in item:
        if kind not in ("integer", "decimal"):
            raise ConfigError(r.join(path, "unit"), "is only for integer and decimal facts")
        fact["unit"] = r.choice(item["unit"], r.join(path, "unit"), tuple(units))
    if kind == "money":
        if "currency" not in item:
            raise ConfigError(r.join(path, "currency"), "is required for a money fact")
        fact["currency"] = r.choice(item["currency"], r.join(path, "currency"), tuple(currencies))
    elif "currency" in item:
        raise ConfigError(r.join(path, "currency"), "is only for money facts")
    if kind == "choice":
        options_path = r.join(path, "options")
        raw_options = r.listed(item.get("options"), options_path, allow_empty=False)
        options: list[Option] = []
        for index, raw in enumerate(raw_options):
            option_path = r.join(options_path, index)
            option = r.obj(raw, option_path, ("code", "label"), ("name",))
            option_code = r.code(option["code"], r.join(option_path, "code"))
            if any(o.code == option_code for o in options):
                raise ConfigError(r.join(option_path, "code"), f"option {option_code} is listed twice")
            label = Localised.read(option["label"], r.join(option_path, "label"), ())
            name = (
                Localised.read(option["name"], r.join(option_path, "name"), ()) if "name" in option else label
            )
            options.append(Option(option_code, label, name))
        fact["options"] = tuple(options)
    elif "options" in item:
        raise ConfigError(r.join(path, "options"), "is only for choice facts")
    if kind in ("rank", "code"):
        if "reference" not in item:
            raise ConfigError(
                r.join(path, "reference"), f"is required for a {kind} fact (its reference list)"
            )
        fact["reference"] = r.choice(item["reference"], r.join(path, "reference"), tuple(lists))
    elif "reference" in item:
        raise ConfigError(r.join(path, "reference"), "is only for rank and code facts")
    if "default" in item:
        fact["default"] = coerce_value(_partial(fact), item["default"], r.join(path, "default"))
    if "section" in item:
        fact["section"] = r.choice(item["section"], r.join(path, "section"), SECTIONS)
    if "required" in item:
        fact["required"] = r.boolean(item["required"], r.join(path, "required"))
    if "at_most" in item:
        if kind not in NUMERIC_TYPES:
            raise ConfigError(r.join(path, "at_most"), "is only for numeric facts")
        fact["at_most"] = r.code(item["at_most"], r.join(path, "at_most"))
    if "scale_words" in item:
        words_path = r.join(path, "scale_words")
        if kind != "integer" or fact.get("maximum") is None:
            raise ConfigError(words_path, "is only for integer facts with a max (a rating)")
        words = r.obj(item["scale_words"], words_path, ("low", "high"))
        fact["scale_words"] = (
            Localised.read(words["low"], r.join(words_path, "low"), ()),
            Localised.read(words["high"], r.join(words_path, "high"), ()),
        )
    return FactDef(**fact)


def _partial(fact: dict[str, Any]) -> FactDef:
    """A FactDef from what is read so far (for checking the default against type and bounds)."""
    return FactDef(**fact)


def coerce_value(fact: FactDef, value: Any, path: str) -> Any:
    """A JSON value as the fact's Python value, checked against its type and bounds.

    integer/money/rank -> int, decimal -> Decimal, yes_no -> bool, choice/code -> str; ``None`` is
    allowed for rank (not listed) and code (none) facts.
    """
    kind = fact.type
    if value is None:
        if kind in ("rank", "code"):
            return None
        raise ConfigError(path, "must not be empty")
    if kind == "yes_no":
        return r.boolean(value, path)
    if kind == "choice":
        return r.choice(value, path, fact.option_codes())
    if kind == "code":
        return r.text(value, path)
    number = r.number(value, path, integral=kind != "decimal")
    if fact.minimum is not None and number < fact.minimum:
        raise ConfigError(path, f"must be at least {fact.minimum}")
    if fact.maximum is not None and number > fact.maximum:
        raise ConfigError(path, f"must be at most {fact.maximum}")
    if kind == "rank" and number < 1:
        raise ConfigError(path, "must be at least 1 (a place in a list)")
    return number if kind == "decimal" else int(number)


def _read_units(value: Any) -> dict[str, Unit]:
    units: dict[str, Unit] = {}
    for name, raw in r.mapping(value, "units").items():
        path = r.join("units", name)
        item = r.obj(raw, path, r.LANGUAGES, ("short", "scale"))
        forms = _read_forms(item, path)
        short = (
            _read_forms(r.obj(item["short"], r.join(path, "short"), r.LANGUAGES), r.join(path, "short"))
            if "short" in item
            else None
        )
        scale = Localised.read(item["scale"], r.join(path, "scale"), ("n", "of")) if "scale" in item else None
        units[name] = Unit(name, forms, short, scale)
    return units


def _read_forms(item: Mapping[str, Any], path: str) -> dict[str, dict[str, str]]:
    forms: dict[str, dict[str, str]] = {}
    for language in r.LANGUAGES:
        lang_path = r.join(path, language)
        lang = r.obj(item[language], lang_path, ("other",), ("one",))
        forms[language] = {
            k: _with_n(r.text(v, r.join(lang_path, k)), r.join(lang_path, k)) for k, v in lang.items()
        }
    return forms


def _with_n(template: str, path: str) -> str:
    if "{n}" not in template:
        raise ConfigError(path, "must contain {n} (where the number goes)")
    return template


def read_catalogue(data: Any) -> Catalogue:
    item = r.obj(
        data, "", ("facts", "units", "currencies", "reference_quantities", "reference_lists"), ("documents",)
    )
    units = _read_units(item["units"])
    currencies = {
        name: Localised.read(raw, r.join("currencies", name), ("n",))
        for name, raw in r.mapping(item["currencies"], "currencies").items()
    }
    quantities: dict[str, ReferenceQuantity] = {}
    for name, raw in r.mapping(item["reference_quantities"], "reference_quantities").items():
        path = r.join("reference_quantities", name)
        q = r.obj(raw, path, ("currency", "label"), ("dated_by",))
        quantities[name] = ReferenceQuantity(
            name,
            r.choice(q["currency"], r.join(path, "currency"), tuple(currencies)),
            Localised.read(q["label"], r.join(path, "label"), ()),
        )
    lists = {
        name: Localised.read(
            r.obj(raw, r.join("reference_lists", name), ("label",))["label"],
            r.join(r.join("reference_lists", name), "label"),
            (),
        )
        for name, raw in r.mapping(item["reference_lists"], "reference_lists").items()
    }
    documents: dict[str, Localised] = {}
    for index, raw in enumerate(r.listed(item.get("documents", []), "documents")):
        path = r.join("documents", index)
        doc = r.obj(raw, path, ("code", "label"))
        documents[r.code(doc["code"], r.join(path, "code"))] = Localised.read(
            doc["label"], r.join(path, "label"), ()
        )
    facts: dict[str, FactDef] = {}
    for index, raw in enumerate(r.listed(item["facts"], "facts", allow_empty=False)):
        fact = read_fact(raw, r.join("facts", index), units=units, currencies=currencies, lists=lists)
        if fact.code in facts:
            raise ConfigError(r.join(r.join("facts", index), "code"), f"fact {fact.code} is listed twice")
        facts[fact.code] = fact
    for index, fact in enumerate(facts.values()):
        other = facts.get(fact.at_most or "")
        if fact.at_most and (other is None or not other.numeric):
            raise ConfigError(
                r.join(r.join("facts", index), "at_most"), f"must name a numeric fact, not {fact.at_most!r}"
            )
    return Catalogue(facts, units, currencies, quantities, lists, documents)


@cache
def default_catalogue() -> Catalogue:
    """The shipped catalogue, read once per process."""
    return read_catalogue(json.loads(CATALOGUE_FILE.read_text(encoding="utf-8")))
