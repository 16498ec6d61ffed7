"""Word lists the engine reasons with: speech verbs, titles, roles, organisation words.

General vocabulary of news writing in en/fr/es/de, never names of people.
"""

from __future__ import annotations

from syndicator.quotes.inflect import speech_forms
from syndicator.quotes.lang import PARSE_RESOURCES


def _word_set(words: str) -> frozenset[str]:
    return frozenset(words.split())


# Verbs that introduce speech or writing. Multi-word forms first (regex alternation order).
SPEECH_VERBS: tuple[str, ...] = (
    "according to",
    "in the words of",
    "peut-on lire",
    "a déclaré",
    "a dit",
    "a ajouté",
    "a expliqué",
    "a affirmé",
    "a écrit",
    "a indiqué",
    "a souligné",
    "a précisé",
    "a estimé",
    "a raconté",
    "a lancé",
    "a tweeté",
    "a twitté",
    "a publié",
    "a répondu",
    "a annoncé",
    "was like",
    "is like",
    "went on",
    "fügte hinzu",
    "said",
    "says",
    "say",
    "saying",
    "told",
    "tells",
    "telling",
    "stated",
    "states",
    "stating",
    "added",
    "adds",
    "adding",
    "explained",
    "explains",
    "explaining",
    "wrote",
    "writes",
    "writing",
    "noted",
    "notes",
    "noting",
    "continued",
    "continues",
    "asked",
    "asks",
    "replied",
    "replies",
    "answered",
    "answers",
    "declared",
    "declares",
    "announced",
    "announces",
    "insisted",
    "insists",
    "insisting",
    "stressed",
    "stresses",
    "argued",
    "argues",
    "arguing",
    "warned",
    "warns",
    "warning",
    "commented",
    "comments",
    "remarked",
    "reported",
    "reports",
    "reporting",
    "tweeted",
    "tweets",
    "posted",
    "posts",
    "recalled",
    "recalls",
    "concluded",
    "acknowledged",
    "admitted",
    "admits",
    "observed",
    "emphasized",
    "emphasised",
    "urged",
    "urges",
    "pleaded",
    "cautioned",
    "complained",
    "predicted",
    "conceded",
    "suggested",
    "suggests",
    "quipped",
    "joked",
    "shouted",
    "exclaimed",
    "claimed",
    "claims",
    "confirmed",
    "confirms",
    "responded",
    "hailed",
    "described",
    "describes",
    "calls",
    "called",
    "proclaimed",
    "vowed",
    "promised",
    "pledged",
    "testified",
    "told reporters",
    "recounted",
    "mused",
    "boasted",
    "lamented",
    "conceded",
    "countered",
    "maintained",
    "maintains",
    "contended",
    "assured",
    "reiterated",
    "agreed",
    "agrees",
    "wondered",
    "speculated",
    "estimated",
    "explained",
    "summed",
    "offered",
    "declare",
    "déclare",
    "dit",
    "ajoute",
    "explique",
    "affirme",
    "écrit",
    "indique",
    "souligne",
    "précise",
    "estime",
    "raconte",
    "lance",
    "selon",
    "répond",
    "annonce",
    "dijo",
    "declaró",
    "afirmó",
    "explicó",
    "añadió",
    "agregó",
    "señaló",
    "según",
    "escribió",
    "aseguró",
    "indicó",
    "dice",
    "afirma",
    "destacó",
    "sostuvo",
    "manifestó",
    "expresó",
    "sagte",
    "sagt",
    "erklärte",
    "erklärt",
    "schrieb",
    "schreibt",
    "betonte",
    "betont",
    "meinte",
    "meint",
    "laut",
    "so",
    "steht",
)

# ... and every reporting form of each language's lemmas of speech (``lang``), so the
# rules know "relató" and "fügte hinzu" as the parse knows their lemmas.
_CONJUGATED = sorted(
    {form for lang, res in PARSE_RESOURCES.items()
     for form in speech_forms(lang, res.speech_lemmas)} - set(SPEECH_VERBS)
)
SPEECH_VERBS = SPEECH_VERBS + tuple(_CONJUGATED)

# Verbs that only attach speech when they stand right next to it.
AUX = ("has", "have", "had", "was", "is", "would", "will", "did", "does", "also", "a", "hat")

