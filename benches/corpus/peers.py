"""Runs one peer matcher over a JSONL corpus, as a whole process.

    python peers.py flashtext|pyahocorasick|spacy FORMS.txt CORPUS.jsonl

FORMS.txt holds one pattern per line (every alias and its ALL-CAPS form, as
prepare.py writes it). Each peer matches those patterns case-sensitively
(spaCy: attr LOWER, i.e. case-insensitive, as its users do), finds whole-word
hits in each document's "text", and prints the hit count on stderr. Nothing
else is written: the time is loading plus matching.
"""

import json
import sys


def documents(path):
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)["text"]


def run_flashtext(forms, corpus):
    from flashtext import KeywordProcessor

    kp = KeywordProcessor(case_sensitive=True)
    for form in forms:
        kp.add_keyword(form)
    return sum(len(kp.extract_keywords(text)) for text in documents(corpus))


def run_pyahocorasick(forms, corpus):
    import ahocorasick

    automaton = ahocorasick.Automaton()
    for i, form in enumerate(forms):
        automaton.add_word(form, i)
    automaton.make_automaton()
    hits = 0
    for text in documents(corpus):
        for end, index in automaton.iter_long(text):
            start = end + 1 - len(forms[index])
            before = text[start - 1] if start > 0 else " "
            after = text[end + 1] if end + 1 < len(text) else " "
            if not before.isalnum() and not after.isalnum():
                hits += 1
    return hits


def run_spacy(forms, corpus):
    import spacy
    from spacy.matcher import PhraseMatcher

    nlp = spacy.blank("en")
    nlp.max_length = 10**8
    matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
    # Lower-cased patterns: the ALL-CAPS forms add nothing under attr LOWER.
    patterns = sorted({f.lower() for f in forms})
    matcher.add("ALIAS", list(nlp.tokenizer.pipe(patterns)))
    hits = 0
    for doc in nlp.tokenizer.pipe(documents(corpus)):
        hits += len(matcher(doc))
    return hits


def main():
    mode, forms_path, corpus = sys.argv[1:4]
    with open(forms_path, encoding="utf-8") as f:
        forms = [line.rstrip("\n") for line in f if line.strip()]
    run = {"flashtext": run_flashtext, "pyahocorasick": run_pyahocorasick, "spacy": run_spacy}[mode]
    print(f"{mode}: {run(forms, corpus)} hits", file=sys.stderr)


if __name__ == "__main__":
    main()
