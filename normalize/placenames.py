"""The hand-kept word lists of :mod:`normalize.places`, where no package has the words in the six
languages (en, fr, es, de, pt, it): demonyms, national institutions, supranational bodies, names
that contain a place word but name no country, short forms of country names, and place names that
are also common words. The places themselves (countries, cities, regions) come from packages.
"""

from __future__ import annotations

#: Folded names that are also common words or first names in one of the six languages: in
#: running text they count only when other evidence names the same country.
COMMON_WORDS = frozenset("""
nice mobile bath reading split essen halle sale natal bello soledad rosario mendoza salvador
aurora austin charlotte raleigh cleveland orlando henderson lincoln irvine columbus chandler
gilbert madison kalyan toyota sakai chiba fukuyama matsuyama medina victoria praia male corona
mesa florence island reunion maurice mauricio marche canton hamilton santiago guadalupe leon
vitoria serra franca pelotas paulista santos phoenix derby mercedes dolores trinidad concepcion
granada georgia jersey chad jordan kingston independence providence temple mission york
porto metro central capital atlantico pacifico amazonas norte sur nord sud centre oriente
distrito federal alba bar plano vladimir regina sofia paro
""".split())


#: Demonyms per country, base forms in en, fr, es, de, pt, it; :func:`inflect` adds the
#: feminine and plural forms.
DEMONYMS = {
    "US": "American américain estadounidense norteamericano US-amerikanisch amerikanisch "
          "norte-americano statunitense",
    "GB": "British britannique británico britisch britânico britannico",
    "FR": "French français francés französisch francês francese",
    "DE": "German allemand alemán deutsch alemão tedesco",
    "ES": "Spanish espagnol español spanisch espanhol spagnolo",
    "IT": "Italian italien italiano italienisch",
    "PT": "Portuguese portugais portugués portugiesisch português portoghese",
    "BR": "Brazilian brésilien brasileño brasilianisch brasileiro brasiliano",
    "MX": "Mexican mexicain mexicano mexikanisch messicano",
    "CO": "Colombian colombien colombiano kolumbianisch",
    "AR": "Argentine Argentinian argentin argentino argentinisch",
    "CL": "Chilean chilien chileno chilenisch cileno",
    "PE": "Peruvian péruvien peruano peruanisch peruviano",
    "VE": "Venezuelan vénézuélien venezolano venezolanisch venezuelano",
    "CA": "Canadian canadien canadiense kanadisch canadense canadese",
    "AU": "Australian australien australiano australisch",
    "IN": "Indian indisch indiano",
    "IE": "Irish irlandais irlandés irisch irlandês irlandese",
    "ZA": "South-African sud-africain sudafricano südafrikanisch sul-africano",
    "BE": "Belgian belge belga belgisch",
    "CH": "Swiss suisse suizo schweizerisch suíço svizzero",
    "AT": "Austrian autrichien austriaco österreichisch austríaco",
    "CN": "Chinese chinois chino chinesisch chinês cinese",
    "JP": "Japanese japonais japonés japanisch japonês giapponese",
    "RU": "Russian russe ruso russisch russo",
    "UA": "Ukrainian ukrainien ucraniano ukrainisch ucraino",
    "IL": "Israeli israélien israelí israelisch israelense israeliano",
    "IR": "Iranian iranien iraní iranisch iraniano",
    "TR": "Turkish turc turco türkisch",
    "NL": "Dutch néerlandais neerlandés niederländisch holandês olandese",
    "PL": "Polish polonais polaco polnisch polonês polacco",
}

#: National institutions and seats of government, by country: a headline naming one is about it.
INSTITUTIONS = {
    "DE": "Bundestag|Bundeskanzleramt|Bundesregierung|Bundeswehr|Bundesverfassungsgericht",
    "AT": "Hofburg|Ballhausplatz",
    "CH": "Bundeshaus|Palais fédéral|Palazzo federale|Conseil fédéral|Consiglio federale",
    "FR": "Élysée|Matignon|Assemblée nationale|Quai d'Orsay|Palais Bourbon",
    "BE": "Rue de la Loi|Wetstraat",
    "ES": "Moncloa|Congreso de los Diputados|Audiencia Nacional|Zarzuela",
    "IT": "Quirinale|Palazzo Chigi|Montecitorio|Palazzo Madama|Farnesina",
    "GB": "Downing Street|Whitehall|Westminster|Buckingham Palace|House of Commons|"
          "House of Lords",
    "US": "White House|Casa Blanca|Maison Blanche|Weißes Haus|Casa Bianca|Casa Branca|"
          "Capitol Hill|Pentagon|Pentágono|Pentagone|Pentagono|Oval Office",
    "RU": "Kremlin|Kreml|Kremlino|Kremlim",
    "AR": "Casa Rosada",
    "BR": "Palácio do Planalto|Planalto|Itamaraty",
    "MX": "Palacio Nacional|Los Pinos",
    "CO": "Casa de Nariño",
    "IE": "Dáil|Taoiseach|Oireachtas|Leinster House",
    "IN": "Lok Sabha|Rajya Sabha",
    "CA": "Parliament Hill|Rideau Hall|Colline du Parlement",
    "AU": "Canberra",
    "IL": "Knesset|Knéset",
}

