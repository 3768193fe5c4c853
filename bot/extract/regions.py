"""Place names, demonyms, cities and film festivals mapped to ISO 3166-1 alpha-2 codes.

`find_regions` scans text for these names with one compiled regex. Countries, cities and
festivals are always regions; demonyms ("British", "Japanese") only count as a region when
they qualify a release ("its Swedish theatrical release", "the UK premiere"), which callers
check with `Mention.kind`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Literal

MentionKind = Literal["country", "city", "festival", "demonym"]

# Code -> names. Case-sensitive matching: every name is written as it appears in prose.
_COUNTRIES: dict[str, tuple[str, ...]] = {
    "US": (
        "United States of America", "United States", "USA", "U.S.A.", "U.S.A",
        "US", "U.S.", "U. S.", "America", "North America", "Stateside",
    ),
    "GB": (
        "United Kingdom", "UK", "U.K.", "Great Britain", "Britain", "England", "Scotland",
        "Wales", "Northern Ireland",
    ),
    "CA": ("Canada",),
    "AU": ("Australia",),
    "NZ": ("New Zealand",),
    "IE": ("Ireland", "Republic of Ireland", "Eire"),
    "FR": ("France",),
    "DE": ("Germany", "West Germany", "East Germany"),
    "IT": ("Italy",),
    "ES": ("Spain",),
    "PT": ("Portugal",),
    "NL": ("Netherlands", "Holland"),
    "BE": ("Belgium",),
    "LU": ("Luxembourg",),
    "CH": ("Switzerland",),
    "AT": ("Austria",),
    "SE": ("Sweden",),
    "NO": ("Norway",),
    "DK": ("Denmark",),
    "FI": ("Finland",),
    "IS": ("Iceland",),
    "PL": ("Poland",),
    "CZ": ("Czech Republic", "Czechia", "Czechoslovakia"),
    "SK": ("Slovakia",),
    "HU": ("Hungary",),
    "RO": ("Romania",),
    "BG": ("Bulgaria",),
    "GR": ("Greece",),
    "CY": ("Cyprus",),
    "MT": ("Malta",),
    "HR": ("Croatia",),
    "RS": ("Serbia", "Yugoslavia"),
    "SI": ("Slovenia",),
    "BA": ("Bosnia and Herzegovina", "Bosnia"),
    "MK": ("North Macedonia", "Macedonia"),
    "AL": ("Albania",),
    "ME": ("Montenegro",),
    "EE": ("Estonia",),
    "LV": ("Latvia",),
    "LT": ("Lithuania",),
    "UA": ("Ukraine",),
    "BY": ("Belarus",),
    "MD": ("Moldova",),
    "RU": ("Russia", "Russian Federation", "Soviet Union", "USSR", "U.S.S.R."),
    "TR": ("Turkey",),
    "AM": ("Armenia",),
    "AZ": ("Azerbaijan",),
    "KZ": ("Kazakhstan",),
    "UZ": ("Uzbekistan",),
    "KG": ("Kyrgyzstan",),
    "TJ": ("Tajikistan",),
    "TM": ("Turkmenistan",),
    "MN": ("Mongolia",),
    "CN": ("China", "People's Republic of China", "Mainland China"),
    "HK": ("Hong Kong",),
    "MO": ("Macau", "Macao"),
    "TW": ("Taiwan",),
    "JP": ("Japan",),
    "KR": ("South Korea", "Korea", "Republic of Korea"),
    "KP": ("North Korea",),
    "IN": ("India",),
    "PK": ("Pakistan",),
    "BD": ("Bangladesh",),
    "LK": ("Sri Lanka",),
    "NP": ("Nepal",),
    "BT": ("Bhutan",),
    "MV": ("Maldives",),
    "AF": ("Afghanistan",),
    "IR": ("Iran",),
    "IQ": ("Iraq",),
    "SY": ("Syria",),
    "LB": ("Lebanon",),
    "IL": ("Israel",),
    "PS": ("Palestine",),
    "JO": ("Hashemite Kingdom of Jordan",),
    "SA": ("Saudi Arabia",),
    "AE": ("United Arab Emirates", "UAE", "U.A.E.", "Dubai", "Abu Dhabi"),
    "QA": ("Qatar",),
    "KW": ("Kuwait",),
    "BH": ("Bahrain",),
    "OM": ("Oman",),
    "YE": ("Yemen",),
    "EG": ("Egypt",),
    "LY": ("Libya",),
    "TN": ("Tunisia",),
    "DZ": ("Algeria",),
    "MA": ("Morocco",),
    "NG": ("Nigeria",),
    "GH": ("Ghana",),
    "SN": ("Senegal",),
    "CI": ("Ivory Coast", "Côte d'Ivoire"),
    "CM": ("Cameroon",),
    "KE": ("Kenya",),
    "UG": ("Uganda",),
    "TZ": ("Tanzania",),
    "RW": ("Rwanda",),
    "ET": ("Ethiopia",),
    "SO": ("Somalia",),
    "SD": ("Sudan",),
    "ZA": ("South Africa",),
    "ZW": ("Zimbabwe",),
    "ZM": ("Zambia",),
    "MZ": ("Mozambique",),
    "AO": ("Angola",),
    "NA": ("Namibia",),
    "BW": ("Botswana",),
    "MG": ("Madagascar",),
    "CD": ("Democratic Republic of the Congo", "DR Congo"),
    "MX": ("Mexico",),
    "GT": ("Guatemala",),
    "CU": ("Cuba",),
    "JM": ("Jamaica",),
    "HT": ("Haiti",),
    "DO": ("Dominican Republic",),
    "PR": ("Puerto Rico",),
    "TT": ("Trinidad and Tobago", "Trinidad"),
    "CR": ("Costa Rica",),
    "PA": ("Panama",),
    "HN": ("Honduras",),
    "SV": ("El Salvador",),
    "NI": ("Nicaragua",),
    "BR": ("Brazil",),
    "AR": ("Argentina",),
    "CL": ("Chile",),
    "PE": ("Peru",),
    "CO": ("Colombia",),
    "VE": ("Venezuela",),
    "EC": ("Ecuador",),
    "BO": ("Bolivia",),
    "PY": ("Paraguay",),
    "UY": ("Uruguay",),
    "ID": ("Indonesia",),
    "MY": ("Malaysia",),
    "SG": ("Singapore",),
    "TH": ("Thailand",),
    "VN": ("Vietnam", "Viet Nam"),
    "PH": ("Philippines",),
    "KH": ("Cambodia",),
    "LA": ("Laos",),
    "MM": ("Myanmar", "Burma"),
    "BN": ("Brunei",),
    "FJ": ("Fiji",),
    "PG": ("Papua New Guinea",),
}

# Names that contain a country name but are not that country; matched (longest first) so that
# "Latin America" is not read as "America".
_NOT_REGIONS: tuple[str, ...] = (
    "Latin America", "South America", "Central America", "Captain America", "Miss America",
    "American Film Market", "Motion Picture Association of America", "Bank of America",
    "Good Morning America", "New England", "New Mexico City", "Paris, Texas", "British Board",
    "British Film Institute", "Japan Airlines", "Indian Express", "New Indian Express",
    "Hollywood Reporter", "Hollywood Foreign Press", "Hong Kong Film Awards",
    "British Academy", "American Film Institute", "Korean Film Council", "Chinese New Year",
)

_DEMONYMS: dict[str, tuple[str, ...]] = {
    "US": ("American", "North American", "U.S", "US-based"),
    "GB": ("British", "English", "Scottish", "Welsh", "UK-wide"),
    "CA": ("Canadian", "Québécois"),
    "AU": ("Australian",),
    "NZ": ("New Zealand",),
    "IE": ("Irish",),
    "FR": ("French",),
    "DE": ("German", "West German"),
    "IT": ("Italian",),
    "ES": ("Spanish",),
    "PT": ("Portuguese",),
    "NL": ("Dutch",),
    "BE": ("Belgian",),
    "CH": ("Swiss",),
    "AT": ("Austrian",),
    "SE": ("Swedish",),
    "NO": ("Norwegian",),
    "DK": ("Danish",),
    "FI": ("Finnish",),
    "IS": ("Icelandic",),
    "PL": ("Polish",),
    "CZ": ("Czech",),
    "HU": ("Hungarian",),
    "RO": ("Romanian",),
    "GR": ("Greek",),
    "HR": ("Croatian",),
    "RS": ("Serbian",),
    "UA": ("Ukrainian",),
    "RU": ("Russian", "Soviet"),
    "TR": ("Turkish",),
    "CN": ("Chinese",),
    "HK": ("Hong Kong",),
    "TW": ("Taiwanese",),
    "JP": ("Japanese",),
    "KR": ("South Korean", "Korean"),
    "IN": ("Indian",),
    "PK": ("Pakistani",),
    "BD": ("Bangladeshi",),
    "LK": ("Sri Lankan",),
    "IR": ("Iranian",),
    "IL": ("Israeli",),
    "EG": ("Egyptian",),
    "NG": ("Nigerian",),
    "ZA": ("South African",),
    "MX": ("Mexican",),
    "BR": ("Brazilian",),
    "AR": ("Argentine", "Argentinian"),
    "CL": ("Chilean",),
    "CO": ("Colombian",),
    "PE": ("Peruvian",),
    "ID": ("Indonesian",),
    "MY": ("Malaysian",),
    "SG": ("Singaporean",),
    "TH": ("Thai",),
    "VN": ("Vietnamese",),
    "PH": ("Filipino", "Philippine"),
}

_CITIES: dict[str, tuple[str, ...]] = {
    "US": (
        "New York City", "New York", "Manhattan", "Brooklyn", "Los Angeles", "Hollywood",
        "Westwood", "Beverly Hills", "San Francisco", "Chicago", "Boston", "Philadelphia",
        "Washington, D.C.", "Seattle", "Portland, Oregon", "Austin", "Dallas", "Houston",
        "San Antonio", "Atlanta", "Miami", "New Orleans", "Las Vegas", "San Diego", "Denver",
        "Detroit", "Pittsburgh", "Baltimore", "Nashville", "Minneapolis", "Salt Lake City",
        "Park City", "Palm Springs", "Santa Barbara", "Tacoma", "Honolulu", "Phoenix, Arizona",
        "Cleveland", "Cincinnati", "St. Louis", "Kansas City", "Milwaukee", "Sacramento",
        "Oakland", "Berkeley", "Savannah", "Woodstock, New York", "Telluride",
        # US states: "premiered in Austin, Texas" and the like.
        "Alabama", "Alaska", "Arizona", "Arkansas", "California", "Colorado", "Connecticut",
        "Delaware", "Florida", "Hawaii", "Idaho", "Illinois", "Iowa", "Kansas",
        "Kentucky", "Louisiana", "Maine", "Maryland", "Massachusetts", "Michigan",
        "Minnesota", "Mississippi", "Missouri", "Montana", "Nebraska", "Nevada",
        "New Hampshire", "New Jersey", "New Mexico", "North Carolina", "North Dakota", "Ohio",
        "Oklahoma", "Oregon", "Pennsylvania", "Rhode Island", "South Carolina",
        "South Dakota", "Tennessee", "Texas", "Utah", "Vermont", "Virginia", "West Virginia",
        "Wisconsin", "Wyoming",
    ),
    "GB": (
        "London", "Leicester Square", "Soho", "Manchester", "Birmingham", "Liverpool", "Leeds",
        "Bristol", "Edinburgh", "Glasgow", "Cardiff", "Belfast", "Brighton", "Nottingham",
        "Sheffield", "Newcastle", "Stirling", "Aberdeen",
    ),
    "CA": (
        "Toronto", "Montreal", "Montréal", "Vancouver", "Ottawa", "Calgary", "Edmonton",
        "Winnipeg", "Halifax", "Quebec", "Québec", "Ontario", "British Columbia", "Alberta",
    ),
    "AU": ("Sydney", "Melbourne", "Brisbane", "Perth", "Adelaide", "Canberra", "Hobart"),
    "NZ": ("Auckland", "Wellington", "Christchurch"),
    "IE": ("Dublin", "Cork", "Galway"),
    "FR": ("Paris", "Cannes", "Lyon", "Marseille", "Deauville", "Annecy", "Toulouse"),
    "DE": ("Berlin", "Munich", "Hamburg", "Cologne", "Frankfurt", "Leipzig", "Düsseldorf"),
    "IT": ("Rome", "Venice", "Milan", "Turin", "Torino", "Florence", "Naples", "Bologna"),
    "ES": ("Madrid", "Barcelona", "San Sebastián", "San Sebastian", "Sitges", "Seville",
           "Valencia", "Catalonia", "Málaga"),
    "PT": ("Lisbon", "Porto"),
    "NL": ("Amsterdam", "Rotterdam", "The Hague"),
    "BE": ("Brussels", "Antwerp", "Ghent"),
    "CH": ("Zurich", "Zürich", "Geneva", "Locarno", "Bern"),
    "AT": ("Vienna", "Salzburg"),
    "SE": ("Stockholm", "Gothenburg", "Malmö"),
    "NO": ("Oslo", "Bergen"),
    "DK": ("Copenhagen",),
    "FI": ("Helsinki",),
    "PL": ("Warsaw", "Kraków", "Krakow", "Gdynia"),
    "CZ": ("Prague", "Karlovy Vary"),
    "HU": ("Budapest",),
    "GR": ("Athens", "Thessaloniki"),
    "RU": ("Moscow", "Saint Petersburg", "St. Petersburg"),
    "TR": ("Istanbul", "Ankara", "Antalya"),
    "CN": ("Beijing", "Shanghai", "Guangzhou", "Shenzhen", "Chengdu", "Wuhan"),
    "JP": ("Tokyo", "Osaka", "Kyoto", "Yokohama", "Nagoya", "Okinawa"),
    "KR": ("Seoul", "Busan", "Pusan", "Bucheon", "Jeonju"),
    "IN": (
        "Mumbai", "Bombay", "Delhi", "New Delhi", "Chennai", "Madras", "Kolkata", "Calcutta",
        "Bangalore", "Bengaluru", "Hyderabad", "Pune", "Goa", "Kerala", "Tamil Nadu",
        "Karnataka", "Maharashtra", "West Bengal", "Andhra Pradesh", "Telangana", "Punjab",
        "Gujarat", "Rajasthan", "Uttar Pradesh", "Bihar", "Odisha", "Assam", "Kochi",
    ),
    "PK": ("Karachi", "Lahore", "Islamabad"),
    "BD": ("Dhaka",),
    "LK": ("Colombo",),
    "ID": ("Jakarta", "Bandung", "Makassar", "Surabaya", "Bali", "Yogyakarta", "Medan"),
    "MY": ("Kuala Lumpur", "Penang"),
    "TH": ("Bangkok",),
    "VN": ("Hanoi", "Ho Chi Minh City"),
    "PH": ("Manila", "Metro Manila", "Quezon City", "Cebu"),
    "AE": ("Sharjah",),
    "IL": ("Tel Aviv", "Jerusalem", "Haifa"),
    "EG": ("Cairo",),
    "MA": ("Marrakech", "Marrakesh"),
    "ZA": ("Johannesburg", "Cape Town", "Durban"),
    "NG": ("Lagos",),
    "KE": ("Nairobi",),
    "MX": ("Mexico City", "Guadalajara", "Morelia"),
    "BR": ("Rio de Janeiro", "São Paulo", "Sao Paulo"),
    "AR": ("Buenos Aires", "Mar del Plata"),
    "CL": ("Santiago",),
}

# Broadcasters and chains that place a television or theatrical date in one country.
_BROADCASTERS: dict[str, tuple[str, ...]] = {
    "US": (
        "ABC", "NBC", "CBS", "PBS", "HBO", "Showtime", "Cinemax", "Starz", "AMC", "TNT", "TBS",
        "TCM", "Turner Classic Movies", "Syfy", "Lifetime", "Hallmark Channel", "Fox Network",
        "Comedy Central", "FX", "USA Network", "Fathom Events",
        "ABC Sunday Night Movie", "NBC Saturday Night at the Movies",
    ),
    "GB": ("BBC", "BBC One", "BBC Two", "BBC Four", "ITV", "Channel 4", "Channel 5", "Film4",
           "Sky Cinema", "Sky Movies", "Sky One"),
    "CA": ("YTV", "CBC", "CTV", "Global Television"),
    "AU": ("Nine Network", "Seven Network", "Network Ten", "SBS", "ABC TV", "Foxtel", "9Go!"),
    "IN": ("Star Vijay", "Sun TV", "Zee Cinema", "Zee TV", "Colors TV", "Star Gold",
           "Sony Max", "Doordarshan"),
    "PK": ("TV One", "Hum TV", "ARY Digital", "Geo TV"),
    "JP": ("NHK", "Fuji TV", "Nippon TV", "TV Asahi", "TBS Television"),
    "KR": ("KBS", "MBC", "SBS TV", "tvN"),
    "FR": ("Canal+", "TF1", "France 2", "Arte"),
    "DE": ("ZDF", "ARD", "RTL"),
    "PH": ("ABS-CBN", "GMA Network"),
}

# Festivals and markets; matched before cities so "Berlin International Film Festival" is one
# festival mention.
_FESTIVALS: dict[str, tuple[str, ...]] = {
    "US": (
        "Sundance", "SXSW", "South by Southwest", "Tribeca", "Telluride", "New York Film Festival",
        "Fantastic Fest", "Beyond Fest", "AFI Fest", "AFI Film Festival", "Slamdance",
        "Palm Springs International Film Festival", "Hollywood Film Festival",
        "Seattle International Film Festival", "Savannah Film Festival", "Mill Valley",
        "Hamptons International Film Festival", "Chicago International Film Festival",
        "Woodstock Film Festival", "New Orleans Film Festival", "Austin Film Festival",
        "Los Angeles Film Festival", "San Diego Comic-Con", "Comic-Con", "CinemaCon",
        "Boston Underground Film Festival", "Japan Cuts", "Heartland Film Festival",
        "Philadelphia Film Festival", "Denver Film Festival", "Nashville Film Festival",
        "Cleveland International Film Festival", "Newport Beach Film Festival",
        "Kaleidoscope Film Festival", "Fantasia Fest",
    ),
    "GB": (
        "Sci-Fi-London", "Sci-Fi London", "London Film Festival", "BFI London Film Festival",
        "Edinburgh International Film Festival", "Edinburgh Film Festival", "FrightFest",
        "Raindance", "Mayhem Film Festival", "Leeds International Film Festival",
        "Glasgow Film Festival", "Sheffield Doc/Fest", "Cambridge Film Festival",
    ),
    "CA": (
        "TIFF", "Toronto International Film Festival", "Toronto Film Festival",
        "Toronto Festival of Festivals", "Fantasia International Film Festival",
        "Fantasia Film Festival", "Montreal World Film Festival", "Montréal World Film Festival",
        "Hot Docs", "Vancouver International Film Festival", "Toronto Japanese Film Festival",
        "Calgary International Film Festival", "Atlantic Film Festival",
    ),
    "FR": (
        "Cannes", "Festival de Cannes", "Annecy", "Deauville", "Paris Film Festival",
        "Marché du Film", "Gérardmer", "Avoriaz", "Clermont-Ferrand",
    ),
    "IT": (
        "Venice Film Festival", "Venice International Film Festival", "Mostra",
        "Torino Film Festival", "Turin Film Festival", "Rome Film Festival",
        "Giffoni", "Far East Film Festival", "Udine",
    ),
    "DE": (
        "Berlinale", "Berlin International Film Festival", "Berlin Film Festival",
        "European Film Market", "Munich Film Festival", "Hof International Film Festival",
        "Fantasy Filmfest",
    ),
    "ES": (
        "Sitges", "San Sebastián International Film Festival", "San Sebastian Film Festival",
        "Málaga Film Festival", "Valladolid",
    ),
    "CH": ("Locarno", "Zurich Film Festival", "Visions du Réel"),
    "CZ": ("Karlovy Vary",),
    "NL": ("International Film Festival Rotterdam", "IFFR", "IDFA"),
    "BE": ("Brussels International Fantastic Film Festival", "BIFFF", "Ghent Film Festival"),
    "AU": ("Sydney Film Festival", "Melbourne International Film Festival", "MIFF"),
    "NZ": ("New Zealand International Film Festival",),
    "KR": ("Busan International Film Festival", "BIFF", "Bucheon", "Jeonju"),
    "JP": ("Tokyo International Film Festival", "Yubari"),
    "CN": ("Shanghai International Film Festival", "Beijing International Film Festival"),
    "HK": ("Hong Kong International Film Festival", "Hong Kong Filmart", "Filmart"),
    "MO": ("Macau International Movie Festival", "International Film Festival & Awards Macao"),
    "IN": (
        "International Film Festival of India", "IFFI", "Mumbai Film Festival", "MAMI",
        "Kerala International Film Festival",
    ),
    "PH": ("Metro Manila Film Festival", "MMFF", "Cinemalaya"),
    "MY": ("Malaysian Film Festival",),
    "AE": ("Dubai International Film Festival", "Abu Dhabi Film Festival"),
    "EG": ("Cairo International Film Festival",),
    "MA": ("Marrakech International Film Festival",),
    "RU": ("Moscow International Film Festival",),
    "PL": ("Gdynia Film Festival",),
    "TW": ("Golden Horse Film Festival", "Taipei Film Festival"),
    "SG": ("Singapore International Film Festival",),
    "MX": ("Morelia International Film Festival", "Guadalajara International Film Festival"),
    "AR": ("Mar del Plata International Film Festival",),
    "SE": ("Stockholm International Film Festival", "Göteborg Film Festival"),
}


@dataclass(frozen=True, slots=True)
class Mention:
    """One place name found in text: its span, ISO alpha-2 code and what kind of name it is."""

    start: int
    end: int
    code: str
    kind: MentionKind


@cache
def _build() -> tuple[dict[str, tuple[str, MentionKind]], re.Pattern[str]]:
    """The name table and its scanning regex, built on first use (not at import)."""
    table: dict[str, tuple[str, MentionKind]] = {}
    # Later tables win for a name listed twice; festivals are the most specific.
    for kind, source in (
        ("demonym", _DEMONYMS),
        ("city", _CITIES),
        ("city", _BROADCASTERS),
        ("country", _COUNTRIES),
        ("festival", _FESTIVALS),
    ):
        for code, names in source.items():
            for name in names:
                table[name] = (code, kind)  # type: ignore[assignment]
    for name in _NOT_REGIONS:
        table[name] = ("", "country")
    # Grouped by first letter so the regex engine tries a handful of names per position, not
    # all of them: this keeps a scan at a few microseconds per sentence.
    by_initial: dict[str, list[str]] = {}
    for name in sorted(table, key=len, reverse=True):
        by_initial.setdefault(name[0], []).append(name[1:])
    # Only names opening with a capital (or "É", "Ö") are matched. A name must not be glued to
    # letters on either side: the left check sits after the initial (a pattern that opens
    # with literal characters lets the regex engine skip ahead to them); a trailing "." in
    # "U.S." is part of the name, so the right boundary only forbids letters and digits.
    branches = "|".join(
        f"{re.escape(initial)}(?<![\\w-]{re.escape(initial)})(?:"
        + "|".join(re.escape(rest) for rest in rests)
        + ")"
        for initial, rests in sorted(by_initial.items())
        if re.fullmatch("[A-ZÉÖ]", initial)
    )
    pattern = re.compile(rf"(?:{branches})(?![\w]|-(?!based|wide))")
    return table, pattern



def find_regions(text: str) -> list[Mention]:
    """Every known place, demonym or festival name in `text`, in order, as `Mention`s."""
    table, pattern = _build()
    out: list[Mention] = []
    for m in pattern.finditer(text):
        code, kind = table[m.group()]
        if not code:
            continue
        out.append(Mention(m.start(), m.end(), code, kind))
    return out


def region_code(name: str) -> str | None:
    """The ISO alpha-2 code for one exact name ("UK" -> "GB", "Cannes" -> "FR"), or None."""
    hit = _build()[0].get(name.strip())
    return hit[0] if hit and hit[0] else None


def table_size() -> int:
    """How many names the table knows (countries, demonyms, cities, festivals)."""
    return len(_build()[0])


def lookup_region(text: str) -> str | None:
    """A region a user typed ("uk", "GB", "france", "Japanese") as an ISO alpha-2 code."""
    raw = text.strip()
    if len(raw) == 2 and raw.isalpha() and raw.upper() in _COUNTRIES:
        return raw.upper()
    code = region_code(raw)
    if code is not None:
        return code
    folded = raw.casefold().removeprefix("the ")
    for name, (code, _kind) in _build()[0].items():
        if name.casefold().removeprefix("the ") == folded:
            return code
    return None


def region_name(code: str) -> str:
    """A country's display name for its ISO alpha-2 code (the code itself when unknown)."""
    names = _COUNTRIES.get(code.upper())
    return names[0] if names else code.upper()