ADVERBS = frozenset(
    [
        "today",
        "yesterday",
        "also",
        "later",
        "then",
        "recently",
        "previously",
        "further",
        "simply",
        "just",
        "once",
        "earlier",
        "again",
        "finally",
        "quickly",
        "firmly",
        "flatly",
        "bluntly",
        "angrily",
        "proudly",
        "publicly",
        "privately",
        "repeatedly",
        "frequently",
        "often",
        "still",
        "even",
        "only",
        "softly",
        "quietly",
        "hoping",
        "tonight",
        "now",
        "aussi",
        "encore",
        "également",
        "ensuite",
        "también",
        "luego",
        "auch",
    ]
)

# Articles of en/fr/es/de, definite and indefinite ("un porte-parole", "the official").
ARTICLES = frozenset({"the", "a", "an", "le", "la", "les", "un", "une", "el", "los", "las",
                      "uno", "una", "der", "die", "das", "ein", "eine"})
# Words that end an office's lower-case words before a name ("ministre mauricien
# Pravind Jugnauth" goes on; "republicana por Florida" does not).
NOT_IN_OFFICE = ARTICLES | _word_set(
    "de du des of for y et and que that on in at to by from with por para en al à au aux "
    "sur dans pour par con von vom für mit bei aus im am"
)

PRONOUNS_SINGULAR = frozenset(["he", "she", "il", "elle", "él", "ella", "er", "sie"])
PRONOUNS_PLURAL = frozenset(["they", "ils", "elles", "ellos", "ellas"])

# Titles, ranks and honorifics dropped from a speaker's name (lower case, no final dot).
TITLES = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "miss",
        "mx",
        "dr",
        "doctor",
        "prof",
        "professor",
        "sir",
        "dame",
        "lord",
        "lady",
        "madame",
        "mme",
        "monsieur",
        "m",
        "mlle",
        "herr",
        "frau",
        "señor",
        "sr",
        "sra",
        "srta",
        "don",
        "doña",
        "rev",
        "reverend",
        "father",
        "sister",
        "brother",
        "rabbi",
        "imam",
        "sheikh",
        "cardinal",
        "bishop",
        "archbishop",
        "pope",
        "gen",
        "general",
        "lt",
        "lieutenant",
        "col",
        "colonel",
        "maj",
        "major",
        "capt",
        "captain",
        "cmdr",
        "commander",
        "adm",
        "admiral",
        "sgt",
        "sergeant",
        "cpl",
        "corporal",
        "pvt",
        "private",
        "spc",
        "specialist",
        "airman",
        "senior",
        "staff",
        "master",
        "chief",
        "command",
        "petty",
        "officer",
        "ensign",
        "brig",
        "brigadier",
        "marshal",
        "class",
        "first",
        "second",
        "lance",
        "warrant",
        "sen",
        "senator",
        "rep",
        "representative",
        "congressman",
        "congresswoman",
        "gov",
        "governor",
        "mayor",
        "president",
        "vice",
        "prime",
        "minister",
        "secretary",
        "deputy",
        "assistant",
        "principal",
        "under",
        "undersecretary",
        "ambassador",
        "administrator",
        "director",
        "chairman",
        "chairwoman",
        "chair",
        "chancellor",
        "king",
        "queen",
        "prince",
        "princess",
        "judge",
        "justice",
        "attorney",
        "commissioner",
        "inspector",
        "superintendent",
        "spokesman",
        "spokeswoman",
        "spokesperson",
        "ceo",
        "cfo",
        "coo",
        "cto",
        "executive",
        "manager",
        "head",
        "leader",
        "regional",
        "national",
        "coordinator",
        "correspondent",
        "reporter",
        "editor",
        "founder",
        "coach",
        "councillor",
        "councilman",
        "councilwoman",
        "president-elect",
        "director-general",
        "secretary-general",
        "vice-president",
        "premier",
        "sheriff",
        "detective",
        "constable",
        "officer",
        "mp",
        "mep",
        "pm",
        "chargé",
        "président",
        "présidente",
        "ministre",
        "secrétaire",
        "directeur",
        "directrice",
        "porte-parole",
        "sénateur",
        "maire",
        "général",
        "capitaine",
        "presidente",
        "ministro",
        "ministra",
        "director",
        "directora",
        "portavoz",
        "secretario",
        "secretaria",
        "präsident",
        "präsidentin",
        "botschafter",
        "botschafterin",
        "sprecher",
        "sprecherin",
        "bundeskanzler",
        "bürgermeister",
        "bürgermeisterin",
        "geschäftsführer",
        "geschäftsführerin",
        "vorsitzende",
        "vorsitzender",
        "leiter",
        "leiterin",
        "ministerin",
        "owner",
        "alcalde",
        "alcaldesa",
        "concejal",
        "concejala",
        "kanzler",
        "kanzlerin",
        "incoming",
        "outgoing",
        "former",
        "acting",
        "interim",
        "elect",
        "ex",
    ]
)