#: Supranational bodies beside the CLDR's EU, UN and eurozone.
BODIES = {
    "NATO": "NATO|OTAN|Nato|Otan",
    "G7": "G7|G8",
    "G20": "G20",
    "EU": "EU|UE|European Commission|Comisión Europea|Commission européenne|EU-Kommission|"
          "Europäische Kommission|Comissão Europeia|Commissione europea|European Parliament|"
          "Parlamento Europeo|Parlement européen|Europäisches Parlament|Parlamento Europeu|"
          "Bruselas comunitaria|ECB|BCE|EZB",
    "UN": "UN|ONU|UNO|U.N.|UNESCO|Unesco|UNICEF|Unicef|Security Council|Consejo de Seguridad|"
          "Conseil de sécurité|UN-Sicherheitsrat|Consiglio di sicurezza|Conselho de Segurança",
    "WHO": "WHO|OMS",
    "IMF": "IMF|FMI|IWF",
    "World Bank": "World Bank|Banco Mundial|Banque mondiale|Weltbank|Banca mondiale",
    "WTO": "WTO|OMC",
    "OPEC": "OPEC|OPEP|Opep",
    "Mercosur": "Mercosur|Mercosul",
    "AU": "African Union|Unión Africana|Union africaine|Afrikanische Union|União Africana|"
          "Unione africana",
    "OAS": "OAS|OEA",
}

#: Phrases that contain a demonym or place word but are about no one country.
STOPS = ("Latin American|Latin Americans|South American|Central American|North American|"
          "Native American|Native Americans|African American|African Americans|Asian American|"
          "Indian Ocean|océan Indien|Indischer Ozean|océano Índico|Oceano Indiano|"
          "American Samoa|Amerikanisch-Samoa|Indian Wells|English Channel|Irish Sea|"
          "América Latina|Amérique latine|Lateinamerika|America Latina|"
          "latinoamericano|latinoamericana|latinoamericanos|latinoamericanas|"
          "latino-americano|latino-americana|latino-americanos|latinoamericani|"
          "latino-américain|latino-américaine|latino-américains|lateinamerikanisch|"
          "lateinamerikanische|lateinamerikanischen")

#: Names the packages spell otherwise or not at all, by country.
ALIASES = {
    "US": "USA|U.S.|US|U.S.A.|EEUU|EE.UU.|EE. UU.|Etats-Unis|États-Unis d'Amérique",
    "GB": "UK|U.K.|Britain|Great Britain|Grande-Bretagne|Großbritannien|Gran Bretaña|"
          "Gran Bretagna|Grã-Bretanha",
    "NL": "Holland|Holanda|Hollande|Olanda",
    "AE": "UAE|EAU",
    "CD": "RDC|DRC",
    "KR": "Korea|Corea|Corée|Coreia|S. Korea",
    "KP": "N. Korea",
}

#: Regions whose names in the other languages contain a country's name ("Nuevo México").
REGIONS = {
    "US": "Nuevo México|Nouveau-Mexique|Neumexiko|Novo México|Nuovo Messico",
    "AU": "Nueva Gales del Sur|Nouvelle-Galles du Sud|Neusüdwales|Nova Gales do Sul|"
          "Nuovo Galles del Sud",
}

#: The Associated Press abbreviations of US states as they appear in datelines ("Fla.").
AP_STATES = ("Ala.|Ariz.|Ark.|Calif.|Colo.|Conn.|Del.|Fla.|Ga.|Ill.|Ind.|Kan.|Ky.|La.|Md.|"
              "Mass.|Mich.|Minn.|Miss.|Mo.|Mont.|Neb.|Nev.|N.H.|N.J.|N.M.|N.Y.|N.C.|N.D.|Okla.|"
              "Ore.|Pa.|R.I.|S.C.|S.D.|Tenn.|Vt.|Va.|Wash.|W.Va.|Wis.|Wyo.|D.C.")

#: (ending, endings that replace it): the feminine and plural forms of a demonym.
FORMS = (
    ("sch", ("sche", "schen", "scher", "sches", "schem")),  # de: französisch -> französische
    ("ien", ("ienne", "iens", "iennes")),  # fr: italien -> italienne
    ("ais", ("aise", "aises")),
    ("ain", ("aine", "ains", "aines")),
    ("and", ("ande", "ands", "andes")),
    ("ois", ("oise", "oises")),
    ("ese", ("esi", "eses")),  # it: cinese -> cinesi
    ("ês", ("esa", "eses", "esas")),  # pt: francês -> francesa
    ("és", ("esa", "eses", "esas")),  # es: francés -> francesa
    ("án", ("ana", "anes", "anas")),  # es: alemán -> alemana
    ("ol", ("ola", "oles", "olas")),  # es: español -> española
    ("í", ("íes", "ís")),  # es: israelí -> israelíes
    ("o", ("a", "os", "as", "i", "e")),  # es/pt/it: suizo -> suiza, suizos; svizzero -> svizzeri
    ("e", ("es", "i")),  # estadounidense(s), belge(s), canadesi
    ("c", ("que", "cs", "ques")),  # fr: turc -> turque
    ("a", ("as",)),  # belga -> belgas
    ("n", ("ns",)),  # en: American -> Americans
)


def inflect(word: str) -> set[str]:
    """A demonym and its feminine and plural forms (extra forms that no text uses do no harm)."""
    forms = {word, word + "s"}
    for ending, endings in FORMS:
        if word.endswith(ending):
            stem = word[: -len(ending)]
            forms.update(stem + replacement for replacement in endings)
            break
    return forms
