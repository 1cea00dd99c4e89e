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
* Hashed features, multiplicative 64-bit hashes, bucket = hash >> (64 - BITS):
  a token's hash is TOKEN_SEED folded with its bytes eight at a time (little-endian,
  the last chunk zero-padded): h = (h ^ chunk) * MIX; the word unigram's hash is the
  token's; the word bigram's (over all tokens) is (rotl(h1, 27) ^ h2) * MIX; a
  character n-gram's (n = 2..5 over " "+word+" " of word tokens only) is
  (gram as a little-endian integer ^ CHAR_SEED) * MIX.
  Each occurrence counts once; the word block is scaled by 1/sqrt(word features),
  the character block by 1/sqrt(character features).
* Negation scope: a negation word (NEGATIONS) opens a scope that the next ASCII
  `,` `.` `;` `:` or `!` `?` token closes (emoji and other characters do not). A word
  token inside a scope (not the negation word that opens it, but a later negation
  word inside it) has the negated unigram (h ^ NEGATION_SEED) * MIX, h its token hash,
  instead of its own unigram; its bigrams and character n-grams are unchanged.
* Lexicon features, log1p(count): negations, intensifiers, emoji, `!`, `?`,
  all-capital words (two or more letters, no lower-case letter).
"""

import math

MAX_TEXT_BYTES = 2048
MAX_WORD_BYTES = 32
MIX = 0x9E3779B97F4A7C15  # odd; the top bits of x * MIX spread (Fibonacci hashing)
TOKEN_SEED = 0x5851F42D4C957F2D
CHAR_SEED = 0x2545F4914F6CDD1D
NEGATION_SEED = 0x7F4A7C159E3779B9
BIGRAM_ROTATION = 27
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


def tokens(text, scopes=None):
    """(kind, token bytes, all capitals) triples in text order. With a list `scopes`, it
    receives, per token, whether the token is a word inside a negation scope."""
    out = []
    in_scope = False
    word = bytearray()
    upper = lower = 0

    def flush():
        nonlocal word, upper, lower, in_scope
        if word:
            token = bytes(word)
            out.append((WORD, token, upper >= 2 and lower == 0))
            if scopes is not None:
                scopes.append(in_scope)
            if token.decode("utf-8", "replace") in NEGATIONS:
                in_scope = True
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
            if scopes is not None:
                scopes.append(False)
            in_scope = False
        elif cp >= 0x80:
            if is_emoji(cp):
                flush()
                out.append((EMOJI, ch.encode("utf-8"), False))
                if scopes is not None:
                    scopes.append(False)
            elif 0x1F3FB <= cp <= 0x1F3FF or cp in (0xFE0F, 0x200D):
                continue
            else:
                encoded = ch.encode("utf-8", "surrogatepass")
                if len(word) + len(encoded) <= MAX_WORD_BYTES:
                    word.extend(encoded)
        else:
            flush()
            if cp in (0x2C, 0x2E, 0x3B, 0x3A):
                in_scope = False
    flush()
    return out


def token_hash(token):
    """The 64-bit hash of a token, its unigram feature's (its bucket is the hash's top bits)."""
    h = TOKEN_SEED
    for at in range(0, len(token), 8):
        h = ((h ^ int.from_bytes(token[at:at + 8], "little")) * MIX) & MASK64
    return h


def bigram_hash(first, second):
    """The 64-bit hash of the bigram of two tokens, from their token hashes."""
    rotated = ((first << BIGRAM_ROTATION) | (first >> (64 - BIGRAM_ROTATION))) & MASK64
    return ((rotated ^ second) * MIX) & MASK64


def negated_hash(h):
    """The 64-bit hash of the negated unigram of a token of hash h (inside a negation scope)."""
    return ((h ^ NEGATION_SEED) * MIX) & MASK64


def char_buckets(word, bits):
    """Buckets of the character 2- to 5-grams of " " + word + " ", one per occurrence."""
    shift = 64 - bits
    padded = b" " + word + b" "
    buckets = []
    for start in range(len(padded) - 1):
        for end in range(start + 2, min(start + 5, len(padded)) + 1):
            gram = int.from_bytes(padded[start:end], "little")
            buckets.append((((gram ^ CHAR_SEED) * MIX) & MASK64) >> shift)
    return buckets


def features(text, bits):
    """(word buckets, char buckets, lexicon counts) of one text; buckets repeat per occurrence."""
    shift = 64 - bits
    scopes = []
    toks = tokens(text, scopes)
    word_buckets = []
    char_buckets_ = []
    counts = dict.fromkeys(LEXICON_FEATURES, 0)
    hashes = [token_hash(tok) for _, tok, _ in toks]
    for i, (kind, tok, capitals) in enumerate(toks):
        word_buckets.append((negated_hash(hashes[i]) if scopes[i] else hashes[i]) >> shift)
        if i + 1 < len(toks):
            word_buckets.append(bigram_hash(hashes[i], hashes[i + 1]) >> shift)
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