# Lower-case nouns that name a person's role ("Kremlin spokesman", "the Russian leader").
PERSON_ROLES = frozenset(
    [
        "leader",
        "president",
        "president-elect",
        "spokesman",
        "spokeswoman",
        "spokesperson",
        "official",
        "minister",
        "secretary",
        "pm",
        "premier",
        "chancellor",
        "senator",
        "governor",
        "mayor",
        "director",
        "chief",
        "commander",
        "officer",
        "author",
        "scientist",
        "researcher",
        "expert",
        "professor",
        "doctor",
        "head",
        "chairman",
        "chairwoman",
        "ambassador",
        "envoy",
        "king",
        "queen",
        "prince",
        "pope",
        "coach",
        "manager",
        "lawyer",
        "attorney",
        "judge",
        "prosecutor",
        "founder",
        "ceo",
        "adviser",
        "advisor",
        "diplomat",
        "general",
        "colonel",
        "captain",
        "sergeant",
        "nominee",
        "candidate",
        "actor",
        "singer",
        "player",
        "star",
        "administrator",
        "coordinator",
        "correspondent",
        "reporter",
        "editor",
        "analyst",
        "economist",
        "lawmaker",
        "legislator",
        "congressman",
        "congresswoman",
        "representative",
        "negotiator",
        "activist",
        "spokesmen",
        "officials",
        "commissioner",
        "chairperson",
        "executive",
        "astronaut",
        "engineer",
        "pilot",
        "soldier",
        "infantryman",
        "musician",
        "forecaster",
        "partner",
        "representative",
        "mother",
        "father",
        "son",
        "daughter",
        "wife",
        "husband",
        "victim",
        "witness",
        "resident",
        "student",
        "teacher",
        "worker",
        "owner",
        "farmer",
        "dirigeant",
        "président",
        "ministre",
        "porte-parole",
        "directeur",
        "responsable",
        "correspondant",
        "presidente",
        "ministro",
        "portavoz",
        "director",
        "líder",
        "alcalde",
        "alcaldesa",
        "concejal",
        "concejala",
        "maire",
        "bürgermeister",
        "bürgermeisterin",
        "präsident",
        "minister",
        "sprecher",
        "kanzler",
    ]
)# ... and the wider vocabulary of occupations written before a name ("Swimmer Michael
# Phelps", "historian Jane Doe"), in the four languages.
PERSON_ROLES = PERSON_ROLES | _word_set(
    """
    swimmer runner skier cyclist striker midfielder defender goalkeeper quarterback pitcher
    athlete boxer wrestler golfer jockey artist writer novelist poet filmmaker producer
    photographer entrepreneur investor historian physician nurse surgeon psychologist
    sociologist biologist chemist physicist astronomer geologist archaeologist blogger
    journalist columnist commentator critic campaigner organiser organizer volunteer
    councillor councilor alderman sheriff deputy detective inspector constable trooper
    ranger firefighter paramedic chaplain bishop archbishop cardinal rabbi imam pastor priest
    superintendent principal dean provost lecturer scholar curator architect designer
    co-founder cofounder cfo coo cto chair vice-president treasurer clerk auditor regulator
    strategist pollster consultant lobbyist barrister solicitor magistrate chef composer
    translator editor-in-chief publisher broadcaster presenter host anchor ombudsman
    mediator inspector-general commissioner-general
    traducteur traductrice écrivain écrivaine journaliste chercheur chercheuse avocat avocate
    député députée sénateur sénatrice militant militante blogueur blogueuse président
    présidente fondateur fondatrice porte-parole
    periodista escritor escritora investigador investigadora abogado abogada diputado
    diputada senador senadora activista bloguero bloguera fundador fundadora vocero vocera
    traductor traductora secretario secretaria
    representante congresista legislador legisladora funcionario funcionaria canciller
    embajador embajadora director directora jefe jefa gobernador gobernadora fiscal juez
    jueza coronel comandante capitán sargento teniente almirante doctora profesor
    profesora experto experta analista economista opositor opositora disidente dirigente
    sacerdote obispo testigo residente estudiante vecino vecina médico médica
    représentant représentante ministre directrice chef procureur juge commandant
    capitaine sergent lieutenant amiral docteur professeur expert experte analyste
    économiste opposant opposante dissident dirigeante prêtre évêque témoin habitant
    habitante étudiant étudiante ambassadeur ambassadrice commissaire pdg médecin
    """
)
# Endings of German compound nouns for a person's office or trade ("Regierungssprecher",
# "Wikinews-Mitbegründer", "Übersetzerin"): a capitalised word ending so is a role.
ROLE_SUFFIXES = tuple(sorted(_word_set(
    """
    sprecher sprecherin gründer gründerin leiter leiterin chef chefin präsident präsidentin
    minister ministerin direktor direktorin vorsitzende vorsitzender kanzler kanzlerin
    übersetzer übersetzerin autor autorin experte expertin forscher forscherin politiker
    politikerin abgeordnete abgeordneter bürgermeister bürgermeisterin trainer trainerin
    berater beraterin journalist journalistin blogger bloggerin aktivist aktivistin anwalt
    anwältin analyst analystin korrespondent korrespondentin redakteur redakteurin
    professor professorin wissenschaftler wissenschaftlerin schriftsteller schriftstellerin
    botschafter botschafterin beauftragte beauftragter kommissar kommissarin sekretär
    sekretärin ökonom ökonomin historiker historikerin
    """
)))
# Each of those endings is also a role noun of its own ("die Kanzlerin", "der Sprecher").
PERSON_ROLES = PERSON_ROLES | frozenset(ROLE_SUFFIXES) | {"kanzlerin"}


