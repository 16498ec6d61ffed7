"""Word lists the engine reasons with: speech verbs, titles, roles, organisation words.

General vocabulary of news writing in en/fr/es/de, never names of people.
"""

from __future__ import annotations

# Verbs that introduce speech or writing. Multi-word forms first (regex alternation order).
SPEECH_VERBS = (
    "according to", "in the words of", "peut-on lire", "a déclaré", "a dit", "a ajouté",
    "a expliqué", "a affirmé", "a écrit", "a indiqué", "a souligné", "a précisé", "a estimé",
    "a raconté", "a lancé", "a tweeté", "a twitté", "a publié", "a répondu", "a annoncé",
    "was like", "is like", "went on", "fügte hinzu",
    "said", "says", "say", "saying", "told", "tells", "telling", "stated", "states", "stating",
    "added", "adds", "adding", "explained", "explains", "explaining", "wrote", "writes",
    "writing", "noted", "notes", "noting", "continued", "continues", "asked", "asks",
    "replied", "replies", "answered", "answers", "declared", "declares", "announced",
    "announces", "insisted", "insists", "insisting", "stressed", "stresses", "argued",
    "argues", "arguing", "warned", "warns", "warning", "commented", "comments", "remarked",
    "reported", "reports", "reporting", "tweeted", "tweets", "posted", "posts", "recalled",
    "recalls", "concluded", "acknowledged", "admitted", "admits", "observed", "emphasized",
    "emphasised", "urged", "urges", "pleaded", "cautioned", "complained", "predicted",
    "conceded", "suggested", "suggests", "quipped", "joked", "shouted", "exclaimed",
    "claimed", "claims", "confirmed", "confirms", "responded", "hailed", "described",
    "describes", "calls", "called", "proclaimed", "vowed", "promised", "pledged",
    "testified", "told reporters", "recounted", "mused", "boasted", "lamented", "conceded",
    "countered", "maintained", "maintains", "contended", "assured", "reiterated", "agreed",
    "agrees", "wondered", "speculated", "estimated", "explained", "summed", "offered",
    "declare", "déclare", "dit", "ajoute", "explique", "affirme", "écrit", "indique",
    "souligne", "précise", "estime", "raconte", "lance", "selon", "répond", "annonce",
    "dijo", "declaró", "afirmó", "explicó", "añadió", "agregó", "señaló", "según", "escribió",
    "aseguró", "indicó", "dice", "afirma", "destacó", "sostuvo", "manifestó", "expresó",
    "sagte", "sagt", "erklärte", "erklärt", "schrieb", "schreibt", "betonte", "betont",
    "meinte", "meint", "laut", "so", "steht",
)  # fmt: skip

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

PRONOUNS_SINGULAR = frozenset(["he", "she", "il", "elle", "él", "ella", "er", "sie"])
PRONOUNS_PLURAL = frozenset(["they", "ils", "elles", "ellos", "ellas"])

# Titles, ranks and honorifics dropped from a speaker's name (lower case, no final dot).
TITLES = frozenset(
    ["mr", "mrs", "ms", "miss", "mx", "dr", "doctor", "prof", "professor", "sir", "dame", "lord", "lady", "madame", "mme", "monsieur", "m", "mlle", "herr", "frau", "señor", "sr", "sra", "srta", "don", "doña", "rev", "reverend", "father", "sister", "brother", "rabbi", "imam", "sheikh", "cardinal", "bishop", "archbishop", "pope", "gen", "general", "lt", "lieutenant", "col", "colonel", "maj", "major", "capt", "captain", "cmdr", "commander", "adm", "admiral", "sgt", "sergeant", "cpl", "corporal", "pvt", "private", "spc", "specialist", "airman", "senior", "staff", "master", "chief", "command", "petty", "officer", "ensign", "brig", "brigadier", "marshal", "class", "first", "second", "lance", "warrant", "sen", "senator", "rep", "representative", "congressman", "congresswoman", "gov", "governor", "mayor", "president", "vice", "prime", "minister", "secretary", "deputy", "assistant", "principal", "under", "undersecretary", "ambassador", "administrator", "director", "chairman", "chairwoman", "chair", "chancellor", "king", "queen", "prince", "princess", "judge", "justice", "attorney", "commissioner", "inspector", "superintendent", "spokesman", "spokeswoman", "spokesperson", "ceo", "cfo", "coo", "cto", "executive", "manager", "head", "leader", "regional", "national", "coordinator", "correspondent", "reporter", "editor", "founder", "coach", "councillor", "councilman", "councilwoman", "president-elect", "director-general", "secretary-general", "vice-president", "premier", "sheriff", "detective", "constable", "officer", "mp", "mep", "pm", "chargé", "président", "présidente", "ministre", "secrétaire", "directeur", "directrice", "porte-parole", "sénateur", "maire", "général", "capitaine", "presidente", "ministro", "ministra", "director", "directora", "portavoz", "secretario", "secretaria", "präsident", "präsidentin", "botschafter", "botschafterin", "sprecher", "sprecherin", "bundeskanzler", "kanzler", "kanzlerin", "incoming", "outgoing", "former", "acting", "interim", "elect", "ex"]
)  # fmt: skip

