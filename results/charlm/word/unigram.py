#!/usr/bin/env python3
"""A reference point for the word-level perplexity: the validation perplexity of a unigram model (each word's
training frequency, add-one smoothed, over the same 10,000-token vocabulary with <unk>, same split as coverage.py).

    python3 results/charlm/word/unigram.py TEXT N
"""
import math, sys
from collections import Counter

path, size = sys.argv[1], int(sys.argv[2])
text = open(path, encoding="utf-8").read()
cut = round(len(text) * 0.9)
train, valid = text[:cut].split(), text[cut:].split()
counts = Counter(train)
kept = {w for w, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[: size - 1]}
token = lambda w: w if w in kept else "<unk>"
ids = Counter(token(w) for w in train)
total = len(train) + size
nats = -sum(math.log((ids[token(w)] + 1) / total) for w in valid) / len(valid)
print(f"unigram (add-one) validation: {nats:.4f} nats per word, perplexity {math.exp(nats):.1f}")