PUBLICATION_ROLES = frozenset(
    [
        "newspaper",
        "paper",
        "tabloid",
        "daily",
        "broadcaster",
        "website",
        "site",
        "blog",
        "magazine",
        "journal",
        "channel",
        "network",
        "outlet",
        "publication",
        "journal",
        "zeitung",
        "blatt",
        "diario",
        "periódico",
    ]
)
ORG_ROLES = frozenset(
    [
        "agency",
        "organisation",
        "organization",
        "ministry",
        "department",
        "government",
        "company",
        "firm",
        "union",
        "committee",
        "council",
        "group",
        "body",
        "commission",
        "administration",
        "institute",
        "foundation",
        "association",
        "army",
        "military",
        "police",
        "court",
        "party",
        "team",
        "club",
        "service",
        "authority",
        "authorities",
        "board",
        "gouvernement",
        "ministère",
        "gobierno",
        "regierung",
        "ministerium",
    ]
)# ... and the bodies that speak in the other languages ("la fédération des banques").
ORG_ROLES = ORG_ROLES | _word_set(
    """
    fédération association commission comité conseil parti syndicat entreprise société
    agence organisation armée tribunal cour fondation institut ministère préfecture mairie
    federación asociación comisión comité consejo ministerio partido sindicato empresa
    compañía agencia organización ejército policía tribunal corte fundación instituto
    verband verein kommission ausschuss rat partei gewerkschaft unternehmen firma agentur
    organisation armee polizei gericht stiftung institut behörde bundesregierung
    """
)

DOC_ROLES = frozenset(
    [
        "letter",
        "statement",
        "message",
        "note",
        "report",
        "memo",
        "tweet",
        "post",
        "notice",
        "release",
        "email",
        "document",
        "lettre",
        "communiqué",
        "carta",
        "mensaje",
        "brief",
        "erklärung",
    ]
)

