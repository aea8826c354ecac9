"""Country names, capitals and demonyms used to correct the teacher's GPE/NORP errors.

The teacher (spaCy 2 sm) confuses e.g. capitals with PERSON and country names with ORG.
countries.json has one demonym per country and lacks common news forms (no bare "Turkey",
no "Azeri"), so a short supplementary list is added here. Names that are also common
person names or words are left out: the gazetteer should only fix unambiguous cases.
"""

from __future__ import annotations

import json

from training.corpora import CORPORA

EXTRA_PLACES = (
    "Turkey", "Britain", "Great Britain", "England", "Scotland", "Wales", "Northern Ireland",
    "U.S.", "U.S.A.", "United States", "America", "U.K.", "Soviet Union", "USSR", "U.S.S.R.",
    "West Germany", "East Germany", "Holland", "Burma", "Ivory Coast", "Taiwan", "Hong Kong",
    "Czechoslovakia", "Yugoslavia", "Zaire", "Russia", "South Korea", "North Korea", "Iran",
    "Syria", "Vietnam", "Laos", "Bolivia", "Venezuela", "Tanzania", "Moldova", "Macedonia",
    "Washington", "Peking", "Bonn", "Bombay", "Calcutta", "Madras", "Saigon", "Rangoon",
    "New York", "Los Angeles", "Chicago", "Houston", "San Francisco", "Boston", "Detroit",
    "Philadelphia", "Toronto", "Montreal", "Vancouver", "Sydney", "Melbourne", "Shanghai",
    "Mumbai", "Karachi", "Lahore", "Istanbul", "Frankfurt", "Hamburg", "Munich", "Milan",
    "Zurich", "Geneva", "Rotterdam", "Osaka", "Johannesburg", "Rio de Janeiro", "Sao Paulo",
    "St. Petersburg", "Leningrad", "Barcelona", "Dubai", "Gaza City", "Basra", "Mosul",
    "Aleppo", "Kandahar", "Benghazi", "Chechnya", "Crimea", "Kashmir",
)
EXTRA_DEMONYMS = (
    "Azeri", "Azeris", "Azerbaijani", "British", "Turkish", "Turks", "Soviet", "Soviets", "Kurdish",
    "Kurd", "Kurds", "Arab", "Arabs", "Arabic", "Palestinian", "Palestinians", "Israeli", "Israelis",
    "Iraqi", "Iraqis", "Afghan", "Afghans", "Pakistani", "Pakistanis", "European", "Europeans",
    "Asian", "Asians", "African", "Africans", "Latin American", "Scandinavian", "Shiite", "Sunni",
    "Muslim", "Muslims", "Christian", "Christians", "Jewish", "Jews", "Catholic", "Catholics",
    "Hindu", "Hindus", "Sikh", "Sikhs", "Buddhist", "Buddhists", "Islamic", "English", "Scottish",
    "Welsh", "Irish", "Dutch", "French", "Swiss", "Chinese", "Japanese", "Vietnamese", "Lebanese",
    "Sudanese", "Portuguese", "Taiwanese", "Burmese", "Filipino", "Filipinos", "Thai", "Kuwaiti",
    "Saudi", "Saudis", "Yemeni", "Omani", "Qatari", "Emirati", "Bahraini", "Uzbek", "Kazakh",
    "Tajik", "Kyrgyz", "Turkmen", "Chechen", "Chechens", "Serb", "Serbs", "Croat", "Croats",
    "Bosnian", "Bosnians", "Albanian", "Albanians", "Slovak", "Czech", "Pole", "Poles", "Greek",
    "Greeks", "Cypriot", "Basque", "Catalan", "Flemish", "Maltese", "Icelandic", "Danish", "Swede",
    "Swedes", "Finn", "Finns", "Norwegian", "Norwegians", "Latvian", "Lithuanian", "Estonian",
    "Ukrainian", "Ukrainians", "Belarusian", "Georgian", "Georgians", "Armenian", "Armenians",
    "Russian", "Russians", "Iranian", "Iranians", "Syrian", "Syrians", "Egyptian", "Egyptians",
    "Libyan", "Libyans", "Tunisian", "Algerian", "Moroccan", "Somali", "Somalis", "Ethiopian",
    "Kenyan", "Nigerian", "Nigerians", "Congolese", "Zimbabwean", "Angolan", "Korean", "Koreans",
    "Indonesian", "Malaysian", "Singaporean", "Mexican", "Mexicans", "Cuban", "Cubans",
    "Colombian", "Venezuelan", "Peruvian", "Chilean", "Argentine", "Brazilian", "Brazilians",
    "Canadian", "Canadians", "Australian", "Australians", "American", "Americans", "German",
    "Germans", "Italian", "Italians", "Spanish", "Spaniards", "Indian", "Indians",
)
# Capitals / alternative spellings that are also common given names, surnames or words.
AMBIGUOUS = {
    "Victoria", "Hamilton", "Douglas", "Stanley", "Jamestown", "Adamstown", "Kingston", "Georgetown",
    "George Town", "Philipsburg", "Marigot", "Gustavia", "Charlotte Amalie", "Avarua", "Alofi",
    "Jordan", "Chad", "Guinea", "Niger", "Man", "Jersey", "Georgia", "Dominica", "Saint John's",
    "Santiago", "Melekeok", "Kingstown", "Castries", "Road Town", "Plymouth", "Yaren", "Palikir",
    "Nippon", "Nihon", "Suisse", "Schweiz", "Svizzera", "Deutschland", "Hellas", "Eire", "Saudi", "Thai",
}
SHORT_FORMS_OK = {"US", "UK", "USA", "UAE", "DRC", "PRC"}


def load_gazetteer() -> tuple[set[str], set[str]]:
    """(place names -> GPE, demonyms -> NORP), cased forms only."""
    data = json.loads((CORPORA / "countries" / "countries.json").read_text(encoding="utf-8"))
    places: set[str] = set(EXTRA_PLACES)
    demonyms: set[str] = set(EXTRA_DEMONYMS)
    for country in data:
        places.update({country["name"]["common"], country["name"]["official"], *country.get("capital", [])})
        places.update(a for a in country.get("altSpellings", []) if len(a) > 3 or a in SHORT_FORMS_OK)
        for form in (country.get("demonyms", {}).get("eng") or {}).values():
            if form:
                demonyms.update({form, form + "s"} if form.endswith("an") else {form})
    places = {
        p for p in places
        if p[:1].isupper() and p.isascii() and p not in AMBIGUOUS | demonyms and not any(c in p for c in ",()")
    }
    demonyms = {d for d in demonyms if d[:1].isupper() and d not in places}
    return places, demonyms
