#!/usr/bin/env bash
# Command-line behaviour: bad flags give a usage message and exit 2 (never a stack trace), missing data
# gives a clear error and exit 1, and the main commands run end to end on tiny settings.
# Usage: Scripts/cli-smoke.sh [path/to/rnn]   (default: builds the debug binary)
set -uo pipefail
cd "$(dirname "$0")/.."
rnn="${1:-}"
if [ -z "$rnn" ]; then
    swift build --product rnn >/dev/null || exit 1
    rnn="$(swift build --show-bin-path)/rnn"
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
failures=0

expect() {  # expect STATUS PATTERN -- command...
    local status="$1" pattern="$2"; shift 3
    local out code
    out="$("$@" 2>&1)"; code=$?
    if [ "$code" != "$status" ] || ! grep -q -- "$pattern" <<<"$out" || grep -qiE "fatal error|stack dump|backtrace" <<<"$out"; then
        echo "FAIL: $* -> exit $code (expected $status, pattern '$pattern')"; echo "$out" | head -5; failures=$((failures + 1))
    else
        echo "ok: $* -> $code"
    fi
}

expect 2 "unknown command" -- "$rnn" frobnicate
expect 2 "see 'rnn train --help'" -- "$rnn" train --bogus
# A usage error is one line saying what is wrong and one pointing to the help, not the whole usage.
out="$("$rnn" train --hidden x 2>&1)"; code=$?
if [ "$code" = 2 ] && [ "$(wc -l <<<"$out")" = 2 ] && [ "$(head -n 1 <<<"$out")" = "rnn train: error: --hidden expects a positive integer, got 'x'" ]; then
    echo "ok: a usage error is one line and a pointer to --help"
else
    echo "FAIL: usage error (exit $code):"; head -n 4 <<<"$out"; failures=$((failures + 1))
fi
expect 2 "expects a positive integer" -- "$rnn" train --steps -3
expect 2 "must be one of" -- "$rnn" train --cell transformer
expect 2 "expects a finite number" -- "$rnn" train --lr nan
expect 2 "missing required option --out" -- "$rnn" init nprnn --size 4
expect 2 "missing required option --weights" -- "$rnn" run --cell lstm --input x.npy --output y.npy
expect 2 "unknown cell" -- "$rnn" compare --cells nprnn,bogus
expect 1 "train-images-idx3-ubyte" -- "$rnn" train --task mnist --data "$work/nowhere" --steps 1 --quiet
expect 1 "No such file" -- "$rnn" run --cell lstm --weights "$work/missing.safetensors" --input x.npy --output y.npy
printf 'garbage' > "$work/bad.safetensors"
expect 1 "bad.safetensors" -- "$rnn" run --cell lstm --weights "$work/bad.safetensors" --input x.npy --output y.npy
expect 0 '"test_mse"' -- "$rnn" train --task addition --length 10 --hidden 8 --steps 20 --eval-every 10 --quiet \
    --log "$work/a.csv" --save "$work/a.safetensors" --checkpoint "$work/a.ckpt"
expect 0 '"cell":"irnn"' -- "$rnn" train --task addition --length 10 --cell irnn --hidden 8 --steps 10 --eval-every 5 \
    --quiet --gradient-flow "$work/flow.svg"
grep -q "<svg" "$work/flow.svg" || { echo "FAIL: no gradient-flow SVG"; failures=$((failures + 1)); }
expect 0 '"identity_scale":0.5' -- "$rnn" train --task addition --length 10 --cell irnn --identity-scale 0.5 --hidden 8 \
    --steps 10 --eval-every 5 --quiet
expect 2 "applies to --cell irnn" -- "$rnn" train --task addition --cell lstm --identity-scale 2
# The result line is valid JSON even when the run trains no further (resumed at its last step: no NaN).
json_line="$("$rnn" train --task addition --length 10 --hidden 8 --steps 20 --eval-every 10 --quiet --resume "$work/a.ckpt" 2>/dev/null | tail -n 1)"
if python3 -c 'import json, sys; d = json.loads(sys.argv[1]); assert d["test_mse"] is not None' "$json_line"; then
    echo "ok: result line is valid JSON"
else
    echo "FAIL: result line is not valid JSON: $json_line"; failures=$((failures + 1))
fi
# With its log, a run resumed at its last step still reports the full test metric, not the log's last
# (partial, periodic) evaluation: the same figure as without the log.
cp "$work/a.csv" "$work/a-copy.csv"
with_log="$("$rnn" train --task addition --length 10 --hidden 8 --steps 20 --eval-every 10 --quiet --test-limit 3000 \
    --resume "$work/a.ckpt" --log "$work/a-copy.csv" 2>/dev/null | tail -n 1)"
without_log="$("$rnn" train --task addition --length 10 --hidden 8 --steps 20 --eval-every 10 --quiet --test-limit 3000 \
    --resume "$work/a.ckpt" 2>/dev/null | tail -n 1)"