# Words that make a capitalised name an organisation or publication, not a person.
# Head words of place names ("Región Autónoma Uigur de Sinkiang", "Grand Forks County"):
# a place does not speak. Only words that do not also head organisations ("State",
# "City", "District" do: "State Department", "City Council", "District Attorney").
# Head words of organisations in the other languages ("Comando Sur", "Ministère de
# l'Intérieur", "Bundesamt für …"): an organisation is no person.
_ORG_WORDS_FR_ES_DE = _word_set(
    """
    comando ministerio gobierno fuerza fuerzas ejército policía agencia oficina departamento
    consejo comité comisión partido sindicato banco universidad instituto fundación
    asociación federación tribunal corte fiscalía secretaría embajada guardia armada
    gouvernement armée agence département conseil parti syndicat banque université
    institut fondation fédération cour parquet ambassade garde préfecture mairie
    ministerium regierung bundeswehr polizei agentur amt behörde rat ausschuss kommission
    partei gewerkschaft universität stiftung verband verein gericht staatsanwaltschaft
    botschaft bundesamt
    """
)
# Countries (one-word English names): before a full name they are part of an office
# ("U.N. representative to Somalia Nicholas Kay"), never of the name.
COUNTRIES = _word_set(
    """
    afghanistan albania algeria andorra angola argentina armenia australia austria
    azerbaijan bahamas bahrain bangladesh barbados belarus belgium belize benin bhutan
    bolivia botswana brazil brunei bulgaria burundi cambodia cameroon canada chad chile
    china colombia comoros congo croatia cuba cyprus czechia denmark djibouti dominica
    ecuador egypt eritrea estonia eswatini ethiopia fiji finland france gabon gambia georgia
    germany ghana greece grenada guatemala guinea guyana haiti honduras hungary iceland india
    indonesia iran iraq ireland israel italy jamaica japan jordan kazakhstan kenya kiribati
    kosovo kuwait kyrgyzstan laos latvia lebanon lesotho liberia libya liechtenstein
    lithuania luxembourg madagascar malawi malaysia maldives mali malta mauritania mauritius
    mexico micronesia moldova monaco mongolia montenegro morocco mozambique myanmar namibia
    nauru nepal netherlands nicaragua niger nigeria norway oman pakistan palau palestine
    panama paraguay peru philippines poland portugal qatar romania russia rwanda samoa
    senegal serbia seychelles singapore slovakia slovenia somalia spain sudan suriname
    sweden switzerland syria taiwan tajikistan tanzania thailand togo tonga tunisia turkey
    turkmenistan tuvalu uganda ukraine uruguay uzbekistan vanuatu venezuela vietnam yemen
    zambia zimbabwe
    """
)
PLACE_WORDS = _word_set(
    """
    region province county river island islands lake mount mountains valley peninsula
    canton oblast prefecture
    région province île îles lac mont vallée département
    región provincia isla islas lago monte cordillera península ciudad
    provinz bundesland landkreis insel inseln fluss gebirge
    """
)
ORG_WORDS = frozenset(
    [
        "agency",
        "organization",
        "organisation",
        "union",
        "council",
        "department",
        "ministry",
        "ministère",
        "army",
        "force",
        "forces",
        "party",
        "movement",
        "committee",
        "commission",
        "association",
        "university",
        "institute",
        "center",
        "centre",
        "service",
        "office",
        "news",
        "times",
        "post",
        "mail",
        "telegraph",
        "sun",
        "independent",
        "guardian",
        "press",
        "radio",
        "tv",
        "television",
        "network",
        "bank",
        "company",
        "corp",
        "corporation",
        "inc",
        "llc",
        "ltd",
        "group",
        "foundation",
        "fund",
        "program",
        "programme",
        "project",
        "nations",
        "states",
        "government",
        "court",
        "parliament",
        "congress",
        "senate",
        "house",
        "assembly",
        "administration",
        "station",
        "squadron",
        "wing",
        "regiment",
        "division",
        "brigade",
        "battalion",
        "command",
        "corps",
        "team",
        "club",
        "league",
        "federation",
        "church",
        "school",
        "college",
        "hospital",
        "museum",
        "magazine",
        "journal",
        "daily",
        "weekly",
        "herald",
        "tribune",
        "gazette",
        "review",
        "media",
        "website",
        "blog",
        "agency",
        "bureau",
        "board",
        "authority",
        "police",
        "navy",
        "guard",
        "laboratory",
        "lab",
        "airlines",
        "airways",
        "channel",
        "express",
        "reuters",
        "associated",
        "reserve",
        "embassy",
        "consulate",
        "republic",
        "kingdom",
    ]
)

# Capitalised words that start sentences but are not names.
DATE_WORDS = frozenset([
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
]) | _word_set(
    # the months and days of the other languages (capitalised in German)
    """
    januar februar märz april mai juni juli august september oktober november dezember
    montag dienstag mittwoch donnerstag freitag samstag sonnabend sonntag
    janvier février mars avril mai juin juillet août septembre octobre novembre décembre
    lundi mardi mercredi jeudi vendredi samedi dimanche
    enero febrero marzo abril mayo junio julio agosto septiembre setiembre octubre
    noviembre diciembre lunes martes miércoles jueves viernes sábado domingo
    """
)

