"""The values a coded column may take, in plain Python: the extraction rules and lexicon
loaders check against them without importing pandera (the parser processes stay small), and the
table models in this package build their `isin` checks from them."""

# articles
PUBLISHED_SOURCES = ["metadata", "html_meta", "dateline", "none"]
SOURCE_FORMATS = ["txt", "html", "json", "jsonl", "rss", "atom", "warc"]

# ingest_errors. Stable codes: users filter on them, so add new ones but never rename or
# reuse one.
REASONS = [
    "empty",
    "not_text",
    "bad_encoding",
    "bad_json",
    "bad_feed",
    "unsafe_xml",
    "truncated_archive",
    "corrupt_archive",
    "no_article_text",
    "unsupported_format",
    "too_large",
    "unreadable",
    "outside_raw",
    "broken_link",
    "not_a_file",
    "bad_file_name",
    "too_deep",
]

# events
PLOVER_TYPES = [
    "AGREE",
    "CONSULT",
    "SUPPORT",
    "CONCEDE",
    "COOPERATE",
    "AID",
    "RETREAT",
    "REQUEST",
    "ACCUSE",
    "REJECT",
    "THREATEN",
    "PROTEST",
    "SANCTION",
    "MOBILIZE",
    "COERCE",
    "ASSAULT",
]
TYPE_BASES = ["lexicon", "model"]
MODALITIES = ["asserted", "planned", "expected", "possible", "negated", "denied"]
DATE_PRECISIONS = ["day", "month", "year", "range"]
DATE_BASES = ["stated", "context", "published"]
LOCATION_BASES = ["stated", "context", "dateline", "actor"]
LOCATION_PRECISIONS = ["city", "region", "country", "sea"]

# claims
SPEAKER_KINDS = [
    "named_person",
    "anonymous_official",
    "organization",
    "government",
    "outlet",
    "other",
    # A report whose speaker the text does not state ("was asked", "is accused of"):
    # speaker_text and speaker_actor_id are null.
    "unstated",
]
# What a claim reports: something said or written, a belief or feeling held, an intention.
CLAIM_KINDS = ["statement", "belief", "intention"]
# How a claim was made (claims.channel); null when the text does not say.
CHANNELS = ["statement", "interview", "press_conference", "social_media", "speech", "news_outlet"]
STANCES = ["assert", "accuse", "deny", "reject", "warn", "promise", "request", "decline_comment"]

# quantities
KINDS = ["killed", "injured", "arrested", "displaced", "count", "money"]
QUALIFIERS = ["exact", "at_least", "more_than", "about", "up_to", "less_than", "approximate"]
SCOPES = ["event", "cumulative"]

# actors
ACTOR_KINDS = ["person", "organization", "country", "armed_group", "other"]
