"""Feature extraction of Earshot's emotion model, shared by training and parity checks.

The Swift side (Sources/Analysis/Emotions/EmotionFeatures.swift) reproduces this
exactly; docs/EMOTIONS.md states the definition. In short:

* Text: the first MAX_TEXT_BYTES bytes of UTF-8 (cut back to a character boundary),
  invalid bytes decoded as U+FFFD.
* Tokens, scanning code points: ASCII letters (lower-cased) and digits, and every
  code point >= U+0080 that is not an emoji, extend a word; apostrophes (U+0027,
  U+2019) are dropped without ending the word; emoji (U+2600-U+27BF,
  U+1F000-U+1FAFF, minus skin-tone modifiers) are one-code-point tokens; `!` and
  `?` are one-character tokens; everything else ends a word. Words are capped at
  MAX_WORD_BYTES bytes (the rest of the word is dropped).
* Hashed features, FNV-1a 64 over bytes, bucket = hash >> (64 - BITS):
  word unigram "1"+token, word bigram "2"+t1+" "+t2 (over all tokens),
  character n-grams "3"+g for n = 2..5 over " "+word+" " of word tokens only.
  Each occurrence counts once; the word block is scaled by 1/sqrt(word features),
  the character block by 1/sqrt(character features).
* Lexicon features, log1p(count): negations, intensifiers, emoji, `!`, `?`,
  all-capital words (two or more letters, no lower-case letter).
"""

import math

MAX_TEXT_BYTES = 2048
MAX_WORD_BYTES = 32
FNV_BASIS = 0xCBF29CE484222325
FNV_PRIME = 0x100000001B3
MASK64 = (1 << 64) - 1

NEGATIONS = frozenset("""not no never nothing nobody none nor neither nowhere cannot cant dont
doesnt didnt isnt wasnt arent werent wont wouldnt couldnt shouldnt aint hasnt havent hadnt
without""".split())
INTENSIFIERS = frozenset("""very so really extremely absolutely totally completely too super
incredibly fucking fking freaking damn such most highly truly quite utterly literally""".split())
LEXICON_FEATURES = ["negations", "intensifiers", "emoji", "exclamations", "questions", "capitals"]

WORD, EMOJI, MARK = 0, 1, 2


def is_emoji(cp):
    if 0x1F3FB <= cp <= 0x1F3FF:
        return False
    return 0x2600 <= cp <= 0x27BF or 0x1F000 <= cp <= 0x1FAFF


def prepare(text):
    """UTF-8 bytes of the analysed prefix, decoded with U+FFFD for invalid bytes."""
    data = text.encode("utf-8", "surrogatepass") if isinstance(text, str) else bytes(text)
    if len(data) > MAX_TEXT_BYTES:
        end = MAX_TEXT_BYTES
        while end > 0 and 0x80 <= data[end] <= 0xBF:
            end -= 1
        data = data[:end]
    return data.decode("utf-8", "replace")


def tokens(text):
    """(kind, token bytes, all capitals) triples in text order."""
    out = []
    word = bytearray()
    upper = lower = 0

    def flush():
        nonlocal word, upper, lower
        if word:
            out.append((WORD, bytes(word), upper >= 2 and lower == 0))
        word = bytearray()
        upper = lower = 0

    for ch in prepare(text):
        cp = ord(ch)
        if 0x41 <= cp <= 0x5A:
            if len(word) < MAX_WORD_BYTES:
                word.append(cp + 32)
            upper += 1
        elif 0x61 <= cp <= 0x7A:
            if len(word) < MAX_WORD_BYTES:
                word.append(cp)
            lower += 1
        elif 0x30 <= cp <= 0x39:
            if len(word) < MAX_WORD_BYTES:
                word.append(cp)
        elif cp == 0x27 or cp == 0x2019:
            continue
        elif cp == 0x21 or cp == 0x3F:
            flush()
            out.append((MARK, bytes([cp]), False))
        elif cp >= 0x80:
            if is_emoji(cp):
                flush()
                out.append((EMOJI, ch.encode("utf-8"), False))
            elif 0x1F3FB <= cp <= 0x1F3FF or cp in (0xFE0F, 0x200D):
                continue
            else:
                encoded = ch.encode("utf-8", "surrogatepass")
                if len(word) + len(encoded) <= MAX_WORD_BYTES:
                    word.extend(encoded)
        else:
            flush()
    flush()
    return out


def fnv(h, data):
    for b in data:
        h = ((h ^ b) * FNV_PRIME) & MASK64
    return h


UNIGRAM_SEED = fnv(FNV_BASIS, b"1")
BIGRAM_SEED = fnv(FNV_BASIS, b"2")
CHAR_SEED = fnv(FNV_BASIS, b"3")


def unigram_hash(token):
    """The 64-bit hash of a token's unigram feature (its bucket is the hash's top bits)."""
    return fnv(UNIGRAM_SEED, token)


def char_buckets(word, bits):
    """Buckets of the character 2- to 5-grams of " " + word + " ", one per occurrence."""
    shift = 64 - bits
    padded = b" " + word + b" "
    buckets = []
    for start in range(len(padded) - 1):
        h = CHAR_SEED
        for end in range(start, min(start + 5, len(padded))):
            h = ((h ^ padded[end]) * FNV_PRIME) & MASK64
            if end > start:
                buckets.append(h >> shift)
    return buckets


def features(text, bits):
    """(word buckets, char buckets, lexicon counts) of one text; buckets repeat per occurrence."""
    shift = 64 - bits
    toks = tokens(text)
    word_buckets = []
    char_buckets_ = []
    counts = dict.fromkeys(LEXICON_FEATURES, 0)
    for i, (kind, tok, capitals) in enumerate(toks):
        word_buckets.append(unigram_hash(tok) >> shift)
        if i + 1 < len(toks):
            word_buckets.append(fnv(fnv(fnv(BIGRAM_SEED, tok), b" "), toks[i + 1][1]) >> shift)
        if kind == WORD:
            char_buckets_.extend(char_buckets(tok, bits))
            word = tok.decode("utf-8", "replace")
            counts["negations"] += word in NEGATIONS
            counts["intensifiers"] += word in INTENSIFIERS
            counts["capitals"] += capitals
        elif kind == EMOJI:
            counts["emoji"] += 1
        elif tok == b"!":
            counts["exclamations"] += 1
        else:
            counts["questions"] += 1
    lexicon = [math.log1p(counts[name]) for name in LEXICON_FEATURES]
    return word_buckets, char_buckets_, lexicon
