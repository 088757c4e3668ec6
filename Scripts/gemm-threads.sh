#!/usr/bin/env bash
# GEMM rate on one and two threads per shape (square and the character model's step products).
# Usage: Scripts/gemm-threads.sh   (builds the package in release mode first)
exec "$(dirname "$0")/c-harness.sh" Scripts/gemm-threads.c