if python3 -c 'import json, sys; a, b = (json.loads(x) for x in sys.argv[1:]); assert a["test_mse"] == b["test_mse"] and a["seconds"] > 0' "$with_log" "$without_log"; then
    echo "ok: resumed at the last step with a log: full test metric and the logged time"
else
    echo "FAIL: resumed with a log: $with_log vs $without_log"; failures=$((failures + 1))
fi
expect 0 '"steps":40' -- "$rnn" train --task addition --length 10 --hidden 8 --steps 40 --eval-every 10 --quiet \
    --log "$work/a.csv" --checkpoint "$work/a.ckpt" --resume "$work/a.ckpt"
# --resume refuses a checkpoint of another run, naming the setting, the saved value and the given one.
small=(--task addition --length 10 --hidden 8 --eval-every 10 --quiet)
"$rnn" train "${small[@]}" --steps 20 --cell srnn --checkpoint "$work/tanh.ckpt" > /dev/null
expect 1 "saved with nonlinearity = tanh, but the model has nonlinearity = relu" -- "$rnn" train "${small[@]}" --steps 40 --resume "$work/tanh.ckpt"
"$rnn" train "${small[@]}" --steps 20 --cell gru --checkpoint "$work/gru.ckpt" > /dev/null
expect 1 "saved with reset = afterMatrix, but the model has reset = beforeMatrix" -- "$rnn" train "${small[@]}" --steps 40 --cell gru-reset-before --resume "$work/gru.ckpt"
expect 1 "saved with optimizer = adam, but this run has optimizer = sgd" -- "$rnn" train "${small[@]}" --steps 40 --optimizer sgd --resume "$work/a.ckpt"
expect 1 "saved with task = addition, but this run has task = multiplication" -- "$rnn" train --task multiplication --length 10 --hidden 8 --steps 40 --quiet --resume "$work/a.ckpt"
expect 1 "saved with cell = nprnn, but this run has cell = srnn-relu" -- "$rnn" train "${small[@]}" --steps 40 --cell srnn-relu --resume "$work/a.ckpt"
# ... and impossible steps: beyond the run's total, negative, Int.max.
expect 1 "saved at step 40, beyond this run's 30 steps" -- "$rnn" train "${small[@]}" --steps 30 --resume "$work/a.ckpt"
set_step() {  # set_step FILE STEP: rewrite a checkpoint's step metadata (a hand-edited or corrupt file)
    python3 - "$@" <<'PY'
import json, struct, sys
path, step = sys.argv[1], sys.argv[2]
data = open(path, "rb").read()
n = struct.unpack("<Q", data[:8])[0]
header = json.loads(data[8:8 + n]); header["__metadata__"]["step"] = step
text = json.dumps(header).encode(); text += b" " * (-len(text) % 8)
open(path, "wb").write(struct.pack("<Q", len(text)) + text + data[8 + n:])
PY
}
cp "$work/a.ckpt" "$work/bad-step.ckpt"; set_step "$work/bad-step.ckpt" -5
expect 1 "impossible counters: step -5" -- "$rnn" train "${small[@]}" --steps 40 --resume "$work/bad-step.ckpt"
set_step "$work/bad-step.ckpt" 9223372036854775807
expect 1 "saved at step 9223372036854775807, beyond this run's 40 steps" -- "$rnn" train "${small[@]}" --steps 40 --resume "$work/bad-step.ckpt"
# A checkpoint written before the run's settings were recorded still resumes when it matches (MNIST data needed).
mnist="${RNN_SHARED_DIR:-../shared}/data/mnist"
if [ -d "$mnist" ]; then
    expect 0 '"test_accuracy"' -- "$rnn" train --task mnist --cell nprnn --optimizer rmsprop --steps 875625 --test-limit 100 --quiet \
        --data "$mnist" --resume results/mnist-nprnn.ckpt.safetensors
    expect 1 "saved with optimizer state of 6 tensors, but this run's optimizer keeps 12" -- "$rnn" train --task mnist --cell nprnn \
        --optimizer adam --steps 875625 --test-limit 100 --quiet --data "$mnist" --resume results/mnist-nprnn.ckpt.safetensors
else
    echo "skip: no MNIST at $mnist (old-checkpoint resume)"
fi
# Fine-tuning from saved weights (a --save file or a checkpoint) with a fresh optimizer.
expect 0 '"steps":10' -- "$rnn" train --task addition --length 10 --hidden 8 --steps 10 --eval-every 5 --quiet \
    --optimizer rmsprop --weights "$work/a.safetensors"
expect 0 '"steps":10' -- "$rnn" train --task addition --length 10 --hidden 8 --steps 10 --eval-every 5 --quiet \
    --weights "$work/a.ckpt"
