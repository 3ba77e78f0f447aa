#!/bin/sh
# Regenerates the figures shown in the README (run from the repository root):
#   sh docs/figures/regenerate.sh
# tests/figures.rs (committed_figures_are_current) fails when one of them is out of date.
set -e
cargo build --release --quiet
gradproof=target/release/gradproof
out=docs/figures
ce=derivations/softmax_cross_entropy.deriv
$gradproof plot $ce --figure curves -o $out/curves.svg
$gradproof plot $ce --figure jacobian --preset balanced -o $out/jacobian_balanced.svg
$gradproof plot $ce --figure jacobian --preset sharp -o $out/jacobian_sharp.svg
$gradproof plot $ce --figure signal --scores 2,1,0.5,-1 --true-class 3 --steps 2 -o $out/signal.svg
$gradproof plot derivations/squared_error.deriv --figure curves -o $out/curves_squared_error.svg
$gradproof compare --plot $ce derivations/squared_error.deriv derivations/focal.deriv \
  derivations/label_smoothing.deriv derivations/multiclass_hinge.deriv -o $out/compare.svg
