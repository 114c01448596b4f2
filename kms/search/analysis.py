"""Indonesian text analysis for the index. The analyzer is pickled into the index, so the
stem function must stay importable at this path: kms.search.analysis.indonesian_stem."""
from __future__ import annotations

from functools import lru_cache

from whoosh.analysis import LowercaseFilter, RegexTokenizer, StemFilter, StopFilter

# Loanwords and domain words Sastrawi's dictionary lacks or over-stems.
EXTRA_ROOTS = ("replikasi", "digitalisasi", "inovasi", "aplikasi", "integrasi", "sosialisasi",
               "puskesmas", "posyandu", "stunting", "online", "daring", "website", "budgeting",
               "service", "smart", "perempuan", "kependudukan")
# A short stop list: function words only. Sastrawi's 809 words drop domain words (ibu, kerja, baru).
STOP_WORDS = frozenset("""
yang dan di ke dari untuk dengan pada dalam oleh atau ini itu adalah juga akan sebagai serta
bagi agar para tersebut telah sudah dapat karena maka sehingga kepada terhadap antara secara
yaitu yakni ada tidak belum masih lebih sangat hanya saja setiap sebuah seorang the of and to
in for on a an is are or not
""".split())
TOKEN_PATTERN = r"\w+(?:[-.]\w+)*"


@lru_cache(maxsize=1)
def _stemmer():
    from Sastrawi.Dictionary.ArrayDictionary import ArrayDictionary
    from Sastrawi.Stemmer.Stemmer import Stemmer
    from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

    words = StemmerFactory().get_words_from_file()
    return Stemmer(ArrayDictionary(list(words) + list(EXTRA_ROOTS)))


@lru_cache(maxsize=200_000)
def indonesian_stem(word: str) -> str:
    """The root of an Indonesian word ("pelayanan" -> "layan"); other words pass through."""
    if not word.isalpha() or len(word) <= 3:
        return word
    return _stemmer().stem(word) or word


def indonesian_analyzer():
    """Tokenize, lower-case, drop function words, stem."""
    return (RegexTokenizer(TOKEN_PATTERN) | LowercaseFilter() | StopFilter(stoplist=STOP_WORDS, minsize=1)
            | StemFilter(stemfn=indonesian_stem, cachesize=-1))


def plain_analyzer():
    """Tokenize and lower-case only: the vocabulary for spelling corrections and prefixes."""
    return RegexTokenizer(TOKEN_PATTERN) | LowercaseFilter() | StopFilter(stoplist=STOP_WORDS, minsize=2)
