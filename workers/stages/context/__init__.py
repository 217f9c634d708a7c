"""Names nobody listed, recognised from the words around them (``tagger.ContextTagger``).

Each kind of context reads the name after the words that announce it (``words``): people after a title or role, a
nationality, a known given name, a verb of saying, or in apposition (``persons``); organisations after the head of
their name (``organisations``); places after a settlement or a facility word, and compound place names (``places``);
events and meetings after their head (``events``). A name found so is found again later in the same body by a shorter
form (``mentions``). Everything stops at punctuation and at stop words. The gazetteer's entities win over these
(``merging.merge``).
"""

from marsad.workers.stages.context.merging import merge
from marsad.workers.stages.context.tagger import ContextTagger
from marsad.workers.stages.context.vocabulary import Vocabulary
from marsad.workers.stages.context.words import (
    COMMON_ZIPF,
    EVENT_HEADS,
    FACILITY_TRIGGERS,
    KNOWN_ZIPF,
    MAX_NAME_WORDS,
    ORGANISATION_HEADS,
    PERSON_TITLES,
    PLACE_ZIPF,
    RARE_ZIPF,
    SAYING_VERBS,
    SETTLEMENT_TRIGGERS,
)

__all__ = [
    "COMMON_ZIPF",
    "EVENT_HEADS",
    "FACILITY_TRIGGERS",
    "KNOWN_ZIPF",
    "MAX_NAME_WORDS",
    "ORGANISATION_HEADS",
    "PERSON_TITLES",
    "PLACE_ZIPF",
    "RARE_ZIPF",
    "SAYING_VERBS",
    "SETTLEMENT_TRIGGERS",
    "ContextTagger",
    "Vocabulary",
    "merge",
]
