#!/usr/bin/env bash
# One-row products from a packed weight (a streaming step at batch 1) on one and two threads.
# Usage: Scripts/gemm-row.sh   (builds the package in release mode first)
exec "$(dirname "$0")/c-harness.sh" Scripts/gemm-row.c
