#!/usr/bin/env bash
# Single-thread rate of our prepacked GEMM on the benchmark's per-step product shapes.
# Usage: Scripts/gemm-shapes.sh   (builds the package in release mode first)
exec "$(dirname "$0")/c-harness.sh" Scripts/gemm-shapes.c
