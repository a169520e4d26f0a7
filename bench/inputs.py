"""The benchmark's inputs: the example, with 250 and 2 500 participants (inline and XLSX), a batch.

Everything is derived from ``inputs/tbilisi-2018-migrant-integration.yaml``
and generated deterministically (a fixed random seed), so every run of the
benchmark measures the same documents.
"""

from __future__ import annotations

import json
import random
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "inputs" / "tbilisi-2018-migrant-integration.yaml"
BATCH_SIZE = 20

# Ten OSCE participating States, as in the example ("Experts from ten …"), with
# fictional given names and family names in the way a registration desk would
# write them (some Georgian, Armenian and Ukrainian names in their own script).
COUNTRIES: dict[str, tuple[list[str], list[str], list[str], list[str], str]] = {
    # country: (women's names, men's names, family names, names in own script, city)
    "Georgia": (
        ["Nino", "Tamar", "Ketevan", "Mariam", "Salome", "Ana"],
        ["Giorgi", "Levan", "Davit", "Irakli", "Zurab", "Nikoloz"],
        ["Beridze", "Kapanadze", "Gelashvili", "Lomidze", "Tsiklauri", "Abashidze"],
        ["ნინო ბერიძე", "გიორგი კაპანაძე", "თამარ ლომიძე", "ლევან წიკლაური"],
        "Tbilisi",
    ),
    "Armenia": (
        ["Anahit", "Lilit", "Mariam", "Armine"],
        ["Aram", "Tigran", "Hayk", "Vahan"],
        ["Petrosyan", "Hakobyan", "Sargsyan", "Grigoryan", "Harutyunyan"],
        ["Անահիտ Պետրոսյան", "Տիգրան Հակոբյան"],
        "Yerevan",
    ),
    "Portugal": (
        ["Ana", "Inês", "Marta", "Sofia"],
        ["João", "Miguel", "Rui", "Tiago"],
        ["Silva", "Santos", "Ferreira", "Pereira", "Costa", "Rodrigues"],
        [],
        "Lisbon",
    ),
    "Germany": (
        ["Anna", "Katrin", "Julia", "Sabine"],
        ["Jonas", "Markus", "Stefan", "Lukas"],
        ["Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Becker"],
        [],
        "Berlin",
    ),
    "Italy": (
        ["Giulia", "Chiara", "Francesca", "Elena"],
        ["Marco", "Luca", "Andrea", "Paolo"],
        ["Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano"],
        [],
        "Rome",
    ),
    "Sweden": (
        ["Elsa", "Maja", "Karin", "Ingrid"],
        ["Erik", "Lars", "Anders", "Johan"],
        ["Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson"],
        [],
        "Stockholm",
    ),
    "Ukraine": (
        ["Olena", "Iryna", "Natalia", "Oksana"],
        ["Andrii", "Oleksandr", "Taras", "Yurii"],
        ["Shevchenko", "Kovalenko", "Bondarenko", "Tkachenko", "Kravchenko"],
        ["Олена Шевченко", "Тарас Коваленко", "Ірина Бондаренко"],
        "Kyiv",
    ),
    "Moldova": (
        ["Elena", "Ana", "Cristina", "Irina"],
        ["Ion", "Vasile", "Mihai", "Andrei"],
        ["Rusu", "Ceban", "Ciobanu", "Munteanu", "Lungu"],
        [],
        "Chișinău",
    ),
    "Greece": (
        ["Maria", "Eleni", "Katerina", "Sofia"],
        ["Georgios", "Nikos", "Dimitris", "Kostas"],
        ["Papadopoulos", "Georgiou", "Oikonomou", "Dimitriou", "Nikolaou"],
        [],
        "Athens",
    ),
    "Austria": (
        ["Lisa", "Sarah", "Theresa", "Eva"],
        ["Florian", "Thomas", "Michael", "Paul"],
        ["Gruber", "Huber", "Wagner", "Pichler", "Steiner", "Moser"],
        [],
        "Vienna",
    ),
}
SECTORS = [
    "national and local authorities",
    "international organizations",
    "academia",
    "civil society organizations active in the field of migrant integration",
]
ORGANIZATIONS = {
    SECTORS[0]: [
        "Ministry of Internal Affairs",
        "Ministry of Labour and Social Affairs",
        "State Migration Service",
        "Municipality of {city}",
        "Office of the Ombudsperson",
    ],
    SECTORS[1]: [
        "International Organization for Migration (IOM), {city} office",
        "UNHCR Representation in {country}",
        "Council of Europe",
        "OSCE Mission",
    ],
    SECTORS[2]: [
        "{city} State University",
        "Institute for Migration Research",
        "Centre for Social Policy Studies",
    ],
    SECTORS[3]: [
        "Refugee Council of {country}",
        "Migrant Support Network",
        "Association of Migrant Women",
        "Legal Aid for Migrants",
    ],
}
ROLES = ["Participant"] * 14 + ["Speaker", "Moderator", "Rapporteur", "Observer"]


@dataclass(frozen=True)
class Inputs:
    """Paths of the generated inputs."""

    small: Path
    medium: Path
    large: Path
    batch: Path  # a folder of BATCH_SIZE inputs
    large_xlsx: Path  # ``large`` with its persons in an XLSX participants.list_file

    @property
    def sized(self) -> dict[str, Path]:
        return {"small": self.small, "medium": self.medium, "large": self.large}