expect 1 "hidden_size = 8, but the model has hidden_size = 9" -- "$rnn" train --task addition --length 10 --hidden 9 --steps 10 --quiet --weights "$work/a.ckpt"
# Sizes are checked before anything is allocated: exit 2 naming the setting and the bytes (no abort).
expect 2 "--hidden 100000000: needs .* bytes" -- "$rnn" train --hidden 100000000 --steps 1 --quiet
expect 2 "--length 1000000000 .*: needs .* bytes" -- "$rnn" train --length 1000000000 --steps 1 --quiet
expect 2 "--batch 1000000000 .*: needs .* bytes" -- "$rnn" train --batch 1000000000 --steps 1 --quiet
expect 2 "--context 100000000: needs .* bytes" -- "$rnn" train --cell scrn --context 100000000 --steps 1 --quiet
# Every output path is checked before any work starts (not after the whole run).
expect 2 "--save $work/nowhere/w.safetensors cannot be written" -- "$rnn" train "${small[@]}" --steps 10 --save "$work/nowhere/w.safetensors"
expect 2 "--checkpoint $work cannot be written: .*directory" -- "$rnn" train "${small[@]}" --steps 10 --checkpoint "$work"
mkdir -p "$work/readonly"; chmod a-w "$work/readonly"
if [ "$(id -u)" != 0 ]; then
    expect 2 "--log $work/readonly/a.csv cannot be written" -- "$rnn" train "${small[@]}" --steps 10 --log "$work/readonly/a.csv"
fi
expect 2 "--output $work/nowhere/y.npy cannot be written" -- "$rnn" run --cell lstm --weights "$work/a.safetensors" --input x.npy --output "$work/nowhere/y.npy"
expect 2 "--plot $work/nowhere/c.svg cannot be written" -- "$rnn" compare "${small[@]}" --steps 10 --cells nprnn --plot "$work/nowhere/c.svg"
expect 2 "--csv $work cannot be written" -- "$rnn" compare "${small[@]}" --steps 10 --cells nprnn --plot "$work/c0.svg" --csv "$work"
expect 2 "--out $work/nowhere/w.npy cannot be written" -- "$rnn" init nprnn --size 4 --out "$work/nowhere/w.npy"
# Non-finite values: refused where they enter, with the cause.
expect 2 "--gain 1e+300 with --dtype f32: .* not finite as Float" -- "$rnn" init uniform --size 4 --gain 1e300 --dtype f32 --out "$work/inf.npy"
[ ! -e "$work/inf.npy" ] || { echo "FAIL: rnn init wrote ±inf"; failures=$((failures + 1)); }
expect 2 "orthogonal 2×67108864 needs 4 copies" -- "$rnn" init orthogonal --size 2 --inputs 67108864 --out "$work/o.npy"
python3 - "$work" <<'PY'
import json, struct, sys
work = sys.argv[1]
def safetensors(path, tensors):  # name -> (shape, float32 values)
    header, data = {}, b""
    for name, (shape, values) in tensors.items():
        blob = struct.pack("<%df" % len(values), *values)
        header[name] = {"dtype": "F32", "shape": shape, "data_offsets": [len(data), len(data) + len(blob)]}
        data += blob
    text = json.dumps(header).encode(); text += b" " * (-len(text) % 8)
    open(path, "wb").write(struct.pack("<Q", len(text)) + text + data)
