# Shared helpers for the scripts in this folder (sourced, not run).
# shellcheck shell=bash

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${VENV:-$ROOT/.venv}"

if [ -t 2 ]; then _b=$'\033[1;34m' _y=$'\033[1;33m' _r=$'\033[1;31m' _o=$'\033[0m'; else _b='' _y='' _r='' _o=''; fi
say()  { printf '%s==>%s %s\n' "$_b" "$_o" "$*" >&2; }
warn() { printf '%swarning:%s %s\n' "$_y" "$_o" "$*" >&2; }
fail() { printf '%sFAILED:%s %s\n' "$_r" "$_o" "$*" >&2; }
die()  { printf '%serror:%s %s\n' "$_r" "$_o" "$*" >&2; exit 1; }
