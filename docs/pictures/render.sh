#!/bin/sh
# Regenerates every picture in this folder (run from the repository root after `npm run build`).
# PNG, PDF and GIF text is drawn with the DejaVu fonts of the dejavu-fonts-ttf package (installed by npm install).
set -e
cd "$(dirname "$0")"
atrous() { node ../../bin/atrous.js "$@"; }
atrous plot effective-kernel --kernel 3,5 --out effective-kernel.png
atrous plot rf-growth --kernel 3 --layers 6 --out rf-growth.png
atrous plot coverage --dilations 2,2 --dims 2 --out coverage-2-2.png
atrous plot coverage --dilations 1,2,4,8 --dims 2 --out coverage-1-2-4-8.png
atrous plot coverage --dilations 1,4,8 --dims 1 --out coverage-1-4-8-1d.png
atrous plot coverage --kernel 3 --dilations 1,4,16,64,256 --dims 1 --out coverage-1-4-16-64-256.png
atrous plot coverage --kernel 3 --dilations 1,2,4,8,16,32,64,128 --dims 2 --out coverage-doubling-511.png
atrous plot erf --dilations 1,2,4,8 --dims 2 --out erf.png
atrous plot cost --channels 32,64 --size 32 --out cost.png
atrous plot rf-growth --kernel 3 --layers 6 --out rf-growth-dark.png --theme dark --width 900 --font-size 14
atrous plot coverage --dilations 1,4,8 --dims 1 --out coverage-1-4-8-1d.pdf
atrous animate slide --input 7,7 --kernel 3 --dilation 2 --out slide-2d.gif
atrous animate slide --input 10 --kernel 3 --dilation 2 --padding causal --out slide-1d-causal.gif
atrous animate slide --input 5 --kernel 3 --stride 2 --dilation 1 --transposed --out slide-transposed.gif
atrous animate growth --kernel 3 --dilations 1,2,3,4 --out growth.gif
atrous animate stack --kernel 3 --dilations 2,4,8,1 --out stack.gif
