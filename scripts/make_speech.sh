#!/usr/bin/env bash
# Regenerates examples/data/speech.wav: our own sentence, spoken by espeak-ng (Debian's package), resampled by sox to
# 8 kHz mono 16-bit. The text is ours and the recording is released with atrous under its MIT licence.
# Needs: apt-get install -y espeak-ng sox
set -euo pipefail
cd "$(dirname "$0")/.."
command -v espeak-ng >/dev/null && command -v sox >/dev/null || { echo "make_speech.sh needs espeak-ng and sox: apt-get install -y espeak-ng sox" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
espeak-ng -v en-us -s 150 -w "$work/raw.wav" \
  "Dilated convolutions let a network hear far into the past without losing a single sample. Each layer doubles how far back it listens."
sox -D "$work/raw.wav" -r 8000 -b 16 -c 1 "$work/speech.wav"
mv "$work/speech.wav" examples/data/speech.wav
echo "examples/data/speech.wav: $(soxi -D examples/data/speech.wav) s at $(soxi -r examples/data/speech.wav) Hz"