CAP_STOPWORDS = frozenset(
    [
        "the",
        "a",
        "an",
        "in",
        "on",
        "at",
        "but",
        "and",
        "or",
        "if",
        "when",
        "while",
        "after",
        "before",
        "this",
        "that",
        "these",
        "those",
        "it",
        "he",
        "she",
        "we",
        "they",
        "i",
        "his",
        "her",
        "their",
        "our",
        "its",
        "as",
        "for",
        "from",
        "with",
        "by",
        "to",
        "of",
        "under",
        "over",
        "during",
        "since",
        "although",
        "however",
        "meanwhile",
        "also",
        "then",
        "there",
        "here",
        "what",
        "who",
        "where",
        "why",
        "how",
        "yes",
        "no",
        "not",
        "so",
        "all",
        "some",
        "many",
        "most",
        "more",
        "each",
        "every",
        "both",
        "another",
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "first",
        "last",
        "next",
        "new",
        "today",
        "yesterday",
        "tomorrow",
        "follow",
        "please",
        "share",
        "read",
        "click",
        "sign",
        "subscribe",
        "le",
        "la",
        "les",
        "l",
        "un",
        "une",
        "des",
        "du",
        "de",
        "dans",
        "pour",
        "il",
        "elle",
        "ils",
        "elles",
        "ce",
        "cette",
        "ces",
        "et",
        "mais",
        "ou",
        "el",
        "los",
        "las",
        "una",
        "unos",
        "unas",
        "del",
        "en",
        "por",
        "para",
        "con",
        "y",
        "pero",
        "der",
        "die",
        "das",
        "ein",
        "eine",
        "im",
        "am",
        "und",
        "aber",
        "mit",
        "von",
        "zu",
        "auf",
        "ich",
        "wir",
        "sie",
        "er",
        "es",
        "photo",
        "image",
        "video",
        "watch",
        "listen",
        "related",
        "breaking",
        "update",
        "updated",
        "published",
        "posted",
        "story",
        "live",
        "exclusive",
        "opinion",
        "analysis",
        "editorial",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "gmt",
        "utc",
        "est",
        "edt",
        "pst",
        "pdt",
        "cet",
    ]
) | DATE_WORDS | _word_set(
    # Quantifiers, and the function words of the other languages: capitalised at a
    # sentence's start, never a name ("Several members …", "Damit gibt es …").
    """
    several few other others such none numerous various dozens hundreds thousands millions
    damit dabei darum deshalb daher dazu trotzdem jedoch außerdem zudem allerdings danach
    davor dennoch somit hier dort heute gestern jetzt nun auch doch aber denn oder und
    inzwischen bisher nachdem während seit als wenn weil ob zwar sogar vor nach bei mit für
    gegen ohne über unter zwischen ihr dies diese dieser dieses jene jener man nicht noch
    schon immer nie bereits etwa rund fast knapp mehr weniger viele einige alle beide jeder
    jede jedes kein keine wie wo wer was warum wann dass da dann zuvor zuletzt später früher
    damals seitdem stattdessen ebenso ebenfalls gleichzeitig insgesamt vielmehr zunächst
    schließlich endlich bislang derzeit aktuell offenbar angeblich vermutlich laut zufolge
    gemäß um aus von zu im am vom zum zur beim ins ans
    además también pero aunque durante cuando donde mientras porque pues entonces luego
    después antes ahora hoy ayer así incluso tampoco todavía ya aún sí no muy más menos este
    esta estos estas ese esa esos esas aquel aquella cada todos todas ninguno ninguna
    algunos algunas otro otra otros otras desde hasta hacia contra entre sobre tras con sin
    para por según ante bajo como cuál cuáles quién quiénes qué cómo
    cependant pourtant ainsi aussi alors depuis pendant lorsque quand mais donc car ensuite
    enfin aujourd'hui demain puis toutefois néanmoins désormais déjà encore toujours jamais
    parfois souvent comme pour par avec sans sous sur dans chez vers entre contre selon
    malgré avant après ce cet cette ces chaque tous toutes certains certaines plusieurs
    d'abord notamment surtout voici voilà qui que quoi où pourquoi comment combien
    """
)

