#!/usr/bin/env python3
"""The share of <unk> at word level: splits the text as `rnn train --task text --valid-fraction 0.1` does (the last
10 % of the characters validate), takes the N − 1 most frequent training words (ties in code-point order) and <unk>,
as Vocabulary.words does, and counts the words of each part outside that vocabulary. Then a reference point for
the perplexity: a unigram model (each token's training frequency, add-one smoothed, over the same vocabulary).

    python3 results/charlm/word/coverage.py TEXT N
"""
import math
import sys
from collections import Counter

path, size = sys.argv[1], int(sys.argv[2])
text = open(path, encoding="utf-8").read()
cut = round(len(text) * 0.9)
train, valid = text[:cut].split(), text[cut:].split()
counts = Counter(train)
kept = {w for w, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[: size - 1]}
print(f"distinct training words: {len(counts)}; vocabulary: {len(kept) + 1} tokens including <unk>")
for name, words in (("training", train), ("validation", valid)):
    unknown = sum(w not in kept for w in words)
    print(f"{name}: {len(words)} words, {unknown} <unk> ({100 * unknown / len(words):.2f} %)")
token = lambda w: w if w in kept else "<unk>"
ids = Counter(token(w) for w in train)
total = len(train) + size
nats = -sum(math.log((ids[token(w)] + 1) / total) for w in valid) / len(valid)
print(f"unigram (add-one) validation: {nats:.4f} nats per word, perplexity {math.exp(nats):.1f}")