lstm = {"weight_ih_l0": ([8, 1], [0.1] * 8), "weight_hh_l0": ([8, 2], [0.1] * 16), "bias_ih_l0": ([8], [0.0] * 8), "bias_hh_l0": ([8], [0.0] * 8)}
nan = dict(lstm); nan["weight_hh_l0"] = ([8, 2], [0.1] * 3 + [float("nan")] + [0.1] * 12)
safetensors(work + "/nan.safetensors", nan)
wrong = dict(lstm); wrong["weight_hh_l0"] = ([8, 3], [0.1] * 24)
safetensors(work + "/wrong-hh.safetensors", wrong)
header = "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 1, 1), }"
header += " " * (-(10 + len(header) + 1) % 64) + "\n"
open(work + "/x.npy", "wb").write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode() + struct.pack("<3f", 1, 2, 3))
# A trained model's file with one NaN in its recurrent matrix.
data = bytearray(open(work + "/a.safetensors", "rb").read())
n = struct.unpack("<Q", data[:8])[0]; entry = json.loads(data[8:8 + n])["weight_hh_l0"]
start = 8 + n + entry["data_offsets"][0] + 4 * 5
data[start:start + 4] = struct.pack("<f", float("nan"))
open(work + "/a-nan.safetensors", "wb").write(bytes(data))
PY
expect 1 "tensor 'weight_hh_l0' contains a non-finite value (NaN or infinity) at flat index 3" -- "$rnn" run --cell lstm --weights "$work/nan.safetensors" --input "$work/x.npy" --output "$work/y.npy"
expect 1 "wrong-hh.safetensors: layer 0" -- "$rnn" run --cell lstm --weights "$work/wrong-hh.safetensors" --input "$work/x.npy" --output "$work/y.npy"
expect 1 "a-nan.safetensors: tensor 'weight_hh_l0' contains a non-finite value" -- "$rnn" train "${small[@]}" --steps 10 --weights "$work/a-nan.safetensors"
expect 2 "applies to --cell nprnn" -- "$rnn" train --task addition --cell lstm --input-gain 0.1 --steps 10 --quiet
expect 0 "\"cell\":\"nprnn\"" -- "$rnn" train --task addition --length 10 --hidden 8 --steps 10 --eval-every 5 --quiet --input-gain 0.13
expect 2 "applies to --optimizer rmsprop" -- "$rnn" train --task addition --rho 0.9 --steps 10 --quiet
expect 0 "\"rho\":0.9" -- "$rnn" train --task addition --length 10 --hidden 8 --steps 10 --eval-every 5 --quiet --optimizer rmsprop --rho 0.9
expect 2 "--recurrent-lr-scale must be positive" -- "$rnn" train --task addition --recurrent-lr-scale 0 --steps 10 --quiet
expect 2 "--max-recurrent-norm must be positive" -- "$rnn" train --task addition --max-recurrent-norm -1 --steps 10 --quiet
expect 0 "\"max_recurrent_norm\":1.0" -- "$rnn" train --task addition --length 10 --hidden 8 --steps 10 --eval-every 5 --quiet --max-recurrent-norm 1
expect 0 "\"schedule\":\"cosine\",\"warmup\":5,\"min_lr\":0.0001" -- "$rnn" train --task addition --length 10 --hidden 8 --steps 20 --eval-every 10 --quiet --schedule cosine --warmup 5 --min-lr 0.0001
expect 2 "--decay applies to --schedule step" -- "$rnn" train --task addition --schedule cosine --decay 0.3 --steps 10 --quiet
expect 2 "--warmup and --min-lr apply to --schedule cosine" -- "$rnn" train --task addition --warmup 3 --steps 10 --quiet
expect 0 "\"schedule\":\"piecewise\",\"milestones\":\"10:0.0005,15:0.0001\"" -- "$rnn" train --task addition --length 10 --hidden 8 --steps 20 --eval-every 10 --quiet --schedule piecewise --milestones 10:0.0005,15:0.0001
expect 2 "--schedule piecewise and --milestones go together" -- "$rnn" train --task addition --schedule piecewise --steps 10 --quiet
expect 2 "--schedule piecewise and --milestones go together" -- "$rnn" train --task addition --milestones 5:0.1 --steps 10 --quiet
expect 2 "--milestones: the steps must increase" -- "$rnn" train --task addition --schedule piecewise --milestones 9:0.1,5:0.01 --steps 10 --quiet
expect 2 "--milestones expects STEP:RATE" -- "$rnn" train --task addition --schedule piecewise --milestones 9-0.1 --steps 10 --quiet
expect 2 "--decay applies to --schedule step; piecewise sets its own rates" -- "$rnn" train --task addition --schedule piecewise --milestones 5:0.1 --decay 0.5 --steps 10 --quiet
expect 2 "--norm-stabilizer must be zero or positive" -- "$rnn" train --task addition --norm-stabilizer -2 --steps 10 --quiet
expect 0 "\"norm_stabilizer\":2.0" -- "$rnn" train --task addition --length 10 --hidden 8 --steps 10 --eval-every 5 --quiet --norm-stabilizer 2
expect 2 "--orthogonality-penalty must be zero or positive" -- "$rnn" train --task addition --orthogonality-penalty -1 --steps 10 --quiet
expect 0 "\"orthogonality_penalty\":0.5" -- "$rnn" train --task addition --cell nprnn --length 10 --hidden 8 --steps 10 --eval-every 5 --quiet --orthogonality-penalty 0.5
expect 0 "\"recurrent_lr_scale\":0.3" -- "$rnn" train --task addition --length 10 --hidden 8 --steps 10 --eval-every 5 --quiet --optimizer rmsprop --recurrent-lr-scale 0.3
expect 2 "--weight-decay must be zero or positive" -- "$rnn" train --task addition --weight-decay -1 --steps 10 --quiet
expect 0 "\"weight_decay\":0.01" -- "$rnn" train --task addition --length 10 --hidden 8 --steps 10 --eval-every 5 --quiet --optimizer adamw --weight-decay 0.01
expect 2 "exclude each other" -- "$rnn" train --task addition --steps 10 --quiet --weights "$work/a.ckpt" --resume "$work/a.ckpt"
expect 0 '"cell":"lstm"' -- "$rnn" compare --task multiplication --length 10 --hidden 8 --steps 10 --eval-every 5 \
    --cells nprnn,lstm --quiet --plot "$work/c.svg"
grep -q "<svg" "$work/c.svg" || { echo "FAIL: no SVG written"; failures=$((failures + 1)); }
# Curves drawn again from the saved CSVs: a train log (with a label) and a compare CSV (one curve per cell).
"$rnn" compare --task addition --length 10 --hidden 8 --steps 10 --eval-every 5 --cells nprnn,irnn --quiet \
    --no-spectra --plot "$work/c2.svg" --csv "$work/c2.csv" > /dev/null