def people(count: int, seed: int = 2018) -> list[dict[str, str]]:
    """``count`` fictional participants, the same ones for the same seed."""
    rng = random.Random(seed)  # noqa: S311 (fictional names, not secrets)
    out = []
    countries = list(COUNTRIES)
    for _ in range(count):
        country = rng.choice(countries)
        women, men, families, native, city = COUNTRIES[country]
        gender = rng.choices(["woman", "man", "undisclosed"], weights=[62, 36, 2])[0]
        if native and rng.random() < 0.25:
            name = rng.choice(native)
        else:
            given = rng.choice(
                women if gender == "woman" else men if gender == "man" else women + men
            )
            name = f"{given} {rng.choice(families)}"
        sector = rng.choice(SECTORS)
        organization = rng.choice(ORGANIZATIONS[sector]).format(city=city, country=country)
        out.append(
            {
                "name": name,
                "role": rng.choice(ROLES),
                "organization": organization,
                "country": country,
                "sector": sector,
                "gender": gender,
            }
        )
    return out


def with_participants(text: str, count: int) -> str:
    """The example with its head counts replaced by a published list of ``count`` people.

    The counts are derived from the list (input-format.md: they must agree
    with it or be omitted), so ``women``/``men`` are dropped.
    """
    lines = [
        "participants:",
        "  states: 10",
        "  state_label: OSCE participating States",
        "  sectors:",
    ]
    lines += [f"    - {sector}" for sector in SECTORS]
    lines.append("  publish_list: true")
    lines.append("  list:")
    for person in people(count):
        lines.append(f"    - name: {json.dumps(person['name'], ensure_ascii=False)}")
        for key in ("role", "organization", "country", "sector", "gender"):
            lines.append(f"      {key}: {json.dumps(person[key], ensure_ascii=False)}")
    block = "\n".join(lines) + "\n\n"
    new, replaced = re.subn(r"(?ms)^participants:\n.*?(?=^topics:)", lambda _: block, text)
    if replaced != 1:
        raise SystemExit(f"{EXAMPLE}: no participants block found to replace")
    return new


REGISTRATION_HEADERS = ["No.", "Full name", "Function", "Organisation", "Country", "Sector", "Sex"]


def write_registrations(path: Path, count: int) -> None:
    """``count`` participants as a registration export: title row, own headers, F/M/X."""
    from openpyxl import Workbook

    book = Workbook()  # not write-only: that mode leaves out the sheet's <dimension>
    sheet = book.active
    sheet.title = "Participants"
    sheet.append(["Expert Workshop on Migrant Integration Practices — registrations"])
    sheet.append([])
    sheet.append(REGISTRATION_HEADERS)
    sex = {"woman": "F", "man": "M", "undisclosed": "X"}
    seen: dict[tuple[str, str], int] = {}
    for number, person in enumerate(people(count), 1):
        # reportgen refuses a person listed twice: namesakes get a second initial.
        key = (person["name"], person["organization"])
        seen[key] = seen.get(key, 0) + 1
        name = person["name"] + (f" {chr(64 + seen[key])}." if seen[key] > 1 else "")
        sheet.append(
            [
                number,
                name,
                person["role"],
                person["organization"],
                person["country"],
                person["sector"],
                sex[person["gender"]],
            ]
        )
    book.save(path)


def with_participant_file(text: str, spreadsheet: str) -> str:
    """The example with its head counts replaced by a published list read from ``spreadsheet``."""
    lines = [
        "participants:",
        "  states: 10",
        "  state_label: OSCE participating States",
        "  publish_list: true",
        f"  list_file: {spreadsheet}",
        "  gender_values: {F: woman, M: man, X: undisclosed}",
    ]
    block = "\n".join(lines) + "\n\n"
    new, replaced = re.subn(r"(?ms)^participants:\n.*?(?=^topics:)", lambda _: block, text)
    if replaced != 1:
        raise SystemExit(f"{EXAMPLE}: no participants block found to replace")
    return new


def batch_variant(text: str, index: int) -> str:
    """One report of a season: the example held in another city, with its own title."""
    country = list(COUNTRIES)[index % len(COUNTRIES)]
    city = COUNTRIES[country][4]
    text = text.replace("  city: Tbilisi\n", f"  city: {json.dumps(city, ensure_ascii=False)}\n")
    text = text.replace("  country: Georgia\n", f"  country: {country}\n")
    return text.replace(
        "title: Expert Workshop on Migrant Integration Practices",
        f"title: Expert Workshop on Migrant Integration Practices ({index + 1})",
    )


def generate(folder: Path, batch_size: int = BATCH_SIZE) -> Inputs:
    """Write every input into ``folder`` (replacing what an earlier run left there)."""
    if folder.exists():
        shutil.rmtree(folder)
    (folder / "batch").mkdir(parents=True)
    text = EXAMPLE.read_text(encoding="utf-8")
    small = folder / EXAMPLE.name
    small.write_text(text, encoding="utf-8")
    medium = folder / "tbilisi-250-participants.yaml"
    medium.write_text(with_participants(text, 250), encoding="utf-8")
    large = folder / "tbilisi-2500-participants.yaml"
    large.write_text(with_participants(text, 2500), encoding="utf-8")
    write_registrations(folder / "tbilisi-2500-registrations.xlsx", 2500)
    large_xlsx = folder / "tbilisi-2500-participants-xlsx.yaml"
    large_xlsx.write_text(
        with_participant_file(text, "tbilisi-2500-registrations.xlsx"), encoding="utf-8"
    )
    for index in range(batch_size):
        country = list(COUNTRIES)[index % len(COUNTRIES)]
        stem = f"season-{index + 1:02d}-{country.lower()}"
        (folder / "batch" / f"{stem}.yaml").write_text(batch_variant(text, index), encoding="utf-8")
    return Inputs(small, medium, large, folder / "batch", large_xlsx)


if __name__ == "__main__":
    import sys

    target = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "bench" / "results" / "inputs"
    made = generate(target)
    print("\n".join(str(p) for p in (made.small, made.medium, made.large, made.batch)))