# Name connectors inside a name: "Voice of America", "Charles de Gaulle".
CONNECTORS = frozenset(
    [
        "of",
        "de",
        "del",
        "della",
        "di",
        "da",
        "du",
        "van",
        "von",
        "la",
        "le",
        "bin",
        "ibn",
        "al",
        "el",
        "y",
    ]
)

# Words that make a quoted phrase a title or a label rather than speech.
TITLE_CUES = (
    "titled",
    "entitled",
    "intitulé",
    "intitulée",
    "nommé",
    "nommée",
    "named",
    "nicknamed",
    "known as",
    "so-called",
    "dubbed the",
    "called the",
    "the song",
    "the poem",
    "the film",
    "the book",
    "the album",
    "the show",
    "the programme",
    "the program",
    "the series",
    "the movie",
    "the play",
    "the novel",
    "the article",
    "the campaign",
    "the slogan",
    "titel",
    "titre",
    "chanson",
    "gedicht",
    "la chanson",
    "le film",
    "le livre",
    "el libro",
    "la canción",
    "programa",
    "programme",
    "program",
    "operation",
    "opération",
    "slogan",
    "hashtag",
    "the term",
    "the word",
    "the phrase",
    "the label",
    "the motto",
    "font référence au",
    "font référence à",
    "the so-called",
)

# Signs of an opinionated or vivid line (pull-quote scoring).
VIVID_WORDS = frozenset(
    [
        "absurd",
        "fantastic",
        "crucial",
        "critical",
        "incredible",
        "incredibly",
        "terrible",
        "horrible",
        "great",
        "greatest",
        "wonderful",
        "amazing",
        "huge",
        "tremendous",
        "deeply",
        "proud",
        "shocked",
        "shocking",
        "outraged",
        "disappointed",
        "sorely",
        "heartbreaking",
        "tragic",
        "tragedy",
        "heroic",
        "hero",
        "love",
        "hate",
        "fear",
        "afraid",
        "excited",
        "nervous",
        "hope",
        "hopes",
        "hoped",
        "believe",
        "dream",
        "dangerous",
        "unacceptable",
        "unprecedented",
        "extraordinary",
        "remarkable",
        "important",
        "never",
        "always",
        "must",
        "cannot",
        "can't",
        "won't",
        "don't",
        "truth",
        "freedom",
        "justice",
        "right",
        "wrong",
        "best",
        "worst",
        "rush",
        "fire",
        "unprovoked",
        "serious",
        "concern",
        "courage",
        "greatness",
        "inspiration",
        "inspire",
        "humility",
        "grace",
        "mourn",
        "mourning",
        "loss",
        "miss",
        "missed",
        "rigged",
        "disaster",
        "crisis",
        "threat",
        "threaten",
        "safety",
        "sovereignty",
        "race",
        "war",
        "peace",
        "clean",
        "clear",
        "knowledge",
        "conquered",
        "optimistic",
    ]
)
FIRST_PERSON = frozenset(
    [
        "i",
        "we",
        "our",
        "us",
        "my",
        "me",
        "i'm",
        "we're",
        "we've",
        "i've",
        "i'll",
        "we'll",
        "je",
        "nous",
        "nos",
        "mon",
        "ma",
        "mes",
        "yo",
        "nosotros",
        "ich",
        "wir",
        "unser",
    ]
)
DANGLING_STARTS = frozenset(
    [
        "this",
        "that",
        "it",
        "these",
        "those",
        "they",
        "he",
        "she",
        "which",
        "and",
        "but",
        "so",
        "or",
        "also",
    ]
)
PROCEDURAL_WORDS = frozenset(
    [
        "meeting",
        "agenda",
        "procedures",
        "procedure",
        "percent",
        "million",
        "billion",
        "schedule",
        "scheduled",
        "briefing",
        "coverage",
        "advisory",
        "regulations",
        "compliance",
        "statute",
        "pursuant",
    ]
)

# Places look like two-word names; their last word gives them away.
ORG_WORDS = ORG_WORDS | frozenset(
    [
        "street",
        "road",
        "avenue",
        "square",
        "park",
        "airport",
        "bay",
        "island",
        "islands",
        "valley",
        "river",
        "mountain",
        "lake",
        "county",
        "city",
        "province",
        "region",
        "harbor",
        "harbour",
        "coast",
    ]
)
ORG_WORDS = ORG_WORDS | _ORG_WORDS_FR_ES_DE

# -- grammatical gender of a person, for he/she resolution ------------------------------


