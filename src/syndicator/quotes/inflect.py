"""Surface forms of each language's verbs of speech, made from their lemmas.

The parse matches verbs by lemma; the rules see only words, and a word list written by
hand holds the forms someone happened to meet ("aseguró" but not "relató"). So each
language lists its lemmas once (``syndicator.quotes.lang``) and this module conjugates
them: the forms news writing uses to report speech (third person, present and past, and
the perfect). Regular patterns are rules; irregular verbs are data.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

# -- Spanish -------------------------------------------------------------------------
# Lemma -> forms that the regular patterns would get wrong (stem changes, strong pasts).
_ES_IRREGULAR: dict[str, tuple[str, ...]] = {
    "decir": ("dijo", "dijeron", "dice", "dicen", "ha dicho", "han dicho", "decía"),
    "sostener": ("sostuvo", "sostuvieron", "sostiene", "sostienen", "ha sostenido"),
    "advertir": ("advirtió", "advirtieron", "advierte", "advierten", "ha advertido"),
    "concluir": ("concluyó", "concluyeron", "concluye", "ha concluido"),
    "recordar": ("recordó", "recordaron", "recuerda", "recuerdan", "ha recordado"),
    "contar": ("contó", "contaron", "cuenta", "ha contado"),
    "pedir": ("pidió", "pidieron", "pide", "piden", "ha pedido"),
    "escribir": ("escribió", "escribieron", "escribe", "escriben", "ha escrito"),
    "confesar": ("confesó", "confesaron", "confiesa", "ha confesado"),
    "reconocer": ("reconoció", "reconocieron", "reconoce", "reconocen", "ha reconocido"),
    "agradecer": ("agradeció", "agradecieron", "agradece", "ha agradecido"),
    "exponer": ("expuso", "expusieron", "expone", "ha expuesto"),
    "describir": ("describió", "describe", "describen", "ha descrito"),
    "proponer": ("propuso", "propusieron", "propone", "ha propuesto"),
    "insistir": ("insistió", "insistieron", "insiste", "insisten", "ha insistido"),
}
# Present forms that are more often nouns ("la pregunta", "la denuncia").
_ES_NOUNY = frozenset({"pregunta", "denuncia", "cuenta", "critica", "grita", "reclama",
                       "valora", "opina", "apunta", "comenta", "relata", "plantea"})


# Past 3sg and 3pl, present 3sg and 3pl, imperfect 3sg, and the participle of the perfect;
# -ir verbs conjugate as -er ones in these forms.
_ES_ENDINGS = {"ar": ("ó", "aron", "a", "an", "aba", "ado"),
               "er": ("ió", "ieron", "e", "en", "ía", "ido")}


def _es(lemma: str) -> Iterable[str]:
    if lemma in _ES_IRREGULAR:
        return _ES_IRREGULAR[lemma]
    stem = lemma[:-2]
    *endings, participle = _ES_ENDINGS["ar" if lemma.endswith("ar") else "er"]
    forms = [stem + e for e in endings] + [aux + stem + participle for aux in ("ha ", "han ")]
    return [f for f in forms if f not in _ES_NOUNY]


# -- German --------------------------------------------------------------------------
_DE_STRONG: dict[str, tuple[str, ...]] = {
    # lemma without its separable prefix -> (present 3sg, past 3sg, past 3pl, participle)
    "sprechen": ("spricht", "sprach", "sprachen", "gesprochen"),
    "schreiben": ("schreibt", "schrieb", "schrieben", "geschrieben"),
    "beschreiben": ("beschreibt", "beschrieb", "beschrieben", "beschrieben"),
    "rufen": ("ruft", "rief", "riefen", "gerufen"),
    "unterstreichen": ("unterstreicht", "unterstrich", "unterstrichen", "unterstrichen"),
    "weisen": ("weist", "wies", "wiesen", "gewiesen"),
    "geben": ("gibt", "gab", "gaben", "gegeben"),
    "führen": ("führt", "führte", "führten", "geführt"),
    "heißen": ("heißt", "hieß", "hießen", "geheißen"),
    "heben": ("hebt", "hob", "hoben", "gehoben"),
    "stellen": ("stellt", "stellte", "stellten", "gestellt"),
    "bekennen": ("bekennt", "bekannte", "bekannten", "bekannt"),
}
# Separable verbs: the prefix leaves the finite verb ("fügte ... hinzu").
_DE_SEPARABLE = {"hinzufügen": "hinzu", "mitteilen": "mit", "ankündigen": "an",
                 "hinweisen": "hin", "feststellen": "fest", "einräumen": "ein",
                 "zugeben": "zu", "ausführen": "aus", "hervorheben": "hervor",
                 "nachfragen": "nach", "darlegen": "dar", "zurückweisen": "zurück"}
# Bases of separable verbs that report speech even without their prefix ("fügte er hinzu").
_DE_SPEECH_BASES = frozenset({"fügen"})
_DE_INSEPARABLE = ("be", "er", "ver", "ent", "emp", "zer", "ge", "miss", "unter", "über")


def _de(lemma: str) -> Iterable[str]:
    base = lemma[len(_DE_SEPARABLE.get(lemma, "")):]
    if base in _DE_STRONG:
        present, past, past_pl, participle = _DE_STRONG[base]
        forms = [present, past, past_pl]
    else:
        stem = base[:-2] if base.endswith("en") else base[:-1]  # twittern -> twitter
        linking = "e" if stem.endswith(("t", "d")) or stem.endswith(("chn", "ffn", "gn")) else ""
        forms = [stem + linking + "t", stem + linking + "te", stem + linking + "ten"]
        participle = ("" if base.startswith(_DE_INSEPARABLE) or base.endswith("ieren")
                      else "ge") + stem + linking + "t"
    if base != lemma and base not in _DE_SPEECH_BASES:
        forms = []  # "gibt", "stellt", "weist" alone say nothing of speech
    if base == lemma:
        forms.append(participle)
    else:  # the prefix joins the participle: hinzugefügt, mitgeteilt
        forms.append(lemma[: len(lemma) - len(base)] + participle)
    return forms


# -- French --------------------------------------------------------------------------
_FR_IRREGULAR: dict[str, tuple[str, ...]] = {
    "dire": ("dit", "disent", "disait", "a dit", "ont dit"),
    "écrire": ("écrit", "écrivent", "écrivait", "a écrit", "ont écrit"),
    "lire": ("peut-on lire", "on peut lire"),
    "reconnaître": ("reconnaît", "reconnait", "reconnu", "a reconnu"),
    "admettre": ("admet", "admis", "a admis"),
    "promettre": ("promet", "promis", "a promis"),
    "conclure": ("conclut", "conclu", "a conclu"),
    "poursuivre": ("poursuit", "poursuivi", "a poursuivi"),
    "répondre": ("répond", "répondu", "a répondu", "ont répondu"),
    "avertir": ("avertit", "averti", "a averti"),
    "prévenir": ("prévient", "prévenu", "a prévenu"),
    "réagir": ("réagit", "réagi", "a réagi"),
    "soutenir": ("soutient", "soutenu", "a soutenu"),
    "décrire": ("décrit", "décrivent", "a décrit"),
    # Reflexive verbs, listed under the lemma the parse gives them.
    "interroger": ("s'interroge", "s'est interrogé", "s'est interrogée"),
    "exclamer": ("s'exclame", "s'est exclamé", "s'est exclamée"),
    "s'exclamer": ("s'exclame", "s'est exclamé", "s'est exclamée"),
    "réjouir": ("se réjouit", "s'est réjoui", "s'est réjouie"),
    "féliciter": ("se félicite", "s'est félicité", "s'est félicitée"),
    "inquiéter": ("s'inquiète", "s'est inquiété", "s'est inquiétée"),
}
# Present forms that are more often nouns ("la note", "le juge").
_FR_NOUNY = frozenset({"note", "demande", "juge", "lance", "glisse", "crie", "lit"})
# ... but right after a quotation they are the verb: "», juge le ministère" / "”, relata".
NOUNY_FORMS = _ES_NOUNY | _FR_NOUNY


def _fr(lemma: str) -> Iterable[str]:
    if lemma in _FR_IRREGULAR:
        return _FR_IRREGULAR[lemma]
    if not lemma.endswith("er"):
        return ()
    stem = lemma[:-2]
    # Before a and o, c is written ç and g is written ge (annonça, jugeait).
    soft = stem[:-1] + "ç" if stem.endswith("c") else stem + "e" if stem.endswith("g") else stem
    forms = (stem + "e", stem + "ent", soft + "ait", soft + "a", stem + "é",
             "a " + stem + "é", "ont " + stem + "é")
    return [f for f in forms if f not in _FR_NOUNY]


# -- English -------------------------------------------------------------------------
_EN_IRREGULAR: dict[str, tuple[str, ...]] = {
    "say": ("said", "says"), "admit": ("admitted",), "quip": ("quipped",),
    "tell": ("told", "tells"), "write": ("wrote", "writes"), "speak": ("spoke", "speaks"),
    "read": ("reads",), "begin": ("began",), "cry": ("cried",), "reply": ("replied",),
    "testify": ("testified",), "deny": ("denied",),
}
# Verbs that take an object far more often than they introduce speech: never a cue alone.
_EN_OBJECT_VERBS = frozenset({"criticize", "criticise", "praise", "welcome", "deny", "dismiss",
                              "question", "thank", "blast", "slam", "hail", "charge", "demand",
                              "tout", "begin", "quote", "apologize", "apologise", "post",
                              "continue", "describe", "read", "cry", "report", "estimate",
                              "highlight", "underline", "summarize", "answer", "counter",
                              "promise", "pledge", "agree"})


def _en(lemma: str) -> Iterable[str]:
    if lemma in _EN_OBJECT_VERBS:
        return ()
    if lemma in _EN_IRREGULAR:
        return _EN_IRREGULAR[lemma]
    if lemma.endswith("e"):
        return (lemma + "d",)
    if lemma.endswith("y") and lemma[-2:-1] not in "aeiou":
        return (lemma[:-1] + "ied",)
    return (lemma + "ed",)


_CONJUGATORS: dict[str, Callable[[str], Iterable[str]]] = {
    "en": _en, "fr": _fr, "de": _de, "es": _es,
}


def speech_forms(language: str, lemmas: Iterable[str]) -> frozenset[str]:
    """The reporting forms of ``lemmas`` in ``language`` (empty for a language without
    a conjugator)."""
    conjugate = _CONJUGATORS.get(language)
    if conjugate is None:
        return frozenset()
    return frozenset(form for lemma in lemmas for form in conjugate(lemma))