expect 0 "3 curve(s)" -- "$rnn" plot "$work/a.csv=train log" "$work/c2.csv" --log-y --plot "$work/p.svg"
grep -q "train log" "$work/p.svg" || { echo "FAIL: plot legend lacks the label"; failures=$((failures + 1)); }
expect 2 "must be one of" -- "$rnn" plot "$work/a.csv" --y bogus
printf 'step,train_loss\n10,x\n' > "$work/bad.csv"
expect 1 "no 'test_metric' column" -- "$rnn" plot "$work/bad.csv"
expect 1 "bad.csv:2" -- "$rnn" plot "$work/bad.csv" --y loss
expect 0 "" -- "$rnn" bench --quick --repeats 1
expect 0 '"cell":"srnn-relu"' -- "$rnn" bench --quick --repeats 1 --json --only srnn-relu-i1-h16-b4-t10
expect 0 "sgemm_gflops" -- "$rnn" bench --sgemm 64 --repeats 1 --json
expect 0 '"train_speedup"' -- "$rnn" bench --quick --repeats 1 --json --scaling --only gru-i1-h16-b4-t10
expect 2 "see 'rnn bench --help'" -- "$rnn" bench --sgemm 0
expect 0 "spectral radius" -- "$rnn" spectrum --init nprnn --size 20 --plot "$work/s.svg"
expect 0 "model.weight_hh_l0" -- "$rnn" spectrum --weights "$work/a.ckpt"
expect 0 "" -- "$rnn" dynamics --cases --steps 10 --plot "$work/d.svg"
expect 2 "" -- "$rnn" dynamics --eigenvalues 1 --plot "$work/d.svg"

# Time series (--task ts) on the small GunPoint pair of the UEA/UCR archive, when the shared data is present.
uea="${RNN_SHARED_DIR:-../shared}/data/uea"
if [ -f "$uea/GunPoint_TRAIN.ts" ] && [ -f "$uea/GunPoint_TEST.ts" ]; then
    expect 0 '"test_accuracy":' -- "$rnn" train --task ts --train "$uea/GunPoint_TRAIN.ts" --test "$uea/GunPoint_TEST.ts" \
        --epochs 2 --hidden 8 --quiet
    expect 0 '"best_epoch":' -- "$rnn" train --task ts --train "$uea/GunPoint_TRAIN.ts" --test "$uea/GunPoint_TEST.ts" \
        --epochs 2 --hidden 4 --cell lstm --bidirectional --layers 2 --validation 0.3 --batch 8 --patience 1 --quiet
    expect 0 '"readout":"mean","dtype":"f32","batch":16,"lr":0.003' -- "$rnn" train --task ts --train "$uea/GunPoint_TRAIN.ts" \
        --test "$uea/GunPoint_TEST.ts" --epochs 1 --hidden 4 --quiet
    expect 0 '"readout":"last","dtype":"f32","batch":16,"lr":0.01' -- "$rnn" train --task ts --train "$uea/GunPoint_TRAIN.ts" \
        --test "$uea/GunPoint_TEST.ts" --epochs 1 --hidden 4 --readout last --lr 0.01 --quiet
    expect 2 "--readout" -- "$rnn" train --task ts --train "$uea/GunPoint_TRAIN.ts" --test "$uea/GunPoint_TEST.ts" --readout max --quiet
    expect 0 '"select":"accuracy-later"' -- "$rnn" train --task ts --train "$uea/GunPoint_TRAIN.ts" \
        --test "$uea/GunPoint_TEST.ts" --epochs 1 --hidden 4 --select accuracy-later --quiet
    expect 2 "--select" -- "$rnn" train --task ts --train "$uea/GunPoint_TRAIN.ts" --test "$uea/GunPoint_TEST.ts" --select first --quiet
    expect 2 "has 6 dimensions per step" -- "$rnn" train --task ts --train "$uea/GunPoint_TRAIN.ts" --test "$uea/BasicMotions_TEST.ts" --quiet
else
    echo "cli-smoke: skipping --task ts: no GunPoint_TRAIN.ts / GunPoint_TEST.ts in $uea"
fi
printf '@problemName bad\n@classLabel true a b\n@data\n1,2,x:a\n' > "$work/bad.ts"
expect 2 "bad.ts:4" -- "$rnn" train --task ts --train "$work/bad.ts" --test "$work/bad.ts" --quiet
expect 2 "cannot open" -- "$rnn" train --task ts --train "$work/none.ts" --test "$work/none.ts" --quiet
expect 2 "needs --train" -- "$rnn" train --task ts --quiet
# The saved ts model carries the standardization fitted on TRAIN: `rnn run --model` on the raw TEST values
# predicts exactly what test_accuracy was computed from (raw values far from standardized: feature 0 around 40
# or 60 by class, feature 1 around -0.2; the class is easy once standardized, so the accuracy must also be high).
python3 - "$work" <<'PY'
import random, struct, sys
work = sys.argv[1]
def cases(n, seed):
    r = random.Random(seed); out = []
    for _ in range(n):
        c = r.randrange(2)
        out.append(([50 + 10 * (2 * c - 1) + 4 * r.uniform(-1, 1) for _ in range(6)], [-0.2 + 0.01 * r.uniform(-1, 1) for _ in range(6)], c))
    return out