# Honorifics and role words that say a person is a woman or a man (lower case, no dot).
FEMALE_TITLES = _word_set(
    "ms mrs miss dame lady madame mme mlle frau señora sra srta doña queen princess "
    "spokeswoman chairwoman congresswoman councilwoman businesswoman sister actress "
    "directrice présidente ministra directora secretaria presidenta alcaldesa concejala "
    "präsidentin botschafterin sprecherin kanzlerin geschäftsführerin bürgermeisterin "
    "leiterin ministerin chefin"
)
MALE_TITLES = _word_set(
    "mr sir lord monsieur herr señor sr don king prince spokesman chairman congressman "
    "councilman businessman brother father actor directeur ministro director secretario "
    "alcalde concejal präsident botschafter sprecher kanzler geschäftsführer "
    "bürgermeister leiter minister chef"
)
# Common given names (en, fr, de, es) whose gender is not in doubt.
FEMALE_NAMES = _word_set(
    """
    mary patricia jennifer linda elizabeth barbara susan jessica sarah karen nancy lisa
    margaret betty sandra ashley dorothy kimberly emily donna michelle carol amanda melissa
    deborah stephanie rebecca laura sharon cynthia kathleen amy shirley angela helen anna
    brenda pamela nicole emma samantha katherine christine debra rachel catherine carolyn
    janet ruth maria heather diane virginia julie joyce victoria olivia kelly christina
    lauren joan evelyn judith megan cheryl hannah martha jacqueline frances gloria
    ann teresa kathryn sara janice alice madison doris abigail julia judy grace denise
    amber marilyn beverly danielle theresa sophia marie diana brittany natalie isabella
    charlotte rose alexis kayla fiona harriet joanna claire clare louise lucy sophie
    chloe jane anne eleanor alison alicia priya anita aisha fatima amina ayesha mei
    yuki ingrid astrid helga ursula sabine claudia petra monika katrin birgit
    nathalie isabelle sylvie céline hélène valérie sandrine véronique camille
    juliette margot léa chantal brigitte carmen lucía pilar dolores rosa elena ana
    isabel beatriz cristina marta raquel silvia irene paula teresa lourdes gabriela
    valentina daniela mariana sofía ximena angela giulia francesca chiara svetlana
    olga irina natalia tatiana ekaterina marina agnieszka joanna katarzyna hilary
    hillary nora emma ella mia zoe freya imogen rosie molly jenny jo kate katie
    maggie meg nina tina vera wendy yvonne gillian tracey tracy sheila pauline jill
    """
)
MALE_NAMES = _word_set(
    """
    james robert john michael william david richard joseph thomas charles christopher
    daniel matthew anthony mark donald steven paul andrew joshua kenneth kevin brian
    george timothy ronald edward jason jeffrey ryan jacob gary nicholas eric jonathan
    stephen larry justin scott brandon benjamin samuel gregory alexander frank patrick
    raymond jack dennis jerry tyler aaron jose adam nathan henry douglas zachary peter
    kyle noah ethan jeremy walter christian keith roger terry austin sean gerald carl
    harold dylan arthur lawrence jordan jesse bryan billy bruce gabriel joe logan albert
    willie alan eugene russell vincent philip bobby johnny bradley roy ralph colin
    graham neil nigel ian duncan hamish angus gordon derek owen tom tim ben sam dan
    jim tony mike steve dave chris nick rob bob bill ted ray martin simon adrian
    stuart stewart malcolm trevor barry clive geoffrey hugh oliver harry charlie
    alfie archie freddie george vladimir dmitry sergei sergey ivan alexei mikhail
    boris igor oleg viktor victor yuri andrei chidi ahmed mohammed muhammad ali omar
    hassan tariq rajesh rahul arjun amit hiroshi kenji takashi wei jun
    thomas markus michael stefan andreas klaus jürgen wolfgang dieter hans karl
    günter uwe frank jörg matthias tobias lukas jonas felix maximilian florian
    pierre jacques michel philippe alain bernard françois nicolas julien
    olivier laurent christophe sébastien emmanuel patrice thierry didier gérard
    antoine louis hugo mathieu luc yves rené
    josé juan carlos luis javier miguel antonio manuel francisco pedro pablo jorge
    alejandro fernando ricardo rafael sergio andrés diego alberto raúl enrique
    giuseppe giovanni marco luca matteo alessandro lorenzo
    """
)