# Lower-case nouns that name a person's role ("Kremlin spokesman", "the Russian leader").
PERSON_ROLES = frozenset(
    ["leader", "president", "president-elect", "spokesman", "spokeswoman", "spokesperson", "official", "minister", "secretary", "pm", "premier", "chancellor", "senator", "governor", "mayor", "director", "chief", "commander", "officer", "author", "scientist", "researcher", "expert", "professor", "doctor", "head", "chairman", "chairwoman", "ambassador", "envoy", "king", "queen", "prince", "pope", "coach", "manager", "lawyer", "attorney", "judge", "prosecutor", "founder", "ceo", "adviser", "advisor", "diplomat", "general", "colonel", "captain", "sergeant", "nominee", "candidate", "actor", "singer", "player", "star", "administrator", "coordinator", "correspondent", "reporter", "editor", "analyst", "economist", "lawmaker", "legislator", "congressman", "congresswoman", "representative", "negotiator", "activist", "spokesmen", "officials", "commissioner", "chairperson", "executive", "astronaut", "engineer", "pilot", "soldier", "infantryman", "musician", "forecaster", "partner", "representative", "mother", "father", "son", "daughter", "wife", "husband", "victim", "witness", "resident", "student", "teacher", "worker", "owner", "farmer", "dirigeant", "président", "ministre", "porte-parole", "directeur", "responsable", "correspondant", "presidente", "ministro", "portavoz", "director", "líder", "präsident", "minister", "sprecher", "kanzler"]
)  # fmt: skip
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
ORG_WORDS = frozenset(
    ["agency", "organization", "organisation", "union", "council", "department", "ministry", "ministère", "army", "force", "forces", "party", "movement", "committee", "commission", "association", "university", "institute", "center", "centre", "service", "office", "news", "times", "post", "mail", "telegraph", "sun", "independent", "guardian", "press", "radio", "tv", "television", "network", "bank", "company", "corp", "corporation", "inc", "llc", "ltd", "group", "foundation", "fund", "program", "programme", "project", "nations", "states", "government", "court", "parliament", "congress", "senate", "house", "assembly", "administration", "station", "squadron", "wing", "regiment", "division", "brigade", "battalion", "command", "corps", "team", "club", "league", "federation", "church", "school", "college", "hospital", "museum", "magazine", "journal", "daily", "weekly", "herald", "tribune", "gazette", "review", "media", "website", "blog", "agency", "bureau", "board", "authority", "police", "navy", "guard", "laboratory", "lab", "airlines", "airways", "channel", "express", "reuters", "associated", "reserve", "embassy", "consulate", "republic", "kingdom"]
)  # fmt: skip

# Capitalised words that start sentences but are not names.
CAP_STOPWORDS = frozenset(
    ["the", "a", "an", "in", "on", "at", "but", "and", "or", "if", "when", "while", "after", "before", "this", "that", "these", "those", "it", "he", "she", "we", "they", "i", "his", "her", "their", "our", "its", "as", "for", "from", "with", "by", "to", "of", "under", "over", "during", "since", "although", "however", "meanwhile", "also", "then", "there", "here", "what", "who", "where", "why", "how", "yes", "no", "not", "so", "all", "some", "many", "most", "more", "each", "every", "both", "another", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "first", "last", "next", "new", "today", "yesterday", "tomorrow", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december", "follow", "please", "share", "read", "click", "sign", "subscribe", "le", "la", "les", "l", "un", "une", "des", "du", "de", "dans", "pour", "il", "elle", "ils", "elles", "ce", "cette", "ces", "et", "mais", "ou", "el", "los", "las", "una", "unos", "unas", "del", "en", "por", "para", "con", "y", "pero", "der", "die", "das", "ein", "eine", "im", "am", "und", "aber", "mit", "von", "zu", "auf", "ich", "wir", "sie", "er", "es", "photo", "image", "video", "watch", "listen", "related", "breaking", "update", "updated", "published", "posted", "story", "live", "exclusive", "opinion", "analysis", "editorial"]
)  # fmt: skip

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
        "der",
        "den",
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
    "titled", "entitled", "intitulé", "intitulée", "nommé", "nommée", "named", "nicknamed",
    "known as", "so-called", "dubbed the", "called the", "the song", "the poem", "the film",
    "the book", "the album", "the show", "the programme", "the program", "the series",
    "the movie", "the play", "the novel", "the article", "the campaign", "the slogan",
    "titel", "titre", "chanson", "gedicht", "la chanson", "le film", "le livre", "el libro",
    "la canción", "programa", "programme", "program", "operation", "opération", "slogan",
    "hashtag", "the term", "the word", "the phrase", "the label", "the motto",
    "font référence au", "font référence à", "the so-called",
)  # fmt: skip

# Signs of an opinionated or vivid line (pull-quote scoring).
VIVID_WORDS = frozenset(
    ["absurd", "fantastic", "crucial", "critical", "incredible", "incredibly", "terrible", "horrible", "great", "greatest", "wonderful", "amazing", "huge", "tremendous", "deeply", "proud", "shocked", "shocking", "outraged", "disappointed", "sorely", "heartbreaking", "tragic", "tragedy", "heroic", "hero", "love", "hate", "fear", "afraid", "excited", "nervous", "hope", "hopes", "hoped", "believe", "dream", "dangerous", "unacceptable", "unprecedented", "extraordinary", "remarkable", "important", "never", "always", "must", "cannot", "can't", "won't", "don't", "truth", "freedom", "justice", "right", "wrong", "best", "worst", "rush", "fire", "unprovoked", "serious", "concern", "courage", "greatness", "inspiration", "inspire", "humility", "grace", "mourn", "mourning", "loss", "miss", "missed", "rigged", "disaster", "crisis", "threat", "threaten", "safety", "sovereignty", "race", "war", "peace", "clean", "clear", "knowledge", "conquered", "optimistic"]
)  # fmt: skip
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