for name, data in (("toy_TRAIN.ts", cases(40, 1)), ("toy_TEST.ts", cases(12, 2))):
    with open(f"{work}/{name}", "w") as f:
        f.write("@problemName toy\n@univariate false\n@dimensions 2\n@equalLength true\n@seriesLength 6\n@classLabel true 0 1\n@data\n")
        for a, b, c in data:
            f.write(",".join(repr(v) for v in a) + ":" + ",".join(repr(v) for v in b) + f":{c}\n")
test = cases(12, 2)
values = [v for t in range(6) for a, b, c in test for v in (a[t], b[t])]   # (T, B, I) = (6, 12, 2), float64
h = "{'descr': '<f8', 'fortran_order': False, 'shape': (6, 12, 2), }"; h += " " * (-(11 + len(h)) % 64) + "\n"
open(f"{work}/toy_x.npy", "wb").write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(h)) + h.encode() + struct.pack(f"<{len(values)}d", *values))
open(f"{work}/toy_labels", "w").write(" ".join(str(c) for a, b, c in test))
PY
for dtype in f32 f64; do
    json="$("$rnn" train --task ts --train "$work/toy_TRAIN.ts" --test "$work/toy_TEST.ts" --epochs 8 --lr 0.01 --hidden 6 --dtype $dtype \
        --quiet --save "$work/toy-$dtype.safetensors" 2>&1)"
    expect 0 "input normalization: (x − mean) / scale per feature" -- "$rnn" info "$work/toy-$dtype.safetensors"
    expect 0 "(6, 12, 2) -> .*(12, 2)" -- "$rnn" run --model "$work/toy-$dtype.safetensors" --input "$work/toy_x.npy" --output "$work/toy_y.npy" --dtype $dtype
    if python3 - "$work" "$json" <<'PY'
import json, struct, sys
work, line = sys.argv[1], sys.argv[2]
data = open(f"{work}/toy_y.npy", "rb").read()
n = struct.unpack("<H", data[8:10])[0]; header = data[10:10 + n].decode(); body = data[10 + n:]
fmt = "<24f" if "<f4" in header else "<24d"
y = struct.unpack(fmt, body[:struct.calcsize(fmt)])
labels = [int(c) for c in open(f"{work}/toy_labels").read().split()]
accuracy = sum((1 if y[2 * i + 1] > y[2 * i] else 0) == c for i, c in enumerate(labels)) / len(labels)
expected = json.loads(line)["test_accuracy"]
print(f"rnn run accuracy {accuracy}, rnn train test_accuracy {expected}")
sys.exit(0 if accuracy == expected and accuracy >= 0.75 else 1)
PY
    then echo "ok: $dtype: rnn run --model on raw TEST values reproduces test_accuracy"
    else echo "FAIL: $dtype: rnn run --model on raw TEST values does not reproduce test_accuracy ($json)"; failures=$((failures + 1)); fi
done
# rnn run --model / rnn info: a saved model or checkpoint is enough (no --cell), readout included.
"$rnn" train "${small[@]}" --steps 10 --cell gru --layers 2 --bidirectional --save "$work/m.safetensors" --checkpoint "$work/m.ckpt" > /dev/null
python3 -c 'import struct, sys; h = "{\x27descr\x27: \x27<f4\x27, \x27fortran_order\x27: False, \x27shape\x27: (5, 4, 2), }"; h += " " * (-(11 + len(h)) % 64) + "\n"; open(sys.argv[1], "wb").write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(h)) + h.encode() + struct.pack("<40f", *[0.025 * i for i in range(40)]))' "$work/x2.npy"
expect 0 "x2.npy (5, 4, 2) -> .*ym.npy (4, 1) in [0-9]* ms" -- "$rnn" run --model "$work/m.safetensors" --input "$work/x2.npy" --output "$work/ym.npy"
expect 0 "(4, 1) in" -- "$rnn" run --model "$work/m.ckpt" --input "$work/x2.npy" --output "$work/yc.npy"
cmp -s "$work/ym.npy" "$work/yc.npy" || { echo "FAIL: rnn run --model: the saved model and its checkpoint differ"; failures=$((failures + 1)); }
expect 0 "(5, 4, 16) in" -- "$rnn" run --model "$work/m.safetensors" --input "$work/x2.npy" --output "$work/hm.npy" --hidden-states
expect 0 "(5, 4, 8) in" -- "$rnn" run --cell srnn-relu --weights "$work/a.safetensors" --input "$work/x2.npy" --output "$work/ha.npy"
expect 1 "bad.safetensors" -- "$rnn" run --model "$work/bad.safetensors" --input "$work/x2.npy" --output "$work/y.npy"
expect 1 "expected shape (T, B, 2)" -- "$rnn" run --model "$work/m.safetensors" --input "$work/x.npy" --output "$work/y.npy"
expect 2 "--cell applies to a PyTorch state_dict" -- "$rnn" run --model "$work/m.safetensors" --cell gru --input "$work/x2.npy" --output "$work/y.npy"
expect 2 "missing required option --model" -- "$rnn" run --input "$work/x2.npy" --output "$work/y.npy"
expect 0 "1 reverse  GRUCell<Float>" -- "$rnn" info "$work/m.safetensors"
expect 0 "LanguageModel: character vocabulary of 58 tokens" -- "$rnn" info results/char-lstm-tiny-shakespeare.safetensors
expect 0 "training checkpoint at step 10, cell gru" -- "$rnn" info "$work/m.ckpt"
expect 0 "total  *11310" -- "$rnn" info results/mnist-nprnn.ckpt.safetensors
for bad in "$work/bad.safetensors" "$work/nan.safetensors" "$work/missing.safetensors"; do
    out="$("$rnn" info "$bad" 2>&1)"; code=$?
    if [ "$code" = 2 ] && [ "$(wc -l <<<"$out")" = 1 ] && grep -q "^rnn info: error: $bad" <<<"$out"; then
        echo "ok: rnn info $bad -> one line, exit 2"
    else
        echo "FAIL: rnn info $bad (exit $code):"; head -n 3 <<<"$out"; failures=$((failures + 1))
    fi
done
expect 2 "not a saved model" -- "$rnn" info "$work/nan.safetensors"
# Language models (--task text) and generation: bad input is one line and exit 2, with nothing written.
yes "to be or not to be, that is the question." | head -n 300 > "$work/text.txt"
: > "$work/empty.txt"
printf 'to be or not' > "$work/short.txt"
printf 'to be \xff or not to be\n' > "$work/bad-utf8.txt"
expect 2 "the file is empty" -- "$rnn" train --task text --data "$work/empty.txt" --quiet
expect 2 "fewer than one window" -- "$rnn" train --task text --data "$work/short.txt" --save "$work/short.safetensors" --quiet
[ ! -e "$work/short.safetensors" ] || { echo "FAIL: a refused run wrote --save"; failures=$((failures + 1)); }
expect 2 "not valid UTF-8 at byte 6" -- "$rnn" train --task text --level word --data "$work/bad-utf8.txt" --quiet
expect 2 "applies to --level word" -- "$rnn" train --task text --data "$work/text.txt" --vocabulary-size 100
expect 0 '"bpc"' -- "$rnn" train --task text --data "$work/text.txt" --hidden 8 --embedding 4 --bptt 8 --batch 4 --steps 4 \
    --eval-every 2 --sample-length 5 --quiet --save "$work/char.safetensors"
expect 0 '"perplexity"' -- "$rnn" train --task text --level word --data "$work/text.txt" --cell gru --layers 2 --dropout 0.1 \
    --hidden 8 --embedding 4 --bptt 4 --batch 2 --steps 4 --eval-every 2 --windows sequential --quiet
expect 0 "to be" -- "$rnn" generate --model "$work/char.safetensors" --prime "to be" --length 10
expect 0 '"tokens_per_second"' -- "$rnn" generate --model "$work/char.safetensors" --prime "to be" --length 10 --timing
model=results/char-lstm-tiny-shakespeare.safetensors
expect 2 'character "€" (U+20AC) at position 5' -- "$rnn" generate --model "$model" --prime "ROMEO€"
expect 2 "--temperature must be positive" -- "$rnn" generate --model "$model" --prime "ROMEO:" --temperature 0
expect 2 "--top-k expects a positive integer" -- "$rnn" generate --model "$model" --prime "ROMEO:" --top-k 0
expect 2 "not a saved language model" -- "$rnn" generate --model "$work/a.safetensors" --prime "ROMEO:"
first="$("$rnn" generate --model "$model" --prime "ROMEO:" --length 200 --temperature 0.8 --top-k 10 --seed 7 2>&1)"
second="$("$rnn" generate --model "$model" --prime "ROMEO:" --length 200 --temperature 0.8 --top-k 10 --seed 7 2>&1)"
if [ "$first" = "$second" ] && [ "${first:0:6}" = "ROMEO:" ] && [ "${#first}" -ge 200 ]; then
    echo "ok: rnn generate on the committed model, same seed → same text"
else
    echo "FAIL: rnn generate is not reproducible or too short:"; echo "$first" | head -3; echo "$second" | head -3
    failures=$((failures + 1))
fi
# Language-model runs: resuming a checkpoint gives the uninterrupted run's model bit for bit (random windows with
# dropout, recurrent dropout and tied weights; ordered windows with the carried state), and a model to start from
# must fit the data.
lm="--task text --data $work/text.txt --hidden 8 --embedding 8 --bptt 8 --dropout 0.1 --sample-length 5 --quiet"
lm2="$lm --batch 4 --layers 2 --eval-every 3"
for extra in "--recurrent-dropout 0.2 --tie-weights" "--cell gru --recurrent-dropout 0.3 --windows sequential"; do
    "$rnn" train $lm2 $extra --steps 6 --save "$work/whole.safetensors" --log "$work/whole.csv" >/dev/null
    "$rnn" train $lm2 $extra --steps 3 --checkpoint "$work/lm.ckpt" --log "$work/part.csv" >/dev/null
    expect 0 '"steps":6' -- "$rnn" train $lm2 $extra --steps 6 --resume "$work/lm.ckpt" --save "$work/resumed.safetensors" --log "$work/part.csv"
    # The curves agree except for the seconds column.
    if cmp -s "$work/whole.safetensors" "$work/resumed.safetensors" \
        && [ "$(cut -d, -f1,3- "$work/whole.csv")" = "$(cut -d, -f1,3- "$work/part.csv")" ]; then
        echo "ok: rnn train --task text $extra: a resumed run equals the uninterrupted one"
    else
        echo "FAIL: rnn train --task text $extra: the resumed run differs"; failures=$((failures + 1))
    fi
done
expect 0 '"tie_weights":true' -- "$rnn" train $lm2 --tie-weights --steps 2 --save "$work/tied.safetensors"
expect 0 "to be" -- "$rnn" generate --model "$work/tied.safetensors" --prime "to be" --length 10
printf 'to be or not to be, Zounds!\n%.0s' {1..200} > "$work/zounds.txt"
expect 2 'vocabulary (--weights .*) does not fit the data: --data .*zounds.txt, training part: character "Z"' -- \
    "$rnn" train --task text --data "$work/zounds.txt" --weights "$work/tied.safetensors" --hidden 8 --embedding 8 --layers 2 \
    --tie-weights --bptt 8 --batch 4 --steps 2 --save "$work/zounds.safetensors" --checkpoint "$work/zounds.ckpt" --quiet
[ ! -e "$work/zounds.safetensors" ] && [ ! -e "$work/zounds.ckpt" ] || { echo "FAIL: a refused run wrote a file"; failures=$((failures + 1)); }
expect 2 "saved with num_layers = 2, but the model has num_layers = 1" -- "$rnn" train $lm --batch 4 --layers 1 --tie-weights --weights "$work/tied.safetensors"
expect 2 "saved with batch = 4, but this run has batch = 8" -- "$rnn" train $lm --layers 2 --cell gru --recurrent-dropout 0.3 --windows sequential --batch 8 --resume "$work/lm.ckpt"
expect 2 "needs --embedding (4) equal to --hidden (8)" -- "$rnn" train --task text --data "$work/text.txt" --hidden 8 --embedding 4 --tie-weights
expect 2 "applies to --cell lstm or gru, not srnn" -- "$rnn" train --task text --data "$work/text.txt" --cell srnn --recurrent-dropout 0.2
expect 0 '"schedule":"cosine"' -- "$rnn" train $lm --batch 4 --epochs 1 --schedule cosine --warmup 2 --eval-every 1000
# --patience stops a run whose validation loss no longer falls, and --keep-best leaves in --save the model of the
# best evaluation: byte for byte the model of a run stopped at that step (read from the JSON line: rounding, and
# so the step, may differ between kernel levels).
best="--task text --data $work/text.txt --hidden 8 --embedding 8 --bptt 8 --batch 4 --eval-every 5 --lr 3 --clip 0 --quiet --sample-length 5"
line="$("$rnn" train $best --steps 60 --patience 2 --keep-best --save "$work/best.safetensors")"
at="$(python3 -c 'import json,sys; j=json.loads(sys.argv[1]); ok=j["stopped_early"] and j["saved"]=="best" and j["steps_done"]==j["best_step"]+10; print(j["best_step"] if ok else "bad")' "$line")"
if [ "$at" != bad ] && "$rnn" train $best --steps "$at" --save "$work/at-best.safetensors" >/dev/null \
    && cmp -s "$work/best.safetensors" "$work/at-best.safetensors"; then
    echo "ok: rnn train --task text --patience 2 --keep-best stopped at step $((at + 10)) and saved the model of step $at"
else
    echo "FAIL: rnn train --task text --patience/--keep-best: $line"; failures=$((failures + 1))
fi
expect 2 "--keep-best needs --save FILE" -- "$rnn" train $best --keep-best

if [ "$failures" -ne 0 ]; then echo "cli-smoke: $failures failure(s)"; exit 1; fi
echo "cli-smoke: OK"
